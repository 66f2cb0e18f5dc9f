//! The pocnet web UI (server-rendered, zh-CN, works without JavaScript) and the
//! JSON API under `/api/v1`, on axum.
//!
//! A request flows: tracing → body limit → [`auth::session`] (who is calling)
//! → [`auth::csrf`] (is a form or cookie request genuine) → a feature's
//! handler in [`routes`] (thin: parse, check role and record rights, call the
//! store, render) → [`error::html_error_pages`] turns an error of a page into
//! a Chinese error page or a login redirect; API errors stay JSON.

mod cache;
pub mod auth;
pub mod charts;
pub use pocnet_app::clock;
pub mod config;
pub mod error;
mod extract;
pub mod metrics;
mod openapi;
pub mod routes;
pub mod security_headers;
mod text_input;
mod views;
mod xlsx;

use crate::clock::Clock;
use crate::config::WebConfig;
use axum::extract::{DefaultBodyLimit, State};
use axum::Router;
use pocnet_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

pub use openapi::openapi_document;

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    /// The workflows' context (store, policies, calendar, clock).
    context: pocnet_app::Context,
    config: WebConfig,
    clock: Arc<dyn Clock>,
    /// A real argon2 hash to verify against when the username is unknown, so
    /// the response time does not reveal which usernames exist.
    fallback_hash: String,
    /// Request counts and latencies for `/metrics`.
    metrics: metrics::Registry,
    /// The registry's figures per (region, day), while no center changes.
    registry_figures: cache::GenerationCache<(Option<String>, String), pocnet_store::stats::RegistryCounts>,
    /// Every center, while none changes (the lists' center choices).
    all_centers: cache::GenerationCache<(), Vec<pocnet_store::centers::Center>>,
    /// The 服务领域 list and the capability coverage (资源共享), by the same generation.
    sharing_lists: cache::GenerationCache<(), routes::sharing::FourLists>,
    /// The white papers composed, by year.
    white_papers: routes::white_paper::WhitePapers,
    /// The search index (kept current from the outbox).
    search: Arc<pocnet_search::SearchIndex>,
    /// When a search reads the outbox first.
    search_freshness: pocnet_app::search::Freshness,
}

impl AppState {
    /// Builds the state. Hashes a throwaway password once (a few ms).
    pub fn new(store: Store, config: WebConfig, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let fallback_hash = auth::password::hash_blocking("pocnet-fallback-not-a-password")?;
        let notary = match &config.log_keys_dir {
            Some(dir) => {
                let (notary, made) = pocnet_app::evidence::Notary::open_or_create(dir, &config.log_origin)?;
                if made {
                    tracing::info!(origin = notary.origin(), dir = %dir.display(), "evidence log keys made (Ed25519 and SM2)");
                }
                notary
            }
            None => pocnet_app::evidence::Notary::ephemeral(&config.log_origin)?,
        };
        let context = pocnet_app::Context::new(store.clone(), config.policies.clone(), config.calendar.clone(), clock.clone()).with_notary(notary);
        let segmenter = pocnet_app::search::segmenter(&config.policies);
        let search = Arc::new(match &config.search_dir {
            Some(dir) => pocnet_search::SearchIndex::open(dir, segmenter)?,
            None => pocnet_search::SearchIndex::in_memory(segmenter)?,
        });
        let search_recheck = config.search_recheck;
        Ok(Self { inner: Arc::new(Inner { store, context, config, clock, fallback_hash,
            metrics: metrics::Registry::default(),
            registry_figures: cache::GenerationCache::default(),
            all_centers: cache::GenerationCache::default(),
            sharing_lists: cache::GenerationCache::default(),
            white_papers: Default::default(),
            search,
            search_freshness: pocnet_app::search::Freshness::new(search_recheck),
        }) })
    }

    /// The registry's figures of a region (or the whole network) on a day, read once per change of the registry.
    pub(crate) async fn registry_figures(&self, region: Option<&str>, today: &str) -> Result<Arc<pocnet_store::stats::RegistryCounts>, pocnet_store::StoreError> {
        let pool = self.store().pool();
        let generation = pocnet_store::tallies::centers_generation(pool).await?;
        let key = (region.map(str::to_owned), today.to_owned());
        self.inner.registry_figures.get_or_build(key, generation, || pocnet_store::stats::registry(pool, today, region)).await
    }

    /// The search index.
    pub fn search(&self) -> &Arc<pocnet_search::SearchIndex> {
        &self.inner.search
    }

    /// Applies the outbox's changes the index has not seen before a search (at most once per
    /// `search_recheck` while nothing is written through this server).
    pub(crate) async fn fresh_search(&self) -> pocnet_app::Result<&Arc<pocnet_search::SearchIndex>> {
        self.inner.search_freshness.catch_up(self.context(), &self.inner.search).await?;
        Ok(&self.inner.search)
    }

    /// The white papers composed, by year.
    pub(crate) fn white_papers(&self) -> &routes::white_paper::WhitePapers {
        &self.inner.white_papers
    }

    /// Every center, read once per change of the registry.
    pub(crate) async fn all_centers(&self) -> Result<Arc<Vec<pocnet_store::centers::Center>>, pocnet_store::StoreError> {
        let pool = self.store().pool();
        let generation = pocnet_store::tallies::centers_generation(pool).await?;
        self.inner.all_centers.get_or_build((), generation, || pocnet_store::centers::all(pool)).await
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The workflows' context.
    pub fn context(&self) -> &pocnet_app::Context {
        &self.inner.context
    }

    /// The configuration.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// The current time (a manual clock in tests).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// Today in China (UTC+8): deadlines, notices and bars are counted in local days.
    pub fn today(&self) -> chrono::NaiveDate {
        (self.now() + chrono::Duration::hours(8)).date_naive()
    }

    /// The policy profile with this id, if loaded.
    pub fn profile(&self, id: &str) -> Option<&pocnet_domain::policy::Profile> {
        self.inner.config.policies.iter().find(|p| p.id == id)
    }

    /// The request metrics of this server.
    pub fn metrics(&self) -> &metrics::Registry {
        &self.inner.metrics
    }

    pub(crate) fn fallback_hash(&self) -> &str {
        &self.inner.fallback_hash
    }
}

/// The whole application: pages, API, static files, with every layer.
pub fn app(state: AppState) -> Router {
    let max_body = state.config().max_body_bytes;
    routes::router()
        .layer(axum::middleware::from_fn_with_state(state.clone(), text_input::forms))
        .layer(axum::middleware::from_fn(error::html_error_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session::resolve))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security_headers::add))
        .layer(axum::middleware::from_fn_with_state(state.clone(), noted_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Counts each request that may have written (any method but GET, HEAD and OPTIONS) once it
/// is answered — its transaction committed — so the next search reads the outbox first.
async fn noted_writes(State(state): State<AppState>, req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let writes = !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS);
    let resp = next.run(req).await;
    if writes {
        state.inner.search_freshness.wrote();
    }
    resp
}

/// The housekeeping settings of this server ([`pocnet_app::housekeeping`]).
fn housekeeping_settings(state: &AppState) -> pocnet_app::housekeeping::Settings {
    pocnet_app::housekeeping::Settings { session_idle: state.config().session_idle, login_policy: state.config().login_policy }
}

/// Runs housekeeping once with this server's settings.
pub async fn housekeeping(state: &AppState) -> pocnet_app::Result<pocnet_app::housekeeping::Swept> {
    pocnet_app::housekeeping::run(state.context(), &housekeeping_settings(state)).await
}

/// Runs housekeeping every ten minutes, for the life of the server.
pub fn spawn_housekeeping(state: AppState) -> tokio::task::JoinHandle<()> {
    fn report(outcome: pocnet_app::Result<pocnet_app::housekeeping::Swept>) {
        match outcome {
            Ok(s) if s.sessions + s.login_counters > 0 => tracing::info!(sessions = s.sessions, login_counters = s.login_counters, "housekeeping"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
    let settings = housekeeping_settings(&state);
    pocnet_app::housekeeping::every(state.context().clone(), settings, std::time::Duration::from_secs(600), report)
}

/// Keeps the search index current: rebuilds it first if it is new (a fresh data directory, or
/// records older than the outbox), then applies the outbox every second.
pub fn spawn_indexer(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let index = state.search().clone();
        if index.is_empty() && index.cursor().unwrap_or(0) == 0 {
            match pocnet_app::search::rebuild(state.context(), &index, &|_, _| {}).await {
                Ok(n) => tracing::info!(records = n, "search index built"),
                Err(e) => tracing::warn!(error = %e, "search index build failed"),
            }
        }
        loop {
            if let Err(e) = pocnet_app::search::catch_up(state.context(), &index).await {
                tracing::warn!(error = %e, "search index update failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    })
}

/// Keeps the evidence log current: publishes this server's public keys, appends what the
/// triggers queued every second, and signs a checkpoint every minute the log grew.
pub fn spawn_sequencer(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let ctx = state.context();
        if let Err(e) = pocnet_app::evidence::log::publish_keys(ctx).await {
            tracing::warn!(error = %e, "publishing the log's public keys failed");
        }
        // Reports and certificates issued before the log existed get their signed documents.
        match pocnet_app::evidence::documents::backfill(ctx).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(documents = n, "signed the reports and certificates issued before the evidence log"),
            Err(e) => tracing::warn!(error = %e, "signing earlier reports and certificates failed"),
        }
        let mut last_signed = std::time::Instant::now() - std::time::Duration::from_secs(3600);
        loop {
            if let Err(e) = pocnet_app::evidence::log::sequence(ctx).await {
                tracing::warn!(error = %e, "evidence log append failed");
            }
            if last_signed.elapsed() >= std::time::Duration::from_secs(60) {
                match pocnet_app::evidence::log::checkpoint(ctx).await {
                    Ok(_) => last_signed = std::time::Instant::now(),
                    Err(e) => tracing::warn!(error = %e, "evidence log checkpoint failed"),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    })
}

/// Serves the application on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
