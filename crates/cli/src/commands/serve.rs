//! `pocnet serve`: the web UI and the JSON API.

use super::{demo, open_store};
use crate::Cli;
use anyhow::Context;
use clap::Args;
use pocnet_web::clock::SystemClock;
use pocnet_web::config::WebConfig;
use pocnet_web::metrics::MetricsToken;
use pocnet_web::AppState;
use std::net::SocketAddr;
use std::sync::Arc;

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "POCNET_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo dataset on first start (kept on later starts) and enable the demo accounts.
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies Secure (set when serving behind HTTPS).
    #[arg(long, env = "POCNET_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "POCNET_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,
    /// Hours after login at which a session ends however active.
    #[arg(long, env = "POCNET_SESSION_ABSOLUTE_HOURS", default_value_t = 12)]
    pub session_absolute_hours: i64,
    /// A reverse proxy in front of pocnet whose `X-Forwarded-For` names the
    /// client (repeat for several; comma-separated in the environment).
    /// Without it every client behind the proxy shares the proxy's address.
    #[arg(long = "trusted-proxy", env = "POCNET_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Database connections in the pool.
    #[arg(long, env = "POCNET_DB_CONNECTIONS", default_value_t = 8)]
    pub db_connections: u32,
    /// Serve `/metrics` (Prometheus) to callers sending this token as `Authorization: Bearer`;
    /// without it `/metrics` is not served. At least 16 characters; prefer the environment
    /// variable to the flag (a flag shows in `ps`).
    #[arg(long, env = "POCNET_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The evidence log's name (origin) when its keys are made at first start, e.g.
    /// `kjj.wenzhou.gov.cn/pocnet` (keys already under `<data-dir>/keys` keep theirs).
    #[arg(long, env = "POCNET_LOG_ORIGIN", default_value = "pocnet.localhost/log")]
    pub log_origin: String,
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<()> {
    if args.session_idle_minutes < 1 || args.session_absolute_hours < 1 {
        anyhow::bail!("session timeouts must be at least 1 minute / 1 hour");
    }
    let metrics_token = args.metrics_token.as_deref().map(MetricsToken::parse).transpose()?;
    let store = open_store(cli, args.db_connections).await?;
    if args.demo {
        demo::load(&store).await?;
    }
    let config = WebConfig {
        secure_cookies: args.secure_cookies,
        session_idle: chrono::Duration::minutes(args.session_idle_minutes),
        session_absolute: chrono::Duration::hours(args.session_absolute_hours),
        demo: args.demo,
        trusted_proxies: args.trusted_proxies.clone(),
        metrics_token,
        search_dir: Some(cli.data_dir.join("search")),
        log_keys_dir: Some(pocnet_app::evidence::notary::keys_dir(&cli.data_dir)),
        log_origin: args.log_origin.clone(),
        ..WebConfig::default()
    };
    let state = AppState::new(store.clone(), config, Arc::new(SystemClock))?;
    let housekeeping = pocnet_web::spawn_housekeeping(state.clone());
    let indexer = pocnet_web::spawn_indexer(state.clone());
    let sequencer = pocnet_web::spawn_sequencer(state.clone());
    let listener = tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("pocnet is serving on http://{addr}/ (database: {:?})", store.backend());
    if args.demo {
        demo::print_logins();
    }
    pocnet_web::serve(listener, state, shutdown_signal()).await?;
    housekeeping.abort();
    indexer.abort();
    sequencer.abort();
    store.close().await;
    Ok(())
}
