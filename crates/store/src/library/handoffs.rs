//! Hand-off to a pilot-scale platform (移交中试, 000 二(六)): the center
//! sends a verified project to a registered platform, which accepts or
//! declines and returns feedback (工程化 results, needs) the center sees.

use pocnet_domain::library::verification::HandoffState;
use crate::audit::{self, Change};
use crate::column::{Code, Day, MaybeDay, NullableId};
use pocnet_domain::id::{CenterId, HandoffId, OrgId, ResultId};
use crate::{Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A hand-off.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Handoff {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: HandoffId,
    /// The project.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub result_id: ResultId,
    /// Its title.
    pub title: String,
    /// The sending center.
    #[sqlx(try_from = "NullableId")]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<CenterId>,
    /// Its name.
    pub center_name: Option<String>,
    /// The pilot platform.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub platform_center_id: CenterId,
    /// Its name.
    pub platform_name: String,
    /// The platform's host unit (whose operators answer).
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub platform_host_org_id: OrgId,
    /// Sent, accepted or declined.
    #[sqlx(try_from = "Code<HandoffState>")]
    pub state: HandoffState,
    /// The center's note.
    pub note: String,
    /// Day sent.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub sent_on: NaiveDate,
    /// Day answered.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub responded_on: Option<NaiveDate>,
    /// The platform's answer.
    pub response_note: String,
    /// Engineering results (工程化结果) reported back.
    pub feedback: String,
    /// Needs reported back (资金、场地、人才…).
    pub needs: String,
    /// Day of the last feedback.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub feedback_on: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
}

const SELECT: &str = "SELECT h.id, h.result_id, r.title, r.center_id, c.name AS center_name, h.platform_center_id, p.name AS platform_name, \
    p.host_org_id AS platform_host_org_id, h.state, h.note, h.sent_on, h.responded_on, h.response_note, h.feedback, h.needs, h.feedback_on, h.version \
    FROM handoffs h JOIN research_results r ON r.id = h.result_id LEFT JOIN centers c ON c.id = r.center_id JOIN centers p ON p.id = h.platform_center_id";

/// One hand-off.
pub async fn get<'e, E>(executor: E, hid: HandoffId) -> StoreResult<Handoff>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE h.id = $1")).bind(hid.get()).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The hand-offs of a project, newest first.
pub async fn of_result(pool: &AnyPool, id: ResultId) -> StoreResult<Vec<Handoff>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE h.result_id = $1 ORDER BY h.id DESC")).bind(id.get()).fetch_all(pool).await?)
}

/// The hand-offs to the platforms an organisation hosts, newest first.
pub async fn to_host(pool: &AnyPool, host_org_id: OrgId) -> StoreResult<Vec<Handoff>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE p.host_org_id = $1 ORDER BY h.id DESC")).bind(host_org_id.get()).fetch_all(pool).await?)
}

fn change<'a>(action: &'a str, result_id: ResultId, after: serde_json::Value, reason: Option<&'a str>) -> Change<'a> {
    Change { action, entity_type: "result", entity_id: result_id.to_string(), before: None, after: Some(after), reason }
}

/// Sends a project to a platform. At most one hand-off waits for an answer
/// at a time (the partial unique rule is checked here, in the transaction).
pub async fn send(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: ResultId, platform: CenterId, note: &str, today: NaiveDate) -> StoreResult<Handoff> {
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM handoffs WHERE result_id = $1 AND state IN ('sent', 'accepted')")
        .bind(id.get())
        .fetch_one(&mut *conn)
        .await?;
    if waiting > 0 {
        return Err(StoreError::Duplicate { field: "platform_center_id" });
    }
    let hid: i64 = sqlx::query_scalar("INSERT INTO handoffs (result_id, platform_center_id, state, note, sent_on) VALUES ($1, $2, 'sent', $3, $4) RETURNING id")
        .bind(id.get())
        .bind(platform.get())
        .bind(note)
        .bind(today.to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "platform_center_id" },
            _ => StoreError::Db(e),
        })?;
    audit::record(&mut *conn, actor, now, change("result.handoff.send", id, serde_json::json!({"handoff_id": hid, "platform_center_id": platform}), None)).await?;
    get(&mut *conn, HandoffId::new(hid)).await
}

/// The platform's answer: `accepted` or `declined`, compare-and-set on the version.
#[allow(clippy::too_many_arguments)]
pub async fn respond(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, hid: HandoffId, version: i64, answer: HandoffState, note: &str, today: NaiveDate) -> StoreResult<Handoff> {
    if answer == HandoffState::Sent {
        return Err(StoreError::Refused { code: "illegal_transition", message: "答复须为接收或谢绝".into() });
    }
    let done = sqlx::query(
        "UPDATE handoffs SET state = $1, response_note = $2, responded_on = $3, version = version + 1 WHERE id = $4 AND version = $5 AND state = 'sent'",
    )
    .bind(answer.as_str())
    .bind(note)
    .bind(today.to_string())
    .bind(hid.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = get(&mut *conn, hid).await?;
    audit::record(&mut *conn, actor, now, change("result.handoff.respond", after.result_id, serde_json::json!({"handoff_id": hid, "state": answer}), Some(note))).await?;
    Ok(after)
}

/// The platform's feedback on an accepted hand-off (replaces the previous one).
#[allow(clippy::too_many_arguments)]
pub async fn feedback(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, hid: HandoffId, version: i64, feedback: &str, needs: &str, today: NaiveDate) -> StoreResult<Handoff> {
    let done = sqlx::query(
        "UPDATE handoffs SET feedback = $1, needs = $2, feedback_on = $3, version = version + 1 WHERE id = $4 AND version = $5 AND state = 'accepted'",
    )
    .bind(feedback)
    .bind(needs)
    .bind(today.to_string())
    .bind(hid.get())
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    let after = get(&mut *conn, hid).await?;
    audit::record(&mut *conn, actor, now, change("result.handoff.feedback", after.result_id, serde_json::json!({"handoff_id": hid, "feedback": feedback, "needs": needs}), None)).await?;
    Ok(after)
}
