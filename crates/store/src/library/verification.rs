//! Verification plans (验证方案), milestones (里程碑) and milestone-based
//! funding releases (里程碑式拨付), each change audited and guarded by a
//! version.

use crate::audit::{self, Change};
use crate::batch::{Cell, Rows};
use crate::column::{Code, Day, MaybeDay};
use crate::{format_ts, parse_code, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{MilestoneId, OrgId, OutcomeId, ResultId};
use pocnet_domain::money::Yuan;
use pocnet_domain::library::verification::{MilestoneDraft, MilestoneKind, MilestoneStatus, MilestoneTransition, Plan};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored verification plan.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct PlanRecord {
    /// Result id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub result_id: ResultId,
    /// Goal.
    pub goal: String,
    /// Target level.
    pub trl_target: i64,
    /// Project manager (项目经理人).
    pub manager_name: String,
    /// Manager's phone.
    pub manager_phone: String,
    /// First day.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub starts_on: NaiveDate,
    /// Last day.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub ends_on: NaiveDate,
    /// Optimistic-lock version.
    pub version: i64,
}

/// The plan of a result, if any.
pub async fn plan<'e, E>(executor: E, id: ResultId) -> StoreResult<Option<PlanRecord>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(
        "SELECT result_id, goal, trl_target, manager_name, manager_phone, starts_on, ends_on, version FROM verification_plans WHERE result_id = $1",
    )
    .bind(id.get())
    .fetch_optional(executor)
    .await?)
}

/// Creates the plan (`version` None) or updates it at `version`.
pub async fn save_plan(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ResultId, p: &Plan, version: Option<i64>) -> StoreResult<PlanRecord> {
    let ts = format_ts(now);
    let before = plan(&mut *conn, id).await?;
    match (version, &before) {
        (None, None) => {
            sqlx::query(
                "INSERT INTO verification_plans (result_id, goal, trl_target, manager_name, manager_phone, starts_on, ends_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(id.get())
            .bind(&p.goal)
            .bind(i64::from(p.trl_target.level()))
            .bind(&p.manager_name)
            .bind(&p.manager_phone)
            .bind(p.starts_on.to_string())
            .bind(p.ends_on.to_string())
            .bind(&ts)
            .execute(&mut *conn)
            .await?;
        }
        (Some(v), Some(_)) => {
            let done = sqlx::query(
                "UPDATE verification_plans SET goal = $1, trl_target = $2, manager_name = $3, manager_phone = $4, starts_on = $5, ends_on = $6, \
                 version = version + 1, updated_at = $7 WHERE result_id = $8 AND version = $9",
            )
            .bind(&p.goal)
            .bind(i64::from(p.trl_target.level()))
            .bind(&p.manager_name)
            .bind(&p.manager_phone)
            .bind(p.starts_on.to_string())
            .bind(p.ends_on.to_string())
            .bind(&ts)
            .bind(id.get())
            .bind(v)
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::VersionConflict { expected: v });
            }
        }
        (None, Some(b)) => return Err(StoreError::VersionConflict { expected: b.version }),
        (Some(v), None) => return Err(StoreError::VersionConflict { expected: v }),
    }
    let after = plan(&mut *conn, id).await?.ok_or(StoreError::NotFound)?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "result.plan.save",
            entity_type: "result",
            entity_id: id.to_string(),
            before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
            after: Some(serde_json::to_value(&after).unwrap_or_default()),
            reason: None,
        },
    )
    .await?;
    Ok(after)
}

/// A stored milestone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    /// Id.
    #[schema(value_type = i64)]
    pub id: MilestoneId,
    /// Result id.
    #[schema(value_type = i64)]
    pub result_id: ResultId,
    /// Kind.
    pub kind: MilestoneKind,
    /// Title.
    pub title: String,
    /// Acceptance criterion.
    pub goal: String,
    /// Due day.
    #[schema(value_type = String)]
    pub due_on: NaiveDate,
    /// Budget (yuan).
    pub budget_yuan: Yuan,
    /// Status.
    pub status: MilestoneStatus,
    /// What the team submitted for acceptance.
    pub evidence: String,
    /// Day submitted.
    #[schema(value_type = Option<String>)]
    pub submitted_on: Option<NaiveDate>,
    /// Day accepted or failed.
    #[schema(value_type = Option<String>)]
    pub decided_on: Option<NaiveDate>,
    /// The center's note on its decision.
    pub decision_note: String,
    /// Money released so far (yuan).
    pub released_yuan: Yuan,
    /// Day of the last release.
    #[schema(value_type = Option<String>)]
    pub released_on: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
}

#[derive(FromRow)]
struct MilestoneRow {
    id: i64,
    result_id: i64,
    kind: String,
    title: String,
    goal: String,
    #[sqlx(try_from = "Day")]
    due_on: NaiveDate,
    budget_yuan: i64,
    status: String,
    evidence: String,
    #[sqlx(try_from = "MaybeDay")]
    submitted_on: Option<NaiveDate>,
    #[sqlx(try_from = "MaybeDay")]
    decided_on: Option<NaiveDate>,
    decision_note: String,
    released_yuan: i64,
    #[sqlx(try_from = "MaybeDay")]
    released_on: Option<NaiveDate>,
    version: i64,
}

impl TryFrom<MilestoneRow> for Milestone {
    type Error = StoreError;
    fn try_from(r: MilestoneRow) -> StoreResult<Self> {
        Ok(Milestone {
            id: MilestoneId::new(r.id),
            result_id: ResultId::new(r.result_id),
            kind: parse_code(&r.kind, MilestoneKind::parse)?,
            title: r.title,
            goal: r.goal,
            due_on: r.due_on,
            budget_yuan: Yuan::new(r.budget_yuan),
            status: parse_code(&r.status, MilestoneStatus::parse)?,
            evidence: r.evidence,
            submitted_on: r.submitted_on,
            decided_on: r.decided_on,
            decision_note: r.decision_note,
            released_yuan: Yuan::new(r.released_yuan),
            released_on: r.released_on,
            version: r.version,
        })
    }
}

const MILESTONE: &str = "SELECT id, result_id, kind, title, goal, due_on, budget_yuan, status, evidence, submitted_on, decided_on, \
    decision_note, released_yuan, released_on, version FROM milestones";

/// The milestones of a result, by due day.
pub async fn milestones<'e, E>(executor: E, id: ResultId) -> StoreResult<Vec<Milestone>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, MilestoneRow>(&format!("{MILESTONE} WHERE result_id = $1 ORDER BY due_on, id"))
        .bind(id.get())
        .fetch_all(executor)
        .await?
        .into_iter()
        .map(Milestone::try_from)
        .collect()
}

/// One milestone.
pub async fn milestone<'e, E>(executor: E, mid: MilestoneId) -> StoreResult<Milestone>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, MilestoneRow>(&format!("{MILESTONE} WHERE id = $1")).bind(mid.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)?.try_into()
}

fn change<'a>(action: &'a str, result_id: ResultId, after: serde_json::Value, reason: Option<&'a str>) -> Change<'a> {
    Change { action, entity_type: "result", entity_id: result_id.to_string(), before: None, after: Some(after), reason }
}

/// Adds a milestone to a result's plan.
pub async fn add_milestone(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ResultId, m: &MilestoneDraft) -> StoreResult<Milestone> {
    let mid: i64 = sqlx::query_scalar(
        "INSERT INTO milestones (result_id, kind, title, goal, due_on, budget_yuan, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(id.get())
    .bind(m.kind.as_str())
    .bind(&m.title)
    .bind(&m.goal)
    .bind(m.due_on.to_string())
    .bind(m.budget_yuan.get())
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let after = milestone(&mut *conn, MilestoneId::new(mid)).await?;
    audit::record(conn, actor, now, change("result.milestone.add", id, serde_json::to_value(&after).unwrap_or_default(), None)).await?;
    Ok(after)
}

/// A milestone's status change, compare-and-set on (status, version).
pub struct MilestoneStep<'a> {
    /// The step the domain allowed (`MilestoneStatus::step`): from, to.
    pub transition: MilestoneTransition,
    /// Read version.
    pub version: i64,
    /// Evidence (on submission).
    pub evidence: Option<&'a str>,
    /// The center's note (on a decision).
    pub note: &'a str,
    /// Today.
    pub today: NaiveDate,
}

/// Changes a milestone's status.
pub async fn step_milestone(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, mid: MilestoneId, s: &MilestoneStep<'_>) -> StoreResult<Milestone> {
    let day = s.today.to_string();
    let submitted = (s.transition.to() == MilestoneStatus::Submitted).then(|| day.clone());
    let decided = matches!(s.transition.to(), MilestoneStatus::Accepted | MilestoneStatus::Failed | MilestoneStatus::Cancelled).then(|| day.clone());
    let done = sqlx::query(
        "UPDATE milestones SET status = $1, evidence = COALESCE($2, evidence), submitted_on = COALESCE($3, submitted_on), \
         decided_on = COALESCE($4, decided_on), decision_note = $5, version = version + 1 WHERE id = $6 AND version = $7 AND status = $8",
    )
    .bind(s.transition.to().as_str())
    .bind(s.evidence)
    .bind(submitted)
    .bind(decided)
    .bind(s.note)
    .bind(mid.get())
    .bind(s.version)
    .bind(s.transition.from().as_str())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: s.version });
    }
    let after = milestone(&mut *conn, mid).await?;
    let what = serde_json::json!({"milestone_id": mid, "from": s.transition.from(), "to": s.transition.to(), "evidence": s.evidence});
    audit::record(conn, actor, now, change("result.milestone.step", after.result_id, what, (!s.note.is_empty()).then_some(s.note))).await?;
    Ok(after)
}

/// Records a funding release of an accepted milestone (checked by the
/// domain), compare-and-set on the version.
pub async fn release(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, mid: MilestoneId, version: i64, amount: Yuan, today: NaiveDate) -> StoreResult<Milestone> {
    let done = sqlx::query(
        "UPDATE milestones SET released_yuan = released_yuan + $1, released_on = $2, version = version + 1 \
         WHERE id = $3 AND version = $4 AND status = 'accepted' AND released_yuan + $1 <= budget_yuan",
    )
    .bind(amount.get())
    .bind(today.to_string())
    .bind(mid.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = milestone(&mut *conn, mid).await?;
    let what = serde_json::json!({"milestone_id": mid, "amount_yuan": amount, "released_yuan": after.released_yuan});
    audit::record(conn, actor, now, change("result.milestone.release", after.result_id, what, None)).await?;
    Ok(after)
}

/// A recorded outcome (验证成效).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct OutcomeRecord {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: OutcomeId,
    /// Kind code.
    #[sqlx(try_from = "Code<pocnet_domain::outcome::OutcomeKind>")]
    #[schema(value_type = String)]
    pub kind: pocnet_domain::outcome::OutcomeKind,
    /// Day achieved.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub achieved_on: NaiveDate,
    /// Amount (yuan), for contracts, financing and licences.
    #[sqlx(try_from = "i64")]
    pub amount_yuan: Yuan,
    /// Evidence.
    pub evidence: String,
}

/// The outcomes of a result, oldest first.
pub async fn outcomes(pool: &AnyPool, id: ResultId) -> StoreResult<Vec<OutcomeRecord>> {
    Ok(sqlx::query_as("SELECT id, kind, achieved_on, amount_yuan, evidence FROM result_outcomes WHERE result_id = $1 ORDER BY achieved_on, id")
        .bind(id.get())
        .fetch_all(pool)
        .await?)
}

/// The kinds of outcome each of `ids` has reached (a page of projects at once; the relay view).
pub async fn outcome_kinds_of(pool: &AnyPool, ids: &[ResultId]) -> StoreResult<Vec<(ResultId, pocnet_domain::outcome::OutcomeKind)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(|i| i.get().to_string()).collect::<Vec<_>>().join(",");
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!("SELECT DISTINCT result_id, kind FROM result_outcomes WHERE result_id IN ({list})")).fetch_all(pool).await?;
    rows.into_iter().map(|(id, kind)| Ok((ResultId::new(id), parse_code(&kind, pocnet_domain::outcome::OutcomeKind::parse)?))).collect()
}

/// Records an outcome.
#[allow(clippy::too_many_arguments)]
pub async fn add_outcome(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: ResultId,
    kind: pocnet_domain::outcome::OutcomeKind,
    achieved_on: NaiveDate,
    amount: Yuan,
    evidence: &str,
) -> StoreResult<OutcomeId> {
    let oid: i64 = sqlx::query_scalar(
        "INSERT INTO result_outcomes (result_id, kind, achieved_on, amount_yuan, evidence, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id.get())
    .bind(kind.as_str())
    .bind(achieved_on.to_string())
    .bind(amount.get())
    .bind(evidence)
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let what = serde_json::json!({"outcome_id": oid, "kind": kind, "achieved_on": achieved_on, "amount_yuan": amount});
    audit::record(conn, actor, now, change("result.outcome.add", id, what, None)).await?;
    Ok(OutcomeId::new(oid))
}

/// An outcome to record in a batch ([`add_outcomes`]).
#[derive(Debug, Clone)]
pub struct NewOutcome {
    /// The result.
    pub result_id: ResultId,
    /// Kind.
    pub kind: pocnet_domain::outcome::OutcomeKind,
    /// Day achieved.
    pub achieved_on: NaiveDate,
    /// Amount (yuan), for contracts, financing and licences.
    pub amount_yuan: Yuan,
    /// Evidence.
    pub evidence: String,
}

/// Records many outcomes at once, for a network the platform writes itself
/// (the load benchmark's): chunked multi-row `INSERT`s and one audit record
/// naming the batch (`label`, the count). Runs in the caller's transaction.
pub async fn add_outcomes(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, label: &str, outcomes: &[NewOutcome]) -> StoreResult<usize> {
    let ts = format_ts(now);
    let sqlite = conn.backend_name().eq_ignore_ascii_case("sqlite");
    let mut rows = Rows::new("result_outcomes", &["result_id", "kind", "achieved_on", "amount_yuan", "evidence", "created_at"], sqlite);
    for o in outcomes {
        rows.push(vec![
            Cell::I(o.result_id.get()),
            Cell::T(o.kind.as_str().to_owned()),
            Cell::T(o.achieved_on.to_string()),
            Cell::I(o.amount_yuan.get()),
            Cell::T(o.evidence.clone()),
            Cell::T(ts.clone()),
        ]);
        rows.flush_if_full(&mut *conn).await?;
    }
    rows.flush(&mut *conn).await?;
    let change = Change {
        action: "result.outcome.batch",
        entity_type: "dataset",
        entity_id: label.to_owned(),
        before: None,
        after: Some(serde_json::json!({"outcomes": rows.written})),
        reason: Some(label),
    };
    audit::record(conn, actor, now, change).await?;
    Ok(rows.written)
}

/// Milestone figures of the centers an organisation hosts: milestones
/// awaiting acceptance, and budget and money released (yuan) over all.
pub async fn host_totals(pool: &AnyPool, host_org_id: OrgId) -> StoreResult<(i64, i64, i64)> {
    let row: (i64, i64, i64) = sqlx::query_as(
        // The host's results first (its centers, then their results on the center index), then
        // their milestones: joined the other way round, PostgreSQL walks every result in id order
        // to meet the milestones' (issue 13: 250 ms at province scale, against 2 ms).
        "WITH mine AS MATERIALIZED (SELECT r.id FROM centers c JOIN research_results r ON r.center_id = c.id WHERE c.host_org_id = $1) \
         SELECT COUNT(CASE WHEN m.status = 'submitted' THEN 1 END), CAST(COALESCE(SUM(m.budget_yuan), 0) AS BIGINT), \
         CAST(COALESCE(SUM(m.released_yuan), 0) AS BIGINT) FROM mine JOIN milestones m ON m.result_id = mine.id \
         WHERE m.status <> 'cancelled'",
    )
    .bind(host_org_id.get())
    .fetch_one(pool)
    .await?;
    Ok(row)
}
