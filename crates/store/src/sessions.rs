//! Server-side sessions (会话), shared by every web node through the database.
//!
//! The client holds a random token; the table holds only its SHA-256, so a copy
//! of the table cannot be replayed. A session ends at its absolute expiry, after
//! an idle period, at logout, or when the account changes password or is disabled.

use crate::users::{self, User};
use crate::{format_ts, parse_ts, StoreResult};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A live session with its account.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the token (the row id).
    pub id: String,
    /// The token that guards forms of this session against CSRF.
    pub csrf_token: String,
    /// The account.
    pub user: User,
    /// When it was last used.
    pub last_seen_at: DateTime<Utc>,
    /// When it ends regardless of use.
    pub expires_at: DateTime<Utc>,
}

/// Makes a fresh random token (256 bits, URL-safe hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The row id of a token.
pub fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Opens a session for `user_id`; returns the token the client keeps.
pub async fn create(
    conn: &mut AnyConnection,
    user_id: pocnet_domain::id::UserId,
    now: DateTime<Utc>,
    absolute: Duration,
) -> StoreResult<(String, String)> {
    let token = new_token();
    let csrf = new_token();
    let ts = format_ts(now);
    sqlx::query(
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(token_id(&token))
    .bind(user_id.get())
    .bind(&csrf)
    .bind(&ts)
    .bind(format_ts(now + absolute))
    .execute(conn)
    .await?;
    Ok((token, csrf))
}

/// Finds the live session of `token`: not expired, not idle longer than
/// `idle`, account active. Expired sessions are not returned (and are purged
/// by [`purge_expired`]).
pub async fn lookup(pool: &AnyPool, token: &str, now: DateTime<Utc>, idle: Duration) -> StoreResult<Option<Session>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: users::Row,
        session_id: String,
        csrf_token: String,
        last_seen_at: String,
        expires_at: String,
    }
    let sql = format!(
        "{} WHERE s.id = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.is_active = TRUE",
        users::SELECT.replace(
            " FROM users u",
            ", s.id AS session_id, s.csrf_token, s.last_seen_at, s.expires_at FROM sessions s \
             JOIN users u ON u.id = s.user_id",
        )
    );
    let row = sqlx::query_as::<_, Row>(&sql)
        .bind(token_id(token))
        .bind(format_ts(now))
        .bind(format_ts(now - idle))
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let (Some(last_seen_at), Some(expires_at)) = (parse_ts(&row.last_seen_at), parse_ts(&row.expires_at)) else {
        return Err(crate::StoreError::Corrupt("session timestamps".into()));
    };
    Ok(Some(Session {
        id: row.session_id,
        csrf_token: row.csrf_token,
        user: row.user.try_into()?,
        last_seen_at,
        expires_at,
    }))
}

/// Records activity on a session (callers throttle this to once a minute).
pub async fn touch(conn: &mut AnyConnection, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(format_ts(now))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete(conn: &mut AnyConnection, id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(conn).await?;
    Ok(())
}

/// Deletes sessions past their absolute expiry or idle longer than `idle`.
pub async fn purge_expired(conn: &mut AnyConnection, now: DateTime<Utc>, idle: Duration) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(format_ts(now))
        .bind(format_ts(now - idle))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
