//! JSON API of panel assignment.

use super::*;
use pocnet_domain::panel::Solution;
use pocnet_domain::role::Role;
use pocnet_store::assignments::{self, Run};
use serde::{Deserialize, Serialize};
use crate::extract::ApiJson;
use axum::extract::State;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_preview, api_runs))
        .routes(routes!(api_run))
        .routes(routes!(api_confirm))
        .routes(routes!(api_adjust))
        .routes(routes!(api_preview_screening, api_screening_runs))
        .routes(routes!(api_replacement))
        .routes(routes!(api_preview_evaluation, api_evaluation_runs))
}

/// A run with its solution.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunDetail {
    /// The stored run (input, output and seed as JSON text).
    pub run: Run,
    /// The solution: panels, loads, unstaffable items, objective, bound, gap.
    pub solution: Solution,
}

/// Computes optimal, conflict-free panels for the call's applications in bureau review and stores the preview (bureau).
#[utoipa::path(post, path = "/api/v1/calls/{id}/assignments", tag = "panels", request_body = RunInput,
    responses((status = 201, body = RunDetail), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_preview(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RunInput>) -> AppResult<Response> {
    let id = CallId::new(id);
    let run = preview(&state, &me, id, &input).await?;
    let solution = solution_of(&run)?;
    Ok((StatusCode::CREATED, Json(RunDetail { run, solution })).into_response())
}

/// The assignment runs of a call (bureau).
#[utoipa::path(get, path = "/api/v1/calls/{id}/assignments", tag = "panels", responses((status = 200, body = Vec<Run>)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_runs(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<Run>>> {
    let id = CallId::new(id);
    me.require(&[Role::Bureau])?;
    Ok(Json(assignments::of_call(state.store().pool(), id).await?))
}

/// One run with its solution (bureau).
#[utoipa::path(get, path = "/api/v1/assignments/{id}", tag = "panels", responses((status = 200, body = RunDetail)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_run(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<RunDetail>> {
    let id = RunId::new(id);
    let run = assignments::get(state.store().pool(), id).await?;
    require_run_owner(&state, &me, &run).await?;
    let solution = solution_of(&run)?;
    Ok(Json(RunDetail { run, solution }))
}

/// Confirms a previewed run: invites every expert of every panel, each checked again for conflicts (bureau).
#[utoipa::path(post, path = "/api/v1/assignments/{id}/confirm", tag = "panels",
    responses((status = 200, description = "已邀请的专家人次", body = Invited), (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_confirm(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Invited>> {
    let id = RunId::new(id);
    let invited = confirm(&state, &me, id).await?;
    Ok(Json(Invited { invited }))
}

/// How many invitations a confirmation sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Invited {
    /// Experts invited (one per seat).
    pub invited: usize,
}

/// Swaps one seat of a previewed run: the named expert, or the best replacement; every rule still holds and nobody else moves (bureau).
#[utoipa::path(post, path = "/api/v1/assignments/{id}/adjust", tag = "panels", request_body = AdjustInput,
    responses((status = 200, body = RunDetail), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_adjust(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AdjustInput>) -> AppResult<Json<RunDetail>> {
    let id = RunId::new(id);
    let run = adjust(&state, &me, id, &input).await?;
    let solution = solution_of(&run)?;
    Ok(Json(RunDetail { run, solution }))
}

/// Which expert to replace.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplacementQuery {
    /// The expert who recused or declined.
    pub expert: i64,
}

/// The best replacement for an expert who recused or declined, with the next best and the rules it keeps (bureau). Invite it with `POST /api/v1/applications/{id}/panel` and `replaces`.
#[utoipa::path(get, path = "/api/v1/applications/{id}/panel/replacement", operation_id = "application_panel_replacement", tag = "panels", params(ReplacementQuery),
    responses((status = 200, body = ReplacementView), (status = 409, description = "评审阶段已过，不能替换专家", body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_replacement(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    crate::extract::QueryParams(q): crate::extract::QueryParams<ReplacementQuery>,
) -> AppResult<Json<ReplacementView>> {
    let id = ApplicationId::new(id);
    Ok(Json(replacement(&state, &me, id, ExpertId::new(q.expert)).await?))
}

/// Computes optimal, conflict-free screening panels for the center's results in screening without a panel, and stores the preview (the center's operator).
#[utoipa::path(post, path = "/api/v1/centers/{id}/screening-assignments", tag = "panels", request_body = RunInput,
    responses((status = 201, body = RunDetail), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_preview_screening(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RunInput>) -> AppResult<Response> {
    let id = CenterId::new(id);
    let run = preview_screening(&state, &me, id, &input).await?;
    let solution = solution_of(&run)?;
    Ok((StatusCode::CREATED, Json(RunDetail { run, solution })).into_response())
}

/// The screening runs of a center (its operator).
#[utoipa::path(get, path = "/api/v1/centers/{id}/screening-assignments", tag = "panels", responses((status = 200, body = Vec<Run>)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_screening_runs(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<Run>>> {
    let id = CenterId::new(id);
    // The center's own operators (and the bureau) first: whether it has runs is theirs to know.
    crate::routes::assignment::require_center_of(&state, &me, id).await?;
    Ok(Json(assignments::of_center(state.store().pool(), id).await?))
}

/// Computes optimal, conflict-free evaluation panels (年度绩效评价专家组) for an open round's pending centers without a panel — each center's host unit and advisory team excluded — and stores the preview (bureau).
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/assignments", tag = "panels", request_body = RunInput,
    responses((status = 201, body = RunDetail), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_preview_evaluation(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RunInput>) -> AppResult<Response> {
    let run = preview_evaluation(&state, &me, pocnet_domain::id::RoundId::new(id), &input).await?;
    let solution = solution_of(&run)?;
    Ok((StatusCode::CREATED, Json(RunDetail { run, solution })).into_response())
}

/// The assignment runs of an evaluation round (bureau).
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/assignments", tag = "panels", responses((status = 200, body = Vec<Run>)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_evaluation_runs(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<Run>>> {
    me.require(&[Role::Bureau])?;
    Ok(Json(assignments::of_round(state.store().pool(), pocnet_domain::id::RoundId::new(id)).await?))
}
