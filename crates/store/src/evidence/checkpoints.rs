//! Signed checkpoints (检查点) and the cosignatures witnesses add to them.

use crate::{format_ts, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_evidence::Hash;
use sqlx::{AnyPool, FromRow};

/// A checkpoint as stored: the tree's size and root and the signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The C2SP signed note (checkpoint body and this installation's signature lines).
    pub note: String,
    /// When it was signed (UTC, RFC 3339).
    pub signed_at: String,
    /// Witnesses that cosigned it.
    pub witnessed_by: i64,
}

#[derive(FromRow)]
struct Row {
    size: i64,
    root: Vec<u8>,
    note: String,
    signed_at: String,
    witnessed_by: i64,
}

impl TryFrom<Row> for StoredCheckpoint {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(StoredCheckpoint {
            size: u64::try_from(r.size).map_err(|_| StoreError::Corrupt(format!("log_checkpoints.size {}", r.size)))?,
            root: Hash::from_slice(&r.root).map_err(|e| StoreError::Corrupt(format!("log_checkpoints.root: {e}")))?,
            note: r.note,
            signed_at: r.signed_at,
            witnessed_by: r.witnessed_by,
        })
    }
}

const SELECT: &str = "SELECT c.size, c.root, c.note, c.signed_at, \
    (SELECT COUNT(*) FROM log_cosignatures w WHERE w.checkpoint_size = c.size) AS witnessed_by FROM log_checkpoints c";

/// Keeps a signed checkpoint; a second one of the same size (another node signed it first) is
/// left out — returns whether this one was kept.
pub async fn keep(pool: &AnyPool, size: u64, root: &Hash, note: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let size = i64::try_from(size).map_err(|_| StoreError::Corrupt(format!("checkpoint size {size}")))?;
    let done = sqlx::query("INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING")
        .bind(size)
        .bind(root.as_bytes().to_vec())
        .bind(note)
        .bind(format_ts(now))
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The newest checkpoint, if any.
pub async fn latest(pool: &AnyPool) -> StoreResult<Option<StoredCheckpoint>> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY c.size DESC LIMIT 1")).fetch_optional(pool).await?;
    row.map(StoredCheckpoint::try_from).transpose()
}

/// The checkpoint of this size.
pub async fn get(pool: &AnyPool, size: u64) -> StoreResult<StoredCheckpoint> {
    let size = i64::try_from(size).map_err(|_| StoreError::NotFound)?;
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE c.size = $1")).bind(size).fetch_optional(pool).await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The first checkpoint whose tree holds leaf `index` (the smallest size above it).
pub async fn first_covering(pool: &AnyPool, index: u64) -> StoreResult<Option<StoredCheckpoint>> {
    let index = i64::try_from(index).map_err(|_| StoreError::NotFound)?;
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE c.size > $1 ORDER BY c.size LIMIT 1")).bind(index).fetch_optional(pool).await?;
    row.map(StoredCheckpoint::try_from).transpose()
}

/// Checkpoints newest first, below size `before` (keyset pages), at most `limit`.
pub async fn list(pool: &AnyPool, before: Option<u64>, limit: i64) -> StoreResult<Vec<StoredCheckpoint>> {
    let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE c.size < $1 ORDER BY c.size DESC LIMIT $2")).bind(before).bind(limit).fetch_all(pool).await?;
    rows.into_iter().map(StoredCheckpoint::try_from).collect()
}

/// Every checkpoint in size order (the full verification checks each).
pub async fn all(pool: &AnyPool) -> StoreResult<Vec<StoredCheckpoint>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY c.size")).fetch_all(pool).await?;
    rows.into_iter().map(StoredCheckpoint::try_from).collect()
}

/// A cosignature as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Cosignature {
    /// The checkpoint's size.
    pub checkpoint_size: i64,
    /// The witness.
    pub witness_id: i64,
    /// Its name.
    pub witness_name: String,
    /// The signature line (`— name base64`).
    pub line: String,
    /// The time the witness signed at (Unix seconds, from the cosignature).
    pub cosigned_at: i64,
    /// When pocnet received it (UTC, RFC 3339).
    pub received_at: String,
}

/// Keeps a witness's cosignature of a checkpoint (a second from the same witness replaces
/// nothing: the first stands); returns whether it was kept.
pub async fn keep_cosignature(pool: &AnyPool, size: u64, witness_id: i64, line: &str, cosigned_at: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let size = i64::try_from(size).map_err(|_| StoreError::NotFound)?;
    let done = sqlx::query(
        "INSERT INTO log_cosignatures (checkpoint_size, witness_id, line, cosigned_at, received_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (checkpoint_size, witness_id) DO NOTHING",
    )
    .bind(size)
    .bind(witness_id)
    .bind(line)
    .bind(cosigned_at)
    .bind(format_ts(now))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The cosignatures of a checkpoint, by witness.
pub async fn cosignatures(pool: &AnyPool, size: u64) -> StoreResult<Vec<Cosignature>> {
    let size = i64::try_from(size).map_err(|_| StoreError::NotFound)?;
    Ok(sqlx::query_as(
        "SELECT c.checkpoint_size, c.witness_id, w.name AS witness_name, c.line, c.cosigned_at, c.received_at \
         FROM log_cosignatures c JOIN log_witnesses w ON w.id = c.witness_id WHERE c.checkpoint_size = $1 ORDER BY c.witness_id",
    )
    .bind(size)
    .fetch_all(pool)
    .await?)
}

/// The newest checkpoint a witness cosigned (where its next cosignature must start from).
pub async fn last_witnessed(pool: &AnyPool, witness_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT MAX(checkpoint_size) FROM log_cosignatures WHERE witness_id = $1").bind(witness_id).fetch_one(pool).await?)
}
