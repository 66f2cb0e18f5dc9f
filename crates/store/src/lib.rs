//! Persistence for pocnet: one schema, migrations for SQLite and PostgreSQL.
//!
//! Queries are written once in portable SQL (`$1` placeholders, `RETURNING`,
//! text timestamps) and run through `sqlx::Any`, so the same code and the same
//! integration suite serve the embedded SQLite of a city and the PostgreSQL of a
//! province. Each backend keeps its own `migrations/` folder with the same
//! versions. Mutations take an [`Actor`] and write their [`audit`] record in the
//! same transaction, so no change escapes the trail.

pub mod applications;
pub mod assignments;
pub mod audit;
mod batch;
pub mod calendar;
mod column;
pub mod calls;
pub mod centers;
pub mod competitions;
mod db;
pub mod expert_accounts;
pub mod evaluations;
pub mod evidence;
pub mod experts;
pub mod finance;
pub mod key_projects;
pub mod library;
mod listing;
pub mod login_throttle;
pub mod managers;
pub mod matching;
pub mod orgs;
pub mod panels;
pub mod pilot;
pub mod registry;
mod paging;
pub mod results;
pub mod sessions;
pub mod scratch;
pub mod search_faces;
pub mod seeds;
pub mod search_outbox;
pub mod settings;
pub mod sharing;
mod sql_where;
pub mod stats;
pub mod supervision;
pub mod tallies;
#[cfg(test)]
mod testing;
pub mod todo;
mod time;
pub mod users;

pub use db::{Backend, Integrity, Store, Write, WriterQueue};
pub use paging::{Page, Paged, SortDir};
pub use time::{format_ts, parse_ts, read_day, read_ts};

/// Who performs a change: a signed-in user, or the system itself (CLI, demo loader).
#[derive(Debug, Clone)]
pub struct Actor {
    /// The acting user's id, if a user acts.
    pub user_id: Option<pocnet_domain::id::UserId>,
    /// Who, as shown in the audit trail (username or `system:…`).
    pub label: String,
    /// The client address, when the change came over HTTP.
    pub ip: Option<String>,
}

impl Actor {
    /// A signed-in user acting from `ip`.
    pub fn user(user_id: pocnet_domain::id::UserId, username: &str, ip: Option<String>) -> Self {
        Self { user_id: Some(user_id), label: username.to_owned(), ip }
    }

    /// The acting user's id as the `actor_id` and `*_by` columns store it.
    pub(crate) fn user_column(&self) -> Option<i64> {
        self.user_id.map(pocnet_domain::id::UserId::get)
    }

    /// The platform itself (a CLI command, the demo loader).
    pub fn system(what: &str) -> Self {
        Self { user_id: None, label: format!("system:{what}"), ip: None }
    }
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// Someone else changed the record since the caller read it (optimistic lock).
    #[error("the record was changed by someone else (expected version {expected})")]
    VersionConflict {
        /// The version the caller edited.
        expected: i64,
    },
    /// A unique value is already taken.
    #[error("{field} already exists")]
    Duplicate {
        /// The input field whose value is taken.
        field: &'static str,
    },
    /// A rule of the record's state refuses the change (e.g. an expert already
    /// has an account); `code` is stable, `message` Chinese.
    #[error("{code}: {message}")]
    Refused {
        /// Stable code.
        code: &'static str,
        /// Chinese message for the user.
        message: String,
    },
    /// The database was written by a newer pocnet.
    #[error(
        "the database schema is at version {found}, newer than this pocnet knows ({known}); \
         refusing to start so nothing is corrupted — run a newer pocnet"
    )]
    SchemaTooNew {
        /// The newest migration applied to the database.
        found: i64,
        /// The newest migration this binary carries.
        known: i64,
    },
    /// A stored value does not parse (a bug or a hand-edited database); a
    /// column read into a type names the column.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// The database URL is not one pocnet supports.
    #[error("unsupported database URL (use sqlite://… or postgres://…): {0}")]
    UnsupportedUrl(String),
    /// A migration failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database failed.
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    /// A column that does not read as its type (a day that is no day, an
    /// unknown status code) is a corrupt stored value naming the column;
    /// anything else is the database failing.
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::ColumnDecode { index, source } => StoreError::Corrupt(format!("{}: {source}", index.trim_matches('"'))),
            e => StoreError::Db(e),
        }
    }
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Duplicate`] on `field`.
    pub(crate) fn on_unique(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field },
            _ => StoreError::Db(e),
        }
    }

    /// A compare-and-set that changed `rows` rows: none means the record moved on from `version`
    /// (or left the state the statement required) — [`StoreError::VersionConflict`].
    pub(crate) fn unless_changed(rows: u64, version: i64) -> StoreResult<()> {
        if rows == 0 {
            return Err(StoreError::VersionConflict { expected: version });
        }
        Ok(())
    }
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Parses a stored enum code, reporting corruption instead of panicking.
pub(crate) fn parse_code<T>(value: &str, parse: impl Fn(&str) -> Result<T, pocnet_domain::UnknownValue>) -> StoreResult<T> {
    parse(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_that_does_not_read_is_corrupt_naming_the_column() {
        // sqlx quotes the column it names (`"visited_on"`).
        let e = StoreError::from(sqlx::Error::ColumnDecode { index: "\"visited_on\"".into(), source: "“2026-02-30” is not a day".into() });
        assert!(matches!(&e, StoreError::Corrupt(m) if m == "visited_on: “2026-02-30” is not a day"), "{e:?}");
        assert!(matches!(StoreError::from(sqlx::Error::RowNotFound), StoreError::Db(_)));
    }
}
