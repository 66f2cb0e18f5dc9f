//! Uploading a results list (批量导入成果) for a center's operator: the same
//! reading and checks as `pocnet import results` — the header before any
//! row, every row with its problems by row and column, duplicates in the list
//! and in the center — and all rows in one transaction, or none.

use pocnet_domain::id::CenterId;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::QueryParams;
use crate::views::{render, Chrome, Choice};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, State};
use crate::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use pocnet_domain::center::CenterKind;
use pocnet_domain::library::intake::LIST_COLUMNS;

use pocnet_domain::role::Role;
use pocnet_domain::supervision::CenterStatus;
use pocnet_domain::FieldError;
use pocnet_app::library::import;
use pocnet_store::centers;
use serde::Deserialize;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Uploads may be large lists (a province's pushed list).
const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/results/import", get(page).post(upload_form).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
        .routes(routes!(api_import).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
}

/// Where a list goes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The proof-of-concept center (one the caller's unit hosts).
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    pub center_id: Option<i64>,
    /// `1` or `true`: check only, write nothing.
    pub dry_run: Option<String>,
}

pub use pocnet_app::library::import::ImportReport;

/// An upload: the file, and the form's `center_id` and `dry_run` fields
/// (which take precedence over the query's, so the form needs no script).
struct Upload {
    name: String,
    bytes: Vec<u8>,
    center_id: Option<CenterId>,
    dry_run: bool,
}

async fn read_upload(mut mp: Multipart, q: &ImportQuery) -> AppResult<Upload> {
    let mut up = Upload { name: String::new(), bytes: Vec::new(), center_id: q.center_id.map(CenterId::new), dry_run: dry(q) };
    let mut seen = false;
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("file") => {
                up.name = field.file_name().unwrap_or("list.xlsx").to_owned();
                up.bytes = field.bytes().await.map_err(|_| FieldError::new("file", "too_large", "文件过大或上传中断"))?.to_vec();
                seen = true;
            }
            Some("center_id") => {
                let v = field.text().await.unwrap_or_default();
                up.center_id = Some(v.trim().parse().map_err(|_| FieldError::unknown_value("center_id", "概念验证中心"))?);
            }
            Some("dry_run") => up.dry_run = matches!(field.text().await.unwrap_or_default().trim(), "1" | "true" | "on"),
            _ => {}
        }
    }
    if seen {
        Ok(up)
    } else {
        Err(FieldError::required("file", "成果清单文件").into())
    }
}

/// Checks a list and, unless `dry_run` or any row is wrong, imports every
/// row into the center: the workflow `pocnet_app::library::import`.
pub async fn import(state: &AppState, me: &CurrentUser, center_id: Option<CenterId>, file_name: &str, bytes: &[u8], dry_run: bool) -> AppResult<ImportReport> {
    let upload = import::Upload { center_id, file_name, bytes, dry_run, submitted_on: None };
    Ok(import::import_results(state.context(), &me.caller(), upload, &mut |_, _, _| {}).await?)
}

fn dry(q: &ImportQuery) -> bool {
    matches!(q.dry_run.as_deref(), Some("1" | "true" | "on"))
}

/// Imports a results list (.xlsx or .csv, multipart `file`) into one of the caller's centers: every row checked, all or none (422 with every problem); `dry_run=1` only checks.
#[utoipa::path(post, path = "/api/v1/results/import", operation_id = "import_results", tag = "results", params(ImportQuery),
    request_body(content = crate::openapi::ResultListForm, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReport), (status = 422, body = ImportReport)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_import(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<ImportQuery>, mp: Multipart) -> AppResult<Response> {
    let up = read_upload(mp, &q).await?;
    let report = import(&state, &me, up.center_id, &up.name, &up.bytes, up.dry_run).await?;
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(report)).into_response())
}

#[derive(Template)]
#[template(path = "library/result_import.html")]
struct ImportPage {
    chrome: Chrome,
    centers: Vec<Choice>,
    columns: Vec<String>,
    report: Option<ImportReport>,
    error: Option<String>,
}

async fn render_page(state: &AppState, me: &CurrentUser, report: Option<ImportReport>, error: Option<String>) -> AppResult<Response> {
    me.require(&[Role::Center])?;
    let centers = centers::hosted_by(state.store().pool(), me.user.org_id)
        .await?
        .into_iter()
        .filter(|c| c.kind == CenterKind::PocCenter && c.status == CenterStatus::Active)
        .map(|c| Choice::new(c.id.to_string(), c.name))
        .collect();
    let columns = LIST_COLUMNS.iter().map(|c| if c.required { format!("{}*", c.zh) } else { c.zh.to_owned() }).collect();
    Ok(render(&ImportPage { chrome: Chrome::signed_in(me, "批量导入成果", "results"), centers, columns, report, error }))
}

async fn page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    render_page(&state, &me, None, None).await
}

async fn upload_form(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<ImportQuery>, mp: Multipart) -> AppResult<Response> {
    let result = match read_upload(mp, &q).await {
        Ok(up) => import(&state, &me, up.center_id, &up.name, &up.bytes, up.dry_run).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => {
            let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            Ok((status, render_page(&state, &me, Some(report), None).await?).into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Conflict { .. })) => {
            let status = e.status();
            Ok((status, render_page(&state, &me, None, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
