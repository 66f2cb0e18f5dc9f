//! Public keys (公钥): this installation's own (current and retired, published
//! at the well-known address), the witnesses whose cosignatures the bureau
//! accepts, and the other installations whose signed documents it trusts.
//! Private keys never reach the database: they live under the data directory.

use crate::audit::{self, Change};
use crate::{format_ts, Actor, StoreError, StoreResult, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// One of this installation's public keys.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, utoipa::ToSchema)]
pub struct PublishedKey {
    /// The key in C2SP vkey form (`name+id+base64`).
    pub vkey: String,
    /// `ed25519` or `sm2`.
    pub alg: String,
    /// When it was made (UTC).
    pub created_at: String,
    /// When it was replaced by a newer key (UTC), if it was.
    pub retired_at: Option<String>,
}

/// Publishes the current keys: each is added if new; every other key is marked retired (once).
pub async fn publish_current(pool: &AnyPool, current: &[(String, &str)], now: DateTime<Utc>) -> StoreResult<()> {
    let ts = format_ts(now);
    for (vkey, alg) in current {
        sqlx::query("INSERT INTO log_keys (vkey, alg, created_at) VALUES ($1, $2, $3) ON CONFLICT (vkey) DO NOTHING")
            .bind(vkey)
            .bind(*alg)
            .bind(&ts)
            .execute(pool)
            .await?;
    }
    let keep: Vec<&str> = current.iter().map(|(v, _)| v.as_str()).collect();
    for key in published(pool).await? {
        if key.retired_at.is_none() && !keep.contains(&key.vkey.as_str()) {
            sqlx::query("UPDATE log_keys SET retired_at = $1 WHERE vkey = $2").bind(&ts).bind(&key.vkey).execute(pool).await?;
        }
    }
    Ok(())
}

/// Every key this installation has signed with, current first.
pub async fn published(pool: &AnyPool) -> StoreResult<Vec<PublishedKey>> {
    Ok(sqlx::query_as("SELECT vkey, alg, created_at, retired_at FROM log_keys ORDER BY (retired_at IS NULL) DESC, created_at DESC, alg, vkey").fetch_all(pool).await?)
}

/// A witness or a trusted installation: a name and its public key(s).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, utoipa::ToSchema)]
pub struct TrustedKey {
    /// Id.
    pub id: i64,
    /// Who it is (e.g. 浙江省科学技术厅).
    pub name: String,
    /// Its log origin (trusted installations) or its key name (witnesses).
    pub origin: String,
    /// Its public keys in vkey form, one per line.
    pub vkeys: String,
    /// A note by the bureau.
    pub note: String,
    /// When the bureau added it (UTC).
    pub added_at: String,
}

/// Adds a witness; the same key twice is a duplicate.
pub async fn add_witness(store: &Store, actor: &Actor, now: DateTime<Utc>, name: &str, vkey: &str, note: &str) -> StoreResult<i64> {
    let mut tx = store.write().await?;
    let id = insert_witness(&mut tx, actor, now, name, vkey, note).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a witness in the caller's transaction (the demo's loader; [`add_witness`] otherwise).
pub async fn insert_witness(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, name: &str, vkey: &str, note: &str) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar("INSERT INTO log_witnesses (name, vkey, note, added_by, added_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(name)
        .bind(vkey)
        .bind(note)
        .bind(actor.user_column())
        .bind(format_ts(now))
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::on_unique("vkey"))?;
    audit::record(conn, actor, now, Change { action: "log.witness.add", entity_type: "log_witness", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"name": name, "vkey": vkey, "note": note})), reason: None }).await?;
    Ok(id)
}

/// Removes a witness (its cosignatures stay, marked as of a removed witness).
pub async fn remove_witness(store: &Store, actor: &Actor, now: DateTime<Utc>, id: i64, reason: &str) -> StoreResult<()> {
    let mut tx = store.write().await?;
    let done = sqlx::query("UPDATE log_witnesses SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL").bind(format_ts(now)).bind(id).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(&mut tx, actor, now, Change { action: "log.witness.remove", entity_type: "log_witness", entity_id: id.to_string(), before: None, after: None, reason: Some(reason) }).await?;
    tx.commit().await?;
    Ok(())
}

/// The witnesses in force, oldest first.
pub async fn witnesses(pool: &AnyPool) -> StoreResult<Vec<TrustedKey>> {
    Ok(sqlx::query_as("SELECT id, name, name AS origin, vkey AS vkeys, note, added_at FROM log_witnesses WHERE removed_at IS NULL ORDER BY id").fetch_all(pool).await?)
}

/// Adds an installation to the trust list (互认): its origin, name and keys.
pub async fn add_trusted(store: &Store, actor: &Actor, now: DateTime<Utc>, origin: &str, name: &str, vkeys: &str) -> StoreResult<i64> {
    let mut tx = store.write().await?;
    let id = insert_trusted(&mut tx, actor, now, origin, name, vkeys).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds to the trust list in the caller's transaction (the demo's loader; [`add_trusted`] otherwise).
pub async fn insert_trusted(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, origin: &str, name: &str, vkeys: &str) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar("INSERT INTO trusted_logs (origin, name, vkeys, added_by, added_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(origin)
        .bind(name)
        .bind(vkeys)
        .bind(actor.user_column())
        .bind(format_ts(now))
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::on_unique("origin"))?;
    audit::record(conn, actor, now, Change { action: "log.trust.add", entity_type: "trusted_log", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"origin": origin, "name": name, "vkeys": vkeys})), reason: None }).await?;
    Ok(id)
}

/// Takes an installation off the trust list.
pub async fn remove_trusted(store: &Store, actor: &Actor, now: DateTime<Utc>, id: i64, reason: &str) -> StoreResult<()> {
    let mut tx = store.write().await?;
    let done = sqlx::query("UPDATE trusted_logs SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL").bind(format_ts(now)).bind(id).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(&mut tx, actor, now, Change { action: "log.trust.remove", entity_type: "trusted_log", entity_id: id.to_string(), before: None, after: None, reason: Some(reason) }).await?;
    tx.commit().await?;
    Ok(())
}

/// The installations trusted now, oldest first.
pub async fn trusted(pool: &AnyPool) -> StoreResult<Vec<TrustedKey>> {
    Ok(sqlx::query_as("SELECT id, name, origin, vkeys, '' AS note, added_at FROM trusted_logs WHERE removed_at IS NULL ORDER BY id").fetch_all(pool).await?)
}
