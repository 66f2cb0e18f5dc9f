//! The connection pool, migrations and write transactions.

use crate::{StoreError, StoreResult};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
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

    /// The newest migration this binary carries for this backend (a restore
    /// refuses a backup of a newer schema).
    pub fn known_schema_version(self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }
}

/// How busy SQLite's single writer is, for `/metrics`: transactions waiting
/// for the writer, holding it (0 or 1), and counters since start.
#[derive(Debug, Default)]
struct WriterGauges {
    waiting: AtomicU64,
    holding: AtomicU64,
    acquired_total: AtomicU64,
    wait_micros_total: AtomicU64,
}

/// A snapshot of the SQLite writer queue ([`Store::writer_queue`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterQueue {
    /// Write transactions waiting for the writer now.
    pub waiting: u64,
    /// Write transactions holding the writer now (0 or 1).
    pub holding: u64,
    /// Write transactions that got the writer since start.
    pub acquired_total: u64,
    /// Microseconds spent waiting for the writer since start, summed.
    pub wait_micros_total: u64,
}

/// Decrements a gauge when dropped, so a cancelled wait or a dropped
/// transaction is never counted forever.
struct GaugeGuard {
    gauges: Arc<WriterGauges>,
    holding: bool,
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        let gauge = if self.holding { &self.gauges.holding } else { &self.gauges.waiting };
        gauge.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What `PRAGMA integrity_check` (SQLite) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    /// The database file is sound.
    Ok,
    /// The problems reported (at most the first hundred).
    Damaged(Vec<String>),
}

/// The database behind pocnet. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time; writers queue here instead of
    /// failing with "database is locked" (the busy timeout covers other processes).
    sqlite_writer: Option<Arc<Mutex<()>>>,
    writer_gauges: Arc<WriterGauges>,
}

/// A write transaction. Commit it, or drop it to roll back.
pub struct Write {
    tx: Transaction<'static, Any>,
    // Field order matters: the transaction ends, then the writer is released,
    // then the gauge says so.
    _writer: Option<OwnedMutexGuard<()>>,
    _held: Option<GaugeGuard>,
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
        Ok(Self { pool, backend, sqlite_writer, writer_gauges: Arc::default() })
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

    /// Refreshes the planner's statistics (`ANALYZE`) after a bulk load, so list
    /// queries pick the indexes that fit the data (PostgreSQL's autovacuum does
    /// this by itself in time; a SQLite server does it in housekeeping, see
    /// [`Store::optimize`]). Without statistics SQLite takes every equality
    /// index as equally selective and may read all results in one state rather
    /// than one center's. (Its statistics count the NULLs of a unique nullable
    /// column as one value, so lists never let it drive a join from the other
    /// table: `+e.org_id`, `+r.owner_org_id`.)
    ///
    /// On PostgreSQL it also vacuums (`VACUUM (ANALYZE)`): after a bulk load no
    /// page is marked all-visible yet, so an index-only scan (a page found by
    /// number is positioned by one) still reads every row's heap page — 88 ms
    /// against 3 ms for page 500 of the province's results.
    pub async fn analyze(&self) -> StoreResult<()> {
        let statement = if self.backend == Backend::Postgres { "VACUUM (ANALYZE)" } else { "ANALYZE" };
        sqlx::raw_sql(statement).execute(&self.pool).await?;
        Ok(())
    }

    /// The planner's upkeep for a running server: on SQLite, analyzes the tables
    /// never analyzed or grown since (bounded work per table); nothing on
    /// PostgreSQL (autovacuum).
    pub async fn optimize(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            let mut conn = self.pool.acquire().await?;
            sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
            sqlx::query("PRAGMA optimize = 0x10002").execute(&mut *conn).await?;
        }
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

    /// How many tables the database holds (in PostgreSQL's current schema):
    /// zero for a database nothing was ever written to.
    pub async fn table_count(&self) -> StoreResult<i64> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            Backend::Postgres => "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        };
        Ok(sqlx::query_scalar(sql).fetch_one(&self.pool).await?)
    }

    /// The newest migration this binary carries for this backend.
    pub fn known_schema_version(&self) -> i64 {
        self.backend.known_schema_version()
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
        let (writer, held) = match &self.sqlite_writer {
            Some(lock) => {
                let gauges = &self.writer_gauges;
                gauges.waiting.fetch_add(1, Ordering::Relaxed);
                let waiting = GaugeGuard { gauges: gauges.clone(), holding: false };
                let started = std::time::Instant::now();
                let guard = lock.clone().lock_owned().await;
                gauges.holding.fetch_add(1, Ordering::Relaxed);
                let held = GaugeGuard { gauges: gauges.clone(), holding: true };
                drop(waiting);
                let waited = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                gauges.wait_micros_total.fetch_add(waited, Ordering::Relaxed);
                gauges.acquired_total.fetch_add(1, Ordering::Relaxed);
                (Some(guard), Some(held))
            }
            None => (None, None),
        };
        let tx = self.pool.begin().await?;
        Ok(Write { tx, _writer: writer, _held: held })
    }

    /// The SQLite writer queue now (all zero on PostgreSQL, which has no single writer).
    pub fn writer_queue(&self) -> WriterQueue {
        let g = &self.writer_gauges;
        WriterQueue {
            waiting: g.waiting.load(Ordering::Relaxed),
            holding: g.holding.load(Ordering::Relaxed),
            acquired_total: g.acquired_total.load(Ordering::Relaxed),
            wait_micros_total: g.wait_micros_total.load(Ordering::Relaxed),
        }
    }

    /// Writes a consistent copy of the SQLite database to `target` (which must
    /// not exist) with `VACUUM INTO`: one read transaction, so the copy holds
    /// every transaction committed before it began (including those still in
    /// the WAL) and none after; writers go on meanwhile. SQLite only.
    pub async fn vacuum_into(&self, target: &std::path::Path) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::UnsupportedUrl("postgres (VACUUM INTO needs SQLite)".to_owned()));
        }
        let mut conn = self.pool.acquire().await?;
        sqlx::query("VACUUM INTO $1").bind(target.to_string_lossy().into_owned()).execute(&mut *conn).await?;
        Ok(())
    }

    /// Runs `PRAGMA integrity_check` (SQLite). PostgreSQL checks its pages
    /// itself, so there it answers [`Integrity::Ok`] once the database answers.
    pub async fn integrity_check(&self) -> StoreResult<Integrity> {
        if self.backend != Backend::Sqlite {
            self.ping().await?;
            return Ok(Integrity::Ok);
        }
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check(100)").fetch_all(&self.pool).await?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(Integrity::Ok)
        } else {
            Ok(Integrity::Damaged(rows))
        }
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
