//! The centers' returns (中心收益) on the web: a center's portfolio page with its operators'
//! forms (an agreement per project, what it yields, ending it) and the JSON API.

use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, Path};
use crate::views::{render, Chrome, Choice};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use pocnet_app::finance::returns::{self as workflow, AgreementInput, EndInput, Portfolio, RealisedInput};
use pocnet_domain::finance::returns::{ReturnForm, ReturnInstrument};
use pocnet_domain::id::CenterId;
use pocnet_store::finance::returns::Agreement;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new()
        .route("/centers/{id}/returns", get(portfolio_page).post(create_form))
        .route("/return-agreements/{id}/returns", post(record_form))
        .route("/return-agreements/{id}/end", post(end_form));
    OpenApiRouter::new()
        .routes(routes!(api_portfolio))
        .routes(routes!(api_create))
        .routes(routes!(api_record))
        .routes(routes!(api_end))
        .routes(routes!(api_of_project))
        .merge(html.into())
}

/// A center's portfolio: agreements by instrument, what each yielded, the totals (its operators and the bureau).
#[utoipa::path(get, path = "/api/v1/centers/{id}/returns", operation_id = "center_returns", tag = "finance", params(("id" = i64, Path, description = "中心编号")),
    responses((status = 200, body = Portfolio), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_portfolio(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Portfolio>> {
    Ok(Json(workflow::portfolio(state.context(), &me.caller(), CenterId::new(id)).await?))
}

/// Records an agreement by which the center is paid back for one of its projects (its operators):
/// the instrument with what it needs — a share, an amount, a trigger — and the term.
#[utoipa::path(post, path = "/api/v1/centers/{id}/return-agreements", operation_id = "create_return_agreement", tag = "finance", params(("id" = i64, Path, description = "中心编号")),
    request_body = AgreementInput,
    responses((status = 201, body = Agreement), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AgreementInput>) -> AppResult<Response> {
    let a = workflow::create(state.context(), &me.caller(), CenterId::new(id), &input).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// Records what an active agreement yielded (its center's operators); it counts in the center's
/// `returns_yuan` figure of the annual evaluation for the day received.
#[utoipa::path(post, path = "/api/v1/return-agreements/{id}/returns", operation_id = "record_return", tag = "finance", params(("id" = i64, Path, description = "协议编号")),
    request_body = RealisedInput,
    responses((status = 200, body = Agreement), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_record(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RealisedInput>) -> AppResult<Json<Agreement>> {
    Ok(Json(workflow::record(state.context(), &me.caller(), id, &input).await?))
}

/// Ends an agreement with its reason, at the version read (its center's operators).
#[utoipa::path(post, path = "/api/v1/return-agreements/{id}/end", operation_id = "end_return_agreement", tag = "finance", params(("id" = i64, Path, description = "协议编号")),
    request_body = EndInput,
    responses((status = 200, body = Agreement), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_end(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<EndInput>) -> AppResult<Json<Agreement>> {
    Ok(Json(workflow::end(state.context(), &me.caller(), id, &input).await?))
}

/// A project's return agreements: for the bureau, its center's operators and its owner unit (a party
/// to each); anyone else is told it is not found.
#[utoipa::path(get, path = "/api/v1/results/{id}/return-agreements", operation_id = "project_return_agreements", tag = "finance", params(("id" = i64, Path, description = "项目编号")),
    responses((status = 200, body = Vec<Agreement>), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_of_project(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<Agreement>>> {
    Ok(Json(workflow::of_project(state.context(), &me.caller(), pocnet_domain::id::ResultId::new(id)).await?))
}

#[derive(Template)]
#[template(path = "finance/returns.html")]
struct PortfolioPage {
    chrome: Chrome,
    error: Option<String>,
    p: Portfolio,
    instruments: Vec<Choice>,
    forms: Vec<Choice>,
    projects: Vec<Choice>,
    today: String,
}

async fn render_portfolio(state: &AppState, me: &CurrentUser, center: CenterId, error: Option<String>) -> AppResult<Response> {
    let p = workflow::portfolio(state.context(), &me.caller(), center).await?;
    let projects = if p.may_manage {
        let filter = pocnet_store::results::ResultFilter { center_id: Some(center), ..Default::default() };
        pocnet_store::results::list(state.store().pool(), pocnet_store::results::ResultScope::All, &filter, "submitted_on", pocnet_store::SortDir::Desc, pocnet_store::Page::new(Some(1), Some(200)))
            .await?
            .items
            .into_iter()
            .map(|r| Choice::new(r.id.to_string(), r.title))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&PortfolioPage {
        chrome: Chrome::signed_in(me, format!("{}：收益协议与收益组合", p.center_name), "centers"),
        error,
        instruments: ReturnInstrument::ALL.iter().map(|i| Choice::new(i.as_str(), i.label_zh())).collect(),
        forms: ReturnForm::ALL.iter().map(|f| Choice::new(f.as_str(), f.label_zh())).collect(),
        projects,
        today: state.today().to_string(),
        p,
    }))
}

async fn portfolio_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<CenterId>) -> AppResult<Response> {
    render_portfolio(&state, &me, id, None).await
}

/// After a form: back to the portfolio, or the portfolio with the reason.
async fn back(state: &AppState, me: &CurrentUser, center: CenterId, outcome: Result<(), AppError>) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/centers/{center}/returns")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            Ok((status, render_portfolio(state, me, center, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn create_form(State(state): State<AppState>, _auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, Form(input): Form<AgreementInput>) -> AppResult<Response> {
    let outcome = workflow::create(state.context(), &me.caller(), id, &input).await.map(|_| ()).map_err(AppError::from);
    back(&state, &me, id, outcome).await
}

async fn record_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<RealisedInput>) -> AppResult<Response> {
    let center = pocnet_store::finance::returns::get(state.store().pool(), id).await?.center_id;
    let outcome = workflow::record(state.context(), &me.caller(), id, &input).await.map(|_| ()).map_err(AppError::from);
    back(&state, &me, center, outcome).await
}

async fn end_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<EndInput>) -> AppResult<Response> {
    let center = pocnet_store::finance::returns::get(state.store().pool(), id).await?.center_id;
    let outcome = workflow::end(state.context(), &me.caller(), id, &input).await.map(|_| ()).map_err(AppError::from);
    back(&state, &me, center, outcome).await
}
