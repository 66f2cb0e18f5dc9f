//! CSRF protection (synchronizer token).
//!
//! Every state-changing request that a browser could send on its own carries
//! proof that it came from our own page:
//! - a form (any non-API path) carries a `csrf_token` field equal to the
//!   session's token, or, before login, to the `pocnet_csrf` cookie;
//! - an API call authenticated by the session cookie carries an
//!   `X-CSRF-Token` header equal to the session's token.
//!
//! API calls with a bearer token need neither: browsers never send one by
//! themselves. Anonymous API calls (login) must be JSON, which a cross-site
//! form cannot send.

use super::session::Auth;
use crate::error::AppError;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle_eq::constant_time_eq;

/// Header an API client sends with a cookie session.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field of every HTML form.
pub const CSRF_FIELD: &str = "csrf_token";

/// Middleware: refuses a state-changing request without a valid token.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let auth = req.extensions().get::<Auth>().cloned().unwrap_or_default();
    if auth.via_bearer {
        return next.run(req).await;
    }
    let session_token = auth.current.as_ref().map(|c| c.csrf_token.clone());
    if req.uri().path().starts_with("/api/") {
        let Some(expected) = session_token else { return next.run(req).await };
        let sent = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        return if constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            next.run(req).await
        } else {
            AppError::CsrfFailed.into_response()
        };
    }
    let Some(expected) = session_token.or(auth.login_csrf) else {
        return AppError::CsrfFailed.into_response();
    };
    // A file upload form (multipart) carries the token in its action's query
    // string: the body may be megabytes and is parsed by the handler.
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let sent = req
            .uri()
            .query()
            .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v))
            .unwrap_or_default();
        return if constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            next.run(req).await
        } else {
            AppError::CsrfFailed.into_response()
        };
    }
    // Forms are small; read the body, check the field, hand the body on.
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, state.config().max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
    match sent {
        Some(sent) if constant_time_eq(sent.as_bytes(), expected.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => AppError::CsrfFailed.into_response(),
    }
}

mod subtle_eq {
    /// Compares without an early exit, so timing does not reveal a prefix.
    pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() || a.is_empty() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}
