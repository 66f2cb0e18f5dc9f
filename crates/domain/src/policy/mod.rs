//! Policy profiles as data (政策配置): each jurisdiction's rules — criteria
//! with thresholds and how their wording is read, naming pattern, public-notice
//! period, grade bands, change and revocation rules, industry catalogue — live
//! in a versioned file under `policies/`, each rule citing its article.
//!
//! [`profile`] parses and checks a file (every problem with its line);
//! [`criteria`] evaluates a stage's criteria against facts.

pub mod criteria;
pub mod profile;
#[cfg(test)]
mod tests;

pub use criteria::{evaluate, Comparison, CriterionResult, Fact, FactSet, Observed, Outcome};
pub use profile::{Profile, Problem, Reevaluation, SiteVisitRule, Stage, StageKind};

/// The profiles shipped with pocnet: (id, file text). A bureau adds its own as
/// files in the data directory's `policies/` folder.
pub const SHIPPED: &[(&str, &str)] = &[
    ("wenzhou-municipal-2025", include_str!("../../../../policies/wenzhou-municipal-2025.toml")),
    ("urumqi-2026", include_str!("../../../../policies/urumqi-2026.toml")),
    ("zhejiang-provincial-2025", include_str!("../../../../policies/zhejiang-provincial-2025.toml")),
    ("zhejiang-pilot-platform-2025", include_str!("../../../../policies/zhejiang-pilot-platform-2025.toml")),
    ("wenzhou-pilot-platform-2025", include_str!("../../../../policies/wenzhou-pilot-platform-2025.toml")),
    ("shanghai-platform-2025", include_str!("../../../../policies/shanghai-platform-2025.toml")),
];
