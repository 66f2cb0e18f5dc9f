//! The registry of centers and pilot platforms (概念验证中心与中试平台名录):
//! what each is, who hosts it, its level, stage and status. Its team,
//! equipment, funds and evidence live in [`crate::registry`]; applications in
//! [`crate::applications`]; status changes in [`crate::supervision`].

use crate::audit::{self, Change};
use crate::column::MaybeDay;
use crate::listing;
use crate::sql_where::{contains, Arg, Where};
use crate::{format_ts, parse_code, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::id::{CenterId, OrgId};
use pocnet_domain::region::Region;
use pocnet_domain::supervision::CenterStatus;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A registered center or pilot platform.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Center {
    /// Id.
    #[schema(value_type = i64)]
    pub id: CenterId,
    /// Official name (or the proposed one before recognition).
    pub name: String,
    /// PoC center or pilot platform.
    pub kind: CenterKind,
    /// Host unit (依托单位) id.
    #[schema(value_type = i64)]
    pub host_org_id: OrgId,
    /// Host unit name.
    pub host_org_name: String,
    /// County-level region.
    pub region: Region,
    /// Level.
    pub level: CenterLevel,
    /// Stage.
    pub stage: CenterStage,
    /// Whether it still holds its title.
    pub status: CenterStatus,
    /// Industry field codes it serves.
    pub fields: Vec<String>,
    /// Administrative director (行政主任).
    pub admin_director: String,
    /// Technical director (技术主任).
    pub tech_director: String,
    /// What it verifies.
    pub summary: String,
    /// Date of recognition (YYYY-MM-DD), if recognized.
    #[schema(value_type = Option<String>)]
    pub recognized_on: Option<NaiveDate>,
    /// Floor area in m², if declared.
    pub floor_area_m2: Option<i64>,
    /// The policy profile it was recognized under.
    pub profile_id: Option<String>,
    /// Certificate number, once recognized.
    pub certificate_no: Option<String>,
    /// Pilot platforms: when the next re-evaluation is due.
    #[schema(value_type = Option<String>)]
    pub reevaluation_due: Option<NaiveDate>,
    /// The day from which its status holds (e.g. a revocation after a major
    /// change: the first day of the change's year, 000 指引 五).
    #[schema(value_type = Option<String>)]
    pub status_from: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
}

impl Center {
    /// Whether the public sees it: on the published creation list or
    /// recognized (003 五(一)5 发布创建名单), and active.
    pub fn is_public(&self) -> bool {
        self.stage.is_public() && self.status == CenterStatus::Active
    }

    /// Whether it counts as recognized in every figure (home page, dashboard,
    /// center page): see [`pocnet_domain::center::counts_as_recognized`].
    pub fn counts_as_recognized(&self) -> bool {
        pocnet_domain::center::counts_as_recognized(self.stage, self.recognized_on.map(|d| d.to_string()).as_deref(), self.status == CenterStatus::Active)
    }

    /// Whether its re-evaluation (复评) is overdue on `today`, an active center only.
    pub fn reevaluation_overdue(&self, today: NaiveDate) -> bool {
        self.status == CenterStatus::Active && self.reevaluation_due.is_some_and(|d| d < today)
    }
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
    status: String,
    fields: String,
    admin_director: String,
    tech_director: String,
    summary: String,
    #[sqlx(try_from = "MaybeDay")]
    recognized_on: Option<NaiveDate>,
    floor_area_m2: Option<i64>,
    profile_id: Option<String>,
    certificate_no: Option<String>,
    #[sqlx(try_from = "MaybeDay")]
    reevaluation_due: Option<NaiveDate>,
    #[sqlx(try_from = "MaybeDay")]
    status_from: Option<NaiveDate>,
    version: i64,
}

impl TryFrom<Row> for Center {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Self {
            id: CenterId::new(r.id),
            name: r.name,
            kind: parse_code(&r.kind, CenterKind::parse)?,
            host_org_id: OrgId::new(r.host_org_id),
            host_org_name: r.host_org_name,
            region: parse_code(&r.region, Region::parse)?,
            level: parse_code(&r.level, CenterLevel::parse)?,
            stage: parse_code(&r.stage, CenterStage::parse)?,
            status: parse_code(&r.status, CenterStatus::parse)?,
            fields: serde_json::from_str(&r.fields).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            admin_director: r.admin_director,
            tech_director: r.tech_director,
            summary: r.summary,
            recognized_on: r.recognized_on,
            floor_area_m2: r.floor_area_m2,
            profile_id: r.profile_id,
            certificate_no: r.certificate_no,
            reevaluation_due: r.reevaluation_due,
            status_from: r.status_from,
            version: r.version,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.name, c.kind, c.host_org_id, o.name AS host_org_name, c.region, c.level, \
    c.stage, c.status, c.fields, c.admin_director, c.tech_director, c.summary, c.recognized_on, c.floor_area_m2, \
    c.profile_id, c.certificate_no, c.reevaluation_due, c.status_from, c.version \
    FROM centers c JOIN organisations o ON o.id = c.host_org_id";

/// Which centers a caller may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CenterScope {
    /// Only active ones on the creation list or recognized (the public list).
    Public,
    /// Public ones plus every center of a region (a county department).
    PublicAndRegion(Region),
    /// Public ones plus the centers hosted by an organisation (its operator).
    PublicAndHost(OrgId),
    /// All (the bureau).
    All,
}

impl CenterScope {
    /// Whether a center is inside this scope.
    pub fn admits(self, c: &Center) -> bool {
        match self {
            CenterScope::All => true,
            CenterScope::Public => c.is_public(),
            CenterScope::PublicAndRegion(r) => c.is_public() || c.region == r,
            CenterScope::PublicAndHost(h) => c.is_public() || c.host_org_id == h,
        }
    }
}

/// Columns a list may be sorted by.
pub const SORT_COLUMNS: &[&str] = &["name", "level", "stage", "region", "recognized_on", "status", "reevaluation_due"];

/// Lists centers.
pub async fn list(pool: &AnyPool, scope: CenterScope, filter: &CenterFilter, sort: &str, dir: SortDir, page: Page) -> StoreResult<Paged<Center>> {
    let column = SORT_COLUMNS.iter().find(|c| **c == sort).copied().unwrap_or("name");
    let mut w = Where::default();
    // The creation list is public with the recognized centers (003 五(一)5 发布创建名单).
    const PUBLIC: &str = "(c.stage IN ('creating', 'recognized', 'key_cultivation') AND c.status = 'active')";
    match scope {
        CenterScope::Public => {
            w.and_raw(PUBLIC);
        }
        CenterScope::PublicAndRegion(r) => {
            w.and(&format!("({PUBLIC} OR c.region = ?)"), Arg::Text(r.as_str().into()));
        }
        CenterScope::PublicAndHost(h) => {
            w.and(&format!("({PUBLIC} OR c.host_org_id = ?)"), Arg::Int(h.get()));
        }
        CenterScope::All => {}
    }
    filter.restrict(&mut w);
    // Counted over the centers alone unless a condition names the host unit (a keyword): the join
    // cost PostgreSQL a pass over every organisation per page (20 ms at 5,000 centers, 1 ms without).
    let from = listing::from_for("FROM centers c", &[("o", "JOIN organisations o ON o.id = c.host_org_id")], &w);
    let total = listing::count(pool, &from, &w).await?;
    let n = w.next();
    let sql = format!("{SELECT} {} ORDER BY c.{column} {}, c.id LIMIT ${n} OFFSET ${}", w.sql(), dir.sql(), n + 1);
    let rows = w.bind_as(sqlx::query_as::<_, Row>(&sql)).bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
    let items = rows.into_iter().map(Center::try_from).collect::<StoreResult<_>>()?;
    Ok(Paged::exact(items, total, page))
}

/// What a caller narrows the registry to (each filter optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CenterFilter {
    /// Name or host unit contains this text.
    pub q: Option<String>,
    /// Serves this field code.
    pub field: Option<String>,
    /// In this region.
    pub region: Option<Region>,
    /// At this level.
    pub level: Option<CenterLevel>,
    /// In this stage.
    pub stage: Option<CenterStage>,
    /// Of this kind (PoC center or pilot platform).
    pub kind: Option<CenterKind>,
}

impl CenterFilter {
    fn restrict(&self, w: &mut Where) {
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            w.and("(c.name LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\')", Arg::Text(contains(q)));
        }
        if let Some(f) = &self.field {
            // Fields are a JSON array of codes: match the quoted code.
            w.and("c.fields LIKE ? ESCAPE '\\'", Arg::Text(contains(&format!("\"{f}\""))));
        }
        if let Some(r) = self.region {
            w.and("c.region = ?", Arg::Text(r.as_str().into()));
        }
        if let Some(l) = self.level {
            w.and("c.level = ?", Arg::Text(l.as_str().into()));
        }
        if let Some(s) = self.stage {
            w.and("c.stage = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(k) = self.kind {
            w.and("c.kind = ?", Arg::Text(k.as_str().into()));
        }
    }
}

/// Reads one center.
pub async fn get<'e, E>(executor: E, id: CenterId) -> StoreResult<Center>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// The centers an organisation hosts.
pub async fn hosted_by(pool: &AnyPool, org_id: OrgId) -> StoreResult<Vec<Center>> {
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE c.host_org_id = $1 ORDER BY c.name"))
        .bind(org_id.get())
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(Center::try_from).collect()
}

/// Every center (for statistics; a city has ~50, a province ~500).
pub async fn all(pool: &AnyPool) -> StoreResult<Vec<Center>> {
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} ORDER BY c.name")).fetch_all(pool).await?;
    rows.into_iter().map(Center::try_from).collect()
}

/// The centers of one county-level region, by name (a county's dashboard).
pub async fn in_region(pool: &AnyPool, region: Region) -> StoreResult<Vec<Center>> {
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} WHERE c.region = $1 ORDER BY c.name")).bind(region.as_str()).fetch_all(pool).await?;
    rows.into_iter().map(Center::try_from).collect()
}

/// What a host unit registers (登记) or edits about its center.
#[derive(Debug, Clone)]
pub struct CenterDraft {
    /// Name (proposed until recognition).
    pub name: String,
    /// PoC center or pilot platform.
    pub kind: CenterKind,
    /// Industry field codes.
    pub fields: Vec<String>,
    /// Administrative director.
    pub admin_director: String,
    /// Technical director.
    pub tech_director: String,
    /// What it verifies.
    pub summary: String,
    /// Floor area, m².
    pub floor_area_m2: Option<i64>,
}

pub(crate) fn snapshot(c: &Center) -> serde_json::Value {
    serde_json::json!({
        "name": c.name, "kind": c.kind, "host_org_id": c.host_org_id, "level": c.level, "stage": c.stage,
        "status": c.status, "fields": c.fields, "admin_director": c.admin_director, "tech_director": c.tech_director,
        "floor_area_m2": c.floor_area_m2, "recognized_on": c.recognized_on, "certificate_no": c.certificate_no,
        "version": c.version,
    })
}

/// Registers a new center of `host_org_id` (stage 申报中, municipal level).
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    host_org_id: OrgId,
    draft: &CenterDraft,
) -> StoreResult<Center> {
    let ts = format_ts(now);
    let region: String = sqlx::query_scalar("SELECT region FROM organisations WHERE id = $1")
        .bind(host_org_id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO centers (name, kind, host_org_id, region, level, stage, status, fields, admin_director, \
         tech_director, summary, floor_area_m2, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'municipal', 'applying', 'active', $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(&draft.name)
    .bind(draft.kind.as_str())
    .bind(host_org_id.get())
    .bind(region)
    .bind(serde_json::to_string(&draft.fields).unwrap_or_else(|_| "[]".into()))
    .bind(&draft.admin_director)
    .bind(&draft.tech_director)
    .bind(&draft.summary)
    .bind(draft.floor_area_m2)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("name"))?;
    let c = get(&mut *conn, CenterId::new(id)).await?;
    audit::record(
        conn,
        actor,
        now,
        Change { action: "center.create", entity_type: "center", entity_id: id.to_string(), before: None, after: Some(snapshot(&c)), reason: None },
    )
    .await?;
    Ok(c)
}

/// Edits a center's own details if nobody changed it since `expected_version`.
/// The name of a recognized center is official and stays.
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: CenterId,
    expected_version: i64,
    draft: &CenterDraft,
) -> StoreResult<Center> {
    let before = get(&mut *conn, id).await?;
    let name = if before.certificate_no.is_some() { before.name.clone() } else { draft.name.clone() };
    let done = sqlx::query(
        "UPDATE centers SET name = $1, fields = $2, admin_director = $3, tech_director = $4, summary = $5, \
         floor_area_m2 = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
    )
    .bind(&name)
    .bind(serde_json::to_string(&draft.fields).unwrap_or_else(|_| "[]".into()))
    .bind(&draft.admin_director)
    .bind(&draft.tech_director)
    .bind(&draft.summary)
    .bind(draft.floor_area_m2)
    .bind(format_ts(now))
    .bind(id.get())
    .bind(expected_version)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::on_unique("name"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: expected_version });
    }
    let after = get(&mut *conn, id).await?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "center.update",
            entity_type: "center",
            entity_id: id.to_string(),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
            reason: None,
        },
    )
    .await?;
    Ok(after)
}

/// Bumps the version of a center (an edit of its team, equipment, funds or
/// documents counts as an edit of the center, so concurrent edits conflict).
pub async fn touch(conn: &mut AnyConnection, id: CenterId, expected_version: Option<i64>, now: DateTime<Utc>) -> StoreResult<()> {
    let done = sqlx::query("UPDATE centers SET version = version + 1, updated_at = $1 WHERE id = $2 AND ($3 IS NULL OR version = $3)")
        .bind(format_ts(now))
        .bind(id.get())
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(match expected_version {
            Some(v) => StoreError::VersionConflict { expected: v },
            None => StoreError::NotFound,
        });
    }
    Ok(())
}
