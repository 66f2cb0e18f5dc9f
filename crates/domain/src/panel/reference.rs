//! An independent exact solver, for tests only: the dense graph built from
//! the slow, direct rule checks ([`conflicts_of`], [`affinity_of`]), source and
//! sink explicit, lexicographic weights in i128, one unit per Bellman-Ford
//! shortest path (no potentials, no sparsity, no pricing). Kind minimums are
//! lower bounds rewarded by a weight; internal caps are not modelled.

use super::model::Instance;
use super::output::SCALE;
use super::prepare::{affinity_of, conflicts_of, kind_index};
use crate::expert::ExpertKind;

pub(crate) struct RefResult {
    pub seats: i64,
    pub kind_units: i64,
    pub min_units: i64,
    pub affinity: i64,
}

struct Arc {
    to: usize,
    cap: i64,
    cost: i128,
}

struct Graph {
    arcs: Vec<Arc>,
    adj: Vec<Vec<usize>>,
}

impl Graph {
    fn add(&mut self, u: usize, v: usize, cap: i64, cost: i128) -> usize {
        let id = self.arcs.len();
        self.arcs.push(Arc { to: v, cap, cost });
        self.arcs.push(Arc { to: u, cap: 0, cost: -cost });
        self.adj[u].push(id);
        self.adj[v].push(id + 1);
        id
    }
}

pub(crate) fn solve(inst: &Instance) -> RefResult {
    let n = inst.items.len();
    let m = inst.experts.len();
    let seats: i64 = inst.items.iter().map(|i| i64::from(i.panel_size)).sum();
    let w1: i128 = i128::from(SCALE) * i128::from(seats + 1);
    let w2: i128 = w1 * i128::from(seats + 1) * 2;
    let w3: i128 = w2 * i128::from(seats + 1) * 2;
    let (s, t) = (0usize, 1usize);
    let item0 = 2;
    let kind0 = item0 + n;
    let exp0 = kind0 + 3 * n;
    let nodes = exp0 + m;
    let mut g = Graph { arcs: Vec::new(), adj: vec![Vec::new(); nodes] };
    let mut s_arcs = Vec::new();
    let mut kind_min_arcs = Vec::new();
    let mut pair_arcs = Vec::new();
    let mut min_arcs = Vec::new();
    for (i, item) in inst.items.iter().enumerate() {
        s_arcs.push(g.add(s, item0 + i, i64::from(item.panel_size), -w3));
        for (k, kind) in ExpertKind::ALL.iter().enumerate() {
            let node = kind0 + 3 * i + k;
            let min = i64::from(item.min_of(*kind));
            if min > 0 {
                kind_min_arcs.push(g.add(item0 + i, node, min, -w2));
            }
            g.add(item0 + i, node, i64::from(item.panel_size), 0);
        }
        for (j, e) in inst.experts.iter().enumerate() {
            if conflicts_of(inst, item, j).is_empty() {
                let (a, _) = affinity_of(inst, item, j);
                let id = g.add(kind0 + 3 * i + kind_index(e.kind), exp0 + j, 1, -i128::from(a));
                pair_arcs.push((id, a));
            }
        }
    }
    for (j, e) in inst.experts.iter().enumerate() {
        if e.min_load > 0 {
            min_arcs.push(g.add(exp0 + j, t, i64::from(e.min_load), -w1));
        }
        if e.max_load > e.min_load {
            g.add(exp0 + j, t, i64::from(e.max_load - e.min_load), 0);
        }
    }
    loop {
        // Bellman-Ford from s.
        let mut dist = vec![i128::MAX; nodes];
        let mut parent = vec![usize::MAX; nodes];
        dist[s] = 0;
        for _ in 0..nodes {
            let mut changed = false;
            for u in 0..nodes {
                if dist[u] == i128::MAX {
                    continue;
                }
                for &a in &g.adj[u] {
                    let arc = &g.arcs[a];
                    if arc.cap > 0 && dist[u] + arc.cost < dist[arc.to] {
                        dist[arc.to] = dist[u] + arc.cost;
                        parent[arc.to] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if dist[t] == i128::MAX || dist[t] >= 0 {
            break;
        }
        let mut v = t;
        while v != s {
            let a = parent[v];
            g.arcs[a].cap -= 1;
            g.arcs[a ^ 1].cap += 1;
            v = g.arcs[a ^ 1].to;
        }
    }
    let flow = |a: usize| g.arcs[a ^ 1].cap;
    RefResult {
        seats: s_arcs.iter().map(|&a| flow(a)).sum(),
        kind_units: kind_min_arcs.iter().map(|&a| flow(a)).sum(),
        min_units: min_arcs.iter().map(|&a| flow(a)).sum(),
        affinity: pair_arcs.iter().map(|&(a, aff)| flow(a) * aff).sum(),
    }
}
