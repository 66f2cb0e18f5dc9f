//! Verification reports (验证报告) a center issues, and mutual recognition
//! (结果互认, 000 二(三)): another center records that it accepts an issued
//! report instead of verifying again.

use pocnet_domain::library::verification::Recommendation;
use crate::audit::{self, Change};
use crate::column::{Code, Day};
use pocnet_domain::id::{CenterId, ResultId};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use pocnet_domain::library::verification::Report;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An issued report.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ReportRecord {
    /// The result it reports on.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub result_id: ResultId,
    /// The report's number, e.g. `概验报〔2026〕7-001号`.
    pub report_no: String,
    /// The issuing center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// The project's title.
    pub title: String,
    /// Conclusion.
    pub summary: String,
    /// Findings per milestone (JSON `[{"milestone_id", "finding"}]`).
    pub findings_json: String,
    /// Level reached.
    pub trl_after: i64,
    /// `go_pilot`, `continue` or `stop`.
    #[sqlx(try_from = "Code<Recommendation>")]
    pub recommendation: Recommendation,
    /// Day issued.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub issued_on: NaiveDate,
}

const SELECT: &str = "SELECT v.result_id, v.report_no, v.center_id, c.name AS center_name, r.title, v.summary, v.findings_json, \
    v.trl_after, v.recommendation, v.issued_on FROM verification_reports v JOIN centers c ON c.id = v.center_id \
    JOIN research_results r ON r.id = v.result_id";

/// The report on a result, if issued.
pub async fn report<'e, E>(executor: E, id: ResultId) -> StoreResult<Option<ReportRecord>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(&format!("{SELECT} WHERE v.result_id = $1")).bind(id.get()).fetch_optional(executor).await?)
}

/// Issued reports whose title, number or center name contains `q`, newest first (at most 50).
pub async fn search(pool: &AnyPool, q: &str) -> StoreResult<Vec<ReportRecord>> {
    let like = format!("%{}%", q.trim());
    Ok(sqlx::query_as(&format!("{SELECT} WHERE r.title LIKE $1 OR v.report_no LIKE $1 OR c.name LIKE $1 ORDER BY v.issued_on DESC, v.result_id DESC LIMIT 50"))
        .bind(like)
        .fetch_all(pool)
        .await?)
}

/// The reports of the results among `ids` (the search index), at most a thousand ids a call.
pub async fn many(pool: &AnyPool, ids: &[i64]) -> StoreResult<Vec<ReportRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as(&format!("{SELECT} WHERE v.result_id IN ({list}) ORDER BY v.result_id")).fetch_all(pool).await?)
}

/// The results after `after` that have a report, in order, at most `limit` (a rebuild's batches).
pub async fn ids_after(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT result_id FROM verification_reports WHERE result_id > $1 ORDER BY result_id LIMIT $2").bind(after).bind(limit).fetch_all(pool).await?)
}

/// Writes the report of a result (once) with the next number of the center's year.
pub async fn issue(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ResultId, center_id: CenterId, r: &Report, today: NaiveDate) -> StoreResult<ReportRecord> {
    let key = format!("report_seq:{center_id}:{}", today.year());
    let value: String = sqlx::query_scalar(
        "INSERT INTO settings (key, value) VALUES ($1, '1') ON CONFLICT (key) DO UPDATE \
         SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT) RETURNING value",
    )
    .bind(&key)
    .fetch_one(&mut *conn)
    .await?;
    let seq: i64 = value.trim().parse().map_err(|_| StoreError::Corrupt(format!("{key}: {value}")))?;
    let report_no = format!("概验报〔{}〕{center_id}-{seq:03}号", today.year());
    sqlx::query(
        "INSERT INTO verification_reports (result_id, report_no, center_id, summary, findings_json, trl_after, recommendation, issued_on, issued_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.get())
    .bind(&report_no)
    .bind(center_id.get())
    .bind(&r.summary)
    .bind(serde_json::to_string(&r.findings).unwrap_or_else(|_| "[]".into()))
    .bind(i64::from(r.trl_after.level()))
    .bind(r.recommendation.as_str())
    .bind(today.to_string())
    .bind(actor.user_column())
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "report" },
        _ => StoreError::Db(e),
    })?;
    let after = report(&mut *conn, id).await?.ok_or(StoreError::NotFound)?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "result.report.issue",
            entity_type: "result",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"report_no": report_no, "recommendation": r.recommendation, "trl_after": r.trl_after.level()})),
            reason: None,
        },
    )
    .await?;
    Ok(after)
}

/// A center's acceptance of another center's report.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Acceptance {
    /// The accepting center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Why / how it relies on the report.
    pub note: String,
    /// Day recorded.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub accepted_on: NaiveDate,
}

/// The centers that accepted a result's report.
pub async fn acceptances(pool: &AnyPool, id: ResultId) -> StoreResult<Vec<Acceptance>> {
    Ok(sqlx::query_as(
        "SELECT a.center_id, c.name AS center_name, a.note, a.accepted_on FROM report_acceptances a JOIN centers c ON c.id = a.center_id \
         WHERE a.result_id = $1 ORDER BY a.accepted_on, c.name",
    )
    .bind(id.get())
    .fetch_all(pool)
    .await?)
}

/// Records that `center_id` accepts the report on result `id` (once).
pub async fn accept(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ResultId, center_id: CenterId, note: &str, today: NaiveDate) -> StoreResult<()> {
    sqlx::query("INSERT INTO report_acceptances (result_id, center_id, note, accepted_by, accepted_on) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.get())
        .bind(center_id.get())
        .bind(note)
        .bind(actor.user_column())
        .bind(today.to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "center_id" },
            _ => StoreError::Db(e),
        })?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "result.report.accept",
            entity_type: "result",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"center_id": center_id, "note": note, "at": format_ts(now)})),
            reason: None,
        },
    )
    .await
}
