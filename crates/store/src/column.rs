//! Typed values read from a row's columns. Days, instants and nullable ids
//! are parsed as the row is read (`#[sqlx(try_from = "Text")]`,
//! `#[sqlx(try_from = "NullableId")]`); a stored value that does not parse
//! fails the read as [`crate::StoreError::Corrupt`] naming its column —
//! never a default.

use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::Id;
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;

/// A text column as stored, possibly NULL: a day (`YYYY-MM-DD`) or an
/// instant (UTC RFC 3339, [`crate::format_ts`]), parsed into its type by `TryFrom`.
pub(crate) struct Text(Option<String>);

impl Text {
    /// A stored value, as a test writes it.
    #[cfg(test)]
    pub(crate) fn from_stored(s: Option<&str>) -> Self {
        Self(s.map(str::to_owned))
    }
}

impl sqlx::Type<Any> for Text {
    fn type_info() -> AnyTypeInfo {
        <String as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Text {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        <Option<String> as sqlx::Decode<'r, Any>>::decode(value).map(Text)
    }
}

/// A stored text that is not what its column holds (sqlx names the column).
#[derive(Debug, thiserror::Error)]
#[error("“{value}” is not {what}")]
pub(crate) struct NotA {
    what: &'static str,
    value: String,
}

fn day(t: Option<String>) -> Result<Option<NaiveDate>, NotA> {
    t.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| NotA { what: "a day", value: s })).transpose()
}

fn instant(t: Option<String>) -> Result<Option<DateTime<Utc>>, NotA> {
    t.map(|s| crate::parse_ts(&s).ok_or(NotA { what: "a timestamp", value: s })).transpose()
}

fn required<T>(v: Option<T>) -> Result<T, NotA> {
    v.ok_or(NotA { what: "a value", value: "NULL".into() })
}

impl TryFrom<Text> for NaiveDate {
    type Error = NotA;
    fn try_from(t: Text) -> Result<Self, NotA> {
        required(day(t.0)?)
    }
}

impl TryFrom<Text> for Option<NaiveDate> {
    type Error = NotA;
    fn try_from(t: Text) -> Result<Self, NotA> {
        day(t.0)
    }
}

impl TryFrom<Text> for DateTime<Utc> {
    type Error = NotA;
    fn try_from(t: Text) -> Result<Self, NotA> {
        required(instant(t.0)?)
    }
}

impl TryFrom<Text> for Option<DateTime<Utc>> {
    type Error = NotA;
    fn try_from(t: Text) -> Result<Self, NotA> {
        instant(t.0)
    }
}

/// A nullable integer column holding a record's id (a non-null one reads
/// with `#[sqlx(try_from = "i64")]`).
pub(crate) struct NullableId(Option<i64>);

impl sqlx::Type<Any> for NullableId {
    fn type_info() -> AnyTypeInfo {
        <i64 as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for NullableId {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        <Option<i64> as sqlx::Decode<'r, Any>>::decode(value).map(NullableId)
    }
}

impl<T> From<NullableId> for Option<Id<T>> {
    fn from(v: NullableId) -> Self {
        v.0.map(Id::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_text_parses_or_names_what_it_is_not() {
        let text = Text::from_stored;
        assert_eq!(NaiveDate::try_from(text(Some("2026-02-28"))).ok(), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(Option::<NaiveDate>::try_from(text(None)).ok(), Some(None));
        assert!(NaiveDate::try_from(text(None)).is_err(), "a NULL day where one is required");
        let bad = NaiveDate::try_from(text(Some("2026-02-30"))).err().map(|e| e.to_string());
        assert_eq!(bad.as_deref(), Some("“2026-02-30” is not a day"));
        let t = DateTime::<Utc>::try_from(text(Some("2026-01-02T03:04:05.000000Z"))).ok();
        assert_eq!(t.map(crate::format_ts).as_deref(), Some("2026-01-02T03:04:05.000000Z"));
        assert!(Option::<DateTime<Utc>>::try_from(text(Some("1970"))).is_err());
        assert_eq!(Option::<pocnet_domain::id::CenterId>::from(NullableId(Some(7))), Some(pocnet_domain::id::CenterId::new(7)));
    }
}
