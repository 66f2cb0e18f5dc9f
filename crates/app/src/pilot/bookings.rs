//! Booking a platform's lines, equipment and test environments (预约) and reading their calendars.
//! A platform's operators book their own resources — for one of their pilot projects in planning
//! or under way, or for their own use or maintenance with a note — within each resource's
//! capacity on every day, checked under the resource's row lock so that two bookings made at the
//! same moment never both take the last place. Everyone who may read a resource reads how full
//! each day is; only its platform's operators and the bureau see what each booking is for.

use crate::sharing::offers::{self as offer_flow, OfferAccess};
use crate::{Caller, Context, Error, Result};
use chrono::{Datelike, NaiveDate};
use pocnet_domain::id::{CenterId, OfferId};
use pocnet_domain::pilot::booking::{self as domain, BookingSpan, Occupancy, RawBooking};
use pocnet_domain::role::Role;
use pocnet_domain::sharing::OfferState;
use pocnet_domain::FieldError;
use pocnet_store::pilot::bookings::{self as store, Booking, NewBooking};
use pocnet_store::sharing::offers::Offer;
use serde::{Deserialize, Serialize};

/// One day of a calendar.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarDay {
    /// The day.
    #[schema(value_type = String)]
    pub day: NaiveDate,
    /// Places booked.
    pub used: u32,
    /// Places free.
    pub free: u32,
}

/// A resource's month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResourceCalendar {
    /// The resource.
    pub offer: Offer,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Each day of the month.
    pub days: Vec<CalendarDay>,
    /// Booked place-days as a share of the month's capacity, in percent (利用率).
    pub utilisation_percent: u32,
    /// The month's bookings with what they are for (its platform's operators and the bureau; empty for others).
    pub bookings: Vec<Booking>,
    /// Whether the caller books this resource (its platform's operators).
    pub may_book: bool,
    /// Why the caller may not book it, when it manages it but may not book now.
    pub book_refusal: Option<String>,
}

fn month_code(first: NaiveDate) -> String {
    format!("{:04}-{:02}", first.year(), first.month())
}

fn days_of(first: NaiveDate, last: NaiveDate, capacity: u32, spans: &[BookingSpan]) -> (Vec<CalendarDay>, u32) {
    let occ = Occupancy::of(first, last, spans);
    let days: Vec<CalendarDay> = first.iter_days().take_while(|d| *d <= last).map(|d| {
        let used = occ.on(d);
        CalendarDay { day: d, used, free: capacity.saturating_sub(used) }
    }).collect();
    let room = u64::from(capacity) * u64::try_from(days.len()).unwrap_or(0);
    let pct = domain::percent(occ.place_days(), room);
    (days, pct)
}

fn capacity_of(o: &Offer) -> u32 {
    u32::try_from(o.capacity).unwrap_or(1).max(1)
}

/// Whether the caller books `o`: a Center-role operator of its platform.
fn books(caller: &Caller, o: &Offer, access: OfferAccess) -> bool {
    access == OfferAccess::Manage && caller.user().is_some_and(|u| u.role == Role::Center && u.org_id == o.host_org_id)
}

/// A resource's month (`month` as `YYYY-MM`, this month when empty), for anyone who may read it.
pub async fn calendar(ctx: &Context, caller: Option<&Caller>, id: OfferId, month: &str) -> Result<ResourceCalendar> {
    let (o, _, access) = offer_flow::load(ctx, caller, id).await?;
    if !o.kind.bookable() {
        return Err(Error::rule("not_bookable", format!("“{}”是能力类服务，不按日预约", o.name)));
    }
    let (first, last) = domain::month(month, ctx.today())?;
    let bookings = store::of_offer(ctx.store().pool(), id, first, last).await?;
    let spans: Vec<BookingSpan> = bookings.iter().map(Booking::span).collect();
    let (days, utilisation_percent) = days_of(first, last, capacity_of(&o), &spans);
    let may_book = caller.is_some_and(|c| books(c, &o, access));
    let book_refusal = match (may_book, o.state) {
        (true, OfferState::Withdrawn) => Some("资源已下架，不能预约".to_owned()),
        _ => None,
    };
    let manage = access == OfferAccess::Manage;
    Ok(ResourceCalendar { month: month_code(first), days, utilisation_percent, bookings: if manage { bookings } else { Vec::new() }, may_book, book_refusal, offer: o })
}

/// A booking as sent (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BookingInput {
    /// The pilot project (of this platform, in planning or under way); none for the platform's own use.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub project_id: Option<i64>,
    /// First day, YYYY-MM-DD (from today).
    pub starts_on: String,
    /// Last day, included, YYYY-MM-DD (at most 180 days after the first).
    pub ends_on: String,
    /// Places taken each day (1 when absent; at most the capacity).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub units: Option<i64>,
    /// What for: required without a project (自用、维护), up to 200 characters.
    #[serde(default)]
    pub note: String,
}

/// Books a resource (its platform's operators); 409 `fully_booked` naming the first full day.
pub async fn book(ctx: &Context, caller: &Caller, id: OfferId, input: &BookingInput) -> Result<Booking> {
    let (o, _, access) = offer_flow::load(ctx, Some(caller), id).await?;
    if !books(caller, &o, access) {
        return Err(Error::Forbidden);
    }
    if !o.kind.bookable() {
        return Err(Error::rule("not_bookable", format!("“{}”是能力类服务，不按日预约", o.name)));
    }
    if o.state == OfferState::Withdrawn {
        return Err(Error::Conflict { code: "offer_withdrawn", message: "资源已下架，不能预约".into(), field: None });
    }
    let mut errors = Vec::new();
    let units = input.units.map(|u| u.to_string()).unwrap_or_default();
    let span = BookingSpan::parse(&RawBooking { starts_on: &input.starts_on, ends_on: &input.ends_on, units: &units }, ctx.today(), capacity_of(&o)).map_err(|e| errors.extend(e)).ok();
    let project = match input.project_id {
        Some(pid) => match pocnet_store::pilot::projects::get(ctx.store().pool(), pid).await {
            Ok(p) if p.platform_center_id == o.center_id && p.state.books() => Some(p.id),
            Ok(p) if p.platform_center_id == o.center_id => {
                errors.push(FieldError::new("project_id", "project_not_booking", format!("中试项目“{}”{}，不能预约（方案编制或实施阶段方可预约）", p.title, p.state.label_zh())));
                None
            }
            Ok(_) | Err(pocnet_store::StoreError::NotFound) => {
                errors.push(FieldError::unknown_value("project_id", "中试项目"));
                None
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let note = pocnet_domain::validation::text("note", "用途说明", &input.note, if input.project_id.is_none() { 2 } else { 0 }, 200).map_err(|e| errors.push(e)).ok();
    let (Some(span), Some(note)) = (span, note) else { return Err(Error::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = ctx.store().write().await?;
    store::lock_offer(&mut tx, id).await?;
    // Read again under the lock: the capacity may have changed since the page was read.
    let o = pocnet_store::sharing::offers::get(&mut *tx, id).await?;
    let existing = store::spans(&mut tx, id, span.starts_on, span.ends_on).await?;
    domain::fits(capacity_of(&o), &existing, &span).map_err(|f| Error::Conflict { code: "fully_booked", message: f.message(), field: Some("starts_on".into()) })?;
    let bid = store::book(&mut tx, &caller.actor(), ctx.now(), &NewBooking { offer: id, platform: o.center_id, project, span, note: &note }).await?;
    let b = store::get(&mut *tx, bid).await?;
    tx.commit().await?;
    Ok(b)
}

/// A cancellation as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CancelBookingInput {
    /// Why (optional, kept in the audit trail), up to 200 characters.
    #[serde(default)]
    pub reason: String,
}

/// Cancels a booking (its platform's operators): its days are free again.
pub async fn cancel(ctx: &Context, caller: &Caller, id: i64, input: &CancelBookingInput) -> Result<Booking> {
    let b = store::get(ctx.store().pool(), id).await?;
    let (o, _, access) = offer_flow::load(ctx, Some(caller), OfferId::new(b.offer_id)).await.map_err(|_| Error::NotFound)?;
    if !books(caller, &o, access) {
        return Err(if access == OfferAccess::Manage { Error::Forbidden } else { Error::NotFound });
    }
    let reason = pocnet_domain::validation::text("reason", "取消原因", &input.reason, 0, 200)?;
    let mut tx = ctx.store().write().await?;
    store::cancel(&mut tx, &caller.actor(), ctx.now(), id, &reason).await.map_err(|e| match e {
        pocnet_store::StoreError::Refused { code, message } => Error::Conflict { code, message, field: None },
        e => e.into(),
    })?;
    let b = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(b)
}

/// Refuses a capacity below what `offer`'s bookings from `today` on already take on some day
/// (called in the transaction that changes the capacity, which holds the offer's row lock).
pub async fn check_capacity_holds(tx: &mut pocnet_store::Write, today: NaiveDate, offer: OfferId, capacity: u32) -> Result<()> {
    let until = today.checked_add_months(chrono::Months::new(30)).unwrap_or(today);
    let spans = store::spans(tx, offer, today, until).await?;
    let peak = Occupancy::of(today, until, &spans).peak();
    if peak > capacity {
        return Err(FieldError::new("capacity", "below_bookings", format!("已有预约在同一天占用{peak}个，容量不能小于{peak}；请先调整预约")).into());
    }
    Ok(())
}

/// One resource's row of a platform's month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarRow {
    /// The resource.
    pub offer_id: i64,
    /// Its name.
    pub name: String,
    /// Its kind's label.
    pub kind: String,
    /// Its capacity.
    pub capacity: u32,
    /// Places booked on each day of the month.
    pub used: Vec<u32>,
    /// Its utilisation over the month, in percent.
    pub utilisation_percent: u32,
}

/// A platform's month: every bookable resource it lists, day by day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlatformCalendar {
    /// The platform.
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The month's days.
    #[schema(value_type = Vec<String>)]
    pub days: Vec<NaiveDate>,
    /// One row per resource.
    pub rows: Vec<CalendarRow>,
    /// Booked place-days over the month's capacity of all its resources, in percent.
    pub utilisation_percent: u32,
    /// The month's bookings with what they are for (its operators and the bureau; empty for others).
    pub bookings: Vec<Booking>,
}

/// A platform's month (anyone who may read the platform; what bookings are for only its operators and the bureau).
pub async fn platform_calendar(ctx: &Context, caller: Option<&Caller>, center: CenterId, month: &str) -> Result<PlatformCalendar> {
    let (c, access) = crate::registry::load(ctx, caller, center, crate::registry::Access::Public).await?;
    let (first, last) = domain::month(month, ctx.today())?;
    let offers = pocnet_store::sharing::offers::of_center(ctx.store().pool(), center).await?;
    let bookings = store::of_platform(ctx.store().pool(), center, first, last).await?;
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let mut rows = Vec::new();
    let (mut taken, mut room) = (0u64, 0u64);
    for o in offers.iter().filter(|o| o.kind.bookable() && o.state.listed()) {
        let spans: Vec<BookingSpan> = bookings.iter().filter(|b| b.offer_id == o.id.get()).map(Booking::span).collect();
        let occ = Occupancy::of(first, last, &spans);
        let capacity = capacity_of(o);
        let r = u64::from(capacity) * u64::try_from(days.len()).unwrap_or(0);
        taken += occ.place_days();
        room += r;
        rows.push(CalendarRow {
            offer_id: o.id.get(),
            name: o.name.clone(),
            kind: o.kind.label_zh().to_owned(),
            capacity,
            utilisation_percent: domain::percent(occ.place_days(), r),
            used: occ.used,
        });
    }
    let manage = access == crate::registry::Access::Manage;
    Ok(PlatformCalendar {
        center_id: c.id,
        center_name: c.name,
        month: month_code(first),
        days,
        rows,
        utilisation_percent: domain::percent(taken, room),
        bookings: if manage { bookings } else { Vec::new() },
    })
}
