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
    /// Witness another pocnet's log (见证): fetch its newest checkpoint, check it with the log's
    /// keys and that the log only grew since the last one this installation cosigned (consistency
    /// proof; a rollback or fork is refused), cosign it and submit the cosignature. The other
    /// bureau must have listed this installation's witness key (`--show-key` prints it).
    Witness {
        /// The other installation's base URL, e.g. `https://kjj.wenzhou.gov.cn`.
        #[arg(long, required_unless_present = "show_key")]
        url: Option<String>,
        /// Its log origin (its keys must carry this name).
        #[arg(long, required_unless_present = "show_key")]
        origin: Option<String>,
        /// A file with its public keys, one vkey a line (otherwise read from its well-known address
        /// on first use and kept beside the state).
        #[arg(long)]
        keys: Option<std::path::PathBuf>,
        /// Print this installation's witness key (cosignature/v1) and stop.
        #[arg(long)]
        show_key: bool,
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
        LogCommand::Witness { url, origin, keys, show_key } => witness(cli, url.as_deref(), origin.as_deref(), keys.as_deref(), *show_key).await,
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

/// This installation's witness key, made under `keys/` on first use (owner-only, like the log's).
fn witness_signer(cli: &Cli) -> anyhow::Result<pocnet_evidence::note::Signer> {
    use pocnet_evidence::note::{Algorithm, Signer};
    let dir = notary::keys_dir(&cli.data_dir);
    let file = dir.join("witness-cosign.key");
    if file.exists() {
        let text = std::fs::read_to_string(&file)?;
        return Signer::from_private_key(text.trim()).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()));
    }
    let name = match Notary::open(&dir) {
        Ok(n) => format!("{}/witness", n.origin()),
        Err(_) => "pocnet.localhost/witness".to_owned(),
    };
    let signer = Signer::generate(&name, Algorithm::CosignatureV1).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::create_dir_all(&dir)?;
    #[cfg(unix)]
    {
        use std::io::Write as _;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&file)?;
        f.write_all(format!("{}\n", signer.to_private_key()).as_bytes())?;
    }
    #[cfg(not(unix))]
    std::fs::write(&file, format!("{}\n", signer.to_private_key()))?;
    Ok(signer)
}

async fn witness(cli: &Cli, url: Option<&str>, origin: Option<&str>, keys_file: Option<&std::path::Path>, show_key: bool) -> anyhow::Result<()> {
    use pocnet_app::evidence::witness::{cosign, Witnessed};
    use pocnet_evidence::note::Verifier;
    let signer = witness_signer(cli)?;
    if show_key {
        println!("{}", signer.verifier().to_vkey());
        return Ok(());
    }
    let (Some(url), Some(origin)) = (url, origin) else { anyhow::bail!("--url and --origin are needed") };
    let url = url.trim_end_matches('/');
    let state_dir = cli.data_dir.join("witness");
    std::fs::create_dir_all(&state_dir)?;
    let slug: String = origin.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let (state_file, keys_cache) = (state_dir.join(format!("{slug}.state")), state_dir.join(format!("{slug}.keys")));
    let http = reqwest::Client::new();
    let keys_text = match keys_file {
        Some(f) => std::fs::read_to_string(f)?,
        None if keys_cache.exists() => std::fs::read_to_string(&keys_cache)?,
        None => {
            let t = http.get(format!("{url}/.well-known/pocnet-log-keys")).send().await?.error_for_status()?.text().await?;
            std::fs::write(&keys_cache, &t)?;
            println!("first contact: the log's keys were read from its well-known address and kept in {}", keys_cache.display());
            t
        }
    };
    let keys: Vec<Verifier> = keys_text.lines().map(str::trim).filter(|l| !l.is_empty()).map(Verifier::parse).collect::<Result<_, _>>().map_err(|e| anyhow::anyhow!("{e}"))?;
    let state: serde_json::Value = http.get(format!("{url}/api/v1/log")).send().await?.error_for_status()?.json().await?;
    let note = state["checkpoint"]["note"].as_str().ok_or_else(|| anyhow::anyhow!("the log has no checkpoint yet"))?;
    // The note as served may carry other witnesses' lines: keep the log's own.
    let size = state["checkpoint"]["size"].as_u64().unwrap_or(0);
    let last = std::fs::read_to_string(&state_file).ok().and_then(|l| Witnessed::parse(&l));
    let proof: Vec<pocnet_evidence::Hash> = match last {
        Some(l) if l.size > 0 && l.size < size => {
            let p: serde_json::Value = http.get(format!("{url}/api/v1/log/proofs/consistency?old={}&new={size}", l.size)).send().await?.error_for_status()?.json().await?;
            p["hashes"].as_array().map(|a| a.iter().filter_map(|h| h.as_str()).map(pocnet_evidence::Hash::from_base64).collect::<Result<_, _>>()).transpose()?.unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    let (line, new_state) = cosign(origin, &keys, note, last, &proof, &signer, now).map_err(|e| anyhow::anyhow!("{e}"))?;
    let resp = http.post(format!("{url}/api/v1/log/checkpoints/{size}/cosignatures")).json(&serde_json::json!({"lines": line})).send().await?;
    if !resp.status().is_success() {
        let body = resp.text().await.unwrap_or_default();
        anyhow::bail!("the log refused the cosignature ({body}); its bureau must list this witness key: {}", signer.verifier().to_vkey());
    }
    std::fs::write(&state_file, new_state.to_line())?;
    println!("cosigned {origin} at size {size} (consistent with size {})", last.map_or(0, |l| l.size));
    Ok(())
}
