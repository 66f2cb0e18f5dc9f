//! Shared resources offered by centers and pilot platforms (验证能力互补清单,
//! 仪器设备共享, 服务资源目录清单).

use crate::audit::{self, Change};
use crate::centers::CenterScope;
use crate::column::{Code, Instant};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::{CenterId, OfferId, OrgId};
use pocnet_domain::region::Region;
use pocnet_domain::sharing::offer::{qualifications_code, qualifications_of};
use pocnet_domain::sharing::{OfferDraft, OfferKind, OfferState, Qualification};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored offer with its center's name, kind, region and host unit.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Offer {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: OfferId,
    /// The offering center or platform.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// `poc_center` or `pilot_platform`.
    #[sqlx(try_from = "Code<CenterKind>")]
    pub center_kind: CenterKind,
    /// Its region.
    #[sqlx(try_from = "Code<Region>")]
    pub region: Region,
    /// Its host unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub host_org_id: OrgId,
    /// What is offered.
    #[sqlx(try_from = "Code<OfferKind>")]
    pub kind: OfferKind,
    /// 名称.
    pub name: String,
    /// Field code.
    pub field: String,
    /// 能力与用途.
    pub description: String,
    /// 使用条件.
    pub conditions: String,
    /// 收费标准.
    pub fee_terms: String,
    /// Qualifications (CNAS, CMA).
    #[sqlx(try_from = "QualificationCodes")]
    pub qualifications: Vec<Qualification>,
    /// Whether it takes requests.
    #[sqlx(try_from = "Code<OfferState>")]
    pub state: OfferState,
    /// 容量: bookings it hosts on one day (lines, equipment, environments, scenarios).
    pub capacity: i32,
    /// Optimistic-lock version; send it back when changing it.
    pub version: i64,
    /// Published at (UTC).
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

/// Qualification codes as stored (comma-joined).
pub(crate) struct QualificationCodes(Vec<Qualification>);

impl sqlx::Type<sqlx::Any> for QualificationCodes {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }
    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for QualificationCodes {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let s = <String as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
        Ok(QualificationCodes(qualifications_of(&s)))
    }
}

impl From<QualificationCodes> for Vec<Qualification> {
    fn from(q: QualificationCodes) -> Self {
        q.0
    }
}

impl ListRow for Offer {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

impl Offer {
    /// Whether the public lists show it: listed, and its center public.
    pub fn is_listed(&self, center_public: bool) -> bool {
        center_public && self.state.listed()
    }
}

const SELECT: &str = "SELECT o.id, o.center_id, c.name AS center_name, c.kind AS center_kind, c.region, c.host_org_id, o.kind, o.name, o.field, \
    o.description, o.conditions, o.fee_terms, o.qualifications, o.state, o.capacity, o.version, o.created_at, o.updated_at \
    FROM service_offers o CROSS JOIN centers c";
/// The offers first, then each one's center: `CROSS JOIN` keeps that order in SQLite (which would
/// otherwise walk the few centers and sort all their offers for every page); PostgreSQL plans it as
/// any join. Every condition starts with [`JOINED`].
const BASE: &str = "FROM service_offers o CROSS JOIN centers c";
const JOINED: &str = "c.id = o.center_id";
/// A public center's listed offer.
const LISTED: &str = "(c.stage IN ('creating', 'recognized', 'key_cultivation') AND c.status = 'active' AND o.state <> 'withdrawn')";

/// Which offers a list shows.
#[derive(Debug, Clone)]
pub struct OfferFilter {
    /// Whose view: the public lists, or more (a county its region's, an operator its own, the bureau all).
    pub scope: CenterScope,
    /// Only this kind.
    pub kind: Option<OfferKind>,
    /// Only offers of centers of this kind (pilot platforms: 服务资源目录清单).
    pub center_kind: Option<CenterKind>,
    /// Only this field.
    pub field: Option<String>,
    /// Only centers of this region.
    pub region: Option<Region>,
    /// Only this center's.
    pub center_id: Option<CenterId>,
    /// Only offers carrying this qualification.
    pub qualification: Option<Qualification>,
    /// Only this state.
    pub state: Option<OfferState>,
}

impl OfferFilter {
    /// The public lists' filter, narrowed by nothing.
    pub fn public() -> Self {
        Self { scope: CenterScope::Public, kind: None, center_kind: None, field: None, region: None, center_id: None, qualification: None, state: None }
    }

    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        match self.scope {
            CenterScope::All => {}
            CenterScope::Public => {
                w.and_raw(LISTED);
            }
            CenterScope::PublicAndRegion(r) => {
                w.and(&format!("({LISTED} OR c.region = ?)"), Arg::Text(r.as_str().into()));
            }
            CenterScope::PublicAndHost(h) => {
                w.and(&format!("({LISTED} OR c.host_org_id = ?)"), Arg::Int(h.get()));
            }
        }
        if let Some(k) = self.kind {
            w.and("o.kind = ?", Arg::Text(k.as_str().into()));
        }
        if let Some(k) = self.center_kind {
            w.and("c.kind = ?", Arg::Text(k.as_str().into()));
        }
        if let Some(f) = &self.field {
            w.and("o.field = ?", Arg::Text(f.clone()));
        }
        if let Some(r) = self.region {
            w.and("c.region = ?", Arg::Text(r.as_str().into()));
        }
        if let Some(c) = self.center_id {
            w.and("o.center_id = ?", Arg::Int(c.get()));
        }
        if let Some(q) = self.qualification {
            w.and("o.qualifications LIKE ?", Arg::Text(format!("%{}%", q.as_str())));
        }
        if let Some(s) = self.state {
            w.and("o.state = ?", Arg::Text(s.as_str().into()));
        }
        w
    }

    /// Whether the filter narrows the list to one center's few offers, worth counting.
    fn counted(&self) -> bool {
        self.center_id.is_some()
    }
}

fn order(sort: &str, dir: SortDir) -> Order {
    let column = match sort {
        "name" => "name",
        _ => "updated_at",
    };
    Order { table: "service_offers", alias: "o", column, int: false, dir }
}

/// A page of offers.
pub async fn list(pool: &AnyPool, filter: &OfferFilter, sort: &str, dir: SortDir, page: Page) -> StoreResult<Paged<Offer>> {
    let w = filter.condition();
    let total = if page.exact_total || filter.counted() { Total::Exact(listing::count(pool, BASE, &w).await?) } else { Total::Unknown };
    listing::page_of(pool, SELECT, BASE, &w, order(sort, dir), page, total).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &OfferFilter, sort: &str, dir: SortDir) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), order(sort, dir), filter.counted())
}

/// One offer.
pub async fn get<'e, E>(executor: E, id: OfferId) -> StoreResult<Offer>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND o.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Every offer of one center (withdrawn ones too), by name: a pilot platform's calendar and booking
/// forms (one read over `service_offers_center`; a center has a few dozen offers at most).
pub async fn of_center(pool: &AnyPool, center: CenterId) -> StoreResult<Vec<Offer>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND o.center_id = $1 ORDER BY o.name, o.id")).bind(center.get()).fetch_all(pool).await?)
}

/// The offers among `ids` (the search index).
pub async fn many(pool: &AnyPool, ids: &[i64]) -> StoreResult<Vec<Offer>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND o.id IN ({list}) ORDER BY o.id")).fetch_all(pool).await?)
}

/// The ids of every offer after `after`, in order, at most `limit` (a rebuild's batches).
pub async fn ids_after(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM service_offers WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(pool).await?)
}

/// The ids of the offers of the centers among `centers` (a center's change reaches its offers' visibility).
pub async fn ids_of_centers(pool: &AnyPool, centers: &[i64]) -> StoreResult<Vec<i64>> {
    if centers.is_empty() {
        return Ok(Vec::new());
    }
    let list = centers.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Ok(sqlx::query_scalar(&format!("SELECT id FROM service_offers WHERE center_id IN ({list}) ORDER BY id")).fetch_all(pool).await?)
}

fn snapshot(d: &OfferDraft) -> serde_json::Value {
    serde_json::json!({
        "kind": d.kind, "name": d.name, "field": d.field, "conditions": d.conditions, "fee_terms": d.fee_terms,
        "qualifications": qualifications_code(&d.qualifications),
        "capacity": d.capacity,
    })
}

/// Publishes an offer of `center` (open at once).
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, center: CenterId, d: &OfferDraft) -> StoreResult<OfferId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_offers (center_id, kind, name, field, description, conditions, fee_terms, qualifications, state, created_at, updated_at, capacity) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
    )
    .bind(center.get())
    .bind(d.kind.as_str())
    .bind(&d.name)
    .bind(&d.field)
    .bind(&d.description)
    .bind(&d.conditions)
    .bind(&d.fee_terms)
    .bind(qualifications_code(&d.qualifications))
    .bind(OfferState::Open.as_str())
    .bind(&ts)
    .bind(i32::try_from(d.capacity).unwrap_or(1))
    .fetch_one(&mut *conn)
    .await?;
    let change = Change { action: "offer.publish", entity_type: "offer", entity_id: id.to_string(), before: None, after: Some(snapshot(d)), reason: None };
    audit::record(conn, actor, now, change).await?;
    Ok(OfferId::new(id))
}

/// Replaces an offer's content if it is still at `version`.
pub async fn update(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: OfferId, version: i64, d: &OfferDraft) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE service_offers SET kind = $1, name = $2, field = $3, description = $4, conditions = $5, fee_terms = $6, qualifications = $7, \
         version = version + 1, updated_at = $8, capacity = $11 WHERE id = $9 AND version = $10",
    )
    .bind(d.kind.as_str())
    .bind(&d.name)
    .bind(&d.field)
    .bind(&d.description)
    .bind(&d.conditions)
    .bind(&d.fee_terms)
    .bind(qualifications_code(&d.qualifications))
    .bind(format_ts(now))
    .bind(id.get())
    .bind(version)
    .bind(i32::try_from(d.capacity).unwrap_or(1))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let change = Change { action: "offer.update", entity_type: "offer", entity_id: id.to_string(), before: None, after: Some(snapshot(d)), reason: None };
    audit::record(conn, actor, now, change).await
}

/// Moves an offer to `state` if it is still at `version`.
pub async fn set_state(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: OfferId, version: i64, state: OfferState, reason: Option<&str>) -> StoreResult<()> {
    let n = sqlx::query("UPDATE service_offers SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
        .bind(state.as_str())
        .bind(format_ts(now))
        .bind(id.get())
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let change = Change { action: "offer.state", entity_type: "offer", entity_id: id.to_string(), before: None, after: Some(serde_json::json!({"state": state})), reason };
    audit::record(conn, actor, now, change).await
}

/// How many listed offers of public centers there are of each (field, kind of offer), for the
/// 验证能力互补清单's coverage table and the 服务领域 list: one grouped read over the offers'
/// own rows (a province holds some thousands), grouped in the database.
pub async fn coverage(pool: &AnyPool) -> StoreResult<Vec<(String, String, Region, i64)>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT o.field, o.kind, c.region, CAST(COUNT(*) AS BIGINT) {BASE} WHERE {JOINED} AND {LISTED} GROUP BY o.field, o.kind, c.region ORDER BY o.field, o.kind, c.region"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(f, k, r, n)| Ok((f, k, Region::parse(&r).map_err(|_| StoreError::Corrupt(format!("region “{r}”")))?, n)))
        .collect()
}
