//! `pocnet calendar …`: the working-day calendar (State Council holidays and
//! make-up working days). The schedule shipped in the binary is used unless
//! the data directory holds a `calendar.toml` (a bureau's update) or
//! `--calendar FILE` names another.

use crate::Cli;
use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pocnet_domain::calendar::HolidayCalendar;
use std::path::PathBuf;

/// Calendar commands.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// The date N working days after --from. The start day itself is not counted:
    /// `--from 2026-11-20 --days 5` (a Friday) gives 2026-11-27.
    AddWorkingDays(AddArgs),
    /// Print `true` if DATE is a working day, `false` if not (error if its year is not covered).
    IsWorkingDay(IsArgs),
    /// Check a calendar file and report every problem with its line.
    Check {
        /// The file to check.
        file: PathBuf,
    },
}

/// Options of `calendar add-working-days`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Start date (YYYY-MM-DD), not counted.
    #[arg(long)]
    pub from: NaiveDate,
    /// Working days to add.
    #[arg(long)]
    pub days: u32,
    /// Calendar file to use instead of the data directory's or the shipped one.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
}

/// Options of `calendar is-working-day`.
#[derive(Debug, Args)]
pub struct IsArgs {
    /// The date (YYYY-MM-DD).
    pub date: NaiveDate,
    /// Calendar file to use instead of the data directory's or the shipped one.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
}

fn parse_file(path: &std::path::Path) -> anyhow::Result<HolidayCalendar> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    HolidayCalendar::parse(&text).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("{}: {p}", path.display())).collect();
        anyhow::anyhow!("{}", list.join("\n"))
    })
}

/// The calendar in effect: `--calendar`, else `DATA_DIR/calendar.toml`, else the shipped one.
pub fn load(cli: &Cli, explicit: Option<&PathBuf>) -> anyhow::Result<HolidayCalendar> {
    if let Some(path) = explicit {
        return parse_file(path);
    }
    let local = cli.data_dir.join("calendar.toml");
    if local.exists() {
        return parse_file(&local);
    }
    HolidayCalendar::state_council().map_err(|p| anyhow::anyhow!("shipped calendar: {p:?}"))
}

/// Runs a calendar subcommand.
pub fn run(cli: &Cli, cmd: &CalendarCommand) -> anyhow::Result<()> {
    match cmd {
        CalendarCommand::AddWorkingDays(a) => {
            let cal = load(cli, a.calendar.as_ref())?;
            println!("{}", cal.add_working_days(a.from, a.days)?);
        }
        CalendarCommand::IsWorkingDay(a) => {
            let cal = load(cli, a.calendar.as_ref())?;
            println!("{}", cal.is_working_day(a.date)?);
        }
        CalendarCommand::Check { file } => {
            let cal = parse_file(file)?;
            let years: Vec<String> = cal.years().map(|y| y.to_string()).collect();
            if years.is_empty() {
                bail!("no years");
            }
            println!("{}: ok, covers {}", file.display(), years.join(", "));
        }
    }
    Ok(())
}
