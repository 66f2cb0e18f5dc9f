//! The centers' returns (中心收益, migration 0030): agreements per project and what they yield.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant, MaybeDay};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::finance::returns::{AgreementDraft, RealisedDraft, ReturnForm, ReturnInstrument};
use pocnet_domain::id::{CenterId, ResultId};
use pocnet_domain::money::Yuan;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// An agreement with its project's title and owner and what it has yielded.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Agreement {
    /// Id.
    pub id: i64,
    /// The center paid back.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// The project.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub result_id: ResultId,
    /// Its title.
    pub result_title: String,
    /// Its owner unit.
    pub owner_name: String,
    /// How the center is paid back.
    #[sqlx(try_from = "Code<ReturnInstrument>")]
    pub instrument: ReturnInstrument,
    /// Who pays back.
    pub counterparty: String,
    /// The share in basis points (2.5 % = 250), where the instrument has one.
    pub share_bp: Option<i32>,
    /// The amount (yuan), where the instrument has one.
    pub amount_yuan: Option<i64>,
    /// What triggers the return.
    pub trigger_terms: String,
    /// The term's first day.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub starts_on: NaiveDate,
    /// The term's last day, if it ends.
    #[sqlx(try_from = "MaybeDay")]
    #[schema(value_type = Option<String>)]
    pub ends_on: Option<NaiveDate>,
    /// A note.
    pub note: String,
    /// Yielded so far (yuan).
    #[sqlx(try_from = "i64")]
    pub realised_yuan: Yuan,
    /// `active` or `ended`.
    pub state: String,
    /// Why it ended.
    pub end_reason: String,
    /// Optimistic-lock version.
    pub version: i64,
    /// Recorded at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl Agreement {
    /// The share as people read it ("2.5%"), if any.
    pub fn share_label(&self) -> Option<String> {
        self.share_bp.and_then(|b| u32::try_from(b).ok()).map(|b| pocnet_domain::finance::returns::BasisPoints::new(b).percent())
    }

    /// Whether returns may still be recorded.
    pub fn is_active(&self) -> bool {
        self.state == "active"
    }
}

const SELECT: &str = "SELECT a.id, a.center_id, a.result_id, r.title AS result_title, g.name AS owner_name, a.instrument, a.counterparty, a.share_bp, \
    a.amount_yuan, a.trigger_terms, a.starts_on, a.ends_on, a.note, a.realised_yuan, a.state, a.end_reason, a.version, a.created_at \
    FROM return_agreements a CROSS JOIN research_results r CROSS JOIN organisations g";
const JOINED: &str = "r.id = a.result_id AND g.id = r.owner_org_id";

/// Records an agreement of `center` on its project `result`; returns its id.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, center: CenterId, result: ResultId, d: &AgreementDraft) -> StoreResult<i64> {
    let ts = format_ts(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO return_agreements (center_id, result_id, instrument, counterparty, share_bp, amount_yuan, trigger_terms, starts_on, ends_on, note, state, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $11) RETURNING id",
    )
    .bind(center.get())
    .bind(result.get())
    .bind(d.instrument.as_str())
    .bind(&d.counterparty)
    .bind(d.share.map(|s| i32::try_from(s.get()).unwrap_or(i32::MAX)))
    .bind(d.amount.map(Yuan::get))
    .bind(&d.trigger)
    .bind(d.starts_on.to_string())
    .bind(d.ends_on.map(|e| e.to_string()))
    .bind(&d.note)
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!({"result_id": result, "instrument": d.instrument, "counterparty": d.counterparty, "share_bp": d.share,
        "amount_yuan": d.amount, "trigger": d.trigger, "starts_on": d.starts_on, "ends_on": d.ends_on});
    audit::record(conn, actor, now, Change { action: "return_agreement.create", entity_type: "return_agreement", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(id)
}

/// Ends an active agreement at `version` with its reason (no more returns are recorded on it).
pub async fn end(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, version: i64, reason: &str) -> StoreResult<()> {
    let n = sqlx::query("UPDATE return_agreements SET state = 'ended', end_reason = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4 AND state = 'active'")
        .bind(reason)
        .bind(format_ts(now))
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict { expected: version });
    }
    audit::record(conn, actor, now, Change { action: "return_agreement.end", entity_type: "return_agreement", entity_id: id.to_string(), before: None, after: None, reason: Some(reason) }).await
}

/// Records what an active agreement yielded and adds it to the agreement's total.
pub async fn record(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, a: &Agreement, d: &RealisedDraft) -> StoreResult<i64> {
    let ts = format_ts(now);
    let n = sqlx::query("UPDATE return_agreements SET realised_yuan = realised_yuan + $1, updated_at = $2 WHERE id = $3 AND state = 'active'")
        .bind(d.amount.get())
        .bind(&ts)
        .bind(a.id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "agreement_ended", message: "协议已终止，不能再登记收益".into() });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO realised_returns (agreement_id, center_id, received_on, amount_yuan, form, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.id)
    .bind(a.center_id.get())
    .bind(d.received_on.to_string())
    .bind(d.amount.get())
    .bind(d.form.as_str())
    .bind(&d.note)
    .bind(actor.user_column())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!({"agreement_id": a.id, "received_on": d.received_on, "amount_yuan": d.amount, "form": d.form, "note": d.note});
    audit::record(conn, actor, now, Change { action: "return.record", entity_type: "realised_return", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(id)
}

/// One agreement.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<Agreement>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND a.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// A center's agreements, newest first (at most 1,000: a center's portfolio).
pub async fn of_center(pool: &AnyPool, center: CenterId) -> StoreResult<Vec<Agreement>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND a.center_id = $1 ORDER BY a.id DESC LIMIT 1000")).bind(center.get()).fetch_all(pool).await?)
}

/// A realised return.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Realised {
    /// Id.
    pub id: i64,
    /// The agreement.
    pub agreement_id: i64,
    /// Day received.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub received_on: NaiveDate,
    /// Amount (yuan; equity at its value on entry).
    #[sqlx(try_from = "i64")]
    pub amount_yuan: Yuan,
    /// Cash or equity.
    #[sqlx(try_from = "Code<ReturnForm>")]
    pub form: ReturnForm,
    /// What it was.
    pub note: String,
}

/// A center's realised returns, latest first (at most 1,000).
pub async fn realised_of_center(pool: &AnyPool, center: CenterId) -> StoreResult<Vec<Realised>> {
    Ok(sqlx::query_as(
        "SELECT id, agreement_id, received_on, amount_yuan, form, note FROM realised_returns WHERE center_id = $1 ORDER BY received_on DESC, id DESC LIMIT 1000",
    )
    .bind(center.get())
    .fetch_all(pool)
    .await?)
}

/// A project's agreements, newest first.
pub async fn of_result(pool: &AnyPool, result: ResultId) -> StoreResult<Vec<Agreement>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE {JOINED} AND a.result_id = $1 ORDER BY a.id DESC LIMIT 100")).bind(result.get()).fetch_all(pool).await?)
}
