//! Research results in the project library (科技成果/项目库). Issue 5 adds
//! intake, screening and verification; lists here never carry trade secrets.

use crate::column::Day;
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{contains, Arg, Where};
use crate::{parse_code, tallies, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::NaiveDate;
use pocnet_domain::id::{CenterId, ExpertId, OrgId, ResultId, UserId};
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
    #[sqlx(try_from = "Day")]
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
    /// Those a project manager carries now (项目经理人).
    Managed(UserId),
}

impl ResultScope {
    /// Whether the scope holds few enough results to count them on every page
    /// (one organisation's, one host's centers', one expert's tasks).
    fn is_narrow(self) -> bool {
        match self {
            ResultScope::HostOrg(_) | ResultScope::OwnerOrg(_) | ResultScope::Reviewer(_) | ResultScope::Managed(_) => true,
            ResultScope::All | ResultScope::Region(_) | ResultScope::Verified => false,
        }
    }

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
                // `|| ''`: read in the list's order and keep the verified rows (over a quarter of
                // the library), not every verified row sorted — SQLite would use the state index.
                w.and_raw("r.state || '' IN ('verified', 'handed_off')");
            }
            ResultScope::Reviewer(e) => {
                w.and("r.id IN (SELECT s.subject_id FROM panel_seats s WHERE s.expert_id = ? AND s.subject_kind = 'result')", Arg::Int(e.get()));
            }
            ResultScope::Managed(m) => {
                w.and("r.id IN (SELECT m.result_id FROM manager_assignments m WHERE m.manager_id = ? AND m.state = 'active')", Arg::Int(m.get()));
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
    /// Only those on this year's 转化培育清单.
    pub cultivation_year: Option<i64>,
    /// Only those handled by a recognized, active center (the 市科创基金 priority, 000 二(十一)).
    pub fund_priority: bool,
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
        if let Some(y) = self.cultivation_year {
            w.and("r.id IN (SELECT ce.result_id FROM cultivation_entries ce WHERE ce.year = ?)", Arg::Int(y));
        }
        if self.fund_priority {
            // `+`: the list is read in its order and each row's center looked up in the (small)
            // set of recognized centers; SQLite would otherwise drive it from the centers and
            // sort every verified result of theirs (4 s a page at 10^5 results).
            w.and_raw("+r.center_id IN (SELECT x.id FROM centers x WHERE x.stage IN ('recognized', 'key_cultivation') AND x.status = 'active')");
        }
    }
}

// `+r.owner_org_id`: SQLite must not drive the list from organisations (its
// planner would, for some filters, and then sort every row); harmless on PostgreSQL.
const FROM: &str = "FROM research_results r JOIN organisations o ON o.id = +r.owner_org_id \
    LEFT JOIN centers c ON c.id = r.center_id";

/// The base table and the joins a list's conditions may need (see `listing::from_for`).
const BASE: &str = "FROM research_results r";
const JOINS: [(&str, &str); 2] = [("o", "JOIN organisations o ON o.id = +r.owner_org_id"), ("c", "LEFT JOIN centers c ON c.id = r.center_id")];

const SELECT: &str = "SELECT r.id, r.title, r.summary, r.field, r.sub_field, r.source, o.name AS owner_org_name, \
    c.name AS center_name, r.state, r.trl, r.submitted_on";

impl ListRow for Row {
    fn list_id(&self) -> i64 {
        self.id
    }
}

/// Columns a list may be sorted by.
pub const SORT_COLUMNS: &[&str] = &["title", "state", "trl", "submitted_on", "field"];

/// Lists results visible in `scope` that pass `filter`, one page at any depth
/// for the cost of the first (an index per sort order, keyset pages). The total
/// is exact where a tally or a narrow scope gives it cheaply, and otherwise the
/// rows known so far (`Page::counting_exactly` asks for a full count).
pub async fn list(
    pool: &AnyPool,
    scope: ResultScope,
    filter: &ResultFilter,
    sort: &str,
    dir: SortDir,
    page: Page,
) -> StoreResult<Paged<ResultSummary>> {
    let (w, order) = query(scope, filter, sort, dir);
    let from = listing::from_for(BASE, &JOINS, &w);
    // A year's list is about a hundred: counted over its index.
    let total = if page.exact_total || scope.is_narrow() || filter.cultivation_year.is_some() {
        Total::Exact(listing::count(pool, &from, &w).await?)
    } else if let Some((name, keys)) = tally_of(scope, filter) {
        Total::Exact(tallies::sum(pool, name, &keys).await?)
    } else {
        Total::Unknown
    };
    let rows: Paged<Row> = listing::page_of(pool, &format!("{SELECT} {FROM}"), &from, &w, order, page, total).await?;
    rows.try_map(ResultSummary::try_from)
}

/// The conditions and order of a list.
fn query(scope: ResultScope, filter: &ResultFilter, sort: &str, dir: SortDir) -> (Where, Order) {
    let column = SORT_COLUMNS.iter().find(|c| **c == sort).copied().unwrap_or("submitted_on");
    let mut w = Where::default();
    scope.restrict(&mut w);
    filter.restrict(&mut w);
    (w, Order { table: "research_results", alias: "r", column, int: column == "trl", dir })
}

/// The statements [`list`] runs for this scope, filter and order (for the planner tests).
pub fn list_statements(scope: ResultScope, filter: &ResultFilter, sort: &str, dir: SortDir) -> Vec<String> {
    let (w, order) = query(scope, filter, sort, dir);
    listing::statements(&format!("{SELECT} {FROM}"), &listing::from_for(BASE, &JOINS, &w), &w, order, scope.is_narrow())
}

/// The tally (and its keys) that counts `scope` under `filter`, when one does.
fn tally_of(scope: ResultScope, filter: &ResultFilter) -> Option<(&'static str, Vec<String>)> {
    let ResultFilter { state, q, field, center_id, region, trl_min, trl_max, cultivation_year, fund_priority } = filter;
    if q.as_deref().is_some_and(|q| !q.trim().is_empty()) || center_id.is_some() || trl_min.is_some() || trl_max.is_some() || cultivation_year.is_some() || *fund_priority {
        return None;
    }
    let states: Vec<ResultState> = match scope {
        ResultScope::Verified => ResultState::ALL.iter().copied().filter(|s| s.verified_for_investors()).filter(|s| state.is_none_or(|t| t == *s)).collect(),
        _ => ResultState::ALL.iter().copied().filter(|s| state.is_none_or(|t| t == *s)).collect(),
    };
    let region = match (scope, region) {
        (ResultScope::Region(a), Some(b)) if a != *b => return Some((tallies::RESULTS_BY_STATE, Vec::new())),
        (ResultScope::Region(a), _) => Some(a),
        (ResultScope::All | ResultScope::Verified, r) => *r,
        _ => return None,
    };
    match (region, field) {
        (Some(_), Some(_)) => None,
        (Some(r), None) => Some((tallies::RESULTS_BY_REGION_STATE, states.iter().map(|s| format!("{}|{}", r.as_str(), s.as_str())).collect())),
        (None, Some(f)) => Some((tallies::RESULTS_BY_FIELD_STATE, states.iter().map(|s| format!("{f}|{}", s.as_str())).collect())),
        (None, None) => Some((tallies::RESULTS_BY_STATE, states.iter().map(|s| s.as_str().to_owned()).collect())),
    }
}

/// Counts of results by state in `scope`: from the tallies for the bureau, a
/// region and investors, counted over the scope's index for the narrow ones.
pub async fn count_by_state(pool: &AnyPool, scope: ResultScope) -> StoreResult<Vec<(ResultState, i64)>> {
    let rows: Vec<(String, i64)> = match scope {
        ResultScope::All | ResultScope::Verified => tallies::read(pool, tallies::RESULTS_BY_STATE).await?,
        ResultScope::Region(r) => {
            let prefix = format!("{}|", r.as_str());
            tallies::read(pool, tallies::RESULTS_BY_REGION_STATE)
                .await?
                .into_iter()
                .filter_map(|(k, n)| k.strip_prefix(&prefix).map(|s| (s.to_owned(), n)))
                .collect()
        }
        ResultScope::HostOrg(_) | ResultScope::OwnerOrg(_) | ResultScope::Reviewer(_) | ResultScope::Managed(_) => {
            let mut w = Where::default();
            scope.restrict(&mut w);
            w.bind_as(sqlx::query_as(&format!("SELECT r.state, COUNT(*) {FROM} {} GROUP BY r.state", w.sql()))).fetch_all(pool).await?
        }
    };
    let mut counts: Vec<(ResultState, i64)> = ResultState::ALL.iter().map(|s| (*s, 0)).collect();
    for (state, n) in rows {
        let state = parse_code(&state, ResultState::parse)?;
        if scope == ResultScope::Verified && !state.verified_for_investors() {
            continue;
        }
        if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == state) {
            slot.1 = n;
        }
    }
    Ok(counts)
}

/// Results investors see (verified, or handed off after it), per field code, from the tallies.
pub async fn verified_by_field(pool: &AnyPool) -> StoreResult<Vec<(String, i64)>> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for (key, n) in tallies::read(pool, tallies::RESULTS_BY_FIELD_STATE).await? {
        let Some((field, state)) = key.rsplit_once('|') else { continue };
        if parse_code(state, ResultState::parse)?.verified_for_investors() {
            match out.iter_mut().find(|(f, _)| f == field) {
                Some(slot) => slot.1 += n,
                None => out.push((field.to_owned(), n)),
            }
        }
    }
    Ok(out)
}
