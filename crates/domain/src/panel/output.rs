//! The output of the panel assigner: panels with every pair explained, loads,
//! the items that could not be staffed and why, and the proof of quality
//! (objective, bound, gap).

use crate::expert::ExpertKind;
use serde::{Deserialize, Serialize};

/// Affinities are integers in millionths: 0.123456 is 123,456. Conference tools
/// round to 0.01; at 10^-6 no computed score of pocnet loses resolution.
pub const SCALE: i64 = 1_000_000;

/// What the assigner produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Solution {
    /// One panel per staffed item, in input order.
    pub panels: Vec<Panel>,
    /// Every expert's load, in input order.
    pub loads: Vec<Load>,
    /// Items that cannot be staffed under the rules, each with the reason. They get no panel.
    pub unstaffable: Vec<Unstaffable>,
    /// Experts whose `min_load` could not be reached, and why.
    pub unmet_min_loads: Vec<UnmetMinLoad>,
    /// Sum of the affinities of all assigned pairs.
    pub objective: f64,
    /// Upper bound on the objective of any assignment that keeps every rule
    /// (for a randomised draw: the bound of the deterministic problem).
    pub bound: f64,
    /// `(bound − objective) / bound` (0 when the bound is 0).
    pub gap: f64,
    /// The objective equals the bound: no assignment is better.
    pub proven_optimal: bool,
    /// `objective` in millionths (exact).
    pub objective_micro: i64,
    /// `bound` in millionths (exact).
    pub bound_micro: i64,
    /// How the solution was found.
    pub method: Method,
    /// The randomised draw, if one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub randomization: Option<Draw>,
    /// Sizes and counters of the solve.
    pub stats: Stats,
    /// Where the time went (the only fields that differ between two runs on the same input).
    pub timings_ms: Timings,
    /// Seats changed by hand after the solve (each keeps every rule; the
    /// objective and gap above include them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<super::adjust::Adjustment>,
}

/// The algorithm that produced the solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Exact min-cost flow (no rule outside the flow network).
    MinCostFlow,
    /// Lagrangian relaxation of the internal-share caps, with a repaired primal.
    Lagrangian,
    /// Fractional flow with x ≤ q, then dependent rounding.
    Randomized,
}

/// One item's panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Panel {
    /// Item id.
    pub item: String,
    /// The experts, best affinity first.
    pub experts: Vec<Seat>,
    /// Sum of their affinities.
    pub affinity: f64,
}

/// One expert on one panel, with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Seat {
    /// Expert id.
    pub expert: String,
    /// The expert's kind.
    pub kind: ExpertKind,
    /// Affinity in [0, 1].
    pub affinity: f64,
    /// Affinity in millionths (what the solver optimised).
    pub affinity_micro: i64,
    /// How the affinity was computed.
    pub components: Components,
    /// Whether the expert is from the review's host unit.
    pub internal: bool,
    /// Why the expert was eligible (the checks that passed), in Chinese.
    pub reason: String,
    /// Marginal probability of this pair in a randomised draw (≤ q).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// The components of an affinity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Components {
    /// Share of the item's fields the expert covers, in [0, 1].
    pub field: f64,
    /// Share of the item's sub-fields the expert covers, in [0, 1].
    pub sub_field: f64,
    /// Cosine similarity of the keyword tokens (whole keywords, Chinese bigrams, words), in [0, 1].
    pub text: f64,
    /// `computed` (weighted mean of the above) or `explicit` (given in `affinities`).
    pub source: ScoreSource,
}

/// Where an affinity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoreSource {
    /// Weighted mean of the components.
    Computed,
    /// Given in the input's `affinities`.
    Explicit,
}

/// One expert's load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Load {
    /// Expert id.
    pub expert: String,
    /// Items assigned.
    pub load: u32,
    /// The expert's minimum.
    pub min_load: u32,
    /// The expert's maximum.
    pub max_load: u32,
}

/// An item that cannot be staffed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Unstaffable {
    /// Item id.
    pub item: String,
    /// Stable code: `too_few_eligible`, `too_few_of_kind`, `too_few_external`,
    /// `capacity_exhausted`, `kind_capacity_exhausted`, `composition_not_found`.
    pub code: String,
    /// The reason in Chinese, with the counts.
    pub reason: String,
    /// The same in English.
    pub reason_en: String,
    /// Experts needed (for the kind or the panel, as the code says).
    pub needed: u32,
    /// Experts available (eligible, or eligible with capacity left, as the code says).
    pub available: u32,
}

/// An expert whose minimum load was not reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnmetMinLoad {
    /// Expert id.
    pub expert: String,
    /// The minimum asked for.
    pub min_load: u32,
    /// The load reached.
    pub load: u32,
    /// Why, in Chinese.
    pub reason: String,
}

/// The randomised draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Draw {
    /// The cap on any pair's probability, as used (resolved to 0.001).
    pub q: f64,
    /// The seed of the draw: the same input and seed give the same draw.
    pub seed: u64,
    /// Expected objective of the draw (the optimum of the fractional problem with x ≤ q).
    pub expected_objective: f64,
    /// Optimum of the deterministic problem's relaxation, for comparison.
    pub deterministic_bound: f64,
}

/// Sizes and counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stats {
    /// Items in the input.
    pub items: usize,
    /// Experts in the input.
    pub experts: usize,
    /// Eligible (item, expert) pairs.
    pub eligible_pairs: u64,
    /// Eligible pairs with a non-zero affinity.
    pub nonzero_pairs: u64,
    /// Pairs in the sparse graph at the end (top-K candidates plus priced and expanded arcs).
    pub graph_pairs: u64,
    /// Pairs added by pricing (negative reduced cost under the optimal potentials).
    pub priced_pairs: u64,
    /// Pricing rounds until no pair had a negative reduced cost.
    pub pricing_rounds: u32,
    /// Shortest augmenting paths.
    pub augmentations: u64,
    /// Subgradient iterations of the Lagrangian.
    pub lagrangian_iterations: u32,
    /// Items whose internal-share cap was violated by the flow relaxation.
    pub cap_violations: usize,
}

/// Milliseconds per phase.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Timings {
    /// Conflicts, affinities and candidates.
    pub prepare: f64,
    /// Min-cost flow (including pricing).
    pub flow: f64,
    /// Lagrangian iterations and repair.
    pub composition: f64,
    /// Dependent rounding.
    pub rounding: f64,
    /// Everything.
    pub total: f64,
}
