//! What a caller may do next on a record (下一步可办理事项): every step its
//! role may take from the record's current state, each either available now
//! or refused with the workflow's own reason ("需至少3位专家评分，目前2位",
//! "公示期至2026-12-08，期满后方可正式认定").
//!
//! Availability is not a second set of rules: it is the answer of the state
//! machine itself ([`crate::recognition::ApplicationState::apply`],
//! [`crate::research_result::ResultState::apply`]) to each step, so what a
//! page offers, what the API reports and what the workflow enforces are one
//! decision and can never disagree.

use crate::recognition::TransitionError;
use serde::Serialize;

/// One step the caller's role may take from the record's state, and whether it may take it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AvailableAction {
    /// Stable code of the step (what `POST …/steps` takes as `action`).
    pub action: &'static str,
    /// Chinese label of the step.
    pub label: &'static str,
    /// Whether the step may be taken now.
    pub available: bool,
    /// Why not (stable code, the same the step answers with), when unavailable.
    pub reason_code: Option<&'static str>,
    /// Why not, and what is still needed (Chinese), when unavailable.
    pub reason: Option<String>,
}

impl AvailableAction {
    /// Reads the workflow's answer to a step: available when it succeeds,
    /// unavailable with its reason when a precondition fails, and `None` when
    /// the step does not belong to this state at all (an illegal transition)
    /// or not to this actor — those are not offered.
    pub fn from_outcome<T>(action: &'static str, label: &'static str, outcome: Result<T, TransitionError>) -> Option<Self> {
        match outcome {
            Ok(_) => Some(Self { action, label, available: true, reason_code: None, reason: None }),
            Err(e) if matches!(e.code, "illegal_transition" | "action_not_allowed") => None,
            Err(e) => Some(Self { action, label, available: false, reason_code: Some(e.code), reason: Some(e.message) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: &'static str) -> Result<(), TransitionError> {
        Err(TransitionError { code, message: format!("因为{code}") })
    }

    #[test]
    fn outcomes_read_as_availability() {
        type Read = Option<(bool, Option<&'static str>)>;
        let cases: &[(Result<(), TransitionError>, Read)] = &[
            (Ok(()), Some((true, None))),
            (refusal("panel_incomplete"), Some((false, Some("panel_incomplete")))),
            (refusal("notice_running"), Some((false, Some("notice_running")))),
            (refusal("illegal_transition"), None),
            (refusal("action_not_allowed"), None),
        ];
        for (outcome, want) in cases {
            let got = AvailableAction::from_outcome("propose", "列入拟入选名单", outcome.clone());
            assert_eq!(got.as_ref().map(|a| (a.available, a.reason_code)), *want, "{outcome:?}");
            if let Some(a) = got {
                assert_eq!(a.reason.is_some(), !a.available, "a refusal carries its reason, an available step none");
            }
        }
    }
}
