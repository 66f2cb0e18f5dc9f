//! Login rate limiting, kept in the database so every web node sees the same
//! count. Failures are counted per username and per client address over a
//! sliding window.

use crate::{format_ts, StoreResult};
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyConnection, AnyPool};

/// The limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures allowed per username in the window.
    pub per_username: i64,
    /// Failures allowed per client address in the window.
    pub per_ip: i64,
    /// The sliding window.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_username: 5, per_ip: 30, window: Duration::minutes(15) }
    }
}

/// If the username or address is locked out, until when.
pub async fn locked_until(
    pool: &AnyPool,
    limits: Limits,
    username: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<DateTime<Utc>>> {
    let since = format_ts(now - limits.window);
    for (column, value, max) in [("username", username, limits.per_username), ("ip", ip, limits.per_ip)] {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT at FROM login_failures WHERE {column} = $1 AND at > $2 ORDER BY at DESC LIMIT $3"
        ))
        .bind(value)
        .bind(&since)
        .bind(max)
        .fetch_all(pool)
        .await?;
        if i64::try_from(rows.len()).unwrap_or(i64::MAX) >= max {
            // Locked until the oldest of the last `max` failures leaves the window.
            if let Some(oldest) = rows.last().and_then(|s| crate::parse_ts(s)) {
                return Ok(Some(oldest + limits.window));
            }
        }
    }
    Ok(None)
}

/// Records a failed login.
pub async fn record_failure(conn: &mut AnyConnection, username: &str, ip: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)")
        .bind(username)
        .bind(ip)
        .bind(format_ts(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets a username's failures after a successful login.
pub async fn clear(conn: &mut AnyConnection, username: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(conn).await?;
    Ok(())
}

/// Deletes failures older than the window (they no longer count).
pub async fn purge(conn: &mut AnyConnection, limits: Limits, now: DateTime<Utc>) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(format_ts(now - limits.window))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
