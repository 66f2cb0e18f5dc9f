//! JSON API of resource sharing.

use super::{sharing_lists, OfferQuery, RequestQuery, SharingLists};
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
use pocnet_app::sharing::offers::{self, OfferAccess, OfferInput, OfferStepInput};
use pocnet_app::sharing::policies::{self, PolicyItemInput};
use pocnet_app::sharing::requests::{self, RequestInput, RequestStepInput};
use pocnet_domain::id::{OfferId, PolicyItemId, ResourceRequestId};
use pocnet_domain::sharing::OfferKind;
use pocnet_store::sharing::offers::Offer;
use pocnet_store::sharing::policies::PolicyItem;
use pocnet_store::sharing::requests::ResourceRequest;
use pocnet_store::{Paged, SortDir};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_offers, api_publish))
        .routes(routes!(api_offer, api_edit))
        .routes(routes!(api_offer_step))
        .routes(routes!(api_send_request))
        .routes(routes!(api_requests))
        .routes(routes!(api_request))
        .routes(routes!(api_request_step))
        .routes(routes!(api_policies, api_add_policy))
        .routes(routes!(api_edit_policy))
        .routes(routes!(api_four_lists))
        .routes(routes!(api_export_offers))
        .routes(routes!(api_export_requests))
        .routes(routes!(api_export_four_lists))
        .route("/resources/export.xlsx", axum::routing::get(api_export_offers))
        .route("/resource-requests/export.xlsx", axum::routing::get(api_export_requests))
        .route("/four-lists/export.xlsx", axum::routing::get(api_export_four_lists))
}

fn caller(auth: &Auth) -> Option<pocnet_app::Caller> {
    auth.current.as_ref().map(CurrentUser::caller)
}

/// Lists the shared resources the caller may see (everyone: the listed offers of public centers), latest change first.
#[utoipa::path(get, path = "/api/v1/resources", operation_id = "list_offers", tag = "sharing", params(ListParams, OfferQuery),
    responses((status = 200, body = Paged<Offer>), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_offers(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<OfferQuery>) -> AppResult<Json<Paged<Offer>>> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    Ok(Json(offers::list(state.context(), caller(&auth).as_ref(), q.filter(&state)?, p.sort_or("updated_at"), dir, p.page()).await?))
}

/// Publishes a shared resource of a center (its operators or the bureau); open to requests at once.
#[utoipa::path(post, path = "/api/v1/resources", operation_id = "publish_offer", tag = "sharing", request_body = OfferInput,
    responses((status = 201, body = Offer), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_publish(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<OfferInput>) -> AppResult<Response> {
    let id = offers::publish(state.context(), &me.caller(), &input).await?;
    let (o, _, _) = offers::load(state.context(), Some(&me.caller()), id).await?;
    Ok((StatusCode::CREATED, Json(o)).into_response())
}

/// A shared resource with what the caller may do with it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfferView {
    /// The resource.
    pub offer: Offer,
    /// Whether the caller manages it (edit, pause, reopen, withdraw; answer its requests).
    pub may_manage: bool,
    /// Why the caller may not request it (absent: it may).
    pub request_refused: Option<String>,
}

/// One shared resource.
#[utoipa::path(get, path = "/api/v1/resources/{id}", operation_id = "get_offer", tag = "sharing", params(("id" = i64, Path, description = "资源编号")),
    responses((status = 200, body = OfferView), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_offer(State(state): State<AppState>, auth: Auth, Path(id): Path<OfferId>) -> AppResult<Json<OfferView>> {
    let caller = caller(&auth);
    let (offer, c, access) = offers::load(state.context(), caller.as_ref(), id).await?;
    let request_refused = match &caller {
        Some(cl) => requests::refusal(cl, &offer, c.is_public()).map(str::to_owned),
        None => Some("请先登录".to_owned()),
    };
    Ok(Json(OfferView { may_manage: access == OfferAccess::Manage, request_refused, offer }))
}

/// Edits a shared resource at the version read (its center's operators or the bureau).
#[utoipa::path(put, path = "/api/v1/resources/{id}", operation_id = "edit_offer", tag = "sharing", params(("id" = i64, Path, description = "资源编号")),
    request_body = OfferInput,
    responses((status = 200, body = Offer), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_edit(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OfferId>, ApiJson(input): ApiJson<OfferInput>) -> AppResult<Json<Offer>> {
    Ok(Json(offers::edit(state.context(), &me.caller(), id, &input).await?))
}

/// Pauses, reopens or withdraws a shared resource (its center's operators or the bureau).
#[utoipa::path(post, path = "/api/v1/resources/{id}/steps", operation_id = "step_offer", tag = "sharing", params(("id" = i64, Path, description = "资源编号")),
    request_body = OfferStepInput,
    responses((status = 200, body = Offer), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_offer_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OfferId>, ApiJson(input): ApiJson<OfferStepInput>) -> AppResult<Json<Offer>> {
    Ok(Json(offers::step(state.context(), &me.caller(), id, &input).await?))
}

/// Asks to use a shared resource (another center's operators, a unit's account); one open request per unit and resource.
#[utoipa::path(post, path = "/api/v1/resources/{id}/requests", operation_id = "request_offer", tag = "sharing", params(("id" = i64, Path, description = "资源编号")),
    request_body = RequestInput,
    responses((status = 201, body = ResourceRequest), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_send_request(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OfferId>, ApiJson(input): ApiJson<RequestInput>) -> AppResult<Response> {
    let rid = requests::send(state.context(), &me.caller(), id, &input).await?;
    let (r, _) = requests::load(state.context(), &me.caller(), rid).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// Lists the requests the caller may read: the bureau all; an operator those its unit sent and those made to its centers; a unit's account those it sent.
#[utoipa::path(get, path = "/api/v1/resource-requests", operation_id = "list_resource_requests", tag = "sharing", params(ListParams, RequestQuery),
    responses((status = 200, body = Paged<ResourceRequest>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_requests(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<RequestQuery>) -> AppResult<Json<Paged<ResourceRequest>>> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    Ok(Json(requests::list(state.context(), &me.caller(), q.filter(&me)?, dir, p.page()).await?))
}

/// One request (its two sides and the bureau).
#[utoipa::path(get, path = "/api/v1/resource-requests/{id}", operation_id = "get_resource_request", tag = "sharing", params(("id" = i64, Path, description = "申请编号")),
    responses((status = 200, body = ResourceRequest), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_request(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResourceRequestId>) -> AppResult<Json<ResourceRequest>> {
    Ok(Json(requests::load(state.context(), &me.caller(), id).await?.0))
}

/// Answers or changes a request: the provider accepts, declines (with a reason), completes; the requester withdraws; either cancels an accepted one.
#[utoipa::path(post, path = "/api/v1/resource-requests/{id}/steps", operation_id = "step_resource_request", tag = "sharing", params(("id" = i64, Path, description = "申请编号")),
    request_body = RequestStepInput,
    responses((status = 200, body = ResourceRequest), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_request_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResourceRequestId>, ApiJson(input): ApiJson<RequestStepInput>) -> AppResult<Json<ResourceRequest>> {
    Ok(Json(requests::step(state.context(), &me.caller(), id, &input).await?))
}

/// Lists the supporting policies (配套政策): the listed ones, or every one for the bureau; newest first.
#[utoipa::path(get, path = "/api/v1/support-policies", operation_id = "list_support_policies", tag = "sharing", params(ListParams),
    responses((status = 200, body = Paged<PolicyItem>), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_policies(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>) -> AppResult<Json<Paged<PolicyItem>>> {
    Ok(Json(policies::list(state.context(), caller(&auth).as_ref(), p.page()).await?))
}

/// Lists a supporting policy (the bureau).
#[utoipa::path(post, path = "/api/v1/support-policies", operation_id = "add_support_policy", tag = "sharing", request_body = PolicyItemInput,
    responses((status = 201, body = PolicyItem), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_add_policy(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<PolicyItemInput>) -> AppResult<Response> {
    let p = policies::create(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

/// Edits or retires (`state: expired`) a supporting policy at the version read (the bureau).
#[utoipa::path(put, path = "/api/v1/support-policies/{id}", operation_id = "edit_support_policy", tag = "sharing", params(("id" = i64, Path, description = "政策编号")),
    request_body = PolicyItemInput,
    responses((status = 200, body = PolicyItem), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_edit_policy(State(state): State<AppState>, me: CurrentUser, Path(id): Path<PolicyItemId>, ApiJson(input): ApiJson<PolicyItemInput>) -> AppResult<Json<PolicyItem>> {
    Ok(Json(policies::edit(state.context(), &me.caller(), id, &input).await?))
}

/// Shanghai's 服务领域 list and the 验证能力互补清单's coverage by field and region (public).
#[utoipa::path(get, path = "/api/v1/four-lists", operation_id = "four_lists", tag = "sharing",
    responses((status = 200, body = SharingLists)))]
pub async fn api_four_lists(State(state): State<AppState>) -> AppResult<Json<SharingLists>> {
    Ok(Json(sharing_lists(&state).await?.lists.clone()))
}

/// Every offer the caller may see under `q` (all pages), for a workbook.
async fn all_offers(state: &AppState, auth: &Auth, q: &OfferQuery) -> AppResult<Vec<Offer>> {
    let page = pocnet_store::Page::new(Some(1), Some(200)).all();
    Ok(offers::list(state.context(), caller(auth).as_ref(), q.filter(state)?, "updated_at", SortDir::Desc, page).await?.items)
}

const OFFER_HEADER: [(&str, f64); 11] = [
    ("资源名称", 26.0),
    ("类别", 10.0),
    ("产业领域", 14.0),
    ("提供单位", 28.0),
    ("平台类型", 12.0),
    ("地区", 10.0),
    ("能力与用途", 48.0),
    ("使用条件", 36.0),
    ("收费标准", 20.0),
    ("资质", 14.0),
    ("状态", 10.0),
];

fn offer_row(state: &AppState, o: &Offer) -> Vec<String> {
    vec![
        o.name.clone(),
        o.kind.label_zh().to_owned(),
        pocnet_app::matching::field_label(state.context(), &o.field),
        o.center_name.clone(),
        o.center_kind.label_zh().to_owned(),
        o.region.label_zh().to_owned(),
        o.description.clone(),
        o.conditions.clone(),
        o.fee_terms.clone(),
        o.qualifications.iter().map(|q| q.label_zh()).collect::<Vec<_>>().join("、"),
        o.state.label_zh().to_owned(),
    ]
}

/// The shared resources the caller may see, filtered as the list (every page), as an Excel workbook named after the list.
#[utoipa::path(get, path = "/api/v1/resources/export.xlsx", operation_id = "export_offers", tag = "sharing", params(OfferQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_export_offers(State(state): State<AppState>, auth: Auth, QueryParams(q): QueryParams<OfferQuery>) -> AppResult<Response> {
    let rows = all_offers(&state, &auth, &q).await?.iter().map(|o| offer_row(&state, o)).collect();
    let title = q.title();
    let bytes = workbook(&[Sheet { name: title, header: &OFFER_HEADER, rows }])?;
    Ok(crate::routes::experts::api::xlsx(bytes, &format!("{title}.xlsx")))
}

/// The requests the caller may read, filtered as the list (every page), as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/resource-requests/export.xlsx", operation_id = "export_resource_requests", tag = "sharing", params(RequestQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export_requests(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<RequestQuery>) -> AppResult<Response> {
    let page = pocnet_store::Page::new(Some(1), Some(200)).all();
    let list = requests::list(state.context(), &me.caller(), q.filter(&me)?, SortDir::Desc, page).await?;
    let rows = list
        .items
        .iter()
        .map(|r| {
            vec![
                r.offer_name.clone(),
                r.offer_kind.label_zh().to_owned(),
                r.center_name.clone(),
                r.requester_name.clone(),
                r.purpose.label_zh().to_owned(),
                r.description.clone(),
                format!("{} 至 {}", r.wanted_from, r.wanted_to),
                r.state.label_zh().to_owned(),
                pocnet_domain::sharing::RequestDecline::parse(&r.reason).map(|d| d.label_zh().to_owned()).unwrap_or_default(),
                r.note.clone(),
                pocnet_domain::display::beijing(r.updated_at),
            ]
        })
        .collect();
    let header = [
        ("资源", 24.0),
        ("类别", 10.0),
        ("提供单位", 26.0),
        ("申请单位", 26.0),
        ("申请事项", 14.0),
        ("需求说明", 40.0),
        ("期望时间", 24.0),
        ("状态", 10.0),
        ("原因", 14.0),
        ("说明", 30.0),
        ("更新时间（北京时间）", 20.0),
    ];
    let bytes = workbook(&[Sheet { name: "资源使用申请", header: &header, rows }])?;
    Ok(crate::routes::experts::api::xlsx(bytes, "资源使用申请.xlsx"))
}

/// Shanghai's four lists (服务领域、服务内容、场景应用、配套政策) as one workbook of four sheets (public).
#[utoipa::path(get, path = "/api/v1/four-lists/export.xlsx", operation_id = "export_four_lists", tag = "sharing",
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
pub async fn api_export_four_lists(State(state): State<AppState>) -> AppResult<Response> {
    let four = sharing_lists(&state).await?;
    let lists = &four.lists;
    let kinds: Vec<&str> = OfferKind::ALL.iter().map(|k| k.label_zh()).collect();
    let fields_rows = lists
        .service_fields
        .iter()
        .map(|f| {
            let mut row = vec![f.label.clone(), f.poc_centers.to_string(), f.pilot_platforms.to_string()];
            row.extend(f.offers.iter().map(usize::to_string));
            row.push(f.capability_regions.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、"));
            row
        })
        .collect();
    let mut fields_header: Vec<(&str, f64)> = vec![("服务领域", 16.0), ("概念验证中心", 12.0), ("中试平台", 10.0)];
    fields_header.extend(kinds.iter().map(|k| (*k, 10.0)));
    fields_header.push(("具备验证能力的地区", 40.0));
    // The four lists are public: what anyone may see, whoever asks.
    let public = Auth::default();
    let content = all_offers(&state, &public, &OfferQuery { kind: Some("capability".into()), ..OfferQuery::default() }).await?;
    let scenarios = all_offers(&state, &public, &OfferQuery { kind: Some("scenario".into()), ..OfferQuery::default() }).await?;
    let page = pocnet_store::Page::new(Some(1), Some(200)).all();
    let policies = policies::list(state.context(), None, page).await?;
    let policy_rows = policies
        .items
        .iter()
        .map(|p| {
            vec![
                p.title.clone(),
                p.issuer.clone(),
                p.issued_on.to_string(),
                p.article.clone(),
                if p.field.is_empty() { "全部领域".to_owned() } else { pocnet_app::matching::field_label(state.context(), &p.field) },
                p.summary.clone(),
            ]
        })
        .collect();
    let bytes = workbook(&[
        Sheet { name: "服务领域", header: &fields_header, rows: fields_rows },
        Sheet { name: "服务内容", header: &OFFER_HEADER, rows: content.iter().map(|o| offer_row(&state, o)).collect() },
        Sheet { name: "场景应用", header: &OFFER_HEADER, rows: scenarios.iter().map(|o| offer_row(&state, o)).collect() },
        Sheet {
            name: "配套政策",
            header: &[("政策名称", 36.0), ("发文单位", 24.0), ("发文日期", 12.0), ("条款", 10.0), ("适用领域", 12.0), ("支持内容", 60.0)],
            rows: policy_rows,
        },
    ])?;
    Ok(crate::routes::experts::api::xlsx(bytes, "四张清单.xlsx"))
}
