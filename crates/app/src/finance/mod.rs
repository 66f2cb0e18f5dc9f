//! The finance side (金融联动, issue 17): innovation vouchers, the centers' returns, roadshows,
//! investors' interest, the fund's priority view, subsidies and rewards, the loans and insurance catalogue.

pub mod fund;
pub mod grants;
pub mod interests;
pub mod products;
pub mod returns;
pub mod roadshows;
pub mod vouchers;
