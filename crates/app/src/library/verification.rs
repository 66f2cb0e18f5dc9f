//! Verification as the owning center runs it — the plan, milestones,
//! milestone-based releases, outcomes and the report — and what follows it:
//! the hand-off to a pilot platform with its answer and feedback, and other
//! centers' acceptance of the report (结果互认).

use super::pipeline::{guards, load, require_center, stale, Access};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::{CenterId, HandoffId, MilestoneId, OutcomeId, ResultId};
use pocnet_domain::library::pipeline::{LibraryActor, ResultAction};
use pocnet_domain::library::secrecy::Standing;
use pocnet_domain::library::verification::{HandoffState, check_release, MilestoneAction, MilestoneInput, MilestoneStatus, Plan, PlanInput, Recommendation, ReportInput};
use pocnet_domain::money::parse_yuan;
use pocnet_domain::outcome::OutcomeKind;
use pocnet_domain::research_result::{ResultState, Trl};
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::centers;
use pocnet_store::library::handoffs::{self, Handoff};
use pocnet_store::library::pipeline::{self, Step, StepEffects};
use pocnet_store::library::reports::{self, ReportRecord};
use pocnet_store::library::verification::{self as store_v, Milestone, MilestoneStep, PlanRecord};
use serde::Deserialize;

fn current_trl(trl: i64) -> Result<Trl> {
    Trl::parse(trl).map_err(|e| Error::Internal(format!("stored level: {e}")))
}

/// A plan as sent, with the version of the plan being edited (absent for a new plan).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanForm {
    /// The plan.
    #[serde(flatten)]
    pub plan: PlanInput,
    /// Version of the stored plan when editing it.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub version: Option<i64>,
}

/// Creates or edits the verification plan (owning center, once admitted and until the report).
pub async fn save_plan(ctx: &Context, caller: &Caller, id: ResultId, input: &PlanForm) -> Result<PlanRecord> {
    let (p, a) = load(ctx, caller, id).await?;
    require_center(&a)?;
    if !matches!(p.state, ResultState::Admitted | ResultState::Verifying) {
        return Err(Error::Conflict { code: "illegal_transition", message: "入库后、出具验证报告前方可制定或修改验证方案".into(), field: None });
    }
    let plan = input.plan.parse(current_trl(p.trl)?)?;
    let mut tx = ctx.store().write().await?;
    let saved = store_v::save_plan(&mut tx, &caller.actor(), ctx.now(), id, &plan, input.version).await.map_err(stale)?;
    tx.commit().await?;
    Ok(saved)
}

/// Adds a milestone to the plan (owning center, admitted or verifying).
pub async fn add_milestone(ctx: &Context, caller: &Caller, id: ResultId, input: &MilestoneInput) -> Result<Milestone> {
    let (p, a) = load(ctx, caller, id).await?;
    require_center(&a)?;
    if !matches!(p.state, ResultState::Admitted | ResultState::Verifying) {
        return Err(Error::Conflict { code: "illegal_transition", message: "入库后、出具验证报告前方可设置里程碑".into(), field: None });
    }
    let stored = store_v::plan(ctx.store().pool(), id).await?.ok_or_else(|| Error::rule("plan_missing", "请先制定验证方案"))?;
    let plan = Plan {
        goal: stored.goal.clone(),
        trl_target: current_trl(stored.trl_target)?,
        manager_name: stored.manager_name.clone(),
        manager_phone: stored.manager_phone.clone(),
        starts_on: stored.starts_on,
        ends_on: stored.ends_on,
    };
    let draft = input.parse(&plan)?;
    let mut tx = ctx.store().write().await?;
    let m = store_v::add_milestone(&mut tx, &caller.actor(), ctx.now(), id, &draft).await?;
    tx.commit().await?;
    Ok(m)
}

/// A milestone step as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MilestoneStepInput {
    /// `submit` (the team or the center), `accept`, `fail`, `cancel` (the center).
    pub action: String,
    /// On `submit`: what was achieved and the evidence for it.
    #[serde(default)]
    pub evidence: String,
    /// On a decision: the center's note.
    #[serde(default)]
    pub note: String,
    /// The version the caller read.
    pub version: i64,
}

async fn milestone_access(ctx: &Context, caller: &Caller, mid: MilestoneId) -> Result<(Milestone, pocnet_store::library::pipeline::Project, Access)> {
    let m = store_v::milestone(ctx.store().pool(), mid).await?;
    let (p, a) = load(ctx, caller, m.result_id).await?;
    if !a.sees_work {
        return Err(Error::NotFound);
    }
    Ok((m, p, a))
}

/// Moves a milestone: the project team or the center submits the evidence;
/// only the center accepts, fails or cancels it — while the project is verifying.
pub async fn step_milestone(ctx: &Context, caller: &Caller, mid: MilestoneId, input: &MilestoneStepInput) -> Result<Milestone> {
    let (m, p, a) = milestone_access(ctx, caller, mid).await?;
    let action = MilestoneAction::parse(input.action.trim()).map_err(|_| FieldError::unknown_value("action", "操作"))?;
    let allowed = match action {
        MilestoneAction::Submit => matches!(a.standing, Standing::OwningCenter | Standing::Researcher),
        _ => a.standing == Standing::OwningCenter,
    };
    if !allowed {
        return Err(Error::Forbidden);
    }
    if p.state != ResultState::Verifying {
        return Err(Error::Conflict { code: "illegal_transition", message: "项目处于验证阶段时方可办理里程碑".into(), field: None });
    }
    let evidence = text("evidence", "完成情况与证明材料", &input.evidence, 0, 4000)?;
    let note = text("note", "验收意见", &input.note, if action == MilestoneAction::Fail { 2 } else { 0 }, 2000)?;
    let transition = m.status.step(action, !evidence.is_empty())?;
    if input.version != m.version {
        return Err(stale(pocnet_store::StoreError::VersionConflict { expected: input.version }));
    }
    let step = MilestoneStep {
        transition,
        version: input.version,
        evidence: (action == MilestoneAction::Submit).then_some(evidence.as_str()),
        note: &note,
        today: ctx.today(),
    };
    let mut tx = ctx.store().write().await?;
    let after = store_v::step_milestone(&mut tx, &caller.actor(), ctx.now(), mid, &step).await.map_err(stale)?;
    tx.commit().await?;
    Ok(after)
}

/// A funding release as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReleaseInput {
    /// Amount in yuan (digits, thousands separators allowed).
    pub amount_yuan: String,
    /// The milestone version the caller read.
    pub version: i64,
}

/// Releases money for an accepted milestone (owning center; 里程碑式支持).
pub async fn release(ctx: &Context, caller: &Caller, mid: MilestoneId, input: &ReleaseInput) -> Result<Milestone> {
    let (m, _, a) = milestone_access(ctx, caller, mid).await?;
    require_center(&a)?;
    let amount = parse_yuan("amount_yuan", "拨付金额", &input.amount_yuan)?;
    check_release(m.status, m.budget_yuan, m.released_yuan, amount)?;
    if input.version != m.version {
        return Err(stale(pocnet_store::StoreError::VersionConflict { expected: input.version }));
    }
    let mut tx = ctx.store().write().await?;
    let after = store_v::release(&mut tx, &caller.actor(), ctx.now(), mid, input.version, amount, ctx.today()).await.map_err(stale)?;
    tx.commit().await?;
    Ok(after)
}

/// An outcome as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OutcomeInput {
    /// Kind code, e.g. `prototype`, `landed_transfer`, `service_contract`.
    pub kind: String,
    /// Day achieved (YYYY-MM-DD), not in the future.
    pub achieved_on: String,
    /// Amount in yuan, for contracts, financing and licences.
    #[serde(default)]
    pub amount_yuan: String,
    /// The evidence (contract number, registration, …).
    pub evidence: String,
}

/// Records an outcome of a project being or having been verified (owning center).
pub async fn add_outcome(ctx: &Context, caller: &Caller, id: ResultId, input: &OutcomeInput) -> Result<OutcomeId> {
    let (p, a) = load(ctx, caller, id).await?;
    require_center(&a)?;
    if !matches!(p.state, ResultState::Verifying | ResultState::Verified | ResultState::HandedOff) {
        return Err(Error::Conflict { code: "illegal_transition", message: "验证开始后方可登记验证成效".into(), field: None });
    }
    let mut errors = Vec::new();
    let kind = OutcomeKind::parse(input.kind.trim()).map_err(|_| errors.push(FieldError::unknown_value("kind", "成效类型"))).ok();
    let day = crate::recognition::parse_day("achieved_on", "取得日期", &input.achieved_on, ctx.today());
    let day = match day {
        Ok(d) if d > ctx.today() => {
            errors.push(FieldError::new("achieved_on", "in_future", "取得日期不能晚于今天"));
            None
        }
        Ok(d) => Some(d),
        Err(Error::Validation(e)) => {
            errors.push(e);
            None
        }
        Err(e) => return Err(e),
    };
    let amount = match kind {
        Some(k) if k.has_amount() => parse_yuan("amount_yuan", "金额", &input.amount_yuan).map_err(|e| errors.push(e)).ok(),
        _ => Some(pocnet_domain::money::Yuan::ZERO),
    };
    let evidence = text("evidence", "证明材料", &input.evidence, 4, 1000).map_err(|e| errors.push(e)).ok();
    let (Some(kind), Some(day), Some(amount), Some(evidence)) = (kind, day, amount, evidence) else { return Err(errors.into()) };
    let mut tx = ctx.store().write().await?;
    let oid = store_v::add_outcome(&mut tx, &caller.actor(), ctx.now(), id, kind, day, amount, &evidence).await?;
    tx.commit().await?;
    Ok(oid)
}

/// Issues the verification report and closes the verification in one step
/// (owning center): every milestone decided, a finding for each.
pub async fn issue_report(ctx: &Context, caller: &Caller, id: ResultId, input: &ReportInput) -> Result<ReportRecord> {
    let (p, a) = load(ctx, caller, id).await?;
    require_center(&a)?;
    let center_id = p.center_id.ok_or(Error::Forbidden)?;
    let milestones = store_v::milestones(ctx.store().pool(), id).await?;
    let ids: Vec<i64> = milestones.iter().filter(|m| m.status != MilestoneStatus::Cancelled).map(|m| m.id.get()).collect();
    let mut g = guards(ctx, &p).await?;
    g.has_report = true; // written in the same transaction
    let transition = p.state.step(ResultAction::IssueReport, LibraryActor::Center, &g)?;
    let report = input.parse(&ids, current_trl(p.trl)?)?;
    let mut tx = ctx.store().write().await?;
    let record = reports::issue(&mut tx, &caller.actor(), ctx.now(), id, center_id, &report, ctx.today()).await?;
    let step = Step { transition, version: p.version, comments: &record.report_no };
    let effects = StepEffects { trl_after: Some(i64::from(report.trl_after.level())), ..StepEffects::default() };
    pipeline::take_step(&mut tx, &caller.actor(), ctx.now(), id, &step, &effects).await.map_err(stale)?;
    // Issued signed (存证): the report's face and facts, signed and logged in the same transaction.
    crate::evidence::documents::sign_report(&mut tx, ctx, &caller.actor(), &record, &p.owner_org_name, &milestones).await?;
    tx.commit().await?;
    crate::evidence::documents::seal(ctx).await;
    Ok(record)
}

/// A hand-off as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HandoffInput {
    /// The registered pilot platform.
    pub platform_center_id: i64,
    /// What the center passes on.
    #[serde(default)]
    pub note: String,
}

/// Sends a verified project recommended for pilot scale to a registered,
/// active pilot platform (owning center); one open hand-off at a time.
pub async fn send_handoff(ctx: &Context, caller: &Caller, id: ResultId, input: &HandoffInput) -> Result<Handoff> {
    let (p, a) = load(ctx, caller, id).await?;
    require_center(&a)?;
    if p.state != ResultState::Verified {
        return Err(Error::Conflict { code: "illegal_transition", message: "验证完成后方可移交中试".into(), field: None });
    }
    if !guards(ctx, &p).await?.recommends_pilot {
        return Err(Error::rule("not_recommended", "验证报告未建议进入中试，不能移交中试平台"));
    }
    let platform = centers::get(ctx.store().pool(), CenterId::new(input.platform_center_id)).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => Error::from(FieldError::unknown_value("platform_center_id", "中试平台")),
        other => other.into(),
    })?;
    if platform.kind != CenterKind::PilotPlatform {
        return Err(FieldError::new("platform_center_id", "not_a_platform", format!("“{}”不是中试平台", platform.name)).into());
    }
    if platform.status != pocnet_domain::supervision::CenterStatus::Active {
        return Err(FieldError::new("platform_center_id", "platform_inactive", format!("“{}”已不在名录中", platform.name)).into());
    }
    let note = text("note", "移交说明", &input.note, 0, 2000)?;
    let mut tx = ctx.store().write().await?;
    let h = handoffs::send(&mut tx, &caller.actor(), ctx.now(), id, platform.id, &note, ctx.today()).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "handoff_open", message: "已有待答复或已接收的移交，不能重复移交".into(), field: None },
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(h)
}

async fn platform_handoff(ctx: &Context, caller: &Caller, hid: HandoffId) -> Result<Handoff> {
    caller.require(&[Role::Center])?;
    let h = handoffs::get(ctx.store().pool(), hid).await?;
    if caller.org_id() != Some(h.platform_host_org_id) {
        return Err(Error::NotFound);
    }
    Ok(h)
}

/// The platform's answer as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResponseInput {
    /// `accept` or `decline`.
    pub decision: String,
    /// Why (required to decline).
    #[serde(default)]
    pub note: String,
    /// The hand-off version the caller read.
    pub version: i64,
}

/// The platform accepts (the project is handed off) or declines (the center may send it elsewhere).
pub async fn respond_handoff(ctx: &Context, caller: &Caller, hid: HandoffId, input: &ResponseInput) -> Result<Handoff> {
    let h = platform_handoff(ctx, caller, hid).await?;
    let (decision, accept) = match input.decision.as_str() {
        "accept" => (HandoffState::Accepted, true),
        "decline" => (HandoffState::Declined, false),
        _ => return Err(FieldError::unknown_value("decision", "答复").into()),
    };
    let note = text("note", "答复意见", &input.note, if accept { 0 } else { 2 }, 2000)?;
    let p = pipeline::get(ctx.store().pool(), h.result_id).await?;
    let mut tx = ctx.store().write().await?;
    let after = handoffs::respond(&mut tx, &caller.actor(), ctx.now(), hid, input.version, decision, &note, ctx.today()).await.map_err(stale)?;
    if accept {
        let g = guards(ctx, &p).await?;
        let transition = p.state.step(ResultAction::HandOff, LibraryActor::PilotPlatform, &g)?;
        let step = Step { transition, version: p.version, comments: &after.platform_name };
        pipeline::take_step(&mut tx, &caller.actor(), ctx.now(), p.id, &step, &StepEffects::default()).await.map_err(stale)?;
        // The accepted hand-off becomes the platform's pilot project; its feasibility review is next.
        crate::pilot::projects::open_from_handoff(&mut tx, ctx, caller, &after, p.owner_org_id, &p.field).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// The platform's feedback as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FeedbackInput {
    /// Engineering results so far (工程化结果).
    pub feedback: String,
    /// What the project needs next (资金、场地、人才…).
    #[serde(default)]
    pub needs: String,
    /// The hand-off version the caller read.
    pub version: i64,
}

/// The platform reports back on an accepted hand-off; the center sees it.
pub async fn handoff_feedback(ctx: &Context, caller: &Caller, hid: HandoffId, input: &FeedbackInput) -> Result<Handoff> {
    let h = platform_handoff(ctx, caller, hid).await?;
    if h.state != HandoffState::Accepted {
        return Err(Error::Conflict { code: "illegal_transition", message: "接收移交后方可反馈".into(), field: None });
    }
    let feedback = text("feedback", "工程化进展", &input.feedback, 4, 4000)?;
    let needs = text("needs", "需求", &input.needs, 0, 2000)?;
    let mut tx = ctx.store().write().await?;
    let after = handoffs::feedback(&mut tx, &caller.actor(), ctx.now(), hid, input.version, &feedback, &needs, ctx.today()).await.map_err(stale)?;
    tx.commit().await?;
    Ok(after)
}

/// The hand-offs a center operator deals with: to the platforms its unit
/// hosts (incoming). The bureau sees none here (it sees them per project).
pub async fn incoming_handoffs(ctx: &Context, caller: &Caller) -> Result<Vec<Handoff>> {
    caller.require(&[Role::Center])?;
    let Some(org) = caller.org_id() else { return Ok(Vec::new()) };
    Ok(handoffs::to_host(ctx.store().pool(), org).await?)
}

/// Issued reports matching `q` (center operators and the bureau).
pub async fn search_reports(ctx: &Context, caller: &Caller, q: &str) -> Result<Vec<ReportRecord>> {
    caller.require(&[Role::Center, Role::Bureau])?;
    Ok(reports::search(ctx.store().pool(), q).await?)
}

/// An acceptance as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AcceptInput {
    /// The accepting center (one the caller's unit hosts).
    pub center_id: i64,
    /// How the center relies on the report.
    pub note: String,
}

/// Records that one of the caller's centers accepts another center's report
/// instead of verifying again (结果互认).
pub async fn accept_report(ctx: &Context, caller: &Caller, id: ResultId, input: &AcceptInput) -> Result<()> {
    caller.require(&[Role::Center])?;
    let (p, _) = load(ctx, caller, id).await?;
    let report = reports::report(ctx.store().pool(), id).await?.ok_or_else(|| Error::rule("report_missing", "该项目尚未出具验证报告"))?;
    let center = centers::get(ctx.store().pool(), CenterId::new(input.center_id)).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => Error::from(FieldError::unknown_value("center_id", "中心")),
        other => other.into(),
    })?;
    if caller.org_id() != Some(center.host_org_id) {
        return Err(Error::Forbidden);
    }
    if Some(center.id) == p.center_id || center.id == report.center_id {
        return Err(FieldError::new("center_id", "own_report", "本中心出具的报告无需互认").into());
    }
    let note = text("note", "互认说明", &input.note, 2, 1000)?;
    let mut tx = ctx.store().write().await?;
    reports::accept(&mut tx, &caller.actor(), ctx.now(), id, center.id, &note, ctx.today()).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "already_accepted", message: "本中心已互认该报告".into(), field: Some("center_id".into()) },
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

/// Whether a recommendation code sends the project to pilot scale.
pub fn recommends_pilot(code: &str) -> bool {
    code == Recommendation::GoPilot.as_str()
}
