//! A batch review of early concepts (批量论证, 004 三(二) “定期、批量组织论证，推出‘种子’清单”): a platform
//! takes what waits in its pool, its review group scores each concept on technical feasibility and
//! on market prospects (the “双验证” of 004 二(一)), selects the seeds, and publishes the list.

use crate::library::intake::split_items;
use crate::validation::{collect, day, multiline, text, DayRange};
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// Where a batch stands.
    pub enum BatchState {
        /// 论证中: the concepts are being assessed.
        Reviewing => ("reviewing", "论证中"),
        /// 已发布: the seed list is published; the seeds entered the library.
        Published => ("published", "已发布种子清单"),
    }
}

string_enum! {
    /// The review group's verdict on one concept.
    pub enum Verdict {
        /// 入选种子清单.
        Seed => ("seed", "入选"),
        /// 不入选.
        NotSelected => ("not_selected", "不入选"),
    }
}

/// The most concepts one batch reviews: a review meeting's day. A pool that holds more is taken
/// oldest first; the rest wait for the next batch.
pub const MAX_BATCH: usize = 200;

/// The most members a review group lists.
pub const MAX_PANEL: usize = 30;

/// A batch as typed when it is opened.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawBatch<'a> {
    /// 批次名称, e.g. 2026年第四季度种子论证.
    pub title: &'a str,
    /// 论证日期.
    pub review_on: &'a str,
    /// 论证专家 (technology, industry and capital, 004 三(三)), as cells.
    pub panel: &'a [String],
}

/// A checked batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDraft {
    /// 批次名称, 2–60 characters.
    pub title: String,
    /// 论证日期: within a year before or after today.
    pub review_on: NaiveDate,
    /// 论证专家: 1–30 names.
    pub panel: Vec<String>,
}

impl BatchDraft {
    /// Checks every field on `today`, naming each that fails.
    pub fn parse(raw: &RawBatch<'_>, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = collect(&mut errors, text("title", "批次名称", raw.title, 2, 60));
        let year = chrono::Months::new(12);
        let range = DayRange { earliest: today.checked_sub_months(year).unwrap_or(today), latest: today.checked_add_months(year).unwrap_or(today) };
        let review_on = collect(&mut errors, day("review_on", "论证日期", raw.review_on, range));
        let panel = split_items(raw.panel);
        let panel = match panel.len() {
            0 => {
                errors.push(FieldError::new("panel", "required", "请填写论证专家（技术、产业、资本等方面）"));
                None
            }
            n if n > MAX_PANEL => {
                errors.push(FieldError::new("panel", "too_many", format!("论证专家最多{MAX_PANEL}人")));
                None
            }
            _ => {
                let mut names = Vec::new();
                for p in &panel {
                    if let Some(n) = collect(&mut errors, text("panel", "论证专家姓名", p, 2, 40)) {
                        names.push(n);
                    }
                }
                Some(names)
            }
        };
        match (title, review_on, panel) {
            (Some(title), Some(review_on), Some(panel)) if errors.is_empty() => Ok(Self { title, review_on, panel }),
            _ => Err(errors),
        }
    }
}

/// One concept's assessment as typed (a row of the batch's form).
#[derive(Debug, Clone, Default)]
pub struct RawAssessment {
    /// The concept.
    pub concept_id: Option<i64>,
    /// 技术可行性, 0–100.
    pub tech_score: String,
    /// 市场前景, 0–100.
    pub market_score: String,
    /// `seed` or `not_selected`.
    pub verdict: String,
    /// 论证意见.
    pub opinion: String,
}

/// A checked assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The concept.
    pub concept_id: i64,
    /// 技术可行性, 0–100.
    pub tech_score: i32,
    /// 市场前景, 0–100.
    pub market_score: i32,
    /// The verdict.
    pub verdict: Verdict,
    /// 论证意见, 2–500 characters.
    pub opinion: String,
}

impl Assessment {
    /// The overall score: the mean of the two, rounded half up (技术与市场“双验证”, 004 二(一)).
    pub fn overall(tech: i32, market: i32) -> i32 {
        (tech + market + 1) / 2
    }
}

fn score(field: &str, label: &str, raw: &str) -> Result<i32, FieldError> {
    match raw.trim() {
        "" => Err(FieldError::required(field, label)),
        t => match t.parse::<i32>() {
            Ok(n @ 0..=100) => Ok(n),
            _ => Err(FieldError::new(field, "out_of_range", format!("{label}须为0至100的整数"))),
        },
    }
}

/// Checks the rows of a batch's assessment form: each names a concept of the batch (`in_batch`)
/// once, scores both sides 0–100, gives the verdict and the opinion. Rows left wholly blank are
/// skipped (a form of many rows is filled a few at a time); errors name the row as
/// `assessments[i].field`.
pub fn parse_assessments(rows: &[RawAssessment], in_batch: &[i64]) -> Result<Vec<Assessment>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out: Vec<Assessment> = Vec::new();
    let blank = |r: &RawAssessment| r.tech_score.trim().is_empty() && r.market_score.trim().is_empty() && r.verdict.trim().is_empty() && r.opinion.trim().is_empty();
    for (i, r) in rows.iter().enumerate() {
        if blank(r) {
            continue;
        }
        let f = |name: &str| format!("assessments[{i}].{name}");
        let concept = collect(
            &mut errors,
            match r.concept_id {
                None => Err(FieldError::required(&f("concept_id"), "概念")),
                Some(id) if !in_batch.contains(&id) => Err(FieldError::new(f("concept_id"), "not_in_batch", format!("概念{id}不在本批次中"))),
                Some(id) if out.iter().any(|a| a.concept_id == id) => Err(FieldError::new(f("concept_id"), "duplicate", format!("概念{id}重复填写"))),
                Some(id) => Ok(id),
            },
        );
        let tech = collect(&mut errors, score(&f("tech_score"), "技术可行性评分", &r.tech_score));
        let market = collect(&mut errors, score(&f("market_score"), "市场前景评分", &r.market_score));
        let verdict = collect(
            &mut errors,
            match Verdict::parse(r.verdict.trim()) {
                Ok(v) => Ok(v),
                Err(_) if r.verdict.trim().is_empty() => Err(FieldError::required(&f("verdict"), "论证结论")),
                Err(_) => Err(FieldError::unknown_value(&f("verdict"), "论证结论")),
            },
        );
        let opinion = collect(&mut errors, multiline(&f("opinion"), "论证意见", &r.opinion, 2, 500));
        if let (Some(concept_id), Some(tech_score), Some(market_score), Some(verdict), Some(opinion)) = (concept, tech, market, verdict, opinion) {
            out.push(Assessment { concept_id, tech_score, market_score, verdict, opinion });
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("assessments", "required", "请至少填写一个概念的论证结果"));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Whether a batch of `total` concepts, `assessed` of them assessed, may publish its seed list now;
/// the reason in words when not.
pub fn publishable(state: BatchState, total: i64, assessed: i64) -> Result<(), String> {
    match state {
        BatchState::Published => Err("本批次的种子清单已发布".into()),
        BatchState::Reviewing if assessed < total => Err(format!("还有{}个概念未填写论证结果，全部论证后才能发布种子清单", total - assessed)),
        BatchState::Reviewing => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn batch_rules() {
        let today = d("2026-12-03");
        let panel = |s: &str| vec![s.to_owned()];
        type Case = (&'static str, &'static str, Vec<String>, Option<(&'static str, &'static str)>);
        let cases: Vec<Case> = vec![
            ("2026年第四季度种子论证", "2026-12-10", panel("王教授、李总、赵合伙人"), None),
            ("2026年第四季度种子论证", "2025-12-03", panel("王教授"), None),
            ("2026年第四季度种子论证", "2025-12-02", panel("王教授"), Some(("review_on", "out_of_range"))),
            ("2026年第四季度种子论证", "2027-12-04", panel("王教授"), Some(("review_on", "out_of_range"))),
            ("2026年第四季度种子论证", "12/10", panel("王教授"), Some(("review_on", "invalid_date"))),
            ("", "2026-12-10", panel("王教授"), Some(("title", "required"))),
            ("2026年第四季度种子论证", "2026-12-10", panel(" 、 "), Some(("panel", "required"))),
            ("2026年第四季度种子论证", "2026-12-10", panel(&"专家甲、".repeat(31)), Some(("panel", "too_many"))),
        ];
        for (title, review_on, panel, want) in cases {
            let got = BatchDraft::parse(&RawBatch { title, review_on, panel: &panel }, today);
            match (want, got) {
                (None, Ok(b)) => assert!(!b.panel.is_empty()),
                (Some((field, code)), Err(es)) => assert!(es.iter().any(|e| e.field == field && e.code == code), "{title}/{review_on}: {es:?}"),
                (w, g) => panic!("{title}/{review_on}: want {w:?}, got {g:?}"),
            }
        }
    }

    fn row(id: Option<i64>, tech: &str, market: &str, verdict: &str, opinion: &str) -> RawAssessment {
        RawAssessment { concept_id: id, tech_score: tech.into(), market_score: market.into(), verdict: verdict.into(), opinion: opinion.into() }
    }

    #[test]
    fn assessment_rows() {
        let batch = [11, 12, 13];
        type Case = (&'static str, Vec<RawAssessment>, Result<usize, (&'static str, &'static str)>);
        let cases: Vec<Case> = vec![
            ("two rows", vec![row(Some(11), "85", "70", "seed", "技术路线清晰"), row(Some(12), "40", "55", "not_selected", "市场需求不明")], Ok(2)),
            ("blank rows skipped", vec![row(Some(11), "", "", "", ""), row(Some(13), "60", "60", "seed", "可以")], Ok(1)),
            ("nothing filled", vec![row(Some(11), "", "", "", "")], Err(("assessments", "required"))),
            ("score above 100", vec![row(Some(11), "101", "70", "seed", "可以")], Err(("assessments[0].tech_score", "out_of_range"))),
            ("score not a number", vec![row(Some(11), "80", "高", "seed", "可以")], Err(("assessments[0].market_score", "out_of_range"))),
            ("missing score", vec![row(Some(11), "80", "", "seed", "可以")], Err(("assessments[0].market_score", "required"))),
            ("unknown verdict", vec![row(Some(11), "80", "80", "maybe", "可以")], Err(("assessments[0].verdict", "unknown_value"))),
            ("no opinion", vec![row(Some(11), "80", "80", "seed", "")], Err(("assessments[0].opinion", "required"))),
            ("not in the batch", vec![row(Some(99), "80", "80", "seed", "可以")], Err(("assessments[0].concept_id", "not_in_batch"))),
            ("twice", vec![row(Some(11), "80", "80", "seed", "可以"), row(Some(11), "70", "70", "seed", "可以")], Err(("assessments[1].concept_id", "duplicate"))),
        ];
        for (name, rows, want) in cases {
            match (want, parse_assessments(&rows, &batch)) {
                (Ok(n), Ok(a)) => assert_eq!(a.len(), n, "{name}"),
                (Err((field, code)), Err(es)) => assert!(es.iter().any(|e| e.field == field && e.code == code), "{name}: {es:?}"),
                (w, g) => panic!("{name}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn overall_score_is_the_rounded_mean() {
        for (t, m, want) in [(80, 70, 75), (85, 70, 78), (0, 0, 0), (100, 99, 100), (61, 60, 61)] {
            assert_eq!(Assessment::overall(t, m), want, "{t}+{m}");
        }
    }

    #[test]
    fn publishing_needs_every_concept_assessed() {
        let cases = [
            (BatchState::Reviewing, 5, 5, true),
            (BatchState::Reviewing, 5, 4, false),
            (BatchState::Reviewing, 0, 0, true),
            (BatchState::Published, 5, 5, false),
        ];
        for (state, total, assessed, ok) in cases {
            assert_eq!(publishable(state, total, assessed).is_ok(), ok, "{state:?} {total}/{assessed}");
        }
    }
}
