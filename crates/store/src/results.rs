//! Research results in the project library (科技成果/项目库). Issue 5 adds
//! intake, screening and verification; lists here never carry trade secrets.

use crate::{parse_code, Page, Paged, SortDir, StoreError, StoreResult};
use pocnet_domain::region::Region;
use pocnet_domain::research_result::{ResultSource, ResultState};
use serde::Serialize;
use sqlx::{AnyPool, FromRow};

/// The public face of a research result (no trade-secret fields).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultSummary {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Public summary.
    pub summary: String,
    /// Field code.
    pub field: String,
    /// Sub-field code.
    pub sub_field: String,
    /// Source.
    pub source: ResultSource,
    /// Owning organisation.
    pub owner_org_name: String,
    /// Center handling it, if any.
    pub center_name: Option<String>,
    /// State.
    pub state: ResultState,
    /// Technology-readiness level (1–9).
    pub trl: i64,
    /// Date submitted.
    pub submitted_on: String,
}

#[derive(FromRow)]
struct Row {
    id: i64,
    title: String,
    summary: String,
    field: String,
    sub_field: String,
    source: String,
    owner_org_name: String,
    center_name: Option<String>,
    state: String,
    trl: i64,
    submitted_on: String,
}

impl TryFrom<Row> for ResultSummary {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            title: r.title,
            summary: r.summary,
            field: r.field,
            sub_field: r.sub_field,
            source: parse_code(&r.source, ResultSource::parse)?,
            owner_org_name: r.owner_org_name,
            center_name: r.center_name,
            state: parse_code(&r.state, ResultState::parse)?,
            trl: r.trl,
            submitted_on: r.submitted_on,
        })
    }
}

/// Which results a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultScope {
    /// All (the bureau).
    All,
    /// Those owned in, or handled by a center in, a region (a county department).
    Region(Region),
    /// Those handled by the centers an organisation hosts (its operator).
    HostOrg(i64),
    /// Those owned by an organisation (its researchers).
    OwnerOrg(i64),
    /// Verified ones, public summary only (investors).
    Verified,
    /// Those an expert is invited to screen.
    Reviewer(i64),
}

/// The bind values of a scope: all, region, host unit, owner unit, verified only, reviewer.
type ScopeBinds = (bool, Option<&'static str>, Option<i64>, Option<i64>, bool, Option<i64>);

impl ResultScope {
    fn binds(self) -> ScopeBinds {
        match self {
            ResultScope::All => (true, None, None, None, false, None),
            ResultScope::Region(r) => (false, Some(r.as_str()), None, None, false, None),
            ResultScope::HostOrg(h) => (false, None, Some(h), None, false, None),
            ResultScope::OwnerOrg(o) => (false, None, None, Some(o), false, None),
            ResultScope::Verified => (false, None, None, None, true, None),
            ResultScope::Reviewer(e) => (false, None, None, None, false, Some(e)),
        }
    }
}

const FROM: &str = "FROM research_results r JOIN organisations o ON o.id = r.owner_org_id \
    LEFT JOIN centers c ON c.id = r.center_id";
const WHERE: &str = "WHERE ($1 = TRUE OR o.region = $2 OR c.region = $2 OR c.host_org_id = $3 \
    OR r.owner_org_id = $4 OR ($5 = TRUE AND r.state IN ('verified', 'handed_off')) \
    OR r.id IN (SELECT v.result_id FROM result_reviews v WHERE v.expert_id = $7)) \
    AND ($6 IS NULL OR r.state = $6)";

/// Columns a list may be sorted by.
pub const SORT_COLUMNS: &[&str] = &["title", "state", "trl", "submitted_on", "field"];

/// Lists results visible in `scope`, optionally in one state.
pub async fn list(
    pool: &AnyPool,
    scope: ResultScope,
    state: Option<ResultState>,
    sort: &str,
    dir: SortDir,
    page: Page,
) -> StoreResult<Paged<ResultSummary>> {
    let column = SORT_COLUMNS.iter().find(|c| **c == sort).copied().unwrap_or("submitted_on");
    let (all, region, host, owner, verified, reviewer) = scope.binds();
    let state = state.map(|s| s.as_str());
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {FROM} {WHERE}"))
        .bind(all)
        .bind(region)
        .bind(host)
        .bind(owner)
        .bind(verified)
        .bind(state)
        .bind(reviewer)
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query_as::<_, Row>(&format!(
        "SELECT r.id, r.title, r.summary, r.field, r.sub_field, r.source, o.name AS owner_org_name, \
         c.name AS center_name, r.state, r.trl, r.submitted_on {FROM} {WHERE} \
         ORDER BY r.{column} {}, r.id LIMIT $8 OFFSET $9",
        dir.sql()
    ))
    .bind(all)
    .bind(region)
    .bind(host)
    .bind(owner)
    .bind(verified)
    .bind(state)
    .bind(reviewer)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    let items = rows.into_iter().map(ResultSummary::try_from).collect::<StoreResult<_>>()?;
    Ok(Paged { items, total, page: page.number, per_page: page.size })
}

/// Counts of results by state in `scope`.
pub async fn count_by_state(pool: &AnyPool, scope: ResultScope) -> StoreResult<Vec<(ResultState, i64)>> {
    let (all, region, host, owner, verified, reviewer) = scope.binds();
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT r.state, COUNT(*) {FROM} {WHERE} GROUP BY r.state"
    ))
    .bind(all)
    .bind(region)
    .bind(host)
    .bind(owner)
    .bind(verified)
    .bind(None::<String>)
    .bind(reviewer)
    .fetch_all(pool)
    .await?;
    let mut counts: Vec<(ResultState, i64)> = ResultState::ALL.iter().map(|s| (*s, 0)).collect();
    for (state, n) in rows {
        let state = parse_code(&state, ResultState::parse)?;
        if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == state) {
            slot.1 = n;
        }
    }
    Ok(counts)
}
