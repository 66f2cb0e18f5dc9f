//! The project library and the verification pipeline (项目库与概念验证) on
//! the web: pages in [`html`], JSON in [`api`], intake forms in [`intake`],
//! list uploads in [`import`]. The workflows — who stands how to a project,
//! the pipeline's steps, verification, the report, the hand-off — are
//! `pocnet_app::library`, the screening panel `pocnet_app::panels`; these
//! wrappers hand them the caller and the context.

pub mod api;
pub mod html;
pub mod import;
pub mod intake;

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::routes::recognition::{DeclarationInput, ScoreInput};
use crate::AppState;
use axum::Router;
use pocnet_app::library as workflow;
use pocnet_domain::id::{ExpertId, HandoffId, MilestoneId, OutcomeId, ResultId};
use pocnet_domain::library::pipeline::PipelineGuards;
use pocnet_domain::library::verification::{MilestoneInput, ReportInput};
use pocnet_domain::review::Aggregate;
use pocnet_store::library::handoffs::Handoff;
use pocnet_store::library::pipeline::Project;
use pocnet_store::library::reports::ReportRecord;
use pocnet_store::library::verification::{Milestone, PlanRecord};
use pocnet_store::panels::Subject;

pub use pocnet_app::library::{
    recommends_pilot, require_center, view, AcceptInput, Access, FeedbackInput, HandoffInput, Loaded, MilestoneStepInput, OutcomeInput, PlanForm,
    ProjectDetail, ProjectView, ReleaseInput, ResponseInput, StepInput,
};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into()).merge(import::router())
}

/// Reads a project the caller may see and how it stands to it (404 otherwise).
pub async fn load(state: &AppState, me: &CurrentUser, id: ResultId) -> AppResult<(Project, Access)> {
    Ok(workflow::load(state.context(), &me.caller(), id).await?)
}

/// The facts the pipeline's guards read.
pub async fn guards(state: &AppState, p: &Project) -> AppResult<PipelineGuards> {
    Ok(workflow::guards(state.context(), p).await?)
}

/// A project with everything the caller may see; a view of trade secrets is audited.
pub async fn detail(state: &AppState, me: &CurrentUser, id: ResultId) -> AppResult<ProjectDetail> {
    Ok(workflow::detail(state.context(), &me.caller(), id).await?)
}

/// A project's detail with what it was made from (the page needs both).
pub(crate) async fn load_detail(state: &AppState, me: &CurrentUser, id: ResultId) -> AppResult<Loaded> {
    Ok(workflow::load_detail(state.context(), &me.caller(), id).await?)
}

/// Takes a pipeline step (the domain decides; a stale version is a conflict).
pub async fn take_step(state: &AppState, me: &CurrentUser, id: ResultId, input: &StepInput) -> AppResult<Project> {
    Ok(workflow::take_step(state.context(), &me.caller(), id, input).await?)
}

/// Invites an expert to screen a project (owning center, during screening).
pub async fn assign_expert(state: &AppState, me: &CurrentUser, id: ResultId, expert_id: ExpertId, replaces: Option<ExpertId>) -> AppResult<()> {
    Ok(pocnet_app::panels::invite(state.context(), &me.caller(), Subject::result(id), expert_id, replaces).await?)
}

/// The calling expert declares no conflict (with the pledge), recuses or declines.
pub async fn declare(state: &AppState, me: &CurrentUser, id: ResultId, input: &DeclarationInput) -> AppResult<()> {
    Ok(pocnet_app::panels::declare(state.context(), &me.caller(), Subject::result(id), input).await?)
}

/// Records the calling expert's scores; the panel's result is written back.
pub async fn score(state: &AppState, me: &CurrentUser, id: ResultId, input: &ScoreInput) -> AppResult<Option<Aggregate>> {
    Ok(pocnet_app::panels::score(state.context(), &me.caller(), Subject::result(id), input).await?)
}

/// Saves the verification plan (owning center).
pub async fn save_plan(state: &AppState, me: &CurrentUser, id: ResultId, input: &PlanForm) -> AppResult<PlanRecord> {
    Ok(workflow::save_plan(state.context(), &me.caller(), id, input).await?)
}

/// Adds a milestone to the plan (owning center).
pub async fn add_milestone(state: &AppState, me: &CurrentUser, id: ResultId, input: &MilestoneInput) -> AppResult<Milestone> {
    Ok(workflow::add_milestone(state.context(), &me.caller(), id, input).await?)
}

/// Moves a milestone (team submits; the center accepts, fails or cancels).
pub async fn step_milestone(state: &AppState, me: &CurrentUser, mid: MilestoneId, input: &MilestoneStepInput) -> AppResult<Milestone> {
    Ok(workflow::step_milestone(state.context(), &me.caller(), mid, input).await?)
}

/// Releases money against an accepted milestone (owning center).
pub async fn release(state: &AppState, me: &CurrentUser, mid: MilestoneId, input: &ReleaseInput) -> AppResult<Milestone> {
    Ok(workflow::release(state.context(), &me.caller(), mid, input).await?)
}

/// Records an outcome of verification (owning center).
pub async fn add_outcome(state: &AppState, me: &CurrentUser, id: ResultId, input: &OutcomeInput) -> AppResult<OutcomeId> {
    Ok(workflow::add_outcome(state.context(), &me.caller(), id, input).await?)
}

/// Issues the numbered verification report (owning center).
pub async fn issue_report(state: &AppState, me: &CurrentUser, id: ResultId, input: &ReportInput) -> AppResult<ReportRecord> {
    Ok(workflow::issue_report(state.context(), &me.caller(), id, input).await?)
}

/// Hands a verified project off to a pilot platform (owning center).
pub async fn send_handoff(state: &AppState, me: &CurrentUser, id: ResultId, input: &HandoffInput) -> AppResult<Handoff> {
    Ok(workflow::send_handoff(state.context(), &me.caller(), id, input).await?)
}

/// The platform accepts or declines a hand-off.
pub async fn respond_handoff(state: &AppState, me: &CurrentUser, hid: HandoffId, input: &ResponseInput) -> AppResult<Handoff> {
    Ok(workflow::respond_handoff(state.context(), &me.caller(), hid, input).await?)
}

/// The platform reports back on a hand-off.
pub async fn handoff_feedback(state: &AppState, me: &CurrentUser, hid: HandoffId, input: &FeedbackInput) -> AppResult<Handoff> {
    Ok(workflow::handoff_feedback(state.context(), &me.caller(), hid, input).await?)
}

/// The hand-offs to the platforms the caller's unit hosts.
pub async fn incoming_handoffs(state: &AppState, me: &CurrentUser) -> AppResult<Vec<Handoff>> {
    Ok(workflow::incoming_handoffs(state.context(), &me.caller()).await?)
}

/// Issued reports matching `q` (center operators and the bureau).
pub async fn search_reports(state: &AppState, me: &CurrentUser, q: &str) -> AppResult<Vec<ReportRecord>> {
    Ok(workflow::search_reports(state.context(), &me.caller(), q).await?)
}

/// One of the caller's centers accepts another center's report (结果互认).
pub async fn accept_report(state: &AppState, me: &CurrentUser, id: ResultId, input: &AcceptInput) -> AppResult<()> {
    Ok(workflow::accept_report(state.context(), &me.caller(), id, input).await?)
}
