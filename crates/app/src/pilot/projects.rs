//! Pilot projects (中试项目) as each side works them. An enterprise's or research team's account
//! applies to an active pilot platform; a PoC center's hand-off, once the platform accepts it,
//! opens one by itself (see [`open_from_handoff`]). The platform's operators (its host unit)
//! accept or decline, record the chief expert's feasibility review, write the plan, record its
//! milestones and issue the report; the applicant confirms the plan or withdraws. A report on a
//! hand-off's project is fed back to the PoC center on the hand-off (000 二(六) 闭环迭代). Only the
//! two sides and the bureau read a project.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::{CenterId, OrgId};
use pocnet_domain::pilot::project::{self as domain, ApplicationDraft, RawApplication, RawMilestone, RawReport, RawReview, ReportDraft, ReviewDraft};
use pocnet_domain::pilot::{PilotAction, PilotParty, PilotSource, PilotState};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::pilot::bookings::{self as booking_store, Booking};
use pocnet_store::pilot::projects::{self as store, Origin, PilotMilestone, PilotProject, ProjectFilter};
use pocnet_store::{Page, Paged};
use serde::{Deserialize, Serialize};

/// How the caller stands to a project.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PilotSides {
    /// The platform's operators.
    pub platform: bool,
    /// The applicant (the enterprise or team, or the PoC center that handed it off).
    pub applicant: bool,
    /// The bureau (reads only).
    pub bureau: bool,
}

impl PilotSides {
    fn of(caller: &Caller, p: &PilotProject) -> Self {
        let Some(u) = caller.user() else { return Self { bureau: true, ..Self::default() } };
        Self {
            platform: u.role == Role::Center && u.org_id == p.platform_host_org_id,
            applicant: matches!(u.role, Role::Center | Role::Researcher) && u.org_id == p.applicant_org_id,
            bureau: u.role == Role::Bureau,
        }
    }

    fn reads(self) -> bool {
        self.platform || self.applicant || self.bureau
    }

    fn takes(self, party: PilotParty) -> bool {
        match party {
            PilotParty::Platform => self.platform,
            PilotParty::Applicant => self.applicant,
        }
    }
}

/// Reads a project the caller may see (404 otherwise), with its standing.
async fn load(ctx: &Context, caller: &Caller, id: i64) -> Result<(PilotProject, PilotSides)> {
    let p = store::get(ctx.store().pool(), id).await?;
    let sides = PilotSides::of(caller, &p);
    if !sides.reads() {
        return Err(Error::NotFound);
    }
    Ok((p, sides))
}

/// A direct application as sent (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PilotApplicationInput {
    /// The pilot platform.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub platform_center_id: Option<i64>,
    /// 项目名称, 2–100 characters.
    pub title: String,
    /// Field code.
    pub field: String,
    /// 中试目标与需求, 10–2,000 characters.
    pub goal: String,
}

/// Applies to a pilot platform (an enterprise's or research team's account, 001 中试 16).
pub async fn apply(ctx: &Context, caller: &Caller, input: &PilotApplicationInput) -> Result<PilotProject> {
    caller.require(&[Role::Researcher])?;
    let org = caller.org_id().ok_or(Error::Forbidden)?;
    let mut errors = Vec::new();
    let platform = match input.platform_center_id {
        None => {
            errors.push(FieldError::required("platform_center_id", "中试平台"));
            None
        }
        Some(id) => match pocnet_store::centers::get(ctx.store().pool(), CenterId::new(id)).await {
            Ok(c) if c.kind == CenterKind::PilotPlatform && c.status == pocnet_domain::supervision::CenterStatus::Active => Some(c),
            Ok(c) if c.kind == CenterKind::PilotPlatform => {
                errors.push(FieldError::new("platform_center_id", "platform_inactive", format!("“{}”已不在名录中", c.name)));
                None
            }
            Ok(_) | Err(pocnet_store::StoreError::NotFound) => {
                errors.push(FieldError::unknown_value("platform_center_id", "中试平台"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let raw = RawApplication { title: &input.title, field: &input.field, goal: &input.goal };
    let draft = ApplicationDraft::parse(&raw).map_err(|e| errors.extend(e)).ok();
    let (Some(platform), Some(draft)) = (platform, draft) else { return Err(Error::Invalid(errors)) };
    let origin = Origin { source: PilotSource::Direct, handoff_id: None, result_id: None, applicant: org, state: PilotState::Applied };
    let mut tx = ctx.store().write().await?;
    let id = store::open(&mut tx, &caller.actor(), ctx.now(), platform.id, &origin, &draft).await?;
    let p = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(p)
}

/// Opens the pilot project of a hand-off the platform has just accepted (in its transaction): the
/// feasibility review comes next; the applicant is the sending center's host unit (or the
/// project's owner when it came from no center).
pub async fn open_from_handoff(tx: &mut pocnet_store::Write, ctx: &Context, caller: &Caller, h: &pocnet_store::library::handoffs::Handoff, owner: OrgId, field: &str) -> Result<i64> {
    let applicant = match h.center_id {
        Some(c) => pocnet_store::centers::get(&mut **tx, c).await?.host_org_id,
        None => owner,
    };
    let title: String = h.title.chars().take(100).collect();
    let goal = if h.note.chars().count() >= 10 { h.note.clone() } else { format!("概念验证中心移交的验证项目“{title}”的中试熟化") };
    let draft = ApplicationDraft { title, field: field.to_owned(), goal };
    let origin = Origin { source: PilotSource::Handoff, handoff_id: Some(h.id.get()), result_id: Some(h.result_id.get()), applicant, state: PilotState::Reviewing };
    Ok(store::open(tx, &caller.actor(), ctx.now(), h.platform_center_id, &origin, &draft).await?)
}

/// A project's page for one caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PilotProjectView {
    /// The project.
    pub project: PilotProject,
    /// The plan, in order.
    pub milestones: Vec<PilotMilestone>,
    /// Its bookings (cancelled ones too).
    pub bookings: Vec<Booking>,
    /// How the caller stands to it.
    pub sides: PilotSides,
    /// The steps the caller may take now (codes of `PilotAction`).
    pub actions: Vec<PilotAction>,
    /// What happens next and who acts, in words.
    pub next: String,
}

/// The steps `sides` may take on `p` now.
fn actions(p: &PilotProject, sides: PilotSides) -> Vec<PilotAction> {
    PilotAction::ALL
        .iter()
        .copied()
        .filter(|a| sides.takes(a.party()))
        .filter(|a| domain::next_state(p.state, *a, p.milestones_total > 0, p.open_milestones()).is_ok())
        .collect()
}

/// What happens next, in words.
fn next_words(p: &PilotProject) -> String {
    match p.state {
        PilotState::Applied => format!("等待{}受理或说明不予受理的原因。", p.platform_name),
        PilotState::Reviewing => format!("等待{}的首席专家（总工程师）开展可行性论证。", p.platform_name),
        PilotState::Planning if p.milestones_total == 0 => format!("论证已通过，等待{}编制中试方案（节点、时间和费用）。", p.platform_name),
        PilotState::Planning => format!("中试方案已编制（{}个节点，费用合计{}），等待{}确认；平台可在确认前修改方案。", p.milestones_total, pocnet_domain::money::wan(p.fee_total_yuan), p.applicant_name),
        PilotState::Running if p.open_milestones() > 0 => format!("中试实施中：已完成{}/{}个节点，平台按节点记录完成情况并预约中试线和设备。", p.milestones_done, p.milestones_total),
        PilotState::Running => "节点已全部完成，等待平台出具中试报告（量产可行性、市场适配性和反馈需求）。".into(),
        PilotState::Reported => "中试报告已出具，可作为科技计划项目验收评价的重要依据（001 中试 16）。".into(),
        PilotState::Declined | PilotState::Infeasible | PilotState::Withdrawn | PilotState::Terminated => format!("项目{}：{}", p.state.label_zh(), p.reason),
    }
}

/// One project (its two sides and the bureau).
pub async fn view(ctx: &Context, caller: &Caller, id: i64) -> Result<PilotProjectView> {
    let (p, sides) = load(ctx, caller, id).await?;
    let milestones = store::milestones(ctx.store().pool(), id).await?;
    let bookings = booking_store::of_project(ctx.store().pool(), id).await?;
    Ok(PilotProjectView { actions: actions(&p, sides), next: next_words(&p), sides, milestones, bookings, project: p })
}

/// A step as sent (JSON or form): the fields each step reads are named with it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PilotStepInput {
    /// `accept`, `decline`, `withdraw` or `terminate` (this endpoint's steps).
    pub action: String,
    /// Why (a decline or a termination: 2–500 characters; a withdrawal: optional).
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Checks that `sides` may take `action` on `p` now; returns the state it leads to.
fn may(p: &PilotProject, sides: PilotSides, action: PilotAction) -> Result<PilotState> {
    if !sides.takes(action.party()) {
        return Err(Error::Forbidden);
    }
    domain::next_state(p.state, action, p.milestones_total > 0, p.open_milestones()).map_err(|message| Error::Conflict { code: "illegal_transition", message, field: None })
}

/// Accepts or declines an application (the platform), withdraws (the applicant, before the work
/// begins) or terminates the work (the platform, with the reason). A project that ends frees the
/// days its bookings still hold.
pub async fn step(ctx: &Context, caller: &Caller, id: i64, input: &PilotStepInput) -> Result<PilotProjectView> {
    let (p, sides) = load(ctx, caller, id).await?;
    let action = match PilotAction::parse(input.action.trim()) {
        Ok(a @ (PilotAction::Accept | PilotAction::Decline | PilotAction::Withdraw | PilotAction::Terminate)) => a,
        _ => return Err(FieldError::unknown_value("action", "操作").into()),
    };
    let version = crate::input::version(input.version)?;
    let to = may(&p, sides, action)?;
    let reason = match action {
        PilotAction::Decline => pocnet_domain::validation::multiline("reason", "不予受理的原因", &input.reason, 2, 500)?,
        PilotAction::Terminate => pocnet_domain::validation::multiline("reason", "终止原因", &input.reason, 2, 500)?,
        PilotAction::Withdraw => pocnet_domain::validation::multiline("reason", "撤回原因", &input.reason, 0, 500)?,
        _ => String::new(),
    };
    let mut tx = ctx.store().write().await?;
    store::step(&mut tx, &caller.actor(), ctx.now(), id, version, p.state, to, &reason).await?;
    if !to.is_open() {
        booking_store::release_project(&mut tx, id, ctx.today(), ctx.now()).await?;
        ended_without_report(&mut tx, ctx, caller, &p, to, &reason).await?;
    }
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A hand-off's project that ends without a report (declined, found infeasible, withdrawn,
/// terminated) says so on the hand-off, so the PoC center reads how it ended beside the hand-off
/// itself (000 二(六) 闭环迭代), as a report would.
async fn ended_without_report(tx: &mut pocnet_store::Write, ctx: &Context, caller: &Caller, p: &PilotProject, to: PilotState, reason: &str) -> Result<()> {
    let why = if reason.is_empty() { "未说明原因" } else { reason };
    write_back(tx, ctx, caller, p, &format!("【中试项目{}】{why}", to.label_zh()), None).await
}

/// Writes `feedback` (and `needs`, or the hand-off's own when `None`) on the hand-off a project
/// came from, in the step's transaction; nothing for a direct application.
async fn write_back(tx: &mut pocnet_store::Write, ctx: &Context, caller: &Caller, p: &PilotProject, feedback: &str, needs: Option<&str>) -> Result<()> {
    let Some(hid) = p.handoff_id else { return Ok(()) };
    let h = pocnet_store::library::handoffs::get(&mut **tx, pocnet_domain::id::HandoffId::new(hid)).await?;
    let needs = needs.unwrap_or(&h.needs);
    pocnet_store::library::handoffs::feedback(tx, &caller.actor(), ctx.now(), h.id, h.version, feedback, needs, ctx.today()).await?;
    Ok(())
}

/// The feasibility review as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PilotReviewInput {
    /// `feasible` or `infeasible`.
    pub conclusion: String,
    /// 论证人: the chief expert or chief engineer, 2–40 characters.
    pub reviewer: String,
    /// 论证意见, 10–2,000 characters.
    pub opinion: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Records the chief expert's feasibility review (the platform): feasible → planning; not
/// feasible → the project ends with the opinion as its reason.
pub async fn review(ctx: &Context, caller: &Caller, id: i64, input: &PilotReviewInput) -> Result<PilotProjectView> {
    let (p, sides) = load(ctx, caller, id).await?;
    let r = ReviewDraft::parse(&RawReview { conclusion: &input.conclusion, reviewer: &input.reviewer, opinion: &input.opinion }).map_err(Error::Invalid)?;
    let version = crate::input::version(input.version)?;
    let to = may(&p, sides, r.conclusion)?;
    let mut tx = ctx.store().write().await?;
    store::review(&mut tx, &caller.actor(), ctx.now(), id, version, &r, to, ctx.today()).await?;
    if to == PilotState::Infeasible {
        ended_without_report(&mut tx, ctx, caller, &p, to, &r.opinion).await?;
    }
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// The pilot plan as sent: its milestones in order.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PilotPlanInput {
    /// The milestones (1–12), each with its stage, content, due day and fee.
    pub milestones: Vec<PilotMilestoneInput>,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// One milestone as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PilotMilestoneInput {
    /// `engineering`, `process`, `samples`, `small_batch` or `testing`.
    pub stage: String,
    /// 节点内容, 2–100 characters.
    pub title: String,
    /// Due day, YYYY-MM-DD (from today, in order).
    pub due_on: String,
    /// Fee, yuan (0–100,000,000).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub fee_yuan: Option<i64>,
}

/// Writes (or rewrites, before the applicant confirms) the pilot plan (the platform).
pub async fn plan(ctx: &Context, caller: &Caller, id: i64, input: &PilotPlanInput) -> Result<PilotProjectView> {
    let (p, sides) = load(ctx, caller, id).await?;
    may(&p, sides, PilotAction::Plan)?;
    let rows: Vec<RawMilestone> = input
        .milestones
        .iter()
        .map(|m| RawMilestone { stage: m.stage.clone(), title: m.title.clone(), due_on: m.due_on.clone(), fee_yuan: m.fee_yuan.map(|f| f.to_string()).unwrap_or_default() })
        .collect();
    let milestones = domain::parse_plan(&rows, ctx.today()).map_err(Error::Invalid)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::plan(&mut tx, &caller.actor(), ctx.now(), id, version, &milestones).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A version read (the applicant's confirmation).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = PilotConfirmInput)]
pub struct ConfirmInput {
    /// The version read (the plan the applicant saw).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Confirms the plan and its fees (the applicant): the work begins.
pub async fn confirm(ctx: &Context, caller: &Caller, id: i64, input: &ConfirmInput) -> Result<PilotProjectView> {
    let (p, sides) = load(ctx, caller, id).await?;
    let to = may(&p, sides, PilotAction::Confirm)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::step(&mut tx, &caller.actor(), ctx.now(), id, version, p.state, to, "").await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A milestone done, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PilotMilestoneDoneInput {
    /// The milestone's place in the plan, from 1.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub seq: Option<i64>,
    /// What was done, 2–1,000 characters.
    pub note: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Records a milestone of a running project done (the platform).
pub async fn milestone_done(ctx: &Context, caller: &Caller, id: i64, input: &PilotMilestoneDoneInput) -> Result<PilotProjectView> {
    let (p, sides) = load(ctx, caller, id).await?;
    may(&p, sides, PilotAction::Milestone)?;
    let seq = input.seq.and_then(|s| i32::try_from(s).ok()).filter(|s| *s >= 1 && *s <= p.milestones_total).ok_or_else(|| FieldError::unknown_value("seq", "中试节点"))?;
    let note = pocnet_domain::validation::multiline("note", "完成情况", &input.note, 2, 1000)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::milestone_done(&mut tx, &caller.actor(), ctx.now(), id, version, seq, &note, ctx.today()).await.map_err(|e| match e {
        pocnet_store::StoreError::Refused { code, message } => Error::Conflict { code, message, field: Some("seq".into()) },
        e => e.into(),
    })?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// The pilot report as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PilotReportInput {
    /// 量产可行性: `ready`, `conditional` or `not_yet`.
    pub mass_production: String,
    /// 市场适配性: `high`, `medium` or `low`.
    pub market_fit: String,
    /// 中试结论与数据, 20–5,000 characters.
    pub summary: String,
    /// 反馈需求 (to the PoC center or team), up to 2,000 characters.
    #[serde(default)]
    pub needs: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Issues the pilot report (the platform, every milestone done). A hand-off's project feeds the
/// summary and the needs back to the PoC center on the hand-off (000 二(六) 闭环迭代).
pub async fn report(ctx: &Context, caller: &Caller, id: i64, input: &PilotReportInput) -> Result<PilotProjectView> {
    let (p, sides) = load(ctx, caller, id).await?;
    let r = ReportDraft::parse(&RawReport { mass_production: &input.mass_production, market_fit: &input.market_fit, summary: &input.summary, needs: &input.needs })
        .map_err(Error::Invalid)?;
    may(&p, sides, PilotAction::Report)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::report(&mut tx, &caller.actor(), ctx.now(), id, version, &r, ctx.today()).await?;
    // The work is over: days still booked after today are free again.
    booking_store::release_project(&mut tx, id, ctx.today(), ctx.now()).await?;
    write_back(&mut tx, ctx, caller, &p, &r.handoff_feedback(), Some(&r.needs)).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Which projects (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PilotProjectQuery {
    /// One state.
    #[serde(default)]
    pub state: Option<String>,
    /// One platform's (the bureau, or an operator among its platforms).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub platform_center_id: Option<i64>,
    /// Words in the title.
    #[serde(default)]
    pub q: Option<String>,
}

/// The caller's projects: a platform's operators those of their platforms and those their unit
/// applied for (a PoC center's hand-offs), an applicant its own, the bureau all.
pub async fn list(ctx: &Context, caller: &Caller, q: &PilotProjectQuery, page: Page) -> Result<Paged<PilotProject>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(PilotState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let mut filter = ProjectFilter { state, platform: q.platform_center_id.map(CenterId::new), q: q.q.clone(), ..ProjectFilter::default() };
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Researcher => filter.applicant = Some(u.org_id),
            Role::Center => {
                // Their platforms' projects and those their hand-offs opened (a unit may host both).
                let hosted: Vec<CenterId> = pocnet_store::centers::hosted_by(ctx.store().pool(), u.org_id).await?.iter().filter(|c| c.kind == CenterKind::PilotPlatform).map(|c| c.id).collect();
                filter.platforms = Some(hosted);
                filter.or_applicant = Some(u.org_id);
            }
            Role::County | Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::list(ctx.store().pool(), &filter, page).await?)
}
