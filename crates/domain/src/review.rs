//! Structured reviews (评审): the score sheet of each purpose with weighted
//! dimensions from the seeds, one expert's weighted total, and a panel's
//! aggregate — mean, trimmed mean, spread — with a disagreement flag when the
//! spread exceeds the sheet's threshold.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

string_enum! {
    /// What a panel judges.
    pub enum ReviewPurpose {
        /// 成果入库评价遴选 (000 二(三)): theoretical innovation, feasibility, market, IP.
        Screening => ("screening", "入库评价遴选"),
        /// 三维立体评估 (002 三(三)): technical, commercial, market.
        ThreeDimensional => ("three_dimensional", "三维立体评估"),
        /// 创建/认定申报评审.
        ApplicationReview => ("application_review", "申报评审"),
        /// 年度绩效评价 (000 四; 行动方案三(三)): capability, service, management, benefit.
        AnnualEvaluation => ("annual_evaluation", "年度绩效评价"),
    }
}

/// One scored dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dimension {
    /// Stable code.
    pub code: Cow<'static, str>,
    /// Chinese label.
    pub label: Cow<'static, str>,
    /// Weight in percent; a sheet's weights sum to 100.
    pub weight: u32,
    /// The article it comes from.
    pub article: Cow<'static, str>,
}

/// A score sheet: dimensions scored 0–100 each. The shipped sheets are
/// constants; an annual evaluation's sheet is built from its profile's
/// experts indicators ([`ScoreSheet::of_dimensions`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreSheet {
    /// Purpose.
    pub purpose: ReviewPurpose,
    /// Dimensions.
    pub dimensions: Cow<'static, [Dimension]>,
    /// A spread (max − min of totals) above this flags disagreement (分歧).
    pub disagreement_spread: u32,
}

const fn dim(code: &'static str, label: &'static str, weight: u32, article: &'static str) -> Dimension {
    Dimension { code: Cow::Borrowed(code), label: Cow::Borrowed(label), weight, article: Cow::Borrowed(article) }
}

/// Days an invited expert has to declare and score (评审期限). The seeds set
/// no review period; ten calendar days from the invitation is the bureau's
/// default (本局默认), long enough to read the materials, short enough that a
/// panel does not stall a call.
pub const REVIEW_DAYS: u64 = 10;

/// The deadline of an invitation sent on `invited` (a day in China).
pub fn review_due(invited: chrono::NaiveDate) -> chrono::NaiveDate {
    invited.checked_add_days(chrono::Days::new(REVIEW_DAYS)).unwrap_or(chrono::NaiveDate::MAX)
}

/// The sheets pocnet ships (a bureau's own sheets come with the profile format later).
pub const SHEETS: &[ScoreSheet] = &[
    ScoreSheet {
        purpose: ReviewPurpose::Screening,
        dimensions: Cow::Borrowed(&[
            dim("theoretical_innovation", "理论创新性", 25, "温州行动方案 二(三)"),
            dim("technical_feasibility", "技术可行性", 30, "温州行动方案 二(三)"),
            dim("market_potential", "市场潜力", 25, "温州行动方案 二(三)"),
            dim("ip_completeness", "知识产权完整性", 20, "温州行动方案 二(三)"),
        ]),
        disagreement_spread: 25,
    },
    ScoreSheet {
        purpose: ReviewPurpose::ThreeDimensional,
        dimensions: Cow::Borrowed(&[
            dim("technical_feasibility", "技术可行性", 40, "002 三(三)"),
            dim("commercial_value", "商业价值（商业模式、竞品分析）", 30, "002 三(三)"),
            dim("market_potential", "市场潜力（专利布局）", 30, "002 三(三)"),
        ]),
        disagreement_spread: 25,
    },
    ScoreSheet {
        purpose: ReviewPurpose::ApplicationReview,
        dimensions: Cow::Borrowed(&[
            dim("conditions", "基础条件与验证能力", 30, "温州指引 二(二)"),
            dim("team", "人才团队与顾问专家", 25, "温州指引 二(三)"),
            dim("management", "管理机制", 20, "温州指引 二(四)"),
            dim("plan", "建设方案与预期成效", 25, "温州指引 三"),
        ]),
        disagreement_spread: 20,
    },
    ScoreSheet {
        purpose: ReviewPurpose::AnnualEvaluation,
        dimensions: Cow::Borrowed(&[
            dim("capability", "能力建设", 25, "温州行动方案 三(三)"),
            dim("service", "服务水平", 30, "温州行动方案 三(三)"),
            dim("management", "规范管理", 20, "温州行动方案 三(三)"),
            dim("benefit", "综合效益", 25, "温州行动方案 三(三)"),
        ]),
        disagreement_spread: 20,
    },
];

/// The sheet of a purpose.
pub fn sheet(purpose: ReviewPurpose) -> &'static ScoreSheet {
    SHEETS.iter().find(|s| s.purpose == purpose).unwrap_or(&SHEETS[0])
}

/// Why a score card is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    /// A dimension has no score.
    #[error("缺少“{0}”的评分")]
    Missing(String),
    /// A score outside 0–100.
    #[error("“{0}”的评分须在0至100之间")]
    OutOfRange(String),
    /// A score for a dimension the sheet does not have.
    #[error("评分表中没有“{0}”")]
    Unknown(String),
}

impl ScoreSheet {
    /// A sheet of the given dimensions (weights as given, e.g. an annual
    /// evaluation's experts indicators, which need not sum to 100: the total
    /// is then scaled to 0–100).
    pub fn of_dimensions(purpose: ReviewPurpose, dimensions: Vec<Dimension>, disagreement_spread: u32) -> Self {
        Self { purpose, dimensions: Cow::Owned(dimensions), disagreement_spread }
    }

    /// The weighted total (0–100, two decimals as hundredths) of one expert's scores.
    pub fn total(&self, scores: &[(String, u32)]) -> Result<u32, ScoreError> {
        if let Some((code, _)) = scores.iter().find(|(c, _)| !self.dimensions.iter().any(|d| d.code == c.as_str())) {
            return Err(ScoreError::Unknown(code.clone()));
        }
        let mut weighted = 0u32;
        for d in self.dimensions.iter() {
            let s = scores.iter().find(|(c, _)| c.as_str() == d.code).map(|(_, s)| *s).ok_or_else(|| ScoreError::Missing(d.label.to_string()))?;
            if s > 100 {
                return Err(ScoreError::OutOfRange(d.label.to_string()));
            }
            weighted += s * d.weight;
        }
        // Hundredths of a point: Σ score × weight% = total × 100 (scaled when the weights do not sum to 100).
        let sum: u32 = self.dimensions.iter().map(|d| d.weight).sum();
        Ok(if sum == 100 || sum == 0 { weighted } else { (weighted * 100 + sum / 2) / sum })
    }
}

/// A panel's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Aggregate {
    /// Scores counted.
    pub count: usize,
    /// Mean of the totals.
    pub mean: f64,
    /// Mean without the highest and the lowest (with at least 5 scores; else the mean).
    pub trimmed_mean: f64,
    /// Highest minus lowest total.
    pub spread: f64,
    /// Whether the spread exceeds the sheet's threshold (专家意见分歧较大).
    pub disagreement: bool,
}

/// Aggregates totals given in hundredths of a point.
pub fn aggregate(sheet: &ScoreSheet, totals: &[u32]) -> Option<Aggregate> {
    if totals.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = totals.iter().map(|t| f64::from(*t) / 100.0).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let trimmed_mean = if n >= 5 { v[1..n - 1].iter().sum::<f64>() / (n - 2) as f64 } else { mean };
    let spread = v[n - 1] - v[0];
    Some(Aggregate { count: n, mean, trimmed_mean, spread, disagreement: spread > f64::from(sheet.disagreement_spread) })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {

    /// 评审期限 (本局默认): an invitation is due ten calendar days after it is sent.
    #[test]
    fn an_invitation_is_due_ten_days_after_it_is_sent() {
        for (invited, due) in [("2026-12-01", "2026-12-11"), ("2026-12-25", "2027-01-04"), ("2028-02-20", "2028-03-01")] {
            let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day");
            assert_eq!(review_due(day(invited)), day(due), "{invited}");
        }
    }

    use super::*;

    #[test]
    fn every_sheet_weighs_one_hundred_percent() {
        for s in SHEETS {
            assert_eq!(s.dimensions.iter().map(|d| d.weight).sum::<u32>(), 100, "{}", s.purpose);
        }
        for p in ReviewPurpose::ALL {
            assert_eq!(sheet(*p).purpose, *p);
        }
    }

    #[test]
    fn weighted_totals_and_refusals() {
        let s = sheet(ReviewPurpose::Screening);
        let card = |a: u32, b: u32, c: u32, d: u32| {
            vec![
                ("theoretical_innovation".to_owned(), a),
                ("technical_feasibility".to_owned(), b),
                ("market_potential".to_owned(), c),
                ("ip_completeness".to_owned(), d),
            ]
        };
        assert_eq!(s.total(&card(80, 90, 70, 60)), Ok(80 * 25 + 90 * 30 + 70 * 25 + 60 * 20));
        assert_eq!(s.total(&card(100, 100, 100, 100)), Ok(10_000));
        assert_eq!(s.total(&card(0, 0, 0, 0)), Ok(0));
        assert_eq!(s.total(&card(101, 0, 0, 0)), Err(ScoreError::OutOfRange("理论创新性".into())));
        let mut missing = card(1, 1, 1, 1);
        missing.pop();
        assert_eq!(s.total(&missing), Err(ScoreError::Missing("知识产权完整性".into())));
        let mut extra = card(1, 1, 1, 1);
        extra.push(("charm".into(), 5));
        assert_eq!(s.total(&extra), Err(ScoreError::Unknown("charm".into())));
    }

    #[test]
    fn aggregate_trims_and_flags_disagreement() {
        let s = sheet(ReviewPurpose::ApplicationReview); // threshold 20 points
        assert_eq!(aggregate(s, &[]), None);
        let a = aggregate(s, &[8000, 8500, 9000]).expect("three");
        assert_eq!((a.count, a.mean, a.trimmed_mean, a.spread, a.disagreement), (3, 85.0, 85.0, 10.0, false));
        let a = aggregate(s, &[6000, 8000, 8200, 8400, 9900]).expect("five");
        assert!((a.mean - 81.0).abs() < 1e-9);
        assert!((a.trimmed_mean - 82.0).abs() < 1e-9, "drops 60 and 99");
        assert!(a.disagreement, "spread 39 > 20");
        // At the threshold: not flagged; just above: flagged.
        assert!(!aggregate(s, &[7000, 9000]).expect("two").disagreement);
        assert!(aggregate(s, &[7000, 9001]).expect("two").disagreement);
    }
}
