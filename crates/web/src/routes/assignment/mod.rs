//! Optimal panel assignment (智能组建专家组) on the web: pages in [`html`],
//! JSON in [`api`]. The workflow — previewing a call's or a center's panels,
//! adjusting, confirming, proposing a replacement — is
//! `pocnet_app::assignment`; these wrappers hand it the caller and the context.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::AppState;
use axum::Router;
use pocnet_app::assignment as workflow;
use pocnet_domain::id::{ApplicationId, CallId, CenterId, ExpertId, ResultId, RoundId, RunId};
use pocnet_store::assignments::Run;

pub use pocnet_app::assignment::{solution_of, AdjustInput, ReplacementView, RunInput};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// Proposes the best replacement for an expert who left an application's panel (bureau).
pub async fn replacement(state: &AppState, me: &CurrentUser, app_id: ApplicationId, left: ExpertId) -> AppResult<ReplacementView> {
    Ok(workflow::replacement(state.context(), &me.caller(), app_id, left).await?)
}

/// Proposes the best replacement for an expert who left a result's screening panel (its center).
pub async fn screening_replacement(state: &AppState, me: &CurrentUser, result_id: ResultId, left: ExpertId) -> AppResult<ReplacementView> {
    Ok(workflow::screening_replacement(state.context(), &me.caller(), result_id, left).await?)
}

/// Runs the solver for a call and stores the preview (bureau).
pub async fn preview(state: &AppState, me: &CurrentUser, call_id: CallId, input: &RunInput) -> AppResult<Run> {
    Ok(workflow::preview(state.context(), &me.caller(), call_id, input).await?)
}

/// Runs the solver for a center's results in screening and stores the preview (its operator).
pub async fn preview_screening(state: &AppState, me: &CurrentUser, center_id: CenterId, input: &RunInput) -> AppResult<Run> {
    Ok(workflow::preview_screening(state.context(), &me.caller(), center_id, input).await?)
}

/// Runs the solver for an evaluation round's pending centers and stores the preview (bureau).
pub async fn preview_evaluation(state: &AppState, me: &CurrentUser, round_id: RoundId, input: &RunInput) -> AppResult<Run> {
    Ok(workflow::preview_evaluation(state.context(), &me.caller(), round_id, input).await?)
}

/// The caller operates the center (its unit hosts it).
pub(crate) async fn require_center_of(state: &AppState, me: &CurrentUser, center_id: CenterId) -> AppResult<()> {
    Ok(workflow::require_center_of(state.context(), &me.caller(), center_id).await?)
}

/// Who may see, adjust and confirm a run.
pub async fn require_run_owner(state: &AppState, me: &CurrentUser, run: &Run) -> AppResult<()> {
    Ok(workflow::require_run_owner(state.context(), &me.caller(), run).await?)
}

/// Confirms a previewed run: every seat becomes an invitation; all or nothing.
pub async fn confirm(state: &AppState, me: &CurrentUser, run_id: RunId) -> AppResult<usize> {
    Ok(workflow::confirm(state.context(), &me.caller(), run_id).await?)
}

/// Swaps one seat of a previewed run.
pub async fn adjust(state: &AppState, me: &CurrentUser, run_id: RunId, input: &AdjustInput) -> AppResult<Run> {
    Ok(workflow::adjust(state.context(), &me.caller(), run_id, input).await?)
}
