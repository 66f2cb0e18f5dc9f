//! Annual performance evaluation and dynamic management (年度绩效评价与
//! “有进有出”动态管理), as pure rules over what the records show:
//!
//! - [`plan`]: the evaluation section of a policy profile — data window,
//!   report due day, indicators with weights (computed from records or scored
//!   by experts), grade bands, and the consequences the policy attaches.
//! - [`figures`]: what a center's records show for one evaluation year
//!   ([`figures::Metric`], [`figures::YearFigures`]).
//! - [`scoring`]: indicators and expert scores combined into a total with
//!   every component shown, and the grade the bands give it.
//! - [`management`]: the actions a profile prescribes after a year's result
//!   (revocation, rectification, caution, reward, support), proposed for the
//!   bureau to confirm — never applied silently.

pub mod cycle;
pub mod figures;
pub mod management;
pub mod plan;
pub mod ranking;
pub mod scoring;
#[cfg(test)]
mod tests;

pub use cycle::{ActionState, EvaluationState, ReportState, RoundState};
pub use figures::{Correction, Metric, YearFigures};
pub use management::{propose, ActionKind, PastYear, Proposal, YearOutcome};
pub use plan::{Indicator, IndicatorSource, MonthDay, Reward, Support, Window};
pub use scoring::{combine, Component, ExpertMeans, Scorecard};
