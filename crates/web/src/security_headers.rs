//! Security headers on every response, pages and API alike (issue 11 §5):
//! a Content-Security-Policy that allows no inline or foreign script and no
//! framing, `nosniff`, a same-origin referrer, `no-store` on anything answered
//! to a caller that carried credentials, and HSTS when served over HTTPS
//! (`--secure-cookies`).

use crate::auth::session::{cookie, SESSION_COOKIE};
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy: our own scripts, styles and images only (inline `style`
/// attributes allowed; no inline script), forms post to us, nobody frames us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Middleware: adds the headers to whatever the inner layers answered.
pub async fn add(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let credentialed = req.headers().contains_key(header::AUTHORIZATION) || cookie(req.headers(), SESSION_COOKIE).is_some();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if credentialed {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config().secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    resp
}
