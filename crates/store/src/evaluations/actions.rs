//! Dynamic-management actions (动态管理处理): pocnet proposes what the profile
//! prescribes; the bureau confirms or dismisses each with a reason.

use crate::audit::{self, Change};
use crate::column::{Code, MaybeInstant};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::evaluation::{ActionKind, ActionState, Proposal};
use pocnet_domain::id::{ActionId, CenterId, EvaluationId, RoundId};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A proposed or decided action.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = ManagementAction)]
pub struct Action {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: ActionId,
    /// The evaluation it follows.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub evaluation_id: EvaluationId,
    /// Round.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub round_id: RoundId,
    /// Center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Center name.
    pub center_name: String,
    /// What.
    #[sqlx(try_from = "Code<ActionKind>")]
    #[schema(value_type = String)]
    pub kind: ActionKind,
    /// `proposed`, `confirmed` or `dismissed`.
    #[sqlx(try_from = "Code<ActionState>")]
    #[schema(value_type = String)]
    pub state: ActionState,
    /// Article.
    pub article: String,
    /// Why pocnet proposes it.
    pub explanation: String,
    /// Amount, yuan.
    pub amount_yuan: Option<i64>,
    /// Rectification: the year by which the center must be qualified.
    pub until_year: Option<i64>,
    /// Revocation: years the host is barred.
    pub bar_years: i64,
    /// The bureau's reason.
    pub reason: String,
    /// When decided.
    #[sqlx(try_from = "MaybeInstant")]
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub decided_at: Option<DateTime<Utc>>,
    /// Optimistic-lock version.
    pub version: i64,
}

const SELECT: &str = "SELECT a.id, a.evaluation_id, a.round_id, a.center_id, c.name AS center_name, a.kind, a.state, a.article, a.explanation, \
    a.amount_yuan, a.until_year, a.bar_years, a.reason, a.decided_at, a.version FROM management_actions a JOIN centers c ON c.id = a.center_id";

/// Writes the proposals for one evaluation, replacing any still undecided.
pub async fn propose(conn: &mut AnyConnection, evaluation_id: EvaluationId, round_id: RoundId, center_id: CenterId, proposals: &[Proposal]) -> StoreResult<()> {
    sqlx::query("DELETE FROM management_actions WHERE evaluation_id = $1 AND state = 'proposed'").bind(evaluation_id.get()).execute(&mut *conn).await?;
    for p in proposals {
        sqlx::query(
            "INSERT INTO management_actions (evaluation_id, round_id, center_id, kind, state, article, explanation, amount_yuan, until_year, bar_years) \
             VALUES ($1, $2, $3, $4, 'proposed', $5, $6, $7, $8, $9)",
        )
        .bind(evaluation_id.get())
        .bind(round_id.get())
        .bind(center_id.get())
        .bind(p.kind.as_str())
        .bind(&p.article)
        .bind(&p.explanation)
        .bind(p.amount_yuan)
        .bind(p.until_year.map(i64::from))
        .bind(i64::from(p.bar_years))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Reads one action.
pub async fn get<'e, E>(executor: E, id: ActionId) -> StoreResult<Action>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE a.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// A round's actions (one per proposal: a short list), undecided first.
pub async fn of_round(pool: &AnyPool, round_id: RoundId) -> StoreResult<Vec<Action>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE a.round_id = $1 ORDER BY CASE WHEN a.state = 'proposed' THEN 0 ELSE 1 END, a.id")).bind(round_id.get()).fetch_all(pool).await?)
}

/// The actions following one evaluation, oldest first.
pub async fn of_evaluation<'e, E>(executor: E, evaluation_id: EvaluationId) -> StoreResult<Vec<Action>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(&format!("{SELECT} WHERE a.evaluation_id = $1 ORDER BY a.id")).bind(evaluation_id.get()).fetch_all(executor).await?)
}

/// A center's actions, newest first.
pub async fn of_center(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<Action>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE a.center_id = $1 ORDER BY a.id DESC")).bind(center_id.get()).fetch_all(pool).await?)
}

/// Confirms or dismisses a proposed action (compare-and-set on its version).
pub async fn decide(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ActionId, version: i64, state: ActionState, reason: &str) -> StoreResult<Action> {
    let done = sqlx::query(
        "UPDATE management_actions SET state = $1, reason = $2, decided_by = $3, decided_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6 AND state = 'proposed'",
    )
    .bind(state.as_str())
    .bind(reason)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let a = get(&mut *conn, id).await?;
    audit::record(
        &mut *conn,
        actor,
        now,
        Change {
            action: "evaluation.action_decide",
            entity_type: "center",
            entity_id: a.center_id.to_string(),
            before: None,
            after: Some(serde_json::json!({"action_id": id, "kind": a.kind, "state": state, "amount_yuan": a.amount_yuan})),
            reason: Some(reason),
        },
    )
    .await?;
    Ok(a)
}
