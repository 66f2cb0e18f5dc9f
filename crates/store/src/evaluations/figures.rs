//! A year's figures computed from the records (年度运行数据): one grouped read
//! per kind of record over the window, for every center at once (a round's
//! opening, `pocnet evaluate`) or for one (its report page). Each read walks
//! an index on the center or the day; none rescans a table per center.

use crate::{format_ts, StoreResult};
use chrono::{Datelike, Days, NaiveTime, TimeZone, Utc};
use pocnet_domain::evaluation::{Metric, Window, YearFigures};
use pocnet_domain::id::CenterId;
use pocnet_domain::outcome::OutcomeKind;
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

/// `(center, figure)` rows of `sql` over the window's days (`$1`–`$2`), for every center or `only` one (`$3`).
async fn in_window(conn: &mut AnyConnection, from: &str, to: &str, only: Option<i64>, sql: &str) -> StoreResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(sql).bind(from).bind(to).bind(only).fetch_all(&mut *conn).await?)
}

/// Figures by center over `window`; with `only`, for that center alone.
pub async fn of_window(pool: &AnyPool, window: Window, only: Option<CenterId>) -> StoreResult<HashMap<CenterId, YearFigures>> {
    let mut conn = pool.acquire().await?;
    of_window_in(&mut conn, window, only).await
}

/// [`of_window`] on a connection (inside a transaction: what it has written counts).
pub async fn of_window_in(conn: &mut AnyConnection, window: Window, only: Option<CenterId>) -> StoreResult<HashMap<CenterId, YearFigures>> {
    let (from, to) = (window.from.to_string(), window.to.to_string());
    // Records created up to the end of the window's last day in China (UTC+8).
    let end = window.to.checked_add_days(Days::new(1)).unwrap_or(window.to).and_time(NaiveTime::MIN) - chrono::Duration::hours(8);
    let end = format_ts(Utc.from_utc_datetime(&end));
    let only = only.map(CenterId::get);
    let mut out: HashMap<CenterId, YearFigures> = HashMap::new();
    fn put(out: &mut HashMap<CenterId, YearFigures>, rows: Vec<(i64, i64)>, metric: Metric) {
        for (c, v) in rows {
            out.entry(CenterId::new(c)).or_default().set(metric, v);
        }
    }
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT center_id, COUNT(*) FROM research_results WHERE center_id IS NOT NULL AND submitted_on >= $1 AND submitted_on <= $2 \
             AND ($3 IS NULL OR center_id = $3) GROUP BY center_id",
        )
        .await?,
        Metric::ServiceProjects,
    );
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT center_id, COUNT(*) FROM verification_reports WHERE issued_on >= $1 AND issued_on <= $2 \
             AND ($3 IS NULL OR center_id = $3) GROUP BY center_id",
        )
        .await?,
        Metric::VerifiedProjects,
    );
    let outcomes: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT r.center_id, o.kind, COUNT(*), CAST(COALESCE(SUM(o.amount_yuan), 0) AS BIGINT) FROM result_outcomes o \
         JOIN research_results r ON r.id = o.result_id \
         WHERE r.center_id IS NOT NULL AND o.achieved_on >= $1 AND o.achieved_on <= $2 AND ($3 IS NULL OR r.center_id = $3) \
         GROUP BY r.center_id, o.kind",
    )
    .bind(&from)
    .bind(&to)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    for (c, kind, n, yuan) in outcomes {
        let f = out.entry(CenterId::new(c)).or_default();
        match OutcomeKind::parse(&kind) {
            Ok(OutcomeKind::Prototype) => f.set(Metric::PrototypeOutcomes, n),
            Ok(OutcomeKind::Product) => f.set(Metric::ProductOutcomes, n),
            Ok(OutcomeKind::LandedTransfer) => f.set(Metric::LandedTransfers, n),
            Ok(OutcomeKind::LicenceTransfer) => f.set(Metric::LicenceTransfers, n),
            Ok(OutcomeKind::CompanyIncubated) => f.set(Metric::CompaniesIncubated, n),
            Ok(OutcomeKind::EquityFinancing) => f.set(Metric::FinancingYuan, yuan),
            Ok(OutcomeKind::ServiceContract) => f.set(Metric::ServiceIncomeYuan, yuan),
            Ok(OutcomeKind::PatentAfterPrototype) | Err(_) => {}
        }
    }
    put(
        &mut out,
        sqlx::query_as(
            "SELECT center_id, CAST(COALESCE(SUM(amount_yuan), 0) AS BIGINT) FROM center_finances WHERE kind = 'special_funds' AND year = $1 \
             AND ($2 IS NULL OR center_id = $2) GROUP BY center_id",
        )
        .bind(i64::from(window.to.year()))
        .bind(only)
        .fetch_all(&mut *conn)
        .await?,
        Metric::SpecialFundsYuan,
    );
    put(
        &mut out,
        sqlx::query_as("SELECT center_id, COUNT(*) FROM center_staff WHERE created_at < $1 AND ($2 IS NULL OR center_id = $2) GROUP BY center_id")
            .bind(&end)
            .bind(only)
            .fetch_all(&mut *conn)
            .await?,
        Metric::ServiceStaff,
    );
    put(
        &mut out,
        sqlx::query_as("SELECT center_id, COUNT(*) FROM center_advisors WHERE added_at < $1 AND ($2 IS NULL OR center_id = $2) GROUP BY center_id")
            .bind(&end)
            .bind(only)
            .fetch_all(&mut *conn)
            .await?,
        Metric::AdvisoryExperts,
    );
    put(
        &mut out,
        sqlx::query_as(
            "SELECT center_id, CAST(COALESCE(SUM(value_yuan), 0) AS BIGINT) FROM center_equipment WHERE created_at < $1 AND ($2 IS NULL OR center_id = $2) \
             GROUP BY center_id",
        )
        .bind(&end)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?,
        Metric::EquipmentValueYuan,
    );
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT r.center_id, COUNT(*) FROM handoffs h JOIN research_results r ON r.id = h.result_id \
             WHERE r.center_id IS NOT NULL AND h.sent_on >= $1 AND h.sent_on <= $2 AND ($3 IS NULL OR r.center_id = $3) GROUP BY r.center_id",
        )
        .await?,
        Metric::HandoffsSent,
    );
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT platform_center_id, COUNT(*) FROM handoffs WHERE state = 'accepted' AND responded_on >= $1 AND responded_on <= $2 \
             AND ($3 IS NULL OR platform_center_id = $3) GROUP BY platform_center_id",
        )
        .await?,
        Metric::HandoffsAccepted,
    );
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT center_id, CAST(COALESCE(SUM(amount_yuan), 0) AS BIGINT) FROM realised_returns WHERE received_on >= $1 AND received_on <= $2 \
             AND ($3 IS NULL OR center_id = $3) GROUP BY center_id",
        )
        .await?,
        Metric::ReturnsYuan,
    );
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT center_id, CAST(COALESCE(SUM(invested_yuan), 0) AS BIGINT) FROM investor_interests WHERE invested_on >= $1 AND invested_on <= $2 \
             AND ($3 IS NULL OR center_id = $3) GROUP BY center_id",
        )
        .await?,
        Metric::InvestedYuan,
    );
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT platform_center_id, COUNT(*) FROM pilot_projects WHERE state = 'reported' AND reported_on >= $1 AND reported_on <= $2 \
             AND ($3 IS NULL OR platform_center_id = $3) GROUP BY platform_center_id",
        )
        .await?,
        Metric::PilotReports,
    );
    put(
        &mut out,
        in_window(
            &mut *conn,
            &from,
            &to,
            only,
            "SELECT p.platform_center_id, CAST(COALESCE(SUM(m.fee_yuan), 0) AS BIGINT) FROM pilot_milestones m JOIN pilot_projects p ON p.id = m.project_id \
             WHERE m.done_on >= $1 AND m.done_on <= $2 AND ($3 IS NULL OR p.platform_center_id = $3) GROUP BY p.platform_center_id",
        )
        .await?,
        Metric::PilotFeesYuan,
    );
    // Booked place-days within the window, each booking cut to the window's days.
    let bookings: Vec<(i64, String, String, i32)> = sqlx::query_as(
        "SELECT platform_center_id, starts_on, ends_on, units FROM pilot_bookings WHERE state = 'booked' AND ends_on >= $1 AND starts_on <= $2 \
         AND ($3 IS NULL OR platform_center_id = $3)",
    )
    .bind(&from)
    .bind(&to)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let mut place_days: HashMap<i64, i64> = HashMap::new();
    for (platform, s, e, units) in bookings {
        let (Ok(starts_on), Ok(ends_on)) = (s.parse(), e.parse()) else { continue };
        let span = pocnet_domain::pilot::BookingSpan { starts_on, ends_on, units: u32::try_from(units).unwrap_or(0) };
        *place_days.entry(platform).or_default() += i64::try_from(span.place_days_within(window.from, window.to)).unwrap_or(i64::MAX);
    }
    put(&mut out, place_days.into_iter().collect(), Metric::PilotPlaceDays);
    Ok(out)
}
