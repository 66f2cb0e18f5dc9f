//! The pipeline of a research result through a center's project library, as
//! a state machine (项目库流程):
//!
//! submitted (成果方提交或中心录入) → screening by an expert panel on the
//! center's score sheet (入库评价遴选) → admitted to the library (入库) or
//! rejected with reasons → verification under a plan with milestones
//! (概念验证) → the verification report (验证报告) → hand-off to a pilot
//! platform that accepts it (移交中试). A project may be stopped with reasons
//! while admitted or verifying; the researchers may withdraw a submission
//! before screening starts.
//!
//! [`ResultState::apply`] is the only way a state changes: it refuses an
//! illegal transition, an actor who may not take the step, and a step whose
//! preconditions ([`PipelineGuards`]) do not hold, each with a stable code
//! and a Chinese message.

use crate::next_step::AvailableAction;
use crate::recognition::{TransitionError, MIN_PANEL_SCORES};
use crate::research_result::ResultState;

string_enum! {
    /// A step of the pipeline.
    pub enum ResultAction {
        /// 撤回（遴选开始前）
        Withdraw => ("withdraw", "撤回成果"),
        /// 启动入库评价遴选
        StartScreening => ("start_screening", "启动入库遴选"),
        /// 准予入库
        Admit => ("admit", "准予入库"),
        /// 不予入库
        Reject => ("reject", "不予入库"),
        /// 启动概念验证（验证方案已定）
        StartVerification => ("start_verification", "启动概念验证"),
        /// 出具验证报告
        IssueReport => ("issue_report", "出具验证报告"),
        /// 中试平台接收（移交完成）
        HandOff => ("hand_off", "中试平台接收"),
        /// 终止
        Stop => ("stop", "终止项目"),
    }
}

string_enum! {
    /// Who takes a step of the pipeline.
    pub enum LibraryActor {
        /// 成果方（所属单位的科研人员）
        Researcher => ("researcher", "成果方"),
        /// 承接的概念验证中心（依托单位运营人员）
        Center => ("center", "概念验证中心"),
        /// 接收的中试平台
        PilotPlatform => ("pilot_platform", "中试平台"),
    }
}

impl ResultAction {
    /// Who may take this step.
    pub fn actors(self) -> &'static [LibraryActor] {
        use LibraryActor::*;
        match self {
            ResultAction::Withdraw => &[Researcher],
            ResultAction::HandOff => &[PilotPlatform],
            _ => &[Center],
        }
    }

    /// Whether the step must give its reasons (不予入库、终止、撤回).
    pub fn needs_comment(self) -> bool {
        matches!(self, ResultAction::Reject | ResultAction::Stop | ResultAction::Withdraw)
    }
}

/// What a recorded step of a result's history was: its intake (提交成果,
/// from no state — stored as `submit`) or a step of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedAction {
    /// The result entered the library's intake.
    Intake,
    /// A pipeline step.
    Step(ResultAction),
}

impl RecordedAction {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordedAction::Intake => "submit",
            RecordedAction::Step(a) => a.as_str(),
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            RecordedAction::Intake => "提交成果",
            RecordedAction::Step(a) => a.label_zh(),
        }
    }
}

impl std::str::FromStr for RecordedAction {
    type Err = crate::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "submit" {
            return Ok(RecordedAction::Intake);
        }
        ResultAction::parse(s).map(RecordedAction::Step).map_err(|_| crate::UnknownValue { kind: "RecordedAction", value: s.to_owned() })
    }
}

impl serde::Serialize for RecordedAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Facts about the result that decide whether a step may be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PipelineGuards {
    /// Screening experts who have scored.
    pub panel_scores: usize,
    /// A verification plan exists (goal, target level, project manager).
    pub has_plan: bool,
    /// Milestones in the plan.
    pub milestones: usize,
    /// Milestones not yet accepted or failed (planned or awaiting acceptance).
    pub open_milestones: usize,
    /// The verification report has been written.
    pub has_report: bool,
    /// The report recommends pilot scale (建议进入中试).
    pub recommends_pilot: bool,
}

fn refuse(code: &'static str, message: impl Into<String>) -> TransitionError {
    TransitionError { code, message: message.into() }
}

/// A step of a result's pipeline the machine allowed.
pub type ResultTransition = crate::transition::Transition<ResultState, ResultAction, LibraryActor>;

impl ResultState {
    /// The step `action` by `actor` takes from here, or why not: the only
    /// value storage writes a state change from.
    pub fn step(self, action: ResultAction, actor: LibraryActor, g: &PipelineGuards) -> Result<ResultTransition, TransitionError> {
        self.apply(action, actor, g).map(|to| ResultTransition::new(self, to, action, actor))
    }

    /// The state after `action` by `actor`, or why not.
    pub fn apply(self, action: ResultAction, actor: LibraryActor, g: &PipelineGuards) -> Result<ResultState, TransitionError> {
        use ResultAction as A;
        use ResultState as S;
        if !action.actors().contains(&actor) {
            return Err(refuse("action_not_allowed", format!("{}无权执行“{}”", actor.label_zh(), action.label_zh())));
        }
        let next = match (self, action) {
            (S::Submitted, A::Withdraw) => S::Withdrawn,
            (S::Submitted, A::StartScreening) => S::Screening,
            (S::Submitted | S::Screening, A::Reject) => S::Rejected,
            (S::Screening, A::Admit) => {
                if g.panel_scores < MIN_PANEL_SCORES {
                    return Err(refuse(
                        "panel_incomplete",
                        format!("入库评价意见不足：至少需要{MIN_PANEL_SCORES}位专家评分，目前{}位", g.panel_scores),
                    ));
                }
                S::Admitted
            }
            (S::Admitted, A::StartVerification) => {
                if !g.has_plan {
                    return Err(refuse("plan_missing", "请先制定验证方案（目标、目标技术就绪度、项目经理人）"));
                }
                if g.milestones == 0 {
                    return Err(refuse("milestones_missing", "验证方案至少须设一个里程碑"));
                }
                S::Verifying
            }
            (S::Verifying, A::IssueReport) => {
                if g.open_milestones > 0 {
                    return Err(refuse("milestones_open", format!("尚有{}个里程碑未验收，验收后方可出具验证报告", g.open_milestones)));
                }
                if !g.has_report {
                    return Err(refuse("report_missing", "请先填写验证报告"));
                }
                S::Verified
            }
            (S::Verified, A::HandOff) => {
                if !g.recommends_pilot {
                    return Err(refuse("not_recommended", "验证报告未建议进入中试，不能移交中试平台"));
                }
                S::HandedOff
            }
            (S::Admitted | S::Verifying, A::Stop) => S::Stopped,
            (from, action) => {
                return Err(refuse(
                    "illegal_transition",
                    format!("成果当前为“{}”状态，不能执行“{}”", from.label_zh(), action.label_zh()),
                ))
            }
        };
        Ok(next)
    }

    /// Every step `actor` may take from this state, each available now or
    /// refused with the reason [`ResultState::apply`] gives — the same
    /// decision the pipeline enforces. Steps of other states or other actors
    /// are left out.
    pub fn available_actions(self, actor: LibraryActor, g: &PipelineGuards) -> Vec<AvailableAction> {
        ResultAction::ALL
            .iter()
            .filter(|a| a.actors().contains(&actor))
            .filter_map(|a| AvailableAction::from_outcome(a.as_str(), a.label_zh(), self.apply(*a, actor, g)))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use LibraryActor::*;
    use ResultAction as A;
    use ResultState as S;

    fn ok() -> PipelineGuards {
        PipelineGuards { panel_scores: 3, has_plan: true, milestones: 2, open_milestones: 0, has_report: true, recommends_pilot: true }
    }

    /// Every legal transition, with the actor that takes it.
    const LEGAL: &[(S, A, LibraryActor, S)] = &[
        (S::Submitted, A::Withdraw, Researcher, S::Withdrawn),
        (S::Submitted, A::StartScreening, Center, S::Screening),
        (S::Submitted, A::Reject, Center, S::Rejected),
        (S::Screening, A::Reject, Center, S::Rejected),
        (S::Screening, A::Admit, Center, S::Admitted),
        (S::Admitted, A::StartVerification, Center, S::Verifying),
        (S::Verifying, A::IssueReport, Center, S::Verified),
        (S::Verified, A::HandOff, PilotPlatform, S::HandedOff),
        (S::Admitted, A::Stop, Center, S::Stopped),
        (S::Verifying, A::Stop, Center, S::Stopped),
    ];

    #[test]
    fn every_legal_transition_and_nothing_else() {
        for (from, action, actor, to) in LEGAL {
            assert_eq!(from.apply(*action, *actor, &ok()), Ok(*to), "{from:?} --{action:?}/{actor:?}-->");
        }
        // Every other (state, action) pair is illegal for an actor allowed the action.
        for from in S::ALL {
            for action in A::ALL {
                if LEGAL.iter().any(|(f, a, _, _)| f == from && a == action) {
                    continue;
                }
                let actor = action.actors()[0];
                let err = from.apply(*action, actor, &ok()).expect_err("illegal");
                assert_eq!(err.code, "illegal_transition", "{from:?} --{action:?}-->");
                assert!(err.message.contains(from.label_zh()));
            }
        }
    }

    #[test]
    fn only_the_right_actor_takes_a_step() {
        for (from, action, actor, _) in LEGAL {
            for other in LibraryActor::ALL.iter().filter(|a| *a != actor) {
                let err = from.apply(*action, *other, &ok()).expect_err("wrong actor");
                assert_eq!(err.code, "action_not_allowed", "{other:?} may not {action:?}");
            }
        }
    }

    /// What each actor is offered from each state, and why an offered step is not yet available.
    #[test]
    fn available_actions_follow_the_guards() {
        let none = PipelineGuards::default();
        type Offered = &'static [(&'static str, Option<&'static str>)];
        let cases: &[(S, LibraryActor, PipelineGuards, Offered)] = &[
            (S::Submitted, Researcher, none, &[("withdraw", None)]),
            (S::Submitted, Center, none, &[("start_screening", None), ("reject", None)]),
            (S::Screening, Researcher, ok(), &[]),
            (S::Screening, Center, PipelineGuards { panel_scores: 2, ..ok() }, &[("admit", Some("panel_incomplete")), ("reject", None)]),
            (S::Screening, Center, ok(), &[("admit", None), ("reject", None)]),
            (S::Admitted, Center, none, &[("start_verification", Some("plan_missing")), ("stop", None)]),
            (S::Admitted, Center, PipelineGuards { milestones: 0, ..ok() }, &[("start_verification", Some("milestones_missing")), ("stop", None)]),
            (S::Verifying, Center, PipelineGuards { open_milestones: 2, ..ok() }, &[("issue_report", Some("milestones_open")), ("stop", None)]),
            (S::Verifying, Center, PipelineGuards { has_report: false, ..ok() }, &[("issue_report", Some("report_missing")), ("stop", None)]),
            (S::Verified, Center, ok(), &[]),
            (S::Verified, PilotPlatform, PipelineGuards { recommends_pilot: false, ..ok() }, &[("hand_off", Some("not_recommended"))]),
            (S::Verified, PilotPlatform, ok(), &[("hand_off", None)]),
            (S::Stopped, Center, ok(), &[]),
        ];
        for (from, actor, g, want) in cases {
            let got: Vec<(&str, Option<&str>)> = from.available_actions(*actor, g).iter().map(|a| (a.action, a.reason_code)).collect();
            assert_eq!(got, *want, "{from:?} for {actor:?}");
            for a in from.available_actions(*actor, g) {
                let step = A::parse(a.action).expect("a step");
                assert_eq!(a.available, from.apply(step, *actor, g).is_ok(), "{from:?} --{step:?}");
            }
        }
        let g = PipelineGuards { panel_scores: 2, ..ok() };
        let admit = S::Screening.available_actions(Center, &g).into_iter().find(|a| a.action == "admit").expect("admit");
        assert_eq!(admit.reason.as_deref(), Some("入库评价意见不足：至少需要3位专家评分，目前2位"));
    }

    #[test]
    fn preconditions_are_named() {
        let cases: &[(S, A, LibraryActor, PipelineGuards, &str)] = &[
            (S::Screening, A::Admit, Center, PipelineGuards { panel_scores: 2, ..ok() }, "panel_incomplete"),
            (S::Admitted, A::StartVerification, Center, PipelineGuards { has_plan: false, ..ok() }, "plan_missing"),
            (S::Admitted, A::StartVerification, Center, PipelineGuards { milestones: 0, ..ok() }, "milestones_missing"),
            (S::Verifying, A::IssueReport, Center, PipelineGuards { open_milestones: 1, ..ok() }, "milestones_open"),
            (S::Verifying, A::IssueReport, Center, PipelineGuards { has_report: false, ..ok() }, "report_missing"),
            (S::Verified, A::HandOff, PilotPlatform, PipelineGuards { recommends_pilot: false, ..ok() }, "not_recommended"),
        ];
        for (from, action, actor, g, code) in cases {
            assert_eq!(from.apply(*action, *actor, g).expect_err(code).code, *code);
        }
        // Rejection and stopping need no panel or plan.
        assert_eq!(S::Submitted.apply(A::Reject, Center, &PipelineGuards::default()), Ok(S::Rejected));
        assert_eq!(S::Verifying.apply(A::Stop, Center, &PipelineGuards::default()), Ok(S::Stopped));
        assert!(A::Reject.needs_comment() && A::Stop.needs_comment() && !A::Admit.needs_comment());
    }
}
