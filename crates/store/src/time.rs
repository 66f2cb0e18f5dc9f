//! Timestamps as stored: UTC RFC 3339 with microseconds, sortable as text.

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats a timestamp for storage.
pub fn format_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a stored timestamp.
/// The day in China (UTC+8) of an instant: deadlines are counted in local days.
pub(crate) fn china_day(t: DateTime<Utc>) -> chrono::NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// Parses a stored timestamp.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn round_trip_and_text_order() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single();
        let b = Utc.with_ymd_and_hms(2026, 11, 2, 3, 4, 5).single();
        let (Some(a), Some(b)) = (a, b) else { panic!("valid dates") };
        assert_eq!(parse_ts(&format_ts(a)), Some(a));
        assert!(format_ts(a) < format_ts(b));
        assert_eq!(format_ts(a), "2026-01-02T03:04:05.000000Z");
    }
}
