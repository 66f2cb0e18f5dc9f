//! Bookings of a platform's resources (预约). A booking is made under the resource's row lock (taken
//! by [`lock_offer`] in the booking's transaction), so two bookings of one resource never check
//! its capacity at the same time: on PostgreSQL the second waits for the first to commit, on SQLite
//! the database has one writer.

use crate::audit::{self, Change};
use crate::column::{Code, Day, Instant};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OfferId};
use pocnet_domain::pilot::BookingSpan;
use pocnet_domain::sharing::OfferKind;
use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

/// A booking with its resource's name and its project's title.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Booking {
    /// Id.
    pub id: i64,
    /// The resource.
    pub offer_id: i64,
    /// Its name.
    pub offer_name: String,
    /// Its kind.
    #[sqlx(try_from = "Code<OfferKind>")]
    pub offer_kind: OfferKind,
    /// The platform.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub platform_center_id: CenterId,
    /// The pilot project it serves (none: the platform's own use or maintenance).
    pub project_id: Option<i64>,
    /// Its title.
    pub project_title: Option<String>,
    /// First day.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub starts_on: NaiveDate,
    /// Last day, included.
    #[sqlx(try_from = "Day")]
    #[schema(value_type = String)]
    pub ends_on: NaiveDate,
    /// Places taken each day.
    pub units: i32,
    /// `booked` or `cancelled`.
    pub state: String,
    /// A note (what for; the reason of maintenance).
    pub note: String,
    /// Booked at (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
}

impl Booking {
    /// The span it takes.
    pub fn span(&self) -> BookingSpan {
        BookingSpan { starts_on: self.starts_on, ends_on: self.ends_on, units: u32::try_from(self.units).unwrap_or(0) }
    }

    /// Whether it still holds its days.
    pub fn is_booked(&self) -> bool {
        self.state == "booked"
    }
}

const SELECT: &str = "SELECT b.id, b.offer_id, o.name AS offer_name, o.kind AS offer_kind, b.platform_center_id, b.project_id, p.title AS project_title, \
    b.starts_on, b.ends_on, b.units, b.state, b.note, b.created_at FROM pilot_bookings b JOIN service_offers o ON o.id = b.offer_id \
    LEFT JOIN pilot_projects p ON p.id = b.project_id";

/// Takes the resource's row lock until the transaction ends (every booking of it checks its
/// capacity under this lock).
pub async fn lock_offer(conn: &mut AnyConnection, offer: OfferId) -> StoreResult<()> {
    let n = sqlx::query("UPDATE service_offers SET version = version WHERE id = $1").bind(offer.get()).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The spans of the bookings of `offer` that share a day with `[from, to]`.
pub async fn spans(conn: &mut AnyConnection, offer: OfferId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<BookingSpan>> {
    let rows: Vec<(String, String, i32)> = sqlx::query_as(
        "SELECT starts_on, ends_on, units FROM pilot_bookings WHERE offer_id = $1 AND ends_on >= $2 AND starts_on <= $3 AND state = 'booked'",
    )
    .bind(offer.get())
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(s, e, u)| {
            let day = |v: &str, c: &str| v.parse::<NaiveDate>().map_err(|_| StoreError::Corrupt(format!("{c}: {v}")));
            Ok(BookingSpan { starts_on: day(&s, "starts_on")?, ends_on: day(&e, "ends_on")?, units: u32::try_from(u).unwrap_or(0) })
        })
        .collect()
}

/// What a new booking holds.
#[derive(Debug, Clone, Copy)]
pub struct NewBooking<'a> {
    /// The resource.
    pub offer: OfferId,
    /// Its platform.
    pub platform: CenterId,
    /// The project, if any.
    pub project: Option<i64>,
    /// The days and places.
    pub span: BookingSpan,
    /// A note.
    pub note: &'a str,
}

/// Records a booking (the caller has locked the resource and checked its capacity).
pub async fn book(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, b: &NewBooking<'_>) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO pilot_bookings (offer_id, platform_center_id, project_id, starts_on, ends_on, units, state, note, booked_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $8, $9) RETURNING id",
    )
    .bind(b.offer.get())
    .bind(b.platform.get())
    .bind(b.project)
    .bind(b.span.starts_on.to_string())
    .bind(b.span.ends_on.to_string())
    .bind(i32::try_from(b.span.units).unwrap_or(i32::MAX))
    .bind(b.note)
    .bind(actor.user_column())
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let after = serde_json::json!({"offer_id": b.offer, "project_id": b.project, "starts_on": b.span.starts_on, "ends_on": b.span.ends_on, "units": b.span.units, "note": b.note});
    audit::record(conn, actor, now, Change { action: "pilot_booking.book", entity_type: "pilot_booking", entity_id: id.to_string(), before: None, after: Some(after), reason: None }).await?;
    Ok(id)
}

/// Cancels a booking that still holds its days.
pub async fn cancel(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: i64, reason: &str) -> StoreResult<()> {
    let ts = format_ts(now);
    let n = sqlx::query("UPDATE pilot_bookings SET state = 'cancelled', cancelled_at = $1 WHERE id = $2 AND state = 'booked'").bind(&ts).bind(id).execute(&mut *conn).await?.rows_affected();
    if n == 0 {
        return Err(StoreError::Refused { code: "booking_cancelled", message: "该预约已取消".into() });
    }
    let reason = (!reason.is_empty()).then_some(reason);
    audit::record(conn, actor, now, Change { action: "pilot_booking.cancel", entity_type: "pilot_booking", entity_id: id.to_string(), before: None, after: None, reason }).await
}

/// Frees the days a project that ended (withdrawn, terminated, found infeasible) still holds from
/// `today` on: bookings not begun are cancelled, those under way end on `today`.
pub async fn release_project(conn: &mut AnyConnection, project: i64, today: NaiveDate, now: DateTime<Utc>) -> StoreResult<()> {
    let day = today.to_string();
    sqlx::query("UPDATE pilot_bookings SET state = 'cancelled', cancelled_at = $1 WHERE project_id = $2 AND state = 'booked' AND starts_on > $3")
        .bind(format_ts(now))
        .bind(project)
        .bind(&day)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE pilot_bookings SET ends_on = $1 WHERE project_id = $2 AND state = 'booked' AND ends_on > $1").bind(&day).bind(project).execute(&mut *conn).await?;
    Ok(())
}

/// One booking.
pub async fn get<'e, E>(executor: E, id: i64) -> StoreResult<Booking>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!("{SELECT} WHERE b.id = $1")).bind(id).fetch_optional(executor).await?.ok_or(StoreError::NotFound)
}

/// The bookings of a resource that share a day with `[from, to]`, in order of their first day.
pub async fn of_offer(pool: &AnyPool, offer: OfferId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Booking>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE b.offer_id = $1 AND b.ends_on >= $2 AND b.starts_on <= $3 AND b.state = 'booked' ORDER BY b.starts_on, b.id"))
        .bind(offer.get())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await?)
}

/// The bookings of a platform's resources that share a day with `[from, to]`.
pub async fn of_platform(pool: &AnyPool, platform: CenterId, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Booking>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE b.platform_center_id = $1 AND b.ends_on >= $2 AND b.starts_on <= $3 AND b.state = 'booked' ORDER BY b.offer_id, b.starts_on, b.id"
    ))
    .bind(platform.get())
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(pool)
    .await?)
}

/// The bookings of a project (cancelled ones too), in order.
pub async fn of_project(pool: &AnyPool, project: i64) -> StoreResult<Vec<Booking>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE b.project_id = $1 ORDER BY b.starts_on, b.id")).bind(project).fetch_all(pool).await?)
}

/// The statements of the calendars (the planner test): a resource's month, a platform's month and
/// its offers.
pub fn calendar_statements() -> Vec<String> {
    vec![
        "SELECT o.id FROM service_offers o CROSS JOIN centers c WHERE c.id = o.center_id AND o.center_id = 1 ORDER BY o.name, o.id".to_owned(),
        format!("{SELECT} WHERE b.offer_id = 1 AND b.ends_on >= '2026-03-01' AND b.starts_on <= '2026-03-31' AND b.state = 'booked' ORDER BY b.starts_on, b.id"),
        format!("{SELECT} WHERE b.platform_center_id = 1 AND b.ends_on >= '2026-03-01' AND b.starts_on <= '2026-03-31' AND b.state = 'booked' ORDER BY b.offer_id, b.starts_on, b.id"),
    ]
}
