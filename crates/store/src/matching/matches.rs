//! Matches answered on a demand (供需对接): each side's answer with its reason,
//! the score and components as proposed, and the follow-up stage. Both sides
//! accepting puts a match on the 精准对接清单.

use crate::audit::{self, Change};
use crate::column::{Code, Instant, NullableId};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::id::{DemandId, MatchId, OrgId};
use pocnet_domain::matching::{Answer, MatchStage};
use pocnet_domain::region::Region;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored match.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct MatchRecord {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: MatchId,
    /// The demand.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub demand_id: DemandId,
    /// The demand's title.
    pub demand_title: String,
    /// What is offered: `result` or `center`.
    pub subject_kind: String,
    /// Its id.
    pub subject_id: i64,
    /// Its title or name.
    pub subject_title: String,
    /// The demand's unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub demand_org_id: OrgId,
    /// The offer's unit (the result's owner, the center's host).
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub supply_org_id: Option<i64>,
    /// The host unit of the result's center, if any.
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub supply_host_org_id: Option<i64>,
    /// The demand's region.
    #[sqlx(try_from = "Code<Region>")]
    pub region: Region,
    /// Score (0–1000, tenths of a point) when first answered.
    pub score: i64,
    /// The components as proposed (JSON).
    pub components: String,
    /// The demand side's answer.
    #[sqlx(try_from = "Code<Answer>")]
    pub demand_answer: Answer,
    /// Its reason code ('' when none).
    pub demand_reason: String,
    /// The supply side's answer.
    #[sqlx(try_from = "Code<Answer>")]
    pub supply_answer: Answer,
    /// Its reason code ('' when none).
    pub supply_reason: String,
    /// Where the match stands.
    #[sqlx(try_from = "Code<MatchStage>")]
    pub stage: MatchStage,
    /// Contract amount in yuan (签约, 落地).
    pub contract_yuan: Option<i64>,
    /// The last note written.
    pub note: String,
    /// Optimistic-lock version; send it back when changing it.
    pub version: i64,
    /// First answered at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
    /// Last changed at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl ListRow for MatchRecord {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

const SELECT: &str = "SELECT m.id, m.demand_id, d.title AS demand_title, m.subject_kind, m.subject_id, \
    COALESCE(r.title, c.name, '') AS subject_title, m.demand_org_id, m.supply_org_id, m.supply_host_org_id, m.region, m.score, m.components, \
    m.demand_answer, m.demand_reason, m.supply_answer, m.supply_reason, m.stage, m.contract_yuan, m.note, m.version, m.created_at, m.updated_at \
    FROM demand_matches m JOIN demands d ON d.id = m.demand_id \
    LEFT JOIN research_results r ON m.subject_kind = 'result' AND r.id = m.subject_id \
    LEFT JOIN centers c ON m.subject_kind = 'center' AND c.id = m.subject_id";
const BASE: &str = "FROM demand_matches m";

/// Whose matches a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchScope {
    /// Every match (the bureau).
    All,
    /// Matches on the region's demands (a county department).
    Region(Region),
    /// Matches where the unit is on either side or hosts the result's center.
    Org(OrgId),
}

/// Which matches a list shows.
#[derive(Debug, Clone, Default)]
pub struct MatchFilter {
    /// Only this stage.
    pub stage: Option<MatchStage>,
    /// Only the docking list (both sides accepted).
    pub docking: bool,
    /// Only this demand's.
    pub demand_id: Option<DemandId>,
}

fn condition(scope: MatchScope, filter: &MatchFilter) -> Where {
    let mut w = Where::default();
    match scope {
        MatchScope::All => {}
        MatchScope::Region(r) => {
            w.and("m.region = ?", Arg::Text(r.as_str().into()));
        }
        MatchScope::Org(o) => {
            w.and("(m.demand_org_id = ? OR m.supply_org_id = ? OR m.supply_host_org_id = ?)", Arg::Int(o.get()));
        }
    }
    if let Some(s) = filter.stage {
        w.and("m.stage = ?", Arg::Text(s.as_str().into()));
    } else if filter.docking {
        w.and_raw("m.stage IN ('docking', 'contacted', 'negotiating', 'contract', 'landed', 'dropped')");
    }
    if let Some(d) = filter.demand_id {
        w.and("m.demand_id = ?", Arg::Int(d.get()));
    }
    w
}

fn order(dir: SortDir) -> Order {
    Order { table: "demand_matches", alias: "m", column: "updated_at", int: false, dir }
}

/// A page of matches, most recently changed first by default.
pub async fn list(pool: &AnyPool, scope: MatchScope, filter: &MatchFilter, dir: SortDir, page: Page) -> StoreResult<Paged<MatchRecord>> {
    let w = condition(scope, filter);
    let narrow = filter.demand_id.is_some() || !matches!(scope, MatchScope::All);
    let total = if page.exact_total || narrow { Total::Exact(listing::count(pool, BASE, &w).await?) } else { Total::Unknown };
    listing::page_of(pool, SELECT, BASE, &w, order(dir), page, total).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(scope: MatchScope, filter: &MatchFilter, dir: SortDir) -> Vec<String> {
    listing::statements(SELECT, BASE, &condition(scope, filter), order(dir), true)
}

/// One match.
pub async fn get<'e, E>(executor: E, id: MatchId) -> StoreResult<MatchRecord>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE m.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The match of `demand` with the offer, if one was answered.
pub async fn find<'e, E>(executor: E, demand: DemandId, kind: &str, subject: i64) -> StoreResult<Option<MatchRecord>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(&format!("{SELECT} WHERE m.demand_id = $1 AND m.subject_kind = $2 AND m.subject_id = $3"))
        .bind(demand.get())
        .bind(kind)
        .bind(subject)
        .fetch_optional(executor)
        .await?)
}

/// The answered matches of a demand (a demand has few), best first.
pub async fn of_demand(pool: &AnyPool, demand: DemandId) -> StoreResult<Vec<MatchRecord>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE m.demand_id = $1 ORDER BY m.score DESC, m.id")).bind(demand.get()).fetch_all(pool).await?)
}

/// The answered matches of an offer, most recent first (at most 200).
pub async fn of_subject(pool: &AnyPool, kind: &str, subject: i64) -> StoreResult<Vec<MatchRecord>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE m.subject_kind = $1 AND m.subject_id = $2 ORDER BY m.updated_at DESC, m.id DESC LIMIT 200"))
        .bind(kind)
        .bind(subject)
        .fetch_all(pool)
        .await?)
}

/// A first answer on a proposed match.
#[derive(Debug, Clone)]
pub struct NewMatch<'a> {
    /// The demand.
    pub demand_id: DemandId,
    /// `result` or `center`.
    pub subject_kind: &'a str,
    /// Its id.
    pub subject_id: i64,
    /// The demand's unit.
    pub demand_org_id: OrgId,
    /// The offer's unit.
    pub supply_org_id: Option<i64>,
    /// The host of the result's center.
    pub supply_host_org_id: Option<i64>,
    /// The demand's region.
    pub region: Region,
    /// Score in tenths of a point.
    pub score: i64,
    /// Components (JSON).
    pub components: &'a str,
}

/// What an answer or a follow-up writes.
#[derive(Debug, Clone)]
pub struct MatchChange<'a> {
    /// The demand side's answer and reason.
    pub demand: (Answer, &'a str),
    /// The supply side's answer and reason.
    pub supply: (Answer, &'a str),
    /// The resulting stage.
    pub stage: MatchStage,
    /// Contract amount.
    pub contract_yuan: Option<i64>,
    /// Note.
    pub note: &'a str,
    /// Audit action, e.g. `match.answer`.
    pub action: &'a str,
    /// Reason recorded with the audit event.
    pub reason: Option<&'a str>,
}

/// Records the first answer on a match (a second answer to the same pair, by a
/// request that lost the race, fails as a duplicate and is retried as an update).
pub async fn insert(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, new: &NewMatch<'_>, c: &MatchChange<'_>) -> StoreResult<MatchId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO demand_matches (demand_id, subject_kind, subject_id, demand_org_id, supply_org_id, supply_host_org_id, region, score, components, \
         demand_answer, demand_reason, supply_answer, supply_reason, stage, contract_yuan, note, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
    )
    .bind(new.demand_id.get())
    .bind(new.subject_kind)
    .bind(new.subject_id)
    .bind(new.demand_org_id.get())
    .bind(new.supply_org_id)
    .bind(new.supply_host_org_id)
    .bind(new.region.as_str())
    .bind(new.score)
    .bind(new.components)
    .bind(c.demand.0.as_str())
    .bind(c.demand.1)
    .bind(c.supply.0.as_str())
    .bind(c.supply.1)
    .bind(c.stage.as_str())
    .bind(c.contract_yuan)
    .bind(c.note)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("subject_id"))?;
    audit_change(conn, actor, now, id, c).await?;
    Ok(MatchId::new(id))
}

/// Changes a match if it is still at `version`.
pub async fn update(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: MatchId, version: i64, c: &MatchChange<'_>) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE demand_matches SET demand_answer = $1, demand_reason = $2, supply_answer = $3, supply_reason = $4, stage = $5, contract_yuan = $6, \
         note = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
    )
    .bind(c.demand.0.as_str())
    .bind(c.demand.1)
    .bind(c.supply.0.as_str())
    .bind(c.supply.1)
    .bind(c.stage.as_str())
    .bind(c.contract_yuan)
    .bind(c.note)
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    audit_change(conn, actor, now, id.get(), c).await
}

async fn audit_change(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, c: &MatchChange<'_>) -> StoreResult<()> {
    let after = serde_json::json!({
        "demand_answer": c.demand.0, "demand_reason": c.demand.1, "supply_answer": c.supply.0, "supply_reason": c.supply.1,
        "stage": c.stage, "contract_yuan": c.contract_yuan,
    });
    let change = Change { action: c.action, entity_type: "demand_match", entity_id: id.to_string(), before: None, after: Some(after), reason: c.reason };
    audit::record(conn, actor, now, change).await
}

/// How many matches landed (the figure that counts them as outcomes), per scope.
pub async fn landed_count(pool: &AnyPool, scope: MatchScope) -> StoreResult<i64> {
    let w = condition(scope, &MatchFilter { stage: Some(MatchStage::Landed), ..MatchFilter::default() });
    listing::count(pool, BASE, &w).await
}
