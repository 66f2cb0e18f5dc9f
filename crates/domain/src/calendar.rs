//! The working-day calendar (工作日历): weekends, the State Council's public
//! holidays and its make-up working days (调休上班), kept as data a bureau
//! updates each year (`data/calendar/cn-state-council.toml`).
//!
//! A date in a year the data does not cover is an error, never a guess:
//! deadlines computed on a guessed calendar would be wrong in law.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The schedule shipped with pocnet.
pub const STATE_COUNCIL: &str = include_str!("../../../data/calendar/cn-state-council.toml");

/// What can go wrong when asking the calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The schedule has no entry for this year.
    #[error("工作日历未包含{0}年的节假日安排，请先补充该年数据")]
    YearNotCovered(i32),
}

/// A problem in a calendar file, with its line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line in the file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Deserialize)]
struct File {
    year: Vec<toml::Spanned<YearFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    #[serde(default)]
    notice: String,
    holidays: Vec<toml::Spanned<String>>,
    makeup_working_days: Vec<toml::Spanned<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Year {
    holidays: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
}

/// A working-day calendar covering some years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, Year>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let years = crate::validation::DayRange::years_2000_to_2100();
    crate::validation::strict_day(s.trim()).filter(|d| *d >= years.earliest && *d <= years.latest)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl HolidayCalendar {
    /// A calendar covering no year: every question about a date is an error.
    pub fn empty() -> Self {
        Self { years: BTreeMap::new() }
    }

    /// The schedule shipped with pocnet.
    pub fn state_council() -> Result<Self, Vec<Problem>> {
        Self::parse(STATE_COUNCIL)
    }

    /// Parses a calendar file, reporting every problem with its line.
    pub fn parse(text: &str) -> Result<Self, Vec<Problem>> {
        let file: File = toml::from_str(text).map_err(|e| {
            vec![Problem { line: e.span().map(|s| line_of(text, s.start)), message: e.message().to_owned() }]
        })?;
        let mut problems = Vec::new();
        let mut years = BTreeMap::new();
        for spanned in &file.year {
            let y = spanned.get_ref();
            let year_line = line_of(text, spanned.span().start);
            let mut entry = Year::default();
            if y.notice.trim().is_empty() {
                problems.push(Problem { line: Some(year_line), message: format!("{}年：notice（所依据的国务院办公厅通知名称）不能为空", y.year) });
            }
            for item in &y.holidays {
                let line = Some(line_of(text, item.span().start));
                let raw = item.get_ref();
                let (from, to) = match raw.split_once("..") {
                    Some((a, b)) => (parse_date(a), parse_date(b)),
                    None => (parse_date(raw), parse_date(raw)),
                };
                let (Some(from), Some(to)) = (from, to) else {
                    problems.push(Problem { line, message: format!("“{raw}”不是日期（YYYY-MM-DD）或日期区间（YYYY-MM-DD..YYYY-MM-DD）") });
                    continue;
                };
                if from > to {
                    problems.push(Problem { line, message: format!("“{raw}”：区间的结束日期早于开始日期") });
                    continue;
                }
                if from.year() != y.year || to.year() != y.year {
                    problems.push(Problem { line, message: format!("“{raw}”不在{}年内", y.year) });
                    continue;
                }
                let mut d = from;
                while d <= to {
                    entry.holidays.insert(d);
                    d = d + Days::new(1);
                }
            }
            for item in &y.makeup_working_days {
                let line = Some(line_of(text, item.span().start));
                let raw = item.get_ref();
                let Some(d) = parse_date(raw) else {
                    problems.push(Problem { line, message: format!("“{raw}”不是日期（YYYY-MM-DD）") });
                    continue;
                };
                if d.year() != y.year {
                    problems.push(Problem { line, message: format!("“{raw}”不在{}年内", y.year) });
                } else if !is_weekend(d) {
                    problems.push(Problem { line, message: format!("“{raw}”是工作日（周一至周五）；调休上班日须为周六或周日") });
                } else if entry.holidays.contains(&d) {
                    problems.push(Problem { line, message: format!("“{raw}”同时列为放假日和调休上班日") });
                } else {
                    entry.makeup.insert(d);
                }
            }
            if years.insert(y.year, entry).is_some() {
                problems.push(Problem { line: Some(year_line), message: format!("{}年重复出现", y.year) });
            }
        }
        if years.is_empty() && problems.is_empty() {
            problems.push(Problem { line: None, message: "文件中没有 [[year]] 年度数据".into() });
        }
        if problems.is_empty() {
            Ok(Self { years })
        } else {
            Err(problems)
        }
    }

    /// Whether the calendar covers `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// This calendar with `newer`'s years laid over it: a year in both takes
    /// `newer`'s schedule (a bureau's upload corrects or adds whole years).
    pub fn overlaid(&self, newer: &HolidayCalendar) -> HolidayCalendar {
        let mut years = self.years.clone();
        years.extend(newer.years.iter().map(|(y, s)| (*y, s.clone())));
        HolidayCalendar { years }
    }

    /// The years the calendar covers.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether `d` is a working day: a weekday that is not a holiday, or a make-up working day.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        let year = self.years.get(&d.year()).ok_or(CalendarError::YearNotCovered(d.year()))?;
        Ok(year.makeup.contains(&d) || (!is_weekend(d) && !year.holidays.contains(&d)))
    }

    /// The `n`-th working day *after* `from` (`from` itself never counts; `n = 0` returns `from`).
    /// E.g. `add_working_days(2025-09-26, 5)` = 2025-10-10: Sunday 28 Sep (a make-up
    /// working day), 29 and 30 Sep, then past the 1–8 Oct holidays, 9 and 10 Oct.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d + Days::new(1);
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// The last day of a period of `n` working days that *starts on* `start`
    /// (counted as day 1 when it is a working day), as public notices are read.
    pub fn period_end(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return Ok(start);
        }
        let before = start.pred_opt().unwrap_or(start);
        self.add_working_days(before, n)
    }
}

/// The warning a bureau sees from November on when next year's schedule is
/// missing: the State Council publishes it each autumn, and a notice or a
/// deadline counted in working days into that year would otherwise fail (an
/// uncovered year is never guessed).
pub fn next_year_warning(calendar: &HolidayCalendar, today: NaiveDate) -> Option<String> {
    let next = today.year() + 1;
    (today.month() >= 11 && !calendar.covers(next)).then(|| {
        format!("工作日历尚未包含{next}年的节假日安排：国务院办公厅通常于每年秋季公布下一年度安排，请在“工作日历”中上传{next}年数据，否则跨入{next}年的公示期和期限将无法计算")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap_or(NaiveDate::MIN)
    }

    fn cal() -> HolidayCalendar {
        match HolidayCalendar::state_council() {
            Ok(c) => c,
            Err(p) => panic!("shipped calendar must parse: {p:?}"),
        }
    }

    #[test]
    fn working_days_across_the_2025_and_2026_schedules() {
        let c = cal();
        let cases = [
            ("2025-01-01", false), // 元旦
            ("2025-01-02", true),
            ("2025-01-26", true),  // Sunday, make-up
            ("2025-01-28", false), // 春节
            ("2025-02-04", false),
            ("2025-02-05", true),
            ("2025-02-08", true),  // Saturday, make-up
            ("2025-02-09", false), // plain Sunday
            ("2025-04-27", true),  // Sunday, make-up
            ("2025-05-05", false),
            ("2025-06-02", false), // 端午 Monday
            ("2025-09-28", true),
            ("2025-10-08", false),
            ("2025-10-11", true),
            ("2025-10-12", false),
            ("2026-01-02", false), // Friday inside 元旦
            ("2026-01-04", true),  // Sunday, make-up
            ("2026-02-14", true),
            ("2026-02-16", false),
            ("2026-02-23", false),
            ("2026-02-24", true),
            ("2026-02-28", true),
            ("2026-05-09", true),
            ("2026-06-19", false),
            ("2026-09-20", true),
            ("2026-09-25", false),
            ("2026-10-07", false),
            ("2026-10-10", true),
            ("2026-11-23", true),  // an ordinary Monday
        ];
        for (date, want) in cases {
            assert_eq!(c.is_working_day(d(date)), Ok(want), "{date}");
        }
    }

    #[test]
    fn adding_working_days_skips_holidays_and_counts_make_up_days() {
        let c = cal();
        let cases = [
            ("2025-09-26", 5, "2025-10-10"), // Fri → 28 Sep (Sun make-up), 29, 30, [1–8 Oct off], 9, 10 Oct
            ("2025-01-24", 3, "2025-02-05"), // Fri → 26 Jan (Sun make-up), 27 Jan, 5 Feb
            ("2026-02-12", 2, "2026-02-14"), // Thu → 13 Feb, 14 Feb (Sat make-up)
            ("2026-11-20", 5, "2026-11-27"), // ordinary week
            ("2026-11-20", 0, "2026-11-20"),
        ];
        for (from, n, want) in cases {
            assert_eq!(c.add_working_days(d(from), n), Ok(d(want)), "{from} + {n}");
        }
    }

    #[test]
    fn a_notice_period_counts_its_first_day_when_that_is_a_working_day() {
        let c = cal();
        assert_eq!(c.period_end(d("2026-11-23"), 5), Ok(d("2026-11-27")), "Mon..Fri");
        assert_eq!(c.period_end(d("2026-11-22"), 5), Ok(d("2026-11-27")), "starting on a Sunday");
        assert_eq!(c.period_end(d("2026-09-30"), 5), Ok(d("2026-10-12")), "across 国庆 with the 10 Oct make-up day");
    }

    #[test]
    fn an_uncovered_year_is_an_error() {
        let c = cal();
        assert_eq!(c.is_working_day(d("2027-03-01")), Err(CalendarError::YearNotCovered(2027)));
        assert_eq!(c.add_working_days(d("2026-12-30"), 3), Err(CalendarError::YearNotCovered(2027)));
        assert_eq!(c.is_working_day(d("2024-12-31")), Err(CalendarError::YearNotCovered(2024)));
    }

    #[test]
    fn every_problem_of_a_bad_file_is_reported_with_its_line() {
        let text = "[[year]]\nyear = 2027\nnotice = \"x\"\nholidays = [\n  \"2027-02-30\",\n  \"2026-10-01\",\n  \"2027-05-05..2027-05-01\",\n]\nmakeup_working_days = [\"2027-03-03\"]\n";
        let Err(problems) = HolidayCalendar::parse(text) else { panic!("must fail") };
        let lines: Vec<_> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(5), Some(6), Some(7), Some(9)], "{problems:?}");
        assert!(problems[3].message.contains("调休上班日须为周六或周日"));
        let Err(problems) = HolidayCalendar::parse("[[year]]\nyear = \"x\"\n") else { panic!("must fail") };
        assert_eq!(problems.len(), 1);
        assert!(problems[0].line.is_some());
    }

    /// Issue 10: from November the bureau is warned when next year is not in
    /// the calendar; never a guess.
    #[test]
    fn next_years_schedule_is_asked_for_from_november() {
        let c = cal();
        let cases = [("2026-10-31", false), ("2026-11-01", true), ("2026-12-31", true), ("2025-11-01", false), ("2027-01-02", false)];
        for (today, warn) in cases {
            assert_eq!(next_year_warning(&c, d(today)).is_some(), warn, "{today}");
        }
        let y2027 = "[[year]]\nyear = 2027\nnotice = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [\"2027-01-01\"]\nmakeup_working_days = []\n";
        let Ok(upload) = HolidayCalendar::parse(y2027) else { panic!("2027 block parses") };
        let merged = c.overlaid(&upload);
        assert_eq!(next_year_warning(&merged, d("2026-11-01")), None);
        assert_eq!(merged.is_working_day(d("2027-01-01")), Ok(false));
        assert_eq!(merged.is_working_day(d("2026-10-10")), Ok(true), "the shipped years stay");
        assert!(next_year_warning(&c, d("2026-11-01")).is_some_and(|w| w.contains("2027")));
    }
}
