//! JSON API of the recognition workflow.

use super::*;
use crate::error::AppError;
use pocnet_domain::policy::{Profile, StageKind};
use pocnet_domain::recognition::ApplicationState;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::applications::{self, Application, Objection};
use pocnet_store::calls::{self, Call};
use serde::{Deserialize, Serialize};
use crate::auth::session::Auth;
use crate::extract::{non_empty, ApiJson, ListParams, QueryParams};
use axum::extract::State;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_store::applications::ApplicationFilter;
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_policies))
        .routes(routes!(api_policy))
        .routes(routes!(api_calls, api_publish_call))
        .routes(routes!(api_call))
        .routes(routes!(api_applications, api_apply))
        .routes(routes!(api_application, api_rename))
        .routes(routes!(api_step))
        .routes(routes!(api_assign))
        .routes(routes!(api_score))
        .routes(routes!(api_declare))
        .routes(routes!(api_site_visit))
        .routes(routes!(api_resolve))
        .routes(routes!(api_resolve_batch))
        .routes(routes!(api_notices))
        .routes(routes!(api_object))
}

/// The policy profiles in effect (public: the rules are public).
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies", responses((status = 200, description = "每个政策配置", body = Vec<Object>)))]
pub async fn api_policies(State(state): State<AppState>) -> Json<Vec<Profile>> {
    Json(state.config().policies.as_ref().clone())
}

/// One policy profile with every criterion, reading and article.
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "policies",
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_policy(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Json<Profile>> {
    state.profile(&id).cloned().map(Json).ok_or(AppError::NotFound)
}

/// The calls for applications (public).
#[utoipa::path(get, path = "/api/v1/calls", tag = "recognition", responses((status = 200, body = Vec<Call>)))]
pub async fn api_calls(State(state): State<AppState>) -> AppResult<Json<Vec<Call>>> {
    Ok(Json(calls::list(state.store().pool()).await?))
}

/// One call (public).
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "recognition",
    responses((status = 200, body = Call), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_call(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Call>> {
    let id = CallId::new(id);
    Ok(Json(calls::get(state.store().pool(), id).await?))
}

/// Publishes a call (bureau).
#[utoipa::path(post, path = "/api/v1/calls", tag = "recognition", request_body = CallInput,
    responses((status = 201, body = Call), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_publish_call(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<CallInput>) -> AppResult<Response> {
    Ok((StatusCode::CREATED, Json(publish_call(&state, &me, &input).await?)).into_response())
}

/// Filters of the application list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    /// State code.
    pub state: Option<String>,
    /// Call id.
    pub call_id: Option<i64>,
    /// Region of the applying host, e.g. `瑞安市`.
    pub region: Option<String>,
}

impl ApplicationQuery {
    pub(crate) fn filter(&self) -> AppResult<ApplicationFilter> {
        Ok(ApplicationFilter {
            state: non_empty(&self.state)
                .map(|s| ApplicationState::parse(s).map_err(|_| FieldError::unknown_value("state", "申报状态")))
                .transpose()?,
            call_id: self.call_id.map(CallId::new),
            region: non_empty(&self.region)
                .map(|r| pocnet_domain::region::Region::parse(r.trim()).map_err(|_| FieldError::unknown_value("region", "地区")))
                .transpose()?,
        })
    }
}

/// Lists the applications the caller may see: the bureau all, a county its region's (submitted), an operator its own, an expert those it reviews.
#[utoipa::path(get, path = "/api/v1/applications", tag = "recognition", params(ListParams, ApplicationQuery),
    responses((status = 200, body = Paged<Application>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_applications(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ApplicationQuery>,
) -> AppResult<Json<Paged<Application>>> {
    let scope = scope_for(&state, &me).await?;
    let mut list = applications::list(state.store().pool(), scope, &q.filter()?, p.page()).await?;
    if me.role() == Role::Expert {
        // A list is no place for the materials: an expert reads them on the application, once declared.
        list.items = list.items.into_iter().map(|a| a.reduced_for_panel_member(false)).collect();
    }
    Ok(Json(list))
}

/// Opens a draft application of one of the caller's centers under a call; the name must follow the profile's naming pattern.
#[utoipa::path(post, path = "/api/v1/applications", tag = "recognition", request_body = ApplyInput,
    responses((status = 201, body = Application), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_apply(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<ApplyInput>) -> AppResult<Response> {
    Ok((StatusCode::CREATED, Json(apply(&state, &me, &input).await?)).into_response())
}

/// Reads an application with its eligibility, review chain, panel, site visits, objections and the steps the caller may take.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "recognition",
    responses((status = 200, body = ApplicationDetail), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_application(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<ApplicationDetail>> {
    let id = ApplicationId::new(id);
    Ok(Json(detail(&state, &me, id).await?))
}

/// Renaming, as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RenameInput {
    /// New name.
    pub proposed_name: String,
    /// Version read.
    pub version: i64,
}

/// Renames a draft or returned application (its applicant).
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "recognition", request_body = RenameInput,
    responses((status = 200, body = Application), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_rename(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RenameInput>) -> AppResult<Json<Application>> {
    let id = ApplicationId::new(id);
    Ok(Json(rename(&state, &me, id, &input.proposed_name, input.version).await?))
}

/// Takes a step of the review chain (submit, withdraw, county_approve, county_return, county_reject, bureau_return, propose, publish_notice, approve, reject). Illegal steps answer 409, unmet preconditions 422, a stale version 409.
#[utoipa::path(post, path = "/api/v1/applications/{id}/steps", operation_id = "application_step", tag = "recognition", request_body = StepInput,
    responses((status = 200, body = Application), (status = 403, body = crate::error::ErrorEnvelope), (status = 409, body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<StepInput>) -> AppResult<Json<Application>> {
    let id = ApplicationId::new(id);
    Ok(Json(take_step(&state, &me, id, &input).await?))
}

/// Panel assignment, as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AssignInput {
    /// Library expert id.
    pub expert_id: i64,
    /// The expert (recused or declined) whose seat this one takes, if any.
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    pub replaces: Option<i64>,
}

/// Puts an expert on the application's panel (bureau, during bureau review).
#[utoipa::path(post, path = "/api/v1/applications/{id}/panel", operation_id = "assign_application_panel", tag = "recognition", request_body = AssignInput,
    responses((status = 204), (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_assign(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AssignInput>) -> AppResult<StatusCode> {
    let id = ApplicationId::new(id);
    assign_expert(&state, &me, id, ExpertId::new(input.expert_id), input.replaces.map(ExpertId::new)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calling expert declares no conflict with the confidentiality pledge (then sees the materials), or recuses with a reason that is kept.
#[utoipa::path(post, path = "/api/v1/applications/{id}/declaration", operation_id = "declare_on_application", tag = "recognition", request_body = DeclarationInput,
    responses((status = 204), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_declare(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DeclarationInput>) -> AppResult<StatusCode> {
    let id = ApplicationId::new(id);
    declare(&state, &me, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records the calling expert's scores per dimension of the application-review sheet (or one overall score) and comments.
#[utoipa::path(post, path = "/api/v1/applications/{id}/scores", operation_id = "score_application", tag = "recognition", request_body = ScoreInput,
    responses((status = 204), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_score(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ScoreInput>) -> AppResult<StatusCode> {
    let id = ApplicationId::new(id);
    score(&state, &me, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a site visit.
#[utoipa::path(post, path = "/api/v1/applications/{id}/site-visits", tag = "recognition", request_body = SiteVisitInput,
    responses((status = 204), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_site_visit(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<SiteVisitInput>) -> AppResult<StatusCode> {
    let id = ApplicationId::new(id);
    add_site_visit(&state, &me, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Resolves several open objections of an application with one reason (bureau): `ids`, or all
/// open ones when empty; all or none (`not_open`).
#[utoipa::path(post, path = "/api/v1/applications/{id}/objections/resolution", tag = "recognition", request_body = BatchResolutionInput,
    responses((status = 200, body = BatchResolved), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_resolve_batch(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<BatchResolutionInput>) -> AppResult<Json<BatchResolved>> {
    let id = ApplicationId::new(id);
    Ok(Json(resolve_objections(&state, &me, id, &input).await?))
}

/// Resolves an objection (bureau): `upheld` or `dismissed`.
#[utoipa::path(post, path = "/api/v1/objections/{id}/resolution", tag = "recognition", request_body = ResolutionInput,
    responses((status = 200, body = Objection), (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_resolve(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ResolutionInput>) -> AppResult<Json<Objection>> {
    let id = ObjectionId::new(id);
    Ok(Json(resolve_objection(&state, &me, id, &input).await?))
}

/// A public notice (公示) entry.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeEntry {
    /// Application id.
    #[schema(value_type = i64)]
    pub id: ApplicationId,
    /// The name on the proposed list.
    pub proposed_name: String,
    /// Host unit.
    pub host_org_name: String,
    /// Call title.
    pub call_title: String,
    /// Creation or recognition.
    pub kind: StageKind,
    /// First day.
    pub notice_start: String,
    /// Last day.
    pub notice_end: String,
    /// Whether objections are accepted today.
    pub open_for_objections: bool,
    /// Outcome so far: in notice, approved or rejected.
    pub state: ApplicationState,
}

/// A notice entry of an application, if it was ever put on notice.
pub fn notice_entry(state: &AppState, a: Application) -> Option<NoticeEntry> {
    let today = state.today().to_string();
    let start = a.notice_start?.to_string();
    let end = a.notice_end.map(|d| d.to_string()).unwrap_or_default();
    Some(NoticeEntry {
        id: a.id,
        open_for_objections: a.state == ApplicationState::InNotice && start <= today && today <= end,
        proposed_name: a.proposed_name,
        host_org_name: a.host_org_name,
        call_title: a.call_title,
        kind: a.kind,
        notice_start: start,
        notice_end: end,
        state: a.state,
    })
}

/// The public notices (公示), newest first (public).
pub async fn notices(state: &AppState) -> AppResult<Vec<NoticeEntry>> {
    Ok(applications::public_notices(state.store().pool()).await?.into_iter().filter_map(|a| notice_entry(state, a)).collect())
}

/// The public notices (public).
#[utoipa::path(get, path = "/api/v1/notices", tag = "recognition", responses((status = 200, body = Vec<NoticeEntry>)))]
pub async fn api_notices(State(state): State<AppState>) -> AppResult<Json<Vec<NoticeEntry>>> {
    Ok(Json(notices(&state).await?))
}

/// Files an objection against an entry of a running notice (anyone, no login).
#[utoipa::path(post, path = "/api/v1/notices/{id}/objections", tag = "recognition", request_body = ObjectionInput,
    responses((status = 201, description = "异议已受理", body = ObjectionReceipt), (status = 422, body = crate::error::ErrorEnvelope),
        (status = 429, description = "同一地址或同一公示的异议过多", body = crate::error::ErrorEnvelope)))]
pub async fn api_object(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> AppResult<Response> {
    let id = ApplicationId::new(id);
    let o = file_objection(&state, Some(auth.ip.clone()), id, &input).await?;
    Ok((StatusCode::CREATED, Json(ObjectionReceipt { id: o.id, filed_at: pocnet_store::format_ts(o.filed_at), status: o.status })).into_response())
}

/// What the public learns of the objection it filed.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ObjectionReceipt {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ObjectionId,
    /// Filed (UTC).
    pub filed_at: String,
    /// `open`.
    pub status: pocnet_domain::objection::ObjectionStatus,
}
