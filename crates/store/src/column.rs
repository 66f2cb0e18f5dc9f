//! Typed values read from a row's columns. Days, instants, codes and
//! nullable ids are parsed as the row is read (`#[sqlx(try_from = "Day")]`,
//! `"Instant"`, `"MaybeDay"`, `"MaybeInstant"`, `"Code<RunStatus>"`,
//! `"NullableId"`): the text is parsed while it is decoded, so a stored value
//! that does not parse fails the read as [`crate::StoreError::Corrupt`] naming
//! its column and the value — never a default. (Parsing in a `TryFrom` of the
//! stored `String` would lose the reason: sqlx 0.8.6 reports a failed
//! `try_from` as an "unprintable error".)

use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::Id;
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use pocnet_domain::UnknownValue;
use sqlx::error::BoxDynError;
use std::str::FromStr;

/// A stored text that is not what its column holds (sqlx names the column).
#[derive(Debug, thiserror::Error)]
#[error("“{value}” is not {what}")]
pub(crate) struct NotA {
    what: &'static str,
    value: String,
}

fn day(s: String) -> Result<NaiveDate, NotA> {
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| NotA { what: "a day", value: s })
}

fn instant(s: String) -> Result<DateTime<Utc>, NotA> {
    crate::parse_ts(&s).ok_or(NotA { what: "a timestamp", value: s })
}

/// A column read as `$value`, decoded from `$stored` (`Option<_>` for a
/// nullable one) by `$parse` (`Ok` for no parsing), with `From` into `$value`.
macro_rules! column {
    ($(#[$m:meta])* $name:ident: $value:ty, from $stored:ty, by $parse:expr) => {
        $(#[$m])*
        pub(crate) struct $name($value);

        impl sqlx::Type<Any> for $name {
            fn type_info() -> AnyTypeInfo {
                <$stored as sqlx::Type<Any>>::type_info()
            }

            fn compatible(ty: &AnyTypeInfo) -> bool {
                <$stored as sqlx::Type<Any>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, Any> for $name {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let stored = <$stored as sqlx::Decode<'r, Any>>::decode(value)?;
                Ok($name($parse(stored)?))
            }
        }

        impl From<$name> for $value {
            fn from(c: $name) -> Self {
                c.0
            }
        }
    };
}

column! {
    /// A day (`YYYY-MM-DD`).
    Day: NaiveDate, from String, by day
}

column! {
    /// A day, or NULL.
    MaybeDay: Option<NaiveDate>, from Option<String>, by |s: Option<String>| s.map(day).transpose()
}

column! {
    /// An instant (UTC RFC 3339, as [`crate::format_ts`] writes it).
    Instant: DateTime<Utc>, from String, by instant
}

column! {
    /// An instant, or NULL.
    MaybeInstant: Option<DateTime<Utc>>, from Option<String>, by |s: Option<String>| s.map(instant).transpose()
}

column! {
    /// A flag stored as an integer (0 = no), the same on both databases.
    Flag: bool, from i64, by |v: i64| Ok::<_, NotA>(v != 0)
}

column! {
    /// A nullable integer column holding a record's id (a non-null one reads
    /// with `#[sqlx(try_from = "i64")]`).
    NullableId: Option<i64>, from Option<i64>, by Ok::<_, NotA>
}

/// A stored code read as its enum (a `string_enum!` type): an unknown code
/// fails the read, naming the code.
pub(crate) struct Code<T>(T);

impl<T> sqlx::Type<Any> for Code<T> {
    fn type_info() -> AnyTypeInfo {
        <String as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r, T: FromStr<Err = UnknownValue>> sqlx::Decode<'r, Any> for Code<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let stored = <String as sqlx::Decode<'r, Any>>::decode(value)?;
        Ok(Code(stored.parse()?))
    }
}

/// A nullable stored code read as its enum (`None` for NULL): an unknown
/// code fails the read, naming the code.
pub(crate) struct MaybeCode<T>(Option<T>);

impl<T> sqlx::Type<Any> for MaybeCode<T> {
    fn type_info() -> AnyTypeInfo {
        <String as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r, T: FromStr<Err = UnknownValue>> sqlx::Decode<'r, Any> for MaybeCode<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let stored = <Option<String> as sqlx::Decode<'r, Any>>::decode(value)?;
        Ok(MaybeCode(stored.map(|s| s.parse()).transpose()?))
    }
}

/// The enums the store reads as [`Code`]s.
macro_rules! codes {
    ($($t:ty),+ $(,)?) => {
        $(impl From<Code<$t>> for $t {
            fn from(c: Code<$t>) -> Self {
                c.0
            }
        }
        impl From<MaybeCode<$t>> for Option<$t> {
            fn from(c: MaybeCode<$t>) -> Self {
                c.0
            }
        })+
    };
}

codes!(
    pocnet_domain::recognition::ActorKind,
    pocnet_domain::recognition::ApplicationState,
    pocnet_domain::expert::ExpertKind,
    pocnet_domain::supervision::ChangeKind,
    pocnet_domain::supervision::ChangeDecision,
    pocnet_domain::supervision::ReevaluationResult,
    pocnet_domain::recognition::ReviewAction,
    pocnet_domain::library::pipeline::RecordedAction,
    pocnet_domain::outcome::OutcomeKind,
    pocnet_domain::library::verification::HandoffState,
    pocnet_domain::library::verification::Recommendation,
    pocnet_domain::objection::ObjectionStatus,
    pocnet_domain::research_result::ResultState,
    pocnet_domain::panel::RunPurpose,
    pocnet_domain::panel::RunStatus,
    pocnet_domain::evaluation::RoundState,
    pocnet_domain::evaluation::ReportState,
    pocnet_domain::evaluation::EvaluationState,
    pocnet_domain::evaluation::ActionState,
    pocnet_domain::evaluation::ActionKind,
    pocnet_domain::org::OrgKind,
    pocnet_domain::region::Region,
    pocnet_domain::matching::DemandState,
    pocnet_domain::matching::Answer,
    pocnet_domain::matching::MatchStage,
    pocnet_domain::center::CenterKind,
    pocnet_domain::sharing::OfferKind,
    pocnet_domain::sharing::OfferState,
    pocnet_domain::sharing::RequestPurpose,
    pocnet_domain::sharing::RequestState,
    pocnet_domain::sharing::PolicyItemState,
    pocnet_domain::finance::voucher::QuotaState,
    pocnet_domain::finance::voucher::UseState,
    pocnet_domain::finance::returns::ReturnInstrument,
    pocnet_domain::finance::returns::ReturnForm,
    pocnet_domain::finance::roadshow::RoadshowKind,
    pocnet_domain::finance::roadshow::RoadshowMode,
    pocnet_domain::finance::roadshow::RoadshowState,
    pocnet_domain::finance::roadshow::InviteeKind,
    pocnet_domain::finance::roadshow::Attendance,
    pocnet_domain::finance::investment::InterestState,
    pocnet_domain::finance::investment::InterestStep,
    pocnet_domain::finance::grant::GrantState,
    pocnet_domain::finance::product::ProductKind,
    pocnet_domain::finance::product::ProductApplicationState,
    pocnet_domain::pilot::PilotSource,
    pocnet_domain::pilot::PilotState,
    pocnet_domain::pilot::PilotStage,
    pocnet_domain::pilot::MassProduction,
    pocnet_domain::pilot::MarketFit,
    pocnet_domain::seeds::ConceptState,
    pocnet_domain::seeds::BatchState,
    pocnet_domain::seeds::Verdict,
    pocnet_domain::key_projects::KeyCategory,
    pocnet_domain::key_projects::KeyState,
    pocnet_domain::competitions::CompetitionState,
    pocnet_domain::competitions::EntryState,
    pocnet_domain::competitions::Prize,
    pocnet_domain::managers::assignment::AssignmentState,
    pocnet_domain::managers::assignment::EntryKind,
    pocnet_domain::managers::assignment::Decision,
    pocnet_domain::managers::assignment::ExitRoute,
    pocnet_domain::managers::assessment::Grade,
);

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
        assert_eq!(day("2026-02-28".into()).ok(), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(day("2026-02-30".into()).err().map(|e| e.to_string()).as_deref(), Some("“2026-02-30” is not a day"));
        let t = instant("2026-01-02T03:04:05.000000Z".into()).ok();
        assert_eq!(t.map(crate::format_ts).as_deref(), Some("2026-01-02T03:04:05.000000Z"));
        assert_eq!(instant("1970".into()).err().map(|e| e.to_string()).as_deref(), Some("“1970” is not a timestamp"));
        assert_eq!(Option::<pocnet_domain::id::CenterId>::from(NullableId(Some(7))), Some(pocnet_domain::id::CenterId::new(7)));
    }

    /// What a hand-edited database may hold, written in SQL (the store writes no such value).
    #[tokio::test]
    #[allow(clippy::unwrap_used, clippy::expect_used)]
    async fn a_bad_stored_value_is_corrupt_naming_its_column() {
        use crate::{centers, orgs, supervision, Actor, StoreError};
        use pocnet_domain::supervision::ChangeKind;
        let (store, _dir) = crate::testing::fresh().await;
        let (org, center) = crate::testing::fixture(&store).await;
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
        let mut tx = store.write().await.expect("tx");
        let report = supervision::file_change(&mut tx, &Actor::system("test"), Utc::now(), center, ChangeKind::ALL[0], day, None, day, false, "测试").await.expect("report");
        tx.commit().await.expect("commit");
        let corrupt = |sql: &'static str, id: i64| {
            let pool = store.pool().clone();
            async move { sqlx::query(sql).bind(id).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}")) }
        };
        fn names<T: std::fmt::Debug>(r: Result<T, StoreError>, column: &str, value: &str) {
            match r {
                Err(StoreError::Corrupt(m)) => assert!(m.starts_with(&format!("{column}: ")) && m.contains(value), "{m}"),
                other => panic!("{column} = {value:?} read as {other:?}"),
            }
        }
        assert!(orgs::get(store.pool(), org).await.is_ok() && centers::get(store.pool(), center).await.is_ok());
        // An instant that is none, a day that is no day, a code no enum knows.
        corrupt("UPDATE organisations SET updated_at = 'yesterday' WHERE id = $1", org.get()).await;
        names(orgs::get(store.pool(), org).await, "updated_at", "yesterday");
        corrupt("UPDATE centers SET recognized_on = '2026-02-30' WHERE id = $1", center.get()).await;
        names(centers::get(store.pool(), center).await, "recognized_on", "2026-02-30");
        corrupt("UPDATE change_reports SET kind = 'rumour' WHERE id = $1", report.id.get()).await;
        names(supervision::change(store.pool(), report.id).await, "kind", "rumour");
        store.close().await;
    }
}
