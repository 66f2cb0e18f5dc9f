//! The working-day calendar as the bureau uploads it (工作日历): each upload
//! kept with who and when; the calendar in effect is the shipped schedule
//! overlaid by every upload, oldest first (the newest upload of a year wins).
//! Shared by all web nodes through the database.

use crate::audit::{self, Change};
use crate::column::Instant;
use crate::{format_ts, Actor, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::id::CalendarUploadId;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An upload, without its content.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct CalendarUpload {
    /// Id (increasing).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: CalendarUploadId,
    /// The file's name as uploaded.
    pub filename: String,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// The years it covers, e.g. `2027`, comma-separated.
    pub years: String,
    /// When (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub uploaded_at: DateTime<Utc>,
}

/// Records an upload already checked by the domain.
pub async fn add(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, filename: &str, content: &str, years: &[i32]) -> StoreResult<CalendarUpload> {
    let sha = hex::encode(Sha256::digest(content.as_bytes()));
    let years = years.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
    let u: CalendarUpload = sqlx::query_as(
        "INSERT INTO calendar_uploads (filename, content, sha256, years, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, filename, sha256, years, uploaded_at",
    )
    .bind(filename)
    .bind(content)
    .bind(&sha)
    .bind(&years)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "calendar.upload",
            entity_type: "calendar",
            entity_id: u.id.to_string(),
            before: None,
            after: Some(serde_json::json!({"filename": filename, "sha256": sha, "years": years})),
            reason: None,
        },
    )
    .await?;
    Ok(u)
}

/// The newest upload's id, if any (one index lookup: the web nodes' cache key).
pub async fn latest_id(pool: &AnyPool) -> StoreResult<Option<CalendarUploadId>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM calendar_uploads").fetch_one(pool).await?;
    Ok(id.map(CalendarUploadId::new))
}

/// Every upload's content, oldest first (a handful a year).
pub async fn contents(pool: &AnyPool) -> StoreResult<Vec<(CalendarUploadId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, content FROM calendar_uploads ORDER BY id").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id, content)| (CalendarUploadId::new(id), content)).collect())
}

/// The uploads, newest first, without content.
pub async fn list(pool: &AnyPool) -> StoreResult<Vec<CalendarUpload>> {
    Ok(sqlx::query_as("SELECT id, filename, sha256, years, uploaded_at FROM calendar_uploads ORDER BY id DESC LIMIT 50").fetch_all(pool).await?)
}
