//! Concept-verification competitions (概念验证竞赛, 004 四(四)) and their entries. Every change is a
//! compare-and-set on a version and is audited; the competition keeps its entry and score counts.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, MaybeCode, MaybeDay};
use crate::listing::{self, ListRow, Order};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::competitions::{CompetitionDraft, CompetitionState, EntryDraft, EntryState, Prize, Prizes};
use pocnet_domain::id::{OrgId, UserId};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A competition.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Competition {
    /// Id.
    pub id: i64,
    /// 竞赛名称.
    pub title: String,
    /// 竞赛说明.
    pub description: String,
    /// Field code, empty for every field.
    pub field: String,
    /// 报名开始.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub opens_on: NaiveDate,
    /// 报名截止.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub closes_on: NaiveDate,
    /// 一等奖名额.
    pub prize_first: i32,
    /// 二等奖名额.
    pub prize_second: i32,
    /// 三等奖名额.
    pub prize_third: i32,
    /// 优秀奖名额.
    pub prize_merit: i32,
    /// Where it stands.
    #[sqlx(try_from = "Code<CompetitionState>")]
    pub state: CompetitionState,
    /// Entries standing (withdrawn ones not counted).
    pub entries: i32,
    /// Entries scored.
    pub scored: i32,
    /// Day the prizes were announced.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub announced_on: Option<NaiveDate>,
    /// Optimistic-lock version; send it back with each change.
    pub version: i64,
    /// Last changed at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub updated_at: DateTime<Utc>,
}

impl ListRow for Competition {
    fn list_id(&self) -> i64 {
        self.id
    }
}

impl Competition {
    /// How many of each prize.
    pub fn prizes(&self) -> Prizes {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        [n(self.prize_first), n(self.prize_second), n(self.prize_third), n(self.prize_merit)]
    }
}

const SELECT: &str = "SELECT m.id, m.title, m.description, m.field, m.opens_on, m.closes_on, m.prize_first, m.prize_second, m.prize_third, m.prize_merit, \
    m.state, m.entries, m.scored, m.announced_on, m.version, m.updated_at FROM competitions m";
const BASE: &str = "FROM competitions m";

fn change<'a>(action: &'a str, entity_type: &'a str, id: i64, after: serde_json::Value) -> Change<'a> {
    Change { action, entity_type, entity_id: id.to_string(), before: None, after: Some(after), reason: None }
}

/// Announces a competition, open for entries within its window.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, d: &CompetitionDraft) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO competitions (title, description, field, opens_on, closes_on, prize_first, prize_second, prize_third, prize_merit, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $10) RETURNING id",
    )
    .bind(&d.title)
    .bind(&d.description)
    .bind(&d.field)
    .bind(d.opens_on.to_string())
    .bind(d.closes_on.to_string())
    .bind(i64::from(d.prizes[0]))
    .bind(i64::from(d.prizes[1]))
    .bind(i64::from(d.prizes[2]))
    .bind(i64::from(d.prizes[3]))
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!({"title": d.title, "field": d.field, "opens_on": d.opens_on, "closes_on": d.closes_on, "prizes": d.prizes});
    audit::record(conn, actor, now, change("competition.create", "competition", id, after)).await?;
    Ok(id)
}

/// Closes the entries of an open competition at `version` (the jury begins).
pub async fn close(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64) -> StoreResult<()> {
    let n = sqlx::query("UPDATE competitions SET state = 'judging', version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND state = 'open'")
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    StoreError::unless_changed(n, version)?;
    audit::record(conn, actor, now, change("competition.close", "competition", id, serde_json::json!({"state": CompetitionState::Judging}))).await
}

/// Keeps the jury's scores of a competition under judging at `version` (an entry scored again keeps the latest).
pub async fn score(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, scores: &[(i64, i32)]) -> StoreResult<()> {
    let ts = format_ts(now);
    let n = sqlx::query("UPDATE competitions SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND state = 'judging'")
        .bind(&ts)
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    StoreError::unless_changed(n, version)?;
    for (entry, score) in scores {
        sqlx::query("UPDATE competition_entries SET score = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND competition_id = $4 AND state = 'entered'")
            .bind(score)
            .bind(&ts)
            .bind(entry)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE competitions SET scored = (SELECT COUNT(*) FROM competition_entries WHERE competition_id = $1 AND state = 'entered' AND score IS NOT NULL) WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let after = serde_json::json!({"scores": scores.iter().map(|(e, s)| serde_json::json!({"entry_id": e, "score": s})).collect::<Vec<_>>()});
    audit::record(conn, actor, now, change("competition.score", "competition", id, after)).await
}

/// Announces the prizes of a competition under judging at `version` whose every entry is scored:
/// `prizes` gives each standing entry its prize (or none).
pub async fn announce(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, prizes: &[(i64, Option<Prize>)], today: NaiveDate) -> StoreResult<()> {
    let ts = format_ts(now);
    let n = sqlx::query(
        "UPDATE competitions SET state = 'announced', announced_on = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND state = 'judging' AND scored = entries",
    )
    .bind(today.to_string())
    .bind(&ts)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    StoreError::unless_changed(n, version)?;
    for (entry, prize) in prizes {
        let state = if prize.is_some() { EntryState::Awarded } else { EntryState::NotAwarded };
        sqlx::query("UPDATE competition_entries SET state = $1, prize = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND competition_id = $5 AND state = 'entered'")
            .bind(state.as_str())
            .bind(prize.map(Prize::as_str))
            .bind(&ts)
            .bind(entry)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let after = serde_json::json!({"state": CompetitionState::Announced, "prizes": prizes.iter().filter(|(_, p)| p.is_some()).map(|(e, p)| serde_json::json!({"entry_id": e, "prize": p})).collect::<Vec<_>>()});
    audit::record(conn, actor, now, change("competition.announce", "competition", id, after)).await
}

/// One competition.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<Competition>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE m.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

fn newest() -> Order {
    Order { table: "competitions", alias: "m", column: "id", int: true, dir: SortDir::Desc }
}

fn condition(state: Option<CompetitionState>) -> Where {
    let mut w = Where::default();
    if let Some(s) = state {
        w.and("m.state = ?", Arg::Text(s.as_str().into()));
    }
    w
}

/// A page of competitions, newest first.
pub async fn list(pool: &AnyPool, state: Option<CompetitionState>, page: Page) -> StoreResult<Paged<Competition>> {
    listing::page_of(pool, SELECT, BASE, &condition(state), newest(), page, listing::Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(state: Option<CompetitionState>) -> Vec<String> {
    listing::statements(SELECT, BASE, &condition(state), newest(), false)
}

/// An entry with its unit's name.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Entry {
    /// Id.
    pub id: i64,
    /// The competition.
    pub competition_id: i64,
    /// The entrant's unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// 参赛项目名称.
    pub title: String,
    /// 项目简介.
    pub summary: String,
    /// 团队成员.
    pub team: String,
    /// 应用场景.
    pub scenario: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<EntryState>")]
    pub state: EntryState,
    /// The jury's score (0–100).
    pub score: Option<i32>,
    /// The prize, once announced.
    #[sqlx(try_from = "MaybeCode<Prize>")]
    pub prize: Option<Prize>,
    /// Optimistic-lock version.
    pub version: i64,
    /// Entered at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

const ENTRY_SELECT: &str = "SELECT e.id, e.competition_id, e.org_id, o.name AS org_name, e.title, e.summary, e.team, e.scenario, e.state, e.score, e.prize, e.version, \
    e.created_at FROM competition_entries e JOIN organisations o ON o.id = e.org_id";

/// Enters a competition still open (the count is taken under the competition's row lock, so an
/// entry never lands after the entries close); `Refused` with `closed` otherwise, `Duplicate` on
/// `title` for a unit entering the same title twice.
pub async fn enter(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, competition: i64, org: OrgId, by: Option<UserId>, d: &EntryDraft) -> StoreResult<i64> {
    let ts = format_ts(now);
    let n = sqlx::query("UPDATE competitions SET entries = entries + 1, updated_at = $1 WHERE id = $2 AND state = 'open'")
        .bind(&ts)
        .bind(competition)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "closed", message: "竞赛已截止报名".into() });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO competition_entries (competition_id, org_id, entered_by, title, summary, team, scenario, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'entered', $8, $8) RETURNING id",
    )
    .bind(competition)
    .bind(org.get())
    .bind(by.map(UserId::get))
    .bind(&d.title)
    .bind(&d.summary)
    .bind(&d.team)
    .bind(&d.scenario)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("title"))?;
    let after = serde_json::json!({"competition_id": competition, "org_id": org, "title": d.title});
    audit::record(conn, actor, now, change("competition.enter", "competition_entry", id, after)).await?;
    Ok(id)
}

/// Takes an entry back at `version` while its competition is open.
pub async fn withdraw(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64) -> StoreResult<()> {
    let ts = format_ts(now);
    let n = sqlx::query(
        "UPDATE competition_entries SET state = 'withdrawn', version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND state = 'entered' \
         AND competition_id IN (SELECT id FROM competitions WHERE state = 'open')",
    )
    .bind(&ts)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    StoreError::unless_changed(n, version)?;
    sqlx::query("UPDATE competitions SET entries = entries - 1, updated_at = $1 WHERE id = (SELECT competition_id FROM competition_entries WHERE id = $2)")
        .bind(&ts)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::record(conn, actor, now, change("competition.withdraw", "competition_entry", id, serde_json::json!({"state": EntryState::Withdrawn}))).await
}

/// One entry.
pub async fn entry<'e, E>(executor: E, id: i64) -> StoreResult<Entry>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{ENTRY_SELECT} WHERE e.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Which entries of a competition a reader gets.
#[derive(Debug, Clone, Copy)]
pub enum EntryScope {
    /// Every entry (the bureau).
    All,
    /// One unit's own.
    Org(OrgId),
    /// The prize winners (the public, once announced).
    Awarded,
}

/// The entries of a competition a reader gets: prize winners by prize then score, the rest in the order entered.
pub async fn entries(pool: &AnyPool, competition: i64, scope: EntryScope) -> StoreResult<Vec<Entry>> {
    let (cond, org) = match scope {
        EntryScope::All => ("", None),
        EntryScope::Org(o) => (" AND e.org_id = $2", Some(o.get())),
        EntryScope::Awarded => (" AND e.state = 'awarded'", None),
    };
    let sql = format!("{ENTRY_SELECT} WHERE e.competition_id = $1{cond} ORDER BY e.id");
    let mut q = sqlx::query_as::<_, Entry>(&sql).bind(competition);
    if let Some(o) = org {
        q = q.bind(o);
    }
    let mut rows = q.fetch_all(pool).await?;
    // Prize order (一等奖 first), then the higher score; entries without a prize keep their order.
    rows.sort_by(|a, b| match (a.prize, b.prize) {
        (Some(x), Some(y)) => x.cmp(&y).then(b.score.cmp(&a.score)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(rows)
}

/// The standing entries of a competition (id and title), in the order entered, read in a transaction.
pub async fn entries_of(conn: &mut AnyConnection, competition: i64) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, title FROM competition_entries WHERE competition_id = $1 AND state = 'entered' ORDER BY id").bind(competition).fetch_all(&mut *conn).await?)
}
