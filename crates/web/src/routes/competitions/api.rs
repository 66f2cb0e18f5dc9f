//! The JSON API of concept-verification competitions.

use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::competitions::{self as workflow, CompetitionInput, CompetitionQuery, CompetitionStepInput, CompetitionView, EntryInput, EntryWithdrawInput, ScoresInput};
use pocnet_store::competitions::Competition;
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_step))
        .routes(routes!(api_scores))
        .routes(routes!(api_enter))
        .routes(routes!(api_withdraw))
}

/// The competitions (public), newest first.
#[utoipa::path(get, path = "/api/v1/competitions", operation_id = "list_competitions", tag = "competitions", params(ListParams, CompetitionQuery),
    responses((status = 200, body = Paged<Competition>), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_list(State(state): State<AppState>, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<CompetitionQuery>) -> AppResult<Json<Paged<Competition>>> {
    Ok(Json(workflow::list(state.context(), &q, p.page()).await?))
}

/// Announces a competition with its entry window and prizes (the bureau, 004 四(四)).
#[utoipa::path(post, path = "/api/v1/competitions", operation_id = "create_competition", tag = "competitions", request_body = CompetitionInput,
    responses((status = 201, body = CompetitionView), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<CompetitionInput>) -> AppResult<Response> {
    let v = workflow::create(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// One competition with the entries the caller reads (public: the winners once announced).
#[utoipa::path(get, path = "/api/v1/competitions/{id}", operation_id = "get_competition", tag = "competitions", params(("id" = i64, Path, description = "竞赛编号")),
    responses((status = 200, body = CompetitionView), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_get(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Json<CompetitionView>> {
    let caller = auth.current.as_ref().map(CurrentUser::caller);
    Ok(Json(workflow::view(state.context(), caller.as_ref(), id).await?))
}

/// Closes the entries (`close`) or announces the prizes down the ranking (`announce`) (the bureau).
#[utoipa::path(post, path = "/api/v1/competitions/{id}/step", operation_id = "step_competition", tag = "competitions", params(("id" = i64, Path, description = "竞赛编号")),
    request_body = CompetitionStepInput,
    responses((status = 200, body = CompetitionView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<CompetitionStepInput>) -> AppResult<Json<CompetitionView>> {
    Ok(Json(workflow::step(state.context(), &me.caller(), id, &input).await?))
}

/// Keeps the jury's scores (the bureau, while judging).
#[utoipa::path(put, path = "/api/v1/competitions/{id}/scores", operation_id = "score_competition", tag = "competitions", params(("id" = i64, Path, description = "竞赛编号")),
    request_body = ScoresInput,
    responses((status = 200, body = CompetitionView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_scores(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ScoresInput>) -> AppResult<Json<CompetitionView>> {
    Ok(Json(workflow::score(state.context(), &me.caller(), id, &input).await?))
}

/// Enters the caller's unit's project (a researcher's or an enterprise's account, within the window).
#[utoipa::path(post, path = "/api/v1/competitions/{id}/entries", operation_id = "enter_competition", tag = "competitions", params(("id" = i64, Path, description = "竞赛编号")),
    request_body = EntryInput,
    responses((status = 201, body = CompetitionView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_enter(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<EntryInput>) -> AppResult<Response> {
    let v = workflow::enter(state.context(), &me.caller(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// Takes an entry back (its unit, while the entries are open).
#[utoipa::path(post, path = "/api/v1/competition-entries/{id}/withdraw", operation_id = "withdraw_competition_entry", tag = "competitions",
    params(("id" = i64, Path, description = "参赛项目编号")), request_body = EntryWithdrawInput,
    responses((status = 200, body = CompetitionView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_withdraw(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<EntryWithdrawInput>) -> AppResult<Json<CompetitionView>> {
    Ok(Json(workflow::withdraw(state.context(), &me.caller(), id, &input).await?))
}
