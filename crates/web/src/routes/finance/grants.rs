//! Subsidies and rewards on the web (财政补助与奖励): `/grants` (the year's proposals from the
//! records, filters, the bureau's "propose" form), a grant's page (the programme's terms, the
//! decision and payment forms, the payments) and the JSON API. Forms work without JavaScript.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::views::{render, Chrome, Choice, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use pocnet_app::finance::grants::{self as workflow, DecisionInput, GrantQuery, GrantView, PaymentInput, ProposalRun, ProposeInput};
use pocnet_domain::finance::grant::GrantState;
use pocnet_domain::role::Role;
use pocnet_store::finance::grants::Grant;
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new()
        .route("/grants", get(grants_page))
        .route("/grants/proposals", post(propose_form))
        .route("/grants/{id}", get(grant_page))
        .route("/grants/{id}/decision", post(decide_form))
        .route("/grants/{id}/payments", post(pay_form));
    OpenApiRouter::new().routes(routes!(api_list)).routes(routes!(api_propose)).routes(routes!(api_get)).routes(routes!(api_decide)).routes(routes!(api_pay)).merge(html.into())
}

/// Grants, newest first: the bureau all, a center's operators their centers'.
#[utoipa::path(get, path = "/api/v1/grants", operation_id = "list_grants", tag = "finance", params(ListParams, GrantQuery),
    responses((status = 200, body = Paged<Grant>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<GrantQuery>) -> AppResult<Json<Paged<Grant>>> {
    Ok(Json(workflow::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Proposes a year's subsidies and rewards from the records under each center's profile (the
/// bureau); safe to run again (one grant per center, programme and year; the once rule skips).
#[utoipa::path(post, path = "/api/v1/grants/proposals", operation_id = "propose_grants", tag = "finance", request_body = ProposeInput,
    responses((status = 200, body = ProposalRun), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_propose(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<ProposeInput>) -> AppResult<Json<ProposalRun>> {
    Ok(Json(workflow::propose(state.context(), &me.caller(), &input).await?))
}

/// One grant with its payments and the programme's terms (the bureau; its center's operators).
#[utoipa::path(get, path = "/api/v1/grants/{id}", operation_id = "get_grant", tag = "finance", params(("id" = i64, Path, description = "资金编号")),
    responses((status = 200, body = GrantView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<GrantView>> {
    Ok(Json(workflow::view(state.context(), &me.caller(), id).await?))
}

/// Approves an amount within the programme's cap (less than proposed only with a reason; the
/// once rule enforced) or refuses with a reason (the bureau).
#[utoipa::path(post, path = "/api/v1/grants/{id}/decision", operation_id = "decide_grant", tag = "finance", params(("id" = i64, Path, description = "资金编号")),
    request_body = DecisionInput,
    responses((status = 200, body = GrantView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_decide(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DecisionInput>) -> AppResult<Json<GrantView>> {
    Ok(Json(workflow::decide(state.context(), &me.caller(), id, &input).await?))
}

/// Records a payment of an approved grant (the bureau); 409 `exceeds_approved` past the approved amount.
#[utoipa::path(post, path = "/api/v1/grants/{id}/payments", operation_id = "pay_grant", tag = "finance", params(("id" = i64, Path, description = "资金编号")),
    request_body = PaymentInput,
    responses((status = 200, body = GrantView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_pay(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<PaymentInput>) -> AppResult<Json<GrantView>> {
    Ok(Json(workflow::pay(state.context(), &me.caller(), id, &input).await?))
}

#[derive(Template)]
#[template(path = "finance/grants.html")]
struct GrantsPage {
    chrome: Chrome,
    error: Option<String>,
    notice: Option<String>,
    grants: Vec<Grant>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    year: String,
    this_year: i32,
    bureau: bool,
}

async fn render_list(state: &AppState, me: &CurrentUser, p: &ListParams, q: &GrantQuery, error: Option<String>, notice: Option<String>) -> AppResult<Response> {
    let page = workflow::list(state.context(), &me.caller(), q, p.page()).await?;
    let keep = vec![("year", q.year.map(|y| y.to_string()).unwrap_or_default()), ("state", q.state.clone().unwrap_or_default())];
    Ok(render(&GrantsPage {
        chrome: Chrome::signed_in(me, "财政补助与奖励", "grants"),
        error,
        notice,
        pager: Pager::new("/grants", &page, &p.keep(&keep, "id")),
        grants: page.items,
        states: GrantState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        state: q.state.clone().unwrap_or_default(),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        this_year: chrono::Datelike::year(&state.today()),
        bureau: me.role() == Role::Bureau,
    }))
}

async fn grants_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<GrantQuery>) -> AppResult<Response> {
    render_list(&state, &me, &p, &q, None, None).await
}

async fn propose_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<ProposeInput>) -> AppResult<Response> {
    let q = GrantQuery { year: input.year, state: None };
    match workflow::propose(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(run) => {
            let mut notice = format!("{}年度新生成资金建议{}项。", run.year, run.proposed);
            if !run.skipped.is_empty() {
                notice.push_str(&format!("未生成：{}", run.skipped.join("；")));
            }
            render_list(&state, &me, &ListParams::default(), &q, None, Some(notice)).await
        }
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_list(&state, &me, &ListParams::default(), &GrantQuery::default(), Some(e.body().message), None).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "finance/grant.html")]
struct GrantPage {
    chrome: Chrome,
    error: Option<String>,
    v: GrantView,
    today: String,
}

async fn render_grant(state: &AppState, me: &CurrentUser, id: i64, error: Option<String>) -> AppResult<Response> {
    let v = workflow::view(state.context(), &me.caller(), id).await?;
    Ok(render(&GrantPage { chrome: Chrome::signed_in(me, format!("{}：{}（{}年度）", v.grant.center_name, v.grant.label, v.grant.year), "grants"), error, v, today: state.today().to_string() }))
}

async fn grant_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    render_grant(&state, &me, id, None).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: i64, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/grants/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_grant(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn decide_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<DecisionInput>) -> AppResult<Response> {
    let r = workflow::decide(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn pay_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<PaymentInput>) -> AppResult<Response> {
    let r = workflow::pay(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}
