//! Login and logout, for the browser (form + cookie) and the API (token).

use crate::auth::session::{clear_session_cookie, login_csrf_cookie, session_cookie, Auth};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use pocnet_app::accounts::{self, Session, SignInRules};
use pocnet_store::users::User;
use pocnet_store::{format_ts, sessions};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .routes(routes!(api_login))
        .routes(routes!(api_logout))
}

/// Credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A new session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>` (the session cookie is set too).
    pub token: String,
    /// Send as `X-CSRF-Token` on state-changing calls made with the cookie.
    pub csrf_token: String,
    /// When the session ends at the latest (UTC).
    pub expires_at: String,
    /// The account.
    pub user: User,
}

/// Checks credentials under the sign-in limits and opens a session.
async fn authenticate(state: &AppState, ip: &str, username: &str, password: String) -> AppResult<Session> {
    let config = state.config();
    let rules = SignInRules {
        policy: &config.login_policy,
        fallback_hash: state.fallback_hash(),
        demo: config.demo,
        session_length: config.session_absolute,
    };
    Ok(accounts::sign_in(state.context(), rules, ip, username, password).await?)
}

async fn end_session(state: &AppState, current: &CurrentUser) -> AppResult<()> {
    Ok(accounts::sign_out(state.context(), &current.caller(), &current.session_id).await?)
}

/// Signs in; returns a bearer token and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "用户名或密码错误", body = crate::error::ErrorEnvelope),
        (status = 429, description = "登录失败次数过多", body = crate::error::ErrorEnvelope)))]
pub async fn api_login(State(state): State<AppState>, auth: Auth, ApiJson(body): ApiJson<LoginRequest>) -> AppResult<Response> {
    let opened = authenticate(&state, &auth.ip, &body.username, body.password).await?;
    let expires_at = format_ts(state.now() + state.config().session_absolute);
    let cookie = session_cookie(&state, &opened.token);
    let body = LoginResponse { token: opened.token, csrf_token: opened.csrf_token, expires_at, user: opened.user };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Signs out: ends the session of the token or cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_logout(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    end_session(&state, &current).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_session_cookie())]).into_response())
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    username: String,
    error: Option<String>,
    demo: bool,
    demo_accounts: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

/// Only same-site paths may be a post-login target (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n != "/login" => n.to_owned(),
        _ => "/dashboard".to_owned(),
    }
}

fn login_page_response(state: &AppState, auth: &Auth, next: String, username: String, error: Option<(StatusCode, String)>) -> Response {
    // Reuse the pre-login token if the browser has one, so two open tabs both work.
    let token = auth.login_csrf.clone().filter(|t| t.len() == 64).unwrap_or_else(sessions::new_token);
    let mut chrome = Chrome::public(None, "登录", "");
    chrome.csrf = token.clone();
    let demo_accounts = if state.config().demo {
        pocnet_demo::DEMO_ACCOUNTS.iter().map(|(_, username, _, name)| (*username, *name)).collect()
    } else {
        Vec::new()
    };
    let status = error.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    let page = LoginPage { chrome, next, username, error: error.map(|(_, m)| m), demo: state.config().demo, demo_accounts };
    let mut resp = render(&page);
    *resp.status_mut() = status;
    if let Ok(v) = header::HeaderValue::from_str(&login_csrf_cookie(state, &token)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

async fn login_page(State(state): State<AppState>, auth: Auth, Query(q): Query<LoginQuery>) -> Response {
    if auth.current.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    login_page_response(&state, &auth, safe_next(q.next.as_deref()), String::new(), None)
}

#[derive(Debug, Deserialize)]
struct LoginFormData {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login_form(State(state): State<AppState>, auth: Auth, Form(form): Form<LoginFormData>) -> Response {
    let next = safe_next(form.next.as_deref());
    match authenticate(&state, &auth.ip, &form.username, form.password).await {
        Ok(opened) => {
            let mut resp = Redirect::to(&next).into_response();
            if let Ok(v) = header::HeaderValue::from_str(&session_cookie(&state, &opened.token)) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e @ (AppError::InvalidCredentials | AppError::RateLimited { .. })) => {
            let status = e.status();
            login_page_response(&state, &auth, next, form.username, Some((status, e.body().message)))
        }
        Err(e) => e.into_response(),
    }
}

async fn logout_form(State(state): State<AppState>, current: CurrentUser) -> AppResult<Response> {
    end_session(&state, &current).await?;
    Ok(([(header::SET_COOKIE, clear_session_cookie())], Redirect::to("/")).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn post_login_target_stays_on_site() {
        let cases = [
            (None, "/dashboard"),
            (Some("/admin/orgs?page=2"), "/admin/orgs?page=2"),
            (Some("//evil.example"), "/dashboard"),
            (Some("https://evil.example"), "/dashboard"),
            (Some("/\\evil.example"), "/dashboard"),
            (Some("/login"), "/dashboard"),
        ];
        for (input, want) in cases {
            assert_eq!(safe_next(input), want, "input {input:?}");
        }
    }
}
