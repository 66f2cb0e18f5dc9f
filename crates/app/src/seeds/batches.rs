//! Batch reviews (批量论证, 004 三(二) “定期、批量组织论证，推出‘种子’清单”) as a PoC platform's
//! operators run them: open a batch over what waits in the pool, keep the review group's scores
//! and verdicts, publish the seed list. Publishing puts each seed into the platform's project
//! library as a result submitted for intake (成果入库申请), in the same transaction. The bureau reads
//! every batch; nobody else reads one.

use super::concepts::hosted_poc_centers;
use crate::{Caller, Context, Error, Result};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::CenterId;
use pocnet_domain::role::Role;
use pocnet_domain::seeds::batch::{parse_assessments, publishable};
use pocnet_domain::seeds::{BatchDraft, BatchState, RawAssessment, RawBatch};
use pocnet_domain::supervision::CenterStatus;
use pocnet_domain::FieldError;
use pocnet_store::seeds::batches::{self as store, BatchFilter, SeedBatch};
use pocnet_store::seeds::concepts::{self as concept_store, Concept};
use pocnet_store::{Page, Paged, StoreError};
use serde::{Deserialize, Serialize};

/// Whether the caller runs the batch (its platform's operators or the console) or only reads it.
fn runs(caller: &Caller, b: &SeedBatch) -> bool {
    match caller.user() {
        None => true,
        Some(u) => u.role == Role::Center && u.org_id == b.center_host_org_id,
    }
}

fn reads(caller: &Caller, b: &SeedBatch) -> bool {
    runs(caller, b) || caller.user().is_some_and(|u| u.role == Role::Bureau)
}

async fn load(ctx: &Context, caller: &Caller, id: i64) -> Result<SeedBatch> {
    let b = store::get(ctx.store().pool(), id).await?;
    if !reads(caller, &b) {
        return Err(Error::NotFound);
    }
    Ok(b)
}

/// A batch as sent when it is opened.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SeedBatchInput {
    /// The platform whose pool it reviews.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub center_id: Option<i64>,
    /// 批次名称, 2–60 characters.
    pub title: String,
    /// 论证日期, YYYY-MM-DD (within a year of today).
    pub review_on: String,
    /// 论证专家 (technology, industry, capital), separated by 、 , ； or line breaks; 1–30 names.
    #[serde(default)]
    pub panel: String,
}

/// Opens a batch over what waits in the platform's pool (its operators): the concepts pooled
/// first, at most 200, move into the batch. Refused (422 `pool_empty`) when nothing waits.
pub async fn open(ctx: &Context, caller: &Caller, input: &SeedBatchInput) -> Result<SeedBatchView> {
    caller.require(&[Role::Center])?;
    let mut errors = Vec::new();
    let center = match input.center_id {
        None => {
            errors.push(FieldError::required("center_id", "概念验证平台"));
            None
        }
        Some(id) => match pocnet_store::centers::get(ctx.store().pool(), CenterId::new(id)).await {
            Ok(c) if caller.user().is_some_and(|u| u.org_id != c.host_org_id) => return Err(Error::Forbidden),
            Ok(c) if c.kind == CenterKind::PocCenter && c.status == CenterStatus::Active => Some(c),
            Ok(c) => {
                errors.push(FieldError::new("center_id", "not_a_poc_center", format!("“{}”不是在册的概念验证中心（平台）", c.name)));
                None
            }
            Err(StoreError::NotFound) => {
                errors.push(FieldError::unknown_value("center_id", "概念验证平台"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let panel = [input.panel.clone()];
    let draft = BatchDraft::parse(&RawBatch { title: &input.title, review_on: &input.review_on, panel: &panel }, ctx.today()).map_err(|e| errors.extend(e)).ok();
    let (Some(center), Some(draft)) = (center, draft) else { return Err(Error::Invalid(errors)) };
    let mut tx = ctx.store().write().await?;
    let id = store::open(&mut tx, &caller.actor(), ctx.now(), center.id, &draft).await.map_err(|e| match e {
        StoreError::Refused { code, message } => Error::Rule { code, message },
        e => e.into(),
    })?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A batch's page for one caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeedBatchView {
    /// The batch.
    pub batch: SeedBatch,
    /// Its concepts, in the order they were pooled, with their assessments so far.
    pub concepts: Vec<Concept>,
    /// Whether the caller runs it (may assess and publish).
    pub runs: bool,
    /// Whether it may publish now.
    pub may_publish: bool,
    /// What happens next, or why it may not publish yet, in words.
    pub next: String,
}

/// One batch (its platform's operators and the bureau).
pub async fn view(ctx: &Context, caller: &Caller, id: i64) -> Result<SeedBatchView> {
    let batch = load(ctx, caller, id).await?;
    let concepts = concept_store::of_batch(ctx.store().pool(), id).await?;
    let check = publishable(batch.state, i64::from(batch.concepts_total), i64::from(batch.concepts_assessed));
    let next = match (&check, batch.state) {
        (_, BatchState::Published) => format!("种子清单已于{}发布：{}个概念入选，已进入本平台项目库等待入库遴选。", batch.published_on.map(|d| d.to_string()).unwrap_or_default(), batch.seeds),
        (Ok(()), _) => "全部概念已论证，可以发布种子清单；发布后入选概念进入项目库，结果不可再改。".into(),
        (Err(why), _) => why.clone(),
    };
    let runs = runs(caller, &batch);
    Ok(SeedBatchView { may_publish: runs && check.is_ok(), runs, next, concepts, batch })
}

/// The review group's assessments as sent: any number of the batch's concepts at a time.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SeedAssessmentsInput {
    /// The rows: a concept of the batch with its scores, verdict and opinion.
    pub assessments: Vec<SeedAssessmentInput>,
    /// The batch's version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// One concept's assessment as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SeedAssessmentInput {
    /// The concept.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub concept_id: Option<i64>,
    /// 技术可行性, 0–100.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub tech_score: String,
    /// 市场前景, 0–100.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub market_score: String,
    /// `seed` (入选) or `not_selected` (不入选).
    #[serde(default)]
    pub verdict: String,
    /// 论证意见, 2–500 characters.
    #[serde(default)]
    pub opinion: String,
}

/// Keeps the review group's assessments (the platform's operators, while the batch is under
/// review); a concept assessed again keeps the latest. Rows are named `assessments[i].field` on
/// error; nothing is kept unless every row is right.
pub async fn assess(ctx: &Context, caller: &Caller, id: i64, input: &SeedAssessmentsInput) -> Result<SeedBatchView> {
    let b = load(ctx, caller, id).await?;
    if !runs(caller, &b) {
        return Err(Error::Forbidden);
    }
    if b.state != BatchState::Reviewing {
        return Err(Error::Conflict { code: "illegal_transition", message: "本批次的种子清单已发布，论证结果不能再改".into(), field: None });
    }
    let in_batch: Vec<i64> = concept_store::of_batch(ctx.store().pool(), id).await?.iter().map(|k| k.id).collect();
    let rows: Vec<RawAssessment> = input
        .assessments
        .iter()
        .map(|a| RawAssessment { concept_id: a.concept_id, tech_score: a.tech_score.clone(), market_score: a.market_score.clone(), verdict: a.verdict.clone(), opinion: a.opinion.clone() })
        .collect();
    let rows = parse_assessments(&rows, &in_batch).map_err(Error::Invalid)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::assess(&mut tx, &caller.actor(), ctx.now(), id, version, &rows).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A version read (publishing).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SeedPublishInput {
    /// The batch's version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Publishes the seed list (the platform's operators, every concept assessed): the seeds enter
/// the platform's project library as results submitted for intake, at the laboratory stage, in
/// the same transaction; the others are told they were not selected.
pub async fn publish(ctx: &Context, caller: &Caller, id: i64, input: &SeedPublishInput) -> Result<SeedBatchView> {
    let b = load(ctx, caller, id).await?;
    if !runs(caller, &b) {
        return Err(Error::Forbidden);
    }
    publishable(b.state, i64::from(b.concepts_total), i64::from(b.concepts_assessed)).map_err(|message| Error::Conflict { code: "not_publishable", message, field: None })?;
    let version = crate::input::version(input.version)?;
    let today = ctx.today();
    let mut tx = ctx.store().write().await?;
    store::publish(&mut tx, &caller.actor(), ctx.now(), id, version, today).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Which batches (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeedBatchQuery {
    /// `reviewing` or `published`.
    #[serde(default)]
    pub state: Option<String>,
    /// One platform's.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub center_id: Option<i64>,
}

/// The caller's batches: a platform's operators those of their platforms, the bureau all; newest first.
pub async fn list(ctx: &Context, caller: &Caller, q: &SeedBatchQuery, page: Page) -> Result<Paged<SeedBatch>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(BatchState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let mut filter = BatchFilter { state, center: q.center_id.map(CenterId::new), ..BatchFilter::default() };
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Center => filter.centers = Some(hosted_poc_centers(ctx, u.org_id).await?),
            Role::County | Role::Expert | Role::Researcher | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::list(ctx.store().pool(), &filter, page).await?)
}
