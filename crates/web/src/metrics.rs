//! `/metrics` in the Prometheus text format (version 0.0.4): requests and
//! latencies per route, database pool use and the SQLite writer queue.
//!
//! A small hand-written registry rather than a metrics framework: the series
//! are few and fixed. Requests are labelled with the route *template* axum
//! matched (`/api/v1/centers/{id}`), never the raw path, plus the method and
//! the status class, so an attacker cannot grow the registry; unmatched paths
//! share one `route="unmatched"` series.
//!
//! Access: the endpoint exists only when the operator sets a metrics token
//! (`serve --metrics-token` / `POCNET_METRICS_TOKEN`) and answers only a caller
//! presenting it as `Authorization: Bearer …`. Without a token it is a 404
//! like any unknown page; with a wrong or missing one, a 401. Route names,
//! traffic and queue depths are not for the public.

use crate::error::AppError;
use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The bearer token that opens `/metrics`. Its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(String);

/// Why a metrics token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsTokenError {
    /// Shorter than 16 characters: guessable.
    #[error("the metrics token must be at least 16 characters (e.g. `openssl rand -hex 32`)")]
    TooShort,
    /// Spaces or control characters cannot travel in an `Authorization` header.
    #[error("the metrics token must be printable ASCII without spaces")]
    BadCharacters,
}

impl MetricsToken {
    /// Accepts a token of at least 16 printable ASCII characters without spaces.
    pub fn parse(token: &str) -> Result<Self, MetricsTokenError> {
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(MetricsTokenError::BadCharacters);
        }
        if token.len() < 16 {
            return Err(MetricsTokenError::TooShort);
        }
        Ok(Self(token.to_owned()))
    }

    /// Whether `sent` is this token. Compares SHA-256 digests in constant
    /// time, so neither the length nor a prefix leaks through timing.
    fn matches(&self, sent: &str) -> bool {
        let a = Sha256::digest(self.0.as_bytes());
        let b = Sha256::digest(sent.as_bytes());
        a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(…)")
    }
}

/// One series: how many requests of a (method, route, status class) and how long they took.
#[derive(Debug, Clone, Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Per bucket (not cumulative): requests whose latency fell at or under its bound and above the previous.
    buckets: [u64; BUCKETS.len()],
}

/// The registry of one server. Cheap to update: one short lock per request.
#[derive(Debug)]
pub struct Registry {
    started: Instant,
    in_flight: AtomicU64,
    series: Mutex<BTreeMap<(&'static str, String, &'static str), Series>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self { started: Instant::now(), in_flight: AtomicU64::new(0), series: Mutex::new(BTreeMap::new()) }
    }
}

/// The methods pocnet serves; anything else is counted as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Registry {
    fn record(&self, method: &'static str, route: String, class: &'static str, seconds: f64) {
        let Ok(mut series) = self.series.lock() else { return };
        let s = series.entry((method, route, class)).or_default();
        s.count += 1;
        s.sum_seconds += seconds;
        if let Some(i) = BUCKETS.iter().position(|&b| seconds <= b) {
            s.buckets[i] += 1;
        }
    }

    /// The text exposition of every series, plus the store's pool and writer queue.
    pub fn render(&self, store: &pocnet_store::Store) -> String {
        let mut out = String::with_capacity(8192);
        let series = self.series.lock().map(|s| s.clone()).unwrap_or_default();

        out.push_str("# HELP pocnet_http_requests_total HTTP requests answered, by method, route template and status class.\n");
        out.push_str("# TYPE pocnet_http_requests_total counter\n");
        for ((method, route, class), s) in &series {
            let _ = writeln!(
                out,
                "pocnet_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{class}\"}} {}",
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP pocnet_http_request_duration_seconds Time from request to response head, by method, route template and status class.\n");
        out.push_str("# TYPE pocnet_http_request_duration_seconds histogram\n");
        for ((method, route, class), s) in &series {
            let labels = format!("method=\"{method}\",route=\"{}\",status=\"{class}\"", escape(route));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets.iter()) {
                cumulative += n;
                let _ = writeln!(out, "pocnet_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "pocnet_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "pocnet_http_request_duration_seconds_sum{{{labels}}} {}", s.sum_seconds);
            let _ = writeln!(out, "pocnet_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        gauge(&mut out, "pocnet_http_requests_in_flight", "Requests being answered now.", self.in_flight.load(Ordering::Relaxed));

        let pool = store.pool();
        let size = u64::from(pool.size());
        let idle = u64::try_from(pool.num_idle()).unwrap_or(u64::MAX);
        out.push_str("# HELP pocnet_db_pool_connections Open database connections, by state.\n");
        out.push_str("# TYPE pocnet_db_pool_connections gauge\n");
        let _ = writeln!(out, "pocnet_db_pool_connections{{state=\"idle\"}} {idle}");
        let _ = writeln!(out, "pocnet_db_pool_connections{{state=\"in_use\"}} {}", size.saturating_sub(idle));
        gauge(&mut out, "pocnet_db_pool_max_connections", "Largest pool size (serve --db-connections).", u64::from(pool.options().get_max_connections()));

        let q = store.writer_queue();
        gauge(&mut out, "pocnet_sqlite_writer_waiting", "Write transactions waiting for SQLite's single writer (0 on PostgreSQL).", q.waiting);
        gauge(&mut out, "pocnet_sqlite_writer_holding", "Write transactions holding SQLite's single writer (0 or 1).", q.holding);
        out.push_str("# HELP pocnet_sqlite_writer_acquired_total Write transactions that got SQLite's writer.\n");
        out.push_str("# TYPE pocnet_sqlite_writer_acquired_total counter\n");
        let _ = writeln!(out, "pocnet_sqlite_writer_acquired_total {}", q.acquired_total);
        out.push_str("# HELP pocnet_sqlite_writer_wait_seconds_total Time write transactions spent waiting for SQLite's writer, summed.\n");
        out.push_str("# TYPE pocnet_sqlite_writer_wait_seconds_total counter\n");
        let _ = writeln!(out, "pocnet_sqlite_writer_wait_seconds_total {}", q.wait_micros_total as f64 / 1e6);

        out.push_str("# HELP pocnet_uptime_seconds Seconds since this server started.\n");
        out.push_str("# TYPE pocnet_uptime_seconds gauge\n");
        let _ = writeln!(out, "pocnet_uptime_seconds {}", self.started.elapsed().as_secs_f64());
        out.push_str("# HELP pocnet_build_info The running version.\n");
        out.push_str("# TYPE pocnet_build_info gauge\n");
        let _ = writeln!(out, "pocnet_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
        out
    }
}

fn gauge(out: &mut String, name: &str, help: &str, value: u64) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
}

/// Escapes a label value (backslash, double quote, newline).
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Middleware: counts the request under its route template and times it.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let registry = state.metrics();
    let method = method_label(req.method());
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    registry.in_flight.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let resp = next.run(req).await;
    registry.in_flight.fetch_sub(1, Ordering::Relaxed);
    registry.record(method, route, status_class(resp.status()), started.elapsed().as_secs_f64());
    resp
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The metrics, for a caller with the metrics token.
///
/// Not an API session: the caller sends the operator's metrics token
/// (`serve --metrics-token`) as `Authorization: Bearer`, so the document
/// declares no session security for it.
#[utoipa::path(get, path = "/metrics", tag = "system",
    description = "Prometheus 指标。仅在配置了 --metrics-token 时提供，调用方须以 Authorization: Bearer 携带该令牌（不是登录会话令牌）。",
    responses(
        (status = 200, description = "Prometheus 文本格式（0.0.4）的运行指标", content_type = "text/plain", body = String),
        (status = 401, description = "缺少或错误的指标令牌（Authorization: Bearer）"),
        (status = 404, description = "未配置指标令牌（--metrics-token）时不提供", body = crate::error::ErrorEnvelope)))]
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let Some(token) = state.config().metrics_token.as_ref() else { return Err(AppError::NotFound) };
    if !bearer(&headers).is_some_and(|sent| token.matches(sent)) {
        let mut resp = (StatusCode::UNAUTHORIZED, "metrics token required\n").into_response();
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"pocnet-metrics\""));
        return Ok(resp);
    }
    let body = state.metrics().render(state.store());
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_printable_and_compared_whole() {
        assert_eq!(MetricsToken::parse("short"), Err(MetricsTokenError::TooShort));
        assert_eq!(MetricsToken::parse("has a space in it, long enough"), Err(MetricsTokenError::BadCharacters));
        let t = MetricsToken::parse("0123456789abcdef").unwrap_or_else(|_| MetricsToken(String::new()));
        assert!(t.matches("0123456789abcdef"));
        assert!(!t.matches("0123456789abcde"));
        assert!(!t.matches("0123456789abcdef0"));
        assert!(!format!("{t:?}").contains("0123"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn buckets_are_per_bound_and_rendered_cumulative() {
        let r = Registry::default();
        r.record("GET", "/x".to_owned(), "2xx", 0.003);
        r.record("GET", "/x".to_owned(), "2xx", 0.2);
        r.record("GET", "/x".to_owned(), "2xx", 30.0);
        let series = r.series.lock().map(|s| s.clone()).unwrap_or_default();
        let s = &series[&("GET", "/x".to_owned(), "2xx")];
        assert_eq!(s.count, 3);
        assert_eq!(s.buckets.iter().sum::<u64>(), 2, "30 s falls only under +Inf");
        assert_eq!(s.buckets[1], 1);
        assert_eq!(s.buckets[6], 1);
    }
}
