//! The expert library (专家库). Issue 4 adds conflicts, curation and panels.

use crate::audit::{self, Change};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{contains, Arg, Where};
use crate::{format_ts, parse_code, tallies, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::expert::{ExpertDraft, ExpertKind, Unavailable};
use pocnet_domain::id::{ExpertId, OrgId, UserId};
use pocnet_domain::region::Region;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An expert of the library.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Expert {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ExpertId,
    /// Linked account, if the expert signs in.
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    /// Name.
    pub name: String,
    /// Academic, industry or investment.
    pub kind: ExpertKind,
    /// Organisation id.
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Organisation name.
    pub org_name: String,
    /// Title (职称/职务).
    pub title: String,
    /// Field codes.
    pub fields: Vec<String>,
    /// Sub-field codes.
    pub sub_fields: Vec<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Region.
    pub region: Region,
    /// Short biography.
    pub bio: String,
    /// Periods in which the expert cannot review.
    pub unavailable: Vec<Unavailable>,
    /// Declared conflicts: organisation ids.
    #[schema(value_type = Vec<i64>)]
    pub conflict_orgs: Vec<OrgId>,
    /// Declared conflicts: people.
    pub conflict_people: Vec<String>,
    /// Telephone (curators and the expert only).
    pub phone: String,
    /// E-mail (curators and the expert only).
    pub email: String,
    /// Whether the expert takes part in reviews.
    pub active: bool,
    /// The bureau's reason, if blacklisted (never drawn).
    pub blacklisted: Option<String>,
    /// Optimistic-lock version.
    pub version: i64,
}

impl Expert {
    /// Hides contact details from those who may not see them.
    pub fn without_contact(mut self) -> Self {
        self.phone.clear();
        self.email.clear();
        self
    }
}

#[derive(FromRow)]
struct Row {
    id: i64,
    user_id: Option<i64>,
    name: String,
    kind: String,
    org_id: i64,
    org_name: String,
    title: String,
    fields: String,
    sub_fields: String,
    keywords: String,
    region: String,
    bio: String,
    unavailable: String,
    conflict_orgs: String,
    conflict_people: String,
    phone: String,
    email: String,
    active: i64,
    blacklisted: Option<String>,
    version: i64,
}

fn json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl TryFrom<Row> for Expert {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: ExpertId::new(r.id),
            user_id: r.user_id.map(UserId::new),
            name: r.name,
            kind: parse_code(&r.kind, ExpertKind::parse)?,
            org_id: OrgId::new(r.org_id),
            org_name: r.org_name,
            title: r.title,
            fields: json(&r.fields)?,
            sub_fields: json(&r.sub_fields)?,
            keywords: json(&r.keywords)?,
            region: parse_code(&r.region, Region::parse)?,
            bio: r.bio,
            unavailable: json(&r.unavailable)?,
            conflict_orgs: json(&r.conflict_orgs)?,
            conflict_people: json(&r.conflict_people)?,
            phone: r.phone,
            email: r.email,
            active: r.active != 0,
            blacklisted: r.blacklisted,
            version: r.version,
        })
    }
}

const SELECT: &str = "SELECT e.id, e.user_id, e.name, e.kind, e.org_id, o.name AS org_name, e.title, e.fields, \
    e.sub_fields, e.keywords, e.region, e.bio, e.unavailable, e.conflict_orgs, e.conflict_people, e.phone, e.email, \
    e.active, b.reason AS blacklisted, e.version \
    FROM experts e JOIN organisations o ON o.id = +e.org_id LEFT JOIN expert_blacklist b ON b.expert_id = e.id";

/// Filters of the expert list.
#[derive(Debug, Clone, Default)]
pub struct ExpertFilter {
    /// Only this kind.
    pub kind: Option<ExpertKind>,
    /// Only experts serving this field code.
    pub field: Option<String>,
    /// Only this region.
    pub region: Option<Region>,
    /// Name, organisation, title, keyword or profile text contains.
    pub q: Option<String>,
    /// Only active, not blacklisted experts.
    pub available_only: bool,
}

impl ExpertFilter {
    fn restrict(&self, w: &mut Where) {
        if let Some(k) = self.kind {
            w.and("e.kind = ?", Arg::Text(k.as_str().into()));
        }
        if let Some(f) = &self.field {
            // Fields are a JSON array of codes: match the quoted code.
            w.and("e.fields LIKE ? ESCAPE '\\'", Arg::Text(contains(&format!("\"{f}\""))));
        }
        if let Some(r) = self.region {
            w.and("e.region = ?", Arg::Text(r.as_str().into()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            w.and(
                "(e.name LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\' OR e.title LIKE ? ESCAPE '\\' \
                 OR e.keywords LIKE ? ESCAPE '\\' OR e.bio LIKE ? ESCAPE '\\')",
                Arg::Text(contains(q)),
            );
        }
        if self.available_only {
            w.and_raw("e.active = 1 AND b.expert_id IS NULL");
        }
    }

    /// Whether the tally of experts by kind counts this list.
    fn tallied(&self) -> bool {
        self.field.is_none() && self.region.is_none() && self.q.as_deref().is_none_or(|q| q.trim().is_empty()) && !self.available_only
    }
}

impl ListRow for Row {
    fn list_id(&self) -> i64 {
        self.id
    }
}

/// The base table and the joins a list's conditions may need (see `listing::from_for`).
const BASE: &str = "FROM experts e";
const JOINS: [(&str, &str); 2] = [("o", "JOIN organisations o ON o.id = +e.org_id"), ("b", "LEFT JOIN expert_blacklist b ON b.expert_id = e.id")];

/// Lists experts matching a filter, by name, one page at any depth for the
/// cost of the first; the total is exact for the whole library or one kind
/// (a tally) and otherwise the rows known so far unless `page` asks to count.
pub async fn list(pool: &AnyPool, filter: &ExpertFilter, page: Page) -> StoreResult<Paged<Expert>> {
    let mut w = Where::default();
    filter.restrict(&mut w);
    let from = listing::from_for(BASE, &JOINS, &w);
    let total = if page.exact_total {
        Total::Exact(listing::count(pool, &from, &w).await?)
    } else if filter.tallied() {
        let kinds: Vec<String> = ExpertKind::ALL.iter().filter(|k| filter.kind.is_none_or(|f| f == **k)).map(|k| k.as_str().to_owned()).collect();
        Total::Exact(tallies::sum(pool, tallies::EXPERTS_BY_KIND, &kinds).await?)
    } else {
        Total::Unknown
    };
    let rows: Paged<Row> = listing::page_of(pool, SELECT, &from, &w, BY_NAME, page, total).await?;
    rows.try_map(Expert::try_from)
}

const BY_NAME: Order = Order { table: "experts", alias: "e", column: "name", int: false, dir: SortDir::Asc };

/// The statements [`list`] runs for this filter (for the planner tests).
pub fn list_statements(filter: &ExpertFilter) -> Vec<String> {
    let mut w = Where::default();
    filter.restrict(&mut w);
    listing::statements(SELECT, &listing::from_for(BASE, &JOINS, &w), &w, BY_NAME, false)
}

/// The expert profile linked to an account, if any.
pub async fn of_user(pool: &AnyPool, user_id: UserId) -> StoreResult<Option<Expert>> {
    let row = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE e.user_id = $1"))
        .bind(user_id.get())
        .fetch_optional(pool)
        .await?;
    row.map(Expert::try_from).transpose()
}

/// Every expert's (name, organisation id), to catch duplicates on import.
pub async fn names_and_orgs(pool: &AnyPool) -> StoreResult<Vec<(String, OrgId)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT name, org_id FROM experts").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(name, org)| (name, OrgId::new(org))).collect())
}

/// The experts among `ids` that exist (at most a thousand ids a call), in id order (the search index).
pub async fn many(pool: &AnyPool, ids: &[i64]) -> StoreResult<Vec<Expert>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE e.id IN ({list}) ORDER BY e.id")).fetch_all(pool).await?;
    rows.into_iter().map(Expert::try_from).collect()
}

/// The ids of every expert after `after`, in order, at most `limit` (a rebuild's batches).
pub async fn ids_after(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM experts WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(pool).await?)
}

/// Reads one expert.
pub async fn get<'e, E>(executor: E, id: ExpertId) -> StoreResult<Expert>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE e.id = $1"))
        .bind(id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

fn snapshot(e: &Expert) -> serde_json::Value {
    serde_json::json!({"name": e.name, "kind": e.kind, "org_id": e.org_id, "title": e.title, "fields": e.fields,
        "sub_fields": e.sub_fields, "keywords": e.keywords, "region": e.region, "unavailable": e.unavailable,
        "conflict_orgs": e.conflict_orgs, "conflict_people": e.conflict_people, "active": e.active, "version": e.version})
}

fn list_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn map_fk(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => StoreError::Db(e),
    }
}

/// Adds an expert to the library.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, d: &ExpertDraft) -> StoreResult<Expert> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO experts (name, kind, org_id, title, fields, sub_fields, keywords, region, bio, unavailable, \
         conflict_orgs, conflict_people, phone, email, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
    )
    .bind(&d.name)
    .bind(d.kind.as_str())
    .bind(d.org_id.get())
    .bind(&d.title)
    .bind(list_json(&d.fields))
    .bind(list_json(&d.sub_fields))
    .bind(list_json(&d.keywords))
    .bind(d.region.as_str())
    .bind(&d.bio)
    .bind(list_json(&d.unavailable))
    .bind(list_json(&d.conflict_orgs))
    .bind(list_json(&d.conflict_people))
    .bind(&d.phone)
    .bind(&d.email)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_fk)?;
    let id = ExpertId::new(id);
    let e = get(&mut *conn, id).await?;
    audit::record(conn, actor, now, Change { action: "expert.create", entity_type: "expert", entity_id: id.to_string(), before: None, after: Some(snapshot(&e)), reason: None }).await?;
    Ok(e)
}

/// Edits an expert if nobody changed it since `expected_version`.
pub async fn update(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ExpertId, expected_version: i64, d: &ExpertDraft) -> StoreResult<Expert> {
    let before = get(&mut *conn, id).await?;
    let done = sqlx::query(
        "UPDATE experts SET name = $1, kind = $2, org_id = $3, title = $4, fields = $5, sub_fields = $6, keywords = $7, \
         region = $8, bio = $9, unavailable = $10, conflict_orgs = $11, conflict_people = $12, phone = $13, email = $14, \
         version = version + 1, updated_at = $15 WHERE id = $16 AND version = $17",
    )
    .bind(&d.name)
    .bind(d.kind.as_str())
    .bind(d.org_id.get())
    .bind(&d.title)
    .bind(list_json(&d.fields))
    .bind(list_json(&d.sub_fields))
    .bind(list_json(&d.keywords))
    .bind(d.region.as_str())
    .bind(&d.bio)
    .bind(list_json(&d.unavailable))
    .bind(list_json(&d.conflict_orgs))
    .bind(list_json(&d.conflict_people))
    .bind(&d.phone)
    .bind(&d.email)
    .bind(format_ts(now))
    .bind(id.get())
    .bind(expected_version)
    .execute(&mut *conn)
    .await
    .map_err(map_fk)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: expected_version });
    }
    let after = get(&mut *conn, id).await?;
    audit::record(conn, actor, now, Change { action: "expert.update", entity_type: "expert", entity_id: id.to_string(), before: Some(snapshot(&before)), after: Some(snapshot(&after)), reason: None }).await?;
    Ok(after)
}

/// Takes an expert out of (or back into) reviews.
pub async fn set_active(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ExpertId, active: bool, reason: &str) -> StoreResult<Expert> {
    let done = sqlx::query("UPDATE experts SET active = $1, version = version + 1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(active))
        .bind(format_ts(now))
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let after = get(&mut *conn, id).await?;
    let action = if active { "expert.activate" } else { "expert.deactivate" };
    audit::record(conn, actor, now, Change { action, entity_type: "expert", entity_id: id.to_string(), before: None, after: Some(snapshot(&after)), reason: Some(reason) }).await?;
    Ok(after)
}

/// Puts an expert on the bureau's blacklist (or, with `None`, takes it off).
pub async fn set_blacklist(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ExpertId, reason: Option<&str>) -> StoreResult<Expert> {
    get(&mut *conn, id).await?;
    sqlx::query("DELETE FROM expert_blacklist WHERE expert_id = $1").bind(id.get()).execute(&mut *conn).await?;
    if let Some(r) = reason {
        sqlx::query("INSERT INTO expert_blacklist (expert_id, reason, added_by, added_at) VALUES ($1, $2, $3, $4)")
            .bind(id.get())
            .bind(r)
            .bind(actor.user_column())
            .bind(format_ts(now))
            .execute(&mut *conn)
            .await?;
    }
    let after = get(&mut *conn, id).await?;
    let action = if reason.is_some() { "expert.blacklist" } else { "expert.unblacklist" };
    audit::record(conn, actor, now, Change { action, entity_type: "expert", entity_id: id.to_string(), before: None, after: Some(snapshot(&after)), reason }).await?;
    Ok(after)
}

/// The first `limit` available experts by name as a form offers them: (id, name, unit, kind code) —
/// only the columns a choice shows (a center's advisory-team form).
pub async fn available_choices(pool: &AnyPool, limit: i64) -> StoreResult<Vec<(i64, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.name, o.name, e.kind FROM experts e JOIN organisations o ON o.id = +e.org_id LEFT JOIN expert_blacklist b ON b.expert_id = e.id \
         WHERE e.active = 1 AND b.expert_id IS NULL ORDER BY e.name, e.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
