//! JSON API of roadshows, investors' interest and the fund's priority view (000 二(十一)).

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::finance::fund::{self, FundProject, FundQuery};
use pocnet_app::finance::interests::{self, ExpressInput, InterestView, StepInput};
use pocnet_app::finance::roadshows::{self, AttendanceInput, CancelInput, InviteInput, ProjectInput, RoadshowInput, RoadshowView};
use pocnet_domain::id::{InterestId, ResultId, RoadshowId};
use pocnet_store::finance::interests::{Interest, YearTally};
use pocnet_store::finance::roadshows::Roadshow;
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_roadshows, api_create_roadshow))
        .routes(routes!(api_roadshow))
        .routes(routes!(api_add_project))
        .routes(routes!(api_remove_project))
        .routes(routes!(api_invite))
        .routes(routes!(api_attendance))
        .routes(routes!(api_cancel))
        .routes(routes!(api_express))
        .routes(routes!(api_interests))
        .routes(routes!(api_interest))
        .routes(routes!(api_step))
        .routes(routes!(api_fund))
        .routes(routes!(api_tally))
}

/// Roadshows: the coming ones soonest first, or the past ones (`when=past`) latest first (every
/// signed-in account but experts: a roadshow is an announcement).
#[utoipa::path(get, path = "/api/v1/roadshows", operation_id = "list_roadshows", tag = "finance", params(ListParams, roadshows::ListQuery),
    responses((status = 200, body = Paged<Roadshow>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_roadshows(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<roadshows::ListQuery>) -> AppResult<Json<Paged<Roadshow>>> {
    Ok(Json(roadshows::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Schedules a roadshow (the bureau, or a center's operators for a center their unit hosts).
#[utoipa::path(post, path = "/api/v1/roadshows", operation_id = "create_roadshow", tag = "finance", request_body = RoadshowInput,
    responses((status = 201, body = Roadshow), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create_roadshow(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<RoadshowInput>) -> AppResult<Response> {
    let r = roadshows::create(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// A roadshow with its projects (public face only); its guests for the organiser and the bureau.
#[utoipa::path(get, path = "/api/v1/roadshows/{id}", operation_id = "get_roadshow", tag = "finance", params(("id" = i64, Path, description = "路演编号")),
    responses((status = 200, body = RoadshowView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_roadshow(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>) -> AppResult<Json<RoadshowView>> {
    Ok(Json(roadshows::view(state.context(), &me.caller(), id).await?))
}

/// Adds a verified project to a planned roadshow (its organiser; a center shows its own projects).
#[utoipa::path(post, path = "/api/v1/roadshows/{id}/projects", operation_id = "add_roadshow_project", tag = "finance", params(("id" = i64, Path, description = "路演编号")),
    request_body = ProjectInput,
    responses((status = 200, body = RoadshowView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_add_project(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, ApiJson(input): ApiJson<ProjectInput>) -> AppResult<Json<RoadshowView>> {
    Ok(Json(roadshows::add_project(state.context(), &me.caller(), id, &input).await?))
}

/// Takes a project off a planned roadshow (its organiser).
#[utoipa::path(post, path = "/api/v1/roadshows/{id}/projects/{result_id}/remove", operation_id = "remove_roadshow_project", tag = "finance",
    params(("id" = i64, Path, description = "路演编号"), ("result_id" = i64, Path, description = "项目编号")),
    responses((status = 200, body = RoadshowView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_remove_project(State(state): State<AppState>, me: CurrentUser, Path((id, result)): Path<(RoadshowId, ResultId)>) -> AppResult<Json<RoadshowView>> {
    Ok(Json(roadshows::remove_project(state.context(), &me.caller(), id, result).await?))
}

/// Invites an investor, fund, bank or 链主 enterprise to a planned roadshow (its organiser).
#[utoipa::path(post, path = "/api/v1/roadshows/{id}/invitees", operation_id = "invite_to_roadshow", tag = "finance", params(("id" = i64, Path, description = "路演编号")),
    request_body = InviteInput,
    responses((status = 200, body = RoadshowView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_invite(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, ApiJson(input): ApiJson<InviteInput>) -> AppResult<Json<RoadshowView>> {
    Ok(Json(roadshows::invite(state.context(), &me.caller(), id, &input).await?))
}

/// Records who came, on or after the day (its organiser); every other guest is recorded absent
/// and the roadshow is held.
#[utoipa::path(post, path = "/api/v1/roadshows/{id}/attendance", operation_id = "record_roadshow_attendance", tag = "finance", params(("id" = i64, Path, description = "路演编号")),
    request_body = AttendanceInput,
    responses((status = 200, body = RoadshowView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_attendance(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, ApiJson(input): ApiJson<AttendanceInput>) -> AppResult<Json<RoadshowView>> {
    Ok(Json(roadshows::record_attendance(state.context(), &me.caller(), id, &input).await?))
}

/// Cancels a planned roadshow with its reason (its organiser).
#[utoipa::path(post, path = "/api/v1/roadshows/{id}/cancel", operation_id = "cancel_roadshow", tag = "finance", params(("id" = i64, Path, description = "路演编号")),
    request_body = CancelInput,
    responses((status = 200, body = RoadshowView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_cancel(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, ApiJson(input): ApiJson<CancelInput>) -> AppResult<Json<RoadshowView>> {
    Ok(Json(roadshows::cancel(state.context(), &me.caller(), id, &input).await?))
}

/// Expresses an investor's interest in a verified project (表达意向; an investor's account): the
/// owner unit and the center then accept or decline. 409 `interest_open` while one is open.
#[utoipa::path(post, path = "/api/v1/results/{id}/interests", operation_id = "express_interest", tag = "finance", params(("id" = i64, Path, description = "项目编号")),
    request_body = ExpressInput,
    responses((status = 201, body = Interest), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_express(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, ApiJson(input): ApiJson<ExpressInput>) -> AppResult<Response> {
    let i = interests::express(state.context(), &me.caller(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(i)).into_response())
}

/// The caller's interests, newest first: an investor its unit's, a researcher those on its unit's
/// projects, an operator those on its centers' projects, the bureau all.
#[utoipa::path(get, path = "/api/v1/interests", operation_id = "list_interests", tag = "finance", params(ListParams, interests::ListQuery),
    responses((status = 200, body = Paged<Interest>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_interests(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<interests::ListQuery>) -> AppResult<Json<Paged<Interest>>> {
    Ok(Json(interests::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// One interest with its steps and what the caller may do (its parties and the bureau).
#[utoipa::path(get, path = "/api/v1/interests/{id}", operation_id = "get_interest", tag = "finance", params(("id" = i64, Path, description = "意向编号")),
    responses((status = 200, body = InterestView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_interest(State(state): State<AppState>, me: CurrentUser, Path(id): Path<InterestId>) -> AppResult<Json<InterestView>> {
    Ok(Json(interests::view(state.context(), &me.caller(), id).await?))
}

/// Takes a step: the owner unit and the center accept or decline; the investor signs the pledge
/// (then reads the project's trade secrets), starts due diligence, records the term sheet and the
/// investment with their amounts, or withdraws.
#[utoipa::path(post, path = "/api/v1/interests/{id}/steps", operation_id = "step_interest", tag = "finance", params(("id" = i64, Path, description = "意向编号")),
    request_body = StepInput,
    responses((status = 200, body = InterestView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<InterestId>, ApiJson(input): ApiJson<StepInput>) -> AppResult<Json<InterestView>> {
    Ok(Json(interests::step(state.context(), &me.caller(), id, &input).await?))
}

/// Projects with the 市科创基金 priority (verified by a recognized center, 000 二(十一)), newest
/// first, each with its stage on the relay 验证 → 孵化 → 产业化 (investors and the bureau).
#[utoipa::path(get, path = "/api/v1/fund/priority-projects", operation_id = "fund_priority_projects", tag = "finance", params(ListParams, FundQuery),
    responses((status = 200, body = Paged<FundProject>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_fund(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<FundQuery>) -> AppResult<Json<Paged<FundProject>>> {
    Ok(Json(fund::priority(state.context(), &me.caller(), &q, p.page()).await?))
}

/// The year's query.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year).
    pub year: Option<i32>,
}

/// The network's roadshow and investment figures for a year (the bureau).
#[utoipa::path(get, path = "/api/v1/investment-figures", operation_id = "investment_figures", tag = "finance", params(YearQuery),
    responses((status = 200, body = YearTally), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_tally(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<YearQuery>) -> AppResult<Json<YearTally>> {
    me.caller().require(&[pocnet_domain::role::Role::Bureau])?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&state.today())).clamp(2000, 2100);
    Ok(Json(interests::year_tally(state.context(), year).await?))
}
