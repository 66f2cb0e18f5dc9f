//! Organisations (单位).

use crate::audit::{self, Change};
use crate::column::Instant;
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::tallies;
use crate::{format_ts, parse_code, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::id::OrgId;
use pocnet_domain::org::{OrgDraft, OrgKind};
use pocnet_domain::region::Region;
use pocnet_domain::text::comparable;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored organisation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    /// Id.
    #[schema(value_type = i64)]
    pub id: OrgId,
    /// Full name.
    pub name: String,
    /// Kind of unit.
    pub kind: OrgKind,
    /// County-level region.
    pub region: Region,
    /// Optimistic-lock version; send it back when editing.
    pub version: i64,
    /// Number of user accounts in it.
    pub user_count: i64,
    /// Created at (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
    /// Last changed at (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    region: String,
    version: i64,
    user_count: i64,
    #[sqlx(try_from = "Instant")]
    created_at: DateTime<Utc>,
    #[sqlx(try_from = "Instant")]
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for Organisation {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: OrgId::new(r.id),
            name: r.name,
            kind: parse_code(&r.kind, OrgKind::parse)?,
            region: parse_code(&r.region, Region::parse)?,
            version: r.version,
            user_count: r.user_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const SELECT: &str = "SELECT o.id, o.name, o.kind, o.region, o.version, \
    (SELECT COUNT(*) FROM users u WHERE u.org_id = o.id) AS user_count, o.created_at, o.updated_at \
    FROM organisations o";

/// Columns a list may be sorted by.
pub const SORT_COLUMNS: &[&str] = &["name", "kind", "region", "created_at"];

/// Which organisations to list.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Only this kind.
    pub kind: Option<OrgKind>,
    /// Only this region.
    pub region: Option<Region>,
    /// Name contains.
    pub q: Option<String>,
}

/// Lists organisations, one page at any depth for the cost of the first
/// (issue 13): the total is exact for all of them (a tally), one region or
/// when `page` asks to count, and otherwise the rows known so far.
pub async fn list(pool: &AnyPool, filter: &OrgFilter, sort: &str, dir: SortDir, page: Page) -> StoreResult<Paged<Organisation>> {
    let w = filter.condition();
    let total = if page.exact_total || filter.counted() {
        Total::Exact(listing::count(pool, BASE, &w).await?)
    } else if filter.is_empty() {
        Total::Exact(tallies::sum(pool, tallies::ORGANISATIONS, &[String::new()]).await?)
    } else {
        Total::Unknown
    };
    let rows: Paged<Row> = listing::page_of(pool, SELECT, BASE, &w, order(sort, dir), page, total).await?;
    rows.try_map(Organisation::try_from)
}

/// The statements [`list`] runs for this filter and order (for the planner tests).
pub fn list_statements(filter: &OrgFilter, sort: &str, dir: SortDir) -> Vec<String> {
    let w = filter.condition();
    listing::statements(SELECT, BASE, &w, order(sort, dir), filter.counted())
}

const BASE: &str = "FROM organisations o";

/// The list's order: a [`SORT_COLUMNS`] column (else the name), then the id.
fn order(sort: &str, dir: SortDir) -> Order {
    let column = SORT_COLUMNS.iter().find(|c| **c == sort).copied().unwrap_or("name");
    Order { table: "organisations", alias: "o", column, int: false, dir }
}

impl OrgFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        if let Some(k) = self.kind {
            w.and("o.kind = ?", Arg::Text(k.as_str().into()));
        }
        if let Some(r) = self.region {
            w.and("o.region = ?", Arg::Text(r.as_str().into()));
        }
        if let Some(q) = self.keyword() {
            w.and("o.name LIKE ? ESCAPE '\\'", Arg::Text(crate::sql_where::contains(q)));
        }
        w
    }

    /// The name text searched for, if any.
    fn keyword(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    fn is_empty(&self) -> bool {
        self.kind.is_none() && self.region.is_none() && self.keyword().is_none()
    }

    /// Whether the list is narrow enough to count on every page (one region's units, without a keyword).
    fn counted(&self) -> bool {
        self.region.is_some() && self.keyword().is_none()
    }
}

impl ListRow for Row {
    fn list_id(&self) -> i64 {
        self.id
    }
}

/// Every organisation's id and name, by name (for pickers).
pub async fn all_names(pool: &AnyPool) -> StoreResult<Vec<(OrgId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM organisations ORDER BY name").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id, name)| (OrgId::new(id), name)).collect())
}

/// The organisation of this name, compared on the folded form
/// (domain::text::comparable: `（测试）` finds `(测试)`), if any.
pub async fn find_by_name<'e, E>(executor: E, name: &str) -> StoreResult<Option<Organisation>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE o.name_key = $1 OR o.name = $2 ORDER BY o.id LIMIT 1"))
        .bind(comparable(name))
        .bind(name.trim())
        .fetch_optional(executor)
        .await?
        .map(Organisation::try_from)
        .transpose()
}

/// Reads one organisation.
pub async fn get<'e, E>(executor: E, id: OrgId) -> StoreResult<Organisation>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE o.id = $1"))
        .bind(id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)?;
    row.try_into()
}

fn snapshot(o: &Organisation) -> serde_json::Value {
    serde_json::json!({"name": o.name, "kind": o.kind, "region": o.region, "version": o.version})
}

/// Creates an organisation.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, draft: &OrgDraft) -> StoreResult<Organisation> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, region, created_at, updated_at, name_key) VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
    )
    .bind(&draft.name)
    .bind(draft.kind.as_str())
    .bind(draft.region.as_str())
    .bind(&ts)
    .bind(comparable(&draft.name))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("name"))?;
    let org = get(&mut *conn, OrgId::new(id)).await?;
    let change = Change {
        action: "organisation.create",
        entity_type: "organisation",
        entity_id: id.to_string(),
        before: None,
        after: Some(snapshot(&org)),
        reason: None,
    };
    audit::record(conn, actor, now, change).await?;
    Ok(org)
}

/// Updates an organisation if nobody changed it since `expected_version`.
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: OrgId,
    expected_version: i64,
    draft: &OrgDraft,
) -> StoreResult<Organisation> {
    let before = get(&mut *conn, id).await?;
    let done = sqlx::query(
        "UPDATE organisations SET name = $1, kind = $2, region = $3, version = version + 1, updated_at = $4, name_key = $7 \
         WHERE id = $5 AND version = $6",
    )
    .bind(&draft.name)
    .bind(draft.kind.as_str())
    .bind(draft.region.as_str())
    .bind(format_ts(now))
    .bind(id.get())
    .bind(expected_version)
    .bind(comparable(&draft.name))
    .execute(&mut *conn)
    .await
    .map_err(StoreError::on_unique("name"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: expected_version });
    }
    let after = get(&mut *conn, id).await?;
    let change = Change {
        action: "organisation.update",
        entity_type: "organisation",
        entity_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
        reason: None,
    };
    audit::record(conn, actor, now, change).await?;
    Ok(after)
}

/// Gives every organisation written before migration 0013 its name key. A
/// name that folds onto another unit's is left without one (and logged), so
/// the bureau can merge or rename the pair. Returns how many got a key.
pub async fn backfill_name_keys(pool: &AnyPool) -> StoreResult<u64> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM organisations WHERE name_key IS NULL ORDER BY id")
        .fetch_all(pool)
        .await?;
    let mut done = 0;
    for (id, name) in rows {
        let key = comparable(&name);
        let set = sqlx::query(
            "UPDATE organisations SET name_key = $1 WHERE id = $2 AND name_key IS NULL \
             AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.name_key = $1)",
        )
        .bind(&key)
        .bind(id)
        .execute(pool)
        .await?;
        if set.rows_affected() == 0 {
            tracing::warn!(id, name = %name, "organisation name folds onto another unit's; left without a name key");
        }
        done += set.rows_affected();
    }
    Ok(done)
}
