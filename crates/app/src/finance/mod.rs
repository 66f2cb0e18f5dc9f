//! The finance side (金融联动, issue 17): innovation vouchers and the centers' returns.

pub mod returns;
pub mod vouchers;
