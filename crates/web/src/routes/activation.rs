//! Activating an account (激活账号): the expert whose account the bureau or a
//! center opened types the one-time code and sets its own password. The page
//! works without a login (the pre-login CSRF token protects the form).

use crate::auth::session::Auth;
use crate::error::AppResult;
use crate::extract::{ApiJson, QueryParams};
use crate::views::{public_form_chrome, render, with_cookie, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Json};
pub use pocnet_app::accounts::{ActivateInput, Activated};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/activate", get(page).post(form))
        .routes(routes!(api_activate))
}

/// Checks the code and the password, then activates: the code is used once.
pub async fn activate(state: &AppState, ip: &str, input: &ActivateInput) -> AppResult<Activated> {
    Ok(pocnet_app::accounts::activate(state.context(), ip, input).await?)
}

/// Activates an account with its one-time code and sets its password (no login needed).
/// Codes: `invalid_code` (unknown, used or expired), the password rules of `password`.
#[utoipa::path(post, path = "/api/v1/auth/activate", tag = "auth", request_body = ActivateInput,
    responses((status = 200, body = Activated), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_activate(State(state): State<AppState>, auth: Auth, ApiJson(input): ApiJson<ActivateInput>) -> AppResult<Json<Activated>> {
    Ok(Json(activate(&state, &auth.ip, &input).await?))
}

#[derive(Template)]
#[template(path = "accounts/activate.html")]
struct ActivatePage {
    chrome: Chrome,
    code: String,
    error: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CodeQuery {
    code: Option<String>,
}

async fn page(State(state): State<AppState>, auth: Auth, QueryParams(q): QueryParams<CodeQuery>) -> Response {
    let (chrome, cookie) = public_form_chrome(&state, &auth, "激活账号", "");
    let code: String = q.code.unwrap_or_default().chars().take(40).collect();
    with_cookie(render(&ActivatePage { chrome, code, error: None, done: None }), cookie)
}

async fn form(State(state): State<AppState>, auth: Auth, Form(input): Form<ActivateInput>) -> AppResult<Response> {
    let input = ActivateInput { password_confirm: Some(input.password_confirm.clone().unwrap_or_default()), ..input };
    let (chrome, cookie) = public_form_chrome(&state, &auth, "激活账号", "");
    match activate(&state, &auth.ip, &input).await {
        Ok(a) => Ok(with_cookie(render(&ActivatePage { chrome, code: String::new(), error: None, done: Some(a.username) }), cookie)),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            let page = ActivatePage { chrome, code: input.code.chars().take(40).collect(), error: Some(e.body().message), done: None };
            Ok((status, with_cookie(render(&page), cookie)).into_response())
        }
        Err(e) => Err(e),
    }
}
