//! JSON API of the project library and the verification pipeline.

use super::*;
use pocnet_domain::review::Aggregate;
use pocnet_store::library::handoffs::Handoff;
use pocnet_store::library::reports::ReportRecord;
use pocnet_store::library::verification::{Milestone, PlanRecord};
use serde::Deserialize;
use crate::extract::{ApiJson, QueryParams};
use axum::extract::State;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_domain::library::verification::{MilestoneInput, ReportInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_detail))
        .routes(routes!(api_step))
        .routes(routes!(api_assign))
        .routes(routes!(api_replacement))
        .routes(routes!(api_declare))
        .routes(routes!(api_score))
        .routes(routes!(api_plan))
        .routes(routes!(api_milestone))
        .routes(routes!(api_milestone_step))
        .routes(routes!(api_release))
        .routes(routes!(api_outcome))
        .routes(routes!(api_report))
        .routes(routes!(api_handoff))
        .routes(routes!(api_handoffs))
        .routes(routes!(api_respond))
        .routes(routes!(api_feedback))
        .routes(routes!(api_reports))
        .routes(routes!(api_accept))
}

/// A project with what the caller may see: trade secrets only for the owning center, its researchers and pledged experts (each such view audited).
#[utoipa::path(get, path = "/api/v1/results/{id}", tag = "results", responses((status = 200, body = ProjectDetail), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_detail(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<ProjectDetail>> {
    let id = ResultId::new(id);
    Ok(Json(detail(&state, &me, id).await?))
}

/// Takes a pipeline step: `start_screening`, `admit`, `reject`, `start_verification`, `stop` (owning center) or `withdraw` (researchers).
#[utoipa::path(post, path = "/api/v1/results/{id}/steps", operation_id = "result_step", tag = "results", request_body = StepInput,
    responses((status = 200, body = ProjectView), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<StepInput>) -> AppResult<Json<ProjectView>> {
    let id = ResultId::new(id);
    take_step(&state, &me, id, &input).await?;
    Ok(Json(detail(&state, &me, id).await?.project))
}

/// An expert to invite.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ScreeningAssignInput)]
pub struct AssignInput {
    /// Library expert id.
    pub expert_id: i64,
    /// The expert (recused or declined) whose seat this one takes, if any.
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    pub replaces: Option<i64>,
}

/// Invites an expert to the screening panel (owning center, during screening), after the conflict checks.
#[utoipa::path(post, path = "/api/v1/results/{id}/panel", operation_id = "assign_result_panel", tag = "results", request_body = AssignInput,
    responses((status = 204), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_assign(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AssignInput>) -> AppResult<StatusCode> {
    let id = ResultId::new(id);
    assign_expert(&state, &me, id, ExpertId::new(input.expert_id), input.replaces.map(ExpertId::new)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calling expert declares no conflict with the confidentiality pledge (then sees the trade secrets), recuses or declines.
#[utoipa::path(post, path = "/api/v1/results/{id}/declaration", operation_id = "declare_on_result", tag = "results", request_body = DeclarationInput,
    responses((status = 204), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_declare(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DeclarationInput>) -> AppResult<StatusCode> {
    let id = ResultId::new(id);
    declare(&state, &me, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records the calling expert's scores on the project's sheet; returns the panel's result as written back.
#[utoipa::path(post, path = "/api/v1/results/{id}/scores", operation_id = "score_result", tag = "results", request_body = ScoreInput,
    responses((status = 200, body = Option<Aggregate>), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_score(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ScoreInput>) -> AppResult<Json<Option<Aggregate>>> {
    let id = ResultId::new(id);
    Ok(Json(score(&state, &me, id, &input).await?))
}

/// Creates or edits (with `version`) the verification plan (owning center).
#[utoipa::path(put, path = "/api/v1/results/{id}/plan", tag = "results", request_body = PlanForm,
    responses((status = 200, body = PlanRecord), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_plan(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<PlanForm>) -> AppResult<Json<PlanRecord>> {
    let id = ResultId::new(id);
    Ok(Json(save_plan(&state, &me, id, &input).await?))
}

/// Adds a milestone to the plan (owning center).
#[utoipa::path(post, path = "/api/v1/results/{id}/milestones", tag = "results", request_body = MilestoneInput,
    responses((status = 201, body = Milestone), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_milestone(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<MilestoneInput>) -> AppResult<Response> {
    let id = ResultId::new(id);
    Ok((StatusCode::CREATED, Json(add_milestone(&state, &me, id, &input).await?)).into_response())
}

/// Moves a milestone: `submit` (project team or center), `accept`, `fail`, `cancel` (center).
#[utoipa::path(post, path = "/api/v1/milestones/{id}/steps", tag = "results", request_body = MilestoneStepInput,
    responses((status = 200, body = Milestone), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_milestone_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<MilestoneStepInput>) -> AppResult<Json<Milestone>> {
    let id = MilestoneId::new(id);
    Ok(Json(step_milestone(&state, &me, id, &input).await?))
}

/// Releases money for an accepted milestone, never beyond its budget (owning center).
#[utoipa::path(post, path = "/api/v1/milestones/{id}/releases", tag = "results", request_body = ReleaseInput,
    responses((status = 200, body = Milestone), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_release(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ReleaseInput>) -> AppResult<Json<Milestone>> {
    let id = MilestoneId::new(id);
    Ok(Json(release(&state, &me, id, &input).await?))
}

/// Records an outcome (样品化、产品化、落地转化、服务合同、专利、融资、许可转让、孵化企业) with its evidence (owning center).
#[utoipa::path(post, path = "/api/v1/results/{id}/outcomes", tag = "results", request_body = OutcomeInput,
    responses((status = 201, description = "新结果的 id", body = crate::routes::Created), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_outcome(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<OutcomeInput>) -> AppResult<Response> {
    let id = ResultId::new(id);
    let oid = add_outcome(&state, &me, id, &input).await?;
    Ok((StatusCode::CREATED, Json(crate::routes::Created { id: oid.get() })).into_response())
}

/// Issues the verification report and completes the verification (owning center; every milestone decided).
#[utoipa::path(post, path = "/api/v1/results/{id}/report", tag = "results", request_body = ReportInput,
    responses((status = 201, body = ReportRecord), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_report(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ReportInput>) -> AppResult<Response> {
    let id = ResultId::new(id);
    Ok((StatusCode::CREATED, Json(issue_report(&state, &me, id, &input).await?)).into_response())
}

/// Sends a verified project to a pilot platform (owning center; the report must recommend pilot scale).
#[utoipa::path(post, path = "/api/v1/results/{id}/handoffs", tag = "results", request_body = HandoffInput,
    responses((status = 201, body = Handoff), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_handoff(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<HandoffInput>) -> AppResult<Response> {
    let id = ResultId::new(id);
    Ok((StatusCode::CREATED, Json(send_handoff(&state, &me, id, &input).await?)).into_response())
}

/// Hand-offs to the pilot platforms the caller's unit hosts.
#[utoipa::path(get, path = "/api/v1/handoffs", tag = "results", responses((status = 200, body = Vec<Handoff>)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_handoffs(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Vec<Handoff>>> {
    Ok(Json(incoming_handoffs(&state, &me).await?))
}

/// The platform accepts (the project is handed off) or declines a hand-off.
#[utoipa::path(post, path = "/api/v1/handoffs/{id}/response", tag = "results", request_body = ResponseInput,
    responses((status = 200, body = Handoff), (status = 409, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_respond(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ResponseInput>) -> AppResult<Json<Handoff>> {
    let id = HandoffId::new(id);
    Ok(Json(respond_handoff(&state, &me, id, &input).await?))
}

/// The platform reports engineering results and needs back to the center.
#[utoipa::path(post, path = "/api/v1/handoffs/{id}/feedback", tag = "results", request_body = FeedbackInput,
    responses((status = 200, body = Handoff), (status = 409, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_feedback(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<FeedbackInput>) -> AppResult<Json<Handoff>> {
    let id = HandoffId::new(id);
    Ok(Json(handoff_feedback(&state, &me, id, &input).await?))
}

/// Search terms for issued reports.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Part of a title, report number or center name.
    #[serde(default)]
    pub q: String,
}

/// Issued verification reports (center operators and the bureau), for mutual recognition.
#[utoipa::path(get, path = "/api/v1/reports", tag = "results", params(ReportQuery), responses((status = 200, body = Vec<ReportRecord>)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_reports(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<ReportQuery>) -> AppResult<Json<Vec<ReportRecord>>> {
    Ok(Json(search_reports(&state, &me, &q.q).await?))
}

/// Records that one of the caller's centers accepts the project's report instead of verifying again (结果互认).
#[utoipa::path(post, path = "/api/v1/results/{id}/acceptances", tag = "results", request_body = AcceptInput,
    responses((status = 204), (status = 409, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_accept(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AcceptInput>) -> AppResult<StatusCode> {
    let id = ResultId::new(id);
    accept_report(&state, &me, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which expert to replace.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplacementQuery {
    /// The expert who recused or declined.
    pub expert: i64,
}

/// The best replacement for a screening expert who recused or declined, with the next best and the rules it keeps (owning center). Invite it with `POST /api/v1/results/{id}/panel` and `replaces`.
#[utoipa::path(get, path = "/api/v1/results/{id}/panel/replacement", operation_id = "result_panel_replacement", tag = "results", params(ReplacementQuery),
    responses((status = 200, body = crate::routes::assignment::ReplacementView), (status = 409, description = "评审阶段已过，不能替换专家", body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_replacement(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, QueryParams(q): QueryParams<ReplacementQuery>) -> AppResult<Json<crate::routes::assignment::ReplacementView>> {
    let id = ResultId::new(id);
    Ok(Json(crate::routes::assignment::screening_replacement(&state, &me, id, ExpertId::new(q.expert)).await?))
}
