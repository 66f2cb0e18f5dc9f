//! `pocnet policy …`: policy profiles. The profiles shipped in the binary are
//! joined by any `*.toml` file in the data directory's `policies/` folder (a
//! bureau adds or amends a jurisdiction by adding a file there; a file with the
//! id of a shipped profile replaces it).

use crate::Cli;
use anyhow::{bail, Context};
use clap::Subcommand;
use pocnet_domain::policy::{Profile, SHIPPED};
use std::path::{Path, PathBuf};

/// Policy commands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the profiles in effect: id, version, jurisdiction, validity, stages.
    List,
    /// Check a profile file and report every problem with its line.
    Check {
        /// The file (its name without `.toml` must equal its `id`).
        file: PathBuf,
    },
}

fn id_of(path: &Path) -> Option<&str> {
    path.file_stem().and_then(|s| s.to_str())
}

fn parse_file(path: &Path) -> anyhow::Result<Profile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Profile::parse(&text, id_of(path)).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("{}: {p}", path.display())).collect();
        anyhow::anyhow!("{} problem(s):\n{}", problems.len(), lines.join("\n"))
    })
}

/// Every profile in effect: the shipped ones, replaced or joined by the data directory's.
pub fn load_all(cli: &Cli) -> anyhow::Result<Vec<(Profile, String)>> {
    let mut out = Vec::new();
    for (id, text) in SHIPPED {
        let p = Profile::parse(text, Some(id)).map_err(|e| anyhow::anyhow!("shipped profile {id}: {e:?}"))?;
        out.push((p, "shipped".to_owned()));
    }
    let dir = cli.data_dir.join("policies");
    if dir.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            let p = parse_file(&f)?;
            out.retain(|(q, _)| q.id != p.id);
            out.push((p, f.display().to_string()));
        }
    }
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(out)
}

/// Runs a policy subcommand.
pub fn run(cli: &Cli, cmd: &PolicyCommand) -> anyhow::Result<()> {
    match cmd {
        PolicyCommand::List => {
            for (p, from) in load_all(cli)? {
                let stages: Vec<String> =
                    p.stages.iter().map(|s| format!("{}({}项)", s.kind.label_zh(), s.criteria.len())).collect();
                println!(
                    "{:<26} v{:<3} {:<8} {} – {}  {}  [{}]",
                    p.id,
                    p.version,
                    p.jurisdiction,
                    p.effective_from,
                    p.expires_on,
                    stages.join("、"),
                    from
                );
            }
        }
        PolicyCommand::Check { file } => {
            let p = parse_file(file)?;
            let criteria: usize = p.stages.iter().map(|s| s.criteria.len()).sum();
            if criteria == 0 {
                bail!("{}: no criteria", file.display());
            }
            println!(
                "{}: ok — {} v{}, {} stage(s), {criteria} criteria, {} catalogue field(s)",
                file.display(),
                p.id,
                p.version,
                p.stages.len(),
                p.catalogue.len()
            );
        }
    }
    Ok(())
}
