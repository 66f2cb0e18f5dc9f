//! JSON API of a center's record.

use super::{check, create, default_profile, edit_file, load, update, upload, Access, CenterInput, FileInput};
use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, QueryParams};
use crate::AppState;
use axum::extract::{DefaultBodyLimit, State};
use crate::extract::{Multipart, Path};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_domain::eligibility::Eligibility;
use pocnet_domain::id::{CenterId, DocumentId};
use pocnet_domain::policy::StageKind;
use pocnet_domain::FieldError;
use pocnet_store::centers::Center;
use pocnet_store::registry::{self, CenterFile, Document};
use pocnet_store::supervision::{self, CenterEvent, ChangeReport, Reevaluation, RevocationRecord};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_create))
        .routes(routes!(api_file, api_edit_file))
        .routes(routes!(api_upload).layer(DefaultBodyLimit::max(16 * 1024 * 1024)))
        .routes(routes!(api_document))
        .routes(routes!(api_eligibility))
}

/// A center with what the caller may see of its record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CenterDetail {
    /// The center.
    pub center: Center,
    /// Its file (team, equipment, funds, advisors, declarations, documents), for those who may read it.
    pub file: Option<CenterFile>,
    /// Status history with actor, reason and article.
    pub events: Vec<CenterEvent>,
    /// Revocations and their bars.
    pub revocations: Vec<RevocationRecord>,
    /// Major-change reports (for those who may read the file).
    pub change_reports: Vec<ChangeReport>,
    /// Re-evaluations (pilot platforms).
    pub reevaluations: Vec<Reevaluation>,
}

/// Reads a center: the public card for anyone if recognized; the whole record for its operators, its county and the bureau.
#[utoipa::path(get, path = "/api/v1/centers/{id}", operation_id = "get_center", tag = "registry",
    responses((status = 200, body = CenterDetail), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_get(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Json<CenterDetail>> {
    let id = CenterId::new(id);
    let me = auth.current.as_ref();
    let (center, a) = load(&state, me, id, Access::Public).await?;
    let pool = state.store().pool();
    let full = a >= Access::Read;
    Ok(Json(CenterDetail {
        file: if full { Some(registry::file(pool, id).await?) } else { None },
        events: supervision::events(pool, id).await?,
        revocations: supervision::revocations(pool, id).await?,
        change_reports: if full { supervision::changes(pool, Some(id)).await? } else { Vec::new() },
        reevaluations: supervision::reevaluations(pool, id).await?,
        center,
    }))
}

/// Registers a center (登记): an operator for its own host unit, the bureau for any (`host_org_id`).
#[utoipa::path(post, path = "/api/v1/registry/centers", operation_id = "create_center", tag = "registry", request_body = CenterInput,
    responses((status = 201, body = Center), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<CenterInput>) -> AppResult<Response> {
    let c = create(&state, &me, &input).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// Edits a center's details; `version` must be the one read, else 409.
#[utoipa::path(put, path = "/api/v1/centers/{id}", operation_id = "update_center", tag = "registry", request_body = CenterInput,
    responses((status = 200, body = Center), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_update(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<CenterInput>) -> AppResult<Json<Center>> {
    let id = CenterId::new(id);
    Ok(Json(update(&state, &me, id, &input).await?))
}

/// Reads a center's file (operators, its county, the bureau).
#[utoipa::path(get, path = "/api/v1/centers/{id}/file", tag = "registry",
    responses((status = 200, body = CenterFile), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_file(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<CenterFile>> {
    let id = CenterId::new(id);
    load(&state, Some(&me), id, Access::Read).await?;
    Ok(Json(registry::file(state.store().pool(), id).await?))
}

/// Applies one edit to a center's file (team, equipment, funds, advisors, declarations, removals) and returns the file.
#[utoipa::path(post, path = "/api/v1/centers/{id}/file", tag = "registry", request_body = FileInput,
    responses((status = 200, body = CenterFile), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_edit_file(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<FileInput>) -> AppResult<Json<CenterFile>> {
    let id = CenterId::new(id);
    edit_file(&state, &me, id, &input).await?;
    Ok(Json(registry::file(state.store().pool(), id).await?))
}

/// Reads a multipart upload: the `topic` field and the `file` part.
pub(crate) async fn read_upload(mut mp: Multipart) -> AppResult<(String, String, Vec<u8>)> {
    let (mut topic, mut filename, mut content) = (String::new(), String::new(), Vec::new());
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(FieldError::new("file", "too_large", "文件过大").into())
            }
            Err(_) => return Err(AppError::BadRequest { code: "malformed_multipart", message: "上传内容格式不正确".into(), field: None }),
        };
        match field.name() {
            Some("topic") => topic = field.text().await.map_err(|_| FieldError::required("topic", "证明事项"))?,
            Some("file") => {
                filename = field.file_name().unwrap_or("").to_owned();
                content = match field.bytes().await {
                    Ok(b) => b.to_vec(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(FieldError::new("file", "too_large", "文件过大").into())
                    }
                    Err(_) => return Err(FieldError::required("file", "文件").into()),
                };
            }
            _ => {}
        }
    }
    Ok((topic, filename, content))
}

/// Uploads an evidence document (multipart: `topic`, `file`; PDF/PNG/JPEG, at most 10 MB), stored content-addressed.
#[utoipa::path(post, path = "/api/v1/centers/{id}/documents", operation_id = "upload_center_document", tag = "registry",
    request_body(content = crate::openapi::DocumentForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Document), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_upload(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, mp: Multipart) -> AppResult<Response> {
    let id = CenterId::new(id);
    let (topic, filename, content) = read_upload(mp).await?;
    let doc = upload(&state, &me, id, &topic, &filename, &content).await?;
    Ok((StatusCode::CREATED, Json(doc)).into_response())
}

/// Downloads an evidence document (operators, its county, the bureau).
#[utoipa::path(get, path = "/api/v1/centers/{id}/documents/{doc}", tag = "registry",
    responses((status = 200, description = "文件内容（PDF、PNG 或 JPEG）", content(("application/pdf"), ("image/png"), ("image/jpeg"))), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_document(State(state): State<AppState>, me: CurrentUser, Path((id, doc)): Path<(i64, i64)>) -> AppResult<Response> {
    let (id, doc) = (CenterId::new(id), DocumentId::new(doc));
    load(&state, Some(&me), id, Access::Read).await?;
    let (d, content) = registry::document_content(state.store().pool(), id, doc).await?;
    let mut resp = content.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&d.mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let encoded: String = form_urlencoded::byte_serialize(d.filename.as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(resp)
}

/// Which profile and stage to check against.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EligibilityQuery {
    /// Profile id (default: the center's own, else the first of its kind).
    pub profile: Option<String>,
    /// `creation` or `recognition` (default: recognition).
    pub kind: Option<String>,
}

/// Checks a center against a profile's stage, from its records; each criterion met / not met / missing evidence with figure, threshold and article.
#[utoipa::path(get, path = "/api/v1/centers/{id}/eligibility", tag = "registry", params(EligibilityQuery),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_eligibility(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<EligibilityQuery>,
) -> AppResult<Json<Eligibility>> {
    let id = CenterId::new(id);
    let (c, _) = load(&state, Some(&me), id, Access::Read).await?;
    let (profile, kind) = resolve_check(&state, &c, &q)?;
    Ok(Json(check(&state, id, &profile, kind).await?))
}

/// The profile and stage a query asks for, with defaults.
pub(crate) fn resolve_check(state: &AppState, c: &Center, q: &EligibilityQuery) -> AppResult<(String, StageKind)> {
    let profile = match q.profile.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => p.to_owned(),
        None => default_profile(state, c).map(|p| p.id.clone()).ok_or_else(|| FieldError::required("profile", "政策配置"))?,
    };
    let kind = match q.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(k) => StageKind::parse(k).map_err(|_| FieldError::unknown_value("kind", "申报类型"))?,
        None => StageKind::Recognition,
    };
    Ok((profile, kind))
}
