//! The connection pool, migrations and write transactions.

use crate::{StoreError, StoreResult};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (one machine, one city).
    Sqlite,
    /// PostgreSQL (a province and beyond, several web nodes).
    Postgres,
}

impl Backend {
    /// Recognises the backend from a database URL.
    pub fn of_url(url: &str) -> StoreResult<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.split(':').next().unwrap_or_default().to_owned()))
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// The database behind pocnet. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time; writers queue here instead of
    /// failing with "database is locked" (the busy timeout covers other processes).
    sqlite_writer: Option<Arc<Mutex<()>>>,
}

/// A write transaction. Commit it, or drop it to roll back.
pub struct Write {
    tx: Transaction<'static, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl Write {
    /// Commits every change made through this transaction.
    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for Write {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Write {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path` creates the file; `postgres://…`).
    /// Does not migrate: call [`Store::migrate`].
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; FULL makes a
                        // committed audit record survive power loss; the busy
                        // timeout makes a second process wait instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let sqlite_writer = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Self { pool, backend, sqlite_writer })
    }

    /// Applies pending migrations, after refusing a database written by a newer pocnet.
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = self.backend.migrator();
        let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        if let Some(found) = self.applied_schema_version().await? {
            if found > known {
                return Err(StoreError::SchemaTooNew { found, known });
            }
        }
        let mut conn = self.pool.acquire().await?;
        migrator.run(&mut *conn).await?;
        drop(conn);
        crate::orgs::backfill_name_keys(&self.pool).await?;
        Ok(())
    }

    /// The newest migration applied to the database, if any ran.
    pub async fn applied_schema_version(&self) -> StoreResult<Option<i64>> {
        let table_exists: Option<i64> = match self.backend {
            Backend::Sqlite => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_optional(&self.pool)
                .await?
            }
            Backend::Postgres => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
                )
                .fetch_optional(&self.pool)
                .await?
            }
        };
        if table_exists.unwrap_or(0) == 0 {
            return Ok(None);
        }
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(&self.pool)
            .await?;
        Ok(v)
    }

    /// The newest migration this binary carries for this backend.
    pub fn known_schema_version(&self) -> i64 {
        self.backend.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction (queued behind other writers on SQLite).
    pub async fn write(&self) -> StoreResult<Write> {
        let writer = match &self.sqlite_writer {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let tx = self.pool.begin().await?;
        Ok(Write { tx, _writer: writer })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }

    /// Closes every connection (checkpointing SQLite's WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
