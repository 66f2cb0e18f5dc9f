//! One module per subcommand.

pub mod backup;
pub mod bench;
pub mod bench_log;
pub mod bench_matching;
pub mod bench_pages;
pub mod calendar;
pub mod demo;
pub mod evaluate;
pub mod expert;
pub mod import;
pub mod log;
pub mod org;
pub mod panels;
pub mod policy;
pub mod scale;
pub mod search;
pub mod serve;
pub mod user;
pub mod verify;
pub mod white_paper;

use crate::{Cli, Command};
use anyhow::Context;
use pocnet_store::Store;

/// Opens the database (creating the data directory for SQLite) and migrates it.
pub async fn open_store(cli: &Cli, max_connections: u32) -> anyhow::Result<Store> {
    let url = cli.database_url();
    if url.starts_with("sqlite:") && cli.database_url.is_none() {
        std::fs::create_dir_all(&cli.data_dir)
            .with_context(|| format!("cannot create data directory {}", cli.data_dir.display()))?;
    }
    let store = Store::connect(&url, max_connections).await.context("cannot open the database")?;
    store.migrate().await?;
    Ok(store)
}

/// The workflows' context for a console command: the store, the policy
/// profiles in effect (shipped, replaced or joined by the data directory's),
/// the shipped calendar and the system clock.
pub fn context(cli: &Cli, store: &Store) -> anyhow::Result<pocnet_app::Context> {
    let policies = policy::load_all(cli)?.into_iter().map(|(p, _)| p).collect();
    let ctx = pocnet_app::Context::new(
        store.clone(),
        std::sync::Arc::new(policies),
        std::sync::Arc::new(pocnet_app::context::shipped_calendar()),
        std::sync::Arc::new(pocnet_app::clock::SystemClock),
    );
    // The log's keys, where the server has made them: a console command that issues a signed
    // document signs with the installation's keys.
    let keys = pocnet_app::evidence::notary::keys_dir(&cli.data_dir);
    if keys.exists() {
        return Ok(ctx.with_notary(pocnet_app::evidence::Notary::open(&keys).map_err(|e| anyhow::anyhow!("{e}"))?));
    }
    Ok(ctx)
}

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve(args) => serve::run(&cli, args).await,
        Command::Migrate => {
            let store = open_store(&cli, 2).await?;
            let v = store.applied_schema_version().await?.unwrap_or(0);
            println!("database is at schema version {v} ({:?})", store.backend());
            store.close().await;
            Ok(())
        }
        Command::User(cmd) => user::run(&cli, cmd).await,
        Command::Org(cmd) => org::run(&cli, cmd).await,
        Command::Expert(cmd) => expert::run(&cli, cmd).await,
        Command::Demo(cmd) => demo::run(&cli, cmd).await,
        Command::Calendar(cmd) => calendar::run(&cli, cmd),
        Command::Policy(cmd) => policy::run(&cli, cmd).await,
        Command::Evaluate(args) => evaluate::run(&cli, args).await,
        Command::WhitePaper(args) => white_paper::run(&cli, args).await,
        Command::Search(cmd) => search::run(&cli, cmd).await,
        Command::Log(cmd) => log::run(&cli, cmd).await,
        Command::Verify(args) => verify::run(&cli, args).await,
        Command::Panels(cmd) => panels::run(cmd),
        Command::Import(cmd) => import::run(&cli, cmd).await,
        Command::Bench(cmd) => bench::run(&cli, cmd).await,
        Command::Backup(args) => backup::backup(&cli, args).await,
        Command::Restore(args) => backup::restore(&cli, args).await,
    }
}

/// A progress bar in the house style.
pub fn progress_bar(total: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{what} [{{bar:40.cyan/blue}}] {{pos}}/{{len}} {{elapsed_precise}} {{msg}}"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}
