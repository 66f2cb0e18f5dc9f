//! The append-only audit trail (审计日志): who, when, what entity, what changed.
//!
//! Every mutation in this crate calls [`record`] inside its own transaction, so
//! a change and its record commit together or not at all.

use crate::{format_ts, Actor, Page, Paged, StoreResult};
use chrono::{DateTime, Utc};
use crate::column::{NullableId, Text};
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
    #[sqlx(try_from = "Text")]
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

/// Lists records, newest first.
pub async fn list(pool: &AnyPool, filter: &AuditFilter, page: Page) -> StoreResult<Paged<AuditEvent>> {
    const WHERE: &str = "WHERE ($1 IS NULL OR entity_type = $1) AND ($2 IS NULL OR entity_id = $2) \
                         AND ($3 IS NULL OR actor_id = $3)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_events {WHERE}"))
        .bind(&filter.entity_type)
        .bind(&filter.entity_id)
        .bind(filter.actor_id.map(UserId::get))
        .fetch_one(pool)
        .await?;
    let items = sqlx::query_as::<_, AuditEvent>(&format!(
        "SELECT id, at, actor_id, actor_label, action, entity_type, entity_id, before_json, after_json, \
         reason, ip FROM audit_events {WHERE} ORDER BY id DESC LIMIT $4 OFFSET $5"
    ))
    .bind(&filter.entity_type)
    .bind(&filter.entity_id)
    .bind(filter.actor_id.map(UserId::get))
    .bind(page.limit())
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    Ok(Paged { items, total, page: page.number, per_page: page.size })
}
