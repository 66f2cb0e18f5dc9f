//! The loans and insurance catalogue on the web (金融产品目录): `/finance-products` (the open
//! catalogue by kind; a bank's or insurer's publish form), a product's page (its terms, an
//! enterprise's application form or why not, the provider's applications with their answer
//! forms), `/finance-applications` (each side's list) and the JSON API.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::views::{render, Chrome, Choice, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use pocnet_app::finance::products::{self as workflow, AnswerInput, ApplicationQuery, ApplyInput, ProductInput, ProductQuery, ProductView, VersionInput};
use pocnet_domain::finance::product::{ProductApplicationState, ProductKind};
use pocnet_domain::org::OrgKind;
use pocnet_domain::role::Role;
use pocnet_store::finance::products::{Application, Product};
use pocnet_store::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new()
        .route("/finance-products", get(catalogue_page).post(publish_form))
        .route("/finance-products/{id}", get(product_page))
        .route("/finance-products/{id}/withdraw", post(withdraw_form))
        .route("/finance-products/{id}/applications", post(apply_form))
        .route("/finance-applications", get(applications_page))
        .route("/finance-applications/{id}/answer", post(answer_form));
    OpenApiRouter::new()
        .routes(routes!(api_list, api_publish))
        .routes(routes!(api_get))
        .routes(routes!(api_withdraw))
        .routes(routes!(api_apply))
        .routes(routes!(api_applications))
        .routes(routes!(api_answer))
        .merge(html.into())
}

/// The open catalogue (or, with `mine=1`, a provider's own products), newest first.
#[utoipa::path(get, path = "/api/v1/finance-products", operation_id = "list_finance_products", tag = "finance", params(ListParams, ProductQuery),
    responses((status = 200, body = Paged<Product>), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<ProductQuery>) -> AppResult<Json<Paged<Product>>> {
    Ok(Json(workflow::list(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Publishes a loan (a bank's account) or an insurance product (an insurer's); a government
/// guarantee fee for small firms at most 0.8 % (001 中试 15).
#[utoipa::path(post, path = "/api/v1/finance-products", operation_id = "publish_finance_product", tag = "finance", request_body = ProductInput,
    responses((status = 201, body = Product), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_publish(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<ProductInput>) -> AppResult<Response> {
    let p = workflow::publish(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

/// One product with the caller's part: the provider's applications, or the enterprise's own.
#[utoipa::path(get, path = "/api/v1/finance-products/{id}", operation_id = "get_finance_product", tag = "finance", params(("id" = i64, Path, description = "产品编号")),
    responses((status = 200, body = ProductView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_get(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<ProductView>> {
    Ok(Json(workflow::view(state.context(), &me.caller(), id).await?))
}

/// Withdraws a product from the catalogue (its provider).
#[utoipa::path(post, path = "/api/v1/finance-products/{id}/withdraw", operation_id = "withdraw_finance_product", tag = "finance", params(("id" = i64, Path, description = "产品编号")),
    request_body = VersionInput,
    responses((status = 200, body = ProductView), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_withdraw(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<VersionInput>) -> AppResult<Json<ProductView>> {
    Ok(Json(workflow::withdraw(state.context(), &me.caller(), id, &input).await?))
}

/// Applies to a product (an enterprise's account); 409 `application_open` while one waits.
#[utoipa::path(post, path = "/api/v1/finance-products/{id}/applications", operation_id = "apply_finance_product", tag = "finance", params(("id" = i64, Path, description = "产品编号")),
    request_body = ApplyInput,
    responses((status = 201, body = Application), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_apply(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ApplyInput>) -> AppResult<Response> {
    let a = workflow::apply(state.context(), &me.caller(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// The caller's applications: an enterprise its own, a provider those it received, the bureau all.
#[utoipa::path(get, path = "/api/v1/finance-applications", operation_id = "list_finance_applications", tag = "finance", params(ListParams, ApplicationQuery),
    responses((status = 200, body = Paged<Application>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_applications(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<ApplicationQuery>) -> AppResult<Json<Paged<Application>>> {
    Ok(Json(workflow::applications(state.context(), &me.caller(), &q, p.page()).await?))
}

/// Answers an application: the provider approves (up to the amount asked) or declines with a
/// reason; the enterprise withdraws.
#[utoipa::path(post, path = "/api/v1/finance-applications/{id}/answer", operation_id = "answer_finance_application", tag = "finance", params(("id" = i64, Path, description = "申请编号")),
    request_body = AnswerInput,
    responses((status = 200, body = Application), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_answer(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AnswerInput>) -> AppResult<Json<Application>> {
    Ok(Json(workflow::answer(state.context(), &me.caller(), id, &input).await?))
}

#[derive(Template)]
#[template(path = "finance/products.html")]
struct CataloguePage {
    chrome: Chrome,
    error: Option<String>,
    products: Vec<Product>,
    pager: Pager,
    kinds: Vec<Choice>,
    kind: String,
    /// The kinds the caller's unit publishes (a bank's or an insurer's account).
    publishable: Vec<Choice>,
}

async fn render_catalogue(state: &AppState, me: &CurrentUser, p: &ListParams, q: &ProductQuery, error: Option<String>) -> AppResult<Response> {
    let page = workflow::list(state.context(), &me.caller(), q, p.page()).await?;
    let publishable = if me.role() == Role::Investor {
        let org = pocnet_store::orgs::get(state.store().pool(), me.user.org_id).await?;
        ProductKind::ALL.iter().filter(|k| k.published_by(org.kind) && matches!(org.kind, OrgKind::Bank | OrgKind::Insurer)).map(|k| Choice::new(k.as_str(), k.label_zh())).collect()
    } else {
        Vec::new()
    };
    let keep = vec![("kind", q.kind.clone().unwrap_or_default()), ("mine", q.mine.clone().unwrap_or_default())];
    Ok(render(&CataloguePage {
        chrome: Chrome::signed_in(me, "金融产品目录", "finance_products"),
        error,
        pager: Pager::new("/finance-products", &page, &p.keep(&keep, "id")),
        products: page.items,
        kinds: ProductKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        kind: q.kind.clone().unwrap_or_default(),
        publishable,
    }))
}

async fn catalogue_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<ProductQuery>) -> AppResult<Response> {
    render_catalogue(&state, &me, &p, &q, None).await
}

async fn publish_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<ProductInput>) -> AppResult<Response> {
    match workflow::publish(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(p) => Ok(Redirect::to(&format!("/finance-products/{}", p.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_catalogue(&state, &me, &ListParams::default(), &ProductQuery::default(), Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "finance/product.html")]
struct ProductPage {
    chrome: Chrome,
    error: Option<String>,
    v: ProductView,
}

async fn render_product(state: &AppState, me: &CurrentUser, id: i64, error: Option<String>) -> AppResult<Response> {
    let v = workflow::view(state.context(), &me.caller(), id).await?;
    Ok(render(&ProductPage { chrome: Chrome::signed_in(me, v.product.name.clone(), "finance_products"), error, v }))
}

async fn product_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    render_product(&state, &me, id, None).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: i64, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/finance-products/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_product(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn withdraw_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<VersionInput>) -> AppResult<Response> {
    let r = workflow::withdraw(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn apply_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<ApplyInput>) -> AppResult<Response> {
    let r = workflow::apply(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn answer_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<AnswerInput>) -> AppResult<Response> {
    let product = pocnet_store::finance::products::application(state.store().pool(), id).await?.product_id;
    let r = workflow::answer(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, product, r).await
}

#[derive(Template)]
#[template(path = "finance/product_applications.html")]
struct ApplicationsPage {
    chrome: Chrome,
    applications: Vec<Application>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
}

async fn applications_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<ApplicationQuery>) -> AppResult<Response> {
    let page = workflow::applications(state.context(), &me.caller(), &q, p.page()).await?;
    let keep = vec![("state", q.state.clone().unwrap_or_default())];
    Ok(render(&ApplicationsPage {
        chrome: Chrome::signed_in(&me, "金融产品申请", "finance_products"),
        pager: Pager::new("/finance-applications", &page, &p.keep(&keep, "id")),
        applications: page.items,
        states: ProductApplicationState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        state: q.state.unwrap_or_default(),
    }))
}
