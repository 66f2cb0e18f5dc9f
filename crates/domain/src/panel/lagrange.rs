//! Kind minimums and internal-share caps together (an integer program).
//!
//! The kind minimums stay in the flow (hard, as node supplies); each item's
//! cap `Σ internal x ≤ c` is moved into the objective with a multiplier
//! λ ≥ 0 that makes that item's internal experts dearer. For any λ the flow
//! optimum of the adjusted costs plus `Σ λ c` is an upper bound on every
//! assignment that keeps the caps (Lagrangian duality); subgradient steps
//! lower it. A primal comes from repair: starting from the exact relaxation,
//! every item over its cap keeps the `c` internal experts the current
//! Lagrangian solution prefers, its other internal arcs are closed, and the
//! flow is re-optimised (exactly, with pricing) until no item is over its cap.
//! The reported bound is re-certified on all pairs at the best λ.

use super::output::SCALE;
use super::solve::{Model, Survey};
use crate::expert::ExpertKind;
use std::time::Instant;

/// Result of the composition search.
pub(crate) struct Outcome<'p, 'a> {
    pub primal: Model<'p, 'a>,
    pub bound: i64,
    pub iterations: u32,
    pub violations: usize,
    /// Items no repair could staff within their cap (dropped from `primal`).
    pub failed: Vec<usize>,
}

fn cap_of(model: &Model, i: usize) -> i64 {
    model.prep.inst.items[i].internal_cap().map_or(i64::MAX, i64::from)
}

fn lagrangian_value(model: &Model, items: &[usize]) -> i64 {
    let mut v = model.affinity_units();
    for &i in items {
        v += model.lambda[i] * (cap_of(model, i) - model.internal_units(i));
    }
    v
}

/// Internal experts each item has in `model`'s flow.
fn guide(model: &Model, items: &[usize]) -> Vec<Vec<u32>> {
    let mut g = vec![Vec::new(); model.prep.n];
    for &i in items {
        for &p in &model.item_pairs[i] {
            let pair = &model.pairs[p as usize];
            if pair.internal && model.net.flow(pair.arc) > 0 {
                g[i].push(pair.expert);
            }
        }
    }
    g
}

/// A feasible assignment near `relax`: items over their cap keep the internal
/// experts `guide` prefers — first those of kinds whose minimum the external
/// experts alone cannot meet — and lose their other internal arcs.
fn repair<'p, 'a>(relax: &Model<'p, 'a>, survey: &Survey, items: &[usize], guide: &[Vec<u32>]) -> Result<Model<'p, 'a>, Box<Model<'p, 'a>>> {
    let mut r = relax.clone();
    let mut swaps = 0;
    loop {
        let over: Vec<usize> = items.iter().copied().filter(|&i| r.items[i].is_some() && r.internal_units(i) > cap_of(&r, i)).collect();
        if over.is_empty() {
            return Ok(r);
        }
        for i in over {
            restrict(&mut r, survey, i, guide);
        }
        r.solve();
        // An item left short of a kind swaps a kept internal expert for a
        // closed internal one of that kind, as long as swaps help.
        loop {
            let short = r.short_items();
            if short.is_empty() {
                break;
            }
            swaps += 1;
            if swaps > 2 * items.len() + 8 || !swap_for_kinds(&mut r, &short) {
                return Err(Box::new(r));
            }
            r.solve();
        }
    }
}

/// Keeps `cap` internal arcs of item `i` and closes the others for good.
fn restrict(r: &mut Model, survey: &Survey, i: usize, guide: &[Vec<u32>]) {
    let cap = cap_of(r, i) as usize;
    let item = &r.prep.inst.items[i];
    let info = &survey.items[i];
    // Internal experts of kind k that must stay: the minimum minus the external supply.
    let mut must: [u32; 3] = std::array::from_fn(|k| {
        let external = info.per_kind[k] - info.internal_per_kind[k];
        item.min_of(ExpertKind::ALL[k]).saturating_sub(external)
    });
    let mut internal: Vec<u32> =
        r.item_pairs[i].iter().copied().filter(|&p| r.pairs[p as usize].internal && r.net.capacity(r.pairs[p as usize].arc) > 0).collect();
    internal.sort_by_key(|&p| {
        let pair = &r.pairs[p as usize];
        (!guide[i].contains(&pair.expert), -pair.aff, pair.expert)
    });
    let mut keep: Vec<u32> = Vec::with_capacity(cap);
    for &p in &internal {
        let k = r.prep.kind[r.pairs[p as usize].expert as usize] as usize;
        if must[k] > 0 && keep.len() < cap {
            must[k] -= 1;
            keep.push(p);
        }
    }
    for &p in &internal {
        if keep.len() < cap && !keep.contains(&p) {
            keep.push(p);
        }
    }
    for &p in &internal {
        if !keep.contains(&p) {
            r.close_pair(p as usize);
        }
    }
    r.no_internal[i] = true;
}

/// For each restricted item short of a kind: close its weakest open internal
/// arc of another kind and open its best closed internal arc of the missing kind.
fn swap_for_kinds(r: &mut Model, short: &[(usize, i64, [i64; 3])]) -> bool {
    let mut swapped = false;
    for &(i, _, per_kind) in short {
        if !r.no_internal[i] {
            continue;
        }
        for k in (0..3).filter(|&k| per_kind[k] > 0) {
            let internal: Vec<u32> = r.item_pairs[i].iter().copied().filter(|&p| r.pairs[p as usize].internal).collect();
            let kind_of = |p: u32| r.prep.kind[r.pairs[p as usize].expert as usize] as usize;
            let open = |p: u32| r.net.capacity(r.pairs[p as usize].arc) > 0;
            let add = internal.iter().copied().filter(|&p| !open(p) && kind_of(p) == k).max_by_key(|&p| (r.pairs[p as usize].aff, std::cmp::Reverse(p)));
            let remove = internal.iter().copied().filter(|&p| open(p) && per_kind[kind_of(p)] == 0).min_by_key(|&p| (r.pairs[p as usize].aff, p));
            if let (Some(add), Some(remove)) = (add, remove) {
                r.close_pair(remove as usize);
                r.open_pair(add as usize);
                swapped = true;
            }
        }
    }
    swapped
}

/// Improves a relaxation (λ = 0, solved exactly) into a feasible assignment with a proven bound.
pub(crate) fn improve<'p, 'a>(relax: Model<'p, 'a>, survey: &Survey, deadline: Instant, gap_target: f64) -> Outcome<'p, 'a> {
    let items: Vec<usize> = (0..relax.prep.n).filter(|&i| relax.lagrangian[i] && relax.items[i].is_some()).collect();
    let ub0 = relax.affinity_units();
    let violations = items.iter().filter(|&&i| relax.internal_units(i) > cap_of(&relax, i)).count();
    if violations == 0 {
        return Outcome { primal: relax, bound: ub0, iterations: 0, violations, failed: Vec::new() };
    }
    let mut best: Option<(i64, Model<'p, 'a>)> = None;
    let mut last_failure: Option<Model<'p, 'a>> = None;
    let mut consider = |candidate: Result<Model<'p, 'a>, Box<Model<'p, 'a>>>, best: &mut Option<(i64, Model<'p, 'a>)>| match candidate {
        Ok(m) => {
            let v = m.affinity_units();
            if best.as_ref().is_none_or(|(b, _)| v > *b) {
                *best = Some((v, m));
            }
        }
        Err(m) => last_failure = Some(*m),
    };
    consider(repair(&relax, survey, &items, &guide(&relax, &items)), &mut best);

    let mut lag = relax.clone();
    let mut best_l = ub0;
    let mut best_lambda: Vec<i64> = vec![0; relax.prep.n];
    let mut current = ub0;
    let mut theta = 1.0f64;
    let mut stale = 0;
    let mut iterations = 0u32;
    for it in 0..500u32 {
        if Instant::now() >= deadline {
            break;
        }
        // Without a primal yet, aim the step 5 % below the current value.
        let lb = best.as_ref().map_or(current - ub0 / 20, |(v, _)| *v);
        if best.is_some() && best_l > 0 && (best_l - lb) as f64 / best_l as f64 <= gap_target / 2.0 {
            break;
        }
        let g: Vec<i64> = items.iter().map(|&i| lag.internal_units(i) - cap_of(&lag, i)).collect();
        let norm2: f64 = items
            .iter()
            .zip(&g)
            .filter(|(&i, &gi)| gi > 0 || lag.lambda[i] > 0)
            .map(|(_, &gi)| (gi * gi) as f64)
            .sum();
        if norm2 == 0.0 {
            break;
        }
        let step = theta * ((current - lb).max(1)) as f64 / norm2;
        for (&i, &gi) in items.iter().zip(&g) {
            let next = (lag.lambda[i] as f64 + step * gi as f64).round().clamp(0.0, 2.0 * SCALE as f64) as i64;
            if next != lag.lambda[i] {
                lag.set_lambda(i, next);
            }
        }
        lag.route();
        iterations = it + 1;
        current = lagrangian_value(&lag, &items);
        // The Lagrangian solution itself may keep every cap.
        if lag.short_items().is_empty() && items.iter().all(|&i| lag.internal_units(i) <= cap_of(&lag, i)) {
            consider(Ok(lag.clone()), &mut best);
        }
        let improved = current < best_l;
        if improved {
            best_l = current;
            best_lambda = lag.lambda.clone();
            stale = 0;
        } else {
            stale += 1;
            if stale >= 4 {
                theta /= 2.0;
                stale = 0;
            }
        }
        if improved || it % 5 == 4 {
            consider(repair(&relax, survey, &items, &guide(&lag, &items)), &mut best);
        }
        if theta < 1e-3 {
            break;
        }
    }
    // Certify the bound at the best multipliers on every eligible pair.
    for &i in &items {
        if lag.lambda[i] != best_lambda[i] {
            lag.set_lambda(i, best_lambda[i]);
        }
    }
    lag.solve();
    let certified = if lag.short_items().is_empty() { lagrangian_value(&lag, &items) } else { ub0 };
    let bound = ub0.min(certified);
    match best {
        Some((_, primal)) => Outcome { primal, bound, iterations, violations, failed: Vec::new() },
        None => {
            // No repair kept every item: drop the items the attempts could not
            // staff, one by one, until a repair succeeds; then bound the
            // reduced problem afresh.
            let mut base = relax;
            let mut failed = Vec::new();
            let mut attempt = last_failure;
            while let Some(m) = attempt {
                let short = m.short_items();
                let Some(&(i, _, _)) = short.first() else { break };
                base.drop_item(i);
                base.solve();
                failed.push(i);
                attempt = repair(&base, survey, &items, &guide(&base, &items)).err().map(|m| *m);
            }
            let mut outcome = improve(base, survey, deadline, gap_target);
            outcome.failed.extend(failed);
            outcome.iterations += iterations;
            outcome.violations = outcome.violations.max(violations);
            outcome
        }
    }
}
