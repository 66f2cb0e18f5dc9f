//! `pocnet import results FILE --center ID`: a spreadsheet of research
//! results (a university's list, a pushed list) into a center's intake.
//!
//! The header is checked before any row; then every row is checked (fields,
//! the owning unit, 成果编号 repeated in the file or already in the center),
//! and only when every row is good do all of them go in, in one transaction.
//! A bad file leaves the database as it was and gets a per-row report.

use super::{open_store, progress_bar};
use crate::Cli;
use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pocnet_domain::id::CenterId;
use pocnet_app::library::import::{self, Phase, Upload};
use pocnet_app::{Caller, Error};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Import commands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import research results (科技成果) from an .xlsx or .csv list into a center's intake.
    ///
    /// The first row names the columns, in Chinese or by code, in any order:
    /// 成果编号 (ref_no), 成果名称* (title), 成果简介* (summary), 保密内容
    /// (secret_summary), 产业领域* (field), 细分领域* (sub_field), 成果来源*
    /// (source), 所属单位* (owner), 研发团队* (team), 知识产权 (patents),
    /// 技术就绪度* (trl), 就绪度依据 (trl_evidence), 成果阶段 (stage),
    /// 商业秘密部分 (secret_parts); * marks the columns that must be present.
    /// Lists in one cell are separated by 、 , ; or line breaks; a patent is
    /// `NUMBER` or `NUMBER:STATUS` (CN202511140438.4:已授权). 所属单位 must be a
    /// registered organisation (pocnet org add). 成果编号, when given, must be
    /// new in the center: a list imported twice is refused.
    ///
    /// CSV files are UTF-8 (with or without BOM) or GBK/GB18030 (Excel on
    /// Chinese Windows). Every row is checked first; if any is wrong, the
    /// problems are listed (row as Excel numbers it, column, message), written
    /// to --report if given, nothing is imported and the exit status is 1.
    /// Otherwise all rows go in one transaction, in state 已提交.
    Results(ResultsArgs),
}

/// Options of `import results`.
#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// The list: .xlsx (first sheet) or .csv, header in the first row.
    pub file: PathBuf,
    /// Id of the proof-of-concept center receiving the results.
    #[arg(long)]
    pub center: i64,
    /// Check every row and report, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Day of submission (YYYY-MM-DD); default today (China time).
    #[arg(long)]
    pub submitted_on: Option<NaiveDate>,
    /// Also write the problems found to this file (.xlsx, or else CSV).
    #[arg(long)]
    pub report: Option<PathBuf>,
}

pub use pocnet_domain::library::intake::LIST_COLUMNS as COLUMNS;
use pocnet_domain::library::list::RowError;

/// Writes the problems: .xlsx when the name says so, else CSV (UTF-8 with a
/// BOM, so Excel opens it in Chinese).
pub fn write_report(path: &Path, errors: &[RowError]) -> anyhow::Result<()> {
    const HEADER: [&str; 4] = ["行号", "列", "代码", "问题"];
    let is_xlsx = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let ws = wb.add_worksheet();
        for (i, h) in HEADER.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold)?;
        }
        ws.set_column_width(3, 80)?;
        for (n, e) in errors.iter().enumerate() {
            let r = (n + 1) as u32;
            ws.write_number(r, 0, e.row as f64)?;
            ws.write_string(r, 1, e.column)?;
            ws.write_string(r, 2, &e.code)?;
            ws.write_string(r, 3, &e.message)?;
        }
        wb.save(path).with_context(|| format!("cannot write the report {}", path.display()))?;
    } else {
        let quote = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        let mut out = String::from("\u{FEFF}");
        out.push_str(&HEADER.join(","));
        out.push_str("\r\n");
        for e in errors {
            out.push_str(&format!("{},{},{},{}\r\n", e.row, quote(e.column), quote(&e.code), quote(&e.message)));
        }
        std::fs::write(path, out).with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    Ok(())
}

/// How an import went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Data rows.
    pub rows: usize,
    /// Rows written (0 in a dry run).
    pub written: usize,
    /// Reading the file.
    pub read: Duration,
    /// Checking every row (with the database look-ups).
    pub check: Duration,
    /// Writing and committing.
    pub insert: Duration,
}

/// What to do with a list.
pub struct Options<'a> {
    /// The center.
    pub center_id: CenterId,
    /// The file.
    pub file: &'a Path,
    /// Check only.
    pub dry_run: bool,
    /// Day of submission.
    pub submitted_on: NaiveDate,
    /// Where to write the problems, if anywhere.
    pub report: Option<&'a Path>,
}

/// The errors printed in full before the rest is only counted.
const SHOWN_ERRORS: usize = 200;

/// The phase an import is in, since when, with its bar.
struct PhaseClock {
    phase: Phase,
    since: Instant,
    bar: Option<indicatif::ProgressBar>,
}

impl PhaseClock {
    /// Books the phase's time and clears its bar.
    fn close(&mut self, t: &mut Timings) {
        let elapsed = self.since.elapsed();
        match self.phase {
            Phase::Read => t.read = elapsed,
            Phase::Checking => t.check = elapsed,
            Phase::Writing => t.insert = elapsed,
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The console's words for the workflow's refusals of a center.
fn refusal(center_id: CenterId, e: Error) -> anyhow::Error {
    match &e {
        Error::Validation(f) if f.field == "center_id" => match f.code {
            "unknown_value" => anyhow::anyhow!("center {center_id} does not exist"),
            "not_a_poc_center" => anyhow::anyhow!("{}: center {center_id} is not a proof-of-concept center; results enter a PoC center's intake", f.message),
            "center_not_in_register" => anyhow::anyhow!("{}: center {center_id} is no longer in the register and takes no results", f.message),
            _ => anyhow::anyhow!("{}", f.message),
        },
        Error::Validation(f) => anyhow::anyhow!("{}", f.message),
        _ => anyhow::Error::from(e).context("nothing was imported"),
    }
}

/// Imports a list into a center through the workflow `pocnet_app::library::import`
/// (the same the web upload calls): read, check, and write all rows in one
/// transaction — or, if any row is wrong, report and write nothing.
pub async fn import_results(ctx: &pocnet_app::Context, o: &Options<'_>) -> anyhow::Result<Timings> {
    let mut t = Timings::default();
    let start = Instant::now();
    let bytes = std::fs::read(o.file).with_context(|| format!("cannot read {}", o.file.display()))?;
    let name = o.file.file_name().map_or_else(|| o.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let upload = Upload { center_id: Some(o.center_id), file_name: &name, bytes: &bytes, dry_run: o.dry_run, submitted_on: Some(o.submitted_on) };

    // Phase times and bars from the workflow's progress.
    let mut phase = PhaseClock { phase: Phase::Read, since: start, bar: None };
    let mut on_progress = |p: Phase, n: usize, total: usize| {
        if p != phase.phase {
            phase.close(&mut t);
            let label = match p {
                Phase::Read => "读取 reading",
                Phase::Checking => "校验 checking",
                Phase::Writing => "写入 writing",
            };
            phase = PhaseClock { phase: p, since: Instant::now(), bar: (p != Phase::Read).then(|| progress_bar(total as u64, label)) };
        }
        if let Some(bar) = &phase.bar {
            bar.set_position(n as u64);
        }
    };
    let outcome = import::import_results(ctx, &Caller::Console { name: "import" }, upload, &mut on_progress).await;
    phase.close(&mut t);
    let report = outcome.map_err(|e| refusal(o.center_id, e))?;
    t.rows = report.rows;
    t.written = report.written;

    if !report.errors.is_empty() {
        let bad_rows: HashSet<usize> = report.errors.iter().map(|e| e.row).collect();
        for e in report.errors.iter().take(SHOWN_ERRORS) {
            eprintln!("第{}行 {}：{} [{}]", e.row, e.column, e.message, e.code);
        }
        if report.errors.len() > SHOWN_ERRORS {
            eprintln!("… and {} more problem(s){}", report.errors.len() - SHOWN_ERRORS, if o.report.is_some() { "" } else { " (--report FILE lists them all)" });
        }
        if let Some(path) = o.report {
            write_report(path, &report.errors)?;
            eprintln!("report written to {}", path.display());
        }
        bail!("{} problem(s) in {} of {} rows of {}; nothing was imported", report.errors.len(), bad_rows.len(), report.rows, o.file.display());
    }
    if let Some(path) = o.report {
        write_report(path, &[])?;
    }
    Ok(t)
}

/// Rows per second over `d`.
pub fn rate(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64().max(1e-9)
}

/// Runs an import subcommand.
pub async fn run(cli: &Cli, cmd: &ImportCommand) -> anyhow::Result<()> {
    match cmd {
        ImportCommand::Results(args) => {
            let store = open_store(cli, 2).await?;
            let ctx = super::context(cli, &store)?;
            let options = Options {
                center_id: CenterId::new(args.center),
                file: &args.file,
                dry_run: args.dry_run,
                submitted_on: args.submitted_on.unwrap_or_else(|| (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()),
                report: args.report.as_deref(),
            };
            let outcome = import_results(&ctx, &options).await;
            store.close().await;
            let t = outcome?;
            let total = t.read + t.check + t.insert;
            if args.dry_run {
                println!(
                    "dry run: all {} rows of {} are valid; nothing was written (read {:.2} s, checked {:.2} s)",
                    t.rows,
                    args.file.display(),
                    t.read.as_secs_f64(),
                    t.check.as_secs_f64()
                );
            } else {
                println!(
                    "imported {} results into center {} from {} in {:.2} s (read {:.2} s, checked {:.2} s, written {:.2} s): {:.0} rows/s",
                    t.written,
                    args.center,
                    args.file.display(),
                    total.as_secs_f64(),
                    t.read.as_secs_f64(),
                    t.check.as_secs_f64(),
                    t.insert.as_secs_f64(),
                    rate(t.written, total)
                );
            }
            Ok(())
        }
    }
}
