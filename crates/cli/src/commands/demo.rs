//! `pocnet demo load`: loads the demo dataset once, or with `--scale` an
//! installation of a city's, a province's or the nation's size built around it
//! ([`super::scale`]).

use super::{open_store, progress_bar};
use crate::Cli;
use clap::Subcommand;
use pocnet_demo as demo;
use pocnet_store::Store;

/// Demo dataset commands.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Load the demo dataset (a fictional Wenzhou-like network) unless already loaded.
    Load(LoadArgs),
}

/// Options of `demo load`.
#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    /// Also build a synthetic network of this size around the demo, through the store's own
    /// write paths (an empty database only; the demo logins work on it): city ~50 centers,
    /// ~5,000 results, ~2,000 experts; province ~500, ~10^5, ~2×10^4; national ~5,000, ~10^6, ~10^5.
    #[arg(long, value_enum)]
    pub scale: Option<super::scale::Scale>,
    /// Seed of the generators (same seed, same data).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Loads the demo once, with a progress bar; says whether it did.
pub async fn load(store: &Store) -> anyhow::Result<bool> {
    let hash = tokio::task::spawn_blocking(|| pocnet_app::password::hash_blocking(demo::DEMO_PASSWORD)).await??;
    let bar = progress_bar(0, "载入演示数据");
    let bar_ref = bar.clone();
    let progress = move |done: u64, total: u64| {
        bar_ref.set_length(total);
        bar_ref.set_position(done);
    };
    let loaded = demo::load_once(store, chrono::Utc::now(), &hash, &progress).await?;
    match loaded {
        Some(l) => {
            bar.finish_with_message("完成");
            println!(
                "demo dataset loaded: {} organisations, {} centers, {} experts, {} research results, {} calls, {} applications, {} accounts",
                l.organisations, l.centers, l.experts, l.results, l.calls, l.applications, l.accounts
            );
            Ok(true)
        }
        None => {
            bar.finish_and_clear();
            Ok(false)
        }
    }
}

/// Prints the demo logins.
pub fn print_logins() {
    println!("demo logins (password: {}):", demo::DEMO_PASSWORD);
    for (role, username, _, name) in demo::DEMO_ACCOUNTS {
        println!("  {:<11} {}（{}）", username, name, role.label_zh());
    }
}

/// Runs a demo subcommand.
pub async fn run(cli: &Cli, cmd: &DemoCommand) -> anyhow::Result<()> {
    match cmd {
        DemoCommand::Load(args) => {
            let store = open_store(cli, 2).await?;
            match args.scale {
                Some(scale) => {
                    let built = super::scale::prepare(&store, scale.sizes(), args.seed).await;
                    if built.is_err() {
                        store.close().await;
                    }
                    println!("{:?} scale: {}", scale, built?);
                }
                None => {
                    if !load(&store).await? {
                        println!("demo dataset was already loaded; nothing changed");
                    }
                }
            }
            print_logins();
            store.close().await;
            Ok(())
        }
    }
}
