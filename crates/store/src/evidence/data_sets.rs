//! Registered data sets and their rights holders (数据登记·确权, migration 0028).

use crate::audit::{self, Change};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::data_rights::RightsHolder;
use pocnet_domain::id::CenterId;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A registered data set.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize, utoipa::ToSchema)]
pub struct DataSet {
    /// Id.
    pub id: i64,
    /// The registering center.
    pub center_id: i64,
    /// The project it came from, if any.
    pub result_id: Option<i64>,
    /// Title.
    pub title: String,
    /// What it holds.
    pub description: String,
    /// The file's name.
    pub filename: String,
    /// The file's SHA-256 (hex).
    pub sha256: String,
    /// Its size in bytes.
    pub size: i64,
    /// Who may use it, on what terms.
    pub access_terms: String,
    /// The current version of its rights holders.
    pub rights_version: i64,
    /// When registered (UTC).
    pub registered_at: String,
}

/// One version of a data set's rights holders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RightsVersion {
    /// Version (from 1).
    pub version: i64,
    /// The holders.
    pub holders: Vec<RightsHolder>,
    /// Why (registration, or the change's reason).
    pub reason: String,
    /// When (UTC).
    pub recorded_at: String,
}

/// What is registered.
pub struct NewDataSet<'a> {
    /// Center.
    pub center_id: CenterId,
    /// Project.
    pub result_id: Option<i64>,
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// File name.
    pub filename: &'a str,
    /// File type.
    pub mime: &'a str,
    /// Its bytes.
    pub content: &'a [u8],
    /// Access terms.
    pub access_terms: &'a str,
    /// Holders.
    pub holders: &'a [RightsHolder],
}

const SELECT: &str = "SELECT id, center_id, result_id, title, description, filename, sha256, size, access_terms, rights_version, registered_at FROM data_sets";

fn holders_json(h: &[RightsHolder]) -> StoreResult<String> {
    serde_json::to_string(h).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Registers a data set in the caller's transaction: its file kept (content-addressed), the
/// record, its first rights version; returns it.
pub async fn register(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, d: &NewDataSet<'_>) -> StoreResult<DataSet> {
    let ts = format_ts(now);
    let sha = crate::registry::keep_blob(conn, d.mime, d.content, &ts).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO data_sets (center_id, result_id, title, description, filename, sha256, size, access_terms, registered_by, registered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(d.center_id.get())
    .bind(d.result_id)
    .bind(d.title)
    .bind(d.description)
    .bind(d.filename)
    .bind(&sha)
    .bind(i64::try_from(d.content.len()).unwrap_or(i64::MAX))
    .bind(d.access_terms)
    .bind(actor.user_column())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let holders = holders_json(d.holders)?;
    sqlx::query("INSERT INTO data_set_rights (data_set_id, version, holders_json, reason, recorded_by, recorded_at) VALUES ($1, 1, $2, $3, $4, $5)")
        .bind(id)
        .bind(&holders)
        .bind("登记")
        .bind(actor.user_column())
        .bind(&ts)
        .execute(&mut *conn)
        .await?;
    audit::record(conn, actor, now, Change { action: "data_set.register", entity_type: "data_set", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"title": d.title, "sha256": sha, "access_terms": d.access_terms, "holders": d.holders})), reason: None }).await?;
    get_in(conn, id).await
}

/// Records a new version of the holders in the caller's transaction, if the caller read version
/// `expected` (else someone changed them meanwhile); returns the data set.
pub async fn change_rights(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, expected: i64, holders: &[RightsHolder], reason: &str) -> StoreResult<DataSet> {
    let ts = format_ts(now);
    let done = sqlx::query("UPDATE data_sets SET rights_version = rights_version + 1 WHERE id = $1 AND rights_version = $2").bind(id).bind(expected).execute(&mut *conn).await?;
    if done.rows_affected() == 0 {
        get_in(conn, id).await?;
        return Err(StoreError::VersionConflict { expected });
    }
    sqlx::query("INSERT INTO data_set_rights (data_set_id, version, holders_json, reason, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(expected + 1)
        .bind(holders_json(holders)?)
        .bind(reason)
        .bind(actor.user_column())
        .bind(&ts)
        .execute(&mut *conn)
        .await?;
    audit::record(conn, actor, now, Change { action: "data_set.rights", entity_type: "data_set", entity_id: id.to_string(), before: None,
        after: Some(serde_json::json!({"version": expected + 1, "holders": holders})), reason: Some(reason) }).await?;
    get_in(conn, id).await
}

async fn get_in(conn: &mut AnyConnection, id: i64) -> StoreResult<DataSet> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)
}

/// The data set with this id.
pub async fn get(pool: &AnyPool, id: i64) -> StoreResult<DataSet> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(pool).await?.ok_or(StoreError::NotFound)
}

/// A center's data sets, newest first.
pub async fn of_center(pool: &AnyPool, center: CenterId) -> StoreResult<Vec<DataSet>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE center_id = $1 ORDER BY id DESC LIMIT 500")).bind(center.get()).fetch_all(pool).await?)
}

/// Every version of a data set's holders, oldest first.
pub async fn rights(pool: &AnyPool, id: i64) -> StoreResult<Vec<RightsVersion>> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT version, holders_json, reason, recorded_at FROM data_set_rights WHERE data_set_id = $1 ORDER BY version").bind(id).fetch_all(pool).await?;
    rows.into_iter()
        .map(|(version, json, reason, recorded_at)| {
            Ok(RightsVersion { version, holders: serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("data_set_rights.holders_json: {e}")))?, reason, recorded_at })
        })
        .collect()
}
