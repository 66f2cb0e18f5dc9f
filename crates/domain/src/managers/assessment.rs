//! The yearly double assessment of a project manager (“技术价值+商业价值”双重考核, 004 三(五)): the
//! platform scores the technical value and the commercial value its manager added to the projects
//! carried that year, each 0–100, and the grade follows the weaker of the two — a manager strong on
//! one side only is not 优秀.
//!
//! The platform may start from suggested scores read off the portfolio's records ([`suggest`]):
//! 004 names the two values, not a formula, so the suggestion is pocnet's documented default and the
//! platform decides the scores.

use crate::validation::{collect, multiline};
use crate::FieldError;
use serde::Serialize;

string_enum! {
    /// The grade of a yearly assessment.
    pub enum Grade {
        /// 优秀: both values at least 85.
        Excellent => ("excellent", "优秀"),
        /// 良好: both at least 75.
        Good => ("good", "良好"),
        /// 合格: both at least 60.
        Pass => ("pass", "合格"),
        /// 不合格: either below 60.
        Fail => ("fail", "不合格"),
    }
}

/// The grade of scores `technical` and `commercial` (0–100): the weaker value decides
/// (双重考核 — both must hold).
pub fn grade(technical: u8, commercial: u8) -> Grade {
    match technical.min(commercial) {
        85.. => Grade::Excellent,
        75..=84 => Grade::Good,
        60..=74 => Grade::Pass,
        _ => Grade::Fail,
    }
}

/// What a manager's projects at one platform achieved in one year, while the manager carried them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PortfolioFacts {
    /// Projects carried at some time in the year.
    pub managed: u32,
    /// Of them, verification reports issued in the year (验证完成).
    pub verified: u32,
    /// Technology readiness levels gained by those reports over the level when assigned.
    pub trl_gain: u32,
    /// Hand-offs to pilot platforms in the year (转入中试).
    pub handoffs: u32,
    /// Outcomes recorded in the year (样品化、产品化、落地转化、融资、许可转让、孵化企业…).
    pub outcomes: u32,
    /// Money those outcomes brought (contracts, financing, licences), yuan.
    pub amount_yuan: i64,
    /// Assignments left in the year carried through (to pilot scale, transferred or financed).
    pub carried_through: u32,
}

/// Scores suggested from the records; `None` when the manager carried no project that year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// 技术价值.
    pub technical: Option<u8>,
    /// 商业价值.
    pub commercial: Option<u8>,
}

/// The base of a suggested score: a manager who carried projects but moved none on.
pub const BASE: u32 = 40;
/// Yuan the outcomes bring for one point of commercial value (50 万元).
pub const YUAN_PER_POINT: i64 = 500_000;
/// The most points money brings (1,000 万元).
pub const MONEY_POINTS_CAP: u32 = 20;

/// Suggested scores from a year's records (pocnet's default reading, shown with its rule):
/// - 技术价值 = 40 + 40 × (verified ÷ managed) + 5 per TRL level gained, at most 100;
/// - 商业价值 = 40 + 10 per hand-off to pilot scale + 10 per outcome + 1 per 50 万元 brought (at
///   most 20), at most 100.
pub fn suggest(f: &PortfolioFacts) -> Suggestion {
    if f.managed == 0 {
        return Suggestion::default();
    }
    let share = (40 * f.verified.min(f.managed)) / f.managed;
    let technical = (BASE + share + 5 * f.trl_gain).min(100);
    let money = u32::try_from(f.amount_yuan.max(0) / YUAN_PER_POINT).unwrap_or(u32::MAX).min(MONEY_POINTS_CAP);
    let commercial = (BASE + 10 * f.handoffs + 10 * f.outcomes + money).min(100);
    Suggestion { technical: u8::try_from(technical).ok(), commercial: u8::try_from(commercial).ok() }
}

/// The rule of [`suggest`] in words, for the page beside the suggestion.
pub const SUGGESTION_RULE: &str = "建议分按本年度项目记录计算，仅供参考，由平台评定：技术价值 = 40 + 40 × 验证完成项目占比 + 每提升一级技术成熟度 5 分；\
商业价值 = 40 + 每移交中试一项 10 分 + 每项验证成效 10 分 + 成效金额每 50 万元 1 分（至多 20 分）；两项均至多 100 分。等次取两项中较低者：85 分以上优秀，75 分以上良好，60 分以上合格。";

/// An assessment as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawAssessment<'a> {
    /// Year assessed.
    pub year: &'a str,
    /// 技术价值 score.
    pub technical: &'a str,
    /// 商业价值 score.
    pub commercial: &'a str,
    /// 考核意见.
    pub opinion: &'a str,
}

/// A checked assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentDraft {
    /// Year assessed.
    pub year: i32,
    /// 技术价值, 0–100.
    pub technical: u8,
    /// 商业价值, 0–100.
    pub commercial: u8,
    /// Its grade.
    pub grade: Grade,
    /// 考核意见, 2–1,000 characters.
    pub opinion: String,
}

/// How many years back a platform may still assess.
pub const YEARS_BACK: i32 = 5;

fn score(field: &str, label: &str, raw: &str) -> Result<u8, FieldError> {
    match raw.trim() {
        "" => Err(FieldError::required(field, label)),
        s => s.parse::<u8>().ok().filter(|n| *n <= 100).ok_or_else(|| FieldError::new(field, "out_of_range", format!("{label}须为0至100的整数"))),
    }
}

impl AssessmentDraft {
    /// Checks every field, naming each that fails; the year is this year or one of the
    /// [`YEARS_BACK`] before it.
    pub fn parse(raw: &RawAssessment<'_>, this_year: i32) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let year = collect(
            &mut errors,
            match raw.year.trim() {
                "" => Err(FieldError::required("year", "考核年度")),
                y => y
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (this_year - YEARS_BACK..=this_year).contains(y))
                    .ok_or_else(|| FieldError::new("year", "out_of_range", format!("考核年度须在{}至{this_year}年之间", this_year - YEARS_BACK))),
            },
        );
        let technical = collect(&mut errors, score("technical", "技术价值得分", raw.technical));
        let commercial = collect(&mut errors, score("commercial", "商业价值得分", raw.commercial));
        let opinion = collect(&mut errors, multiline("opinion", "考核意见", raw.opinion, 2, 1000));
        match (year, technical, commercial, opinion) {
            (Some(year), Some(technical), Some(commercial), Some(opinion)) if errors.is_empty() => {
                Ok(Self { year, technical, commercial, grade: grade(technical, commercial), opinion })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 004 三(五) “技术价值+商业价值”双重考核: the weaker value sets the grade.
    #[test]
    fn the_weaker_value_sets_the_grade() {
        let cases = [
            (100, 100, Grade::Excellent),
            (85, 85, Grade::Excellent),
            (100, 84, Grade::Good),
            (84, 100, Grade::Good),
            (75, 90, Grade::Good),
            (74, 99, Grade::Pass),
            (60, 60, Grade::Pass),
            (59, 100, Grade::Fail),
            (100, 0, Grade::Fail),
        ];
        for (t, c, g) in cases {
            assert_eq!(grade(t, c), g, "{t}/{c}");
        }
    }

    #[test]
    fn suggested_scores_follow_the_records() {
        let f = |managed, verified, trl_gain, handoffs, outcomes, amount_yuan| PortfolioFacts { managed, verified, trl_gain, handoffs, outcomes, amount_yuan, carried_through: 0 };
        let cases = [
            // Nothing carried: nothing to suggest.
            (f(0, 0, 0, 0, 0, 0), None, None),
            // Carried, nothing moved: the base on both sides.
            (f(2, 0, 0, 0, 0, 0), Some(40), Some(40)),
            // Half verified, two levels gained; one hand-off, two outcomes, 300 万元.
            (f(2, 1, 2, 1, 2, 3_000_000), Some(70), Some(76)),
            // Everything verified with big gains; money capped at 20 points; both capped at 100.
            (f(3, 3, 9, 2, 5, 900_000_000), Some(100), Some(100)),
            // 49 万元 brings no point; 50 万元 one.
            (f(1, 0, 0, 0, 0, 490_000), Some(40), Some(40)),
            (f(1, 0, 0, 0, 0, 500_000), Some(40), Some(41)),
            // A report counted twice never makes the share pass all.
            (f(1, 2, 0, 0, 0, 0), Some(80), Some(40)),
        ];
        for (facts, t, c) in cases {
            assert_eq!(suggest(&facts), Suggestion { technical: t, commercial: c }, "{facts:?}");
        }
    }

    #[test]
    fn assessment_rules() {
        let ok = RawAssessment { year: "2026", technical: "82", commercial: "90", opinion: "路线调整及时，两项成果转入中试" };
        let Ok(d) = AssessmentDraft::parse(&ok, 2026) else { panic!("refused") };
        assert_eq!((d.year, d.grade), (2026, Grade::Good));
        type Case = (&'static str, fn(&mut RawAssessment<'static>), &'static str, &'static str);
        let cases: &[Case] = &[
            ("next year", |r| r.year = "2027", "year", "out_of_range"),
            ("six years back", |r| r.year = "2020", "year", "out_of_range"),
            ("no year", |r| r.year = "", "year", "required"),
            ("score over 100", |r| r.technical = "101", "technical", "out_of_range"),
            ("negative score", |r| r.commercial = "-1", "commercial", "out_of_range"),
            ("no score", |r| r.commercial = " ", "commercial", "required"),
            ("no opinion", |r| r.opinion = "", "opinion", "required"),
        ];
        for (name, edit, field, code) in cases {
            let mut r = ok;
            edit(&mut r);
            let Err(es) = AssessmentDraft::parse(&r, 2026) else { panic!("{name}: accepted") };
            assert!(es.iter().any(|e| e.field == *field && e.code == *code), "{name}: {es:?}");
        }
        assert!(AssessmentDraft::parse(&RawAssessment { year: "2021", ..ok }, 2026).is_ok(), "five years back is still open");
    }
}
