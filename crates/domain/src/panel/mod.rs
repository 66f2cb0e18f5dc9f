//! Panel assignment (专家组分配): optimal, conflict-free, auditable.
//!
//! [`assign`] takes an [`Instance`] (items, experts, conflicts, rules,
//! options — the JSON of `pocnet panels assign`, see `docs/PANELS.md`) and
//! returns a [`Solution`]: panels whose every pair carries its affinity, the
//! components of that affinity and the reason it was eligible; each expert's
//! load; the items that cannot be staffed with the reason and the counts
//! (never a silently short panel); and the proof of quality — the objective,
//! an upper bound, the relative gap and whether optimality is proven.
//!
//! * Hard rules (same unit as the owner, declared conflicts, team members,
//!   blacklist, recorded conflicts, availability, maximum load) are never
//!   violated: an ineligible pair has no arc.
//! * Without internal-share caps that interact with kind minimums the problem
//!   is a min-cost flow and is solved exactly (successive shortest paths on a
//!   sparse top-K graph, then pricing of every other eligible pair under the
//!   optimal potentials until none has a negative reduced cost — the
//!   potentials certify optimality on all pairs). Kind minimums alone, and an
//!   internal cap alone, fit the flow network.
//! * With both, the caps are relaxed with Lagrange multipliers and a repaired
//!   primal is returned with the certified bound ([`lagrange`]).
//! * With `options.randomize` the fractional problem with every pair capped
//!   at q is solved exactly and rounded with dependent rounding, seeded
//!   ([`rounding`]).
//! * [`replace`] proposes the best replacement for an expert who declined,
//!   moving nobody else; [`swap_seat`] applies a bureau's adjustment to a
//!   previewed solution under the same rules.
//!
//! * [`seat`] is the life of one seat once invited (declare, pledge, score,
//!   leave, be replaced), the same for every subject a panel judges.
//!
//! Affinities are integers in millionths ([`SCALE`]).

mod adjust;
mod flow;
mod lagrange;
mod model;
mod output;
mod prepare;
mod replace;
mod rounding;
pub mod seat;
mod solve;
pub mod synthetic;

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

pub use model::{
    AffinityOverride, BlacklistEntry, DeclaredConflicts, Expert, Instance, Item, Options, PairConflict, Randomize, Weights, Window,
};
pub use output::{
    Components, Draw, Load, Method, Panel, ScoreSource, Seat, Solution, Stats, Timings, UnmetMinLoad, Unstaffable, SCALE,
};
pub use prepare::{affinity_of, conflicts_of, eligibility_reason, text_tokens, Conflict, ConflictKind};
pub use adjust::{swap_seat, AdjustError, Adjustment};
pub use replace::{replace, Assignment, Candidate, Replacement};

use crate::validation::FieldError;

string_enum! {
    /// Where a stored assignment run stands (分配方案).
    pub enum RunStatus {
        /// Solved and shown; nobody invited yet; may be adjusted.
        Preview => ("preview", "预览"),
        /// Confirmed: every seat became an invitation.
        Confirmed => ("confirmed", "已确认"),
    }
}

string_enum! {
    /// What a run staffs.
    pub enum RunPurpose {
        /// A call's applications in bureau review.
        ApplicationReview => ("application_review", "申报评审"),
        /// A center's results in screening.
        Screening => ("screening", "入库遴选"),
        /// A round's centers in the annual evaluation.
        Evaluation => ("evaluation", "年度绩效评价"),
    }
}
use prepare::Prepared;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use solve::{Config, Model, Plan, Survey};
use std::time::{Duration, Instant};

/// Why the assigner could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PanelError {
    /// The input broke a rule; each error names its JSON path.
    #[error("invalid input: {}", list(.0))]
    Invalid(Vec<FieldError>),
    /// An id that is not in the instance.
    #[error("unknown {what} `{id}`")]
    Unknown {
        /// `item` or `expert`.
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// The instance exceeds what the integer costs can represent.
    #[error("{0}")]
    TooLarge(String),
    /// A bug: an invariant of the solver did not hold.
    #[error("internal error: {0}")]
    Internal(String),
}

fn list(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
}

/// What a pair looks like to the assigner: the conflicts (empty when
/// eligible), the affinity and its components. Call it again when the expert
/// opens the item, before showing any material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PairReport {
    /// Item id.
    pub item: String,
    /// Expert id.
    pub expert: String,
    /// No conflict.
    pub eligible: bool,
    /// Every conflict found.
    pub conflicts: Vec<Conflict>,
    /// Affinity in [0, 1].
    pub affinity: f64,
    /// How it was computed.
    pub components: Components,
    /// The eligibility reason (when eligible).
    pub reason: Option<String>,
}

/// Checks one pair against every hard rule and explains its affinity.
pub fn explain_pair(instance: &Instance, item_id: &str, expert_id: &str) -> Result<PairReport, PanelError> {
    let item = instance.items.iter().find(|i| i.id == item_id).ok_or_else(|| unknown("item", item_id))?;
    let j = instance.experts.iter().position(|e| e.id == expert_id).ok_or_else(|| unknown("expert", expert_id))?;
    let conflicts = conflicts_of(instance, item, j);
    let (micro, components) = affinity_of(instance, item, j);
    let internal = item.host_org.as_ref().is_some_and(|h| h.trim().to_lowercase() == instance.experts[j].org.trim().to_lowercase());
    Ok(PairReport {
        item: item.id.clone(),
        expert: expert_id.to_owned(),
        eligible: conflicts.is_empty(),
        reason: conflicts.is_empty().then(|| eligibility_reason(item, internal)),
        conflicts,
        affinity: micro as f64 / SCALE as f64,
        components,
    })
}

fn unknown(what: &'static str, id: &str) -> PanelError {
    PanelError::Unknown { what, id: id.chars().take(64).collect() }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// Solves an instance: the optimal assignment (or, with `options.randomize`,
/// a seeded draw), with every pair explained and the quality proven.
pub fn assign(instance: &Instance) -> Result<Solution, PanelError> {
    instance.validate().map_err(PanelError::Invalid)?;
    let start = Instant::now();
    let prep = Prepared::new(instance);
    let survey = solve::survey(&prep, instance.options.top_k);
    let prepare_time = start.elapsed();
    let mut solution = match instance.options.randomize {
        Some(r) => randomized(&prep, &survey, r)?,
        None => deterministic(&prep, &survey, start)?,
    };
    solution.stats.items = prep.n;
    solution.stats.experts = prep.m;
    solution.stats.eligible_pairs = survey.eligible_pairs;
    solution.stats.nonzero_pairs = survey.nonzero_pairs;
    solution.timings_ms.prepare = ms(prepare_time);
    solution.timings_ms.total = ms(start.elapsed());
    Ok(solution)
}

/// Drops the items that lost the competition for experts, one at a time (the
/// one with most unfilled seats first), re-solving after each.
fn settle(model: &mut Model, survey: &Survey, unstaffable: &mut Vec<Unstaffable>, q: Option<f64>) {
    loop {
        let short = model.short_items();
        let Some(&(i, missing, per_kind)) = short.iter().max_by_key(|(i, s, _)| (*s, *i)) else { break };
        let item = &model.prep.inst.items[i];
        let unit = model.cfg.unit;
        let info = &survey.items[i];
        let note_zh = q.map_or(String::new(), |q| format!("（随机抽取概率上限q={q}）"));
        let note_en = q.map_or(String::new(), |q| format!(" (probability cap q={q})"));
        let worst = (0..3).max_by_key(|&k| (per_kind[k], std::cmp::Reverse(k))).filter(|&k| per_kind[k] > 0);
        let u = match worst {
            Some(k) => {
                let kind = crate::expert::ExpertKind::ALL[k];
                let need = item.min_of(kind);
                let placed = (i64::from(need) * unit - per_kind[k]) / unit;
                Unstaffable {
                    item: item.id.clone(),
                    code: "kind_capacity_exhausted".into(),
                    reason: format!(
                        "符合条件的{}有{}名，但其评审名额已被其他项目占满：需要{}名，只能安排{}名{note_zh}",
                        kind.label_zh(),
                        info.per_kind[k],
                        need,
                        placed
                    ),
                    reason_en: format!(
                        "{} eligible {} experts, but their capacity is taken by other items: {} needed, only {} could be placed{note_en}",
                        info.per_kind[k],
                        kind.as_str(),
                        need,
                        placed
                    ),
                    needed: need,
                    available: placed.max(0) as u32,
                }
            }
            None => {
                let placed = (i64::from(item.panel_size) * unit - missing) / unit;
                Unstaffable {
                    item: item.id.clone(),
                    code: "capacity_exhausted".into(),
                    reason: format!(
                        "符合条件的专家有{}名，但其评审名额已被其他项目占满：需要{}人，只能安排{}人{note_zh}",
                        info.eligible, item.panel_size, placed
                    ),
                    reason_en: format!(
                        "{} eligible experts, but their capacity is taken by other items: {} needed, only {} could be placed{note_en}",
                        info.eligible, item.panel_size, placed
                    ),
                    needed: item.panel_size,
                    available: placed.max(0) as u32,
                }
            }
        };
        unstaffable.push(u);
        model.drop_item(i);
        model.solve();
    }
}

fn order_unstaffable(prep: &Prepared, list: &mut [Unstaffable]) {
    let index: std::collections::HashMap<&str, usize> = prep.inst.items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)).collect();
    list.sort_by_key(|u| index.get(u.item.as_str()).copied().unwrap_or(usize::MAX));
}

fn deterministic(prep: &Prepared, survey: &Survey, start: Instant) -> Result<Solution, PanelError> {
    let opts = &prep.inst.options;
    let cfg = Config { unit: 1, arc_cap: 1, randomized: false };
    let (plans, mut unstaffable) = solve::plan(prep, survey, &cfg, None);
    let t = Instant::now();
    let mut model = Model::new(prep, cfg, survey, &plans).map_err(PanelError::TooLarge)?;
    model.solve();
    settle(&mut model, survey, &mut unstaffable, None);
    let flow_time = t.elapsed();
    let t = Instant::now();
    let deadline = start + Duration::from_millis(opts.time_limit_ms);
    let outcome = lagrange::improve(model, survey, deadline, opts.gap_target);
    for &i in &outcome.failed {
        let item = &prep.inst.items[i];
        unstaffable.push(Unstaffable {
            item: item.id.clone(),
            code: "composition_not_found".into(),
            reason: "在内部专家比例上限和各类专家最少人数的限制下未能组成专家组".into(),
            reason_en: "no panel was found within the internal-share cap and the kind minimums".into(),
            needed: item.panel_size,
            available: 0,
        });
    }
    order_unstaffable(prep, &mut unstaffable);
    let primal = outcome.primal;
    let objective = primal.affinity_units();
    let bound = outcome.bound.max(objective);
    let (panels, loads, unmet) = extract(&primal, survey, None);
    let mut sol = finish(panels, loads, unmet, unstaffable, objective, bound);
    sol.proven_optimal = objective == bound && outcome.failed.is_empty();
    // Without a violated cap the flow relaxation was feasible, hence optimal.
    sol.method = if outcome.violations > 0 { Method::Lagrangian } else { Method::MinCostFlow };
    sol.stats.graph_pairs = primal.pairs.len() as u64;
    sol.stats.priced_pairs = primal.priced;
    sol.stats.pricing_rounds = primal.pricing_rounds;
    sol.stats.augmentations = primal.augmentations();
    sol.stats.lagrangian_iterations = outcome.iterations;
    sol.stats.cap_violations = outcome.violations;
    sol.timings_ms.flow = ms(flow_time);
    sol.timings_ms.composition = ms(t.elapsed());
    Ok(sol)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn randomized(prep: &Prepared, survey: &Survey, r: Randomize) -> Result<Solution, PanelError> {
    let num = ((r.q * 1000.0).round() as i64).clamp(1, 1000);
    let g = gcd(num, 1000);
    let (unit, arc_cap) = (1000 / g, num / g);
    let q = arc_cap as f64 / unit as f64;
    let cfg = Config { unit, arc_cap, randomized: true };
    let (plans, mut unstaffable) = solve::plan(prep, survey, &cfg, Some(q));
    let t = Instant::now();
    let mut model = Model::new(prep, cfg, survey, &plans).map_err(PanelError::TooLarge)?;
    model.solve();
    settle(&mut model, survey, &mut unstaffable, Some(q));
    order_unstaffable(prep, &mut unstaffable);
    let flow_time = t.elapsed();
    let expected = model.affinity_units() as f64 / unit as f64;
    let probabilities: Vec<f64> = model.pairs.iter().map(|p| model.seat(p)).collect();
    let t = Instant::now();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(r.seed);
    rounding::round(&mut model.net, unit, &mut rng).map_err(PanelError::Internal)?;
    if model.pairs.iter().any(|p| model.net.flow(p.arc) % unit != 0) {
        return Err(PanelError::Internal("a pair stayed fractional after rounding".into()));
    }
    let rounding_time = t.elapsed();
    // The deterministic relaxation on the same items, for comparison.
    let det_cfg = Config { unit: 1, arc_cap: 1, randomized: false };
    // Planned as a deterministic solve (no restriction of internal experts), with
    // the caps that interact with kind minimums relaxed: an upper bound on any
    // deterministic assignment of these items.
    let (all_det, _) = solve::plan(prep, survey, &det_cfg, None);
    let det_plans: Vec<Plan> = all_det
        .iter()
        .enumerate()
        .map(|(i, p)| if model.items[i].is_some() && p.active { Plan { lagrangian: false, ..*p } } else { Plan::default() })
        .collect();
    let mut det = Model::new(prep, det_cfg, survey, &det_plans).map_err(PanelError::TooLarge)?;
    det.solve();
    let det_bound = det.affinity_units();
    let objective = model.affinity_units() / unit;
    let (panels, loads, unmet) = extract(&model, survey, Some(&probabilities));
    let mut sol = finish(panels, loads, unmet, unstaffable, objective, det_bound.max(objective));
    sol.proven_optimal = false;
    sol.method = Method::Randomized;
    sol.randomization = Some(Draw {
        q,
        seed: r.seed,
        expected_objective: (expected / SCALE as f64 * 1e6).round() / 1e6,
        deterministic_bound: det_bound as f64 / SCALE as f64,
    });
    sol.stats.graph_pairs = model.pairs.len() as u64;
    sol.stats.priced_pairs = model.priced;
    sol.stats.pricing_rounds = model.pricing_rounds;
    sol.stats.augmentations = model.augmentations();
    sol.timings_ms.flow = ms(flow_time);
    sol.timings_ms.rounding = ms(rounding_time);
    Ok(sol)
}

fn finish(
    panels: Vec<Panel>,
    loads: Vec<Load>,
    unmet: Vec<UnmetMinLoad>,
    unstaffable: Vec<Unstaffable>,
    objective: i64,
    bound: i64,
) -> Solution {
    Solution {
        panels,
        loads,
        unstaffable,
        unmet_min_loads: unmet,
        objective: objective as f64 / SCALE as f64,
        bound: bound as f64 / SCALE as f64,
        gap: if bound > 0 { (bound - objective) as f64 / bound as f64 } else { 0.0 },
        proven_optimal: objective == bound,
        objective_micro: objective,
        bound_micro: bound,
        method: Method::MinCostFlow,
        randomization: None,
        stats: Stats::default(),
        timings_ms: Timings::default(),
        adjustments: Vec::new(),
    }
}

/// Panels, loads and unmet minimums from a model whose pair flows are whole seats.
fn extract(model: &Model, survey: &Survey, probabilities: Option<&[f64]>) -> (Vec<Panel>, Vec<Load>, Vec<UnmetMinLoad>) {
    let prep = model.prep;
    let unit = model.cfg.unit;
    let mut loads = vec![0u32; prep.m];
    let mut panels = Vec::new();
    for (i, item) in prep.inst.items.iter().enumerate() {
        if model.items[i].is_none() {
            continue;
        }
        let mut seats = Vec::new();
        let mut total = 0i64;
        for &p in &model.item_pairs[i] {
            let pair = &model.pairs[p as usize];
            if model.net.flow(pair.arc) < unit {
                continue;
            }
            let j = pair.expert as usize;
            loads[j] += 1;
            total += pair.aff;
            let (_, components) = prep.components(i, j);
            let e = &prep.inst.experts[j];
            seats.push((
                pair.aff,
                j,
                Seat {
                    expert: e.id.clone(),
                    kind: e.kind,
                    affinity: pair.aff as f64 / SCALE as f64,
                    affinity_micro: pair.aff,
                    components,
                    internal: pair.internal,
                    reason: eligibility_reason(item, pair.internal),
                    probability: probabilities.map(|pr| (pr[p as usize] * 1e6).round() / 1e6),
                },
            ));
        }
        seats.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        panels.push(Panel {
            item: item.id.clone(),
            experts: seats.into_iter().map(|(_, _, s)| s).collect(),
            affinity: total as f64 / SCALE as f64,
        });
    }
    let mut unmet = Vec::new();
    let load_list = prep
        .inst
        .experts
        .iter()
        .enumerate()
        .map(|(j, e)| {
            if loads[j] < e.min_load {
                let eligible = survey.expert_items[j];
                let reason = if eligible < e.min_load {
                    format!("仅有{eligible}个项目可由该专家评审（其余存在利益冲突或档期不符），少于最少评审数{}", e.min_load)
                } else {
                    format!("可评审的{eligible}个项目的专家组席位不足以同时满足各专家的最少评审数（{}）", e.min_load)
                };
                unmet.push(UnmetMinLoad { expert: e.id.clone(), min_load: e.min_load, load: loads[j], reason });
            }
            Load { expert: e.id.clone(), load: loads[j], min_load: e.min_load, max_load: e.max_load }
        })
        .collect();
    (panels, load_list, unmet)
}
