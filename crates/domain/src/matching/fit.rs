//! How well an offer (a research result, a center, an expert) fits a demand,
//! as a sum of named components so that every proposal explains itself:
//! the demand's words found in the offer, field and sub-field, readiness
//! (TRL), region, budget. A component that cannot be judged (an offer with no
//! TRL or no price) is shown as not applying and its weight goes to the rest.

use crate::money::Yuan;
use crate::region::Region;
use serde::Serialize;

string_enum! {
    /// A part of a match's score.
    pub enum ComponentKind {
        /// The demand's words found in the offer.
        Terms => ("terms", "关键词"),
        /// Field and sub-field.
        Field => ("field", "产业领域"),
        /// Readiness against the demand's target.
        Trl => ("trl", "技术就绪度"),
        /// Where the offer is against where the demand is.
        Region => ("region", "地区"),
        /// The offer's price against the demand's budget.
        Budget => ("budget", "预算"),
    }
}

/// The weights, in points of 100: the demand's words first — a demand is a problem
/// described in words, and the labelled set (`pocnet bench matching`) shows text
/// relevance is most of what makes an offer fit — then field and readiness, region
/// (the plans favour 本地转化) and budget, which order offers of like relevance.
/// Calibrated once on the labelled set (docs/BENCHMARKS.md gives the alternatives measured).
pub const WEIGHTS: [(ComponentKind, u32); 5] =
    [(ComponentKind::Terms, 70), (ComponentKind::Field, 10), (ComponentKind::Trl, 10), (ComponentKind::Region, 5), (ComponentKind::Budget, 5)];

/// How the words component is made: the share of the demand's words found, and
/// the offer's text relevance (BM25 relative to the best candidate's).
pub const TERMS_COVERAGE: f64 = 0.2;

/// What a demand asks for.
#[derive(Debug, Clone)]
pub struct Need<'a> {
    /// Field code.
    pub field: &'a str,
    /// Sub-field code ('' when none).
    pub sub_field: &'a str,
    /// Target TRL.
    pub target_trl: u8,
    /// Where the demand is.
    pub region: Region,
    /// Budget, if stated.
    pub budget: Option<Yuan>,
}

/// What an offer brings.
#[derive(Debug, Clone)]
pub struct Offer<'a> {
    /// Field codes it covers (a center may cover several).
    pub fields: &'a [String],
    /// Its TRL, if it has one (results).
    pub trl: Option<u8>,
    /// Where it is, if known.
    pub region: Option<Region>,
    /// Its price, if stated.
    pub price: Option<Yuan>,
}

/// The demand's words found in the offer.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// The demand's words (query cut).
    pub wanted: Vec<String>,
    /// Those found in the offer.
    pub matched: Vec<String>,
    /// The offer's text relevance relative to the best candidate's (0–1).
    pub relevance: f64,
}

/// One component of a score.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Component {
    /// Which.
    pub kind: ComponentKind,
    /// Its weight in points of 100.
    pub weight: u32,
    /// How well the offer fits on it (0–1); 0 when it does not apply.
    pub fit: f64,
    /// Whether it could be judged (else its weight goes to the others).
    pub applies: bool,
    /// Why, in Chinese.
    pub why: String,
}

/// A match's score with its components.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Fit {
    /// 0–100.
    pub total: f64,
    /// Every component, in [`WEIGHTS`] order.
    pub components: Vec<Component>,
    /// The demand's words found in the offer.
    pub matched_terms: Vec<String>,
}

/// The field fit: the demand's sub-field among the offer's (1), its field (0.7), neither (0).
fn field_fit(need: &Need<'_>, offer: &Offer<'_>, label: &dyn Fn(&str) -> String) -> (f64, String) {
    if !need.sub_field.is_empty() && offer.fields.iter().any(|f| f == need.sub_field) {
        (1.0, format!("细分领域一致（{}）", label(need.sub_field)))
    } else if offer.fields.iter().any(|f| f == need.field) {
        if need.sub_field.is_empty() {
            (1.0, format!("产业领域一致（{}）", label(need.field)))
        } else {
            (0.7, format!("产业领域一致（{}），细分领域不同", label(need.field)))
        }
    } else {
        (0.0, format!("不在需求的产业领域（{}）", label(need.field)))
    }
}

/// The readiness fit: at or above the target fits; each level short costs a quarter.
pub fn trl_fit(target: u8, trl: u8) -> f64 {
    if trl >= target {
        1.0
    } else {
        (1.0 - f64::from(target - trl) / 4.0).max(0.0)
    }
}

/// The region fit: the same county-level region (1), elsewhere in the city (0.6), outside (0.2).
pub fn region_fit(need: Region, offer: Region) -> f64 {
    if need == offer {
        1.0
    } else if need != Region::Outside && offer != Region::Outside {
        0.6
    } else {
        0.2
    }
}

/// The budget fit: a price within the budget (1), up to half as much again (0.5), more (0).
pub fn budget_fit(budget: Yuan, price: Yuan) -> f64 {
    let (b, p) = (budget.get() as f64, price.get() as f64);
    if p <= b {
        1.0
    } else if p <= 1.5 * b {
        0.5
    } else {
        0.0
    }
}

/// Scores `offer` against `need`. `label` names a field code in Chinese.
pub fn score(need: &Need<'_>, offer: &Offer<'_>, terms: &Terms, label: &dyn Fn(&str) -> String) -> Fit {
    let coverage = if terms.wanted.is_empty() { 0.0 } else { terms.matched.len() as f64 / terms.wanted.len() as f64 };
    let terms_fit = (TERMS_COVERAGE * coverage + (1.0 - TERMS_COVERAGE) * terms.relevance.clamp(0.0, 1.0)).clamp(0.0, 1.0);
    let terms_why = if terms.matched.is_empty() {
        "未出现需求中的关键词".to_owned()
    } else {
        format!("命中{}/{}个关键词：{}", terms.matched.len(), terms.wanted.len(), terms.matched.join("、"))
    };
    let (field_fit, field_why) = field_fit(need, offer, label);
    let trl = offer.trl.map(|t| (trl_fit(need.target_trl, t), format!("技术就绪度{t}级，需求目标{}级", need.target_trl)));
    let region = offer.region.map(|r| {
        let fit = region_fit(need.region, r);
        let why = if fit == 1.0 { format!("同在{}", need.region.label_zh()) } else { format!("位于{}，需求在{}", r.label_zh(), need.region.label_zh()) };
        (fit, why)
    });
    let budget = match (need.budget, offer.price) {
        (Some(b), Some(p)) => Some((budget_fit(b, p), format!("报价{}万元，预算{}万元", p.wan(), b.wan()))),
        _ => None,
    };
    let judged = [
        Some((terms_fit, terms_why)),
        Some((field_fit, field_why)),
        trl,
        region,
        budget,
    ];
    let not_applying = |kind: ComponentKind| match kind {
        ComponentKind::Trl => "无技术就绪度，不计分",
        ComponentKind::Region => "地区不明，不计分",
        ComponentKind::Budget => if need.budget.is_none() { "需求预算面议，不计分" } else { "未标价格，不计分" },
        _ => "不计分",
    };
    let components: Vec<Component> = WEIGHTS
        .iter()
        .zip(judged)
        .map(|((kind, weight), j)| match j {
            Some((fit, why)) => Component { kind: *kind, weight: *weight, fit, applies: true, why },
            None => Component { kind: *kind, weight: *weight, fit: 0.0, applies: false, why: not_applying(*kind).to_owned() },
        })
        .collect();
    let weight: u32 = components.iter().filter(|c| c.applies).map(|c| c.weight).sum();
    let points: f64 = components.iter().filter(|c| c.applies).map(|c| f64::from(c.weight) * c.fit).sum();
    let total = if weight == 0 { 0.0 } else { (points * 100.0 / f64::from(weight) * 10.0).round() / 10.0 };
    Fit { total, components, matched_terms: terms.matched.clone() }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn label(code: &str) -> String {
        code.to_owned()
    }

    fn need(budget: Option<i64>) -> Need<'static> {
        Need { field: "new_energy", sub_field: "battery", target_trl: 6, region: Region::Ruian, budget: budget.map(Yuan::new) }
    }

    fn terms(matched: usize, wanted: usize, relevance: f64) -> Terms {
        Terms { wanted: (0..wanted).map(|i| format!("词{i}")).collect(), matched: (0..matched).map(|i| format!("词{i}")).collect(), relevance }
    }

    #[test]
    fn readiness_region_and_budget_fits_by_rule() {
        // (target, trl, fit): at or above the target fits; a quarter off per level short.
        for (target, trl, fit) in [(6, 6, 1.0), (6, 8, 1.0), (6, 5, 0.75), (6, 4, 0.5), (6, 2, 0.0), (6, 1, 0.0)] {
            assert_eq!(trl_fit(target, trl), fit, "target {target}, trl {trl}");
        }
        for (a, b, fit) in [(Region::Ruian, Region::Ruian, 1.0), (Region::Ruian, Region::Lucheng, 0.6), (Region::Ruian, Region::Outside, 0.2), (Region::Outside, Region::Outside, 1.0)] {
            assert_eq!(region_fit(a, b), fit, "{a:?} {b:?}");
        }
        for (budget, price, fit) in [(100, 100, 1.0), (100, 150, 0.5), (100, 151, 0.0), (100, 10, 1.0)] {
            assert_eq!(budget_fit(Yuan::new(budget), Yuan::new(price)), fit, "{budget} {price}");
        }
    }

    #[test]
    fn a_perfect_offer_scores_100_and_every_component_says_why() {
        let fields = vec!["new_energy".to_owned(), "battery".to_owned()];
        let offer = Offer { fields: &fields, trl: Some(7), region: Some(Region::Ruian), price: Some(Yuan::new(500_000)) };
        let f = score(&need(Some(800_000)), &offer, &terms(4, 4, 1.0), &label);
        assert_eq!(f.total, 100.0);
        assert_eq!(f.components.len(), 5);
        assert!(f.components.iter().all(|c| c.applies && !c.why.is_empty()));
        assert!(f.components[0].why.starts_with("命中4/4个关键词"), "{}", f.components[0].why);
    }

    #[test]
    fn components_that_cannot_be_judged_give_their_weight_to_the_rest() {
        let fields = vec!["new_energy".to_owned()];
        // A center: no TRL, no price; the demand's budget is 面议.
        let offer = Offer { fields: &fields, trl: None, region: Some(Region::Lucheng), price: None };
        let f = score(&need(None), &offer, &terms(1, 2, 0.5), &label);
        let applying: Vec<&str> = f.components.iter().filter(|c| c.applies).map(|c| c.kind.as_str()).collect();
        assert_eq!(applying, ["terms", "field", "region"]);
        // terms 0.2·½ + 0.8·½ = 0.5 → 35; field 0.7 → 7; region 0.6 → 3: 45 of 85.
        assert_eq!(f.total, 52.9);
        assert_eq!(f.components[4].why, "需求预算面议，不计分");
    }

    #[test]
    fn a_wrong_field_and_no_words_score_low() {
        let fields = vec!["smart_equipment".to_owned()];
        let offer = Offer { fields: &fields, trl: Some(3), region: Some(Region::Outside), price: None };
        let f = score(&need(Some(1)), &offer, &terms(0, 3, 0.0), &label);
        // trl 3 vs 6 → 0.25·10 = 2.5; region 0.2·5 = 1: 3.5 of 95.
        assert_eq!(f.total, 3.7);
        assert_eq!(f.components[0].why, "未出现需求中的关键词");
    }
}
