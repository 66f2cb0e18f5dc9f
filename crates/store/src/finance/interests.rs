//! Investors' interest in projects (投资意向, migration 0031): one open interest per project
//! and investing unit (a partial unique index), each step recorded in order, and the
//! network's yearly tally kept with every change that counts in it.

use crate::audit::{self, Change};
use crate::column::{Code, Flag, Instant, MaybeDay, MaybeInstant, NullableId};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use pocnet_domain::finance::investment::{InterestState, InterestStep};
use pocnet_domain::id::{CenterId, InterestId, OrgId, ResultId, RoadshowId};
use pocnet_domain::money::Yuan;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// What a change adds to its year's tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tally {
    /// A roadshow scheduled.
    Roadshow,
    /// A roadshow cancelled (no longer counted).
    RoadshowCancelled,
    /// An interest expressed.
    Interest,
    /// An interest accepted by both sides.
    Accepted,
    /// A term sheet signed, for its amount.
    TermSheet(Yuan),
    /// An investment made, for its amount.
    Deal(Yuan),
}

/// Adds `what` to `year`'s tally (the row is created on first use).
pub(crate) async fn bump_tally(conn: &mut AnyConnection, year: i32, what: Tally) -> StoreResult<()> {
    sqlx::query("INSERT INTO investment_tallies (year) VALUES ($1) ON CONFLICT (year) DO NOTHING").bind(year).execute(&mut *conn).await?;
    let (set, yuan) = match what {
        Tally::Roadshow => ("roadshows = roadshows + 1", 0),
        Tally::RoadshowCancelled => ("roadshows = roadshows - 1", 0),
        Tally::Interest => ("interests = interests + 1", 0),
        Tally::Accepted => ("accepted = accepted + 1", 0),
        Tally::TermSheet(y) => ("term_sheets = term_sheets + 1, term_sheet_yuan = term_sheet_yuan + $2", y.get()),
        Tally::Deal(y) => ("deals = deals + 1, invested_yuan = invested_yuan + $2", y.get()),
    };
    let q = format!("UPDATE investment_tallies SET {set} WHERE year = $1");
    let q = sqlx::query(&q).bind(year);
    let q = if set.contains("$2") { q.bind(yuan) } else { q };
    q.execute(&mut *conn).await?;
    Ok(())
}

/// A year's figures for the whole network (路演、意向、投资意向书、投资).
#[derive(Debug, Clone, Default, Serialize, FromRow, utoipa::ToSchema)]
pub struct YearTally {
    /// The year.
    pub year: i64,
    /// Roadshows scheduled (not cancelled).
    pub roadshows: i64,
    /// Interests expressed.
    pub interests: i64,
    /// Interests both owner and center accepted.
    pub accepted: i64,
    /// Term sheets signed.
    pub term_sheets: i64,
    /// Their amounts (yuan).
    #[sqlx(try_from = "i64")]
    pub term_sheet_yuan: Yuan,
    /// Investments made.
    pub deals: i64,
    /// Their amounts (yuan).
    #[sqlx(try_from = "i64")]
    pub invested_yuan: Yuan,
}

/// `year`'s figures (zero when nothing happened).
pub async fn tally(pool: &AnyPool, year: i32) -> StoreResult<YearTally> {
    let row: Option<YearTally> = sqlx::query_as(
        "SELECT CAST(year AS BIGINT) AS year, roadshows, interests, accepted, term_sheets, term_sheet_yuan, deals, invested_yuan FROM investment_tallies WHERE year = $1",
    )
    .bind(year)
    .fetch_optional(pool)
    .await?;
    Ok(row.unwrap_or(YearTally { year: i64::from(year), ..YearTally::default() }))
}

/// An investor's interest in a project, with the names around it.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Interest {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: InterestId,
    /// The project.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub result_id: ResultId,
    /// Its title.
    pub result_title: String,
    /// The project's center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Its host unit (whose operators answer for the center).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_host_org_id: OrgId,
    /// The project's owner unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub owner_org_id: OrgId,
    /// Its name.
    pub owner_name: String,
    /// The investing unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub investor_org_id: OrgId,
    /// Its name.
    pub investor_name: String,
    /// The roadshow it came from, if any.
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub roadshow_id: Option<RoadshowId>,
    /// What the investor wrote.
    pub message: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<InterestState>")]
    pub state: InterestState,
    /// The owner unit accepted.
    #[sqlx(try_from = "Flag")]
    pub owner_accepted: bool,
    /// The center accepted.
    #[sqlx(try_from = "Flag")]
    pub center_accepted: bool,
    /// When the investor signed the confidentiality pledge.
    #[sqlx(try_from = "MaybeInstant")]
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub pledged_at: Option<DateTime<Utc>>,
    /// The term sheet's amount (yuan).
    pub term_sheet_yuan: Option<i64>,
    /// The investment's amount (yuan).
    pub invested_yuan: Option<i64>,
    /// The day invested.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub invested_on: Option<NaiveDate>,
    /// The reason of a decline or withdrawal.
    pub reason: String,
    /// Optimistic-lock version.
    pub version: i64,
    /// Expressed at (UTC).
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

impl ListRow for Interest {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

/// `('a', 'b', …)`: the codes of the states that pass `keep`, for an `IN` condition.
fn states_where(keep: fn(InterestState) -> bool) -> String {
    let codes: Vec<String> = InterestState::ALL.iter().filter(|s| keep(**s)).map(|s| format!("'{}'", s.as_str())).collect();
    format!("({})", codes.join(", "))
}

const SELECT: &str = "SELECT i.id, i.result_id, r.title AS result_title, i.center_id, c.name AS center_name, c.host_org_id AS center_host_org_id, \
    i.owner_org_id, o.name AS owner_name, i.investor_org_id, v.name AS investor_name, i.roadshow_id, i.message, i.state, i.owner_accepted, \
    i.center_accepted, i.pledged_at, i.term_sheet_yuan, i.invested_yuan, i.invested_on, i.reason, i.version, i.created_at, i.updated_at \
    FROM investor_interests i CROSS JOIN research_results r CROSS JOIN centers c CROSS JOIN organisations o CROSS JOIN organisations v";
const BASE: &str = "FROM investor_interests i CROSS JOIN research_results r CROSS JOIN centers c CROSS JOIN organisations o CROSS JOIN organisations v";
const JOINED: &str = "r.id = i.result_id AND c.id = i.center_id AND o.id = i.owner_org_id AND v.id = i.investor_org_id";

/// An interest as expressed.
pub struct NewInterest<'a> {
    /// The project.
    pub result: ResultId,
    /// Its center.
    pub center: CenterId,
    /// Its owner unit.
    pub owner: OrgId,
    /// The investing unit.
    pub investor: OrgId,
    /// The roadshow it came from.
    pub roadshow: Option<RoadshowId>,
    /// What the investor writes.
    pub message: &'a str,
}

/// Records an interest; a second open one of the same unit in the same project is a duplicate.
pub async fn express(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, today: NaiveDate, n: &NewInterest<'_>) -> StoreResult<InterestId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO investor_interests (result_id, center_id, owner_org_id, investor_org_id, roadshow_id, expressed_by, message, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'expressed', $8, $8) RETURNING id",
    )
    .bind(n.result.get())
    .bind(n.center.get())
    .bind(n.owner.get())
    .bind(n.investor.get())
    .bind(n.roadshow.map(RoadshowId::get))
    .bind(actor.user_column())
    .bind(n.message)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("result_id"))?;
    bump_tally(conn, today.year(), Tally::Interest).await?;
    record_step(conn, actor, now, InterestId::new(id), "express", "investor", None, n.message).await?;
    let after = serde_json::json!({"result_id": n.result, "investor_org_id": n.investor, "roadshow_id": n.roadshow, "message": n.message});
    audit::record(conn, actor, now, Change { action: "interest.express", entity_type: "investor_interest", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(InterestId::new(id))
}

#[allow(clippy::too_many_arguments)]
async fn record_step(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: InterestId, step: &str, party: &str, amount: Option<Yuan>, note: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO interest_steps (interest_id, step, party, user_id, amount_yuan, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.get())
        .bind(step)
        .bind(party)
        .bind(actor.user_column())
        .bind(amount.map(Yuan::get))
        .bind(note)
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A step as the workflow decided it.
pub struct StepChange<'a> {
    /// The step.
    pub step: InterestStep,
    /// Who takes it (`investor`, `owner` or `center`).
    pub party: &'static str,
    /// The state it leads to.
    pub to: InterestState,
    /// The owner's acceptance after it.
    pub owner_accepted: bool,
    /// The center's acceptance after it.
    pub center_accepted: bool,
    /// The amount of a term sheet or an investment.
    pub amount: Option<Yuan>,
    /// The reason (decline, withdrawal) or note.
    pub note: &'a str,
}

/// Applies a step to an interest read at `version` (a stale version is a conflict).
pub async fn step(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, today: NaiveDate, i: &Interest, version: i64, c: &StepChange<'_>) -> StoreResult<()> {
    let pledged = c.step == InterestStep::Pledge;
    let term_sheet = (c.step == InterestStep::SignTermSheet).then_some(c.amount).flatten();
    let invested = (c.step == InterestStep::Invest).then_some(c.amount).flatten();
    let reason = if matches!(c.step, InterestStep::Decline | InterestStep::Withdraw) { c.note } else { i.reason.as_str() };
    let n = sqlx::query(
        "UPDATE investor_interests SET state = $1, owner_accepted = $2, center_accepted = $3, pledged_by = COALESCE($4, pledged_by), \
         pledged_at = COALESCE($5, pledged_at), term_sheet_yuan = COALESCE($6, term_sheet_yuan), invested_yuan = COALESCE($7, invested_yuan), \
         invested_on = COALESCE($8, invested_on), reason = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12",
    )
    .bind(c.to.as_str())
    .bind(i64::from(c.owner_accepted))
    .bind(i64::from(c.center_accepted))
    .bind(if pledged { actor.user_column() } else { None })
    .bind(pledged.then(|| format_ts(now)))
    .bind(term_sheet.map(Yuan::get))
    .bind(invested.map(Yuan::get))
    .bind(invested.map(|_| today.to_string()))
    .bind(reason)
    .bind(format_ts(now))
    .bind(i.id.get())
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    if c.to == InterestState::Accepted && i.state != InterestState::Accepted {
        bump_tally(conn, today.year(), Tally::Accepted).await?;
    }
    if let Some(y) = term_sheet {
        bump_tally(conn, today.year(), Tally::TermSheet(y)).await?;
    }
    if let Some(y) = invested {
        bump_tally(conn, today.year(), Tally::Deal(y)).await?;
    }
    record_step(conn, actor, now, i.id, c.step.as_str(), c.party, c.amount, c.note).await?;
    let before = serde_json::json!({"state": i.state, "owner_accepted": i.owner_accepted, "center_accepted": i.center_accepted});
    let after = serde_json::json!({"step": c.step, "party": c.party, "state": c.to, "amount_yuan": c.amount});
    let reason = (!c.note.is_empty()).then_some(c.note);
    audit::record(conn, actor, now, Change { action: "interest.step", entity_type: "investor_interest", entity_id: i.id.to_string(), before: Some(before), after: Some(after), reason }).await
}

/// One interest.
pub async fn get<'e, E>(executor: E, id: InterestId) -> StoreResult<Interest>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND i.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// A unit's open interest in a project, if any.
pub async fn open_of(pool: &AnyPool, result: ResultId, investor: OrgId) -> StoreResult<Option<Interest>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE {JOINED} AND i.result_id = $1 AND i.investor_org_id = $2 AND i.state IN {} LIMIT 1",
        states_where(InterestState::is_open)
    ))
    .bind(result.get())
    .bind(investor.get())
    .fetch_optional(pool)
    .await?)
}

/// Whether a unit signed the pledge on a project it still follows or invested in (then it reads the secrets).
pub async fn has_pledged(pool: &AnyPool, result: ResultId, investor: OrgId) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM investor_interests WHERE result_id = $1 AND investor_org_id = $2 AND state IN {}",
        states_where(InterestState::reads_secrets)
    ))
    .bind(result.get())
    .bind(investor.get())
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// Which interests a list shows.
#[derive(Debug, Clone, Default)]
pub struct InterestFilter {
    /// One investing unit's.
    pub investor: Option<OrgId>,
    /// On one owner unit's projects.
    pub owner: Option<OrgId>,
    /// On the projects of these centers (an operator's; empty = no such condition).
    pub centers: Vec<CenterId>,
    /// On one project.
    pub result: Option<ResultId>,
    /// One state.
    pub state: Option<InterestState>,
}

impl InterestFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        if let Some(o) = self.investor {
            w.and("i.investor_org_id = ?", Arg::Int(o.get()));
        }
        if let Some(o) = self.owner {
            w.and("i.owner_org_id = ?", Arg::Int(o.get()));
        }
        w.and_among("i.center_id", self.centers.iter().map(|c| c.get()));
        if let Some(r) = self.result {
            w.and("i.result_id = ?", Arg::Int(r.get()));
        }
        if let Some(s) = self.state {
            w.and("i.state = ?", Arg::Text(s.as_str().into()));
        }
        w
    }
}

fn by_id() -> Order {
    Order { table: "investor_interests", alias: "i", column: "id", int: true, dir: SortDir::Desc }
}

/// A page of interests, newest first (keyset pages).
pub async fn list(pool: &AnyPool, filter: &InterestFilter, page: Page) -> StoreResult<Paged<Interest>> {
    listing::page_of(pool, SELECT, BASE, &filter.condition(), by_id(), page, Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &InterestFilter) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), by_id(), false)
}

/// One recorded step of an interest.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
#[schema(as = InterestStepRecord)]
pub struct StepRecord {
    /// The step's code (`express` for the first).
    pub step: String,
    /// Who took it (`investor`, `owner`, `center`).
    pub party: String,
    /// The amount, for a term sheet or an investment.
    pub amount_yuan: Option<i64>,
    /// The reason or note.
    pub note: String,
    /// When (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub at: DateTime<Utc>,
}

/// An interest's steps in order.
pub async fn steps(pool: &AnyPool, id: InterestId) -> StoreResult<Vec<StepRecord>> {
    Ok(sqlx::query_as("SELECT step, party, amount_yuan, note, at FROM interest_steps WHERE interest_id = $1 ORDER BY id LIMIT 100").bind(id.get()).fetch_all(pool).await?)
}

/// A center's investment figures (its projects' interests; a center has hundreds at most).
#[derive(Debug, Clone, Default, Serialize, FromRow, utoipa::ToSchema)]
pub struct CenterInvestment {
    /// Interests expressed in its projects.
    pub interests: i64,
    /// Still open.
    pub open: i64,
    /// Term sheets signed (including those that went on to invest).
    pub term_sheets: i64,
    /// Investments made.
    pub deals: i64,
    /// Their amounts (yuan).
    #[sqlx(try_from = "i64")]
    pub invested_yuan: Yuan,
}

/// A center's investment figures.
pub async fn of_center(pool: &AnyPool, center: CenterId) -> StoreResult<CenterInvestment> {
    Ok(sqlx::query_as(&format!(
        "SELECT COUNT(*) AS interests, \
         COALESCE(SUM(CASE WHEN state IN {} THEN 1 ELSE 0 END), 0) AS open, \
         COALESCE(SUM(CASE WHEN term_sheet_yuan IS NOT NULL THEN 1 ELSE 0 END), 0) AS term_sheets, \
         COALESCE(SUM(CASE WHEN state = 'invested' THEN 1 ELSE 0 END), 0) AS deals, \
         CAST(COALESCE(SUM(invested_yuan), 0) AS BIGINT) AS invested_yuan FROM investor_interests WHERE center_id = $1",
        states_where(InterestState::is_open)
    ))
    .bind(center.get())
    .fetch_one(pool)
    .await?)
}
