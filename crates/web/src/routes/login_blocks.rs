//! Sign-in limits as the bureau sees them (登录限制): which login names and
//! addresses are held back now, and lifting a limit at once — for the owner
//! who mistyped too often, or an office whose shared address was abused.

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, QueryParams};
use crate::views::{render, Chrome, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use pocnet_domain::role::Role;
pub use pocnet_app::login_blocks::{ReleaseInput, Released};
use pocnet_store::login_throttle::{self, Block};
use pocnet_store::Paged;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/admin/login-blocks", get(list_page))
        .route("/admin/login-blocks/release", post(release_form))
        .routes(routes!(api_list))
        .routes(routes!(api_release))
}

async fn release(state: &AppState, me: &CurrentUser, input: &ReleaseInput) -> AppResult<Released> {
    Ok(pocnet_app::login_blocks::release(state.context(), &me.caller(), input).await?)
}

/// Sign-in limits holding now, the longest wait first (bureau).
#[utoipa::path(get, path = "/api/v1/login-blocks", operation_id = "list_login_blocks", tag = "users", params(ListParams),
    responses((status = 200, body = Paged<Block>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>) -> AppResult<Json<Paged<Block>>> {
    me.require(&[Role::Bureau])?;
    Ok(Json(login_throttle::blocks(state.store().pool(), state.now(), p.page()).await?))
}

/// Lifts the sign-in limits of a login name and/or an address at once (bureau).
#[utoipa::path(post, path = "/api/v1/login-blocks/release", operation_id = "release_login_blocks", tag = "users", request_body = ReleaseInput,
    responses((status = 200, body = Released), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_release(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<ReleaseInput>) -> AppResult<Json<Released>> {
    Ok(Json(release(&state, &me, &input).await?))
}

struct BlockRow {
    scope: String,
    username: String,
    address: String,
    failures: i64,
    until: String,
}

#[derive(Template)]
#[template(path = "accounts/login_blocks.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<BlockRow>,
    pager: Pager,
    error: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Notice {
    lifted: Option<u64>,
}

async fn render_list(state: &AppState, me: &CurrentUser, p: &ListParams, error: Option<String>, done: Option<String>) -> AppResult<Response> {
    let list = login_throttle::blocks(state.store().pool(), state.now(), p.page()).await?;
    let rows = list
        .items
        .iter()
        .map(|b| BlockRow {
            scope: b.scope_label.clone(),
            username: b.username.clone(),
            address: b.address.clone(),
            failures: b.failures,
            until: pocnet_domain::display::beijing(b.blocked_until),
        })
        .collect();
    let page = ListPage {
        chrome: Chrome::signed_in(me, "登录限制", "users"),
        rows,
        pager: Pager::new("/admin/login-blocks", &list, &[]),
        error,
        done,
    };
    Ok(render(&page))
}

async fn list_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(n): QueryParams<Notice>,
) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let done = n.lifted.map(|k| if k == 0 { "没有需要解除的限制。".to_owned() } else { format!("已解除 {k} 项登录限制。") });
    render_list(&state, &me, &p, None, done).await
}

async fn release_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<ReleaseInput>) -> AppResult<Response> {
    match release(&state, &me, &input).await {
        Ok(r) => Ok(Redirect::to(&format!("/admin/login-blocks?lifted={}", r.lifted)).into_response()),
        Err(crate::error::AppError::Validation(e)) => {
            let mut resp = render_list(&state, &me, &ListParams::default(), Some(e.message.clone()), None).await?;
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}
