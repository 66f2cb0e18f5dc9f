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

/// A stored timestamp, or a typed `Corrupt` error naming it — never a
/// default that would turn a bad deadline into 1970.
pub fn read_ts(what: &str, s: &str) -> crate::StoreResult<DateTime<Utc>> {
    parse_ts(s).ok_or_else(|| crate::StoreError::Corrupt(format!("{what}: “{s}” is not a timestamp")))
}

/// A stored day (YYYY-MM-DD), or a typed `Corrupt` error naming it.
pub fn read_day(what: &str, s: &str) -> crate::StoreResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| crate::StoreError::Corrupt(format!("{what}: “{s}” is not a day")))
}

/// Timestamps in JSON exactly as they are stored ([`format_ts`]: RFC 3339,
/// microseconds, `Z`), so typed fields answer what the strings did (chrono's
/// own form drops trailing zeros of the fraction). Days need no helper: a
/// `NaiveDate` is `YYYY-MM-DD` in JSON, as stored.
pub(crate) mod serde_ts {
    use chrono::{DateTime, Utc};

    /// A timestamp.
    pub fn instant<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_ts(*t))
    }

    /// An optional timestamp.
    pub fn option<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_some(&super::format_ts(*t)),
            None => s.serialize_none(),
        }
    }
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

    #[test]
    fn typed_values_serialise_as_they_are_stored() {
        #[derive(serde::Serialize)]
        struct Typed {
            #[serde(serialize_with = "serde_ts::instant")]
            at: DateTime<Utc>,
            #[serde(serialize_with = "serde_ts::option")]
            seen: Option<DateTime<Utc>>,
            #[serde(serialize_with = "serde_ts::option")]
            never: Option<DateTime<Utc>>,
            on: chrono::NaiveDate,
        }
        let (Some(at), Some(on)) = (Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single(), chrono::NaiveDate::from_ymd_opt(2026, 1, 2)) else {
            panic!("valid dates")
        };
        let json = serde_json::to_string(&Typed { at, seen: Some(at), never: None, on }).unwrap_or_default();
        assert_eq!(json, r#"{"at":"2026-01-02T03:04:05.000000Z","seen":"2026-01-02T03:04:05.000000Z","never":null,"on":"2026-01-02"}"#);
    }

    #[test]
    fn a_bad_stored_value_is_corrupt_never_a_default() {
        assert!(read_ts("deadline", "2026-12-31T15:59:59.000000Z").is_ok());
        assert!(read_day("day", "2026-12-31").is_ok());
        for bad in ["", "1970", "2026-13-01T00:00:00Z", "tomorrow"] {
            assert!(matches!(read_ts("deadline", bad), Err(crate::StoreError::Corrupt(m)) if m.contains("deadline")), "{bad:?}");
        }
        for bad in ["", "2026-02-30", "26-11-01x"] {
            assert!(matches!(read_day("day", bad), Err(crate::StoreError::Corrupt(_))), "{bad:?}");
        }
    }
}
