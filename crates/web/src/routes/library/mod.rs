//! The project library and the verification pipeline (项目库与概念验证) as
//! each role works it: the owning center screens, admits, plans, accepts
//! milestones, releases money, records outcomes, issues the report and hands
//! off; researchers follow their results and submit milestone evidence;
//! experts screen after the pledge; pilot platforms answer hand-offs and
//! report back; other centers look up issued reports and accept them.
//!
//! Trade secrets reach only the owning center, the researchers and pledged
//! experts ([`Standing::sees_secrets`]); every such view is audited.

pub mod api;
pub mod html;
pub mod import;
pub mod intake;
mod verification;

pub use verification::*;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::routes::recognition::{expert_id, DeclarationInput, ScoreInput};
use crate::AppState;
use axum::Router;
use pocnet_domain::library::pipeline::{LibraryActor, PipelineGuards, ResultAction};
use pocnet_domain::next_step::AvailableAction;
use pocnet_domain::library::secrecy::Standing;
use pocnet_domain::library::verification::{MilestoneStatus, Recommendation};
use pocnet_domain::research_result::ResultState;
use pocnet_domain::review::{self, Aggregate, ReviewPurpose};
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::library::handoffs::{self, Handoff};
use pocnet_store::library::pipeline::{self, Project, Step, StepEffects, StepRecord};
use pocnet_store::library::reports::{self, Acceptance, ReportRecord};
use pocnet_store::library::reviews::{self, Review};
use pocnet_store::library::verification::{self as store_v, Milestone, OutcomeRecord, PlanRecord};
use serde::{Deserialize, Serialize};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into()).merge(import::router())
}

/// How the caller stands to one project, and what that lets it do.
#[derive(Debug, Clone)]
pub struct Access {
    /// Standing (decides the trade secrets).
    pub standing: Standing,
    /// The pipeline role the caller acts in, if any.
    pub actor: Option<LibraryActor>,
    /// The caller's library expert id, when an expert on the panel.
    pub expert: Option<i64>,
    /// Sees the plan, milestones, panel and history (owners and authorities).
    pub sees_work: bool,
}

/// Reads a project the caller may see and how it stands to it (404 otherwise).
pub async fn load(state: &AppState, me: &CurrentUser, id: i64) -> AppResult<(Project, Access)> {
    let pool = state.store().pool();
    let p = pipeline::get(pool, id).await?;
    let u = &me.user;
    let access = |standing, actor, sees_work| Access { standing, actor, expert: None, sees_work };
    let found = match u.role {
        Role::Bureau => Some(access(Standing::Authority, None, true)),
        Role::County => {
            let region = u.org_region.as_str();
            (p.owner_region == region || p.center_region.as_deref() == Some(region)).then(|| access(Standing::Authority, None, true))
        }
        Role::Center if p.center_host_org_id == Some(u.org_id) => Some(access(Standing::OwningCenter, Some(LibraryActor::Center), true)),
        Role::Center => {
            // Another center sees an issued report (结果互认); a platform sees what was handed to it.
            let handed = handoffs::of_result(pool, id).await?.iter().any(|h| h.platform_host_org_id == u.org_id);
            let reported = reports::report(pool, id).await?.is_some();
            let actor = handed.then_some(LibraryActor::PilotPlatform);
            (handed || reported).then(|| access(Standing::OtherCenter, actor, false))
        }
        Role::Researcher => (p.owner_org_id == u.org_id).then(|| access(Standing::Researcher, Some(LibraryActor::Researcher), true)),
        Role::Expert => match expert_id(state, me).await? {
            Some(e) => reviews::panel(pool, id).await?.into_iter().find(|r| r.expert_id == e).map(|r| Access {
                standing: if r.conflict_status == "no_conflict" { Standing::PledgedExpert } else { Standing::InvitedExpert },
                actor: None,
                expert: Some(e),
                sees_work: false,
            }),
            None => None,
        },
        Role::Investor => matches!(p.state, ResultState::Verified | ResultState::HandedOff).then(|| access(Standing::Public, None, false)),
    };
    found.map(|a| (p, a)).ok_or(AppError::NotFound)
}

/// A project as one caller may see it: the public face always, the trade
/// secrets only for those who may see them (`None` otherwise).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    /// Id.
    pub id: i64,
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
    pub center_id: Option<i64>,
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
    pub submitted_on: String,
    /// Reasons of the last rejection, stop or withdrawal.
    pub decision_reason: String,
    /// Day of the decision.
    pub decided_on: Option<String>,
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
        stage: p.stage.clone(),
        submitted_on: p.submitted_on.clone(),
        decision_reason: p.decision_reason.clone(),
        decided_on: p.decided_on.clone(),
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
    pub panel: Vec<Review>,
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
fn guards_of(panel: &[Review], has_plan: bool, milestones: &[Milestone], report: Option<&ReportRecord>) -> PipelineGuards {
    PipelineGuards {
        panel_scores: panel.iter().filter(|r| r.total_hundredths.is_some()).count(),
        has_plan,
        milestones: milestones.iter().filter(|m| m.status != MilestoneStatus::Cancelled).count(),
        open_milestones: milestones.iter().filter(|m| m.status.is_open()).count(),
        has_report: report.is_some(),
        recommends_pilot: report.is_some_and(|r| r.recommendation == Recommendation::GoPilot.as_str()),
    }
}

/// The facts the pipeline's guards read.
pub async fn guards(state: &AppState, p: &Project) -> AppResult<PipelineGuards> {
    let pool = state.store().pool();
    let panel = reviews::panel(pool, p.id).await?;
    let milestones = store_v::milestones(pool, p.id).await?;
    let report = reports::report(pool, p.id).await?;
    Ok(guards_of(&panel, store_v::plan(pool, p.id).await?.is_some(), &milestones, report.as_ref()))
}

/// A project with everything the caller may see; a view of trade secrets is audited.
pub async fn detail(state: &AppState, me: &CurrentUser, id: i64) -> AppResult<ProjectDetail> {
    Ok(load_detail(state, me, id).await?.detail)
}

/// A project's detail with what it was made from (the page needs both).
pub(crate) struct Loaded {
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
pub(crate) async fn load_detail(state: &AppState, me: &CurrentUser, id: i64) -> AppResult<Loaded> {
    let (p, a) = load(state, me, id).await?;
    let pool = state.store().pool();
    if a.standing.sees_secrets() {
        let mut tx = state.store().write().await?;
        pipeline::record_secret_view(&mut tx, &me.actor(), state.now(), id, a.standing.as_str()).await?;
        tx.commit().await?;
    }
    let mut panel = reviews::panel(pool, id).await?;
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
        all_handoffs.into_iter().filter(|h| h.platform_host_org_id == me.user.org_id && me.role() == Role::Center).collect()
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
pub(crate) fn stale(e: pocnet_store::StoreError) -> AppError {
    match e {
        pocnet_store::StoreError::VersionConflict { .. } => AppError::Conflict {
            code: "version_conflict",
            message: "该项目已被他人处理，请刷新后在最新状态上操作".into(),
            field: Some("version".into()),
        },
        other => other.into(),
    }
}

/// Takes a pipeline step (the domain decides; a stale version is a conflict).
pub async fn take_step(state: &AppState, me: &CurrentUser, id: i64, input: &StepInput) -> AppResult<Project> {
    let (p, a) = load(state, me, id).await?;
    let action = ResultAction::parse(input.action.trim()).map_err(|_| FieldError::unknown_value("action", "操作"))?;
    if matches!(action, ResultAction::HandOff | ResultAction::IssueReport) {
        return Err(FieldError::new("action", "use_own_form", "出具报告与移交中试请使用各自的表单").into());
    }
    let actor = a.actor.ok_or(AppError::Forbidden)?;
    let comments = text("comments", "意见或理由", &input.comments, if action.needs_comment() { 2 } else { 0 }, 2000)?;
    let sheet = match (action, input.sheet.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (ResultAction::StartScreening, Some(s)) => match ReviewPurpose::parse(s) {
            Ok(ReviewPurpose::Screening | ReviewPurpose::ThreeDimensional) => Some(s.to_owned()),
            _ => return Err(FieldError::unknown_value("sheet", "评价表").into()),
        },
        _ => None,
    };
    let g = guards(state, &p).await?;
    let to = p.state.apply(action, actor, &g)?;
    if input.version != p.version {
        return Err(stale(pocnet_store::StoreError::VersionConflict { expected: input.version }));
    }
    let decided = matches!(action, ResultAction::Admit | ResultAction::Reject | ResultAction::Stop | ResultAction::Withdraw).then(|| state.today().to_string());
    let mut tx = state.store().write().await?;
    let step = Step { action, actor_kind: actor, from: p.state, to, version: input.version, comments: &comments };
    let after = pipeline::take_step(&mut tx, &me.actor(), state.now(), id, &step, &StepEffects { decided_on: decided, trl_after: None, screening_sheet: sheet })
        .await
        .map_err(stale)?;
    tx.commit().await?;
    Ok(after)
}

/// The owning center's operator acting on a project (403 otherwise).
pub(crate) fn require_center(a: &Access) -> AppResult<()> {
    if a.standing == Standing::OwningCenter {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Why an expert may not screen a project, if any: inactive, blacklisted,
/// same unit as the owner, a declared conflict with it, or on its team.
pub async fn conflict_of(state: &AppState, p: &Project, expert_id: i64) -> AppResult<Option<String>> {
    use crate::routes::recognition::{library_expert, unavailable, unfit, Owner};
    let e = library_expert(state, expert_id).await?;
    let owner = Owner { org_id: p.owner_org_id, org_name: &p.owner_org_name, role: "成果所属单位" };
    Ok(unfit(&e, &owner)
        .or_else(|| p.team.iter().any(|m| m.trim() == e.name.trim()).then(|| format!("{}是该成果研发团队成员", e.name)))
        .or_else(|| unavailable(&e, state.today())))
}

/// Invites an expert to screen a project (owning center, during screening),
/// after the conflict checks; with `replaces`, into the seat of an expert who
/// recused or declined (once per vacated seat).
pub async fn assign_expert(state: &AppState, me: &CurrentUser, id: i64, expert_id: i64, replaces: Option<i64>) -> AppResult<()> {
    let (p, a) = load(state, me, id).await?;
    require_center(&a)?;
    if p.state != ResultState::Screening {
        return Err(AppError::Conflict { code: "illegal_transition", message: "只有入库遴选阶段可以邀请评价专家".into(), field: None });
    }
    if let Some(reason) = conflict_of(state, &p, expert_id).await? {
        return Err(AppError::rule("conflict_of_interest", format!("不能邀请：{reason}")));
    }
    if let Some(left) = replaces {
        let panel = reviews::panel(state.store().pool(), id).await?;
        if !panel.iter().any(|r| r.expert_id == left && r.vacated()) {
            return Err(FieldError::new("replaces", "not_vacated", "被替换的专家须为本组已回避或谢绝的专家").into());
        }
        if panel.iter().any(|r| r.replaces_expert_id == Some(left)) {
            return Err(AppError::Conflict { code: "seat_filled", message: "该席位已有替补专家".into(), field: Some("replaces".into()) });
        }
    }
    let mut tx = state.store().write().await?;
    reviews::assign(&mut tx, &me.actor(), state.now(), id, expert_id, replaces).await?;
    tx.commit().await?;
    Ok(())
}

/// The calling expert declares no conflict (with the pledge, then sees the
/// trade secrets), recuses or declines.
pub async fn declare(state: &AppState, me: &CurrentUser, id: i64, input: &DeclarationInput) -> AppResult<()> {
    me.require(&[Role::Expert])?;
    let (p, a) = load(state, me, id).await?;
    let expert = a.expert.ok_or(AppError::Forbidden)?;
    if p.state != ResultState::Screening {
        return Err(AppError::Conflict { code: "illegal_transition", message: "入库遴选已结束".into(), field: None });
    }
    let (status, reason) = crate::routes::recognition::parse_declaration(input)?;
    let mut tx = state.store().write().await?;
    reviews::declare(&mut tx, &me.actor(), state.now(), id, expert, status, &reason).await.map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => AppError::Conflict { code: "already_declared", message: "已作出声明，不能更改".into(), field: None },
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

/// Records the calling expert's scores on the project's sheet; the panel's
/// result is written back to the project.
pub async fn score(state: &AppState, me: &CurrentUser, id: i64, input: &ScoreInput) -> AppResult<Option<Aggregate>> {
    me.require(&[Role::Expert])?;
    let (p, a) = load(state, me, id).await?;
    let expert = a.expert.ok_or(AppError::Forbidden)?;
    if p.state != ResultState::Screening {
        return Err(AppError::Conflict { code: "illegal_transition", message: "入库遴选已结束".into(), field: None });
    }
    if a.standing != Standing::PledgedExpert {
        return Err(AppError::rule("declaration_required", "须先声明无利益冲突并签署保密承诺"));
    }
    let purpose = ReviewPurpose::parse(&p.screening_sheet).unwrap_or(ReviewPurpose::Screening);
    let sheet = review::sheet(purpose);
    let mut card = Vec::new();
    for (k, v) in &input.scores {
        let v = u32::try_from(*v).map_err(|_| FieldError::new(format!("scores.{k}"), "out_of_range", "评分须在0至100之间"))?;
        card.push((k.clone(), v));
    }
    let total = sheet.total(&card).map_err(|e| FieldError::new("scores", "invalid_scores", e.to_string()))?;
    let comments = text("comments", "评价意见", &input.comments, 0, 2000)?;
    let json = serde_json::to_string(&input.scores).unwrap_or_else(|_| "{}".into());
    let mut tx = state.store().write().await?;
    let result = reviews::score(&mut tx, &me.actor(), state.now(), id, expert, &json, i64::from(total), &comments, sheet).await?;
    tx.commit().await?;
    Ok(result)
}
