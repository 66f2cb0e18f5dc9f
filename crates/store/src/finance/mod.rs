//! The finance side (金融联动, issue 17): innovation vouchers so far.

pub mod vouchers;
