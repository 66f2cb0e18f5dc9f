//! Adjusting a previewed solution by hand (调整): the bureau swaps one seat,
//! naming the new expert or taking the best replacement. Every hard rule, the
//! new expert's maximum load, the item's kind minimums and internal cap still
//! hold; nobody else moves; the objective and gap are recomputed against the
//! unchanged bound, and the change is recorded in the solution.

use super::model::Instance;
use super::output::{Seat, Solution, SCALE};
use super::prepare::{affinity_of, conflicts_of, eligibility_reason};
use super::replace::replace;
use super::PanelError;
use crate::expert::ExpertKind;
use serde::{Deserialize, Serialize};

/// One manual change to a solution, kept with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Adjustment {
    /// Item id.
    pub item: String,
    /// The expert taken off the panel.
    pub removed: String,
    /// The expert put on it.
    pub added: String,
    /// `chosen` (named by the bureau) or `best_replacement` (proposed by the assigner).
    pub how: String,
}

/// Why a seat cannot be swapped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdjustError {
    /// An unknown item, expert, or an expert not on the panel.
    #[error(transparent)]
    Panel(#[from] PanelError),
    /// The new expert is already on this panel.
    #[error("该专家已在本专家组中")]
    AlreadyOnPanel,
    /// The new expert has a conflict with the item.
    #[error("存在利益冲突：{0}")]
    Conflict(String),
    /// The new expert is at the maximum load.
    #[error("该专家已达评审上限（{0}项）")]
    LoadExceeded(u32),
    /// The swap would break the item's minimum of a kind.
    #[error("调整后{kind}少于{min}人")]
    KindMinimum {
        /// The kind's Chinese label.
        kind: &'static str,
        /// The minimum.
        min: u32,
    },
    /// The swap would exceed the item's cap on internal experts.
    #[error("调整后依托单位内部专家超过{0}人")]
    InternalCap(u32),
    /// No expert can take the seat (the assigner's explanation).
    #[error("{0}")]
    NoReplacement(String),
}

impl AdjustError {
    /// Stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            AdjustError::Panel(_) => "unknown_seat",
            AdjustError::AlreadyOnPanel => "already_on_panel",
            AdjustError::Conflict(_) => "conflict_of_interest",
            AdjustError::LoadExceeded(_) => "load_exceeded",
            AdjustError::KindMinimum { .. } => "kind_minimum",
            AdjustError::InternalCap(_) => "internal_cap",
            AdjustError::NoReplacement(_) => "no_replacement",
        }
    }
}

/// Swaps `removed` off `item_id`'s panel for `added` (or, when `None`, for the
/// best replacement the assigner proposes) and returns the adjusted solution.
pub fn swap_seat(
    instance: &Instance,
    solution: &Solution,
    item_id: &str,
    removed: &str,
    added: Option<&str>,
) -> Result<Solution, AdjustError> {
    let unknown = |what: &'static str, id: &str| PanelError::Unknown { what, id: id.chars().take(64).collect() };
    let item = instance.items.iter().find(|i| i.id == item_id).ok_or_else(|| unknown("item", item_id))?;
    let p = solution.panels.iter().position(|p| p.item == item_id).ok_or_else(|| unknown("panel", item_id))?;
    let seat = solution.panels[p].experts.iter().position(|s| s.expert == removed).ok_or_else(|| unknown("panel member", removed))?;
    let (added, how) = match added {
        Some(a) => (a.to_owned(), "chosen"),
        None => {
            let r = replace(instance, &solution.assignments(), item_id, removed)?;
            match r.proposed {
                Some(c) => (c.expert, "best_replacement"),
                None => return Err(AdjustError::NoReplacement(r.explanation)),
            }
        }
    };
    let j = instance.experts.iter().position(|e| e.id == added).ok_or_else(|| unknown("expert", &added))?;
    let expert = &instance.experts[j];
    let panel = &solution.panels[p];
    if panel.experts.iter().any(|s| s.expert == added) {
        return Err(AdjustError::AlreadyOnPanel);
    }
    let conflicts = conflicts_of(instance, item, j);
    if !conflicts.is_empty() {
        return Err(AdjustError::Conflict(conflicts.iter().map(|c| c.detail.clone()).collect::<Vec<_>>().join("；")));
    }
    let load = solution.loads.iter().find(|l| l.expert == added).map_or(0, |l| l.load);
    if load >= expert.max_load {
        return Err(AdjustError::LoadExceeded(expert.max_load));
    }
    let internal = item.host_org.as_ref().is_some_and(|h| h.trim().to_lowercase() == expert.org.trim().to_lowercase());
    let mut kinds: Vec<ExpertKind> = panel.experts.iter().filter(|s| s.expert != removed).map(|s| s.kind).collect();
    kinds.push(expert.kind);
    for kind in ExpertKind::ALL {
        let min = item.min_of(*kind);
        if (kinds.iter().filter(|k| *k == kind).count() as u32) < min {
            return Err(AdjustError::KindMinimum { kind: kind.label_zh(), min });
        }
    }
    if let Some(cap) = item.internal_cap() {
        let inside = panel.experts.iter().filter(|s| s.expert != removed && s.internal).count() as u32 + u32::from(internal);
        if inside > cap {
            return Err(AdjustError::InternalCap(cap));
        }
    }
    let (micro, components) = affinity_of(instance, item, j);
    let mut out = solution.clone();
    let old = out.panels[p].experts[seat].affinity_micro;
    out.panels[p].experts[seat] = Seat {
        expert: added.clone(),
        kind: expert.kind,
        affinity: micro as f64 / SCALE as f64,
        affinity_micro: micro,
        components,
        internal,
        reason: eligibility_reason(item, internal),
        probability: None,
    };
    out.panels[p].experts.sort_by(|a, b| b.affinity_micro.cmp(&a.affinity_micro).then(a.expert.cmp(&b.expert)));
    out.panels[p].affinity = out.panels[p].experts.iter().map(|s| s.affinity_micro).sum::<i64>() as f64 / SCALE as f64;
    for l in &mut out.loads {
        if l.expert == removed {
            l.load = l.load.saturating_sub(1);
        } else if l.expert == added {
            l.load += 1;
        }
    }
    out.objective_micro = solution.objective_micro - old + micro;
    out.objective = out.objective_micro as f64 / SCALE as f64;
    out.gap = if out.bound_micro > 0 { (out.bound_micro - out.objective_micro) as f64 / out.bound_micro as f64 } else { 0.0 };
    out.proven_optimal = out.objective_micro >= out.bound_micro;
    out.adjustments.push(Adjustment { item: item_id.to_owned(), removed: removed.to_owned(), added, how: how.to_owned() });
    Ok(out)
}
