//! The working-day calendar (工作日历) in the web: the State Council publishes
//! next year's holidays each autumn, and the bureau uploads the schedule here
//! (a TOML file as `data/calendar/cn-state-council.toml`), checked with every
//! problem by line before anything is kept. The calendar every deadline is
//! counted on is the configured one overlaid by the uploads; web nodes share
//! the uploads through the database and reread them only when a newer one exists.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, State};
use crate::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use pocnet_app::calendar::MAX_FILE;
use pocnet_domain::calendar::{self, HolidayCalendar};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::calendar::{self as store, CalendarUpload};
use serde::Serialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/calendar", get(page).post(upload_form))
        .routes(routes!(api_get, api_upload))
        .layer(DefaultBodyLimit::max(MAX_FILE + 4096))
}

/// The calendar in effect: the configured schedule overlaid by the bureau's
/// uploads. One indexed lookup per call; the uploads are reread only when a
/// newer one exists (another web node may have taken it).
pub async fn effective(state: &AppState) -> AppResult<Arc<HolidayCalendar>> {
    Ok(pocnet_app::calendar::effective(state.context()).await?)
}

/// The bureau's warning, from November, that next year's schedule is missing.
pub async fn warning(state: &AppState) -> AppResult<Option<String>> {
    Ok(calendar::next_year_warning(&*effective(state).await?, state.today()))
}

/// The calendar as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarStatus {
    /// The years covered.
    pub years: Vec<i32>,
    /// The warning shown from November when next year is missing.
    pub warning: Option<String>,
    /// The uploads, newest first.
    pub uploads: Vec<CalendarUpload>,
}

async fn status(state: &AppState, me: &CurrentUser) -> AppResult<CalendarStatus> {
    me.require(&[Role::Bureau])?;
    let cal = effective(state).await?;
    Ok(CalendarStatus {
        years: cal.years().collect(),
        warning: calendar::next_year_warning(&cal, state.today()),
        uploads: store::list(state.store().pool()).await?,
    })
}

/// Checks an uploaded calendar file and keeps it (bureau): `pocnet_app::calendar::upload`.
pub async fn upload(state: &AppState, me: &CurrentUser, filename: &str, bytes: &[u8]) -> AppResult<CalendarUpload> {
    Ok(pocnet_app::calendar::upload(state.context(), &me.caller(), filename, bytes).await?)
}

async fn read_file(mut mp: Multipart) -> AppResult<(String, Vec<u8>)> {
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("calendar.toml").to_owned();
            let bytes = field.bytes().await.map_err(|_| FieldError::new("file", "too_large", "文件过大或上传中断"))?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(FieldError::required("file", "工作日历文件").into())
}

/// The calendar in effect: years covered, the next-year warning, the uploads (bureau).
#[utoipa::path(get, path = "/api/v1/calendar", operation_id = "get_calendar", tag = "calendar",
    responses((status = 200, body = CalendarStatus), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<CalendarStatus>> {
    Ok(Json(status(&state, &me).await?))
}

/// Uploads a holiday schedule (multipart `file`, TOML as `data/calendar/cn-state-council.toml`):
/// every problem with its line (422, code `invalid_calendar`, nothing kept), else 201.
#[utoipa::path(post, path = "/api/v1/calendar", operation_id = "upload_calendar", tag = "calendar",
    request_body(content = crate::openapi::FileForm, content_type = "multipart/form-data"),
    responses((status = 201, body = CalendarUpload), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_upload(State(state): State<AppState>, me: CurrentUser, mp: Multipart) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let (name, bytes) = read_file(mp).await?;
    Ok((StatusCode::CREATED, Json(upload(&state, &me, &name, &bytes).await?)).into_response())
}

#[derive(Template)]
#[template(path = "calendar/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    years: String,
    warning: Option<String>,
    uploads: Vec<CalendarUpload>,
    problems: Vec<String>,
    done: Option<String>,
}

async fn render_page(state: &AppState, me: &CurrentUser, problems: Vec<String>, done: Option<String>) -> AppResult<Response> {
    let s = status(state, me).await?;
    Ok(render(&CalendarPage {
        chrome: Chrome::signed_in(me, "工作日历", "calendar"),
        years: s.years.iter().map(|y| format!("{y}年")).collect::<Vec<_>>().join("、"),
        warning: s.warning,
        uploads: s.uploads,
        problems,
        done,
    }))
}

async fn page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    render_page(&state, &me, Vec::new(), None).await
}

async fn upload_form(State(state): State<AppState>, me: CurrentUser, mp: Multipart) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let result = match read_file(mp).await {
        Ok((name, bytes)) => upload(&state, &me, &name, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => render_page(&state, &me, Vec::new(), Some(format!("已上传“{}”，覆盖{}年", u.filename, u.years))).await,
        Err(AppError::Invalid(errors)) => {
            let problems = errors.into_iter().map(|e| e.message).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render_page(&state, &me, problems, None).await?).into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            let status = e.status();
            Ok((status, render_page(&state, &me, vec![e.body().message], None).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
