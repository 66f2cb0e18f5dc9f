//! Sign-in limits kept in the database, so every web node counts the same
//! attempts (the rules are `domain::login_guard`). An attempt locks its three
//! counter rows, is counted, and commits — all before the slow password hash —
//! so parallel requests queue on the rows instead of slipping past a limit:
//! SQLite has one writer, PostgreSQL holds the row locks of the upsert.

use crate::{format_ts, parse_ts, Page, Paged, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::login_guard::{self, Counter, Counters, LoginPolicy, Refusal, Scope, Success};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, Row};

/// An attempt that was counted and may have its password checked.
#[derive(Debug, Clone)]
pub struct Admitted {
    username: String,
    address: String,
    counters: Counters,
}

/// The row key of one counter.
fn key<'a>(scope: Scope, username: &'a str, address: &'a str) -> (&'static str, &'a str, &'a str) {
    match scope {
        Scope::Pair => (scope.as_str(), username, address),
        Scope::Username => (scope.as_str(), username, ""),
        Scope::Address => (scope.as_str(), "", address),
    }
}

/// Locks one counter row (creating it) and reads it.
async fn lock(conn: &mut AnyConnection, scope: Scope, username: &str, address: &str, now: DateTime<Utc>) -> StoreResult<Counter> {
    let (scope, username, address) = key(scope, username, address);
    let row = sqlx::query(
        "INSERT INTO login_guards (scope, username, address, failures, last_attempt) VALUES ($1, $2, $3, 0, $4) \
         ON CONFLICT (scope, username, address) DO UPDATE SET failures = login_guards.failures \
         RETURNING failures, last_attempt, blocked_until, last_success",
    )
    .bind(scope)
    .bind(username)
    .bind(address)
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let failures: i64 = row.try_get("failures")?;
    let last_attempt: String = row.try_get("last_attempt")?;
    let blocked_until: Option<String> = row.try_get("blocked_until")?;
    let last_success: Option<String> = row.try_get("last_success")?;
    Ok(Counter {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        last_attempt: parse_ts(&last_attempt).unwrap_or(now),
        blocked_until: blocked_until.as_deref().and_then(parse_ts),
        last_success: last_success.as_deref().and_then(parse_ts),
    })
}

async fn save(conn: &mut AnyConnection, scope: Scope, username: &str, address: &str, c: &Counter) -> StoreResult<()> {
    let (scope, username, address) = key(scope, username, address);
    sqlx::query(
        "UPDATE login_guards SET failures = $4, last_attempt = $5, blocked_until = $6, last_success = $7 \
         WHERE scope = $1 AND username = $2 AND address = $3",
    )
    .bind(scope)
    .bind(username)
    .bind(address)
    .bind(i64::from(c.failures))
    .bind(format_ts(c.last_attempt))
    .bind(c.blocked_until.map(format_ts))
    .bind(c.last_success.map(format_ts))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts a sign-in attempt for `username` (already normalised) from
/// `address`, or says why it is refused. Commits before returning.
pub async fn admit(
    store: &Store,
    policy: &LoginPolicy,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> StoreResult<Result<Admitted, Refusal>> {
    let mut tx = store.write().await?;
    let pair = lock(&mut tx, Scope::Pair, username, address, now).await?;
    let by_name = lock(&mut tx, Scope::Username, username, address, now).await?;
    let by_address = lock(&mut tx, Scope::Address, username, address, now).await?;
    let current = Counters { pair, username: by_name, address: by_address };
    let decided = match login_guard::admit(policy, current, now) {
        Ok(next) => {
            for (scope, c) in [(Scope::Pair, next.pair), (Scope::Username, next.username), (Scope::Address, next.address)] {
                save(&mut tx, scope, username, address, &c).await?;
            }
            Ok(Admitted { username: username.to_owned(), address: address.to_owned(), counters: current })
        }
        Err(refusal) => Err(refusal),
    };
    tx.commit().await?;
    Ok(decided)
}

/// The password proved right: the pair starts afresh and its address becomes
/// known; the shared counters get the attempt back. Runs in the caller's
/// transaction (the one that opens the session).
pub async fn succeeded(conn: &mut AnyConnection, policy: &LoginPolicy, admitted: &Admitted, now: DateTime<Utc>) -> StoreResult<()> {
    let Success { reset_pair, give_back_shared } = login_guard::on_success(policy, &admitted.counters, now);
    let (u, a) = (admitted.username.as_str(), admitted.address.as_str());
    if reset_pair {
        let fresh = Counter { failures: 0, last_attempt: now, blocked_until: None, last_success: Some(now) };
        save(conn, Scope::Pair, u, a, &fresh).await?;
    }
    if give_back_shared {
        for scope in [Scope::Username, Scope::Address] {
            let (scope, username, address) = key(scope, u, a);
            sqlx::query(
                "UPDATE login_guards SET failures = failures - 1 \
                 WHERE scope = $1 AND username = $2 AND address = $3 AND failures > 0",
            )
            .bind(scope)
            .bind(username)
            .bind(address)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// A counter that refuses attempts now, as the bureau sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Block {
    /// `pair` (a name from one address), `username` (a name from anywhere) or `address` (an address for any name).
    #[serde(serialize_with = "scope_code")]
    #[schema(value_type = String)]
    pub scope: Scope,
    /// Chinese label of the scope.
    pub scope_label: String,
    /// The login name ('' for an address block).
    pub username: String,
    /// The client address ('' for a name block).
    pub address: String,
    /// Failures counted.
    pub failures: i64,
    /// Attempts are refused until then (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub blocked_until: DateTime<Utc>,
    /// The last attempt counted (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub last_attempt: DateTime<Utc>,
}

/// A scope in JSON: its stored code.
fn scope_code<S: serde::Serializer>(scope: &Scope, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(scope.as_str())
}

/// Counters refusing attempts at `now`, the longest wait first.
pub async fn blocks(pool: &AnyPool, now: DateTime<Utc>, page: Page) -> StoreResult<Paged<Block>> {
    let now = format_ts(now);
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_guards WHERE blocked_until > $1")
        .bind(&now)
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query(
        "SELECT scope, username, address, failures, blocked_until, last_attempt FROM login_guards \
         WHERE blocked_until > $1 ORDER BY blocked_until DESC, scope, username, address LIMIT $2 OFFSET $3",
    )
    .bind(&now)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let code: String = r.try_get("scope")?;
            let scope = Scope::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("login_guards.scope: “{code}” is not a scope")))?;
            Ok(Block {
                scope_label: scope.label_zh().to_owned(),
                scope,
                username: r.try_get("username")?,
                address: r.try_get("address")?,
                failures: r.try_get("failures")?,
                blocked_until: crate::read_ts("login_guards.blocked_until", &r.try_get::<Option<String>, _>("blocked_until")?.unwrap_or_default())?,
                last_attempt: crate::read_ts("login_guards.last_attempt", &r.try_get::<String, _>("last_attempt")?)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Paged::exact(items, total, page))
}

/// The bureau lifts the limits on a login name (every address) and/or an
/// address (every name): their failures are forgotten. Known addresses stay
/// known. Returns how many counters were lifted.
pub async fn release(conn: &mut AnyConnection, username: Option<&str>, address: Option<&str>) -> StoreResult<u64> {
    let mut lifted = 0;
    for (column, value) in [("username", username), ("address", address)] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let done = sqlx::query(&format!(
                "UPDATE login_guards SET failures = 0, blocked_until = NULL WHERE {column} = $1 AND (failures > 0 OR blocked_until IS NOT NULL)"
            ))
            .bind(v)
            .execute(&mut *conn)
            .await?;
            lifted += done.rows_affected();
        }
    }
    Ok(lifted)
}

/// Deletes counters with nothing left to remember: quiet for the window, not
/// blocking, and no known address to keep. Returns how many were deleted.
pub async fn purge(conn: &mut AnyConnection, policy: &LoginPolicy, now: DateTime<Utc>) -> StoreResult<u64> {
    let done = sqlx::query(
        "DELETE FROM login_guards WHERE last_attempt <= $1 \
         AND (blocked_until IS NULL OR blocked_until <= $2) \
         AND (last_success IS NULL OR last_success <= $3)",
    )
    .bind(format_ts(now - policy.window))
    .bind(format_ts(now))
    .bind(format_ts(now - policy.known_for))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
