//! Batch reviews (批量论证) of a platform's pool: opening one takes what waits (oldest first, at most
//! a batch's size), the review group's assessments are kept on the concepts, and publishing turns
//! the batch into the seed list. Every change is a compare-and-set on the batch's version and is
//! audited; the batch keeps its counts.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, MaybeDay};
use crate::listing::{self, ListRow, Order};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OrgId};
use super::concepts;
use crate::library::intake::NewResult;
use pocnet_domain::seeds::batch::MAX_BATCH;
use pocnet_domain::seeds::concept::pool_source;
use pocnet_domain::seeds::{Assessment, BatchDraft, BatchState};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A batch review with its platform's name.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct SeedBatch {
    /// Id.
    pub id: i64,
    /// The platform.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Its host unit (whose operators run the batch).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_host_org_id: OrgId,
    /// 批次名称.
    pub title: String,
    /// 论证日期.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub review_on: NaiveDate,
    /// 论证专家, `、`-separated.
    pub panel: String,
    /// Where it stands.
    #[sqlx(try_from = "Code<BatchState>")]
    pub state: BatchState,
    /// Concepts it reviews.
    pub concepts_total: i32,
    /// Those assessed so far.
    pub concepts_assessed: i32,
    /// Seeds selected (counted when published).
    pub seeds: i32,
    /// Day the seed list was published.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub published_on: Option<NaiveDate>,
    /// Optimistic-lock version; send it back with each change.
    pub version: i64,
    /// Opened at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl ListRow for SeedBatch {
    fn list_id(&self) -> i64 {
        self.id
    }
}

const SELECT: &str = "SELECT b.id, b.center_id, c.name AS center_name, c.host_org_id AS center_host_org_id, b.title, b.review_on, b.panel, b.state, \
    b.concepts_total, b.concepts_assessed, b.seeds, b.published_on, b.version, b.created_at FROM seed_batches b CROSS JOIN centers c";
const BASE: &str = "FROM seed_batches b CROSS JOIN centers c";
const JOINED: &str = "c.id = b.center_id";

fn change<'a>(action: &'a str, id: i64, after: serde_json::Value) -> Change<'a> {
    Change { action, entity_type: "seed_batch", entity_id: id.to_string(), before: None, after: Some(after), reason: None }
}

/// Opens a batch at `center` over what waits in its pool (oldest first, at most
/// [`MAX_BATCH`]); refuses with `pool_empty` when nothing waits. Answers the batch's id.
pub async fn open(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, center: CenterId, d: &BatchDraft) -> StoreResult<i64> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO seed_batches (center_id, title, review_on, panel, state, opened_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(center.get())
    .bind(&d.title)
    .bind(d.review_on.to_string())
    .bind(d.panel.join("、"))
    .bind(BatchState::Reviewing.as_str())
    .bind(actor.user_column())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    // The state is checked again on each row: a concept withdrawn meanwhile, or taken by a batch
    // opened at the same moment, is not taken twice.
    let taken = sqlx::query(&format!(
        "UPDATE early_concepts SET state = 'batched', batch_id = $1, version = version + 1, updated_at = $2 \
         WHERE state = 'pooled' AND id IN (SELECT id FROM early_concepts WHERE center_id = $3 AND state = 'pooled' ORDER BY id LIMIT {MAX_BATCH})"
    ))
    .bind(id)
    .bind(&ts)
    .bind(center.get())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if taken == 0 {
        return Err(StoreError::Refused { code: "pool_empty", message: "本中心的早期成果池中没有待论证的概念".into() });
    }
    sqlx::query("UPDATE seed_batches SET concepts_total = $1 WHERE id = $2").bind(i64::try_from(taken).unwrap_or(i64::MAX)).bind(id).execute(&mut *conn).await?;
    let after = serde_json::json!({"center_id": center, "title": d.title, "review_on": d.review_on, "panel": d.panel, "concepts": taken});
    audit::record(conn, actor, now, change("seed_batch.open", id, after)).await?;
    Ok(id)
}

/// Keeps the review group's assessments of a reviewing batch at `version` (a concept assessed
/// again keeps the latest).
pub async fn assess(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, rows: &[Assessment]) -> StoreResult<()> {
    let ts = format_ts(now);
    let n = sqlx::query("UPDATE seed_batches SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 AND state = 'reviewing'")
        .bind(&ts)
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    for a in rows {
        sqlx::query(
            "UPDATE early_concepts SET tech_score = $1, market_score = $2, verdict = $3, opinion = $4, version = version + 1, updated_at = $5 \
             WHERE id = $6 AND batch_id = $7 AND state = 'batched'",
        )
        .bind(a.tech_score)
        .bind(a.market_score)
        .bind(a.verdict.as_str())
        .bind(&a.opinion)
        .bind(&ts)
        .bind(a.concept_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE seed_batches SET concepts_assessed = (SELECT COUNT(*) FROM early_concepts WHERE batch_id = $1 AND verdict IS NOT NULL) WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let after = serde_json::json!({"assessments": rows.iter().map(|a| serde_json::json!({"concept_id": a.concept_id, "tech_score": a.tech_score, "market_score": a.market_score, "verdict": a.verdict, "opinion": a.opinion})).collect::<Vec<_>>()});
    audit::record(conn, actor, now, change("seed_batch.assess", id, after)).await
}

/// Publishes the seed list of a reviewing batch at `version` whose every concept is assessed: the
/// seeds become `seeded` and enter the platform's library, the others `not_selected`. Answers the
/// number of seeds.
pub async fn publish(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, today: NaiveDate) -> StoreResult<i64> {
    let ts = format_ts(now);
    let day = today.to_string();
    let n = sqlx::query(
        "UPDATE seed_batches SET state = 'published', published_on = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND state = 'reviewing' AND concepts_assessed = concepts_total",
    )
    .bind(&day)
    .bind(&ts)
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let seeds = sqlx::query(
        "UPDATE early_concepts SET state = 'seeded', published_on = $1, version = version + 1, updated_at = $2 WHERE batch_id = $3 AND state = 'batched' AND verdict = 'seed'",
    )
    .bind(&day)
    .bind(&ts)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("UPDATE early_concepts SET state = 'not_selected', published_on = $1, version = version + 1, updated_at = $2 WHERE batch_id = $3 AND state = 'batched'")
        .bind(&day)
        .bind(&ts)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let seeds = i64::try_from(seeds).unwrap_or(i64::MAX);
    sqlx::query("UPDATE seed_batches SET seeds = $1 WHERE id = $2").bind(seeds).bind(id).execute(&mut *conn).await?;
    audit::record(conn, actor, now, change("seed_batch.publish", id, serde_json::json!({"state": BatchState::Published, "seeds": seeds}))).await?;
    into_library(conn, actor, now, id, today).await?;
    Ok(seeds)
}

/// Puts each seed of a batch just published into its platform's project library: a result
/// submitted for intake (成果入库申请) at the laboratory stage, owned by the seed's unit, entered by
/// its proposer, its source the unit's kind, numbered `SEED-{batch}-{concept}`.
async fn into_library(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, batch_id: i64, today: NaiveDate) -> StoreResult<()> {
    let center: i64 = sqlx::query_scalar("SELECT center_id FROM seed_batches WHERE id = $1").bind(batch_id).fetch_one(&mut *conn).await?;
    for seed in concepts::seeds_for_library(conn, batch_id).await? {
        let kind = crate::orgs::get(&mut *conn, seed.org_id).await?.kind;
        let source = pool_source(kind).ok_or_else(|| StoreError::Corrupt(format!("early concept {}: unit of kind {kind:?} keeps no pool", seed.id)))?;
        let draft = seed.draft.to_result(source, format!("SEED-{batch_id}-{}", seed.id));
        let new = NewResult { draft: &draft, owner_org_id: seed.org_id, center_id: Some(CenterId::new(center)), submitted_on: today, entered_by: seed.proposed_by };
        let result = crate::library::intake::create(conn, actor, now, &new).await?;
        concepts::link_result(conn, seed.id, result.get()).await?;
    }
    Ok(())
}

/// One batch.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<SeedBatch>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND b.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Which batches a list shows.
#[derive(Debug, Clone, Default)]
pub struct BatchFilter {
    /// Those of these platforms (an operator's); `None`: no such condition.
    pub centers: Option<Vec<CenterId>>,
    /// One platform's.
    pub center: Option<CenterId>,
    /// One state.
    pub state: Option<BatchState>,
}

impl BatchFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        if let Some(cs) = &self.centers {
            if cs.is_empty() {
                w.and_raw("1 = 0");
            }
            w.and_among("b.center_id", cs.iter().map(|c| c.get()));
        }
        if let Some(c) = self.center {
            w.and("b.center_id = ?", Arg::Int(c.get()));
        }
        if let Some(s) = self.state {
            w.and("b.state = ?", Arg::Text(s.as_str().into()));
        }
        w
    }
}

fn newest() -> Order {
    Order { table: "seed_batches", alias: "b", column: "id", int: true, dir: SortDir::Desc }
}

/// A page of batches, newest first.
pub async fn list(pool: &AnyPool, filter: &BatchFilter, page: Page) -> StoreResult<Paged<SeedBatch>> {
    listing::page_of(pool, SELECT, BASE, &filter.condition(), newest(), page, listing::Total::Unknown).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &BatchFilter) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), newest(), false)
}
