//! The append-only audit trail (审计日志): who, when, what entity, what changed.
//!
//! Every mutation in this crate calls [`record`] inside its own transaction, so
//! a change and its record commit together or not at all.

use crate::listing::{self, ListRow, Order, Total};
use crate::sql_where::{Arg, Where};
use crate::{format_ts, Actor, Page, Paged, SortDir, StoreResult};
use chrono::{DateTime, Utc};
use crate::column::{NullableId, Instant};
use pocnet_domain::id::{AuditEventId, UserId};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// One recorded change.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct AuditEvent {
    /// Sequence number (increasing).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: AuditEventId,
    /// When (UTC, RFC 3339).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub at: DateTime<Utc>,
    /// The acting user's id, if a user acted.
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<UserId>,
    /// Who acted (username or `system:…`).
    pub actor_label: String,
    /// What was done, e.g. `organisation.update`.
    pub action: String,
    /// Entity type, e.g. `organisation`.
    pub entity_type: String,
    /// Entity id.
    pub entity_id: String,
    /// The entity before the change (JSON), if it existed.
    pub before_json: Option<String>,
    /// The entity after the change (JSON), if it still exists.
    pub after_json: Option<String>,
    /// Why, when a reason was given.
    pub reason: Option<String>,
    /// Client address, when the change came over HTTP.
    pub ip: Option<String>,
}

/// What a mutation reports to the trail.
pub struct Change<'a> {
    /// What was done, e.g. `user.create`.
    pub action: &'a str,
    /// Entity type.
    pub entity_type: &'a str,
    /// Entity id.
    pub entity_id: String,
    /// State before, if any.
    pub before: Option<serde_json::Value>,
    /// State after, if any.
    pub after: Option<serde_json::Value>,
    /// Why, if a reason was given.
    pub reason: Option<&'a str>,
}

/// Appends one record. Call inside the transaction that makes the change.
pub async fn record(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, change: Change<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, actor_label, action, entity_type, entity_id, \
         before_json, after_json, reason, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(format_ts(now))
    .bind(actor.user_column())
    .bind(&actor.label)
    .bind(change.action)
    .bind(change.entity_type)
    .bind(change.entity_id)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .bind(change.reason)
    .bind(&actor.ip)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this entity type.
    pub entity_type: Option<String>,
    /// Only this entity id (with `entity_type`).
    pub entity_id: Option<String>,
    /// Only this actor.
    pub actor_id: Option<UserId>,
}

impl AuditFilter {
    fn restrict(&self, w: &mut Where) {
        if let Some(t) = &self.entity_type {
            w.and("a.entity_type = ?", Arg::Text(t.clone()));
        }
        if let Some(e) = &self.entity_id {
            w.and("a.entity_id = ?", Arg::Text(e.clone()));
        }
        if let Some(u) = self.actor_id {
            w.and("a.actor_id = ?", Arg::Int(u.get()));
        }
    }

    /// Whether the filter narrows the trail to one entity type, record or actor (counted on every page).
    fn is_narrow(&self) -> bool {
        self.entity_type.is_some() || self.entity_id.is_some() || self.actor_id.is_some()
    }
}

impl ListRow for AuditEvent {
    fn list_id(&self) -> i64 {
        self.id.get()
    }
}

/// Lists records, newest first, one page at any depth for the cost of the
/// first. The whole trail is not counted on every page (it only grows):
/// its total is the rows known so far unless `page` asks to count.
pub async fn list(pool: &AnyPool, filter: &AuditFilter, page: Page) -> StoreResult<Paged<AuditEvent>> {
    let mut w = Where::default();
    filter.restrict(&mut w);
    let total = if page.exact_total || filter.is_narrow() { Total::Exact(listing::count(pool, "FROM audit_events a", &w).await?) } else { Total::Unknown };
    listing::page_of(pool, SELECT, "FROM audit_events a", &w, NEWEST_FIRST, page, total).await
}

const SELECT: &str = "SELECT a.id, a.at, a.actor_id, a.actor_label, a.action, a.entity_type, a.entity_id, a.before_json, \
    a.after_json, a.reason, a.ip FROM audit_events a";
const NEWEST_FIRST: Order = Order { table: "audit_events", alias: "a", column: "id", int: true, dir: SortDir::Desc };

/// The statements [`list`] runs for this filter (for the planner tests).
pub fn list_statements(filter: &AuditFilter) -> Vec<String> {
    let mut w = Where::default();
    filter.restrict(&mut w);
    listing::statements(SELECT, "FROM audit_events a", &w, NEWEST_FIRST, filter.is_narrow())
}
