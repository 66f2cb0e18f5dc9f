//! The JSON API of project managers' assignments and assessments.

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::xlsx::{workbook, Sheet};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::managers::assessments::{self as assessing, AssessInput, AssessmentQuery, ManagerRecord, RecordQuery};
use pocnet_app::managers::assignments::{self as workflow, AssignInput, AssignmentQuery, AssignmentView, EntryInput, ExitInput};
use pocnet_store::managers::assessments::ManagerAssessment;
use pocnet_store::managers::assignments::ManagerAssignment;
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_assign))
        .routes(routes!(api_export))
        .routes(routes!(api_get))
        .routes(routes!(api_record))
        .routes(routes!(api_exit))
        .routes(routes!(api_manager_record))
        .routes(routes!(api_assessments, api_assess))
}

/// Assignments the caller may read, newest first: the bureau every platform's, an operator its
/// platforms', a project manager its own portfolio.
#[utoipa::path(get, path = "/api/v1/manager-assignments", operation_id = "list_manager_assignments", tag = "managers", params(ListParams, AssignmentQuery),
    responses((status = 200, body = Paged<ManagerAssignment>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<AssignmentQuery>) -> AppResult<Json<Paged<ManagerAssignment>>> {
    Ok(Json(workflow::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Assigns a project manager to a project of the caller's platform (its operators); one manager
/// carries a project at a time.
#[utoipa::path(post, path = "/api/v1/manager-assignments", operation_id = "assign_manager", tag = "managers", request_body = AssignInput,
    responses((status = 201, body = AssignmentView), (status = 403, body = crate::error::ErrorEnvelope), (status = 409, body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_assign(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<AssignInput>) -> AppResult<Response> {
    let v = workflow::assign(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

const HEADER: [(&str, f64); 9] = [
    ("项目", 30.0),
    ("平台", 26.0),
    ("项目经理人", 12.0),
    ("所在单位", 24.0),
    ("状态", 8.0),
    ("指派日期", 12.0),
    ("上次记录", 12.0),
    ("记录数", 8.0),
    ("退出方式", 14.0),
];

/// The assignments, filtered as the page (every page), as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/manager-assignments/export.xlsx", operation_id = "export_manager_assignments", tag = "managers", params(AssignmentQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<AssignmentQuery>) -> AppResult<Response> {
    let list = workflow::list(state.context(), &me.caller(), &q, pocnet_store::Page::new(Some(1), Some(200)).all()).await?;
    let rows = list
        .items
        .iter()
        .map(|a| {
            vec![
                a.result_title.clone(),
                a.center_name.clone(),
                a.manager_name.clone(),
                a.manager_org_name.clone(),
                a.state.label_zh().to_owned(),
                a.assigned_on.to_string(),
                a.last_entry_on.to_string(),
                a.entry_count.to_string(),
                a.exit_route.map(|r| r.label_zh().to_owned()).unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = workbook(&[Sheet { name: "项目经理人跟进项目", header: &HEADER, rows }])?;
    Ok(crate::routes::experts::api::xlsx(bytes, "项目经理人跟进项目.xlsx"))
}

/// One assignment with its log (the bureau, the platform's operators, the manager).
#[utoipa::path(get, path = "/api/v1/manager-assignments/{id}", operation_id = "get_manager_assignment", tag = "managers", params(("id" = i64, Path, description = "指派编号")),
    responses((status = 200, body = AssignmentView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<AssignmentView>> {
    Ok(Json(workflow::view(state.context(), &me.caller(), id).await?))
}

/// Adds a decision, task breakdown, progress or resource entry to the log (the platform's
/// operators, or the manager while it carries the project).
#[utoipa::path(post, path = "/api/v1/manager-assignments/{id}/entries", operation_id = "record_manager_entry", tag = "managers", params(("id" = i64, Path, description = "指派编号")),
    request_body = EntryInput,
    responses((status = 200, body = AssignmentView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_record(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<EntryInput>) -> AppResult<Json<AssignmentView>> {
    Ok(Json(workflow::record(state.context(), &me.caller(), id, &input).await?))
}

/// Ends the assignment with the route and reason (the platform's operators, or the manager).
#[utoipa::path(post, path = "/api/v1/manager-assignments/{id}/exit", operation_id = "exit_manager_assignment", tag = "managers", params(("id" = i64, Path, description = "指派编号")),
    request_body = ExitInput,
    responses((status = 200, body = AssignmentView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_exit(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ExitInput>) -> AppResult<Json<AssignmentView>> {
    Ok(Json(workflow::exit(state.context(), &me.caller(), id, &input).await?))
}

/// A manager's record at a platform for a year: the portfolio's facts, the suggested 技术价值 and
/// 商业价值 scores with their rule, and the assessment if given (the platform's operators, the
/// manager itself, the bureau).
#[utoipa::path(get, path = "/api/v1/manager-record", operation_id = "manager_record", tag = "managers", params(RecordQuery),
    responses((status = 200, body = ManagerRecord), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_manager_record(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<RecordQuery>) -> AppResult<Json<ManagerRecord>> {
    Ok(Json(assessing::record(state.context(), &me.caller(), &q).await?))
}

/// Assessments the caller may read, newest first (the bureau all, an operator its platforms', a
/// manager its own).
#[utoipa::path(get, path = "/api/v1/manager-assessments", operation_id = "list_manager_assessments", tag = "managers", params(ListParams, AssessmentQuery),
    responses((status = 200, body = Paged<ManagerAssessment>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_assessments(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<AssessmentQuery>) -> AppResult<Json<Paged<ManagerAssessment>>> {
    Ok(Json(assessing::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Assesses a manager who carried the platform's projects that year on 技术价值 and 商业价值 (the
/// platform's operators; once per manager and year; the grade follows the weaker value).
#[utoipa::path(post, path = "/api/v1/manager-assessments", operation_id = "assess_manager", tag = "managers", request_body = AssessInput,
    responses((status = 201, body = ManagerRecord), (status = 403, body = crate::error::ErrorEnvelope), (status = 409, body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_assess(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<AssessInput>) -> AppResult<Response> {
    let r = assessing::assess(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}
