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
use std::net::{IpAddr, SocketAddr};

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

/// The client's address: the peer's, or — when the peer is a trusted reverse
/// proxy — the nearest address in `X-Forwarded-For` that is not a trusted
/// proxy itself (what a client writes there cannot pass for a proxy's word).
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> String {
    let Some(mut addr) = peer else { return "unknown".to_owned() };
    if trusted.contains(&addr) {
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    addr = ip;
                    if !trusted.contains(&ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    }
    addr.to_string()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// Middleware: looks the session up once per request and records activity
/// (at most once a minute, so reads stay reads).
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let headers = req.headers();
    let ip = client_address(peer, headers, &state.config().trusted_proxies);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod client_address_tests {
    use super::client_address;
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        let proxy = ["10.0.0.1".parse::<IpAddr>().unwrap(), "10.0.0.2".parse().unwrap()];
        // (peer, X-Forwarded-For, trusted proxies, client address)
        let cases: [(&str, Option<&str>, &[IpAddr], &str); 7] = [
            ("203.0.113.5", None, &proxy, "203.0.113.5"),
            ("203.0.113.5", Some("1.2.3.4"), &proxy, "203.0.113.5"),
            ("203.0.113.5", Some("1.2.3.4"), &[], "203.0.113.5"),
            ("10.0.0.1", Some("198.51.100.7"), &proxy, "198.51.100.7"),
            ("10.0.0.1", Some("6.6.6.6, 198.51.100.7"), &proxy, "198.51.100.7"),
            ("10.0.0.1", Some("6.6.6.6, 198.51.100.7, 10.0.0.2"), &proxy, "198.51.100.7"),
            ("10.0.0.1", Some("garbage"), &proxy, "10.0.0.1"),
        ];
        for (peer, xff, trusted, want) in cases {
            let mut headers = HeaderMap::new();
            if let Some(v) = xff {
                headers.insert("x-forwarded-for", v.parse().unwrap());
            }
            assert_eq!(client_address(ip(peer), &headers, trusted), want, "{peer} {xff:?}");
        }
        assert_eq!(client_address(None, &HeaderMap::new(), &proxy), "unknown");
    }
}
