//! Roadshows (路演, migration 0031): the roadshow, the projects it shows and the units it
//! invites with their attendance. Counts of projects, guests and attendance are kept on the
//! roadshow by the same statements that change them; a programme change is a conditional
//! update on a planned roadshow, so nothing is added to one held or cancelled meanwhile.

use super::interests::{bump_tally, Tally};
use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, NullableId};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use pocnet_domain::finance::roadshow::{Attendance, InviteeKind, RoadshowDraft, RoadshowKind, RoadshowMode, RoadshowState};
use pocnet_domain::id::{CenterId, OrgId, ResultId, RoadshowId};
use pocnet_domain::org::OrgKind;
use pocnet_domain::research_result::ResultState;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A roadshow with its organiser's name and its counts.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Roadshow {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: RoadshowId,
    /// Kind.
    #[sqlx(try_from = "Code<RoadshowKind>")]
    pub kind: RoadshowKind,
    /// Theme.
    pub theme: String,
    /// Industry field code ("" = every field).
    pub field: String,
    /// Day.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub held_on: NaiveDate,
    /// Onsite, online or both.
    #[sqlx(try_from = "Code<RoadshowMode>")]
    pub mode: RoadshowMode,
    /// Place ("" when online only).
    pub place: String,
    /// The organising unit (the bureau's or a center's host unit).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub organiser_org_id: OrgId,
    /// Its name.
    pub organiser_name: String,
    /// The organising center, when a center organises.
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<CenterId>,
    /// Agenda, how to join.
    pub note: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<RoadshowState>")]
    pub state: RoadshowState,
    /// Why it was cancelled.
    pub reason: String,
    /// Projects shown.
    pub projects: i64,
    /// Units invited.
    pub invitees: i64,
    /// Units that came.
    pub attended: i64,
    /// Optimistic-lock version.
    pub version: i64,
    /// Scheduled at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl ListRow for Roadshow {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

const SELECT: &str = "SELECT s.id, s.kind, s.theme, s.field, s.held_on, s.mode, s.place, s.organiser_org_id, g.name AS organiser_name, s.center_id, s.note, \
    s.state, s.reason, s.projects, s.invitees, s.attended, s.version, s.created_at FROM roadshows s CROSS JOIN organisations g";
const BASE: &str = "FROM roadshows s CROSS JOIN organisations g";
const JOINED: &str = "g.id = s.organiser_org_id";

/// Schedules a roadshow organised by `organiser` (and `center`, when a center organises).
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, organiser: OrgId, center: Option<CenterId>, d: &RoadshowDraft) -> StoreResult<RoadshowId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO roadshows (kind, theme, field, held_on, mode, place, organiser_org_id, center_id, note, state, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'planned', $10, $11, $11) RETURNING id",
    )
    .bind(d.kind.as_str())
    .bind(&d.theme)
    .bind(&d.field)
    .bind(d.held_on.to_string())
    .bind(d.mode.as_str())
    .bind(&d.place)
    .bind(organiser.get())
    .bind(center.map(CenterId::get))
    .bind(&d.note)
    .bind(actor.user_column())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    bump_tally(conn, d.held_on.year(), Tally::Roadshow).await?;
    let after = serde_json::json!({"kind": d.kind, "theme": d.theme, "field": d.field, "held_on": d.held_on, "mode": d.mode, "place": d.place, "center_id": center});
    audit::record(conn, actor, now, Change { action: "roadshow.create", entity_type: "roadshow", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(RoadshowId::new(id))
}

/// One roadshow.
pub async fn get<'e, E>(executor: E, id: RoadshowId) -> StoreResult<Roadshow>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND s.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Which roadshows a list shows.
#[derive(Debug, Clone, Default)]
pub struct RoadshowFilter {
    /// Held on or after this day (the coming ones).
    pub from: Option<NaiveDate>,
    /// Held before this day (the past ones).
    pub before: Option<NaiveDate>,
    /// Organised by this unit.
    pub organiser: Option<OrgId>,
    /// One kind.
    pub kind: Option<RoadshowKind>,
}

impl RoadshowFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        if let Some(d) = self.from {
            w.and("s.held_on >= ?", Arg::Text(d.to_string()));
        }
        if let Some(d) = self.before {
            w.and("s.held_on < ?", Arg::Text(d.to_string()));
        }
        if let Some(o) = self.organiser {
            w.and("s.organiser_org_id = ?", Arg::Int(o.get()));
        }
        if let Some(k) = self.kind {
            w.and("s.kind = ?", Arg::Text(k.as_str().into()));
        }
        w
    }
}

fn by_day(dir: SortDir) -> Order {
    Order { table: "roadshows", alias: "s", column: "held_on", int: false, dir }
}

/// A page of roadshows by day: the coming ones soonest first (`from`), otherwise latest first.
pub async fn list(pool: &AnyPool, filter: &RoadshowFilter, page: Page) -> StoreResult<Paged<Roadshow>> {
    let dir = if filter.from.is_some() { SortDir::Asc } else { SortDir::Desc };
    listing::page_of(pool, SELECT, BASE, &filter.condition(), by_day(dir), page, Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &RoadshowFilter) -> Vec<String> {
    let dir = if filter.from.is_some() { SortDir::Asc } else { SortDir::Desc };
    listing::statements(SELECT, BASE, &filter.condition(), by_day(dir), false)
}

/// Refuses a programme change unless the roadshow is still planned (and adds `delta` to `column`).
async fn count_on_planned(conn: &mut AnyConnection, id: RoadshowId, column: &str, delta: i64, now: DateTime<Utc>) -> StoreResult<()> {
    let n = sqlx::query(&format!("UPDATE roadshows SET {column} = {column} + $1, updated_at = $2 WHERE id = $3 AND state = 'planned'"))
        .bind(delta)
        .bind(format_ts(now))
        .bind(id.get())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "roadshow_not_planned", message: "路演已举办或已取消，项目和嘉宾不能再变更".into() });
    }
    Ok(())
}

/// Adds a project to a planned roadshow (a project is shown once).
pub async fn add_project(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RoadshowId, result: ResultId) -> StoreResult<()> {
    count_on_planned(conn, id, "projects", 1, now).await?;
    sqlx::query("INSERT INTO roadshow_projects (roadshow_id, result_id, added_at) VALUES ($1, $2, $3)")
        .bind(id.get())
        .bind(result.get())
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await
        .map_err(StoreError::on_unique("result_id"))?;
    let after = serde_json::json!({"result_id": result});
    audit::record(conn, actor, now, Change { action: "roadshow.add_project", entity_type: "roadshow", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await
}

/// Takes a project off a planned roadshow.
pub async fn remove_project(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RoadshowId, result: ResultId) -> StoreResult<()> {
    let n = sqlx::query("DELETE FROM roadshow_projects WHERE roadshow_id = $1 AND result_id = $2").bind(id.get()).bind(result.get()).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    count_on_planned(conn, id, "projects", -1, now).await?;
    let before = serde_json::json!({"result_id": result});
    audit::record(conn, actor, now, Change { action: "roadshow.remove_project", entity_type: "roadshow", entity_id: id.to_string(), before: Some(before), after: None, reason: None }).await
}

/// A project as a roadshow shows it: its public face only.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ShownProject {
    /// The project.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub result_id: ResultId,
    /// Title.
    pub title: String,
    /// Public summary.
    pub summary: String,
    /// Field code.
    pub field: String,
    /// Owner unit.
    pub owner_name: String,
    /// The verifying center.
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<CenterId>,
    /// Its name.
    pub center_name: Option<String>,
    /// Where the project stands.
    #[sqlx(try_from = "Code<ResultState>")]
    pub state: ResultState,
    /// Readiness level after verification.
    pub trl_after: Option<i64>,
}

/// The projects a roadshow shows (at most 200: a programme).
pub async fn projects(pool: &AnyPool, id: RoadshowId) -> StoreResult<Vec<ShownProject>> {
    Ok(sqlx::query_as(
        "SELECT r.id AS result_id, r.title, r.summary, r.field, o.name AS owner_name, r.center_id, c.name AS center_name, r.state, r.trl_after \
         FROM roadshow_projects p JOIN research_results r ON r.id = p.result_id JOIN organisations o ON o.id = r.owner_org_id \
         LEFT JOIN centers c ON c.id = r.center_id WHERE p.roadshow_id = $1 ORDER BY p.added_at, r.id LIMIT 200",
    )
    .bind(id.get())
    .fetch_all(pool)
    .await?)
}

/// Whether a roadshow shows a project.
pub async fn shows(pool: &AnyPool, id: RoadshowId, result: ResultId) -> StoreResult<bool> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM roadshow_projects WHERE roadshow_id = $1 AND result_id = $2").bind(id.get()).bind(result.get()).fetch_one(pool).await? > 0)
}

/// A roadshow a project was shown at.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ShownAt {
    /// The roadshow.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub roadshow_id: RoadshowId,
    /// Its theme.
    pub theme: String,
    /// Its day.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub held_on: NaiveDate,
    /// Where it stands.
    #[sqlx(try_from = "Code<RoadshowState>")]
    pub state: RoadshowState,
}

/// The roadshows a project is on, latest first.
pub async fn of_project(pool: &AnyPool, result: ResultId) -> StoreResult<Vec<ShownAt>> {
    Ok(sqlx::query_as(
        "SELECT s.id AS roadshow_id, s.theme, s.held_on, s.state FROM roadshow_projects p JOIN roadshows s ON s.id = p.roadshow_id \
         WHERE p.result_id = $1 ORDER BY s.held_on DESC, s.id DESC LIMIT 50",
    )
    .bind(result.get())
    .fetch_all(pool)
    .await?)
}

/// Invites a unit to a planned roadshow as `kind`.
pub async fn invite(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RoadshowId, org: OrgId, kind: InviteeKind) -> StoreResult<()> {
    count_on_planned(conn, id, "invitees", 1, now).await?;
    sqlx::query("INSERT INTO roadshow_invitees (roadshow_id, org_id, kind, attendance, invited_at) VALUES ($1, $2, $3, 'invited', $4)")
        .bind(id.get())
        .bind(org.get())
        .bind(kind.as_str())
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await
        .map_err(StoreError::on_unique("org_id"))?;
    let after = serde_json::json!({"org_id": org, "kind": kind});
    audit::record(conn, actor, now, Change { action: "roadshow.invite", entity_type: "roadshow", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await
}

/// A unit invited to a roadshow.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Invitee {
    /// The unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// Its kind of unit.
    #[sqlx(try_from = "Code<OrgKind>")]
    pub org_kind: OrgKind,
    /// Invited as.
    #[sqlx(try_from = "Code<InviteeKind>")]
    pub kind: InviteeKind,
    /// Whether it came.
    #[sqlx(try_from = "Code<Attendance>")]
    pub attendance: Attendance,
}

/// A roadshow's guests (at most 500).
pub async fn invitees(pool: &AnyPool, id: RoadshowId) -> StoreResult<Vec<Invitee>> {
    Ok(sqlx::query_as(
        "SELECT i.org_id, o.name AS org_name, o.kind AS org_kind, i.kind, i.attendance FROM roadshow_invitees i JOIN organisations o ON o.id = i.org_id \
         WHERE i.roadshow_id = $1 ORDER BY i.invited_at, i.org_id LIMIT 500",
    )
    .bind(id.get())
    .fetch_all(pool)
    .await?)
}

/// Whether a unit is invited to a roadshow.
pub async fn is_invited(pool: &AnyPool, id: RoadshowId, org: OrgId) -> StoreResult<bool> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM roadshow_invitees WHERE roadshow_id = $1 AND org_id = $2").bind(id.get()).bind(org.get()).fetch_one(pool).await? > 0)
}

/// Records who came (every other guest absent) at `version`; the roadshow is then held.
pub async fn record_attendance(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RoadshowId, version: i64, came: &[OrgId]) -> StoreResult<()> {
    sqlx::query("UPDATE roadshow_invitees SET attendance = 'absent' WHERE roadshow_id = $1").bind(id.get()).execute(&mut *conn).await?;
    let mut attended = 0;
    for org in came {
        attended += sqlx::query("UPDATE roadshow_invitees SET attendance = 'attended' WHERE roadshow_id = $1 AND org_id = $2")
            .bind(id.get())
            .bind(org.get())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    let n = sqlx::query("UPDATE roadshows SET state = 'held', attended = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4 AND state <> 'cancelled'")
        .bind(i64::try_from(attended).unwrap_or(i64::MAX))
        .bind(format_ts(now))
        .bind(id.get())
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = serde_json::json!({"attended": came});
    audit::record(conn, actor, now, Change { action: "roadshow.attendance", entity_type: "roadshow", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await
}

/// Cancels a planned roadshow at `version` with its reason (it no longer counts in its year's figures).
pub async fn cancel(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RoadshowId, version: i64, reason: &str) -> StoreResult<()> {
    let held_on: Option<String> =
        sqlx::query_scalar("UPDATE roadshows SET state = 'cancelled', reason = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4 AND state = 'planned' RETURNING held_on")
            .bind(reason)
            .bind(format_ts(now))
            .bind(id.get())
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(held_on) = held_on.and_then(|d| pocnet_domain::validation::strict_day(&d)) else {
        return Err(StoreError::VersionConflict { expected: version });
    };
    bump_tally(conn, held_on.year(), Tally::RoadshowCancelled).await?;
    audit::record(conn, actor, now, Change { action: "roadshow.cancel", entity_type: "roadshow", entity_id: id.to_string(), before: None, after: None, reason: Some(reason) }).await
}
