//! JSON API of supervision.

use super::*;
use pocnet_domain::role::Role;
use pocnet_store::supervision;
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
        .routes(routes!(api_file_change))
        .routes(routes!(api_changes))
        .routes(routes!(api_decide))
        .routes(routes!(api_revoke))
        .routes(routes!(api_reevaluate))
        .routes(routes!(api_regrade))
}

/// Files a major-change report; it is flagged overdue when filed after the profile's deadline (three months in Wenzhou, 000 五).
#[utoipa::path(post, path = "/api/v1/centers/{id}/changes", tag = "supervision", request_body = ChangeInput,
    responses((status = 201, body = ChangeReport), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_file_change(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ChangeInput>) -> AppResult<Response> {
    let id = CenterId::new(id);
    Ok((StatusCode::CREATED, Json(file_change(&state, &me, id, &input).await?)).into_response())
}

/// Every change report (bureau), newest first.
#[utoipa::path(get, path = "/api/v1/changes", tag = "supervision", responses((status = 200, body = Vec<ChangeReport>)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_changes(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Vec<ChangeReport>>> {
    me.require(&[Role::Bureau])?;
    Ok(Json(supervision::changes(state.store().pool(), None).await?))
}

/// Decides a change report (bureau): keep or revoke.
#[utoipa::path(post, path = "/api/v1/changes/{id}/decision", operation_id = "decide_change", tag = "supervision", request_body = DecisionInput,
    responses((status = 200, body = ChangeReport), (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_decide(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DecisionInput>) -> AppResult<Json<ChangeReport>> {
    let id = ChangeReportId::new(id);
    Ok(Json(decide_change(&state, &me, id, &input).await?))
}

/// Revokes a center (bureau) for one of its profile's reasons; bars the host from applying for the reason's years.
#[utoipa::path(post, path = "/api/v1/centers/{id}/revocation", tag = "supervision", request_body = RevokeInput,
    responses((status = 200, body = Center), (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_revoke(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RevokeInput>) -> AppResult<Json<Center>> {
    let id = CenterId::new(id);
    Ok(Json(revoke(&state, &me, id, &input).await?))
}

/// Records a pilot platform's re-evaluation (bureau).
#[utoipa::path(post, path = "/api/v1/centers/{id}/reevaluations", tag = "supervision", request_body = ReevaluationInput,
    responses((status = 200, body = Center), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_reevaluate(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ReevaluationInput>) -> AppResult<Json<Center>> {
    let id = CenterId::new(id);
    Ok(Json(reevaluate(&state, &me, id, &input).await?))
}

/// Changes a center's stage or level (bureau).
#[utoipa::path(post, path = "/api/v1/centers/{id}/grade", tag = "supervision", request_body = RegradeInput,
    responses((status = 200, body = Center), (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_regrade(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RegradeInput>) -> AppResult<Json<Center>> {
    let id = CenterId::new(id);
    Ok(Json(regrade(&state, &me, id, &input).await?))
}
