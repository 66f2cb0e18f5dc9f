//! The platform's yearly double assessment of its project managers (“技术价值+商业价值”双重考核,
//! 004 三(五)): the facts of a manager's portfolio in a year, read off the library's records, and
//! the assessments given — one per platform, manager and year.

use crate::audit::{self, Change};
use crate::column::{Code, Instant};
use crate::listing::{self, ListRow, Order};
use crate::sql_where::{Arg, Where};
use super::ManagerScope;
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::id::{CenterId, UserId};
use pocnet_domain::managers::assessment::{AssessmentDraft, Grade, PortfolioFacts, Suggestion};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// The assignments of `manager` at `center` that ran at some time in `year`, with the bounds of
/// the part of the year each ran (`$1` manager, `$2` center, `$3` first day, `$4` last day).
const IN_YEAR: &str = "SELECT a.result_id, a.trl_at_start, a.exit_route, \
    CASE WHEN a.assigned_on > $3 THEN a.assigned_on ELSE $3 END AS from_day, \
    CASE WHEN a.exited_on IS NOT NULL AND a.exited_on < $4 THEN a.exited_on ELSE $4 END AS to_day, a.exited_on \
    FROM manager_assignments a WHERE a.manager_id = $1 AND a.center_id = $2 AND a.assigned_on <= $4 AND (a.exited_on IS NULL OR a.exited_on >= $3)";

/// What `manager`'s projects at `center` achieved in `year` while it carried them (the sums are cast:
/// PostgreSQL sums integers as `numeric`, which the Any driver does not read).
pub async fn facts<'e, E>(executor: E, manager: UserId, center: CenterId, year: i32) -> StoreResult<PortfolioFacts>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (first, last) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let sql = format!(
        "WITH y AS ({IN_YEAR}) SELECT \
         (SELECT COUNT(*) FROM y), \
         (SELECT COUNT(*) FROM y JOIN verification_reports v ON v.result_id = y.result_id WHERE v.issued_on BETWEEN y.from_day AND y.to_day), \
         (SELECT CAST(COALESCE(SUM(CASE WHEN v.trl_after > y.trl_at_start THEN v.trl_after - y.trl_at_start ELSE 0 END), 0) AS BIGINT) FROM y \
            JOIN verification_reports v ON v.result_id = y.result_id WHERE v.issued_on BETWEEN y.from_day AND y.to_day), \
         (SELECT COUNT(*) FROM y JOIN handoffs h ON h.result_id = y.result_id WHERE h.sent_on BETWEEN y.from_day AND y.to_day), \
         (SELECT COUNT(*) FROM y JOIN result_outcomes o ON o.result_id = y.result_id WHERE o.achieved_on BETWEEN y.from_day AND y.to_day), \
         (SELECT CAST(COALESCE(SUM(o.amount_yuan), 0) AS BIGINT) FROM y JOIN result_outcomes o ON o.result_id = y.result_id WHERE o.achieved_on BETWEEN y.from_day AND y.to_day), \
         (SELECT COUNT(*) FROM y WHERE y.exited_on IS NOT NULL AND y.exited_on <= $4 AND y.exit_route IN ('pilot_handoff', 'transfer', 'financed'))"
    );
    let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(&sql).bind(manager.get()).bind(center.get()).bind(first).bind(last).fetch_one(executor).await?;
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    Ok(PortfolioFacts { managed: n(row.0), verified: n(row.1), trl_gain: n(row.2), handoffs: n(row.3), outcomes: n(row.4), amount_yuan: row.5, carried_through: n(row.6) })
}

/// An assessment given.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ManagerAssessment {
    /// Id.
    pub id: i64,
    /// The platform that assessed.
    pub center_id: i64,
    /// Its name.
    pub center_name: String,
    /// The manager's account.
    pub manager_id: i64,
    /// The manager's name.
    pub manager_name: String,
    /// Year assessed.
    pub year: i32,
    /// 技术价值, 0–100.
    pub technical: i32,
    /// 商业价值, 0–100.
    pub commercial: i32,
    /// 等次.
    #[sqlx(try_from = "Code<Grade>")]
    pub grade: Grade,
    /// The suggested 技术价值 the platform started from.
    pub suggested_technical: Option<i32>,
    /// The suggested 商业价值.
    pub suggested_commercial: Option<i32>,
    /// The portfolio's facts then (JSON of the facts).
    pub facts: String,
    /// 考核意见.
    pub opinion: String,
    /// Who assessed (login name).
    pub assessed_by: String,
    /// When (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl ListRow for ManagerAssessment {
    fn list_id(&self) -> i64 {
        self.id
    }
}

const SELECT: &str = "SELECT s.id, s.center_id, c.name AS center_name, s.manager_id, u.display_name AS manager_name, s.year, s.technical, s.commercial, \
    s.grade, s.suggested_technical, s.suggested_commercial, s.facts, s.opinion, s.assessed_by, s.created_at \
    FROM manager_assessments s LEFT JOIN centers c ON c.id = s.center_id LEFT JOIN users u ON u.id = s.manager_id";
const BASE: &str = "FROM manager_assessments s";

/// An assessment to record, with what it started from.
#[derive(Debug, Clone, Copy)]
pub struct NewAssessment<'a> {
    /// The platform assessing.
    pub center: CenterId,
    /// The manager.
    pub manager: UserId,
    /// The scores and opinion.
    pub draft: &'a AssessmentDraft,
    /// The portfolio's facts of the year.
    pub facts: &'a PortfolioFacts,
    /// The scores suggested from them.
    pub suggestion: &'a Suggestion,
}

/// Records an assessment with the facts and suggestion it started from; a second one of the same
/// platform, manager and year is [`StoreError::Duplicate`] on `year`.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, new: &NewAssessment<'_>) -> StoreResult<i64> {
    let NewAssessment { center, manager, draft: d, facts, suggestion } = *new;
    let facts_json = serde_json::to_string(facts).unwrap_or_default();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO manager_assessments (center_id, manager_id, year, technical, commercial, grade, suggested_technical, suggested_commercial, facts, opinion, \
         assessed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(center.get())
    .bind(manager.get())
    .bind(d.year)
    .bind(i32::from(d.technical))
    .bind(i32::from(d.commercial))
    .bind(d.grade.as_str())
    .bind(suggestion.technical.map(i32::from))
    .bind(suggestion.commercial.map(i32::from))
    .bind(facts_json)
    .bind(&d.opinion)
    .bind(&actor.label)
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("year"))?;
    let after = serde_json::json!({"center_id": center, "manager_id": manager, "year": d.year, "technical": d.technical, "commercial": d.commercial, "grade": d.grade});
    let change = Change { action: "manager_assessment.create", entity_type: "manager_assessment", entity_id: id.to_string(), before: None, after: Some(after), reason: None };
    audit::record(conn, actor, now, change).await?;
    Ok(id)
}

/// The assessment of `manager` by `center` for `year`, if given.
pub async fn find(pool: &AnyPool, center: CenterId, manager: UserId, year: i32) -> StoreResult<Option<ManagerAssessment>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE s.center_id = $1 AND s.manager_id = $2 AND s.year = $3"))
        .bind(center.get())
        .bind(manager.get())
        .bind(year)
        .fetch_optional(pool)
        .await?)
}

fn condition(scope: ManagerScope, year: Option<i32>) -> Where {
    let mut w = Where::default();
    scope.restrict("s", &mut w);
    if let Some(y) = year {
        w.and("s.year = ?", Arg::Int(i64::from(y)));
    }
    w
}

fn newest() -> Order {
    Order { table: "manager_assessments", alias: "s", column: "id", int: true, dir: SortDir::Desc }
}

/// A page of assessments, newest first.
pub async fn list(pool: &AnyPool, scope: ManagerScope, year: Option<i32>, page: Page) -> StoreResult<Paged<ManagerAssessment>> {
    listing::page_of(pool, SELECT, BASE, &condition(scope, year), newest(), page, listing::Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(scope: ManagerScope, year: Option<i32>) -> Vec<String> {
    listing::statements(SELECT, BASE, &condition(scope, year), newest(), false)
}
