//! The list of key PoC platform projects (重点推进项目清单, 004 二(二)). Every change is a
//! compare-and-set on the project's version and is audited.

use crate::audit::{self, Change};
use crate::column::{Code, Instant, MaybeDay};
use crate::listing::{self, ListRow, Order};
use crate::sql_where::{contains, Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OrgId};
use pocnet_domain::key_projects::{KeyCategory, KeyProjectDraft, KeyState, Readiness};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A key project with its builder's and center's names.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct KeyProject {
    /// Id.
    pub id: i64,
    /// 项目名称.
    pub title: String,
    /// 布局类别.
    #[sqlx(try_from = "Code<KeyCategory>")]
    pub category: KeyCategory,
    /// 方向.
    pub direction: String,
    /// 建设目标与主要任务.
    pub goal: String,
    /// 集聚区域.
    pub area: String,
    /// 计划投入, 万元.
    pub budget_wan: i64,
    /// 建设主体 (the builder), once named.
    pub lead_org_id: Option<i64>,
    /// Its name.
    pub lead_org_name: Option<String>,
    /// The conditions of 004 二(四) met, as codes separated by commas.
    pub readiness: String,
    /// How many of the five are met.
    pub readiness_met: i32,
    /// Where it stands.
    #[sqlx(try_from = "Code<KeyState>")]
    pub state: KeyState,
    /// Day launched.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub launched_on: Option<NaiveDate>,
    /// The PoC center it became.
    pub center_id: Option<i64>,
    /// Its name.
    pub center_name: Option<String>,
    /// Day it was found built.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub built_on: Option<NaiveDate>,
    /// Why it was dropped.
    pub reason: String,
    /// Optimistic-lock version; send it back with each change.
    pub version: i64,
    /// Last changed at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl ListRow for KeyProject {
    fn list_id(&self) -> i64 {
        self.id
    }
}

impl KeyProject {
    /// The conditions met.
    pub fn conditions(&self) -> Vec<Readiness> {
        self.readiness.split(',').filter_map(|c| Readiness::parse(c).ok()).collect()
    }
}

const SELECT: &str = "SELECT p.id, p.title, p.category, p.direction, p.goal, p.area, p.budget_wan, p.lead_org_id, o.name AS lead_org_name, p.readiness, \
    p.readiness_met, p.state, p.launched_on, p.center_id, c.name AS center_name, p.built_on, p.reason, p.version, p.updated_at \
    FROM key_projects p LEFT JOIN organisations o ON o.id = p.lead_org_id LEFT JOIN centers c ON c.id = p.center_id";
const BASE: &str = "FROM key_projects p";

fn change<'a>(action: &'a str, id: i64, after: serde_json::Value, reason: Option<&'a str>) -> Change<'a> {
    Change { action, entity_type: "key_project", entity_id: id.to_string(), before: None, after: Some(after), reason }
}

fn after(d: &KeyProjectDraft, lead: Option<OrgId>) -> serde_json::Value {
    serde_json::json!({"title": d.title, "category": d.category, "direction": d.direction, "area": d.area, "budget_wan": d.budget_wan, "lead_org_id": lead})
}

/// Puts a project on the list, in reserve.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, d: &KeyProjectDraft, lead: Option<OrgId>) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO key_projects (title, category, direction, goal, area, budget_wan, lead_org_id, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'reserve', $8, $8) RETURNING id",
    )
    .bind(&d.title)
    .bind(d.category.as_str())
    .bind(&d.direction)
    .bind(&d.goal)
    .bind(&d.area)
    .bind(d.budget_wan)
    .bind(lead.map(OrgId::get))
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, actor, now, change("key_project.create", id, after(d, lead), None)).await?;
    Ok(id)
}

/// Rewrites a project still in reserve or launched, at `version`.
pub async fn edit(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, d: &KeyProjectDraft, lead: Option<OrgId>) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE key_projects SET title = $1, category = $2, direction = $3, goal = $4, area = $5, budget_wan = $6, lead_org_id = $7, version = version + 1, \
         updated_at = $8 WHERE id = $9 AND version = $10 AND state IN ('reserve', 'launched')",
    )
    .bind(&d.title)
    .bind(d.category.as_str())
    .bind(&d.direction)
    .bind(&d.goal)
    .bind(&d.area)
    .bind(d.budget_wan)
    .bind(lead.map(OrgId::get))
    .bind(format_ts(now))
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    StoreError::unless_changed(n, version)?;
    audit::record(conn, actor, now, change("key_project.edit", id, after(d, lead), None)).await
}

/// Records which of the five conditions the builder meets, at `version` (in reserve only).
pub async fn set_readiness(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, met: &[Readiness]) -> StoreResult<()> {
    let codes = met.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    let n = sqlx::query("UPDATE key_projects SET readiness = $1, readiness_met = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5 AND state = 'reserve'")
        .bind(&codes)
        .bind(i32::try_from(met.len()).unwrap_or(0))
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    StoreError::unless_changed(n, version)?;
    audit::record(conn, actor, now, change("key_project.readiness", id, serde_json::json!({"readiness": codes}), None)).await
}

/// Launches a project in reserve whose builder meets every condition, at `version`.
pub async fn launch(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, today: NaiveDate) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE key_projects SET state = 'launched', launched_on = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND state = 'reserve' AND readiness_met = 5 AND lead_org_id IS NOT NULL",
    )
    .bind(today.to_string())
    .bind(format_ts(now))
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    StoreError::unless_changed(n, version)?;
    audit::record(conn, actor, now, change("key_project.launch", id, serde_json::json!({"state": KeyState::Launched, "launched_on": today}), None)).await
}

/// Records a launched project built as `center`, at `version`; a center already linked to another
/// project is [`StoreError::Duplicate`] on `center_id`.
pub async fn build(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, center: CenterId, today: NaiveDate) -> StoreResult<()> {
    let n = sqlx::query("UPDATE key_projects SET state = 'built', center_id = $1, built_on = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5 AND state = 'launched'")
        .bind(center.get())
        .bind(today.to_string())
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::on_unique("center_id"))?
        .rows_affected();
    StoreError::unless_changed(n, version)?;
    audit::record(conn, actor, now, change("key_project.build", id, serde_json::json!({"state": KeyState::Built, "center_id": center}), None)).await
}

/// Takes a project in reserve or launched off the list with `reason`, at `version`.
pub async fn drop(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, reason: &str) -> StoreResult<()> {
    let n = sqlx::query("UPDATE key_projects SET state = 'dropped', reason = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4 AND state IN ('reserve', 'launched')")
        .bind(reason)
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    StoreError::unless_changed(n, version)?;
    audit::record(conn, actor, now, change("key_project.drop", id, serde_json::json!({"state": KeyState::Dropped}), Some(reason))).await
}

/// One project.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<KeyProject>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE p.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Which projects a list shows.
#[derive(Debug, Clone, Default)]
pub struct KeyProjectFilter {
    /// One state.
    pub state: Option<KeyState>,
    /// One category.
    pub category: Option<KeyCategory>,
    /// One builder's.
    pub lead: Option<OrgId>,
    /// Words in the title or direction.
    pub q: Option<String>,
}

impl KeyProjectFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        if let Some(s) = self.state {
            w.and("p.state = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(c) = self.category {
            w.and("p.category = ?", Arg::Text(c.as_str().into()));
        }
        if let Some(o) = self.lead {
            w.and("p.lead_org_id = ?", Arg::Int(o.get()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let like = contains(q);
            w.and_each("(p.title LIKE ? ESCAPE '\\' OR p.direction LIKE ? ESCAPE '\\')", vec![Arg::Text(like.clone()), Arg::Text(like)]);
        }
        w
    }
}

fn newest() -> Order {
    Order { table: "key_projects", alias: "p", column: "id", int: true, dir: SortDir::Desc }
}

/// A page of the list, newest first.
pub async fn list(pool: &AnyPool, filter: &KeyProjectFilter, page: Page) -> StoreResult<Paged<KeyProject>> {
    listing::page_of(pool, SELECT, BASE, &filter.condition(), newest(), page, listing::Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &KeyProjectFilter) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), newest(), false)
}
