//! The finance side (金融联动, issue 17): innovation vouchers, the centers' returns, roadshows,
//! investors' interest and the fund's priority view.

pub mod fund;
pub mod interests;
pub mod returns;
pub mod roadshows;
pub mod vouchers;
