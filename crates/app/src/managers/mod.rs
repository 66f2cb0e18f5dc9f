//! Project managers (项目经理人, 004 三(三)(五)) as each side works them: a platform's operators assign
//! a manager account to a project of their library; the manager (and the operators) keep the log
//! through decision, progress and exit; once a year the platform assesses each manager on technical
//! and commercial value together, starting from scores suggested by the portfolio's records; the
//! manager reads its portfolio and record; the bureau reads every platform's.

pub mod assessments;
pub mod assignments;
