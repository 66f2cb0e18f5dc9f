//! Signed documents on the web (签章文件): the documents issued about a record,
//! each as its JSON evidence bundle and as its PDF, and the public verification
//! page where anyone holding a file checks it (`pocnet verify FILE` does the
//! same offline).

use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Multipart, QueryParams};
use crate::routes::experts::api::attachment;
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use pocnet_app::evidence::documents::{self as workflow, DocumentView, FileVerification};
use pocnet_domain::FieldError;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new()
        .route("/verify", get(verify_page).post(verify_form))
        .route("/documents/{id}/pdf", get(api_pdf))
        .route("/documents/{id}/bundle", get(api_bundle));
    OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_bundle))
        .routes(routes!(api_pdf))
        .routes(routes!(api_verify))
        .routes(routes!(api_recognized, api_recognize))
        .merge(html.into())
}

/// Whose documents.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectQuery {
    /// `result` (verification reports), `center` (certificates).
    pub subject_type: String,
    /// The record's id.
    pub subject_id: i64,
}

/// The signed documents issued about a record that the caller may read, newest first.
#[utoipa::path(get, path = "/api/v1/documents", tag = "evidence", params(SubjectQuery),
    responses((status = 200, body = Vec<DocumentView>)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<SubjectQuery>) -> AppResult<Json<Vec<DocumentView>>> {
    let ctx = state.context();
    let mut out = Vec::new();
    for d in workflow::of_subject(ctx, &q.subject_type, &q.subject_id.to_string()).await? {
        if workflow::load(ctx, &me.caller(), d.id).await.is_ok() {
            out.push(d);
        }
    }
    Ok(Json(out))
}

fn caller_of(auth: &Auth) -> Option<pocnet_app::Caller> {
    auth.current.as_ref().map(CurrentUser::caller)
}

async fn readable(state: &AppState, auth: &Auth, id: i64) -> AppResult<pocnet_store::evidence::documents::StoredDocument> {
    match caller_of(auth) {
        Some(c) => Ok(workflow::load(state.context(), &c, id).await?),
        // Without an account: certificates only (public pages).
        None => {
            let d = pocnet_store::evidence::documents::get(state.store().pool(), id).await?;
            if d.kind == "certificate" {
                Ok(d)
            } else {
                Err(AppError::NotFound)
            }
        }
    }
}

/// The document's evidence bundle (JSON: the document, its signatures, its inclusion proof and
/// the signed checkpoint) — what `pocnet verify` checks. Certificates are public; a report is
/// read by the bureau, centers' operators and whoever may read its project.
#[utoipa::path(get, path = "/api/v1/documents/{id}/bundle", tag = "evidence", params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, description = "The evidence bundle (JSON file)", content_type = "application/json", body = Object), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_bundle(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let d = readable(&state, &auth, id).await?;
    let b = workflow::bundle(state.context(), &d).await?;
    Ok(attachment(workflow::bundle_bytes(&b)?, "application/json", &format!("{}.json", d.number)))
}

/// The document printed: A4, with its QR code and the bundle attached (byte-identical each time
/// for the same bundle).
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", tag = "evidence", params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = String), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_pdf(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    let d = readable(&state, &auth, id).await?;
    let b = workflow::bundle(state.context(), &d).await?;
    let bytes = tokio::task::spawn_blocking(move || workflow::print(&b)).await.map_err(|e| AppError::Internal(e.into()))??;
    Ok(attachment(bytes, "application/pdf", &format!("{}.pdf", d.number)))
}

async fn read_file(mut mp: Multipart) -> AppResult<Vec<u8>> {
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            return match field.bytes().await {
                Ok(b) if !b.is_empty() => Ok(b.to_vec()),
                Ok(_) => Err(FieldError::required("file", "文件").into()),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(FieldError::new("file", "too_large", "文件过大").into()),
                Err(_) => Err(FieldError::required("file", "文件").into()),
            };
        }
    }
    Err(FieldError::required("file", "文件").into())
}

async fn check(state: &AppState, file: &[u8]) -> AppResult<Result<FileVerification, workflow::FileRejected>> {
    let keys = workflow::trusted_keys(state.context()).await?;
    let file = file.to_vec();
    tokio::task::spawn_blocking(move || workflow::verify_file(&file, &keys)).await.map_err(|e| AppError::Internal(e.into()))
}

/// Checks a signed document (multipart `file`: a PDF printed by pocnet or its JSON bundle)
/// against this installation's keys and those of the installations the bureau trusts: the
/// signatures, the inclusion proof, the checkpoint, and for a PDF that it is exactly the print of
/// its bundle. Anyone may ask; a file that fails is a 422 with the reason.
#[utoipa::path(post, path = "/api/v1/verify", operation_id = "verify_file", tag = "evidence",
    request_body(content = crate::openapi::VerifyForm, content_type = "multipart/form-data"),
    responses((status = 200, body = FileVerification), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_verify(State(state): State<AppState>, mp: Multipart) -> AppResult<Json<FileVerification>> {
    let file = read_file(mp).await?;
    match check(&state, &file).await? {
        Ok(v) => Ok(Json(v)),
        Err(r) => Err(FieldError::new("file", r.code, r.message).into()),
    }
}

#[derive(Template)]
#[template(path = "evidence/verify.html")]
struct VerifyPage {
    chrome: Chrome,
    outcome: Option<Result<FileVerification, String>>,
}

async fn verify_page(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let (chrome, cookie) = crate::views::public_form_chrome(&state, &auth, "核验签章文件", "log");
    let mut resp = render(&VerifyPage { chrome, outcome: None });
    if let Some(c) = cookie {
        resp.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    Ok(resp)
}

async fn verify_form(State(state): State<AppState>, auth: Auth, mp: Multipart) -> AppResult<Response> {
    let outcome = match read_file(mp).await {
        Ok(file) => Some(check(&state, &file).await?.map_err(|r| r.message)),
        Err(AppError::Validation(e)) => Some(Err(e.message.clone())),
        Err(e) => return Err(e),
    };
    let (chrome, cookie) = crate::views::public_form_chrome(&state, &auth, "核验签章文件", "log");
    let mut resp = render(&VerifyPage { chrome, outcome });
    if let Some(c) = cookie {
        resp.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    Ok(resp)
}

/// The reports of other installations this center accepted (its operators and the bureau).
#[utoipa::path(get, path = "/api/v1/centers/{id}/recognized-reports", tag = "evidence", params(("id" = i64, Path, description = "Center id")),
    responses((status = 200, body = Vec<pocnet_store::evidence::recognized::RecognizedReport>), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_recognized(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<pocnet_store::evidence::recognized::RecognizedReport>>> {
    Ok(Json(pocnet_app::evidence::mutual::list(state.context(), &me.caller(), pocnet_domain::id::CenterId::new(id)).await?))
}

/// A center accepts another installation's signed verification report instead of verifying again
/// (multipart: `file` — its PDF or bundle — and `note`): checked against the bureau's trust list
/// first; a report that does not verify, is not a verification report or is this installation's
/// own is refused with the reason (422), one accepted twice is a conflict (409).
#[utoipa::path(post, path = "/api/v1/centers/{id}/recognized-reports", tag = "evidence", params(("id" = i64, Path, description = "Center id")),
    request_body(content = crate::openapi::RecognizeForm, content_type = "multipart/form-data"),
    responses((status = 201, body = crate::routes::evidence::WitnessAdded), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_recognize(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, mut mp: Multipart) -> AppResult<Response> {
    let (mut file, mut note) = (Vec::new(), String::new());
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("file") => file = field.bytes().await.map_err(|_| FieldError::required("file", "文件"))?.to_vec(),
            Some("note") => note = field.text().await.map_err(|_| FieldError::required("note", "采信说明"))?,
            _ => {}
        }
    }
    if file.is_empty() {
        return Err(FieldError::required("file", "文件").into());
    }
    let rid = pocnet_app::evidence::mutual::accept(state.context(), &me.caller(), pocnet_domain::id::CenterId::new(id), &file, &note).await?;
    Ok((StatusCode::CREATED, Json(crate::routes::evidence::WitnessAdded { id: rid })).into_response())
}
