//! The finance side on the web (金融联动, issue 17): innovation vouchers so far.

pub mod returns;
pub mod vouchers_api;
pub mod vouchers_html;
