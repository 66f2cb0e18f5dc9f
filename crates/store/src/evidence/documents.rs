//! Signed documents (签章文件): what was signed (the canonical JSON), its hash and
//! signatures, whom it is about. Append-only; the log's trigger queues each.

use crate::audit::{self, Change};
use crate::{format_ts, Actor, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A signed document as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct StoredDocument {
    /// Id.
    pub id: i64,
    /// `verification_report`, `certificate`, `evaluation_result`, `data_registration`.
    pub kind: String,
    /// What it is about (`result`, `center`, `evaluation`, `data_set`).
    pub subject_type: String,
    /// Its id.
    pub subject_id: String,
    /// The document's number (e.g. 概验报〔2026〕3-001号).
    pub number: String,
    /// Title.
    pub title: String,
    /// The canonical JSON that was signed and logged.
    pub canonical: String,
    /// Its SHA-256 (hex).
    pub sha256: String,
    /// The signatures (JSON array of `{key, alg, sig}`).
    pub signatures: String,
    /// When it was issued (UTC).
    pub issued_at: String,
}

/// What is issued.
pub struct NewDocument<'a> {
    /// Kind code.
    pub kind: &'a str,
    /// Subject type.
    pub subject_type: &'a str,
    /// Subject id.
    pub subject_id: String,
    /// Number.
    pub number: &'a str,
    /// Title.
    pub title: &'a str,
    /// Canonical JSON.
    pub canonical: &'a str,
    /// Its SHA-256 (hex).
    pub sha256: &'a str,
    /// Signatures (JSON array).
    pub signatures: &'a str,
}

const SELECT: &str = "SELECT id, kind, subject_type, subject_id, number, title, canonical, sha256, signatures, issued_at FROM signed_documents";

/// Stores a signed document in the caller's transaction (with its audit event); returns its id.
pub async fn insert(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, d: &NewDocument<'_>) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO signed_documents (kind, subject_type, subject_id, number, title, canonical, sha256, signatures, issued_by, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(d.kind)
    .bind(d.subject_type)
    .bind(&d.subject_id)
    .bind(d.number)
    .bind(d.title)
    .bind(d.canonical)
    .bind(d.sha256)
    .bind(d.signatures)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("sha256"))?;
    audit::record(conn, actor, now, Change { action: "document.sign", entity_type: "signed_document", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"kind": d.kind, "subject": format!("{}:{}", d.subject_type, d.subject_id), "number": d.number, "sha256": d.sha256})), reason: None }).await?;
    Ok(id)
}

/// Stores a signed document in a transaction of its own.
pub async fn issue(store: &Store, actor: &Actor, now: DateTime<Utc>, d: &NewDocument<'_>) -> StoreResult<i64> {
    let mut tx = store.write().await?;
    let id = insert(&mut tx, actor, now, d).await?;
    tx.commit().await?;
    Ok(id)
}

/// The document with this id.
pub async fn get(pool: &AnyPool, id: i64) -> StoreResult<StoredDocument> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(pool).await?.ok_or(StoreError::NotFound)
}

/// The document with this SHA-256 (hex), if any.
pub async fn by_sha256(pool: &AnyPool, sha256: &str) -> StoreResult<Option<StoredDocument>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE sha256 = $1")).bind(sha256).fetch_optional(pool).await?)
}

/// The documents about a subject, newest first.
pub async fn of_subject(pool: &AnyPool, subject_type: &str, subject_id: &str) -> StoreResult<Vec<StoredDocument>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE subject_type = $1 AND subject_id = $2 ORDER BY id DESC")).bind(subject_type).bind(subject_id).fetch_all(pool).await?)
}

/// Results with a verification report but no signed one, oldest first (the backfill).
pub async fn unsigned_reports(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT v.result_id FROM verification_reports v WHERE NOT EXISTS (SELECT 1 FROM signed_documents d \
         WHERE d.subject_type = 'result' AND d.subject_id = CAST(v.result_id AS TEXT) AND d.kind = 'verification_report') AND v.result_id > $1 ORDER BY v.result_id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Data sets after `after` with their version and how many signed registration certificates
/// they have, oldest first (the backfill signs those with fewer certificates than versions).
pub async fn data_set_certificates(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.rights_version, (SELECT COUNT(*) FROM signed_documents s WHERE s.subject_type = 'data_set' \
         AND s.subject_id = CAST(d.id AS TEXT)) AS signed FROM data_sets d WHERE d.id > $1 ORDER BY d.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Centers holding a certificate number with no signed certificate of that number (the backfill).
pub async fn uncertified_centers(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT c.id FROM centers c WHERE c.certificate_no IS NOT NULL AND NOT EXISTS (SELECT 1 FROM signed_documents d \
         WHERE d.subject_type = 'center' AND d.subject_id = CAST(c.id AS TEXT) AND d.kind = 'certificate' AND d.number = c.certificate_no) AND c.id > $1 ORDER BY c.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
