//! Validation errors that name the field and the rule.
//!
//! The `code` is stable (clients branch on it); the `message` is Chinese and
//! shown to users as is.

use chrono::NaiveDate;
use serde::Serialize;

/// One input field broke one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The input field, as named in the form and the JSON body.
    pub field: String,
    /// The rule that was broken, e.g. `too_short`, `required`, `unknown_value`.
    pub code: &'static str,
    /// What went wrong, in Chinese, for the user.
    pub message: String,
}

impl FieldError {
    /// A new error for `field` breaking `code`.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into() }
    }

    /// The field is empty.
    pub fn required(field: &str, label: &str) -> Self {
        Self::new(field, "required", format!("{label}不能为空"))
    }

    /// The value is not one of the allowed codes.
    pub fn unknown_value(field: &str, label: &str) -> Self {
        Self::new(field, "unknown_value", format!("{label}的取值无效"))
    }
}

/// A text refused for a character one cannot see or that reorders the text
/// (crate::text), naming the character.
pub fn refused_characters(field: &str, label: &str, r: crate::text::Refused) -> FieldError {
    FieldError::new(field, "invalid_characters", r.message(label))
}

/// Normalises `raw` (NFC, crate::text), trims it and checks its length in
/// characters (not bytes: Chinese text). One line: no line breaks or tabs.
pub fn text(field: &str, label: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = multiline(field, label, raw, min, max)?;
    if value.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, "invalid_characters", format!("{label}不能包含换行或控制字符")));
    }
    Ok(value)
}

/// Normalises and trims a multi-line text (line breaks and tabs kept) and
/// checks its length in characters.
pub fn multiline(field: &str, label: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let normal = crate::text::normalise(raw).map_err(|r| refused_characters(field, label, r))?;
    let value = normal.trim();
    let len = value.chars().count();
    if len == 0 && min > 0 {
        return Err(FieldError::required(field, label));
    }
    if len < min {
        return Err(FieldError::new(field, "too_short", format!("{label}至少需要{min}个字符")));
    }
    if len > max {
        return Err(FieldError::new(field, "too_long", format!("{label}不能超过{max}个字符")));
    }
    Ok(value.to_owned())
}

/// The days a date field may take (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    /// The earliest day accepted.
    pub earliest: NaiveDate,
    /// The latest day accepted.
    pub latest: NaiveDate,
}

/// 2000-01-01: no record pocnet keeps (centers, calls, verification,
/// outcomes counted toward criteria) predates it.
fn year_2000() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl DayRange {
    /// Any day a record may carry, past or planned: from 2000 to ten years
    /// ahead (fields that must not lie ahead say so with their own rule).
    pub fn records(today: NaiveDate) -> Self {
        Self { earliest: year_2000(), latest: today.checked_add_months(chrono::Months::new(120)).unwrap_or(today) }
    }

    /// `d` if it lies in the range, else the field error.
    pub fn check(self, field: &str, label: &str, d: NaiveDate) -> Result<NaiveDate, FieldError> {
        if d < self.earliest || d > self.latest {
            return Err(FieldError::new(
                field,
                "out_of_range",
                format!("{label}须在{}至{}之间", self.earliest.format("%Y-%m-%d"), self.latest.format("%Y-%m-%d")),
            ));
        }
        Ok(d)
    }

    /// Any day of the years 2000–2100 (where no clock is at hand: calendars, availability).
    pub fn years_2000_to_2100() -> Self {
        Self { earliest: year_2000(), latest: NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX) }
    }
}

/// A day written exactly as `YYYY-MM-DD` (four-digit year, two-digit month
/// and day; no sign, no short year, no time), or `None`.
pub fn strict_day(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| raw.get(r).and_then(|s| s.parse::<u32>().ok());
    let year = i32::try_from(n(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, n(5..7)?, n(8..10)?)
}

/// Keeps the value of one of several parses, or records its error with the others (every field
/// of a form reported at once).
pub(crate) fn collect<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// Parses a date field strictly ([`strict_day`]) within `range`.
pub fn day(field: &str, label: &str, raw: &str, range: DayRange) -> Result<NaiveDate, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::required(field, label));
    }
    let d = strict_day(raw)
        .ok_or_else(|| FieldError::new(field, "invalid_date", format!("{label}须为“年-月-日”格式的日期，例如2026-03-15")))?;
    range.check(field, label, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules_table() {
        let cases: &[(&str, usize, usize, Result<&str, &str>)] = &[
            ("  温州  ", 2, 10, Ok("温州")),
            ("", 1, 10, Err("required")),
            ("   ", 1, 10, Err("required")),
            ("温", 2, 10, Err("too_short")),
            ("温州市科学技术局", 2, 5, Err("too_long")),
            ("a\u{0007}b", 1, 10, Err("invalid_characters")),
            ("瓯江\u{200b}理工", 1, 10, Err("invalid_characters")),
            ("一\n二", 1, 10, Err("invalid_characters")),
            ("e\u{0301}", 1, 10, Ok("\u{e9}")),
            ("", 0, 10, Ok("")),
        ];
        for (raw, min, max, want) in cases {
            let got = text("name", "名称", raw, *min, *max);
            match (want, got) {
                (Ok(v), Ok(g)) => assert_eq!(*v, g, "input {raw:?}"),
                (Err(code), Err(e)) => {
                    assert_eq!(*code, e.code, "input {raw:?}");
                    assert_eq!(e.field, "name");
                    assert!(e.message.contains("名称"));
                }
                (w, g) => panic!("input {raw:?}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn dates_are_strict_and_sane() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or(NaiveDate::MIN);
        // Something that has happened: from 2000 to today.
        let happened = DayRange { earliest: year_2000(), latest: today };
        let planned = DayRange::records(today);
        // (raw, range, Ok(day) or the error code) — issue 11 §6.
        let cases: &[(&str, DayRange, Result<&str, &str>)] = &[
            ("2026-11-01", happened, Ok("2026-11-01")),
            (" 2026-11-01 ", happened, Ok("2026-11-01")),
            ("26-11-01", happened, Err("invalid_date")),
            ("+2026-01-01", planned, Err("invalid_date")),
            ("2026-1-5", planned, Err("invalid_date")),
            ("2026/01/05", planned, Err("invalid_date")),
            ("2026-01-05T00:00:00", planned, Err("invalid_date")),
            ("2026-02-30", planned, Err("invalid_date")),
            ("２０２６-01-05", planned, Err("invalid_date")),
            ("", planned, Err("required")),
            ("0001-01-01", happened, Err("out_of_range")),
            ("1999-12-31", happened, Err("out_of_range")),
            ("2000-01-01", happened, Ok("2000-01-01")),
            ("2026-12-03", happened, Err("out_of_range")),
            ("2036-12-02", planned, Ok("2036-12-02")),
            ("2036-12-03", planned, Err("out_of_range")),
            ("9999-12-31", planned, Err("out_of_range")),
        ];
        for (raw, range, want) in cases {
            let got = day("deadline", "截止日期", raw, *range).map(|d| d.format("%Y-%m-%d").to_string()).map_err(|e| {
                assert_eq!(e.field, "deadline");
                assert!(e.message.contains("截止日期"), "{}", e.message);
                e.code
            });
            assert_eq!(got.as_deref().map_err(|c| *c), want.as_ref().map(|d| *d).map_err(|c| *c), "input {raw:?}");
        }
    }
}
