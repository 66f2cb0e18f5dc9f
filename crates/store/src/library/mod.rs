//! The project library (项目库) in the database: intake (one result or a
//! whole spreadsheet in one transaction), the pipeline's steps (screening
//! panels are [`crate::panels`]), verification plans and milestones, reports, hand-offs and
//! mutual recognition. Lists of the public face live in [`crate::results`].

pub mod intake;
pub mod pipeline;
pub mod verification;
pub mod handoffs;
pub mod reports;
