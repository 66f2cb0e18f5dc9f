//! Early concepts (早期概念) in their units' pools, as the proposer, the reviewing platform and the
//! bureau see them, and the published seeds as everyone sees them. Lists never carry the core idea
//! (核心思路) or the team; [`secrets`] reads them for a reader the workflow has let through.

use crate::audit::{self, Change};
use crate::column::{Code, Instant, MaybeCode, MaybeDay};
use crate::listing::{self, ListRow, Order};
use crate::sql_where::{contains, Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OrgId, UserId};
use pocnet_domain::research_result::Trl;
use pocnet_domain::seeds::{ConceptDraft, ConceptState, Verdict};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An early concept with its unit's and platform's names (no core idea, no team).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Concept {
    /// Id.
    pub id: i64,
    /// The unit whose pool it is in.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// The platform that reviews it.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// The platform's host unit (whose operators review it).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_host_org_id: OrgId,
    /// The researcher who proposed it.
    pub proposed_by: Option<i64>,
    /// 概念名称.
    pub title: String,
    /// 概念简介.
    pub summary: String,
    /// Field code.
    pub field: String,
    /// Sub-field code.
    pub sub_field: String,
    /// Technology-readiness level, 1–3.
    pub trl: i32,
    /// 潜在应用与产业需求.
    pub demand: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<ConceptState>")]
    pub state: ConceptState,
    /// The batch reviewing (or that reviewed) it.
    pub batch_id: Option<i64>,
    /// 技术可行性 (0–100), once assessed.
    pub tech_score: Option<i32>,
    /// 市场前景 (0–100), once assessed.
    pub market_score: Option<i32>,
    /// The verdict, once assessed.
    #[sqlx(try_from = "MaybeCode<Verdict>")]
    pub verdict: Option<Verdict>,
    /// 论证意见.
    pub opinion: String,
    /// The library entry a seed became.
    pub result_id: Option<i64>,
    /// Day its batch published the seed list.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub published_on: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
    /// Pooled at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl ListRow for Concept {
    fn list_id(&self) -> i64 {
        self.id
    }
}

const SELECT: &str = "SELECT k.id, k.org_id, o.name AS org_name, k.center_id, c.name AS center_name, c.host_org_id AS center_host_org_id, k.proposed_by, \
    k.title, k.summary, k.field, k.sub_field, k.trl, k.demand, k.state, k.batch_id, k.tech_score, k.market_score, k.verdict, k.opinion, k.result_id, \
    k.published_on, k.version, k.created_at \
    FROM early_concepts k CROSS JOIN organisations o CROSS JOIN centers c";
const BASE: &str = "FROM early_concepts k CROSS JOIN organisations o CROSS JOIN centers c";
const JOINED: &str = "o.id = k.org_id AND c.id = k.center_id";

fn change(action: &str, id: i64, after: serde_json::Value) -> Change<'_> {
    Change { action, entity_type: "early_concept", entity_id: id.to_string(), before: None, after: Some(after), reason: None }
}

/// Pools a concept of `org` with platform `center`, proposed by `proposer`.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, org: OrgId, center: CenterId, proposer: Option<UserId>, d: &ConceptDraft) -> StoreResult<i64> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO early_concepts (org_id, center_id, proposed_by, title, summary, secret_summary, field, sub_field, team, trl, demand, state, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(org.get())
    .bind(center.get())
    .bind(proposer.map(UserId::get))
    .bind(&d.title)
    .bind(&d.summary)
    .bind(&d.secret_summary)
    .bind(&d.field)
    .bind(&d.sub_field)
    .bind(d.team.join("、"))
    .bind(i32::from(d.trl.level()))
    .bind(&d.demand)
    .bind(ConceptState::Pooled.as_str())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    // The audit keeps no core idea: it is a trade secret.
    let after = serde_json::json!({"org_id": org, "center_id": center, "title": d.title, "field": d.field, "trl": d.trl.level(), "state": ConceptState::Pooled});
    audit::record(conn, actor, now, change("early_concept.pool", id, after)).await?;
    Ok(id)
}

/// Takes a pooled concept at `version` back (its proposer).
pub async fn withdraw(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64) -> StoreResult<()> {
    let n = sqlx::query("UPDATE early_concepts SET state = 'withdrawn', version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND state = 'pooled'")
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    audit::record(conn, actor, now, change("early_concept.withdraw", id, serde_json::json!({"state": ConceptState::Withdrawn}))).await
}

/// One concept.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<Concept>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND k.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The parts of a concept lists never carry: the core idea and the team.
#[derive(Debug, Clone, Default, Serialize, FromRow, utoipa::ToSchema)]
pub struct ConceptSecrets {
    /// 核心思路 (a trade secret).
    pub secret_summary: String,
    /// 团队成员, `、`-separated.
    pub team: String,
}

/// The core idea and team of a concept.
pub async fn secrets<'e, E>(executor: E, id: i64) -> StoreResult<ConceptSecrets>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as("SELECT secret_summary, team FROM early_concepts WHERE id = $1").bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The concepts of a batch, in the order they were pooled (at most a batch's size).
pub async fn of_batch<'e, E>(executor: E, batch_id: i64) -> StoreResult<Vec<Concept>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND k.batch_id = $1 ORDER BY k.id")).bind(batch_id).fetch_all(executor).await?)
}

/// A seed of a published batch, whole, for its entry into the library.
#[derive(Debug, Clone)]
pub struct SeedForLibrary {
    /// The concept.
    pub id: i64,
    /// Its unit.
    pub org_id: OrgId,
    /// Its proposer.
    pub proposed_by: Option<UserId>,
    /// Its fields as checked when it was pooled.
    pub draft: ConceptDraft,
}

#[derive(FromRow)]
struct SeedRow {
    id: i64,
    org_id: i64,
    proposed_by: Option<i64>,
    title: String,
    summary: String,
    secret_summary: String,
    field: String,
    sub_field: String,
    team: String,
    trl: i32,
    demand: String,
}

/// The seeds of a batch (verdict 入选) with every field, in the order they were pooled.
pub async fn seeds_for_library(conn: &mut AnyConnection, batch_id: i64) -> StoreResult<Vec<SeedForLibrary>> {
    let rows: Vec<SeedRow> = sqlx::query_as(
        "SELECT id, org_id, proposed_by, title, summary, secret_summary, field, sub_field, team, trl, demand FROM early_concepts \
         WHERE batch_id = $1 AND verdict = 'seed' ORDER BY id",
    )
    .bind(batch_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let trl = Trl::parse(i64::from(r.trl)).map_err(|_| StoreError::Corrupt(format!("early_concepts.trl {}", r.trl)))?;
            let team = r.team.split('、').filter(|s| !s.is_empty()).map(str::to_owned).collect();
            Ok(SeedForLibrary {
                id: r.id,
                org_id: OrgId::new(r.org_id),
                proposed_by: r.proposed_by.map(UserId::new),
                draft: ConceptDraft { title: r.title, summary: r.summary, secret_summary: r.secret_summary, field: r.field, sub_field: r.sub_field, team, trl, demand: r.demand },
            })
        })
        .collect()
}

/// Links a seed to the library entry it became.
pub async fn link_result(conn: &mut AnyConnection, id: i64, result_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE early_concepts SET result_id = $1 WHERE id = $2 AND state = 'seeded'").bind(result_id).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Which concepts a list shows.
#[derive(Debug, Clone, Default)]
pub struct ConceptFilter {
    /// Those reviewed by these platforms (an operator's); `None`: no such condition.
    pub centers: Option<Vec<CenterId>>,
    /// Those this researcher proposed.
    pub proposer: Option<UserId>,
    /// One platform's.
    pub center: Option<CenterId>,
    /// One state.
    pub state: Option<ConceptState>,
    /// Words in the title.
    pub q: Option<String>,
}

impl ConceptFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        if let Some(cs) = &self.centers {
            if cs.is_empty() {
                w.and_raw("1 = 0");
            }
            w.and_among("k.center_id", cs.iter().map(|c| c.get()));
        }
        if let Some(p) = self.proposer {
            w.and("k.proposed_by = ?", Arg::Int(p.get()));
        }
        if let Some(c) = self.center {
            w.and("k.center_id = ?", Arg::Int(c.get()));
        }
        if let Some(s) = self.state {
            w.and("k.state = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            w.and("k.title LIKE ? ESCAPE '\\'", Arg::Text(contains(q)));
        }
        w
    }
}

fn newest() -> Order {
    Order { table: "early_concepts", alias: "k", column: "id", int: true, dir: SortDir::Desc }
}

/// A page of concepts, newest first.
pub async fn list(pool: &AnyPool, filter: &ConceptFilter, page: Page) -> StoreResult<Paged<Concept>> {
    listing::page_of(pool, SELECT, BASE, &filter.condition(), newest(), page, listing::Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &ConceptFilter) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), newest(), false)
}

/// A seed on the published list (种子清单): what the public reads — no scores, no opinion, no core
/// idea, no team.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Seed {
    /// The concept's id.
    pub id: i64,
    /// 概念名称.
    pub title: String,
    /// 概念简介.
    pub summary: String,
    /// Field code.
    pub field: String,
    /// Technology-readiness level, 1–3.
    pub trl: i32,
    /// 潜在应用与产业需求.
    pub demand: String,
    /// The unit that proposed it.
    pub org_name: String,
    /// The platform that selected it.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// The batch that selected it.
    pub batch_id: Option<i64>,
    /// Day the list was published.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub published_on: Option<NaiveDate>,
}

impl ListRow for Seed {
    fn list_id(&self) -> i64 {
        self.id
    }
}

const SEED_SELECT: &str = "SELECT k.id, k.title, k.summary, k.field, k.trl, k.demand, o.name AS org_name, k.center_id, c.name AS center_name, k.batch_id, k.published_on \
    FROM early_concepts k CROSS JOIN organisations o CROSS JOIN centers c";

/// Which seeds the public list shows.
#[derive(Debug, Clone, Default)]
pub struct SeedFilter {
    /// Words in the title.
    pub q: Option<String>,
    /// One field.
    pub field: Option<String>,
    /// One platform's.
    pub center: Option<CenterId>,
    /// One batch's.
    pub batch: Option<i64>,
}

impl SeedFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        w.and_raw("k.state = 'seeded'");
        if let Some(f) = self.field.as_deref().filter(|f| !f.is_empty()) {
            w.and("k.field = ?", Arg::Text(f.into()));
        }
        if let Some(c) = self.center {
            w.and("k.center_id = ?", Arg::Int(c.get()));
        }
        if let Some(b) = self.batch {
            w.and("k.batch_id = ?", Arg::Int(b));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            w.and("k.title LIKE ? ESCAPE '\\'", Arg::Text(contains(q)));
        }
        w
    }
}

/// A page of the seed list, newest first.
pub async fn seeds(pool: &AnyPool, filter: &SeedFilter, page: Page) -> StoreResult<Paged<Seed>> {
    listing::page_of(pool, SEED_SELECT, BASE, &filter.condition(), newest(), page, listing::Total::Unknown).await
}

/// The statements [`seeds`] runs (the planner test).
pub fn seeds_statements(filter: &SeedFilter) -> Vec<String> {
    listing::statements(SEED_SELECT, BASE, &filter.condition(), newest(), false)
}
