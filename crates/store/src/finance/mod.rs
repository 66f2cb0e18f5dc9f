//! The finance side (金融联动, issue 17): innovation vouchers, the centers' returns, roadshows and investors' interest, subsidies and rewards, the loans and insurance catalogue.

pub mod grants;
pub mod interests;
pub mod products;
pub mod returns;
pub mod roadshows;
pub mod vouchers;
