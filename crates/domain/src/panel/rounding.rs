//! Dependent rounding of a fractional flow (Gandhi et al. 2006, as used for
//! randomised reviewer assignment by Jecmen et al. 2020).
//!
//! Flows are integers in units of `unit` (one seat); an arc is fractional when
//! its flow is not a multiple of `unit`. Every node's balance is a multiple of
//! `unit`, so a node touching one fractional arc touches at least two: the
//! fractional arcs contain a cycle. Along a cycle (ignoring directions) the
//! flow is shifted by +α with probability β/(α+β) or by −β with probability
//! α/(α+β), where α and β are the largest shifts before some arc of the cycle
//! reaches a multiple of `unit`. Each step makes one arc integral, keeps every
//! node balanced (panel sizes, kind minimums and loads stay within their
//! floors and ceilings) and leaves every arc's expected flow unchanged, so each
//! pair ends assigned with probability exactly its fractional value (≤ q).

use super::flow::Network;
use rand_chacha::rand_core::RngCore;
use rand_chacha::ChaCha8Rng;

const NONE: usize = usize::MAX;

/// A uniform integer in `[0, n)` (rejection sampling, stable across crate versions).
pub(crate) fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % n;
        }
    }
}

fn frac(net: &Network, a: u32, unit: i64) -> bool {
    net.flow(a) % unit != 0
}

/// Rounds every arc of `net` to a multiple of `unit`.
pub(crate) fn round(net: &mut Network, unit: i64, rng: &mut ChaCha8Rng) -> Result<(), String> {
    let nodes = net.nodes();
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); nodes];
    for a in (0..net.arcs() as u32).step_by(2) {
        if frac(net, a, unit) {
            adj[net.tail(a) as usize].push(a);
            adj[net.head(a) as usize].push(a);
        }
    }
    let mut pos = vec![NONE; nodes];
    let mut path_nodes: Vec<u32> = Vec::new();
    let mut path_arcs: Vec<u32> = Vec::new();
    // Next fractional arc at `u` other than `arc_in`, dropping integral ones on the way.
    let next = |net: &Network, adj: &mut Vec<Vec<u32>>, u: usize, arc_in: Option<u32>| -> Option<u32> {
        let list = &mut adj[u];
        let mut k = 0;
        while k < list.len() {
            let a = list[k];
            if !frac(net, a, unit) {
                list.swap_remove(k);
                continue;
            }
            if Some(a) != arc_in {
                return Some(a);
            }
            k += 1;
        }
        None
    };
    for start in 0..nodes {
        loop {
            if path_nodes.is_empty() {
                if next(net, &mut adj, start, None).is_none() {
                    break;
                }
                path_nodes.push(start as u32);
                pos[start] = 0;
            }
            let u = *path_nodes.last().unwrap_or(&(start as u32));
            let arc_in = path_arcs.last().copied();
            let Some(a) = next(net, &mut adj, u as usize, arc_in) else {
                if path_arcs.is_empty() {
                    pos[u as usize] = NONE;
                    path_nodes.clear();
                    continue;
                }
                return Err(format!("node {u} has a single fractional arc"));
            };
            let v = if net.tail(a) == u { net.head(a) } else { net.tail(a) };
            let k = pos[v as usize];
            if k == NONE {
                pos[v as usize] = path_nodes.len();
                path_nodes.push(v);
                path_arcs.push(a);
                continue;
            }
            // Cycle: path_nodes[k..] then back to v through a.
            let mut cycle: Vec<(u32, i64)> = Vec::with_capacity(path_arcs.len() - k + 1);
            for (r, &arc) in path_arcs[k..].iter().enumerate() {
                let from = path_nodes[k + r];
                cycle.push((arc, if net.tail(arc) == from { 1 } else { -1 }));
            }
            cycle.push((a, if net.tail(a) == u { 1 } else { -1 }));
            let (mut alpha, mut beta) = (i64::MAX, i64::MAX);
            for &(arc, dir) in &cycle {
                let f = net.flow(arc).rem_euclid(unit);
                let (up, down) = (unit - f, f);
                if dir > 0 {
                    alpha = alpha.min(up);
                    beta = beta.min(down);
                } else {
                    alpha = alpha.min(down);
                    beta = beta.min(up);
                }
            }
            let shift = if (below(rng, (alpha + beta) as u64) as i64) < beta { alpha } else { -beta };
            for &(arc, dir) in &cycle {
                let f = net.flow(arc);
                net.set_flow(arc, f + dir * shift);
            }
            for &w in &path_nodes[k + 1..] {
                pos[w as usize] = NONE;
            }
            path_nodes.truncate(k + 1);
            path_arcs.truncate(k);
        }
    }
    Ok(())
}
