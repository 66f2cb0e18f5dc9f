//! Industry demands (产业需求清单): published by a unit, listed by the bureau.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{DemandId, OrgId, UserId};
use pocnet_domain::matching::{DemandDraft, DemandState};
use pocnet_domain::region::Region;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored demand.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Demand {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: DemandId,
    /// 需求名称.
    pub title: String,
    /// 技术难题描述.
    pub problem: String,
    /// Field code.
    pub field: String,
    /// Sub-field code ('' when none).
    pub sub_field: String,
    /// 目标技术就绪度.
    pub target_trl: i64,
    /// Budget in yuan; absent when 面议.
    pub budget_yuan: Option<i64>,
    /// Region.
    #[sqlx(try_from = "Code<Region>")]
    pub region: Region,
    /// 截止日期.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub deadline: NaiveDate,
    /// The publishing unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<DemandState>")]
    pub state: DemandState,
    /// The year of the 重点产业需求清单 it is listed in.
    pub listed_year: Option<i64>,
    /// Optimistic-lock version; send it back when changing it.
    pub version: i64,
    /// Published at (UTC).
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

impl ListRow for Demand {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

const SELECT: &str = "SELECT d.id, d.title, d.problem, d.field, d.sub_field, d.target_trl, d.budget_yuan, d.region, d.deadline, d.org_id, \
    (SELECT o.name FROM organisations o WHERE o.id = d.org_id) AS org_name, d.state, d.listed_year, d.version, d.created_at, d.updated_at FROM demands d";
const BASE: &str = "FROM demands d";

/// Which demands a list shows.
#[derive(Debug, Clone, Default)]
pub struct DemandFilter {
    /// Only this state.
    pub state: Option<DemandState>,
    /// Only this field.
    pub field: Option<String>,
    /// Only this region.
    pub region: Option<Region>,
    /// Only this unit's.
    pub org_id: Option<OrgId>,
    /// Only those listed in this year's list.
    pub listed_year: Option<i64>,
    /// Only those open to answers (published or listed, deadline not passed on `open_on`).
    pub open_on: Option<NaiveDate>,
    /// Leave withdrawn demands out (a list read by anyone but the bureau).
    pub hide_withdrawn: bool,
}

impl DemandFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        if let Some(s) = self.state {
            w.and("d.state = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(f) = &self.field {
            w.and("d.field = ?", Arg::Text(f.clone()));
        }
        if let Some(r) = self.region {
            w.and("d.region = ?", Arg::Text(r.as_str().into()));
        }
        if let Some(o) = self.org_id {
            w.and("d.org_id = ?", Arg::Int(o.get()));
        }
        if let Some(y) = self.listed_year {
            w.and("d.listed_year = ?", Arg::Int(y));
        }
        if self.hide_withdrawn && self.state.is_none() {
            w.and_raw("d.state <> 'withdrawn'");
        }
        if let Some(day) = self.open_on {
            w.and_raw("d.state IN ('published', 'listed')");
            w.and("d.deadline >= ?", Arg::Text(day.to_string()));
        }
        w
    }

    /// Whether the filter narrows the list to a small, indexed part worth counting.
    fn counted(&self) -> bool {
        self.org_id.is_some() || self.listed_year.is_some()
    }
}

fn order(sort: &str, dir: SortDir) -> Order {
    let column = match sort {
        "deadline" => "deadline",
        _ => "created_at",
    };
    Order { table: "demands", alias: "d", column, int: false, dir }
}

/// A page of demands.
pub async fn list(pool: &AnyPool, filter: &DemandFilter, sort: &str, dir: SortDir, page: Page) -> StoreResult<Paged<Demand>> {
    let w = filter.condition();
    let total = if page.exact_total || filter.counted() { Total::Exact(listing::count(pool, BASE, &w).await?) } else { Total::Unknown };
    listing::page_of(pool, SELECT, BASE, &w, order(sort, dir), page, total).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &DemandFilter, sort: &str, dir: SortDir) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), order(sort, dir), filter.counted())
}

/// One demand.
pub async fn get<'e, E>(executor: E, id: DemandId) -> StoreResult<Demand>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE d.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

fn snapshot(d: &DemandDraft) -> serde_json::Value {
    serde_json::json!({
        "title": d.title, "field": d.field, "sub_field": d.sub_field, "target_trl": d.target_trl.level(),
        "budget_yuan": d.budget.map(|b| b.get()), "region": d.region, "deadline": d.deadline,
    })
}

/// Publishes a demand of `org`, entered by the account `by` (none: recorded for the unit, e.g. the demo's).
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, org: OrgId, by: Option<UserId>, d: &DemandDraft) -> StoreResult<DemandId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO demands (title, problem, field, sub_field, target_trl, budget_yuan, region, deadline, org_id, state, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(&d.title)
    .bind(&d.problem)
    .bind(&d.field)
    .bind(&d.sub_field)
    .bind(i64::from(d.target_trl.level()))
    .bind(d.budget.map(|b| b.get()))
    .bind(d.region.as_str())
    .bind(d.deadline.to_string())
    .bind(org.get())
    .bind(DemandState::Published.as_str())
    .bind(by.map(|u| u.get()))
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let change = Change { action: "demand.publish", entity_type: "demand", entity_id: id.to_string(), before: None, after: Some(snapshot(d)), reason: None };
    audit::record(conn, actor, now, change).await?;
    Ok(DemandId::new(id))
}

/// Replaces a demand's content if it is still at `version`.
pub async fn update(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: DemandId, version: i64, d: &DemandDraft) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE demands SET title = $1, problem = $2, field = $3, sub_field = $4, target_trl = $5, budget_yuan = $6, region = $7, deadline = $8, \
         version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11",
    )
    .bind(&d.title)
    .bind(&d.problem)
    .bind(&d.field)
    .bind(&d.sub_field)
    .bind(i64::from(d.target_trl.level()))
    .bind(d.budget.map(|b| b.get()))
    .bind(d.region.as_str())
    .bind(d.deadline.to_string())
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let change = Change { action: "demand.update", entity_type: "demand", entity_id: id.to_string(), before: None, after: Some(snapshot(d)), reason: None };
    audit::record(conn, actor, now, change).await
}

/// Moves a demand to `state` (listing it in `listed_year`, or not) if it is still at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn set_state(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: DemandId,
    version: i64,
    state: DemandState,
    listed_year: Option<i64>,
    reason: Option<&str>,
) -> StoreResult<()> {
    let n = sqlx::query("UPDATE demands SET state = $1, listed_year = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5")
        .bind(state.as_str())
        .bind(listed_year)
        .bind(format_ts(now))
        .bind(id.get())
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = serde_json::json!({"state": state, "listed_year": listed_year});
    let change = Change { action: "demand.state", entity_type: "demand", entity_id: id.to_string(), before: None, after: Some(after), reason };
    audit::record(conn, actor, now, change).await
}

/// The public faces of the demands among `ids` (the search index), with the publisher's name.
pub async fn faces(pool: &AnyPool, ids: &[i64]) -> StoreResult<Vec<Demand>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as(&format!("{SELECT} WHERE d.id IN ({list}) ORDER BY d.id")).fetch_all(pool).await?)
}

/// The ids of every demand after `after`, in order, at most `limit` (a rebuild's batches).
pub async fn ids_after(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM demands WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(pool).await?)
}
