//! What every workflow runs against: the database, the policy profiles and
//! the working-day calendar in effect, and the clock.

use crate::clock::Clock;
use pocnet_domain::calendar::HolidayCalendar;
use pocnet_domain::catalogue::{self, Catalogue};
use pocnet_domain::center::CenterKind;
use pocnet_domain::policy::{Profile, SHIPPED};
use pocnet_store::Store;
use std::sync::{Arc, Mutex};

/// The calendar with the bureau's uploads overlaid, keyed by the newest upload's id.
type EffectiveCalendar = Mutex<Option<(pocnet_domain::id::CalendarUploadId, Arc<HolidayCalendar>)>>;

/// The world a workflow runs in. Cheap to clone.
#[derive(Clone)]
pub struct Context {
    store: Store,
    policies: Arc<Vec<Profile>>,
    calendar: Arc<HolidayCalendar>,
    clock: Arc<dyn Clock>,
    /// See [`crate::calendar::effective`].
    effective_calendar: Arc<EffectiveCalendar>,
    /// See [`crate::evaluation::ranking`]: published rounds never change, so their rankings are kept.
    published_rankings: Arc<crate::evaluation::RankingCache>,
    /// The installation's signing keys (存证), when this process signs.
    notary: Option<Arc<crate::evidence::Notary>>,
}

impl Context {
    /// A context over `store` with the policies and calendar in effect.
    pub fn new(store: Store, policies: Arc<Vec<Profile>>, calendar: Arc<HolidayCalendar>, clock: Arc<dyn Clock>) -> Self {
        Self { store, policies, calendar, clock, effective_calendar: Arc::new(Mutex::new(None)), published_rankings: Arc::default(), notary: None }
    }

    /// The same context signing with `notary`.
    pub fn with_notary(mut self, notary: crate::evidence::Notary) -> Self {
        self.notary = Some(Arc::new(notary));
        self
    }

    /// The installation's signing keys (an error where this process holds none).
    pub fn notary(&self) -> crate::Result<&crate::evidence::Notary> {
        self.notary.as_deref().ok_or_else(|| crate::Error::Internal("this process holds no signing keys (存证签名密钥未加载)".to_owned()))
    }

    /// The rankings of published rounds computed so far.
    pub(crate) fn published_rankings(&self) -> &crate::evaluation::RankingCache {
        &self.published_rankings
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The policy profiles in effect (shipped, replaced or joined by the data directory's).
    pub fn policies(&self) -> &[Profile] {
        &self.policies
    }

    /// The policy profiles, shared.
    pub fn policies_arc(&self) -> &Arc<Vec<Profile>> {
        &self.policies
    }

    /// The profile with this id, if loaded.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The working-day calendar as configured (uploads in the database are
    /// layered over it by the calendar workflow).
    pub fn calendar(&self) -> &Arc<HolidayCalendar> {
        &self.calendar
    }

    /// The last calendar with the uploads overlaid (see [`crate::calendar::effective`]).
    pub(crate) fn effective_calendar(&self) -> &EffectiveCalendar {
        &self.effective_calendar
    }

    /// Now (a hand-moved clock in tests).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today in China (UTC+8): the day deadlines and notices count in.
    pub fn today(&self) -> chrono::NaiveDate {
        (self.now() + chrono::Duration::hours(8)).date_naive()
    }

    /// The catalogue a center's fields and results are checked against: its
    /// profile's own, or, under no profile yet, every loaded profile's of its kind.
    pub fn catalogue_for(&self, kind: CenterKind, profile_id: Option<&str>) -> Catalogue {
        catalogue::for_center(&self.policies, kind, profile_id)
    }
}

/// The profiles shipped in the binary (each is tested to parse).
pub fn shipped_policies() -> Vec<Profile> {
    SHIPPED.iter().filter_map(|(id, text)| Profile::parse(text, Some(id)).ok()).collect()
}

/// The shipped State Council calendar (tested to parse); empty if it did not.
pub fn shipped_calendar() -> HolidayCalendar {
    HolidayCalendar::state_council().unwrap_or_else(|_| HolidayCalendar::empty())
}
