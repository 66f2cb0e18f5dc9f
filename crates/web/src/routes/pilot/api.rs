//! The JSON API of pilot projects and bookings.

use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::xlsx::{workbook, Sheet};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::pilot::bookings::{self as booking_flow, BookingInput, CancelBookingInput, PlatformCalendar, ResourceCalendar};
use pocnet_app::pilot::projects::{
    self as workflow, ConfirmInput, PilotApplicationInput, PilotMilestoneDoneInput, PilotPlanInput, PilotProjectQuery, PilotProjectView, PilotReportInput, PilotReviewInput,
    PilotStepInput,
};
use pocnet_domain::id::{CenterId, OfferId};
use pocnet_store::pilot::bookings::Booking;
use pocnet_store::pilot::projects::PilotProject;
use pocnet_store::Paged;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_apply))
        .routes(routes!(api_export))
        .routes(routes!(api_get))
        .routes(routes!(api_step))
        .routes(routes!(api_review))
        .routes(routes!(api_plan))
        .routes(routes!(api_confirm))
        .routes(routes!(api_milestone))
        .routes(routes!(api_report))
        .routes(routes!(api_calendar))
        .routes(routes!(api_book))
        .routes(routes!(api_cancel_booking))
        .routes(routes!(api_platform_calendar))
}

fn caller(auth: &Auth) -> Option<pocnet_app::Caller> {
    auth.current.as_ref().map(CurrentUser::caller)
}

/// The caller's pilot projects: a platform's operators those of their platforms (a PoC center's,
/// those its hand-offs opened), an enterprise or team its own, the bureau all; newest first.
#[utoipa::path(get, path = "/api/v1/pilot-projects", operation_id = "list_pilot_projects", tag = "pilot", params(ListParams, PilotProjectQuery),
    responses((status = 200, body = Paged<PilotProject>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<PilotProjectQuery>) -> AppResult<Json<Paged<PilotProject>>> {
    Ok(Json(workflow::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Applies to an active pilot platform (an enterprise's or research team's account, 001 中试 16).
#[utoipa::path(post, path = "/api/v1/pilot-projects", operation_id = "apply_pilot_project", tag = "pilot", request_body = PilotApplicationInput,
    responses((status = 201, body = PilotProject), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_apply(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<PilotApplicationInput>) -> AppResult<Response> {
    let p = workflow::apply(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

const HEADER: [(&str, f64); 11] = [
    ("项目名称", 30.0),
    ("中试平台", 24.0),
    ("申请方", 24.0),
    ("来源", 14.0),
    ("状态", 12.0),
    ("论证人", 14.0),
    ("节点进度", 10.0),
    ("费用（万元）", 12.0),
    ("量产可行性", 14.0),
    ("市场适配性", 14.0),
    ("更新时间（北京时间）", 20.0),
];

/// The caller's pilot projects, filtered as the list (every page), as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/pilot-projects/export.xlsx", operation_id = "export_pilot_projects", tag = "pilot", params(PilotProjectQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<PilotProjectQuery>) -> AppResult<Response> {
    let page = pocnet_store::Page::new(Some(1), Some(200)).all();
    let list = workflow::list(state.context(), &me.caller(), &q, page).await?;
    let rows = list
        .items
        .iter()
        .map(|p| {
            vec![
                p.title.clone(),
                p.platform_name.clone(),
                p.applicant_name.clone(),
                p.source.label_zh().to_owned(),
                p.state.label_zh().to_owned(),
                p.reviewer.clone(),
                format!("{}/{}", p.milestones_done, p.milestones_total),
                pocnet_domain::money::wan(p.fee_total_yuan),
                p.mass_production.map(|m| m.label_zh().to_owned()).unwrap_or_default(),
                p.market_fit.map(|m| m.label_zh().to_owned()).unwrap_or_default(),
                pocnet_domain::display::beijing(p.updated_at),
            ]
        })
        .collect();
    let bytes = workbook(&[Sheet { name: "中试项目", header: &HEADER, rows }])?;
    Ok(crate::routes::experts::api::xlsx(bytes, "中试项目.xlsx"))
}

/// One pilot project with its plan, bookings and the steps the caller may take (its two sides and the bureau).
#[utoipa::path(get, path = "/api/v1/pilot-projects/{id}", operation_id = "get_pilot_project", tag = "pilot", params(("id" = i64, Path, description = "中试项目编号")),
    responses((status = 200, body = PilotProjectView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<PilotProjectView>> {
    Ok(Json(workflow::view(state.context(), &me.caller(), id).await?))
}

/// Accepts or declines an application (the platform), withdraws (the applicant, before the work
/// begins) or terminates (the platform, with the reason).
#[utoipa::path(post, path = "/api/v1/pilot-projects/{id}/step", operation_id = "step_pilot_project", tag = "pilot", params(("id" = i64, Path, description = "中试项目编号")),
    request_body = PilotStepInput,
    responses((status = 200, body = PilotProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<PilotStepInput>) -> AppResult<Json<PilotProjectView>> {
    Ok(Json(workflow::step(state.context(), &me.caller(), id, &input).await?))
}

/// Records the chief expert's feasibility review (the platform).
#[utoipa::path(post, path = "/api/v1/pilot-projects/{id}/review", operation_id = "review_pilot_project", tag = "pilot", params(("id" = i64, Path, description = "中试项目编号")),
    request_body = PilotReviewInput,
    responses((status = 200, body = PilotProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_review(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<PilotReviewInput>) -> AppResult<Json<PilotProjectView>> {
    Ok(Json(workflow::review(state.context(), &me.caller(), id, &input).await?))
}

/// Writes or rewrites the pilot plan (the platform, before the applicant confirms it).
#[utoipa::path(put, path = "/api/v1/pilot-projects/{id}/plan", operation_id = "plan_pilot_project", tag = "pilot", params(("id" = i64, Path, description = "中试项目编号")),
    request_body = PilotPlanInput,
    responses((status = 200, body = PilotProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_plan(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<PilotPlanInput>) -> AppResult<Json<PilotProjectView>> {
    Ok(Json(workflow::plan(state.context(), &me.caller(), id, &input).await?))
}

/// Confirms the plan and its fees (the applicant): the work begins.
#[utoipa::path(post, path = "/api/v1/pilot-projects/{id}/confirm", operation_id = "confirm_pilot_project", tag = "pilot", params(("id" = i64, Path, description = "中试项目编号")),
    request_body = ConfirmInput,
    responses((status = 200, body = PilotProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_confirm(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ConfirmInput>) -> AppResult<Json<PilotProjectView>> {
    Ok(Json(workflow::confirm(state.context(), &me.caller(), id, &input).await?))
}

/// Records a milestone done (the platform).
#[utoipa::path(post, path = "/api/v1/pilot-projects/{id}/milestones", operation_id = "pilot_milestone_done", tag = "pilot", params(("id" = i64, Path, description = "中试项目编号")),
    request_body = PilotMilestoneDoneInput,
    responses((status = 200, body = PilotProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_milestone(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<PilotMilestoneDoneInput>) -> AppResult<Json<PilotProjectView>> {
    Ok(Json(workflow::milestone_done(state.context(), &me.caller(), id, &input).await?))
}

/// Issues the pilot report with its findings and the needs fed back (the platform, every milestone done).
#[utoipa::path(post, path = "/api/v1/pilot-projects/{id}/report", operation_id = "report_pilot_project", tag = "pilot", params(("id" = i64, Path, description = "中试项目编号")),
    request_body = PilotReportInput,
    responses((status = 200, body = PilotProjectView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_report(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<PilotReportInput>) -> AppResult<Json<PilotProjectView>> {
    Ok(Json(workflow::report(state.context(), &me.caller(), id, &input).await?))
}

/// Which month (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM` (this month when absent).
    #[serde(default)]
    pub month: Option<String>,
}

/// A resource's month: places booked and free each day (everyone who may read the resource); the
/// bookings with what they are for (its platform's operators and the bureau).
#[utoipa::path(get, path = "/api/v1/resources/{id}/calendar", operation_id = "resource_calendar", tag = "pilot", params(("id" = i64, Path, description = "资源编号"), MonthQuery),
    responses((status = 200, body = ResourceCalendar), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_calendar(State(state): State<AppState>, auth: Auth, Path(id): Path<OfferId>, QueryParams(q): QueryParams<MonthQuery>) -> AppResult<Json<ResourceCalendar>> {
    Ok(Json(booking_flow::calendar(state.context(), caller(&auth).as_ref(), id, q.month.as_deref().unwrap_or("")).await?))
}

/// Books a resource (its platform's operators) for a pilot project or the platform's own use;
/// 409 `fully_booked` names the first day it would pass the capacity.
#[utoipa::path(post, path = "/api/v1/resources/{id}/bookings", operation_id = "book_resource", tag = "pilot", params(("id" = i64, Path, description = "资源编号")),
    request_body = BookingInput,
    responses((status = 201, body = Booking), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_book(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OfferId>, ApiJson(input): ApiJson<BookingInput>) -> AppResult<Response> {
    let b = booking_flow::book(state.context(), &me.caller(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(b)).into_response())
}

/// Cancels a booking (its platform's operators): its days are free again.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/cancel", operation_id = "cancel_booking", tag = "pilot", params(("id" = i64, Path, description = "预约编号")),
    request_body = CancelBookingInput,
    responses((status = 200, body = Booking), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_cancel_booking(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<CancelBookingInput>) -> AppResult<Json<Booking>> {
    Ok(Json(booking_flow::cancel(state.context(), &me.caller(), id, &input).await?))
}

/// A platform's month: each bookable resource day by day with its utilisation (everyone who may
/// read the platform); the bookings with what they are for (its operators and the bureau).
#[utoipa::path(get, path = "/api/v1/centers/{id}/pilot-calendar", operation_id = "platform_calendar", tag = "pilot", params(("id" = i64, Path, description = "中心编号"), MonthQuery),
    responses((status = 200, body = PlatformCalendar), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_platform_calendar(State(state): State<AppState>, auth: Auth, Path(id): Path<CenterId>, QueryParams(q): QueryParams<MonthQuery>) -> AppResult<Json<PlatformCalendar>> {
    Ok(Json(booking_flow::platform_calendar(state.context(), caller(&auth).as_ref(), id, q.month.as_deref().unwrap_or("")).await?))
}
