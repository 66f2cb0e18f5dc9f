//! `pocnet verify FILE`: checks a signed document offline — a PDF printed by
//! pocnet or its JSON evidence bundle — with only public keys: the document's
//! signatures, its inclusion proof, the checkpoint's signature, and for a PDF
//! that its pages are exactly the print of its bundle. Without `--key` or
//! `--keys` it uses this installation's published keys and its trust list.

use super::{context, open_store};
use crate::Cli;
use clap::Args;
use pocnet_evidence::note::Verifier;

/// Options of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The file: a PDF or a `.json` bundle.
    pub file: std::path::PathBuf,
    /// A trusted public key (C2SP vkey, as `/.well-known/pocnet-log-keys` lists them); repeatable.
    #[arg(long = "key")]
    pub keys: Vec<String>,
    /// A file of trusted public keys, one a line (e.g. a saved `/.well-known/pocnet-log-keys`).
    #[arg(long = "keys")]
    pub keys_file: Option<std::path::PathBuf>,
}

/// Runs `verify`; exits with status 1 when the file does not verify.
pub async fn run(cli: &Cli, args: &VerifyArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let mut lines: Vec<String> = args.keys.clone();
    if let Some(f) = &args.keys_file {
        let text = std::fs::read_to_string(f).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
        lines.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned));
    }
    let keys: Vec<Verifier> = if lines.is_empty() {
        let store = open_store(cli, 2).await?;
        let ctx = context(cli, &store)?;
        let keys = pocnet_app::evidence::documents::trusted_keys(&ctx).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        store.close().await;
        keys
    } else {
        lines.iter().map(|l| Verifier::parse(l).map_err(|e| anyhow::anyhow!("bad key {l}: {e}"))).collect::<anyhow::Result<_>>()?
    };
    let started = std::time::Instant::now();
    match pocnet_app::evidence::documents::verify_file(&bytes, &keys) {
        Ok(v) => {
            println!("VERIFIED ({}, {:.1} ms): {} {}", v.format, started.elapsed().as_secs_f64() * 1000.0, v.title, v.number);
            println!("  document sha256 {}", v.document_sha256);
            println!("  signed by       {}", v.signed_by.join(", "));
            println!("  log             {} leaf {} in checkpoint of size {}", v.origin, v.index, v.checkpoint_size);
            Ok(())
        }
        Err(r) => anyhow::bail!("NOT VERIFIED [{}]: {}", r.code, r.message),
    }
}
