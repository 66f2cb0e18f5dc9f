//! Resolving the caller: a `pocnet_session` cookie or an
//! `Authorization: Bearer` token names a server-side session.

use super::CurrentUser;
use crate::error::AppError;
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Duration;
use pocnet_store::sessions;
use std::net::SocketAddr;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pocnet_session";
/// Name of the pre-login CSRF cookie (double-submit on the login form).
pub const LOGIN_CSRF_COOKIE: &str = "pocnet_csrf";

/// What [`resolve`] found, kept in the request's extensions.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    /// The signed-in caller, if any.
    pub current: Option<CurrentUser>,
    /// Whether the credentials came as a bearer token (no CSRF risk).
    pub via_bearer: bool,
    /// The client address.
    pub ip: String,
    /// The value of the pre-login CSRF cookie, if sent.
    pub login_csrf: Option<String>,
}

/// Reads one cookie from the request headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Middleware: looks the session up once per request and records activity
/// (at most once a minute, so reads stay reads).
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
    let headers = req.headers();
    let login_csrf = cookie(headers, LOGIN_CSRF_COOKIE).map(str::to_owned);
    let (token, via_bearer) = match bearer(headers) {
        Some(t) => (Some(t.to_owned()), true),
        None => (cookie(headers, SESSION_COOKIE).map(str::to_owned), false),
    };
    let mut auth = Auth { current: None, via_bearer, ip: ip.clone(), login_csrf };
    if let Some(token) = token.filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())) {
        let now = state.now();
        match sessions::lookup(state.store().pool(), &token, now, state.config().session_idle).await {
            Ok(Some(s)) if !s.user.is_demo || state.config().demo => {
                if now - s.last_seen_at > Duration::minutes(1) {
                    if let Err(e) = touch(&state, &s.id).await {
                        tracing::warn!(error = %e, "could not record session activity");
                    }
                }
                auth.current =
                    Some(CurrentUser { user: s.user, session_id: s.id, csrf_token: s.csrf_token, ip: Some(ip), todo_total: None });
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return axum::response::IntoResponse::into_response(AppError::Unavailable);
            }
        }
    }
    req.extensions_mut().insert(auth);
    next.run(req).await
}

async fn touch(state: &AppState, id: &str) -> Result<(), pocnet_store::StoreError> {
    let mut tx = state.store().write().await?;
    sessions::touch(&mut tx, id, state.now()).await?;
    tx.commit().await
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let mut auth = parts.extensions.get::<Auth>().cloned().unwrap_or_default();
        if let Some(me) = auth.current.as_mut() {
            if is_page(parts) {
                me.todo_total = crate::routes::todo::list(state, me).await.ok().map(|l| l.total);
            }
        }
        Ok(auth)
    }
}

/// A page view (GET outside the API): its navigation shows the to-do count.
fn is_page(parts: &Parts) -> bool {
    parts.method == axum::http::Method::GET && !parts.uri.path().starts_with("/api/")
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let mut me = parts.extensions.get::<Auth>().and_then(|a| a.current.clone()).ok_or(AppError::Unauthenticated)?;
        // A page shows the to-do count in its navigation: one round trip of
        // indexed counts (store::todo). API calls and form posts skip it.
        if is_page(parts) {
            me.todo_total = crate::routes::todo::list(state, &me).await.ok().map(|l| l.total);
        }
        Ok(me)
    }
}

/// The `Set-Cookie` value that hands a session to the browser.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config().secure_cookies { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        state.config().session_absolute.num_seconds()
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The `Set-Cookie` value of the pre-login CSRF cookie.
pub fn login_csrf_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config().secure_cookies { "; Secure" } else { "" };
    format!("{LOGIN_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=7200{secure}")
}
