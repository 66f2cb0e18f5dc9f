//! Settings of the web layer.

use chrono::Duration;
use pocnet_domain::calendar::HolidayCalendar;
use pocnet_domain::policy::Profile;
use pocnet_domain::login_guard::LoginPolicy;
use std::sync::Arc;

/// Settings of the web layer (the CLI fills them from flags and environment).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve behind HTTPS in production).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after login, however active.
    pub session_absolute: Duration,
    /// Sign-in limits (domain::login_guard).
    pub login_policy: LoginPolicy,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Whether demo mode is on (the login page then lists the demo accounts).
    pub demo: bool,
    /// The policy profiles in effect (shipped, replaced or joined by the data directory's).
    pub policies: Arc<Vec<Profile>>,
    /// The working-day calendar (State Council schedule, or the data directory's).
    pub calendar: Arc<HolidayCalendar>,
    /// Largest evidence document accepted, in bytes.
    pub max_upload_bytes: usize,
    /// The bearer token that opens `/metrics`; without one `/metrics` is not served.
    pub metrics_token: Option<crate::metrics::MetricsToken>,
    /// Where the search index lives (`<data-dir>/search`); none: in memory (tests).
    pub search_dir: Option<std::path::PathBuf>,
    /// Where the log's signing keys live (`<data-dir>/keys`, made there at first start); none:
    /// keys made in memory for this process only (tests).
    pub log_keys_dir: Option<std::path::PathBuf>,
    /// The log's origin when its keys are made (e.g. `kjj.wenzhou.gov.cn/pocnet`).
    pub log_origin: String,
    /// How long a search may rely on the outbox read by an earlier one when nothing was
    /// written through this server since ([`pocnet_app::search::Freshness`]).
    pub search_recheck: std::time::Duration,
}

pub use pocnet_app::context::{shipped_calendar, shipped_policies};

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            login_policy: LoginPolicy::default(),
            trusted_proxies: Vec::new(),
            max_body_bytes: 1024 * 1024,
            demo: false,
            policies: Arc::new(shipped_policies()),
            calendar: Arc::new(shipped_calendar()),
            max_upload_bytes: 10 * 1024 * 1024,
            metrics_token: None,
            search_dir: None,
            log_keys_dir: None,
            log_origin: "pocnet.localhost/log".to_owned(),
            search_recheck: std::time::Duration::from_millis(100),
        }
    }
}
