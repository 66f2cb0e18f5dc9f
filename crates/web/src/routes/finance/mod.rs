//! The finance side on the web (金融联动, issue 17): innovation vouchers, the centers' returns,
//! roadshows, investors' interest, the fund's view, subsidies and rewards, the loans and insurance catalogue.

pub mod grants;
pub mod investment_api;
pub mod investment_html;
pub mod products;
pub mod returns;
pub mod vouchers_api;
pub mod vouchers_html;
