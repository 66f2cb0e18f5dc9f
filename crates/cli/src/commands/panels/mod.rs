//! `pocnet panels …`: the panel assigner on its own, on the JSON format of
//! `docs/PANELS.md` (no database): `assign` solves an instance, `replace`
//! proposes a replacement for an expert who declined, `explain` checks one
//! pair, `generate` writes a seeded synthetic instance.

pub mod input;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use input::InputError;
use pocnet_domain::panel::{self, synthetic, Assignment, Instance, Solution};
use std::path::{Path, PathBuf};

/// Panel assignment commands.
#[derive(Debug, Subcommand)]
pub enum PanelsCommand {
    /// Assign experts to the items of an instance (JSON in, JSON out).
    ///
    /// Reads the instance (items, experts, conflicts, blacklist, explicit
    /// affinities, options — see docs/PANELS.md), writes the solution (panels
    /// with every pair's affinity, components and eligibility reason; loads;
    /// the items that cannot be staffed and why; objective, bound, gap) and
    /// prints a summary. With `options.randomize` and no seed, a seed is drawn
    /// and recorded in the output so the draw can be replayed.
    ///
    /// Exit status: 0 when a solution was written (even with unstaffable
    /// items: read `unstaffable`); non-zero when the input cannot be read or
    /// breaks a rule (the message names the JSON path).
    Assign(AssignArgs),
    /// Propose the best replacement for an expert who declined, moving nobody else.
    Replace(ReplaceArgs),
    /// Check one (item, expert) pair against every hard rule and explain its affinity.
    Explain {
        /// The instance file.
        #[arg(long)]
        input: PathBuf,
        /// Item id.
        #[arg(long)]
        item: String,
        /// Expert id.
        #[arg(long)]
        expert: String,
    },
    /// Write a seeded synthetic instance (the one `pocnet bench panels` solves).
    Generate(GenerateArgs),
}

/// Options of `panels assign`.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The instance (JSON); `-` reads standard input.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write the solution (JSON); `-` writes standard output (the summary then goes to standard error).
    #[arg(long)]
    pub output: PathBuf,
}

/// Options of `panels replace`.
#[derive(Debug, Args)]
pub struct ReplaceArgs {
    /// The instance (JSON).
    #[arg(long)]
    pub input: PathBuf,
    /// The current assignment: a solution written by `panels assign`, or a JSON
    /// list of `{"item": …, "experts": […]}`.
    #[arg(long)]
    pub assignment: PathBuf,
    /// The item whose seat is open.
    #[arg(long)]
    pub item: String,
    /// The expert who declined.
    #[arg(long)]
    pub declined: String,
}

/// Options of `panels generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Items.
    #[arg(long, default_value_t = 200)]
    pub items: usize,
    /// Experts.
    #[arg(long, default_value_t = 500)]
    pub experts: usize,
    /// Panel size.
    #[arg(long, default_value_t = 5)]
    pub panel: u32,
    /// Rules: ≥ 1 industry and ≥ 1 investment expert per panel, at most half from the host unit.
    #[arg(long)]
    pub composition: bool,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Give every pair an explicit random score (a dense score matrix).
    #[arg(long)]
    pub dense: bool,
    /// Where to write the instance; `-` writes standard output.
    #[arg(long)]
    pub output: PathBuf,
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).context("cannot read standard input")?;
        return Ok(s);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    if path == Path::new("-") {
        println!("{text}");
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A seed for a draw that did not name one (recorded in the output).
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    // splitmix64 of the clock and the process id, kept below 2^53 so JavaScript reads it exactly.
    let mut z = nanos ^ (u64::from(std::process::id()) << 32);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) & ((1u64 << 53) - 1)
}

/// Parses an instance; errors name the file and the JSON path.
///
/// The text is read straight into the typed instance ([`input::read`]) and
/// dropped before the instance is checked.
pub fn parse_instance(path: &Path) -> anyhow::Result<(Instance, Option<u64>)> {
    let read = input::read(read_text(path)?, fresh_seed());
    let (instance, drawn) = read.map_err(|e| match e {
        InputError::NotJson(cause) => anyhow::Error::new(cause).context(format!("{}: not JSON", path.display())),
        InputError::Field { path: at, message } => anyhow::anyhow!("{}: {at}: {message}", path.display()),
    })?;
    if let Err(errors) = instance.validate() {
        let lines: Vec<String> = errors.iter().map(|e| format!("{}: {}: {} ({})", path.display(), e.field, e.message, e.code)).collect();
        bail!("{} problem(s):\n{}", lines.len(), lines.join("\n"));
    }
    Ok((instance, drawn))
}

/// One line of the summary per fact.
pub fn summary(sol: &Solution) -> String {
    let staffed = sol.panels.len();
    let total = staffed + sol.unstaffable.len();
    let mut out = format!(
        "staffed {staffed}/{total} items, {} seats; objective {:.6}, bound {:.6}, gap {:.4} %{}; method {:?}; {:.3} s",
        sol.panels.iter().map(|p| p.experts.len()).sum::<usize>(),
        sol.objective,
        sol.bound,
        sol.gap * 100.0,
        if sol.proven_optimal { " (proven optimal)" } else { "" },
        sol.method,
        sol.timings_ms.total / 1000.0
    );
    if let Some(d) = &sol.randomization {
        out.push_str(&format!(
            "\nrandomised draw: q = {}, seed {}, expected objective {:.6} ({:.1} % of the deterministic bound {:.6})",
            d.q,
            d.seed,
            d.expected_objective,
            if d.deterministic_bound > 0.0 { d.expected_objective / d.deterministic_bound * 100.0 } else { 100.0 },
            d.deterministic_bound
        ));
    }
    for u in &sol.unstaffable {
        out.push_str(&format!("\nunstaffable {}: {} [{}]", u.item, u.reason, u.code));
    }
    for u in &sol.unmet_min_loads {
        out.push_str(&format!("\nminimum load not reached for {}: {}/{} — {}", u.expert, u.load, u.min_load, u.reason));
    }
    out
}

/// Runs a panels subcommand.
pub fn run(cmd: &PanelsCommand) -> anyhow::Result<()> {
    match cmd {
        PanelsCommand::Assign(a) => {
            let (instance, drawn) = parse_instance(&a.input)?;
            if let Some(seed) = drawn {
                eprintln!("no seed given: drew seed {seed} (recorded in the output)");
            }
            let solution = panel::assign(&instance).map_err(|e| anyhow::anyhow!("{}: {e}", a.input.display()))?;
            write_text(&a.output, &serde_json::to_string_pretty(&solution)?)?;
            let text = summary(&solution);
            if a.output == Path::new("-") {
                eprintln!("{text}");
            } else {
                println!("{text}\nwritten to {}", a.output.display());
            }
        }
        PanelsCommand::Replace(a) => {
            let (instance, _) = parse_instance(&a.input)?;
            let text = read_text(&a.assignment)?;
            let value: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{}: not JSON", a.assignment.display()))?;
            let current: Vec<Assignment> = if value.get("panels").is_some() {
                let sol: Solution = serde_path_to_error::deserialize(value)
                    .map_err(|e| anyhow::anyhow!("{}: {}: {}", a.assignment.display(), e.path(), e.inner()))?;
                sol.assignments()
            } else {
                serde_path_to_error::deserialize(value).map_err(|e| anyhow::anyhow!("{}: {}: {}", a.assignment.display(), e.path(), e.inner()))?
            };
            let r = panel::replace(&instance, &current, &a.item, &a.declined)?;
            match &r.proposed {
                Some(c) => println!(
                    "replace {} on {} by {} ({}, affinity {:.6}, load {} → {})",
                    r.declined,
                    r.item,
                    c.expert,
                    c.kind.label_zh(),
                    c.affinity,
                    c.load,
                    c.load + 1
                ),
                None => println!("no replacement for {} on {}", r.declined, r.item),
            }
            println!("{}", r.explanation);
            for c in &r.alternatives {
                println!("  alternative {} ({}, affinity {:.6})", c.expert, c.kind.label_zh(), c.affinity);
            }
        }
        PanelsCommand::Explain { input, item, expert } => {
            let (instance, _) = parse_instance(input)?;
            let report = panel::explain_pair(&instance, item, expert)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        PanelsCommand::Generate(g) => {
            let instance = synthetic::generate(&synthetic::Spec {
                items: g.items,
                experts: g.experts,
                panel: g.panel,
                composition: g.composition,
                seed: g.seed,
                max_load: None,
                dense: g.dense,
            });
            write_text(&g.output, &serde_json::to_string_pretty(&instance)?)?;
            if g.output != Path::new("-") {
                println!("{} items, {} experts written to {}", instance.items.len(), instance.experts.len(), g.output.display());
            }
        }
    }
    Ok(())
}
