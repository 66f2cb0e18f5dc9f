//! The 转化培育清单 (002 三(二)): results the bureau lists into a year's list.

use crate::audit::{self, Change};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::id::ResultId;
use sqlx::{AnyConnection, AnyPool};

/// Lists a result into `year`'s list (a second time is a duplicate).
pub async fn add(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, year: i64, result: ResultId, reason: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO cultivation_entries (year, result_id, reason, added_at) VALUES ($1, $2, $3, $4)")
        .bind(year)
        .bind(result.get())
        .bind(reason)
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await
        .map_err(StoreError::on_unique("year"))?;
    let after = serde_json::json!({"year": year});
    audit::record(conn, actor, now, Change { action: "result.cultivation.add", entity_type: "result", entity_id: result.to_string(), before: None, after: Some(after), reason: Some(reason) }).await
}

/// Takes a result off `year`'s list.
pub async fn remove(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, year: i64, result: ResultId, reason: &str) -> StoreResult<()> {
    let n = sqlx::query("DELETE FROM cultivation_entries WHERE year = $1 AND result_id = $2").bind(year).bind(result.get()).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let before = serde_json::json!({"year": year});
    audit::record(conn, actor, now, Change { action: "result.cultivation.remove", entity_type: "result", entity_id: result.to_string(), before: Some(before), after: None, reason: Some(reason) }).await
}

/// The years whose lists hold a result, newest first, with the reasons.
pub async fn of_result(pool: &AnyPool, result: ResultId) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT year, reason FROM cultivation_entries WHERE result_id = $1 ORDER BY year DESC").bind(result.get()).fetch_all(pool).await?)
}

/// How many results a year's list holds.
pub async fn count(pool: &AnyPool, year: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cultivation_entries WHERE year = $1").bind(year).fetch_one(pool).await?)
}
