//! Calls for applications (申报通知): a policy profile, a kind (创建 or 认定)
//! and a deadline, published by the bureau.

use crate::audit::{self, Change};
use crate::column::{Day, Instant};
use crate::{format_ts, parse_code, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::CallId;
use pocnet_domain::policy::StageKind;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A call.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Call {
    /// Id.
    #[schema(value_type = i64)]
    pub id: CallId,
    /// Title.
    pub title: String,
    /// Policy profile id.
    pub profile_id: String,
    /// Creation or recognition.
    pub kind: StageKind,
    /// The call's text (requirements, materials).
    pub body: String,
    /// First day applications are accepted (YYYY-MM-DD).
    #[schema(value_type = String)]
    pub opens_on: NaiveDate,
    /// Deadline (UTC, RFC 3339); submissions after it are refused.
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub deadline_at: DateTime<Utc>,
    /// Applications received (submitted at least once).
    pub applications: i64,
    /// When published.
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct Row {
    id: i64,
    title: String,
    profile_id: String,
    kind: String,
    body: String,
    #[sqlx(try_from = "Day")]
    opens_on: NaiveDate,
    #[sqlx(try_from = "Instant")]
    deadline_at: DateTime<Utc>,
    applications: i64,
    #[sqlx(try_from = "Instant")]
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for Call {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(Call {
            id: CallId::new(r.id),
            title: r.title,
            profile_id: r.profile_id,
            kind: parse_code(&r.kind, StageKind::parse)?,
            body: r.body,
            opens_on: r.opens_on,
            deadline_at: r.deadline_at,
            applications: r.applications,
            created_at: r.created_at,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.title, c.profile_id, c.kind, c.body, c.opens_on, c.deadline_at, \
    (SELECT COUNT(*) FROM applications a WHERE a.call_id = c.id AND a.submitted_at IS NOT NULL) AS applications, c.created_at FROM calls c";

/// A new call.
#[derive(Debug, Clone)]
pub struct CallDraft {
    /// Title.
    pub title: String,
    /// Profile id (checked against the loaded profiles by the caller).
    pub profile_id: String,
    /// Creation or recognition (the profile must have the stage).
    pub kind: StageKind,
    /// Text.
    pub body: String,
    /// Opening day.
    pub opens_on: NaiveDate,
    /// Deadline, UTC RFC 3339.
    pub deadline_at: DateTime<Utc>,
}

/// Publishes a call.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, d: &CallDraft) -> StoreResult<Call> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO calls (title, profile_id, kind, body, opens_on, deadline_at, published_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&d.title)
    .bind(&d.profile_id)
    .bind(d.kind.as_str())
    .bind(&d.body)
    .bind(d.opens_on.to_string())
    .bind(format_ts(d.deadline_at))
    .bind(actor.user_column())
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let call = get(&mut *conn, CallId::new(id)).await?;
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "call.publish",
            entity_type: "call",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"title": call.title, "profile_id": call.profile_id, "kind": call.kind, "deadline_at": format_ts(call.deadline_at)})),
            reason: None,
        },
    )
    .await?;
    Ok(call)
}

/// Reads a call.
pub async fn get<'e, E>(executor: E, id: CallId) -> StoreResult<Call>
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

/// Every call, newest first.
pub async fn list(pool: &AnyPool) -> StoreResult<Vec<Call>> {
    let rows = sqlx::query_as::<_, Row>(&format!("{SELECT} ORDER BY c.deadline_at DESC, c.id DESC")).fetch_all(pool).await?;
    rows.into_iter().map(Call::try_from).collect()
}
