//! Rankings (排行榜, 002 四(四)): centers, or their host institutions, ordered
//! by the evaluation total or by one indicator's score, with ties sharing a
//! place ("1, 2, 2, 4"), and a sensitivity check of the weighting — does the
//! order change when every indicator weighs the same?

use super::scoring::{Component, Scorecard};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a ranking orders by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankBy {
    /// The weighted total.
    Total,
    /// One indicator's score (0–100), by its code.
    Indicator(String),
}

/// The value a scorecard ranks by (hundredths), if it has one.
pub fn value(card: &Scorecard, by: &RankBy) -> Option<i64> {
    match by {
        RankBy::Total => card.total_hundredths,
        RankBy::Indicator(code) => card.components.iter().find(|c| &c.code == code).and_then(|c| c.score_hundredths),
    }
}

/// The total of a scorecard's components re-weighted equally (each counts 100 ÷ n), hundredths.
pub fn equal_weight_total(components: &[Component]) -> Option<i64> {
    let n = i64::try_from(components.len()).ok().filter(|n| *n > 0)?;
    let sum: i64 = components.iter().map(|c| c.score_hundredths).sum::<Option<i64>>()?;
    Some((sum + n / 2) / n)
}

/// Competition places of `values` (highest first; equal values share the place; absent values last, unplaced).
pub fn places(values: &[Option<i64>]) -> Vec<Option<usize>> {
    values
        .iter()
        .map(|v| v.map(|x| 1 + values.iter().filter(|o| o.is_some_and(|y| y > x)).count()))
        .collect()
}

/// How far an order moves under equal weights.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Sensitivity {
    /// Entries ranked.
    pub ranked: usize,
    /// Entries whose place changes.
    pub moved: usize,
    /// The largest change of place.
    pub largest_move: usize,
    /// Whether the first place changes.
    pub first_changes: bool,
    /// Spearman's rank correlation of the two orders (1: the same order).
    pub spearman: f64,
}

/// Compares the places of the weighted order with those of the equal-weight order.
pub fn sensitivity(weighted: &[Option<usize>], equal: &[Option<usize>]) -> Sensitivity {
    let pairs: Vec<(usize, usize)> = weighted.iter().zip(equal).filter_map(|(a, b)| a.zip(*b)).collect();
    let n = pairs.len();
    let moved = pairs.iter().filter(|(a, b)| a != b).count();
    let largest_move = pairs.iter().map(|(a, b)| a.abs_diff(*b)).max().unwrap_or(0);
    let first_changes = pairs.iter().any(|(a, b)| (*a == 1) != (*b == 1));
    let spearman = if n < 2 {
        1.0
    } else {
        let d2: f64 = pairs.iter().map(|(a, b)| (*a as f64 - *b as f64).powi(2)).sum();
        let n = n as f64;
        1.0 - 6.0 * d2 / (n * (n * n - 1.0))
    };
    Sensitivity { ranked: n, moved, largest_move, first_changes, spearman }
}

/// One host institution's standing: the mean of its centers' values (hundredths) and how many.
pub fn host_means<K: Ord + Clone>(entries: &[(K, Option<i64>)]) -> BTreeMap<K, (i64, usize)> {
    let mut sums: BTreeMap<K, (i64, usize)> = BTreeMap::new();
    for (k, v) in entries {
        if let Some(v) = v {
            let e = sums.entry(k.clone()).or_default();
            e.0 += v;
            e.1 += 1;
        }
    }
    sums.into_iter().map(|(k, (s, n))| (k, ((s + n as i64 / 2) / n as i64, n))).collect()
}

/// A center's place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankedCenter {
    /// Place (ties share it).
    pub place: Option<usize>,
    /// Place under equal weights (ranking by the total only).
    pub equal_weight_place: Option<usize>,
    /// Center id.
    #[schema(value_type = i64)]
    pub center_id: crate::id::CenterId,
    /// Name.
    pub center_name: String,
    /// Region.
    pub region: String,
    /// Host institution.
    pub host_name: String,
    /// Host's kind, in Chinese.
    pub host_kind: String,
    /// The value ranked by, hundredths (absent: did not take part).
    pub value_hundredths: Option<i64>,
    /// Grade label.
    pub grade_label: String,
}

/// A host institution's place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankedHost {
    /// Place.
    pub place: Option<usize>,
    /// Host id.
    #[schema(value_type = i64)]
    pub host_id: crate::id::OrgId,
    /// Name.
    pub host_name: String,
    /// Kind, in Chinese.
    pub host_kind: String,
    /// Its centers evaluated.
    pub centers: usize,
    /// Mean of its centers' values, hundredths.
    pub value_hundredths: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_place_and_the_unscored_are_unplaced() {
        type Case = (Vec<Option<i64>>, Vec<Option<usize>>);
        let cases: Vec<Case> = vec![
            (vec![Some(9000), Some(8000), Some(8000), Some(7000)], vec![Some(1), Some(2), Some(2), Some(4)]),
            (vec![Some(5000), None, Some(6000)], vec![Some(2), None, Some(1)]),
            (vec![], vec![]),
        ];
        for (values, want) in cases {
            assert_eq!(places(&values), want, "{values:?}");
        }
    }

    #[test]
    fn sensitivity_counts_moves_and_correlates() {
        let same = sensitivity(&[Some(1), Some(2), Some(3)], &[Some(1), Some(2), Some(3)]);
        assert_eq!((same.moved, same.largest_move, same.first_changes), (0, 0, false));
        assert!((same.spearman - 1.0).abs() < 1e-12);
        let swapped = sensitivity(&[Some(1), Some(2), Some(3)], &[Some(3), Some(2), Some(1)]);
        assert_eq!((swapped.moved, swapped.largest_move, swapped.first_changes), (2, 2, true));
        assert!((swapped.spearman + 1.0).abs() < 1e-12, "a reversed order correlates −1");
    }

    #[test]
    fn equal_weights_average_the_component_scores() {
        let c = |score: Option<i64>| Component {
            code: "x".into(),
            label: "x".into(),
            weight: 50,
            source: super::super::IndicatorSource::Experts,
            metric: None,
            value: None,
            full_marks_at: None,
            scored_by: None,
            score_hundredths: score,
            points_hundredths: None,
            article: String::new(),
        };
        assert_eq!(equal_weight_total(&[c(Some(9000)), c(Some(6000)), c(Some(3001))]), Some(6000));
        assert_eq!(equal_weight_total(&[c(Some(9000)), c(None)]), None);
        assert_eq!(equal_weight_total(&[]), None);
        let hosts = host_means(&[("a", Some(8000)), ("a", Some(6000)), ("b", Some(7000)), ("b", None)]);
        assert_eq!(hosts.get("a"), Some(&(7000, 2)));
        assert_eq!(hosts.get("b"), Some(&(7000, 1)));
    }
}
