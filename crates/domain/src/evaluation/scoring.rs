//! One center's evaluation total (评价得分), with every component shown: each
//! records indicator scores its figure's share of full marks, each experts
//! indicator the panel's mean on that dimension; the total is the sum of
//! weight × score. Scores are kept in hundredths of a point so that the grade
//! bands compare exactly (85.00 is 优秀, 84.99 is not).

use super::figures::{Metric, YearFigures};
use super::plan::{Indicator, IndicatorSource};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The panel's mean score per experts dimension, in hundredths, with how many experts scored it.
pub type ExpertMeans = BTreeMap<String, (i64, usize)>;

/// One indicator's part in the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ScoreComponent)]
pub struct Component {
    /// Indicator code.
    pub code: String,
    /// Chinese label.
    pub label: String,
    /// Weight, percent.
    pub weight: u32,
    /// Records or experts.
    pub source: IndicatorSource,
    /// The figure read (records indicators).
    pub metric: Option<Metric>,
    /// The figure (records) .
    pub value: Option<i64>,
    /// The figure that earns full marks (records).
    pub full_marks_at: Option<i64>,
    /// Experts who scored this dimension (experts indicators).
    pub scored_by: Option<usize>,
    /// Score 0–100 in hundredths; absent while no expert has scored it.
    pub score_hundredths: Option<i64>,
    /// Weight × score, in hundredths of a point of the total.
    pub points_hundredths: Option<i64>,
    /// Article.
    pub article: String,
}

/// A center's total with its components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scorecard {
    /// Components, in the plan's order.
    pub components: Vec<Component>,
    /// The total (0–100) in hundredths; absent until every component has a score.
    pub total_hundredths: Option<i64>,
}

/// The score (hundredths) of a figure against the one that earns full marks.
pub fn records_score(value: i64, full_marks_at: i64) -> i64 {
    if full_marks_at <= 0 || value <= 0 {
        return 0;
    }
    let share = i128::from(value) * 10_000 / i128::from(full_marks_at);
    i64::try_from(share.min(10_000)).unwrap_or(10_000)
}

/// Weight × score, rounded half up, in hundredths of a point.
/// A value in hundredths shown with two decimals (8500 → "85.00").
pub fn shown(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let a = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

fn points(weight: u32, score_hundredths: i64) -> i64 {
    (i64::from(weight) * score_hundredths + 50) / 100
}

/// Combines `figures` and the panel's `experts` means under `indicators`
/// (weights as given; pass equal weights for a sensitivity check).
pub fn combine(indicators: &[Indicator], figures: &YearFigures, experts: &ExpertMeans) -> Scorecard {
    let mut components = Vec::with_capacity(indicators.len());
    let mut total = Some(0i64);
    for i in indicators {
        let (value, scored_by, score) = match (i.source, i.metric) {
            (IndicatorSource::Records, Some(m)) => {
                let v = figures.get(m);
                (Some(v), None, Some(records_score(v, i.full_marks_at.unwrap_or(1))))
            }
            (IndicatorSource::Records, None) => (None, None, Some(0)),
            (IndicatorSource::Experts, _) => match experts.get(&i.code) {
                Some((mean, n)) if *n > 0 => (None, Some(*n), Some((*mean).clamp(0, 10_000))),
                _ => (None, Some(0), None),
            },
        };
        let pts = score.map(|s| points(i.weight, s));
        total = total.zip(pts).map(|(t, p)| t + p);
        components.push(Component {
            code: i.code.clone(),
            label: i.label.clone(),
            weight: i.weight,
            source: i.source,
            metric: i.metric,
            value,
            full_marks_at: i.full_marks_at,
            scored_by,
            score_hundredths: score,
            points_hundredths: pts,
            article: i.article.clone(),
        });
    }
    Scorecard { components, total_hundredths: total }
}

/// The same indicators with equal weights (a sensitivity check of a ranking:
/// does the order change when no indicator counts more than another?). The
/// remainder of 100 ÷ n goes to the first indicators, one point each.
pub fn equal_weights(indicators: &[Indicator]) -> Vec<Indicator> {
    let n = u32::try_from(indicators.len()).unwrap_or(u32::MAX).max(1);
    indicators
        .iter()
        .enumerate()
        .map(|(k, i)| Indicator { weight: 100 / n + u32::from((k as u32) < 100 % n), ..i.clone() })
        .collect()
}

/// The mean score per dimension (hundredths) of the experts' score cards
/// (dimension → 0–100 each), with how many scored each.
pub fn expert_means<'a>(cards: impl IntoIterator<Item = &'a BTreeMap<String, i64>>) -> ExpertMeans {
    let mut sums: BTreeMap<String, (i64, usize)> = BTreeMap::new();
    for card in cards {
        for (code, score) in card {
            let e = sums.entry(code.clone()).or_default();
            e.0 += score * 100;
            e.1 += 1;
        }
    }
    sums.into_iter().map(|(k, (sum, n))| (k, ((sum + (n as i64) / 2) / (n as i64).max(1), n))).collect()
}
