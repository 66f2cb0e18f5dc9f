//! Panel assignment runs (智能组建专家组): what the solver was given and what
//! it returned, with the seed of a random draw, kept for replay; a run is
//! previewed, then confirmed once.

use crate::audit::{self, Change};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use crate::column::{Code, Instant, MaybeInstant, NullableId};
use pocnet_domain::id::{CallId, CenterId, RoundId, RunId};
use pocnet_domain::panel::{RunPurpose, RunStatus};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored run.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Run {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: RunId,
    /// The call whose applications it staffs (application review).
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub call_id: Option<CallId>,
    /// The center whose screening panels it staffs (screening).
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<CenterId>,
    /// The evaluation round whose panels it staffs (evaluation).
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub round_id: Option<RoundId>,
    /// What it staffs.
    #[sqlx(try_from = "Code<RunPurpose>")]
    pub purpose: RunPurpose,
    /// Solver input (JSON, the `pocnet panels assign` format).
    pub input_json: String,
    /// Solver output (JSON).
    pub output_json: String,
    /// Seed of the random draw, if randomised.
    pub seed: Option<i64>,
    /// Objective in millionths.
    pub objective_micro: i64,
    /// Upper bound in millionths.
    pub bound_micro: i64,
    /// Preview or confirmed.
    #[sqlx(try_from = "Code<RunStatus>")]
    pub status: RunStatus,
    /// When made (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
    /// When confirmed (UTC).
    #[sqlx(try_from = "MaybeInstant")]
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub confirmed_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT id, call_id, center_id, round_id, purpose, input_json, output_json, seed, objective_micro, bound_micro, status, created_at, confirmed_at FROM assignment_runs";

/// What a new run holds.
pub struct NewRun<'a> {
    /// Call (application review).
    pub call_id: Option<CallId>,
    /// Center (screening).
    pub center_id: Option<CenterId>,
    /// Evaluation round (evaluation).
    pub round_id: Option<RoundId>,
    /// Input JSON.
    pub input_json: &'a str,
    /// Output JSON.
    pub output_json: &'a str,
    /// Seed.
    pub seed: Option<i64>,
    /// Objective (millionths).
    pub objective_micro: i64,
    /// Bound (millionths).
    pub bound_micro: i64,
}

/// Stores a previewed run.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, r: &NewRun<'_>) -> StoreResult<Run> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assignment_runs (call_id, input_json, output_json, seed, objective_micro, bound_micro, status, created_by, created_at, center_id, purpose, round_id) \
         VALUES ($1, $2, $3, $4, $5, $6, 'preview', $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(r.call_id.map(CallId::get))
    .bind(r.input_json)
    .bind(r.output_json)
    .bind(r.seed)
    .bind(r.objective_micro)
    .bind(r.bound_micro)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .bind(r.center_id.map(CenterId::get))
    .bind(
        if r.round_id.is_some() {
            RunPurpose::Evaluation
        } else if r.center_id.is_some() {
            RunPurpose::Screening
        } else {
            RunPurpose::ApplicationReview
        }
        .as_str(),
    )
    .bind(r.round_id.map(RoundId::get))
    .fetch_one(&mut *conn)
    .await?;
    let (entity_type, entity_id) = owner(r.call_id, r.center_id, r.round_id);
    audit::record(
        &mut *conn,
        actor,
        now,
        Change {
            action: "assignment.preview",
            entity_type,
            entity_id,
            before: None,
            after: Some(serde_json::json!({"run_id": id, "seed": r.seed, "objective_micro": r.objective_micro, "bound_micro": r.bound_micro})),
            reason: None,
        },
    )
    .await?;
    get(&mut *conn, RunId::new(id)).await
}

/// The record a run's audit events belong to: its call, its center or its evaluation round.
fn owner(call_id: Option<CallId>, center_id: Option<CenterId>, round_id: Option<RoundId>) -> (&'static str, String) {
    match (call_id, center_id, round_id) {
        (Some(c), _, _) => ("call", c.to_string()),
        (None, Some(c), _) => ("center", c.to_string()),
        (None, None, Some(r)) => ("evaluation_round", r.to_string()),
        (None, None, None) => ("assignment", String::new()),
    }
}

/// The evaluation runs of a round, newest first.
pub async fn of_round(pool: &AnyPool, round_id: RoundId) -> StoreResult<Vec<Run>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE round_id = $1 ORDER BY id DESC")).bind(round_id.get()).fetch_all(pool).await?)
}

/// The screening runs of a center, newest first.
pub async fn of_center(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<Run>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE center_id = $1 ORDER BY id DESC")).bind(center_id.get()).fetch_all(pool).await?)
}

/// Reads a run.
pub async fn get<'e, E>(executor: E, id: RunId) -> StoreResult<Run>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The runs of a call, newest first.
pub async fn of_call(pool: &AnyPool, call_id: CallId) -> StoreResult<Vec<Run>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE call_id = $1 ORDER BY id DESC")).bind(call_id.get()).fetch_all(pool).await?)
}

/// Marks a previewed run confirmed (once: a second confirmation is a conflict).
pub async fn confirm(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RunId) -> StoreResult<()> {
    let done = sqlx::query("UPDATE assignment_runs SET status = 'confirmed', confirmed_at = $1 WHERE id = $2 AND status = 'preview'")
        .bind(format_ts(now))
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: 0 });
    }
    let run = get(&mut *conn, id).await?;
    let (entity_type, entity_id) = owner(run.call_id, run.center_id, run.round_id);
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "assignment.confirm",
            entity_type,
            entity_id,
            before: None,
            after: Some(serde_json::json!({"run_id": id})),
            reason: None,
        },
    )
    .await
}

/// One hand adjustment of a previewed run (调整), as stored.
pub struct Adjusted<'a> {
    /// The solution the adjustment was made on (compare-and-set: a concurrent
    /// adjustment or confirmation makes this one a conflict).
    pub before_json: &'a str,
    /// The adjusted solution.
    pub output_json: &'a str,
    /// Its objective (millionths).
    pub objective_micro: i64,
    /// What changed, for the audit trail.
    pub change: serde_json::Value,
}

/// Replaces a previewed run's solution with an adjusted one.
pub async fn adjust(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RunId, a: &Adjusted<'_>) -> StoreResult<Run> {
    let done = sqlx::query(
        "UPDATE assignment_runs SET output_json = $1, objective_micro = $2 WHERE id = $3 AND status = 'preview' AND output_json = $4",
    )
    .bind(a.output_json)
    .bind(a.objective_micro)
    .bind(id.get())
    .bind(a.before_json)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: 0 });
    }
    let run = get(&mut *conn, id).await?;
    let (entity_type, entity_id) = owner(run.call_id, run.center_id, run.round_id);
    audit::record(
        &mut *conn,
        actor,
        now,
        Change {
            action: "assignment.adjust",
            entity_type,
            entity_id,
            before: None,
            after: Some(serde_json::json!({"run_id": id, "change": a.change, "objective_micro": a.objective_micro})),
            reason: None,
        },
    )
    .await?;
    Ok(run)
}
