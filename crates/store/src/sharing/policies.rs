//! Supporting policies (配套政策): the fourth of Shanghai's four lists, kept by the bureau.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::PolicyItemId;
use pocnet_domain::sharing::{PolicyItemDraft, PolicyItemState};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored policy entry.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct PolicyItem {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: PolicyItemId,
    /// 政策名称.
    pub title: String,
    /// 发文单位.
    pub issuer: String,
    /// 发文日期.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub issued_on: NaiveDate,
    /// 条款.
    pub article: String,
    /// 支持内容.
    pub summary: String,
    /// Field code ('' = every field).
    pub field: String,
    /// Listed or expired.
    #[sqlx(try_from = "Code<PolicyItemState>")]
    pub state: PolicyItemState,
    /// Optimistic-lock version.
    pub version: i64,
    /// Last changed at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl ListRow for PolicyItem {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

const SELECT: &str = "SELECT p.id, p.title, p.issuer, p.issued_on, p.article, p.summary, p.field, p.state, p.version, p.updated_at FROM support_policies p";
const BASE: &str = "FROM support_policies p";

fn condition(state: Option<PolicyItemState>) -> Where {
    let mut w = Where::default();
    if let Some(s) = state {
        w.and("p.state = ?", Arg::Text(s.as_str().into()));
    }
    w
}

fn order() -> Order {
    Order { table: "support_policies", alias: "p", column: "issued_on", int: false, dir: SortDir::Desc }
}

/// A page of policy entries, newest first; `state` none = every entry (the bureau's view).
pub async fn list(pool: &AnyPool, state: Option<PolicyItemState>, page: Page) -> StoreResult<Paged<PolicyItem>> {
    let w = condition(state);
    let total = if page.exact_total { Total::Exact(listing::count(pool, BASE, &w).await?) } else { Total::Unknown };
    listing::page_of(pool, SELECT, BASE, &w, order(), page, total).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(state: Option<PolicyItemState>) -> Vec<String> {
    listing::statements(SELECT, BASE, &condition(state), order(), false)
}

/// One entry.
pub async fn get<'e, E>(executor: E, id: PolicyItemId) -> StoreResult<PolicyItem>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE p.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

fn snapshot(d: &PolicyItemDraft) -> serde_json::Value {
    serde_json::json!({"title": d.title, "issuer": d.issuer, "issued_on": d.issued_on, "article": d.article, "field": d.field})
}

/// Lists a policy entry.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, d: &PolicyItemDraft) -> StoreResult<PolicyItemId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO support_policies (title, issuer, issued_on, article, summary, field, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(&d.title)
    .bind(&d.issuer)
    .bind(d.issued_on.to_string())
    .bind(&d.article)
    .bind(&d.summary)
    .bind(&d.field)
    .bind(PolicyItemState::Active.as_str())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let change = Change { action: "policy_item.create", entity_type: "policy_item", entity_id: id.to_string(), before: None, after: Some(snapshot(d)), reason: None };
    audit::record(conn, actor, now, change).await?;
    Ok(PolicyItemId::new(id))
}

/// Replaces an entry's content and state if it is still at `version`.
pub async fn update(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: PolicyItemId, version: i64, d: &PolicyItemDraft, state: PolicyItemState) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE support_policies SET title = $1, issuer = $2, issued_on = $3, article = $4, summary = $5, field = $6, state = $7, \
         version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
    )
    .bind(&d.title)
    .bind(&d.issuer)
    .bind(d.issued_on.to_string())
    .bind(&d.article)
    .bind(&d.summary)
    .bind(&d.field)
    .bind(state.as_str())
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let mut after = snapshot(d);
    after["state"] = serde_json::json!(state);
    let change = Change { action: "policy_item.update", entity_type: "policy_item", entity_id: id.to_string(), before: None, after: Some(after), reason: None };
    audit::record(conn, actor, now, change).await
}
