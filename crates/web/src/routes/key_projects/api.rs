//! The JSON API of the key projects' list.

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::xlsx::{workbook, Sheet};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::key_projects::{self as workflow, KeyProjectInput, KeyProjectQuery, KeyProjectView, KeyStepInput, ReadinessInput};
use pocnet_store::key_projects::KeyProject;
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_export))
        .routes(routes!(api_get, api_edit))
        .routes(routes!(api_readiness))
        .routes(routes!(api_step))
}

/// The list of key PoC platform projects (the bureau, county departments and centers' operators), newest first.
#[utoipa::path(get, path = "/api/v1/key-projects", operation_id = "list_key_projects", tag = "key_projects", params(ListParams, KeyProjectQuery),
    responses((status = 200, body = Paged<KeyProject>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<KeyProjectQuery>) -> AppResult<Json<Paged<KeyProject>>> {
    Ok(Json(workflow::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Puts a planned platform on the list, in reserve (the bureau).
#[utoipa::path(post, path = "/api/v1/key-projects", operation_id = "create_key_project", tag = "key_projects", request_body = KeyProjectInput,
    responses((status = 201, body = KeyProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<KeyProjectInput>) -> AppResult<Response> {
    let v = workflow::create(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

const HEADER: [(&str, f64); 10] = [
    ("项目名称", 28.0),
    ("布局类别", 16.0),
    ("方向", 14.0),
    ("建设主体", 24.0),
    ("建设条件", 10.0),
    ("状态", 10.0),
    ("计划投入（万元）", 12.0),
    ("集聚区域", 14.0),
    ("启动日期", 12.0),
    ("建成平台", 26.0),
];

/// The list, filtered as the page (every page), as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/key-projects/export.xlsx", operation_id = "export_key_projects", tag = "key_projects", params(KeyProjectQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<KeyProjectQuery>) -> AppResult<Response> {
    let list = workflow::list(state.context(), &me.caller(), &q, pocnet_store::Page::new(Some(1), Some(200)).all()).await?;
    let rows = list
        .items
        .iter()
        .map(|p| {
            vec![
                p.title.clone(),
                p.category.label_zh().to_owned(),
                p.direction.clone(),
                p.lead_org_name.clone().unwrap_or_default(),
                format!("{}/5", p.readiness_met),
                p.state.label_zh().to_owned(),
                p.budget_wan.to_string(),
                p.area.clone(),
                p.launched_on.map(|d| d.to_string()).unwrap_or_default(),
                p.center_name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = workbook(&[Sheet { name: "重点推进项目清单", header: &HEADER, rows }])?;
    Ok(crate::routes::experts::api::xlsx(bytes, "重点推进项目清单.xlsx"))
}

/// One key project with the steps the caller may take.
#[utoipa::path(get, path = "/api/v1/key-projects/{id}", operation_id = "get_key_project", tag = "key_projects", params(("id" = i64, Path, description = "项目编号")),
    responses((status = 200, body = KeyProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<KeyProjectView>> {
    Ok(Json(workflow::view(state.context(), &me.caller(), id).await?))
}

/// Rewrites a project not yet built or dropped (the bureau).
#[utoipa::path(put, path = "/api/v1/key-projects/{id}", operation_id = "edit_key_project", tag = "key_projects", params(("id" = i64, Path, description = "项目编号")),
    request_body = KeyProjectInput,
    responses((status = 200, body = KeyProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_edit(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<KeyProjectInput>) -> AppResult<Json<KeyProjectView>> {
    Ok(Json(workflow::edit(state.context(), &me.caller(), id, &input).await?))
}

/// Records which of the five conditions of 004 二(四) the builder meets (the bureau, in reserve).
#[utoipa::path(put, path = "/api/v1/key-projects/{id}/readiness", operation_id = "key_project_readiness", tag = "key_projects", params(("id" = i64, Path, description = "项目编号")),
    request_body = ReadinessInput,
    responses((status = 200, body = KeyProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_readiness(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ReadinessInput>) -> AppResult<Json<KeyProjectView>> {
    Ok(Json(workflow::readiness(state.context(), &me.caller(), id, &input).await?))
}

/// Launches (every condition met, “成熟一个、启动一个”), records built as the builder's PoC center, or
/// drops with the reason (the bureau).
#[utoipa::path(post, path = "/api/v1/key-projects/{id}/step", operation_id = "step_key_project", tag = "key_projects", params(("id" = i64, Path, description = "项目编号")),
    request_body = KeyStepInput,
    responses((status = 200, body = KeyProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<KeyStepInput>) -> AppResult<Json<KeyProjectView>> {
    Ok(Json(workflow::step(state.context(), &me.caller(), id, &input).await?))
}
