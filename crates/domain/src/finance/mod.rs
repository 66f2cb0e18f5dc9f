//! The finance side (金融联动): innovation vouchers, roadshows and investor interest, the
//! centers' returns, subsidies and rewards (000 二(四)(十一); 001 概念验证 四, 中试 四(14)(15);
//! 002 三(五)(九); 004 四(一)(二), 五(二)).

pub mod grant;
pub mod investment;
pub mod product;
pub mod returns;
pub mod roadshow;
pub mod voucher;
