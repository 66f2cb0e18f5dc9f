//! Requests to use a shared resource (资源使用申请) and their answers.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant};
use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OfferId, OrgId, ResourceRequestId, UserId};
use pocnet_domain::sharing::{OfferKind, RequestDraft, RequestPurpose, RequestState};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A stored request, with the offer's name and kind, the center's and the requesting unit's names.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct ResourceRequest {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: ResourceRequestId,
    /// The offer asked for.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub offer_id: OfferId,
    /// Its name.
    pub offer_name: String,
    /// Its kind.
    #[sqlx(try_from = "Code<OfferKind>")]
    pub offer_kind: OfferKind,
    /// The offering center.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Its host unit (whose operators answer).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub host_org_id: OrgId,
    /// The requesting unit.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub requester_org_id: OrgId,
    /// Its name.
    pub requester_name: String,
    /// What is wanted.
    #[sqlx(try_from = "Code<RequestPurpose>")]
    pub purpose: RequestPurpose,
    /// 需求说明.
    pub description: String,
    /// 期望开始日期.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub wanted_from: NaiveDate,
    /// 期望结束日期.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub wanted_to: NaiveDate,
    /// Where it stands.
    #[sqlx(try_from = "Code<RequestState>")]
    pub state: RequestState,
    /// The reason code of a decline or cancellation ('' when none).
    pub reason: String,
    /// The last answer's note.
    pub note: String,
    /// Optimistic-lock version; send it back when changing it.
    pub version: i64,
    /// Sent at (UTC).
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

impl ListRow for ResourceRequest {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

const SELECT: &str = "SELECT q.id, q.offer_id, o.name AS offer_name, o.kind AS offer_kind, q.center_id, c.name AS center_name, c.host_org_id, \
    q.requester_org_id, (SELECT g.name FROM organisations g WHERE g.id = q.requester_org_id) AS requester_name, q.purpose, q.description, \
    q.wanted_from, q.wanted_to, q.state, q.reason, q.note, q.version, q.created_at, q.updated_at \
    FROM resource_requests q CROSS JOIN service_offers o CROSS JOIN centers c";
/// The requests first, then each one's offer and center (`CROSS JOIN` keeps that order in SQLite;
/// see `offers`). Every condition starts with [`JOINED`].
const BASE: &str = "FROM resource_requests q CROSS JOIN service_offers o CROSS JOIN centers c";
const JOINED: &str = "o.id = q.offer_id AND c.id = q.center_id";

/// Which requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only those sent by this unit.
    pub requester: Option<OrgId>,
    /// Only those made to one of these centers (an operator's centers; empty = no such condition).
    pub centers: Vec<CenterId>,
    /// Either side: sent by `requester` or made to one of `centers` (an operator reads both).
    pub either_side: bool,
    /// Only this state.
    pub state: Option<RequestState>,
    /// Only requests for this offer.
    pub offer_id: Option<OfferId>,
}

impl RequestFilter {
    fn condition(&self) -> Where {
        let mut w = Where::default();
        w.and_raw(JOINED);
        let centers = self.centers.iter().map(|c| c.get().to_string()).collect::<Vec<_>>().join(",");
        match (self.requester, self.centers.is_empty(), self.either_side) {
            (Some(o), false, true) => {
                w.and(&format!("(q.requester_org_id = ? OR q.center_id IN ({centers}))"), Arg::Int(o.get()));
            }
            (r, empty, _) => {
                if let Some(o) = r {
                    w.and("q.requester_org_id = ?", Arg::Int(o.get()));
                }
                if !empty {
                    w.and_raw(&format!("q.center_id IN ({centers})"));
                }
            }
        }
        if let Some(s) = self.state {
            w.and("q.state = ?", Arg::Text(s.as_str().into()));
        }
        if let Some(o) = self.offer_id {
            w.and("q.offer_id = ?", Arg::Int(o.get()));
        }
        w
    }
}

fn order(dir: SortDir) -> Order {
    Order { table: "resource_requests", alias: "q", column: "updated_at", int: false, dir }
}

/// A page of requests, latest change first by default.
pub async fn list(pool: &AnyPool, filter: &RequestFilter, dir: SortDir, page: Page) -> StoreResult<Paged<ResourceRequest>> {
    let w = filter.condition();
    let total = if page.exact_total { Total::Exact(listing::count(pool, BASE, &w).await?) } else { Total::Unknown };
    listing::page_of(pool, SELECT, BASE, &w, order(dir), page, total).await
}

/// The statements [`list`] runs (the planner test).
pub fn list_statements(filter: &RequestFilter, dir: SortDir) -> Vec<String> {
    listing::statements(SELECT, BASE, &filter.condition(), order(dir), false)
}

/// One request.
pub async fn get<'e, E>(executor: E, id: ResourceRequestId) -> StoreResult<ResourceRequest>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND q.id = $1")).bind(id.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// Records a request of `requester` for the offer `offer` of `center`. A second open
/// request of the same unit for the same offer — even one sent at the same moment —
/// fails on the database's unique index as [`StoreError::Duplicate`].
#[allow(clippy::too_many_arguments)]
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    offer: OfferId,
    center: CenterId,
    requester: OrgId,
    by: Option<UserId>,
    d: &RequestDraft,
) -> StoreResult<ResourceRequestId> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO resource_requests (offer_id, center_id, requester_org_id, requested_by, purpose, description, wanted_from, wanted_to, state, reason, note, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', '', $10, $10) RETURNING id",
    )
    .bind(offer.get())
    .bind(center.get())
    .bind(requester.get())
    .bind(by.map(|u| u.get()))
    .bind(d.purpose.as_str())
    .bind(&d.description)
    .bind(d.wanted_from.to_string())
    .bind(d.wanted_to.to_string())
    .bind(RequestState::Requested.as_str())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("offer_id"))?;
    let after = serde_json::json!({"offer_id": offer, "purpose": d.purpose, "wanted_from": d.wanted_from, "wanted_to": d.wanted_to});
    let change = Change { action: "resource_request.send", entity_type: "resource_request", entity_id: id.to_string(), before: None, after: Some(after), reason: None };
    audit::record(conn, actor, now, change).await?;
    Ok(ResourceRequestId::new(id))
}

/// Moves a request to `state` with its reason code and note, if it is still at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn set_state(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: ResourceRequestId,
    version: i64,
    state: RequestState,
    reason: &str,
    note: &str,
) -> StoreResult<()> {
    let n = sqlx::query("UPDATE resource_requests SET state = $1, reason = $2, note = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6")
        .bind(state.as_str())
        .bind(reason)
        .bind(note)
        .bind(format_ts(now))
        .bind(id.get())
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = serde_json::json!({"state": state, "reason": reason});
    let change = Change {
        action: "resource_request.state",
        entity_type: "resource_request",
        entity_id: id.to_string(),
        before: None,
        after: Some(after),
        reason: (!note.is_empty()).then_some(note),
    };
    audit::record(conn, actor, now, change).await
}
