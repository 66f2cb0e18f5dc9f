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

/// The profile whose rules govern a center of `kind` at `level`: the one it
/// was recognized under when that profile judges the same level, else the
/// first loaded profile of its kind and level. "市定市级、省定省级" (001 中试 五):
/// a municipal platform is never judged or re-evaluated under a provincial
/// profile, nor the other way round; with no profile of its level, none applies.
pub fn governing<'a>(
    profiles: &'a [Profile],
    kind: crate::center::CenterKind,
    level: crate::center::CenterLevel,
    recognized_under: Option<&str>,
) -> Option<&'a Profile> {
    let fits = |p: &&Profile| p.center_kind == kind && p.level == level;
    recognized_under
        .and_then(|id| profiles.iter().find(|p| p.id == id))
        .filter(fits)
        .or_else(|| profiles.iter().find(fits))
}

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
