//! User accounts (账号). Passwords arrive already hashed: hashing is the web
//! layer's job (it runs argon2 off the async executor).

use crate::audit::{self, Change};
use crate::column::Instant;
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, parse_code, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::credentials::Username;
use pocnet_domain::id::{OrgId, UserId};
use pocnet_domain::region::Region;
use pocnet_domain::role::Role;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored account (never carries the password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    /// Id.
    #[schema(value_type = i64)]
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation id.
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Organisation name.
    pub org_name: String,
    /// Organisation's region (a county user sees this region).
    pub org_region: Region,
    /// Whether the account may sign in.
    pub is_active: bool,
    /// Whether this is a demo account (exists only in demo mode).
    pub is_demo: bool,
    /// Optimistic-lock version.
    pub version: i64,
    /// Created at (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
    /// Password last changed at (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub password_changed_at: DateTime<Utc>,
}

#[derive(FromRow)]
pub(crate) struct Row {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    org_id: i64,
    org_name: String,
    org_region: String,
    is_active: i64,
    is_demo: i64,
    version: i64,
    #[sqlx(try_from = "Instant")]
    created_at: DateTime<Utc>,
    #[sqlx(try_from = "Instant")]
    password_changed_at: DateTime<Utc>,
}

impl TryFrom<Row> for User {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: UserId::new(r.id),
            username: r.username,
            display_name: r.display_name,
            role: parse_code(&r.role, Role::parse)?,
            org_id: OrgId::new(r.org_id),
            org_name: r.org_name,
            org_region: parse_code(&r.org_region, Region::parse)?,
            is_active: r.is_active != 0,
            is_demo: r.is_demo != 0,
            version: r.version,
            created_at: r.created_at,
            password_changed_at: r.password_changed_at,
        })
    }
}

pub(crate) const SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, u.org_id, \
    o.name AS org_name, o.region AS org_region, CASE WHEN u.is_active THEN 1 ELSE 0 END AS is_active, \
    CASE WHEN u.is_demo THEN 1 ELSE 0 END AS is_demo, u.version, u.created_at, \
    u.password_changed_at FROM users u JOIN organisations o ON o.id = +u.org_id";

/// A validated new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: Username,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub org_id: OrgId,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Demo account?
    pub is_demo: bool,
}

fn snapshot(u: &User) -> serde_json::Value {
    serde_json::json!({
        "username": u.username, "display_name": u.display_name, "role": u.role,
        "org_id": u.org_id, "is_active": u.is_active, "version": u.version,
    })
}

/// Creates an account.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, new: &NewUser) -> StoreResult<User> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, role, org_id, password_hash, is_active, is_demo, \
         created_at, updated_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $7, $7) RETURNING id",
    )
    .bind(new.username.as_str())
    .bind(&new.display_name)
    .bind(new.role.as_str())
    .bind(new.org_id.get())
    .bind(&new.password_hash)
    .bind(new.is_demo)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => StoreError::on_unique("username")(e),
    })?;
    let user = get(&mut *conn, UserId::new(id)).await?;
    let change = Change {
        action: "user.create",
        entity_type: "user",
        entity_id: id.to_string(),
        before: None,
        after: Some(snapshot(&user)),
        reason: None,
    };
    audit::record(conn, actor, now, change).await?;
    Ok(user)
}

/// Reads one account.
pub async fn get<'e, E>(executor: E, id: UserId) -> StoreResult<User>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE u.id = $1"))
        .bind(id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// Reads an account by its login name.
pub async fn by_username<'e, E>(executor: E, username: &str) -> StoreResult<Option<User>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE u.username = $1")).bind(username).fetch_optional(executor).await?.map(User::try_from).transpose()
}

/// Reads an account with its password hash, for login.
pub async fn find_for_login(pool: &AnyPool, username: &Username) -> StoreResult<Option<(User, String)>> {
    #[derive(FromRow)]
    struct WithHash {
        #[sqlx(flatten)]
        user: Row,
        password_hash: String,
    }
    let row = sqlx::query_as::<_, WithHash>(&format!(
        "{} WHERE u.username = $1",
        SELECT.replace(" FROM users u", ", u.password_hash FROM users u")
    ))
    .bind(username.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((User::try_from(r.user)?, r.password_hash))).transpose()
}

/// The stored password hash of an account.
pub async fn password_hash<'e, E>(executor: E, id: UserId) -> StoreResult<String>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Replaces an account's password and ends all its sessions but `keep_session`.
pub async fn set_password(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: UserId,
    password_hash: &str,
    keep_session: Option<&str>,
) -> StoreResult<()> {
    let ts = format_ts(now);
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2, version = version + 1 WHERE id = $3",
    )
    .bind(password_hash)
    .bind(&ts)
    .bind(id.get())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(id.get())
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *conn)
        .await?;
    let change = Change {
        action: "user.password_change",
        entity_type: "user",
        entity_id: id.to_string(),
        before: None,
        after: Some(serde_json::json!({"password_changed_at": ts})),
        reason: None,
    };
    audit::record(conn, actor, now, change).await
}

/// What an administrator may change on an account.
#[derive(Debug, Clone)]
pub struct UserEdit {
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub org_id: OrgId,
    /// Whether the account may sign in.
    pub is_active: bool,
}

/// Updates an account if nobody changed it since `expected_version`.
/// Deactivating an account ends its sessions at once.
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: UserId,
    expected_version: i64,
    edit: &UserEdit,
) -> StoreResult<User> {
    let before = get(&mut *conn, id).await?;
    let done = sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, org_id = $3, is_active = $4, version = version + 1, \
         updated_at = $5 WHERE id = $6 AND version = $7",
    )
    .bind(&edit.display_name)
    .bind(edit.role.as_str())
    .bind(edit.org_id.get())
    .bind(edit.is_active)
    .bind(format_ts(now))
    .bind(id.get())
    .bind(expected_version)
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => StoreError::Db(e),
    })?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: expected_version });
    }
    if !edit.is_active || edit.role != before.role {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.get()).execute(&mut *conn).await?;
    }
    let after = get(&mut *conn, id).await?;
    let change = Change {
        action: "user.update",
        entity_type: "user",
        entity_id: id.to_string(),
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
        reason: None,
    };
    audit::record(conn, actor, now, change).await?;
    Ok(after)
}

/// Which accounts to list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Only this role.
    pub role: Option<Role>,
    /// Only this organisation.
    pub org_id: Option<OrgId>,
}

/// Columns a list may be sorted by.
pub const SORT_COLUMNS: &[&str] = &["username", "display_name", "role", "created_at"];

/// Lists accounts, one page at any depth for the cost of the first (issue 13):
/// the total is exact for one organisation's accounts or when `page` asks to
/// count, and otherwise the rows known so far.
pub async fn list(pool: &AnyPool, filter: &UserFilter, sort: &str, dir: SortDir, page: Page) -> StoreResult<Paged<User>> {
    let w = filter.condition();
    let from = listing::from_for(BASE, &JOINS, &w);
    let total = if page.exact_total || filter.org_id.is_some() { Total::Exact(listing::count(pool, &from, &w).await?) } else { Total::Unknown };
    let rows: Paged<Row> = listing::page_of(pool, SELECT, &from, &w, order(sort, dir), page, total).await?;
    rows.try_map(User::try_from)
}

/// The statements [`list`] runs for this filter and order (for the planner tests).
pub fn list_statements(filter: &UserFilter, sort: &str, dir: SortDir) -> Vec<String> {
    let w = filter.condition();
    listing::statements(SELECT, &listing::from_for(BASE, &JOINS, &w), &w, order(sort, dir), filter.org_id.is_some())
}

const BASE: &str = "FROM users u";
const JOINS: [(&str, &str); 1] = [("o", "JOIN organisations o ON o.id = +u.org_id")];

/// The list's order: a [`SORT_COLUMNS`] column (else the login name), then the id.
fn order(sort: &str, dir: SortDir) -> Order {
    let column = SORT_COLUMNS.iter().find(|c| **c == sort).copied().unwrap_or("username");
    Order { table: "users", alias: "u", column, int: false, dir }
}

impl UserFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        if let Some(r) = self.role {
            w.and("u.role = ?", Arg::Text(r.as_str().into()));
        }
        if let Some(o) = self.org_id {
            w.and("u.org_id = ?", Arg::Int(o.get()));
        }
        w
    }
}

impl ListRow for Row {
    fn list_id(&self) -> i64 {
        self.id
    }
}
