//! The recognition workflow (创建/认定申报) as a state machine.
//!
//! A call (申报通知) → the host unit's application → county review (审核推荐:
//! approve / return for changes / reject) → bureau review with an expert
//! panel and, where the profile says, a site visit → proposed list (拟认定名单)
//! → public notice (公示) during which anyone may object → approval
//! (认定, or for a creation stage the 创建名单), or rejection with reasons.
//!
//! [`ApplicationState::apply`] is the only way a state changes: it refuses an
//! illegal transition, an actor who may not take the step, and a step whose
//! preconditions ([`Guards`]) do not hold, each with a stable code and a
//! Chinese message.

use crate::center::{CenterKind, CenterLevel, CenterStage};
use crate::next_step::AvailableAction;
use crate::policy::{Profile, StageKind};
use chrono::NaiveDate;
use serde::Serialize;

string_enum! {
    /// Where an application stands.
    pub enum ApplicationState {
        /// 草稿（申报单位填写中）
        Draft => ("draft", "草稿"),
        /// 已提交，待县级科技部门审核
        Submitted => ("submitted", "待县级审核"),
        /// 退回修改
        Returned => ("returned", "退回修改"),
        /// 市级评审中（专家评审、现场考察）
        BureauReview => ("bureau_review", "市级评审中"),
        /// 列入拟认定（拟创建）名单
        Proposed => ("proposed", "拟入选名单"),
        /// 公示中
        InNotice => ("in_notice", "公示中"),
        /// 已通过（认定或列入创建名单）
        Approved => ("approved", "已通过"),
        /// 未通过
        Rejected => ("rejected", "未通过"),
        /// 已撤回
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

impl ApplicationState {
    /// Whether no further step is possible.
    pub fn is_final(self) -> bool {
        matches!(self, ApplicationState::Approved | ApplicationState::Rejected | ApplicationState::Withdrawn)
    }

    /// Whether the applicant may still edit the application.
    pub fn editable(self) -> bool {
        matches!(self, ApplicationState::Draft | ApplicationState::Returned)
    }
}

string_enum! {
    /// A step of the workflow.
    pub enum ReviewAction {
        /// 提交申报
        Submit => ("submit", "提交申报"),
        /// 撤回申报
        Withdraw => ("withdraw", "撤回申报"),
        /// 县级审核通过并推荐
        CountyApprove => ("county_approve", "审核通过并推荐"),
        /// 县级退回修改
        CountyReturn => ("county_return", "退回修改"),
        /// 县级审核不通过
        CountyReject => ("county_reject", "审核不通过"),
        /// 市级退回修改
        BureauReturn => ("bureau_return", "退回修改"),
        /// 列入拟认定名单
        Propose => ("propose", "列入拟入选名单"),
        /// 发布公示
        PublishNotice => ("publish_notice", "发布公示"),
        /// 公示期满、异议已处理，正式认定（或列入创建名单）
        Approve => ("approve", "正式认定"),
        /// 不予认定
        Reject => ("reject", "不予通过"),
    }
}

string_enum! {
    /// Who takes a step.
    pub enum ActorKind {
        /// 申报单位（依托单位）
        Applicant => ("applicant", "申报单位"),
        /// 县（市、区）科技部门
        County => ("county", "县级科技部门"),
        /// 市（省）科技主管部门
        Bureau => ("bureau", "科技主管部门"),
    }
}

impl ReviewAction {
    /// Who may take this step. The bureau may take the county's steps for
    /// units it receives directly (e.g. 市本级 units without a county department).
    pub fn actors(self) -> &'static [ActorKind] {
        use ActorKind::*;
        match self {
            ReviewAction::Submit | ReviewAction::Withdraw => &[Applicant],
            ReviewAction::CountyApprove | ReviewAction::CountyReturn | ReviewAction::CountyReject => &[County, Bureau],
            ReviewAction::BureauReturn
            | ReviewAction::Propose
            | ReviewAction::PublishNotice
            | ReviewAction::Approve
            | ReviewAction::Reject => &[Bureau],
        }
    }

    /// Whether the step must give its reasons (退回、不通过).
    pub fn needs_comment(self) -> bool {
        matches!(
            self,
            ReviewAction::CountyReturn | ReviewAction::CountyReject | ReviewAction::BureauReturn | ReviewAction::Reject
        )
    }
}

/// A revocation that bars the host unit from applying (两年内不得重新申报).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Day of the revocation.
    pub revoked_on: NaiveDate,
    /// Its reason (Chinese).
    pub reason: String,
    /// The article it rests on.
    pub article: String,
    /// First day the host may apply again.
    pub may_apply_from: NaiveDate,
}

/// Facts about the application that decide whether a step may be taken.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Guards {
    /// The profile's stage asks for county review first.
    pub county_review: bool,
    /// The call's deadline has not passed.
    pub before_deadline: bool,
    /// The call's first day, when it is still to come (a draft may be prepared earlier, not submitted).
    pub not_open_until: Option<NaiveDate>,
    /// A revocation barring the host unit today, if any.
    pub bar: Option<Bar>,
    /// Every criterion is met (计算与证明齐全).
    pub eligible: bool,
    /// The profile's stage requires a site visit.
    pub site_visit_required: bool,
    /// A site-visit record exists.
    pub site_visit_recorded: bool,
    /// Experts who have scored.
    pub panel_scores: usize,
    /// The public notice has ended (today is after its last day).
    pub notice_ended: bool,
    /// The notice's last day, if published (for the reason shown while it runs).
    pub notice_end: Option<NaiveDate>,
    /// Objections not yet resolved.
    pub open_objections: usize,
    /// Objections resolved as upheld (成立).
    pub upheld_objections: usize,
}

/// Scores a panel needs before an application may be proposed.
pub const MIN_PANEL_SCORES: usize = 3;

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct TransitionError {
    /// Stable code.
    pub code: &'static str,
    /// Chinese message.
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> TransitionError {
    TransitionError { code, message: message.into() }
}

/// A step of an application's review chain the machine allowed.
pub type ApplicationTransition = crate::transition::Transition<ApplicationState, ReviewAction, ActorKind>;

impl ApplicationState {
    /// The step `action` by `actor` takes from here, or why not: the only
    /// value storage writes a state change from.
    pub fn step(self, action: ReviewAction, actor: ActorKind, g: &Guards) -> Result<ApplicationTransition, TransitionError> {
        self.apply(action, actor, g).map(|to| ApplicationTransition::new(self, to, action, actor))
    }

    /// The state after `action` by `actor`, or why not.
    pub fn apply(self, action: ReviewAction, actor: ActorKind, g: &Guards) -> Result<ApplicationState, TransitionError> {
        use ApplicationState as S;
        use ReviewAction as A;
        if !action.actors().contains(&actor) {
            return Err(refuse("action_not_allowed", format!("{}无权执行“{}”", actor.label_zh(), action.label_zh())));
        }
        let next = match (self, action) {
            (S::Draft | S::Returned, A::Submit) => {
                if let Some(bar) = &g.bar {
                    return Err(refuse(
                        "barred",
                        format!(
                            "申报单位于{}因“{}”被取消资格（依据：{}），{}起方可重新申报",
                            bar.revoked_on, bar.reason, bar.article, bar.may_apply_from
                        ),
                    ));
                }
                if let Some(day) = g.not_open_until {
                    return Err(refuse("call_not_open", format!("本次申报自{day}起受理，届时方可提交")));
                }
                if !g.before_deadline {
                    return Err(refuse("deadline_passed", "申报截止时间已过，不能再提交"));
                }
                if !g.eligible {
                    return Err(refuse("not_eligible", "申报条件尚未全部满足或缺少证明材料，请对照条件核验结果补齐后再提交"));
                }
                if g.county_review {
                    S::Submitted
                } else {
                    S::BureauReview
                }
            }
            (S::Draft | S::Submitted | S::Returned, A::Withdraw) => S::Withdrawn,
            (S::Submitted, A::CountyApprove) => S::BureauReview,
            (S::Submitted, A::CountyReturn) => S::Returned,
            (S::Submitted, A::CountyReject) => S::Rejected,
            (S::BureauReview, A::BureauReturn) => S::Returned,
            (S::BureauReview, A::Propose) => {
                if g.panel_scores < MIN_PANEL_SCORES {
                    return Err(refuse(
                        "panel_incomplete",
                        format!("专家评审意见不足：至少需要{MIN_PANEL_SCORES}位专家评分，目前{}位", g.panel_scores),
                    ));
                }
                if g.site_visit_required && !g.site_visit_recorded {
                    return Err(refuse("site_visit_missing", "本类申报须进行现场考察，请先填写现场考察记录"));
                }
                S::Proposed
            }
            (S::Proposed, A::PublishNotice) => S::InNotice,
            (S::InNotice, A::Approve) => {
                if !g.notice_ended {
                    return Err(refuse(
                        "notice_running",
                        match g.notice_end {
                            Some(end) => format!("公示期至{end}，期满后方可正式认定"),
                            None => "公示期尚未结束，期满后方可正式认定".to_owned(),
                        },
                    ));
                }
                if g.open_objections > 0 {
                    return Err(refuse("objections_open", format!("尚有{}条异议未处理，处理完毕后方可认定", g.open_objections)));
                }
                if g.upheld_objections > 0 {
                    return Err(refuse("objection_upheld", "公示期间有异议经核实成立，不能认定，请作不予通过处理"));
                }
                S::Approved
            }
            (S::BureauReview | S::Proposed | S::InNotice, A::Reject) => S::Rejected,
            (from, action) => {
                return Err(refuse(
                    "illegal_transition",
                    format!("申报当前为“{}”状态，不能执行“{}”", from.label_zh(), action.label_zh()),
                ))
            }
        };
        Ok(next)
    }

    /// Every step `actor` may take from this state, each available now or
    /// refused with the reason [`ApplicationState::apply`] gives — the same
    /// decision the workflow enforces. Steps of other states or other actors
    /// are left out.
    pub fn available_actions(self, actor: ActorKind, g: &Guards) -> Vec<AvailableAction> {
        ReviewAction::ALL
            .iter()
            .filter(|a| a.actors().contains(&actor))
            .filter_map(|a| AvailableAction::from_outcome(a.as_str(), a.label_zh(), self.apply(*a, actor, g)))
            .collect()
    }
}

/// What approving an application writes to its center: the stage the
/// profile's stage grants, the profile's own level (市定市级、省定省级), the
/// certificate number's prefix, a pilot platform's first re-evaluation (两年一复评)
/// and the article of the procedure. The workflow and the demo's history both
/// read it from here, so a certificate number has one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The stage granted (创建中 or 已认定).
    pub stage: CenterStage,
    /// The level of the profile.
    pub level: CenterLevel,
    /// Certificate number prefix, e.g. `温州市概验认〔2026〕` (the number follows).
    pub certificate_prefix: String,
    /// Pilot platforms under a profile with re-evaluation: the first one due.
    pub reevaluation_due: Option<NaiveDate>,
    /// The article of the procedure.
    pub article: String,
}

/// The grant of an approval under `profile`'s `kind` stage decided `on`, or
/// `None` when the profile has no such stage.
pub fn grant(profile: &Profile, kind: StageKind, on: NaiveDate) -> Option<Grant> {
    let stage = profile.stage(kind)?;
    let reevaluation_due = match (profile.center_kind, &profile.reevaluation) {
        (CenterKind::PilotPlatform, Some(r)) => Some(crate::supervision::reevaluation_due(on, r.every_years)),
        _ => None,
    };
    let platform = if profile.center_kind == CenterKind::PilotPlatform { "中试" } else { "概验" };
    let word = if stage.grants == CenterStage::Creating { "创" } else { "认" };
    Some(Grant {
        stage: stage.grants,
        level: profile.level,
        certificate_prefix: format!("{}{platform}{word}〔{}〕", profile.jurisdiction, on.format("%Y")),
        reevaluation_due,
        article: stage.procedure_article.clone(),
    })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use ActorKind::*;
    use ApplicationState as S;
    use ReviewAction as A;

    #[test]
    fn a_step_carries_what_apply_decided_and_nothing_else() {
        use ActorKind::*;
        use ApplicationState as S;
        use ReviewAction as A;
        let t = S::Submitted.step(A::CountyApprove, County, &ok_guards()).expect("allowed");
        assert_eq!((t.from(), t.to(), t.action(), t.actor()), (S::Submitted, S::BureauReview, A::CountyApprove, County));
        // A refused step yields no transition to write.
        assert_eq!(S::Approved.step(A::Submit, Applicant, &ok_guards()).map(|t| t.to()), S::Approved.apply(A::Submit, Applicant, &ok_guards()));
    }

    fn ok_guards() -> Guards {
        Guards {
            county_review: true,
            before_deadline: true,
            eligible: true,
            site_visit_required: false,
            site_visit_recorded: false,
            panel_scores: 3,
            notice_ended: true,
            open_objections: 0,
            upheld_objections: 0,
            ..Guards::default()
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
    }

    /// Every legal transition, with the actor that takes it.
    const LEGAL: &[(S, A, ActorKind, S)] = &[
        (S::Draft, A::Submit, Applicant, S::Submitted),
        (S::Returned, A::Submit, Applicant, S::Submitted),
        (S::Draft, A::Withdraw, Applicant, S::Withdrawn),
        (S::Submitted, A::Withdraw, Applicant, S::Withdrawn),
        (S::Returned, A::Withdraw, Applicant, S::Withdrawn),
        (S::Submitted, A::CountyApprove, County, S::BureauReview),
        (S::Submitted, A::CountyApprove, Bureau, S::BureauReview),
        (S::Submitted, A::CountyReturn, County, S::Returned),
        (S::Submitted, A::CountyReturn, Bureau, S::Returned),
        (S::Submitted, A::CountyReject, County, S::Rejected),
        (S::Submitted, A::CountyReject, Bureau, S::Rejected),
        (S::BureauReview, A::BureauReturn, Bureau, S::Returned),
        (S::BureauReview, A::Propose, Bureau, S::Proposed),
        (S::BureauReview, A::Reject, Bureau, S::Rejected),
        (S::Proposed, A::PublishNotice, Bureau, S::InNotice),
        (S::Proposed, A::Reject, Bureau, S::Rejected),
        (S::InNotice, A::Approve, Bureau, S::Approved),
        (S::InNotice, A::Reject, Bureau, S::Rejected),
    ];

    #[test]
    fn every_legal_transition() {
        for (from, action, actor, to) in LEGAL {
            assert_eq!(from.apply(*action, *actor, &ok_guards()), Ok(*to), "{from} --{action} by {actor}-->");
        }
    }

    #[test]
    fn every_other_pair_is_illegal_for_every_actor() {
        for from in S::ALL {
            for action in A::ALL {
                for actor in ActorKind::ALL {
                    if LEGAL.iter().any(|(f, a, who, _)| f == from && a == action && who == actor) {
                        continue;
                    }
                    let got = from.apply(*action, *actor, &ok_guards());
                    let err = got.expect_err(&format!("{from} --{action} by {actor} must be refused"));
                    let want = if action.actors().contains(actor) { "illegal_transition" } else { "action_not_allowed" };
                    assert_eq!(err.code, want, "{from} --{action} by {actor}");
                    assert!(!err.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn final_states_accept_nothing() {
        for s in S::ALL.iter().filter(|s| s.is_final()) {
            for a in A::ALL {
                assert!(s.apply(*a, Bureau, &ok_guards()).is_err() && s.apply(*a, Applicant, &ok_guards()).is_err());
            }
        }
    }

    #[test]
    fn without_county_review_submission_goes_to_the_bureau() {
        let g = Guards { county_review: false, ..ok_guards() };
        assert_eq!(S::Draft.apply(A::Submit, Applicant, &g), Ok(S::BureauReview));
    }

    #[test]
    fn guards_refuse_with_their_codes() {
        type Case = (S, A, ActorKind, fn(&mut Guards), &'static str);
        let cases: &[Case] = &[
            (S::Draft, A::Submit, Applicant, |g| g.before_deadline = false, "deadline_passed"),
            (S::Returned, A::Submit, Applicant, |g| g.before_deadline = false, "deadline_passed"),
            (S::Draft, A::Submit, Applicant, |g| g.eligible = false, "not_eligible"),
            (S::BureauReview, A::Propose, Bureau, |g| g.panel_scores = 2, "panel_incomplete"),
            (S::BureauReview, A::Propose, Bureau, |g| g.site_visit_required = true, "site_visit_missing"),
            (S::InNotice, A::Approve, Bureau, |g| g.notice_ended = false, "notice_running"),
            (S::InNotice, A::Approve, Bureau, |g| g.open_objections = 1, "objections_open"),
            (S::InNotice, A::Approve, Bureau, |g| g.upheld_objections = 1, "objection_upheld"),
            (S::Draft, A::Submit, Applicant, |g| g.not_open_until = Some(day("2026-04-01")), "call_not_open"),
            (
                S::Returned,
                A::Submit,
                Applicant,
                |g| {
                    g.bar = Some(Bar {
                        revoked_on: day("2026-03-07"),
                        reason: "弄虚作假".into(),
                        article: "指引 六".into(),
                        may_apply_from: day("2028-03-07"),
                    })
                },
                "barred",
            ),
        ];
        for (from, action, actor, tweak, code) in cases {
            let mut g = ok_guards();
            tweak(&mut g);
            let err = from.apply(*action, *actor, &g).expect_err(code);
            assert_eq!(err.code, *code, "{from} --{action}");
        }
        // The guards at their boundary let the step through.
        let g = Guards { panel_scores: MIN_PANEL_SCORES, site_visit_required: true, site_visit_recorded: true, ..ok_guards() };
        assert_eq!(S::BureauReview.apply(A::Propose, Bureau, &g), Ok(S::Proposed));
        // An upheld objection does not stop a rejection.
        let g = Guards { upheld_objections: 1, open_objections: 1, notice_ended: false, ..ok_guards() };
        assert_eq!(S::InNotice.apply(A::Reject, Bureau, &g), Ok(S::Rejected));
    }

    /// What each actor is offered from each state, and why an offered step is not yet available.
    #[test]
    fn available_actions_follow_the_guards() {
        type Case = (S, ActorKind, fn(&mut Guards), &'static [(&'static str, Option<&'static str>)]);
        let cases: &[Case] = &[
            (S::Draft, Applicant, |_| {}, &[("submit", None), ("withdraw", None)]),
            (S::Draft, Applicant, |g| g.eligible = false, &[("submit", Some("not_eligible")), ("withdraw", None)]),
            (S::Draft, Applicant, |g| g.not_open_until = Some(day("2026-04-01")), &[("submit", Some("call_not_open")), ("withdraw", None)]),
            (S::Submitted, Applicant, |_| {}, &[("withdraw", None)]),
            (S::Submitted, County, |_| {}, &[("county_approve", None), ("county_return", None), ("county_reject", None)]),
            (S::Submitted, Bureau, |_| {}, &[("county_approve", None), ("county_return", None), ("county_reject", None)]),
            (S::BureauReview, County, |_| {}, &[]),
            (S::BureauReview, Applicant, |_| {}, &[]),
            (
                S::BureauReview,
                Bureau,
                |g| g.panel_scores = 2,
                &[("bureau_return", None), ("propose", Some("panel_incomplete")), ("reject", None)],
            ),
            (
                S::BureauReview,
                Bureau,
                |g| g.site_visit_required = true,
                &[("bureau_return", None), ("propose", Some("site_visit_missing")), ("reject", None)],
            ),
            (S::Proposed, Bureau, |_| {}, &[("publish_notice", None), ("reject", None)]),
            (S::InNotice, Bureau, |g| g.notice_ended = false, &[("approve", Some("notice_running")), ("reject", None)]),
            (S::InNotice, Bureau, |g| g.open_objections = 2, &[("approve", Some("objections_open")), ("reject", None)]),
            (S::InNotice, Bureau, |_| {}, &[("approve", None), ("reject", None)]),
            (S::Approved, Bureau, |_| {}, &[]),
            (S::Withdrawn, Applicant, |_| {}, &[]),
        ];
        for (from, actor, tweak, want) in cases {
            let mut g = ok_guards();
            tweak(&mut g);
            let got: Vec<(&str, Option<&str>)> = from.available_actions(*actor, &g).iter().map(|a| (a.action, a.reason_code)).collect();
            assert_eq!(got, *want, "{from} for {actor}");
            // Availability is the workflow's own answer, step by step.
            for a in from.available_actions(*actor, &g) {
                let step = A::parse(a.action).expect("a step");
                assert_eq!(a.available, from.apply(step, *actor, &g).is_ok(), "{from} --{step}");
            }
        }
    }

    #[test]
    fn unavailable_steps_say_what_is_missing_and_until_when() {
        let g = Guards { panel_scores: 2, ..ok_guards() };
        let propose = S::BureauReview.available_actions(Bureau, &g).into_iter().find(|a| a.action == "propose").expect("propose");
        assert_eq!(propose.reason.as_deref(), Some("专家评审意见不足：至少需要3位专家评分，目前2位"));
        let g = Guards { notice_ended: false, notice_end: Some(day("2026-12-08")), ..ok_guards() };
        let approve = S::InNotice.available_actions(Bureau, &g).into_iter().find(|a| a.action == "approve").expect("approve");
        assert_eq!(approve.reason.as_deref(), Some("公示期至2026-12-08，期满后方可正式认定"));
        assert_eq!(approve.label, "正式认定");
    }

    #[test]
    fn returns_and_rejections_need_reasons() {
        let with: Vec<A> = A::ALL.iter().copied().filter(|a| a.needs_comment()).collect();
        assert_eq!(with, vec![A::CountyReturn, A::CountyReject, A::BureauReturn, A::Reject]);
    }

    #[test]
    fn a_grant_follows_the_profile() {
        use crate::policy::SHIPPED;
        let load = |id: &str| {
            let text = SHIPPED.iter().find(|(i, _)| *i == id).map(|(_, t)| *t).unwrap_or_default();
            Profile::parse(text, Some(id)).expect("shipped profile")
        };
        let on = NaiveDate::from_ymd_opt(2026, 10, 13).expect("day");
        let g = grant(&load("wenzhou-municipal-2025"), StageKind::Recognition, on).expect("recognition stage");
        assert_eq!((g.stage, g.level), (CenterStage::Recognized, CenterLevel::Municipal));
        assert_eq!(g.certificate_prefix, "温州市概验认〔2026〕");
        assert_eq!(g.reevaluation_due, None);
        let g = grant(&load("urumqi-2026"), StageKind::Creation, on).expect("creation stage");
        assert_eq!((g.stage, g.certificate_prefix.as_str()), (CenterStage::Creating, "乌鲁木齐市概验创〔2026〕"));
        let g = grant(&load("zhejiang-pilot-platform-2025"), StageKind::Recognition, on).expect("pilot stage");
        assert_eq!((g.level, g.certificate_prefix.as_str()), (CenterLevel::Provincial, "浙江省中试认〔2026〕"));
        assert_eq!(g.reevaluation_due, NaiveDate::from_ymd_opt(2028, 10, 13));
        // 方案 三(二) 先创建后认定: Wenzhou's creation stage puts a center on the creation list.
        let g = grant(&load("wenzhou-municipal-2025"), StageKind::Creation, on).expect("creation stage");
        assert_eq!((g.stage, g.level), (CenterStage::Creating, CenterLevel::Municipal));
        assert!(grant(&load("shanghai-platform-2025"), StageKind::Creation, on).is_none(), "Shanghai has no creation stage");
    }
}
