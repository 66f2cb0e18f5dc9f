//! Supply–demand matching (三单联动, issue 15): industry demands and the
//! matches answered on them (the 精准对接清单).

pub mod cultivation;
pub mod demands;
pub mod matches;
