//! Bookings of a platform's lines, equipment and test environments (中试线、设备、试验环境的预约):
//! each resource has a capacity — how many bookings it can host on one day (one line: 1; a
//! climate room with four chambers: 4) — and a booking takes some of it for a run of days. A
//! booking that would pass the capacity on any day is refused, naming the first such day.

use crate::validation::{collect, DayRange};
use crate::FieldError;
use chrono::{Datelike, NaiveDate};

/// The most days one booking spans (a pilot run is booked stage by stage).
pub const MAX_DAYS: i64 = 180;

/// The most a resource's capacity may be.
pub const MAX_CAPACITY: u32 = 99;

/// A booking as typed (form or JSON).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawBooking<'a> {
    /// First day (YYYY-MM-DD).
    pub starts_on: &'a str,
    /// Last day, included (YYYY-MM-DD).
    pub ends_on: &'a str,
    /// How many of the resource's places (1 when empty).
    pub units: &'a str,
}

/// A checked run of days and the places it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingSpan {
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day, included.
    pub ends_on: NaiveDate,
    /// Places taken on each day.
    pub units: u32,
}

impl BookingSpan {
    /// Checks a booking made on `today` of a resource with `capacity` places: from today to two
    /// years ahead, the last day not before the first, at most [`MAX_DAYS`] days, 1 to `capacity`
    /// places.
    pub fn parse(raw: &RawBooking<'_>, today: NaiveDate, capacity: u32) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let range = DayRange { earliest: today, latest: today.checked_add_months(chrono::Months::new(24)).unwrap_or(today) };
        let starts_on = collect(&mut errors, crate::validation::day("starts_on", "开始日期", raw.starts_on, range));
        let ends_on = collect(&mut errors, crate::validation::day("ends_on", "结束日期", raw.ends_on, range));
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                errors.push(FieldError::new("ends_on", "before_start", "结束日期不能早于开始日期"));
            } else if (e - s).num_days() + 1 > MAX_DAYS {
                errors.push(FieldError::new("ends_on", "too_long", format!("一次预约最多{MAX_DAYS}天，请按阶段分次预约")));
            }
        }
        let units = collect(
            &mut errors,
            match raw.units.trim() {
                "" => Ok(1),
                s => match s.parse::<u32>() {
                    Ok(u) if u >= 1 && u <= capacity => Ok(u),
                    _ => Err(FieldError::new("units", "out_of_range", format!("预约数量须为1至{capacity}之间的整数（该资源可同时容纳{capacity}个）"))),
                },
            },
        );
        match (starts_on, ends_on, units) {
            (Some(starts_on), Some(ends_on), Some(units)) if errors.is_empty() => Ok(Self { starts_on, ends_on, units }),
            _ => Err(errors),
        }
    }

    /// Whether the span shares a day with `[from, to]`.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.starts_on <= to && self.ends_on >= from
    }

    /// The number of days it spans.
    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }

    /// Places it takes over the days it shares with `[from, to]` (units × days).
    pub fn place_days_within(&self, from: NaiveDate, to: NaiveDate) -> u64 {
        let (s, e) = (self.starts_on.max(from), self.ends_on.min(to));
        if e < s {
            return 0;
        }
        u64::try_from((e - s).num_days() + 1).unwrap_or(0) * u64::from(self.units)
    }
}

/// A day on which a booking would pass the capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullDay {
    /// The day.
    pub day: NaiveDate,
    /// Places already taken on it.
    pub used: u32,
    /// The resource's capacity.
    pub capacity: u32,
}

impl FullDay {
    /// The refusal as a user reads it.
    pub fn message(&self) -> String {
        format!("{}已预约{}个，该资源每天可容纳{}个，剩余不足", self.day.format("%Y-%m-%d"), self.used, self.capacity)
    }
}

/// The places taken on each day of a window by a set of bookings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupancy {
    /// The first day of the window.
    pub from: NaiveDate,
    /// Places taken, one entry per day of the window.
    pub used: Vec<u32>,
}

impl Occupancy {
    /// The places `bookings` take on each day from `from` to `to` (included).
    pub fn of(from: NaiveDate, to: NaiveDate, bookings: &[BookingSpan]) -> Self {
        let days = usize::try_from((to - from).num_days() + 1).unwrap_or(0);
        let mut used = vec![0u32; days];
        for b in bookings.iter().filter(|b| b.overlaps(from, to)) {
            let first = usize::try_from((b.starts_on.max(from) - from).num_days()).unwrap_or(0);
            let last = usize::try_from((b.ends_on.min(to) - from).num_days()).unwrap_or(0);
            for u in used.iter_mut().take(last + 1).skip(first) {
                *u = u.saturating_add(b.units);
            }
        }
        Self { from, used }
    }

    /// The places taken on `day` (0 outside the window).
    pub fn on(&self, day: NaiveDate) -> u32 {
        usize::try_from((day - self.from).num_days()).ok().and_then(|i| self.used.get(i)).copied().unwrap_or(0)
    }

    /// The most places taken on any day.
    pub fn peak(&self) -> u32 {
        self.used.iter().copied().max().unwrap_or(0)
    }

    /// Place-days taken over the window.
    pub fn place_days(&self) -> u64 {
        self.used.iter().map(|u| u64::from(*u)).sum()
    }
}

/// Whether `new` fits beside `existing` bookings of a resource with `capacity` places: `Err`
/// names the first day it would pass the capacity.
pub fn fits(capacity: u32, existing: &[BookingSpan], new: &BookingSpan) -> Result<(), FullDay> {
    let occ = Occupancy::of(new.starts_on, new.ends_on, existing);
    for (i, used) in occ.used.iter().enumerate() {
        if used.saturating_add(new.units) > capacity {
            let day = new.starts_on + chrono::Days::new(u64::try_from(i).unwrap_or(0));
            return Err(FullDay { day, used: *used, capacity });
        }
    }
    Ok(())
}

/// `part` as a share of `whole`, in whole percent (0 when `whole` is 0): a utilisation.
pub fn percent(part: u64, whole: u64) -> u32 {
    part.saturating_mul(100).checked_div(whole).map_or(0, |p| u32::try_from(p).unwrap_or(u32::MAX))
}

/// The first and last day of the month `raw` names (`YYYY-MM`), or of `today`'s month when empty.
pub fn month(raw: &str, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), FieldError> {
    let raw = raw.trim();
    let first = if raw.is_empty() {
        today.with_day(1)
    } else {
        crate::validation::strict_day(&format!("{raw}-01")).filter(|d| (2000..=2100).contains(&d.year()))
    }
    .ok_or_else(|| FieldError::new("month", "invalid_month", "月份须为“年-月”格式，例如2026-03"))?;
    let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    fn span(from: &str, to: &str, units: u32) -> BookingSpan {
        BookingSpan { starts_on: day(from), ends_on: day(to), units }
    }

    #[test]
    fn a_booking_names_each_field_that_fails() {
        let today = day("2026-03-02");
        let good = RawBooking { starts_on: "2026-03-10", ends_on: "2026-03-20", units: "" };
        assert_eq!(BookingSpan::parse(&good, today, 1), Ok(span("2026-03-10", "2026-03-20", 1)));
        let cases: &[(RawBooking<'_>, u32, &str, &str)] = &[
            (RawBooking { starts_on: "", ..good }, 1, "starts_on", "required"),
            (RawBooking { starts_on: "2026-03-01", ..good }, 1, "starts_on", "out_of_range"),
            (RawBooking { ends_on: "2028-03-03", ..good }, 1, "ends_on", "out_of_range"),
            (RawBooking { ends_on: "2026-03-09", ..good }, 1, "ends_on", "before_start"),
            (RawBooking { ends_on: "2026-09-06", ..good }, 1, "ends_on", "too_long"),
            (RawBooking { units: "2", ..good }, 1, "units", "out_of_range"),
            (RawBooking { units: "0", ..good }, 4, "units", "out_of_range"),
            (RawBooking { units: "两", ..good }, 4, "units", "out_of_range"),
        ];
        for (raw, capacity, field, code) in cases {
            let errors = BookingSpan::parse(raw, today, *capacity).err().unwrap_or_default();
            assert!(errors.iter().any(|e| e.field == *field && e.code == *code), "{field} {code}: {errors:?}");
        }
        assert_eq!(BookingSpan::parse(&RawBooking { units: "3", ..good }, today, 4).map(|s| s.units), Ok(3));
        assert_eq!(BookingSpan::parse(&RawBooking { ends_on: "2026-09-05", ..good }, today, 1).map(|s| s.days()), Ok(MAX_DAYS));
    }

    /// No double booking: a line (capacity 1) takes one booking a day; a four-chamber room four.
    #[test]
    fn a_booking_fits_only_within_the_capacity_of_every_day() {
        let line = [span("2026-03-10", "2026-03-20", 1)];
        let rooms = [span("2026-03-10", "2026-03-12", 2), span("2026-03-12", "2026-03-14", 1)];
        /// (capacity, existing bookings, the new one, fits or the first full day and what it holds).
        type Case<'a> = (u32, &'a [BookingSpan], BookingSpan, Result<(), (&'a str, u32)>);
        let cases: &[Case<'_>] = &[
            (1, &[], span("2026-03-10", "2026-03-20", 1), Ok(())),
            (1, &line, span("2026-03-21", "2026-03-25", 1), Ok(())),
            (1, &line, span("2026-03-01", "2026-03-09", 1), Ok(())),
            (1, &line, span("2026-03-05", "2026-03-10", 1), Err(("2026-03-10", 1))),
            (1, &line, span("2026-03-20", "2026-03-22", 1), Err(("2026-03-20", 1))),
            (1, &line, span("2026-03-12", "2026-03-13", 1), Err(("2026-03-12", 1))),
            (4, &rooms, span("2026-03-10", "2026-03-14", 1), Ok(())),
            (4, &rooms, span("2026-03-11", "2026-03-13", 2), Err(("2026-03-12", 3))),
            (4, &rooms, span("2026-03-13", "2026-03-20", 3), Ok(())),
            (4, &rooms, span("2026-03-09", "2026-03-10", 3), Err(("2026-03-10", 2))),
        ];
        for (capacity, existing, new, want) in cases {
            let got = fits(*capacity, existing, new).map_err(|f| (f.day, f.used));
            let want = want.map_err(|(d, u)| (day(d), u));
            assert_eq!(got, want, "{new:?} beside {existing:?} with {capacity}");
        }
    }

    #[test]
    fn occupancy_counts_each_day_of_the_window() {
        let occ = Occupancy::of(day("2026-03-01"), day("2026-03-31"), &[span("2026-02-25", "2026-03-02", 1), span("2026-03-02", "2026-03-03", 2), span("2026-04-01", "2026-04-05", 1)]);
        assert_eq!(occ.used.len(), 31);
        assert_eq!((occ.on(day("2026-03-01")), occ.on(day("2026-03-02")), occ.on(day("2026-03-03")), occ.on(day("2026-03-04"))), (1, 3, 2, 0));
        assert_eq!((occ.peak(), occ.place_days()), (3, 6));
        assert_eq!(occ.on(day("2026-04-01")), 0, "outside the window");
    }

    #[test]
    fn a_booking_counts_its_place_days_within_a_window() {
        let (from, to) = (day("2026-01-01"), day("2026-12-31"));
        let cases = [(span("2026-03-01", "2026-03-10", 1), 10), (span("2025-12-30", "2026-01-02", 2), 4), (span("2026-12-31", "2027-01-05", 3), 3), (span("2025-01-01", "2025-12-31", 1), 0)];
        for (b, want) in cases {
            assert_eq!(b.place_days_within(from, to), want, "{b:?}");
        }
    }

    #[test]
    fn utilisation_is_a_whole_percent_and_zero_without_room() {
        for (part, whole, want) in [(0, 0, 0), (5, 0, 0), (0, 31, 0), (31, 31, 100), (10, 31, 32), (62, 62, 100), (1, 3, 33)] {
            assert_eq!(percent(part, whole), want, "{part}/{whole}");
        }
    }

    #[test]
    fn a_month_is_read_from_its_code_or_today() {
        let today = day("2026-02-14");
        assert_eq!(month("", today), Ok((day("2026-02-01"), day("2026-02-28"))));
        assert_eq!(month("2024-02", today), Ok((day("2024-02-01"), day("2024-02-29"))));
        assert_eq!(month("2026-12", today), Ok((day("2026-12-01"), day("2026-12-31"))));
        for bad in ["2026-13", "2026-2", "26-02", "2026/02", "1999-12", "2026-02-01"] {
            assert!(month(bad, today).is_err(), "{bad}");
        }
    }
}
