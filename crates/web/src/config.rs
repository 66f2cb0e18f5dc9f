//! Settings of the web layer.

use chrono::Duration;
use pocnet_store::login_throttle::Limits;

/// Settings of the web layer (the CLI fills them from flags and environment).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve behind HTTPS in production).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after login, however active.
    pub session_absolute: Duration,
    /// Login rate limits.
    pub login_limits: Limits,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Whether demo mode is on (the login page then lists the demo accounts).
    pub demo: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            login_limits: Limits::default(),
            max_body_bytes: 1024 * 1024,
            demo: false,
        }
    }
}
