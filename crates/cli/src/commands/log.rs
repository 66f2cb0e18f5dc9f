//! `pocnet log …`: the evidence log (存证日志) from the command line — its keys
//! (shown, made, rotated), signing a checkpoint now, and the full verification
//! that recomputes every leaf from its record and names the first one changed
//! or deleted behind pocnet's back.

use super::{context, open_store, progress_bar};
use crate::Cli;
use clap::Subcommand;
use pocnet_app::evidence::{notary, Notary};

/// Log subcommands.
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Recompute the whole log from the records: leaves, tiles, head and every checkpoint.
    /// Exits with status 1 when anything was changed or deleted.
    Verify,
    /// Append what is queued and sign a checkpoint now (the server does so every minute).
    Checkpoint {
        /// The log's name if its keys are made now.
        #[arg(long, env = "POCNET_LOG_ORIGIN", default_value = "pocnet.localhost/log")]
        origin: String,
    },
    /// Show the public keys (C2SP vkey form), making the keys first if there are none.
    Keys {
        /// The log's name if its keys are made now, e.g. `kjj.wenzhou.gov.cn/pocnet`.
        #[arg(long, env = "POCNET_LOG_ORIGIN", default_value = "pocnet.localhost/log")]
        origin: String,
    },
    /// Replace the signing keys with new ones (the old files move to `keys/retired/`; their
    /// public keys stay published so what they signed still verifies).
    RotateKeys,
}

/// Runs a log subcommand.
pub async fn run(cli: &Cli, cmd: &LogCommand) -> anyhow::Result<()> {
    let dir = notary::keys_dir(&cli.data_dir);
    match cmd {
        LogCommand::Keys { origin } => {
            let (n, made) = Notary::open_or_create(&dir, origin).map_err(|e| anyhow::anyhow!("{e}"))?;
            if made {
                println!("made the log's keys for {} in {}", n.origin(), dir.display());
            }
            for (vkey, alg) in n.published() {
                println!("{vkey}  ({alg})");
            }
            Ok(())
        }
        LogCommand::RotateKeys => {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
            let n = Notary::rotate(&dir, &stamp).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = open_store(cli, 2).await?;
            let ctx = context(cli, &store)?.with_notary(n.clone());
            pocnet_app::evidence::log::publish_keys(&ctx).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            store.close().await;
            println!("new keys for {} (old ones in {}):", n.origin(), dir.join("retired").display());
            for (vkey, alg) in n.published() {
                println!("{vkey}  ({alg})");
            }
            println!("restart the server to sign with them");
            Ok(())
        }
        LogCommand::Checkpoint { origin } => {
            let (n, _) = Notary::open_or_create(&dir, origin).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = open_store(cli, 2).await?;
            let ctx = context(cli, &store)?.with_notary(n);
            let c = pocnet_app::evidence::log::checkpoint(&ctx).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            store.close().await;
            match c {
                Some(c) => print!("{}", c.note),
                None => println!("the log is empty: nothing to sign"),
            }
            Ok(())
        }
        LogCommand::Verify => {
            let store = open_store(cli, 2).await?;
            let ctx = context(cli, &store)?;
            let started = std::time::Instant::now();
            let bar = progress_bar(0, "verify");
            let report = pocnet_app::evidence::log::verify(&ctx, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            bar.finish_and_clear();
            store.close().await;
            println!("{} leaves and {} checkpoints verified in {:.1} s", report.leaves, report.checkpoints, started.elapsed().as_secs_f64());
            if report.intact() {
                println!("the log is intact: every record hashes to its leaf, every tile and checkpoint agrees");
                return Ok(());
            }
            if let Some(first) = report.problems.first() {
                println!("FIRST PROBLEM at {}: [{}] {}", first.index, first.code, first.message);
            }
            for p in report.problems.iter().skip(1) {
                println!("  at {}: [{}] {}", p.index, p.code, p.message);
            }
            anyhow::bail!("the evidence log does not verify: {} problem(s)", report.problems.len())
        }
    }
}
