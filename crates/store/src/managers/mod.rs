//! Project managers (项目经理人, 004 三(三)(五)): their assignments with the log, and the platform's
//! yearly double assessment with the portfolio facts it starts from.

pub mod assessments;
pub mod assignments;
