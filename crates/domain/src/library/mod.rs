//! The project library (项目库) and the verification pipeline (概念验证):
//! a research result's intake, its screening and admission, the
//! verification plan with milestones and milestone-based funding, the
//! report, the hand-off to a pilot platform and mutual recognition, and who
//! may see its trade secrets. The vocabularies (source, state, TRL) live in
//! [`crate::research_result`].

pub mod intake;
pub mod pipeline;
pub mod secrecy;
pub mod verification;
pub mod list;
