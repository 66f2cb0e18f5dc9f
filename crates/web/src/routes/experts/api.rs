//! JSON API of the expert library.

use super::excel::{self, ImportReport};
use super::*;
use crate::extract::{ApiJson, ListParams, QueryParams};
use axum::extract::{DefaultBodyLimit, State};
use crate::extract::{Multipart, Path};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_store::{Page, Paged};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_status))
        .routes(routes!(api_own))
        .routes(routes!(api_import).layer(DefaultBodyLimit::max(16 * 1024 * 1024)))
        .routes(routes!(api_export))
        .routes(routes!(api_template))
}

/// Lists experts (bureau, county, center): filter by kind, field, region; search by name, unit, title, keyword or profile.
#[utoipa::path(get, path = "/api/v1/experts", operation_id = "list_experts", tag = "experts", params(ListParams, ExpertQuery),
    responses((status = 200, body = Paged<Expert>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ExpertQuery>,
) -> AppResult<Json<Paged<Expert>>> {
    me.require(BROWSERS)?;
    let mut list = experts::list(state.store().pool(), &q.filter(&state)?, p.page()).await?;
    if !CURATORS.contains(&me.role()) {
        list.items = list.items.into_iter().map(Expert::without_contact).collect();
    }
    Ok(Json(list))
}

/// Reads an expert (browsers; an expert its own profile).
#[utoipa::path(get, path = "/api/v1/experts/{id}", operation_id = "get_expert", tag = "experts",
    responses((status = 200, body = Expert), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Expert>> {
    let id = ExpertId::new(id);
    let e = read(&state, &me, id).await?;
    Ok(Json(if sees_contact(&me, &e) { e } else { e.without_contact() }))
}

/// The caller's own expert profile (expert accounts).
#[utoipa::path(get, path = "/api/v1/me/expert", tag = "experts",
    responses((status = 200, body = Expert), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_own(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Expert>> {
    own(&state, &me).await?.map(Json).ok_or(AppError::NotFound)
}

/// Adds an expert (bureau, center).
#[utoipa::path(post, path = "/api/v1/experts", operation_id = "create_expert", tag = "experts", request_body = ExpertInput,
    responses((status = 201, body = Expert), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<ExpertInput>) -> AppResult<Response> {
    Ok((StatusCode::CREATED, Json(create(&state, &me, &input).await?)).into_response())
}

/// Edits an expert (curators; an expert its own profile except kind and unit); `version` as read, else 409.
#[utoipa::path(put, path = "/api/v1/experts/{id}", operation_id = "update_expert", tag = "experts", request_body = ExpertInput,
    responses((status = 200, body = Expert), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_update(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ExpertInput>) -> AppResult<Json<Expert>> {
    let id = ExpertId::new(id);
    Ok(Json(update(&state, &me, id, &input).await?))
}

/// Deactivates / activates an expert (curators) or puts it on / off the blacklist (bureau).
#[utoipa::path(post, path = "/api/v1/experts/{id}/status", tag = "experts", request_body = StatusInput,
    responses((status = 200, body = Expert), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_status(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<StatusInput>) -> AppResult<Json<Expert>> {
    let id = ExpertId::new(id);
    Ok(Json(set_status(&state, &me, id, &input).await?))
}

/// Query of an import.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `1` or `true`: check only, write nothing.
    pub dry_run: Option<String>,
}

impl ImportQuery {
    pub(crate) fn dry(&self) -> bool {
        matches!(self.dry_run.as_deref(), Some("1" | "true" | "on"))
    }
}

/// Reads the `file` part of a multipart upload.
pub(crate) async fn read_file(mut mp: Multipart) -> AppResult<Vec<u8>> {
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            return field.bytes().await.map(|b| b.to_vec()).map_err(|_| FieldError::new("file", "too_large", "文件过大或上传中断").into());
        }
    }
    Err(FieldError::required("file", "Excel 文件").into())
}

/// Imports experts from an .xlsx file in the template's layout (multipart `file`). Every row is checked; a row error writes nothing (422 with the report); `dry_run=1` only checks.
#[utoipa::path(post, path = "/api/v1/experts/import", operation_id = "import_experts", tag = "experts", params(ImportQuery),
    request_body(content = crate::openapi::FileForm, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReport), (status = 422, body = ImportReport)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_import(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<ImportQuery>, mp: Multipart) -> AppResult<Response> {
    let bytes = read_file(mp).await?;
    let report = excel::import(&state, &me, &bytes, q.dry()).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

pub(crate) fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name)
}

/// A file to download: its type, and its name (UTF-8, percent-encoded) in `Content-Disposition`.
pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// Exports the experts matching the filters as .xlsx (browsers; contacts for curators).
#[utoipa::path(get, path = "/api/v1/experts/export.xlsx", operation_id = "export_experts", tag = "experts", params(ExpertQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<ExpertQuery>) -> AppResult<Response> {
    me.require(BROWSERS)?;
    let list = experts::list(state.store().pool(), &q.filter(&state)?, Page::new(Some(1), Some(200)).all()).await?;
    let names = pocnet_store::orgs::all_names(state.store().pool()).await?.into_iter().collect();
    Ok(xlsx(excel::export(&state, &list.items, CURATORS.contains(&me.role()), &names)?, "专家库.xlsx"))
}

/// The import template (.xlsx).
#[utoipa::path(get, path = "/api/v1/experts/import-template.xlsx", operation_id = "expert_import_template", tag = "experts",
    responses((status = 200, description = "Excel 导入模板", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_template(me: CurrentUser) -> AppResult<Response> {
    me.require(CURATORS)?;
    Ok(xlsx(excel::template()?, "专家导入模板.xlsx"))
}
