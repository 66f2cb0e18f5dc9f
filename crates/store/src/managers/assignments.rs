//! A project manager's assignments to library projects and their logs. One manager carries a
//! project at a time (a partial unique index); every change is audited, the exit a compare-and-set
//! on the version.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, MaybeCode, MaybeDay};
use crate::listing::{self, ListRow, Order};
use crate::sql_where::{contains, Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, ResultId, UserId};
use pocnet_domain::managers::assignment::{AssignmentState, Decision, EntryDraft, EntryKind, ExitDraft, ExitRoute};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An assignment with the names of its project, platform and manager.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ManagerAssignment {
    /// Id.
    pub id: i64,
    /// The library project.
    pub result_id: i64,
    /// Its title.
    pub result_title: String,
    /// The platform whose project it is.
    pub center_id: i64,
    /// Its name.
    pub center_name: String,
    /// The unit hosting the platform.
    pub center_host_org_id: i64,
    /// The manager's account.
    pub manager_id: i64,
    /// The manager's login name.
    pub manager_username: String,
    /// The manager's name.
    pub manager_name: String,
    /// The manager's unit (the platform itself, or a third-party agency).
    pub manager_org_name: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<AssignmentState>")]
    pub state: AssignmentState,
    /// Day assigned.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub assigned_on: NaiveDate,
    /// The project's technology readiness level when assigned.
    pub trl_at_start: i32,
    /// 任务说明: what the platform asks of the manager.
    pub brief: String,
    /// Day left.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub exited_on: Option<NaiveDate>,
    /// How it was left.
    #[sqlx(try_from = "MaybeCode<ExitRoute>")]
    pub exit_route: Option<ExitRoute>,
    /// Why.
    pub exit_reason: String,
    /// Day of the last log entry (the assignment day before any).
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub last_entry_on: NaiveDate,
    /// Log entries so far.
    pub entry_count: i32,
    /// Optimistic-lock version; send it back with the exit.
    pub version: i64,
    /// Last changed at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl ListRow for ManagerAssignment {
    fn list_id(&self) -> i64 {
        self.id
    }
}

/// One entry of an assignment's log.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ManagerEntry {
    /// Id.
    pub id: i64,
    /// What it records.
    #[sqlx(try_from = "Code<EntryKind>")]
    pub kind: EntryKind,
    /// The decision, for a decision.
    #[sqlx(try_from = "MaybeCode<Decision>")]
    pub decision: Option<Decision>,
    /// 内容.
    pub body: String,
    /// Day recorded.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub recorded_on: NaiveDate,
    /// Who recorded it (login name).
    pub recorded_by: String,
}

const SELECT: &str = "SELECT a.id, a.result_id, r.title AS result_title, a.center_id, c.name AS center_name, c.host_org_id AS center_host_org_id, \
    a.manager_id, u.username AS manager_username, u.display_name AS manager_name, o.name AS manager_org_name, a.state, a.assigned_on, a.trl_at_start, a.brief, a.exited_on, \
    a.exit_route, a.exit_reason, a.last_entry_on, a.entry_count, a.version, a.updated_at \
    FROM manager_assignments a LEFT JOIN research_results r ON r.id = a.result_id LEFT JOIN centers c ON c.id = a.center_id \
    LEFT JOIN users u ON u.id = a.manager_id LEFT JOIN organisations o ON o.id = u.org_id";
/// The joins are `LEFT` (each joined row always exists) so that the list is read in the order of
/// its own index, whatever the planner thinks of the tables' sizes.
const BASE: &str = "FROM manager_assignments a";

fn change<'a>(action: &'a str, id: i64, after: serde_json::Value, reason: Option<&'a str>) -> Change<'a> {
    Change { action, entity_type: "manager_assignment", entity_id: id.to_string(), before: None, after: Some(after), reason }
}

/// What an assignment starts from.
#[derive(Debug, Clone)]
pub struct NewAssignment<'a> {
    /// The project.
    pub result: ResultId,
    /// Its platform.
    pub center: CenterId,
    /// The manager's account.
    pub manager: UserId,
    /// The project's level now.
    pub trl: i64,
    /// 任务说明.
    pub brief: &'a str,
}

/// Assigns a manager to a project; a project already carried by a manager is
/// [`StoreError::Duplicate`] on `result_id`.
pub async fn assign(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, today: NaiveDate, new: &NewAssignment<'_>) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO manager_assignments (result_id, center_id, manager_id, state, assigned_on, trl_at_start, brief, last_entry_on, created_at, updated_at) \
         VALUES ($1, $2, $3, 'active', $4, $5, $6, $4, $7, $7) RETURNING id",
    )
    .bind(new.result.get())
    .bind(new.center.get())
    .bind(new.manager.get())
    .bind(today.to_string())
    .bind(new.trl)
    .bind(new.brief)
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("result_id"))?;
    let after = serde_json::json!({"result_id": new.result, "center_id": new.center, "manager_id": new.manager, "trl_at_start": new.trl});
    audit::record(conn, actor, now, change("manager_assignment.assign", id, after, None)).await?;
    Ok(id)
}

/// Adds an entry to an active assignment's log (its day becomes the last entry's).
pub async fn record(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, today: NaiveDate, id: i64, entry: &EntryDraft) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE manager_assignments SET last_entry_on = $1, entry_count = entry_count + 1, version = version + 1, updated_at = $2 WHERE id = $3 AND state = 'active'",
    )
    .bind(today.to_string())
    .bind(format_ts(now))
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "illegal_transition", message: "项目经理人已退出该项目，不能再记录".into() });
    }
    sqlx::query("INSERT INTO manager_entries (assignment_id, kind, decision, body, recorded_on, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id)
        .bind(entry.kind.as_str())
        .bind(entry.decision.map(|d| d.as_str()))
        .bind(&entry.body)
        .bind(today.to_string())
        .bind(&actor.label)
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await?;
    let after = serde_json::json!({"kind": entry.kind, "decision": entry.decision});
    audit::record(conn, actor, now, change("manager_assignment.record", id, after, None)).await
}

/// Ends an active assignment at `version` with its route and reason.
pub async fn exit(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, today: NaiveDate, id: i64, version: i64, exit: &ExitDraft) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE manager_assignments SET state = 'exited', exited_on = $1, exit_route = $2, exit_reason = $3, version = version + 1, updated_at = $4 \
         WHERE id = $5 AND version = $6 AND state = 'active'",
    )
    .bind(today.to_string())
    .bind(exit.route.as_str())
    .bind(&exit.reason)
    .bind(format_ts(now))
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    StoreError::unless_changed(n, version)?;
    audit::record(conn, actor, now, change("manager_assignment.exit", id, serde_json::json!({"state": AssignmentState::Exited, "route": exit.route}), Some(&exit.reason))).await
}

/// One assignment.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<ManagerAssignment>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE a.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// An assignment's log, oldest first.
pub async fn entries(pool: &AnyPool, id: i64) -> StoreResult<Vec<ManagerEntry>> {
    Ok(sqlx::query_as("SELECT id, kind, decision, body, recorded_on, recorded_by FROM manager_entries WHERE assignment_id = $1 ORDER BY id").bind(id).fetch_all(pool).await?)
}

/// Whether `manager` carries `result` now.
pub async fn carries(pool: &AnyPool, result: ResultId, manager: UserId) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM manager_assignments WHERE result_id = $1 AND manager_id = $2 AND state = 'active'")
        .bind(result.get())
        .bind(manager.get())
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// How many projects `manager` carries now, has left, and has left carried through (to pilot
/// scale, transferred or financed) — its dashboard.
pub async fn tally_of_manager(pool: &AnyPool, manager: UserId) -> StoreResult<(i64, i64, i64)> {
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as("SELECT state, exit_route, COUNT(*) FROM manager_assignments WHERE manager_id = $1 GROUP BY state, exit_route")
        .bind(manager.get())
        .fetch_all(pool)
        .await?;
    let mut out = (0, 0, 0);
    for (state, route, n) in rows {
        match state.as_str() {
            "active" => out.0 += n,
            _ => {
                out.1 += n;
                if route.as_deref().and_then(|r| ExitRoute::parse(r).ok()).is_some_and(ExitRoute::carried_through) {
                    out.2 += n;
                }
            }
        }
    }
    Ok(out)
}

/// Which assignments a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignmentFilter<'a> {
    /// Whose.
    pub scope: super::ManagerScope,
    /// One state.
    pub state: Option<AssignmentState>,
    /// One platform's.
    pub center: Option<CenterId>,
    /// Words in the project's title.
    pub q: Option<&'a str>,
}

impl AssignmentFilter<'_> {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        self.scope.restrict("a", &mut w);
        if let Some(s) = self.state {
            w.and("a.state = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(c) = self.center {
            w.and("a.center_id = ?", Arg::Int(c.get()));
        }
        if let Some(q) = self.q.map(str::trim).filter(|q| !q.is_empty()) {
            // Read in the list's order, keeping the rows whose title holds the words, until a page is
            // full: a subquery over every result's title would read the whole library each time.
            w.and("r.title LIKE ? ESCAPE '\\'", Arg::Text(contains(q)));
        }
        w
    }
}

fn newest() -> Order {
    Order { table: "manager_assignments", alias: "a", column: "id", int: true, dir: SortDir::Desc }
}

/// The join a title filter needs when a page is positioned by number.
const JOINS: [(&str, &str); 1] = [("r", "LEFT JOIN research_results r ON r.id = a.result_id")];

/// A page of assignments, newest first.
pub async fn list(pool: &AnyPool, filter: &AssignmentFilter<'_>, page: Page) -> StoreResult<Paged<ManagerAssignment>> {
    let w = filter.condition();
    listing::page_of(pool, SELECT, &listing::from_for(BASE, &JOINS, &w), &w, newest(), page, listing::Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &AssignmentFilter<'_>) -> Vec<String> {
    let w = filter.condition();
    listing::statements(SELECT, &listing::from_for(BASE, &JOINS, &w), &w, newest(), false)
}
