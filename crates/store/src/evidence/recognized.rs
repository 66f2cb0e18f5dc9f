//! Reports of other installations a center accepted (互认成果, migration 0027).

use crate::audit::{self, Change};
use crate::{format_ts, Actor, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::id::CenterId;
use serde::Serialize;
use sqlx::{AnyPool, FromRow};

/// A report accepted by a center.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, utoipa::ToSchema)]
pub struct RecognizedReport {
    /// Id.
    pub id: i64,
    /// The accepting center.
    pub center_id: i64,
    /// The issuing installation's log.
    pub origin: String,
    /// The report's leaf there.
    pub log_index: i64,
    /// SHA-256 of the signed report (hex).
    pub document_sha256: String,
    /// Its number.
    pub report_no: String,
    /// The project's title.
    pub title: String,
    /// The issuing center.
    pub issuer: String,
    /// TRL reached.
    pub trl_after: Option<i64>,
    /// `go_pilot`, `continue` or `stop`.
    pub recommendation: String,
    /// Why the center accepts it.
    pub note: String,
    /// When (UTC).
    pub accepted_at: String,
}

/// What is accepted.
pub struct NewRecognized<'a> {
    /// Origin.
    pub origin: &'a str,
    /// Leaf index.
    pub log_index: i64,
    /// SHA-256.
    pub document_sha256: &'a str,
    /// Number.
    pub report_no: &'a str,
    /// Title.
    pub title: &'a str,
    /// Issuer.
    pub issuer: &'a str,
    /// TRL.
    pub trl_after: Option<i64>,
    /// Recommendation code.
    pub recommendation: &'a str,
    /// The bundle as checked.
    pub bundle: &'a str,
    /// Note.
    pub note: &'a str,
}

const SELECT: &str = "SELECT id, center_id, origin, log_index, document_sha256, report_no, title, issuer, trl_after, recommendation, note, accepted_at FROM recognized_reports";

/// Records a center's acceptance (once per report and center).
pub async fn accept(store: &Store, actor: &Actor, now: DateTime<Utc>, center: CenterId, r: &NewRecognized<'_>) -> StoreResult<i64> {
    let mut tx = store.write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO recognized_reports (center_id, origin, log_index, document_sha256, report_no, title, issuer, trl_after, recommendation, bundle, note, accepted_by, accepted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(center.get())
    .bind(r.origin)
    .bind(r.log_index)
    .bind(r.document_sha256)
    .bind(r.report_no)
    .bind(r.title)
    .bind(r.issuer)
    .bind(r.trl_after)
    .bind(r.recommendation)
    .bind(r.bundle)
    .bind(r.note)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .fetch_one(&mut *tx)
    .await
    .map_err(StoreError::on_unique("file"))?;
    audit::record(&mut tx, actor, now, Change { action: "result.report.recognize", entity_type: "center", entity_id: center.get().to_string(), before: None,
        after: Some(serde_json::json!({"origin": r.origin, "log_index": r.log_index, "sha256": r.document_sha256, "report_no": r.report_no, "title": r.title})), reason: Some(r.note) }).await?;
    tx.commit().await?;
    Ok(id)
}

/// A center's accepted reports, newest first.
pub async fn of_center(pool: &AnyPool, center: CenterId) -> StoreResult<Vec<RecognizedReport>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE center_id = $1 ORDER BY id DESC LIMIT 500")).bind(center.get()).fetch_all(pool).await?)
}
