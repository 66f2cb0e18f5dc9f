//! Research results in the project library (科技成果/项目库). Issue 5 adds
//! intake, screening and verification; lists here never carry trade secrets.

use crate::column::Text;
use crate::sql_where::{contains, Arg, Where};
use crate::{parse_code, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::NaiveDate;
use pocnet_domain::id::{CenterId, ExpertId, OrgId, ResultId};
use pocnet_domain::region::Region;
use pocnet_domain::research_result::{ResultSource, ResultState};
use serde::Serialize;
use sqlx::{AnyPool, FromRow};

/// The public face of a research result (no trade-secret fields).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultSummary {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ResultId,
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
    #[schema(value_type = String)]
    pub submitted_on: NaiveDate,
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
    #[sqlx(try_from = "Text")]
    submitted_on: NaiveDate,
}

impl TryFrom<Row> for ResultSummary {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: ResultId::new(r.id),
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
    HostOrg(OrgId),
    /// Those owned by an organisation (its researchers).
    OwnerOrg(OrgId),
    /// Verified ones, public summary only (investors).
    Verified,
    /// Those an expert is invited to screen.
    Reviewer(ExpertId),
}

impl ResultScope {
    /// The scope's condition, added to `w`.
    fn restrict(self, w: &mut Where) {
        match self {
            ResultScope::All => {}
            ResultScope::Region(r) => {
                w.and("(o.region = ? OR c.region = ?)", Arg::Text(r.as_str().into()));
            }
            ResultScope::HostOrg(h) => {
                w.and("c.host_org_id = ?", Arg::Int(h.get()));
            }
            ResultScope::OwnerOrg(o) => {
                w.and("r.owner_org_id = ?", Arg::Int(o.get()));
            }
            ResultScope::Verified => {
                w.and_raw("r.state IN ('verified', 'handed_off')");
            }
            ResultScope::Reviewer(e) => {
                w.and("r.id IN (SELECT s.subject_id FROM panel_seats s WHERE s.expert_id = ? AND s.subject_kind = 'result')", Arg::Int(e.get()));
            }
        }
    }
}

/// What a caller narrows a result list to (each filter optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultFilter {
    /// Only this state.
    pub state: Option<ResultState>,
    /// Title, summary or owning unit contains this text.
    pub q: Option<String>,
    /// Only this field code.
    pub field: Option<String>,
    /// Only the library of this center.
    pub center_id: Option<CenterId>,
    /// Owned in, or handled by a center in, this region.
    pub region: Option<Region>,
    /// Technology readiness at least.
    pub trl_min: Option<i64>,
    /// Technology readiness at most.
    pub trl_max: Option<i64>,
}

impl ResultFilter {
    /// Only one state.
    pub fn in_state(state: Option<ResultState>) -> Self {
        Self { state, ..Self::default() }
    }

    fn restrict(&self, w: &mut Where) {
        if let Some(s) = self.state {
            w.and("r.state = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            w.and("(r.title LIKE ? ESCAPE '\\' OR r.summary LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\')", Arg::Text(contains(q)));
        }
        if let Some(f) = &self.field {
            w.and("r.field = ?", Arg::Text(f.clone()));
        }
        if let Some(c) = self.center_id {
            w.and("r.center_id = ?", Arg::Int(c.get()));
        }
        if let Some(r) = self.region {
            w.and("(o.region = ? OR c.region = ?)", Arg::Text(r.as_str().into()));
        }
        if let Some(t) = self.trl_min {
            w.and("r.trl >= ?", Arg::Int(t));
        }
        if let Some(t) = self.trl_max {
            w.and("r.trl <= ?", Arg::Int(t));
        }
    }
}

const FROM: &str = "FROM research_results r JOIN organisations o ON o.id = r.owner_org_id \
    LEFT JOIN centers c ON c.id = r.center_id";

/// Columns a list may be sorted by.
pub const SORT_COLUMNS: &[&str] = &["title", "state", "trl", "submitted_on", "field"];

/// Lists results visible in `scope` that pass `filter`.
pub async fn list(
    pool: &AnyPool,
    scope: ResultScope,
    filter: &ResultFilter,
    sort: &str,
    dir: SortDir,
    page: Page,
) -> StoreResult<Paged<ResultSummary>> {
    let column = SORT_COLUMNS.iter().find(|c| **c == sort).copied().unwrap_or("submitted_on");
    let mut w = Where::default();
    scope.restrict(&mut w);
    filter.restrict(&mut w);
    let total: i64 = w.bind_scalar(sqlx::query_scalar(&format!("SELECT COUNT(*) {FROM} {}", w.sql()))).fetch_one(pool).await?;
    let n = w.next();
    let sql = format!(
        "SELECT r.id, r.title, r.summary, r.field, r.sub_field, r.source, o.name AS owner_org_name, \
         c.name AS center_name, r.state, r.trl, r.submitted_on {FROM} {} \
         ORDER BY r.{column} {}, r.id LIMIT ${n} OFFSET ${}",
        w.sql(),
        dir.sql(),
        n + 1
    );
    let rows = w.bind_as(sqlx::query_as::<_, Row>(&sql)).bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
    let items = rows.into_iter().map(ResultSummary::try_from).collect::<StoreResult<_>>()?;
    Ok(Paged { items, total, page: page.number, per_page: page.size })
}

/// Counts of results by state in `scope`.
pub async fn count_by_state(pool: &AnyPool, scope: ResultScope) -> StoreResult<Vec<(ResultState, i64)>> {
    let mut w = Where::default();
    scope.restrict(&mut w);
    let rows: Vec<(String, i64)> =
        w.bind_as(sqlx::query_as(&format!("SELECT r.state, COUNT(*) {FROM} {} GROUP BY r.state", w.sql()))).fetch_all(pool).await?;
    let mut counts: Vec<(ResultState, i64)> = ResultState::ALL.iter().map(|s| (*s, 0)).collect();
    for (state, n) in rows {
        let state = parse_code(&state, ResultState::parse)?;
        if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == state) {
            slot.1 = n;
        }
    }
    Ok(counts)
}
