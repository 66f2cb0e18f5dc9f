//! The demo dataset and the synthetic network (演示数据、合成数据), kept out
//! of the store and written only through its public functions, so what they
//! leave behind is what the workflows themselves would have written.
//!
//! - [`load_once`]: the demo, a fictional Wenzhou-like network from
//!   `data/demo/wenzhou.json` — organisations, accounts, centers with their
//!   files, experts, research results taken through the project pipeline
//!   step by step (`ResultState::apply`, screening panels that pledge and
//!   score, plans, milestones, reports, hand-offs), and the recognition story
//!   (`ApplicationState::apply`), each step dated in the past; the trust list,
//!   a witness and registered data sets of the evidence side.
//! - [`synthetic`]: the province-scale network of `pocnet bench eligibility`,
//!   written with the store's batch functions, and a synthetic expert library
//!   (`pocnet bench pages` puts both on top of the demo).

mod competitions;
mod demands;
mod evaluation;
mod evidence;
mod grants;
mod key_projects;
mod managers;
mod pilot;
mod seeds;
mod pipeline;
mod records;
mod returns;
mod roadshows;
mod sharing;
mod story;
mod vouchers;
pub mod synthetic;
mod wenzhou;

pub use story::Told;
pub use wenzhou::{is_loaded, load_once, Loaded, DATASET, DEMO_ACCOUNTS, DEMO_PASSWORD};

/// Days and instants of the demo's history, in China's time.
pub(crate) mod when {
    use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
    use pocnet_store::{StoreError, StoreResult};

    /// A day of the calendar, or why not.
    pub fn ymd(y: i32, m: u32, d: u32) -> StoreResult<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| StoreError::Corrupt(format!("demo: no day {y}-{m}-{d}")))
    }

    /// 10:00 Beijing time on `day`, plus `minutes`.
    pub fn at(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
        Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)) + Duration::hours(2) + Duration::minutes(minutes)
    }

    /// The end of `day` in China (23:59:59 UTC+8), as a deadline.
    pub fn day_end(day: NaiveDate) -> DateTime<Utc> {
        Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)) + Duration::hours(16) - Duration::seconds(1)
    }

    /// The day in China of an instant.
    pub fn china_day(t: DateTime<Utc>) -> NaiveDate {
        (t + Duration::hours(8)).date_naive()
    }
}
