//! The yearly cycle as stored (年度运行报告 → 年度绩效评价 → 动态管理): rounds,
//! each center's annual report and evaluation, and the actions the bureau
//! decides. Opening a round writes, in one transaction, the round with its
//! plan frozen, a draft report with the computed figures and a pending
//! evaluation for every center it covers. Every change is audited.

pub mod actions;
pub mod figures;
pub mod reports;

use crate::audit::{self, Change};
use crate::column::{Code, Day, MaybeDay};
use crate::{format_ts, Actor, Page, Paged, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::evaluation::scoring::{combine, ExpertMeans};
use pocnet_domain::evaluation::{EvaluationState, ReportState, RoundState, Scorecard, YearFigures};
use pocnet_domain::id::{AnnualReportId, CenterId, EvaluationId, RoundId};
use pocnet_domain::policy::profile::Evaluation as Plan;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An evaluation round: one profile, one year.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = EvaluationRound)]
pub struct Round {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: RoundId,
    /// The profile whose plan it runs.
    pub profile_id: String,
    /// The evaluation year.
    pub year: i64,
    /// First day of the data window.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub window_from: NaiveDate,
    /// Last day of the data window.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub window_to: NaiveDate,
    /// The annual reports are due on this day.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub report_due: NaiveDate,
    /// `open` or `published`.
    #[sqlx(try_from = "Code<RoundState>")]
    #[schema(value_type = String)]
    pub state: RoundState,
    /// The plan as it stood when the round opened (JSON).
    #[serde(skip)]
    pub plan_json: String,
    /// Day published.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub published_on: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
}

impl Round {
    /// The frozen plan.
    pub fn plan(&self) -> StoreResult<Plan> {
        serde_json::from_str(&self.plan_json).map_err(|e| StoreError::Corrupt(format!("evaluation_rounds.plan_json of round {}: {e}", self.id)))
    }
}

const ROUND_SELECT: &str =
    "SELECT id, profile_id, year, window_from, window_to, report_due, state, plan_json, published_on, version FROM evaluation_rounds";

/// One center a round covers, with its figures.
#[derive(Debug, Clone)]
pub struct Covered {
    /// The center.
    pub center_id: CenterId,
    /// Its region (the county's scope).
    pub region: String,
    /// What its records show for the window.
    pub figures: YearFigures,
}

/// A round to open.
#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    /// Profile id.
    pub profile_id: &'a str,
    /// Year.
    pub year: i32,
    /// Window.
    pub window: pocnet_domain::evaluation::Window,
    /// Report due day.
    pub report_due: NaiveDate,
    /// The plan, frozen.
    pub plan: &'a Plan,
}

/// Opens a round: the round, then a draft report and a pending evaluation per covered center
/// (its scorecard computed from the figures, the experts' dimensions still unscored).
pub async fn open(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, round: &NewRound<'_>, covered: &[Covered]) -> StoreResult<Round> {
    let plan_json = serde_json::to_string(round.plan).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO evaluation_rounds (profile_id, year, window_from, window_to, report_due, state, plan_json, opened_by, opened_at) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8) RETURNING id",
    )
    .bind(round.profile_id)
    .bind(i64::from(round.year))
    .bind(round.window.from.to_string())
    .bind(round.window.to.to_string())
    .bind(round.report_due.to_string())
    .bind(&plan_json)
    .bind(actor.user_column())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("year"))?;
    for c in covered {
        let figures = serde_json::to_string(&c.figures).unwrap_or_else(|_| "{}".into());
        sqlx::query(
            "INSERT INTO annual_reports (round_id, center_id, state, figures_json, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $4, $4)",
        )
        .bind(id)
        .bind(c.center_id.get())
        .bind(&figures)
        .bind(&ts)
        .execute(&mut *conn)
        .await?;
        // The first scorecard: the records' part, the experts' dimensions awaiting the panel.
        let card = combine(&round.plan.indicators, &c.figures, &ExpertMeans::new());
        sqlx::query("INSERT INTO evaluations (round_id, center_id, region, state, scorecard_json, updated_at) VALUES ($1, $2, $3, 'pending', $4, $5)")
            .bind(id)
            .bind(c.center_id.get())
            .bind(&c.region)
            .bind(serde_json::to_string(&card).unwrap_or_else(|_| "{}".into()))
            .bind(&ts)
            .execute(&mut *conn)
            .await?;
    }
    audit::record(
        &mut *conn,
        actor,
        now,
        Change {
            action: "evaluation.round_open",
            entity_type: "evaluation_round",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"profile_id": round.profile_id, "year": round.year, "centers": covered.len(), "report_due": round.report_due})),
            reason: None,
        },
    )
    .await?;
    get(&mut *conn, RoundId::new(id)).await
}

/// Reads a round.
pub async fn get<'e, E>(executor: E, id: RoundId) -> StoreResult<Round>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{ROUND_SELECT} WHERE id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Every round, newest year first (a profile has one a year: a short list).
pub async fn rounds(pool: &AnyPool) -> StoreResult<Vec<Round>> {
    Ok(sqlx::query_as(&format!("{ROUND_SELECT} ORDER BY year DESC, id DESC")).fetch_all(pool).await?)
}

/// The round of a profile and year, if opened.
pub async fn round_of(pool: &AnyPool, profile_id: &str, year: i32) -> StoreResult<Option<Round>> {
    Ok(sqlx::query_as(&format!("{ROUND_SELECT} WHERE profile_id = $1 AND year = $2")).bind(profile_id).bind(i64::from(year)).fetch_optional(pool).await?)
}

/// One center's evaluation in a round.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = CenterEvaluation)]
pub struct CenterEvaluation {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: EvaluationId,
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
    /// Region.
    pub region: String,
    /// `pending`, `refused` or `graded`.
    #[sqlx(try_from = "Code<EvaluationState>")]
    #[schema(value_type = String)]
    pub state: EvaluationState,
    /// The scorecard (JSON; `{}` until computed).
    #[serde(skip)]
    pub scorecard_json: String,
    /// The total, hundredths of a point.
    pub total_hundredths: Option<i64>,
    /// The grade the bands give the total.
    pub proposed_grade: Option<String>,
    /// The grade the bureau set.
    pub grade: Option<String>,
    /// Why the bureau's grade differs from the proposed one (or its note).
    pub grade_reason: String,
    /// Why the center did not take part.
    pub refusal_reason: String,
    /// Whether the bureau accepted the refusal's reason (正当理由).
    pub refused_with_cause: Option<i64>,
    /// Optimistic-lock version.
    pub version: i64,
    /// The center's annual report of the round.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub report_id: AnnualReportId,
    /// Its state.
    #[sqlx(try_from = "Code<ReportState>")]
    #[schema(value_type = String)]
    pub report_state: ReportState,
    /// 1 when filed (or still unfiled) after the due day.
    pub report_late: i64,
}

impl CenterEvaluation {
    /// The scorecard, once computed.
    pub fn scorecard(&self) -> Option<Scorecard> {
        serde_json::from_str(&self.scorecard_json).ok()
    }
}

const EVAL_SELECT: &str = "SELECT e.id, e.round_id, e.center_id, c.name AS center_name, e.region, e.state, e.scorecard_json, \
    e.total_hundredths, e.proposed_grade, e.grade, e.grade_reason, e.refusal_reason, e.refused_with_cause, e.version, \
    a.id AS report_id, a.state AS report_state, a.late AS report_late \
    FROM evaluations e JOIN centers c ON c.id = e.center_id JOIN annual_reports a ON a.round_id = e.round_id AND a.center_id = e.center_id";

/// Reads one evaluation.
pub async fn evaluation<'e, E>(executor: E, id: EvaluationId) -> StoreResult<CenterEvaluation>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{EVAL_SELECT} WHERE e.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The evaluation of a center in a round.
pub async fn evaluation_of<'e, E>(executor: E, round_id: RoundId, center_id: CenterId) -> StoreResult<CenterEvaluation>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{EVAL_SELECT} WHERE e.round_id = $1 AND e.center_id = $2"))
        .bind(round_id.get())
        .bind(center_id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Who sees which evaluations of a round.
#[derive(Debug, Clone)]
pub enum EvaluationScope {
    /// The bureau: all.
    All,
    /// A county: its region's centers.
    Region(String),
    /// A center's operators: their own centers.
    Centers(Vec<CenterId>),
}

/// The order of a round's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvaluationOrder {
    /// By center (the work list).
    Center,
    /// By total, highest first (the ranking; unscored last).
    Total,
}

/// The conditions, order and binds of a round's list.
fn list_sql(scope: &EvaluationScope, order: EvaluationOrder) -> (String, &'static str, Option<String>) {
    let mut cond = String::from(" WHERE e.round_id = $1 AND (CAST($2 AS TEXT) IS NULL OR e.state = $2)");
    let mut region = None;
    match scope {
        EvaluationScope::All => {}
        EvaluationScope::Region(r) => {
            cond.push_str(" AND e.region = $3");
            region = Some(r.clone());
        }
        EvaluationScope::Centers(ids) if ids.is_empty() => cond.push_str(" AND 1 = 0"),
        EvaluationScope::Centers(ids) => {
            let list: Vec<String> = ids.iter().map(|i| i.get().to_string()).collect();
            cond.push_str(&format!(" AND e.center_id IN ({})", list.join(", ")));
        }
    }
    let order_by = match order {
        EvaluationOrder::Center => " ORDER BY e.center_id",
        EvaluationOrder::Total => " ORDER BY CASE WHEN e.total_hundredths IS NULL THEN 1 ELSE 0 END, e.total_hundredths DESC, e.center_id",
    };
    (cond, order_by, region)
}

/// The statements a round's list runs (count, page), for reading their plans.
pub fn list_statements(scope: &EvaluationScope, order: EvaluationOrder) -> Vec<String> {
    let (cond, order_by, _) = list_sql(scope, order);
    vec![format!("SELECT COUNT(*) FROM evaluations e{cond}"), format!("{EVAL_SELECT}{cond}{order_by} LIMIT 20 OFFSET 0")]
}

/// A page of a round's evaluations in `scope`, counted exactly (a round holds
/// one row per center it covers, read on the round's indexes).
pub async fn list<'c, C>(conn: C, round_id: RoundId, scope: &EvaluationScope, state: Option<EvaluationState>, order: EvaluationOrder, page: Page) -> StoreResult<Paged<CenterEvaluation>>
where
    C: sqlx::Acquire<'c, Database = sqlx::Any>,
{
    let mut conn = conn.acquire().await?;
    let (cond, order_by, region) = list_sql(scope, order);
    let state = state.map(|s| s.as_str());
    let count_sql = format!("SELECT COUNT(*) FROM evaluations e{cond}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(round_id.get()).bind(state);
    if let Some(r) = &region {
        count = count.bind(r.clone());
    }
    let total = count.fetch_one(&mut *conn).await?;
    let sql = format!("{EVAL_SELECT}{cond}{order_by} LIMIT {} OFFSET {}", page.limit(), page.offset());
    let mut q = sqlx::query_as::<_, CenterEvaluation>(&sql).bind(round_id.get()).bind(state);
    if let Some(r) = region {
        q = q.bind(r);
    }
    Ok(Paged::exact(q.fetch_all(&mut *conn).await?, total, page))
}

/// A center's evaluations, newest round first (its own sheets; the history the rules read).
pub async fn of_center(pool: &AnyPool, center_id: CenterId) -> StoreResult<Vec<(CenterEvaluation, i64, RoundState)>> {
    let rows: Vec<CenterEvaluation> = sqlx::query_as(&format!("{EVAL_SELECT} WHERE e.center_id = $1 ORDER BY e.round_id DESC")).bind(center_id.get()).fetch_all(pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for e in rows {
        let r = get(pool, e.round_id).await?;
        out.push((e, r.year, r.state));
    }
    Ok(out)
}

/// Pending evaluations left in a round (publishing waits for none).
pub async fn pending<'e, E>(executor: E, round_id: RoundId) -> StoreResult<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM evaluations WHERE round_id = $1 AND state = 'pending'").bind(round_id.get()).fetch_one(executor).await?)
}

/// Writes a computed scorecard and the grade its total proposes (no audit: a derived figure,
/// recomputed from audited scores and records).
pub async fn set_scorecard(conn: &mut AnyConnection, now: DateTime<Utc>, id: EvaluationId, card: &Scorecard, proposed_grade: Option<&str>) -> StoreResult<()> {
    sqlx::query("UPDATE evaluations SET scorecard_json = $1, total_hundredths = $2, proposed_grade = $3, updated_at = $4 WHERE id = $5 AND state = 'pending'")
        .bind(serde_json::to_string(card).unwrap_or_else(|_| "{}".into()))
        .bind(card.total_hundredths)
        .bind(proposed_grade)
        .bind(format_ts(now))
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The bureau's decision on one evaluation.
#[derive(Debug, Clone)]
pub enum Decision<'a> {
    /// The grade, with the reason where it differs from the proposed one.
    Grade {
        /// Grade code.
        grade: &'a str,
        /// Reason or note.
        reason: &'a str,
    },
    /// The center did not take part.
    Refused {
        /// Its reason, as recorded.
        reason: &'a str,
        /// Whether the bureau accepts it as good cause.
        with_cause: bool,
    },
}

/// Records the bureau's decision on a pending evaluation (compare-and-set on its version).
pub async fn decide(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: EvaluationId, version: i64, decision: &Decision<'_>) -> StoreResult<CenterEvaluation> {
    let ts = format_ts(now);
    let (done, after, reason) = match decision {
        Decision::Grade { grade, reason } => (
            sqlx::query("UPDATE evaluations SET state = 'graded', grade = $1, grade_reason = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5 AND state = 'pending'")
                .bind(*grade)
                .bind(*reason)
                .bind(&ts)
                .bind(id.get())
                .bind(version)
                .execute(&mut *conn)
                .await?,
            serde_json::json!({"grade": grade}),
            *reason,
        ),
        Decision::Refused { reason, with_cause } => (
            sqlx::query("UPDATE evaluations SET state = 'refused', refusal_reason = $1, refused_with_cause = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5 AND state = 'pending'")
                .bind(*reason)
                .bind(i64::from(*with_cause))
                .bind(&ts)
                .bind(id.get())
                .bind(version)
                .execute(&mut *conn)
                .await?,
            serde_json::json!({"refused": true, "with_cause": with_cause}),
            *reason,
        ),
    };
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let e = evaluation(&mut *conn, id).await?;
    let action = if matches!(decision, Decision::Grade { .. }) { "evaluation.grade" } else { "evaluation.refused" };
    audit::record(&mut *conn, actor, now, Change { action, entity_type: "evaluation", entity_id: id.to_string(), before: None, after: Some(after), reason: Some(reason) }).await?;
    Ok(e)
}

/// Publishes a round (compare-and-set; every evaluation decided first).
pub async fn publish(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RoundId, version: i64, day: NaiveDate) -> StoreResult<Round> {
    let done = sqlx::query("UPDATE evaluation_rounds SET state = 'published', published_on = $1, version = version + 1 WHERE id = $2 AND version = $3 AND state = 'open'")
        .bind(day.to_string())
        .bind(id.get())
        .bind(version)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    audit::record(
        &mut *conn,
        actor,
        now,
        Change { action: "evaluation.round_publish", entity_type: "evaluation_round", entity_id: id.to_string(), before: None, after: Some(serde_json::json!({"published_on": day})), reason: None },
    )
    .await?;
    get(&mut *conn, id).await
}

/// Grades and refusals of a center's earlier rounds of the same profile, by year (the history
/// the dynamic-management rules read), with whether a reward or support was confirmed for them.
pub async fn history(conn: &mut AnyConnection, center_id: CenterId, profile_id: &str, before_year: i64) -> StoreResult<Vec<HistoryRow>> {
    Ok(sqlx::query_as(
        "SELECT r.year, e.state, e.grade, e.refused_with_cause, \
           (SELECT COUNT(*) FROM management_actions a WHERE a.evaluation_id = e.id AND a.kind = 'reward' AND a.state = 'confirmed') AS rewarded, \
           (SELECT COUNT(*) FROM management_actions a WHERE a.evaluation_id = e.id AND a.kind = 'support' AND a.state = 'confirmed') AS supported \
         FROM evaluations e JOIN evaluation_rounds r ON r.id = e.round_id \
         WHERE e.center_id = $1 AND r.profile_id = $2 AND r.year < $3 ORDER BY r.year DESC",
    )
    .bind(center_id.get())
    .bind(profile_id)
    .bind(before_year)
    .fetch_all(&mut *conn)
    .await?)
}

/// One earlier year as [`history`] reads it.
#[derive(Debug, Clone, FromRow)]
pub struct HistoryRow {
    /// Year.
    pub year: i64,
    /// State.
    #[sqlx(try_from = "Code<EvaluationState>")]
    pub state: EvaluationState,
    /// Grade, once graded.
    pub grade: Option<String>,
    /// Refusal accepted as good cause.
    pub refused_with_cause: Option<i64>,
    /// Confirmed rewards.
    pub rewarded: i64,
    /// Confirmed support.
    pub supported: i64,
}

/// One center's line for a round's rankings: its scorecard, grade and host institution.
#[derive(Debug, Clone, FromRow)]
pub struct RankingRow {
    /// Center.
    #[sqlx(try_from = "i64")]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Its region.
    pub region: String,
    /// Host institution.
    #[sqlx(try_from = "i64")]
    pub host_id: pocnet_domain::id::OrgId,
    /// Host's name.
    pub host_name: String,
    /// Host's kind.
    #[sqlx(try_from = "Code<pocnet_domain::org::OrgKind>")]
    pub host_kind: pocnet_domain::org::OrgKind,
    /// `graded` or `refused` (a published round has no pending ones).
    #[sqlx(try_from = "Code<EvaluationState>")]
    pub state: EvaluationState,
    /// Grade code.
    pub grade: Option<String>,
    /// Scorecard JSON.
    pub scorecard_json: String,
}

/// Every center of a round with what its rankings need (one read of the round's rows).
pub async fn ranking_rows(pool: &AnyPool, round_id: RoundId) -> StoreResult<Vec<RankingRow>> {
    Ok(sqlx::query_as(
        "SELECT e.center_id, c.name AS center_name, e.region, o.id AS host_id, o.name AS host_name, o.kind AS host_kind, e.state, e.grade, e.scorecard_json \
         FROM evaluations e JOIN centers c ON c.id = e.center_id JOIN organisations o ON o.id = c.host_org_id WHERE e.round_id = $1 ORDER BY e.center_id",
    )
    .bind(round_id.get())
    .fetch_all(pool)
    .await?)
}
