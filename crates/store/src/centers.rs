//! The registry of centers and pilot platforms (概念验证中心与中试平台名录).
//! Issue 3 adds applications and recognition; this is what the registry holds.

use crate::{parse_code, Page, Paged, SortDir, StoreError, StoreResult};
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::region::Region;
use serde::Serialize;
use sqlx::{AnyPool, FromRow};

/// A registered center or pilot platform.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Center {
    /// Id.
    pub id: i64,
    /// Official name.
    pub name: String,
    /// PoC center or pilot platform.
    pub kind: CenterKind,
    /// Host unit (依托单位) id.
    pub host_org_id: i64,
    /// Host unit name.
    pub host_org_name: String,
    /// County-level region.
    pub region: Region,
    /// Level.
    pub level: CenterLevel,
    /// Stage.
    pub stage: CenterStage,
    /// Industry field codes it serves.
    pub fields: Vec<String>,
    /// Administrative director (行政主任).
    pub admin_director: String,
    /// Technical director (技术主任).
    pub tech_director: String,
    /// What it verifies.
    pub summary: String,
    /// Date of recognition (YYYY-MM-DD), if recognized.
    pub recognized_on: Option<String>,
}

#[derive(FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    host_org_id: i64,
    host_org_name: String,
    region: String,
    level: String,
    stage: String,
    fields: String,
    admin_director: String,
    tech_director: String,
    summary: String,
    recognized_on: Option<String>,
}

impl TryFrom<Row> for Center {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            name: r.name,
            kind: parse_code(&r.kind, CenterKind::parse)?,
            host_org_id: r.host_org_id,
            host_org_name: r.host_org_name,
            region: parse_code(&r.region, Region::parse)?,
            level: parse_code(&r.level, CenterLevel::parse)?,
            stage: parse_code(&r.stage, CenterStage::parse)?,
            fields: serde_json::from_str(&r.fields).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            admin_director: r.admin_director,
            tech_director: r.tech_director,
            summary: r.summary,
            recognized_on: r.recognized_on,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.name, c.kind, c.host_org_id, o.name AS host_org_name, c.region, c.level, \
    c.stage, c.fields, c.admin_director, c.tech_director, c.summary, c.recognized_on \
    FROM centers c JOIN organisations o ON o.id = c.host_org_id";

/// Which centers a caller may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CenterScope {
    /// Only recognized ones (the public list).
    Public,
    /// Recognized ones plus every center of a region (a county department).
    PublicAndRegion(Region),
    /// Recognized ones plus the centers hosted by an organisation (its operator).
    PublicAndHost(i64),
    /// All (the bureau).
    All,
}

/// Columns a list may be sorted by.
pub const SORT_COLUMNS: &[&str] = &["name", "level", "stage", "region", "recognized_on"];

/// Lists centers.
pub async fn list(pool: &AnyPool, scope: CenterScope, sort: &str, dir: SortDir, page: Page) -> StoreResult<Paged<Center>> {
    let column = SORT_COLUMNS.iter().find(|c| **c == sort).copied().unwrap_or("name");
    let (region, host, all) = match scope {
        CenterScope::Public => (None, None, false),
        CenterScope::PublicAndRegion(r) => (Some(r.as_str()), None, false),
        CenterScope::PublicAndHost(h) => (None, Some(h), false),
        CenterScope::All => (None, None, true),
    };
    const WHERE: &str = "WHERE ($1 = TRUE OR c.stage IN ('recognized', 'key_cultivation') \
                         OR c.region = $2 OR c.host_org_id = $3)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM centers c {WHERE}"))
        .bind(all)
        .bind(region)
        .bind(host)
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query_as::<_, Row>(&format!(
        "{SELECT} {WHERE} ORDER BY c.{column} {}, c.id LIMIT $4 OFFSET $5",
        dir.sql()
    ))
    .bind(all)
    .bind(region)
    .bind(host)
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    let items = rows.into_iter().map(Center::try_from).collect::<StoreResult<_>>()?;
    Ok(Paged { items, total, page: page.number, per_page: page.size })
}

/// The centers an organisation hosts.
pub async fn hosted_by(pool: &AnyPool, org_id: i64) -> StoreResult<Vec<Center>> {
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE c.host_org_id = $1 ORDER BY c.name"))
        .bind(org_id)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(Center::try_from).collect()
}

/// Every center (for statistics; a city has ~50, a province ~500).
pub async fn all(pool: &AnyPool) -> StoreResult<Vec<Center>> {
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} ORDER BY c.name")).fetch_all(pool).await?;
    rows.into_iter().map(Center::try_from).collect()
}
