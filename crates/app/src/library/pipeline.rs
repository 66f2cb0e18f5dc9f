//! The project library and the verification pipeline (项目库与概念验证) as
//! each role works it: the owning center screens, admits, plans, accepts
//! milestones, releases money, records outcomes, issues the report and hands
//! off; researchers follow their results and submit milestone evidence;
//! experts screen after the pledge; pilot platforms answer hand-offs and
//! report back; other centers look up issued reports and accept them.
//!
//! Trade secrets reach only the owning center, the researchers and pledged
//! experts ([`Standing::sees_secrets`]); every such view is audited.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::{CenterId, ExpertId, ResultId};
use pocnet_domain::library::pipeline::{LibraryActor, PipelineGuards, ResultAction};
use pocnet_domain::library::secrecy::Standing;
use pocnet_domain::library::verification::{MilestoneStatus, Recommendation};
use pocnet_domain::next_step::AvailableAction;
use pocnet_domain::panel::seat::SeatStatus;
use pocnet_domain::research_result::ResultState;
use pocnet_domain::review::{self, Aggregate, ReviewPurpose};
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::library::handoffs::{self, Handoff};
use pocnet_store::library::pipeline::{self, Project, Step, StepEffects, StepRecord};
use pocnet_store::library::reports::{self, Acceptance, ReportRecord};
use pocnet_store::library::verification::{self as store_v, Milestone, OutcomeRecord, PlanRecord};
use pocnet_store::panels::{self, Seat, Subject};
use pocnet_store::results::ResultScope;
use serde::{Deserialize, Serialize};

/// How the caller stands to one project, and what that lets it do.
#[derive(Debug, Clone)]
pub struct Access {
    /// Standing (decides the trade secrets).
    pub standing: Standing,
    /// The pipeline role the caller acts in, if any.
    pub actor: Option<LibraryActor>,
    /// The caller's library expert id, when an expert on the panel.
    pub expert: Option<ExpertId>,
    /// Sees the plan, milestones, panel and history (owners and authorities).
    pub sees_work: bool,
}

/// The caller's standing toward a project, and what it lets it do; `None`
/// when it may not know of it. Every role is named: a new role does not
/// compile until it is given its standing here.
pub async fn standing(ctx: &Context, caller: &Caller, p: &Project) -> Result<Option<Access>> {
    let access = |standing, actor, sees_work| Access { standing, actor, expert: None, sees_work };
    let u = match caller {
        Caller::Console { .. } => return Ok(Some(access(Standing::Authority, None, true))),
        Caller::User { user, .. } => user,
    };
    let pool = ctx.store().pool();
    Ok(match u.role {
        Role::Bureau => Some(access(Standing::Authority, None, true)),
        Role::County => {
            let region = u.org_region.as_str();
            (p.owner_region == region || p.center_region.as_deref() == Some(region)).then(|| access(Standing::Authority, None, true))
        }
        Role::Center if p.center_host_org_id == Some(u.org_id) => Some(access(Standing::OwningCenter, Some(LibraryActor::Center), true)),
        Role::Center => {
            // Another center sees an issued report (结果互认); a platform sees what was handed to it.
            let handed = handoffs::of_result(pool, p.id).await?.iter().any(|h| h.platform_host_org_id == u.org_id);
            let reported = reports::report(pool, p.id).await?.is_some();
            let actor = handed.then_some(LibraryActor::PilotPlatform);
            (handed || reported).then(|| access(Standing::OtherCenter, actor, false))
        }
        Role::Researcher => (p.owner_org_id == u.org_id).then(|| access(Standing::Researcher, Some(LibraryActor::Researcher), true)),
        Role::Expert => match crate::panels::expert_of(ctx, caller).await? {
            Some(e) => panels::seat(pool, Subject::result(p.id), e).await?.map(|seat| Access {
                standing: if seat.conflict_status == SeatStatus::NoConflict { Standing::PledgedExpert } else { Standing::InvitedExpert },
                actor: None,
                expert: Some(e),
                sees_work: false,
            }),
            None => None,
        },
        Role::Investor if !p.state.verified_for_investors() => None,
        // 000 二(十一) 对接: the owner and the center accepted the investor's interest and it signed the pledge.
        Role::Investor if pocnet_store::finance::interests::has_pledged(pool, p.id, u.org_id).await? => Some(access(Standing::PledgedInvestor, None, false)),
        Role::Investor => Some(access(Standing::Public, None, false)),
        // 004 三(三): the manager the owning center assigned, while it carries the project.
        Role::Manager => pocnet_store::managers::assignments::carries(pool, p.id, u.id).await?.then(|| access(Standing::ProjectManager, None, true)),
    })
}

/// Which results a caller's list shows — the list form of [`standing`]: the
/// bureau all; a county department its region's (owned there or handled by a
/// center there); a center operator those its centers handle; a researcher
/// its organisation's; an investor verified ones; an expert those it is
/// invited to screen; a project manager those it carries. Every list row is one [`standing`] admits (a center
/// also opens reports and hand-offs of other centers one by one, which no
/// list of its own shows). Every role is named.
pub async fn scope_for(ctx: &Context, caller: &Caller) -> Result<ResultScope> {
    let u = match caller {
        Caller::Console { .. } => return Ok(ResultScope::All),
        Caller::User { user, .. } => user,
    };
    Ok(match u.role {
        Role::Bureau => ResultScope::All,
        Role::County => ResultScope::Region(u.org_region),
        Role::Center => ResultScope::HostOrg(u.org_id),
        Role::Researcher => ResultScope::OwnerOrg(u.org_id),
        Role::Investor => ResultScope::Verified,
        Role::Expert => ResultScope::Reviewer(crate::panels::expert_of(ctx, caller).await?.ok_or(Error::Forbidden)?),
        Role::Manager => ResultScope::Managed(u.id),
    })
}

/// Reads a project the caller may see and how it stands to it (404 otherwise).
pub async fn load(ctx: &Context, caller: &Caller, id: ResultId) -> Result<(Project, Access)> {
    let p = pipeline::get(ctx.store().pool(), id).await?;
    match standing(ctx, caller, &p).await? {
        Some(a) => Ok((p, a)),
        None => Err(Error::NotFound),
    }
}

/// A project as one caller may see it: the public face always, the trade
/// secrets only for those who may see them (`None` otherwise).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ResultId,
    /// Title.
    pub title: String,
    /// Public summary.
    pub summary: String,
    /// Field code.
    pub field: String,
    /// Sub-field code.
    pub sub_field: String,
    /// Source code.
    pub source: String,
    /// Owner unit.
    pub owner_org_name: String,
    /// Handling center.
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<CenterId>,
    /// Its name.
    pub center_name: Option<String>,
    /// State.
    pub state: ResultState,
    /// Level at intake.
    pub trl: i64,
    /// Level after verification.
    pub trl_after: Option<i64>,
    /// Stage code.
    pub stage: String,
    /// Day submitted.
    #[schema(value_type = String)]
    pub submitted_on: chrono::NaiveDate,
    /// Reasons of the last rejection, stop or withdrawal.
    pub decision_reason: String,
    /// Day of the decision.
    #[schema(value_type = Option<String>)]
    pub decided_on: Option<chrono::NaiveDate>,
    /// Score sheet of the screening.
    pub screening_sheet: String,
    /// The screening panel's result (owners and authorities).
    pub screening_result: Option<Aggregate>,
    /// Version (send it back with a step).
    pub version: i64,
    /// Parts marked as trade secret besides the secret summary.
    pub secret_parts: Vec<String>,
    /// Whether trade secrets were withheld from this caller.
    pub redacted: bool,
    /// Trade-secret summary (only for those who may see it).
    pub secret_summary: Option<String>,
    /// Team (withheld when marked secret).
    pub team: Option<Vec<String>>,
    /// Patents (withheld when marked secret).
    pub patents: Option<serde_json::Value>,
    /// Evidence of the level (withheld when marked secret).
    pub trl_evidence: Option<String>,
    /// How the caller stands to the project.
    pub standing: Standing,
}

/// The view of `p` for a caller standing as `a`.
pub fn view(p: &Project, a: &Access) -> ProjectView {
    let sees = a.standing.sees_secrets();
    let shown = |part: &str| sees || !p.secret_parts.iter().any(|s| s == part);
    ProjectView {
        id: p.id,
        title: p.title.clone(),
        summary: p.summary.clone(),
        field: p.field.clone(),
        sub_field: p.sub_field.clone(),
        source: p.source.as_str().to_owned(),
        owner_org_name: p.owner_org_name.clone(),
        center_id: p.center_id,
        center_name: p.center_name.clone(),
        state: p.state,
        trl: p.trl,
        trl_after: p.trl_after,
        stage: p.stage.as_str().to_owned(),
        submitted_on: p.submitted_on,
        decision_reason: p.decision_reason.clone(),
        decided_on: p.decided_on,
        screening_sheet: p.screening_sheet.clone(),
        screening_result: if a.sees_work { p.screening_result.clone() } else { None },
        version: p.version,
        secret_parts: p.secret_parts.clone(),
        redacted: !sees,
        secret_summary: sees.then(|| p.secret_summary.clone()),
        team: shown("team").then(|| p.team.clone()),
        patents: shown("patents").then(|| p.patents.clone()),
        trl_evidence: shown("trl_evidence").then(|| p.trl_evidence.clone()),
        standing: a.standing,
    }
}

/// Everything about a project the caller may see, with the steps it may take.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectDetail {
    /// The project (secrets redacted as the caller's standing requires).
    pub project: ProjectView,
    /// The pipeline history (owners and authorities).
    pub steps: Vec<StepRecord>,
    /// The screening panel (owners and authorities; an expert sees its own row).
    pub panel: Vec<Seat>,
    /// The verification plan (owners and authorities).
    pub plan: Option<PlanRecord>,
    /// Its milestones.
    pub milestones: Vec<Milestone>,
    /// Outcomes (验证成效).
    pub outcomes: Vec<OutcomeRecord>,
    /// The issued report (anyone who sees the project).
    pub report: Option<ReportRecord>,
    /// Centers that accepted the report (结果互认).
    pub acceptances: Vec<Acceptance>,
    /// Hand-offs to pilot platforms (owners, authorities and the platform).
    pub handoffs: Vec<Handoff>,
    /// Pipeline steps the caller may take now.
    pub actions: Vec<ResultAction>,
    /// Every pipeline step the caller's role may take from the current state:
    /// available now, or not yet with the reason and what is still needed
    /// (the same decision the step itself enforces). Report issuing and the
    /// hand-off are listed too, though they have their own forms.
    pub available_actions: Vec<AvailableAction>,
}

/// The facts the pipeline's guards read, from what is stored of the project.
fn guards_of(panel: &[Seat], has_plan: bool, milestones: &[Milestone], report: Option<&ReportRecord>) -> PipelineGuards {
    PipelineGuards {
        panel_scores: panel.iter().filter(|r| r.scored()).count(),
        has_plan,
        milestones: milestones.iter().filter(|m| m.status != MilestoneStatus::Cancelled).count(),
        open_milestones: milestones.iter().filter(|m| m.status.is_open()).count(),
        has_report: report.is_some(),
        recommends_pilot: report.is_some_and(|r| r.recommendation == Recommendation::GoPilot),
    }
}

/// The facts the pipeline's guards read.
pub async fn guards(ctx: &Context, p: &Project) -> Result<PipelineGuards> {
    let pool = ctx.store().pool();
    let panel = panels::seats(pool, Subject::result(p.id)).await?;
    let milestones = store_v::milestones(pool, p.id).await?;
    let report = reports::report(pool, p.id).await?;
    Ok(guards_of(&panel, store_v::plan(pool, p.id).await?.is_some(), &milestones, report.as_ref()))
}

/// A project with everything the caller may see; a view of trade secrets is audited.
pub async fn detail(ctx: &Context, caller: &Caller, id: ResultId) -> Result<ProjectDetail> {
    Ok(load_detail(ctx, caller, id).await?.detail)
}

/// A project's detail with what it was made from (the page needs both).
pub struct Loaded {
    /// What the caller sees.
    pub detail: ProjectDetail,
    /// The stored project (secrets included).
    pub project: Project,
    /// How the caller stands to it.
    pub access: Access,
    /// The facts the pipeline's guards read.
    pub guards: PipelineGuards,
}

/// Reads a project once with its panel, plan, milestones, report and
/// hand-offs, and keeps of them what the caller may see.
pub async fn load_detail(ctx: &Context, caller: &Caller, id: ResultId) -> Result<Loaded> {
    let (p, a) = load(ctx, caller, id).await?;
    let pool = ctx.store().pool();
    if a.standing.sees_secrets() {
        let mut tx = ctx.store().write().await?;
        pipeline::record_secret_view(&mut tx, &caller.actor(), ctx.now(), id, a.standing.as_str()).await?;
        tx.commit().await?;
    }
    let mut panel = panels::seats(pool, Subject::result(id)).await?;
    let plan = store_v::plan(pool, id).await?;
    let milestones = store_v::milestones(pool, id).await?;
    let report = reports::report(pool, id).await?;
    let g = guards_of(&panel, plan.is_some(), &milestones, report.as_ref());
    let available_actions = a.actor.map(|actor| p.state.available_actions(actor, &g)).unwrap_or_default();
    let actions = available_actions
        .iter()
        .filter(|x| x.available)
        .filter_map(|x| ResultAction::parse(x.action).ok())
        // Hand-off and report issuing have their own forms.
        .filter(|act| !matches!(act, ResultAction::HandOff | ResultAction::IssueReport))
        .collect();
    if !a.sees_work {
        panel.retain(|r| Some(r.expert_id) == a.expert);
    }
    let all_handoffs = handoffs::of_result(pool, id).await?;
    let handoffs = if a.sees_work {
        all_handoffs
    } else {
        let platform_org = caller.user().filter(|u| u.role == Role::Center).map(|u| u.org_id);
        all_handoffs.into_iter().filter(|h| Some(h.platform_host_org_id) == platform_org).collect()
    };
    let work = a.sees_work;
    let detail = ProjectDetail {
        project: view(&p, &a),
        steps: if work { pipeline::steps(pool, id).await? } else { Vec::new() },
        panel,
        plan: if work { plan } else { None },
        milestones: if work { milestones } else { Vec::new() },
        outcomes: if work { store_v::outcomes(pool, id).await? } else { Vec::new() },
        report,
        acceptances: reports::acceptances(pool, id).await?,
        handoffs,
        actions,
        available_actions,
    };
    Ok(Loaded { detail, project: p, access: a, guards: g })
}

/// A pipeline step as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ResultStepInput)]
pub struct StepInput {
    /// Action code, e.g. `start_screening`, `admit`, `reject`, `start_verification`, `stop`, `withdraw`.
    pub action: String,
    /// Reasons (required for reject, stop, withdraw).
    #[serde(default)]
    pub comments: String,
    /// The version the caller read.
    pub version: i64,
    /// On `start_screening`: the score sheet, `screening` (000 二(三), default) or `three_dimensional` (002 三(三)).
    #[serde(default)]
    pub sheet: Option<String>,
}

/// Maps a store conflict of a step to the API's conflict.
pub(crate) fn stale(e: pocnet_store::StoreError) -> Error {
    match e {
        pocnet_store::StoreError::VersionConflict { .. } => Error::Conflict {
            code: "version_conflict",
            message: "该项目已被他人处理，请刷新后在最新状态上操作".into(),
            field: Some("version".into()),
        },
        other => other.into(),
    }
}

/// Takes a pipeline step (the domain decides; a stale version is a conflict).
pub async fn take_step(ctx: &Context, caller: &Caller, id: ResultId, input: &StepInput) -> Result<Project> {
    let (p, a) = load(ctx, caller, id).await?;
    let action = ResultAction::parse(input.action.trim()).map_err(|_| FieldError::unknown_value("action", "操作"))?;
    if matches!(action, ResultAction::HandOff | ResultAction::IssueReport) {
        return Err(FieldError::new("action", "use_own_form", "出具报告与移交中试请使用各自的表单").into());
    }
    let actor = a.actor.ok_or(Error::Forbidden)?;
    let comments = text("comments", "意见或理由", &input.comments, if action.needs_comment() { 2 } else { 0 }, 2000)?;
    let sheet = match (action, input.sheet.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (ResultAction::StartScreening, Some(s)) => match ReviewPurpose::parse(s) {
            Ok(ReviewPurpose::Screening | ReviewPurpose::ThreeDimensional) => Some(s.to_owned()),
            _ => return Err(FieldError::unknown_value("sheet", "评价表").into()),
        },
        _ => None,
    };
    let g = guards(ctx, &p).await?;
    let transition = p.state.step(action, actor, &g)?;
    if input.version != p.version {
        return Err(stale(pocnet_store::StoreError::VersionConflict { expected: input.version }));
    }
    let decided = matches!(action, ResultAction::Admit | ResultAction::Reject | ResultAction::Stop | ResultAction::Withdraw).then_some(ctx.today());
    let mut tx = ctx.store().write().await?;
    let step = Step { transition, version: input.version, comments: &comments };
    let after = pipeline::take_step(&mut tx, &caller.actor(), ctx.now(), id, &step, &StepEffects { decided_on: decided, trl_after: None, screening_sheet: sheet })
        .await
        .map_err(stale)?;
    tx.commit().await?;
    Ok(after)
}

/// The owning center's operator acting on a project (403 otherwise).
pub fn require_center(a: &Access) -> Result<()> {
    if a.standing == Standing::OwningCenter {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The result's screening panel as the panel rules need it: its owner unit
/// and team may not sit on it; its sheet is the one chosen at the start of
/// screening; it takes panel work while in screening (入库遴选).
pub fn judged(p: &Project) -> crate::panels::Judged {
    let purpose = ReviewPurpose::parse(&p.screening_sheet).unwrap_or(ReviewPurpose::Screening);
    crate::panels::Judged {
        subject: Subject::result(p.id),
        owner: crate::panels::Owner { org_id: p.owner_org_id, org_name: p.owner_org_name.clone(), role: "成果所属单位" },
        excluded: crate::panels::Excluded::Team(p.team.clone()),
        sheet: review::sheet(purpose).clone(),
        overall_score: false,
        open: p.state == ResultState::Screening,
    }
}

/// A result's screening panel for the owning center to staff (入库遴选 only).
pub async fn panel_to_manage(ctx: &Context, caller: &Caller, id: ResultId, replacing: bool) -> Result<crate::panels::Judged> {
    let (p, a) = load(ctx, caller, id).await?;
    require_center(&a)?;
    if p.state != ResultState::Screening {
        let message = if replacing { "只有入库遴选阶段可以替换专家" } else { "只有入库遴选阶段可以邀请评价专家" };
        return Err(Error::Conflict { code: "illegal_transition", message: message.into(), field: None });
    }
    Ok(judged(&p))
}

/// A result's screening panel for the calling expert to declare on or score
/// (入库遴选 only), with its seat.
pub async fn panel_to_sit(ctx: &Context, caller: &Caller, id: ResultId, _scoring: bool) -> Result<(crate::panels::Judged, Seat)> {
    caller.require(&[Role::Expert])?;
    let (p, a) = load(ctx, caller, id).await?;
    let expert = a.expert.ok_or(Error::Forbidden)?;
    if p.state != ResultState::Screening {
        return Err(Error::Conflict { code: "illegal_transition", message: "入库遴选已结束".into(), field: None });
    }
    let seat = panels::seat(ctx.store().pool(), Subject::result(id), expert).await?.ok_or(Error::NotFound)?;
    Ok((judged(&p), seat))
}
