//! The evaluation section of a policy profile, as data (评价方案): when the
//! data window of an evaluation year starts, when the annual report is due,
//! the indicators with their weights and sources, and the consequences the
//! policy attaches to a result. Grade bands and the revocation rules sit
//! beside these in `policy::profile::Evaluation`.

use super::figures::Metric;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A day of the year without a year (`MM-DD`), e.g. the first day of a data
/// window (`01-01` for the calendar year, `10-01` for a 1 Oct – 30 Sep year).
/// 29 February is refused: it does not recur every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    /// 1 January.
    pub const NEW_YEAR: MonthDay = MonthDay { month: 1, day: 1 };

    /// Parses `MM-DD`.
    pub fn parse(s: &str) -> Option<Self> {
        let (m, d) = s.trim().split_once('-')?;
        let (month, day) = (m.parse().ok()?, d.parse().ok()?);
        if (month, day) == (2, 29) {
            return None;
        }
        NaiveDate::from_ymd_opt(2025, month, day)?;
        Some(Self { month, day })
    }

    /// This day in `year`.
    pub fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day).unwrap_or(NaiveDate::MIN)
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl Serialize for MonthDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        MonthDay::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a day of the year (MM-DD, not 02-29)")))
    }
}

/// The data window of one evaluation year: both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Window {
    /// The window of evaluation year `year` for windows starting on `start`:
    /// the twelve months that end in `year` — 1 Jan – 31 Dec of `year` for
    /// `01-01`, 1 Oct of `year − 1` – 30 Sep of `year` for `10-01`.
    pub fn of_year(start: MonthDay, year: i32) -> Self {
        let from = if start == MonthDay::NEW_YEAR { start.in_year(year) } else { start.in_year(year - 1) };
        let next = if start == MonthDay::NEW_YEAR { start.in_year(year + 1) } else { start.in_year(year) };
        Self { from, to: next.checked_sub_days(Days::new(1)).unwrap_or(next) }
    }

    /// Whether `day` lies in the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The first `due` after the window's last day: the annual report's deadline.
    pub fn due(&self, due: MonthDay) -> NaiveDate {
        let same = due.in_year(self.to.year());
        if same > self.to { same } else { due.in_year(self.to.year() + 1) }
    }
}

string_enum! {
    /// Where an indicator's score comes from.
    pub enum IndicatorSource {
        /// Computed from the platform's records (平台记录核算).
        Records => ("records", "平台记录核算"),
        /// Scored by the evaluation panel's experts (专家评分).
        Experts => ("experts", "专家评分"),
    }
}

/// One indicator of the evaluation (评价指标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable code (for an expert indicator, the score sheet's dimension code).
    pub code: String,
    /// Chinese label.
    pub label: String,
    /// Weight in percent; an evaluation's weights sum to 100.
    pub weight: u32,
    /// Records or experts.
    pub source: IndicatorSource,
    /// For a records indicator: the figure it reads.
    #[serde(default)]
    pub metric: Option<Metric>,
    /// For a records indicator: the figure that earns full marks; a smaller
    /// figure earns its share (score = min(1, figure ÷ this) × 100).
    #[serde(default)]
    pub full_marks_at: Option<i64>,
    /// Article.
    pub article: String,
    /// How the wording is read (and whose choice a weight or a target is).
    pub reading: String,
}

/// The reward for a grade, at most once in a number of years (e.g. 001 中试
/// 四(14): 优秀 → 100万元, 3年内最多奖励一次).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reward {
    /// The grade that earns it.
    pub grade: String,
    /// Amount, yuan.
    pub amount_yuan: i64,
    /// At most once within this many years (1: every year).
    pub at_most_once_in_years: u32,
    /// Article.
    pub article: String,
}

/// Support that follows the evaluation (e.g. 001 概念验证 四: provincial support
/// by last year's evaluation; 004 五(二)(四): 后补助 ≤ 300万元/年 with 退坡).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    /// Grades that earn support.
    pub grades: Vec<String>,
    /// Most support a year, yuan (absent: the bureau sets the amount).
    #[serde(default)]
    pub cap_yuan: Option<i64>,
    /// Percent the cap declines for each consecutive prior year of support (退坡); 0: none.
    #[serde(default)]
    pub decline_percent: u32,
    /// Article.
    pub article: String,
    /// How the wording is read.
    pub reading: String,
}

/// Problems of an evaluation plan, in English for `pocnet policy check`.
pub fn check(indicators: &[Indicator], grade_codes: &[&str], reward: Option<&Reward>, support: Option<&Support>) -> Vec<String> {
    let mut problems = Vec::new();
    if !indicators.is_empty() {
        let sum: u32 = indicators.iter().map(|i| i.weight).sum();
        if sum != 100 {
            problems.push(format!("evaluation.indicator weights sum to {sum}, not 100"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for i in indicators {
        if !seen.insert(i.code.as_str()) {
            problems.push(format!("indicator {} appears twice", i.code));
        }
        if i.weight == 0 {
            problems.push(format!("indicator {}: weight must be at least 1", i.code));
        }
        if i.article.trim().is_empty() || i.reading.trim().is_empty() {
            problems.push(format!("indicator {}: article and reading must not be empty", i.code));
        }
        match i.source {
            IndicatorSource::Records => {
                if i.metric.is_none() {
                    let known: Vec<&str> = Metric::ALL.iter().map(|m| m.as_str()).collect();
                    problems.push(format!("indicator {}: a records indicator names its metric (known: {})", i.code, known.join(", ")));
                }
                if i.full_marks_at.is_none_or(|t| t < 1) {
                    problems.push(format!("indicator {}: full_marks_at must be at least 1", i.code));
                }
            }
            IndicatorSource::Experts => {
                if i.metric.is_some() || i.full_marks_at.is_some() {
                    problems.push(format!("indicator {}: an experts indicator takes no metric or full_marks_at", i.code));
                }
            }
        }
    }
    if let Some(r) = reward {
        if !grade_codes.contains(&r.grade.as_str()) {
            problems.push(format!("evaluation.reward.grade `{}` is not a grade of this profile", r.grade));
        }
        if r.amount_yuan < 1 || r.at_most_once_in_years < 1 {
            problems.push("evaluation.reward: amount_yuan and at_most_once_in_years must be at least 1".into());
        }
    }
    if let Some(s) = support {
        if s.grades.is_empty() {
            problems.push("evaluation.support.grades must name at least one grade".into());
        }
        for g in s.grades.iter().filter(|g| !grade_codes.contains(&g.as_str())) {
            problems.push(format!("evaluation.support.grades: `{g}` is not a grade of this profile"));
        }
        if s.decline_percent > 100 || s.cap_yuan.is_some_and(|c| c < 1) {
            problems.push("evaluation.support: decline_percent must be 0–100 and cap_yuan at least 1".into());
        }
    }
    problems
}
