//! The screening panel of a result (入库评价遴选): experts invited by the
//! center, each declaring no conflict with the confidentiality pledge (or
//! recusing / declining, with the reason kept) before seeing the materials,
//! then scoring on the center's sheet; the panel's result is written back to
//! the result with every score.

use crate::audit::{self, Change};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::review::{aggregate, Aggregate, ScoreSheet};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An expert on a result's screening panel.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Review {
    /// Expert id.
    pub expert_id: i64,
    /// Name.
    pub name: String,
    /// Organisation.
    pub org_name: String,
    /// `pending`, `no_conflict`, `recused` or `declined`.
    pub conflict_status: String,
    /// Why the expert recused or declined.
    pub recusal_reason: String,
    /// Scores per dimension (JSON object).
    pub scores_json: String,
    /// Weighted total in hundredths of a point.
    pub total_hundredths: Option<i64>,
    /// Comments.
    pub comments: String,
    /// When scored.
    pub scored_at: Option<String>,
    /// The vacated seat (recused or declined expert) this expert fills.
    pub replaces_expert_id: Option<i64>,
}

impl Review {
    /// Whether the expert left the panel (recused for a conflict or declined).
    pub fn vacated(&self) -> bool {
        matches!(self.conflict_status.as_str(), "recused" | "declined")
    }
}

/// The screening panel of a result.
pub async fn panel<'e, E>(executor: E, id: i64) -> StoreResult<Vec<Review>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(
        "SELECT v.expert_id, e.name, o.name AS org_name, v.conflict_status, v.recusal_reason, v.scores_json, v.total_hundredths, \
         v.comments, v.scored_at, v.replaces_expert_id FROM result_reviews v JOIN experts e ON e.id = v.expert_id JOIN organisations o ON o.id = e.org_id \
         WHERE v.result_id = $1 ORDER BY e.name",
    )
    .bind(id)
    .fetch_all(executor)
    .await?)
}

/// The results an expert is invited to screen (ids).
pub async fn assigned_to(pool: &AnyPool, expert_id: i64) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT result_id, conflict_status FROM result_reviews WHERE expert_id = $1 ORDER BY result_id").bind(expert_id).fetch_all(pool).await?)
}

fn change<'a>(action: &'a str, id: i64, after: serde_json::Value, reason: Option<&'a str>) -> Change<'a> {
    Change { action, entity_type: "result", entity_id: id.to_string(), before: None, after: Some(after), reason }
}

/// Invites an expert to the panel (once), possibly into the seat of one who left.
pub async fn assign(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, expert_id: i64, replaces: Option<i64>) -> StoreResult<()> {
    let due = pocnet_domain::review::review_due(crate::time::china_day(now));
    sqlx::query("INSERT INTO result_reviews (result_id, expert_id, assigned_at, replaces_expert_id, due_on) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(expert_id)
        .bind(format_ts(now))
        .bind(replaces)
        .bind(due.to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "expert_id" },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => StoreError::Db(e),
        })?;
    audit::record(conn, actor, now, change("result.panel.assign", id, serde_json::json!({"expert_id": expert_id, "replaces": replaces}), None)).await
}

/// Records an expert's declaration (`no_conflict`, `recused`, `declined`); once made it stays.
pub async fn declare(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, expert_id: i64, status: &'static str, reason: &str) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE result_reviews SET conflict_status = $1, recusal_reason = $2, declared_at = $3 \
         WHERE result_id = $4 AND expert_id = $5 AND conflict_status = 'pending'",
    )
    .bind(status)
    .bind(reason)
    .bind(format_ts(now))
    .bind(id)
    .bind(expert_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: 0 });
    }
    let after = serde_json::json!({"expert_id": expert_id, "status": status, "pledge": status == "no_conflict"});
    audit::record(conn, actor, now, change("result.panel.declare", id, after, (!reason.is_empty()).then_some(reason))).await
}

/// Records (or revises) an expert's scores, then writes the panel's result
/// back to the result; returns that result.
#[allow(clippy::too_many_arguments)]
pub async fn score(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    expert_id: i64,
    scores_json: &str,
    total_hundredths: i64,
    comments: &str,
    sheet: &ScoreSheet,
) -> StoreResult<Option<Aggregate>> {
    let done = sqlx::query(
        "UPDATE result_reviews SET total_hundredths = $1, scores_json = $2, comments = $3, scored_at = $4 \
         WHERE result_id = $5 AND expert_id = $6 AND conflict_status = 'no_conflict'",
    )
    .bind(total_hundredths)
    .bind(scores_json)
    .bind(comments)
    .bind(format_ts(now))
    .bind(id)
    .bind(expert_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let after = serde_json::json!({"expert_id": expert_id, "total": total_hundredths as f64 / 100.0, "scores": serde_json::from_str::<serde_json::Value>(scores_json).unwrap_or_default()});
    audit::record(&mut *conn, actor, now, change("result.panel.score", id, after, None)).await?;
    let totals: Vec<Option<i64>> = sqlx::query_scalar("SELECT total_hundredths FROM result_reviews WHERE result_id = $1 AND total_hundredths IS NOT NULL")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let totals: Vec<u32> = totals.into_iter().flatten().filter_map(|t| u32::try_from(t).ok()).collect();
    let result = aggregate(sheet, &totals);
    sqlx::query("UPDATE research_results SET screening_result_json = $1 WHERE id = $2")
        .bind(result.as_ref().map(|r| serde_json::to_string(r).unwrap_or_default()))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(result)
}

/// The results a center is screening that have no panel yet, oldest first (at most 2,000).
pub async fn unstaffed(pool: &AnyPool, center_id: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT r.id FROM research_results r WHERE r.center_id = $1 AND r.state = 'screening' \
         AND NOT EXISTS (SELECT 1 FROM result_reviews v WHERE v.result_id = r.id) ORDER BY r.id LIMIT 2000",
    )
    .bind(center_id)
    .fetch_all(pool)
    .await?)
}

/// The results a center is screening, oldest first (at most 2,000).
pub async fn in_screening(pool: &AnyPool, center_id: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM research_results WHERE center_id = $1 AND state = 'screening' ORDER BY id LIMIT 2000")
        .bind(center_id)
        .fetch_all(pool)
        .await?)
}
