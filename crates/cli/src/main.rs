//! `pocnet`: one binary for the web UI + API and for admin and batch work.

mod commands;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// pocnet — 概念验证中心与中试平台管理平台
///
/// Runs the network of proof-of-concept centers and pilot-scale platforms of a
/// science-and-technology bureau: web UI and JSON API (`serve`), accounts
/// (`user`, `org`), the database (`migrate`), the demo dataset (`demo`), policy
/// profiles (`policy`), the working-day calendar (`calendar`), expert panel
/// assignment (`panels`), bulk imports (`import`), load measurements (`bench`)
/// and backups (`backup`, `restore`).
#[derive(Debug, Parser)]
#[command(name = "pocnet", version, propagate_version = true)]
pub struct Cli {
    /// Directory holding pocnet's data (the embedded SQLite database, uploads).
    #[arg(long, global = true, env = "POCNET_DATA_DIR", default_value = "./pocnet-data")]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB`. Default: SQLite in the data directory.
    #[arg(long, global = true, env = "POCNET_DATABASE_URL")]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web UI and the JSON API.
    Serve(commands::serve::ServeArgs),
    /// Apply database migrations and report the schema version.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// Manage organisations.
    #[command(subcommand)]
    Org(commands::org::OrgCommand),
    /// Experts' accounts: link, invite (activation code), unlink.
    #[command(subcommand)]
    Expert(commands::expert::ExpertCommand),
    /// The demo dataset.
    #[command(subcommand)]
    Demo(commands::demo::DemoCommand),
    /// Policy profiles (criteria, naming, notice periods, grades) as data.
    #[command(subcommand)]
    Policy(commands::policy::PolicyCommand),
    /// Annual evaluation: every covered center's indicators and proposed grade for a year
    /// (opens the round unless --dry-run).
    Evaluate(commands::evaluate::EvaluateArgs),
    /// The search index (全文检索): rebuild it from the records.
    #[command(subcommand)]
    Search(commands::search::SearchCommand),
    /// The evidence log (存证日志): keys, checkpoints, full verification.
    #[command(subcommand)]
    Log(commands::log::LogCommand),
    /// Check a signed document (a PDF or its JSON bundle) offline with public keys.
    Verify(commands::verify::VerifyArgs),
    /// The year's white paper (科技成果转化白皮书) as PDF and/or Excel, with timings.
    WhitePaper(commands::white_paper::WhitePaperArgs),
    /// The working-day calendar (State Council holidays and make-up working days).
    #[command(subcommand)]
    Calendar(commands::calendar::CalendarCommand),
    /// Expert panels: assign (JSON in/out), replace a declined expert, explain a pair.
    #[command(subcommand)]
    Panels(commands::panels::PanelsCommand),
    /// Bulk imports: research results from a spreadsheet into a center's intake.
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// Measure performance.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
    /// Write a consistent backup (database + data directory files) to one archive, while the server runs.
    ///
    /// SQLite: `VACUUM INTO` (one read transaction; writers go on) checked with
    /// `PRAGMA integrity_check`. PostgreSQL: `pg_dump --format=custom` (needs the
    /// PostgreSQL client tools). Never copy `pocnet.db` alone from a running
    /// server: committed writes may still be in `pocnet.db-wal`.
    Backup(commands::backup::BackupArgs),
    /// Restore a backup into a new or empty data directory (or PostgreSQL database), checked.
    ///
    /// Reads the manifest first and refuses a schema newer than this pocnet,
    /// checks every file's SHA-256 and the database's integrity before moving
    /// anything into place; refuses a non-empty target unless --force.
    Restore(commands::backup::RestoreArgs),
}

impl Cli {
    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("pocnet.db").display()),
        }
    }
}

fn init_tracing(command: &Command) {
    use tracing_subscriber::EnvFilter;
    // A backup's VACUUM INTO and integrity check are slow on purpose: sqlx's
    // "slow statement" warning would only alarm the operator.
    let default = match command {
        Command::Backup(_) | Command::Restore(_) => "info,sqlx=error",
        _ => "info,sqlx=warn,tower_http=info",
    };
    let filter = EnvFilter::try_from_env("POCNET_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr).init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.command);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
