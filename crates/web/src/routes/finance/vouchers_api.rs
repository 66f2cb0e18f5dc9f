//! JSON API of innovation vouchers (科技创新券).

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::xlsx::{workbook, Sheet};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::finance::vouchers::{self as workflow, QuotaDecision, QuotaInput, SchemeInput, UseInput, UseStepInput};
use pocnet_domain::finance::voucher::{QuotaState, UseState};
use pocnet_domain::id::{CenterId, VoucherQuotaId, VoucherSchemeId, VoucherUseId};
use pocnet_store::finance::vouchers::{LedgerEntry, ListedService, Provider, Quota, QuotaFilter, Scheme, UseFilter, VoucherUse};
use pocnet_store::Paged;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_schemes, api_create_scheme))
        .routes(routes!(api_scheme, api_update_scheme))
        .routes(routes!(api_providers, api_add_provider))
        .routes(routes!(api_services))
        .routes(routes!(api_apply))
        .routes(routes!(api_quotas))
        .routes(routes!(api_decide))
        .routes(routes!(api_request_use))
        .routes(routes!(api_uses))
        .routes(routes!(api_use))
        .routes(routes!(api_step_use))
        .routes(routes!(api_report))
        .routes(routes!(api_report_xlsx))
        .routes(routes!(api_ledger))
}

/// The year's schemes, newest first (public: their limits are policy).
#[utoipa::path(get, path = "/api/v1/voucher-schemes", operation_id = "list_voucher_schemes", tag = "finance", responses((status = 200, body = Vec<Scheme>)))]
pub async fn api_schemes(State(state): State<AppState>) -> AppResult<Json<Vec<Scheme>>> {
    Ok(Json(workflow::schemes(state.context()).await?))
}

/// Opens a year's scheme with its limits and budget (the bureau).
#[utoipa::path(post, path = "/api/v1/voucher-schemes", operation_id = "create_voucher_scheme", tag = "finance", request_body = SchemeInput,
    responses((status = 201, body = Scheme), (status = 403, body = crate::error::ErrorEnvelope), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create_scheme(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<SchemeInput>) -> AppResult<Response> {
    let s = workflow::create_scheme(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// One scheme (public).
#[utoipa::path(get, path = "/api/v1/voucher-schemes/{id}", operation_id = "get_voucher_scheme", tag = "finance", params(("id" = i64, Path, description = "方案编号")),
    responses((status = 200, body = Scheme), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_scheme(State(state): State<AppState>, Path(id): Path<VoucherSchemeId>) -> AppResult<Json<Scheme>> {
    Ok(Json(workflow::scheme(state.context(), id).await?))
}

/// Changes a scheme's title, limits, budget and whether it is open, at the version read (the bureau).
/// The budget cannot fall below what is reserved and paid (409 `budget_below_spent`).
#[utoipa::path(put, path = "/api/v1/voucher-schemes/{id}", operation_id = "update_voucher_scheme", tag = "finance", params(("id" = i64, Path, description = "方案编号")), request_body = SchemeInput,
    responses((status = 200, body = Scheme), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_update_scheme(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>, ApiJson(input): ApiJson<SchemeInput>) -> AppResult<Json<Scheme>> {
    Ok(Json(workflow::update_scheme(state.context(), &me.caller(), id, &input).await?))
}

/// The scheme's providers (服务机构目录) with what was asked of and paid to each (public).
#[utoipa::path(get, path = "/api/v1/voucher-schemes/{id}/providers", operation_id = "list_voucher_providers", tag = "finance", params(("id" = i64, Path, description = "方案编号")),
    responses((status = 200, body = Vec<Provider>), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_providers(State(state): State<AppState>, Path(id): Path<VoucherSchemeId>) -> AppResult<Json<Vec<Provider>>> {
    workflow::scheme(state.context(), id).await?;
    Ok(Json(workflow::providers(state.context(), id).await?))
}

/// A provider to list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ProviderInput {
    /// A recognized, active PoC center or pilot platform.
    pub center_id: i64,
}

/// Lists a recognized center or pilot platform as a provider (the bureau).
#[utoipa::path(post, path = "/api/v1/voucher-schemes/{id}/providers", operation_id = "add_voucher_provider", tag = "finance", params(("id" = i64, Path, description = "方案编号")), request_body = ProviderInput,
    responses((status = 204), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_add_provider(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>, ApiJson(input): ApiJson<ProviderInput>) -> AppResult<StatusCode> {
    workflow::add_provider(state.context(), &me.caller(), id, CenterId::new(input.center_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The open services of the scheme's providers: what vouchers may pay for (public).
#[utoipa::path(get, path = "/api/v1/voucher-schemes/{id}/services", operation_id = "list_voucher_services", tag = "finance", params(("id" = i64, Path, description = "方案编号")),
    responses((status = 200, body = Vec<ListedService>), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_services(State(state): State<AppState>, Path(id): Path<VoucherSchemeId>) -> AppResult<Json<Vec<ListedService>>> {
    workflow::scheme(state.context(), id).await?;
    Ok(Json(workflow::listed_services(state.context(), id).await?))
}

/// Applies for the caller's enterprise's quota of the year (申领额度; an enterprise's account, once a year).
#[utoipa::path(post, path = "/api/v1/voucher-schemes/{id}/quotas", operation_id = "apply_voucher_quota", tag = "finance", params(("id" = i64, Path, description = "方案编号")), request_body = QuotaInput,
    responses((status = 201, body = Quota), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_apply(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>, ApiJson(input): ApiJson<QuotaInput>) -> AppResult<Response> {
    let q = workflow::apply(state.context(), &me.caller(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(q)).into_response())
}

/// Which quotas or uses a list shows.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VoucherQuery {
    /// Only this scheme's.
    pub scheme_id: Option<i64>,
    /// Only this state (quotas: `applied`, `granted`, `refused`; uses: `requested`, `accepted`, `delivered`, `redeeming`, `paid`, `declined`, `cancelled`, `refused`).
    pub state: Option<String>,
}

impl VoucherQuery {
    fn quota_filter(&self) -> AppResult<QuotaFilter> {
        let state = match self.state.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(QuotaState::parse(s).map_err(|_| pocnet_domain::FieldError::unknown_value("state", "状态"))?),
            None => None,
        };
        Ok(QuotaFilter { scheme: self.scheme_id.map(VoucherSchemeId::new), org: None, state })
    }

    pub(crate) fn use_filter(&self) -> AppResult<UseFilter> {
        let state = match self.state.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(UseState::parse(s).map_err(|_| pocnet_domain::FieldError::unknown_value("state", "状态"))?),
            None => None,
        };
        Ok(UseFilter { scheme: self.scheme_id.map(VoucherSchemeId::new), org: None, centers: Vec::new(), state })
    }
}

/// The quotas the caller may read (the bureau all; an enterprise its own), newest first.
#[utoipa::path(get, path = "/api/v1/voucher-quotas", operation_id = "list_voucher_quotas", tag = "finance", params(ListParams, VoucherQuery),
    responses((status = 200, body = Paged<Quota>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_quotas(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<VoucherQuery>) -> AppResult<Json<Paged<Quota>>> {
    Ok(Json(workflow::quotas(state.context(), &me.caller(), q.quota_filter()?, p.page()).await?))
}

/// Grants (all or part of what was asked, with a reason for less) or refuses (with a reason) a quota (the bureau).
#[utoipa::path(post, path = "/api/v1/voucher-quotas/{id}/decision", operation_id = "decide_voucher_quota", tag = "finance", params(("id" = i64, Path, description = "额度编号")), request_body = QuotaDecision,
    responses((status = 200, body = Quota), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_decide(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherQuotaId>, ApiJson(input): ApiJson<QuotaDecision>) -> AppResult<Json<Quota>> {
    Ok(Json(workflow::decide(state.context(), &me.caller(), id, &input).await?))
}

/// Asks a listed provider for one of its services with the caller's granted quota (申请使用): what the
/// voucher covers is reserved from the quota and the year's budget at once — 409 `quota_exceeded` or
/// `budget_exhausted` when not enough is left, even for two requests sent at the same moment.
#[utoipa::path(post, path = "/api/v1/voucher-schemes/{id}/uses", operation_id = "request_voucher_use", tag = "finance", params(("id" = i64, Path, description = "方案编号")), request_body = UseInput,
    responses((status = 201, body = VoucherUse), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_request_use(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>, ApiJson(input): ApiJson<UseInput>) -> AppResult<Response> {
    let u = workflow::request_use(state.context(), &me.caller(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(u)).into_response())
}

/// The uses the caller may read (the bureau all; an enterprise its own; an operator those asked of its centers), newest first.
#[utoipa::path(get, path = "/api/v1/voucher-uses", operation_id = "list_voucher_uses", tag = "finance", params(ListParams, VoucherQuery),
    responses((status = 200, body = Paged<VoucherUse>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_uses(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<VoucherQuery>) -> AppResult<Json<Paged<VoucherUse>>> {
    Ok(Json(workflow::uses(state.context(), &me.caller(), q.use_filter()?, p.page()).await?))
}

/// One use (its enterprise, its provider's operators, the bureau).
#[utoipa::path(get, path = "/api/v1/voucher-uses/{id}", operation_id = "get_voucher_use", tag = "finance", params(("id" = i64, Path, description = "使用编号")),
    responses((status = 200, body = VoucherUse), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_use(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherUseId>) -> AppResult<Json<VoucherUse>> {
    Ok(Json(workflow::get_use(state.context(), &me.caller(), id).await?.0))
}

/// Takes a step on a use: the provider accepts, declines (reason) or delivers (final fee); the
/// enterprise cancels or applies for redemption (invoice number); the bureau pays or refuses (reason).
#[utoipa::path(post, path = "/api/v1/voucher-uses/{id}/steps", operation_id = "step_voucher_use", tag = "finance", params(("id" = i64, Path, description = "使用编号")), request_body = UseStepInput,
    responses((status = 200, body = VoucherUse), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step_use(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherUseId>, ApiJson(input): ApiJson<UseStepInput>) -> AppResult<Json<VoucherUse>> {
    Ok(Json(workflow::step_use(state.context(), &me.caller(), id, &input).await?))
}

/// A scheme's report: the scheme, per provider and per enterprise.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    /// The scheme with its budget's totals.
    pub scheme: Scheme,
    /// Per provider: uses asked, paid.
    pub providers: Vec<Provider>,
    /// Per enterprise: asked, granted, reserved, paid.
    pub enterprises: Vec<Quota>,
}

/// The scheme's report per provider and per enterprise (the bureau).
#[utoipa::path(get, path = "/api/v1/voucher-schemes/{id}/report", operation_id = "voucher_report", tag = "finance", params(("id" = i64, Path, description = "方案编号")),
    responses((status = 200, body = ReportView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_report(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>) -> AppResult<Json<ReportView>> {
    let r = workflow::report(state.context(), &me.caller(), id).await?;
    Ok(Json(ReportView { scheme: r.scheme, providers: r.providers, enterprises: r.quotas }))
}

/// The report as an Excel workbook: a sheet per provider and one per enterprise (the bureau).
#[utoipa::path(get, path = "/api/v1/voucher-schemes/{id}/report.xlsx", operation_id = "export_voucher_report", tag = "finance", params(("id" = i64, Path, description = "方案编号")),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_report_xlsx(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>) -> AppResult<Response> {
    report_workbook(&state, &me, id).await
}

pub(crate) async fn report_workbook(state: &AppState, me: &CurrentUser, id: VoucherSchemeId) -> AppResult<Response> {
    let r = workflow::report(state.context(), &me.caller(), id).await?;
    let providers: Vec<Vec<String>> = r.providers.iter().map(|p| vec![p.center_name.clone(), p.uses.to_string(), p.paid_yuan.get().to_string(), p.paid_yuan.wan()]).collect();
    let enterprises: Vec<Vec<String>> = r
        .quotas
        .iter()
        .map(|q| {
            vec![
                q.org_name.clone(),
                q.state.label_zh().to_owned(),
                q.requested_yuan.get().to_string(),
                q.granted_yuan.get().to_string(),
                q.reserved_yuan.get().to_string(),
                q.paid_yuan.get().to_string(),
                q.uses.to_string(),
                q.reason.clone(),
            ]
        })
        .collect();
    let bytes = workbook(&[
        Sheet { name: "服务机构", header: &[("服务机构", 36.0), ("使用次数", 10.0), ("已兑付（元）", 14.0), ("已兑付", 12.0)], rows: providers },
        Sheet {
            name: "企业",
            header: &[("企业", 32.0), ("额度状态", 10.0), ("申领（元）", 12.0), ("核定（元）", 12.0), ("预留（元）", 12.0), ("已兑付（元）", 12.0), ("使用次数", 10.0), ("说明", 30.0)],
            rows: enterprises,
        },
    ])?;
    Ok(crate::routes::experts::api::xlsx(bytes, &format!("{}创新券兑付报表.xlsx", r.scheme.year)))
}

/// A page of the scheme's ledger (台账): every yuan reserved, released and paid, newest first (the bureau).
#[utoipa::path(get, path = "/api/v1/voucher-schemes/{id}/ledger", operation_id = "voucher_ledger", tag = "finance", params(("id" = i64, Path, description = "方案编号"), ListParams),
    responses((status = 200, body = Paged<LedgerEntry>), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_ledger(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>, QueryParams(p): QueryParams<ListParams>) -> AppResult<Json<Paged<LedgerEntry>>> {
    Ok(Json(workflow::ledger(state.context(), &me.caller(), id, p.page()).await?))
}
