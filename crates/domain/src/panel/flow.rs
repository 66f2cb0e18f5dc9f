//! Min-cost flow by successive shortest paths (Dijkstra on reduced costs).
//!
//! The network keeps node potentials `pot` such that every residual arc has a
//! non-negative reduced cost `cost + pot[tail] − pot[head]` (the invariant of
//! the method). Supplies are node excesses; [`Network::route`] sends each
//! excess along a shortest path to the nearest node with a deficit until none
//! is left or none is reachable. Arcs may be added, re-priced or closed at any
//! time: an arc whose reduced cost would be negative is saturated at once (its
//! flow becomes an excess at one end and a deficit at the other), so the
//! invariant holds and the next `route` repairs the balance. This is what lets
//! the panel solver work on a sparse candidate graph, add arcs found by
//! pricing, change Lagrangian costs and drop items, all warm.
//!
//! When every excess is routed, the flow is a min-cost flow for the supplies:
//! the potentials are the certificate (no residual arc, hence no residual
//! cycle, has a negative reduced cost).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

const NONE: u32 = u32::MAX;

/// A node whose excess could not reach any deficit, with the nodes it reached.
#[derive(Debug, Clone)]
pub(crate) struct Stuck {
    pub reachable: Vec<u32>,
}

/// One direction of an arc: what a shortest-path search reads of it, in one
/// cache line (the search is bound by memory, not arithmetic).
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Arc {
    /// Residual capacity (change it with [`Network::set_residual`]).
    cap: i64,
    cost: i64,
    head: u32,
    /// Position of this arc in its tail's adjacency list.
    pos: u32,
}

/// An arc in its tail's adjacency list, with whether it has residual
/// capacity: most arcs out of an expert are reverse arcs without flow, and
/// the search skips them without reading them.
#[derive(Debug, Clone, Copy)]
struct Out {
    /// The arc's cost (kept equal to the arc's own by [`Network::set_cost`]).
    cost: i64,
    arc: u32,
    /// The arc's head (it never changes): a settled head is skipped without
    /// reading the arc.
    head: u32,
    live: bool,
}

/// What a shortest-path search reads and writes of a node it reaches, in
/// one cache line (whether it is settled is kept apart, in a dense array:
/// most arcs a search scans lead to settled nodes).
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Node {
    pot: i64,
    dist: i64,
    parent: u32,
    seen: u32,
}

/// A flow network with residual capacities and potentials.
#[derive(Debug, Clone, Default)]
pub(crate) struct Network {
    arcs: Vec<Arc>,
    node: Vec<Node>,
    /// The search (epoch) that settled each node.
    done: Vec<u32>,
    adj: Vec<Vec<Out>>,
    pub excess: Vec<i64>,
    epoch: u32,
    settled: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    /// Shortest augmenting paths found so far.
    pub augmentations: u64,
}

impl Network {
    /// A node with the given supply (negative: a demand).
    pub fn add_node(&mut self, supply: i64) -> u32 {
        let id = self.excess.len() as u32;
        self.adj.push(Vec::new());
        self.excess.push(supply);
        self.node.push(Node { pot: 0, dist: 0, parent: NONE, seen: 0 });
        self.done.push(0);
        id
    }

    pub fn nodes(&self) -> usize {
        self.excess.len()
    }

    /// Potential of node `v` (its dual price).
    pub fn pot(&self, v: u32) -> i64 {
        self.node[v as usize].pot
    }

    /// Forward arc ids are even; `a ^ 1` is the reverse arc.
    pub fn arcs(&self) -> usize {
        self.arcs.len()
    }

    pub fn head(&self, a: u32) -> u32 {
        self.arcs[a as usize].head
    }

    pub fn tail(&self, a: u32) -> u32 {
        self.arcs[(a ^ 1) as usize].head
    }

    /// Flow on a forward arc.
    pub fn flow(&self, a: u32) -> i64 {
        self.arcs[(a ^ 1) as usize].cap
    }

    /// Capacity of a forward arc (flow plus residual).
    pub fn capacity(&self, a: u32) -> i64 {
        self.arcs[a as usize].cap + self.arcs[(a ^ 1) as usize].cap
    }

    /// Sets the flow of a forward arc directly, keeping the capacity and moving
    /// the difference into the end nodes' excesses (used by the rounding, which
    /// keeps every node balanced itself).
    pub fn set_flow(&mut self, a: u32, flow: i64) {
        let capacity = self.capacity(a);
        let delta = flow - self.flow(a);
        self.set_residual(a, capacity - flow);
        self.set_residual(a ^ 1, flow);
        let (t, h) = (self.tail(a) as usize, self.head(a) as usize);
        self.excess[t] -= delta;
        self.excess[h] += delta;
    }

    pub fn reduced(&self, a: u32) -> i64 {
        self.arcs[a as usize].cost + self.node[self.tail(a) as usize].pot - self.node[self.head(a) as usize].pot
    }

    /// Sets the residual capacity of one direction, keeping its adjacency entry in step.
    fn set_residual(&mut self, a: u32, cap: i64) {
        let arc = &mut self.arcs[a as usize];
        arc.cap = cap;
        let pos = arc.pos as usize;
        let tail = self.arcs[(a ^ 1) as usize].head as usize;
        self.adj[tail][pos].live = cap > 0;
    }

    fn push(&mut self, a: u32, d: i64) {
        self.set_residual(a, self.arcs[a as usize].cap - d);
        self.set_residual(a ^ 1, self.arcs[(a ^ 1) as usize].cap + d);
        let (t, h) = (self.tail(a) as usize, self.head(a) as usize);
        self.excess[t] -= d;
        self.excess[h] += d;
    }

    /// Saturates whichever direction of `a` has a negative reduced cost.
    fn restore(&mut self, a: u32) {
        for arc in [a, a ^ 1] {
            let residual = self.arcs[arc as usize].cap;
            if residual > 0 && self.reduced(arc) < 0 {
                self.push(arc, residual);
            }
        }
    }

    /// Adds an arc `u → v`; returns its (even) id.
    pub fn add_arc(&mut self, u: u32, v: u32, cap: i64, cost: i64) -> u32 {
        let id = self.arcs.len() as u32;
        let pu = self.adj[u as usize].len() as u32;
        self.adj[u as usize].push(Out { cost, arc: id, head: v, live: cap > 0 });
        let pv = self.adj[v as usize].len() as u32;
        self.adj[v as usize].push(Out { cost: -cost, arc: id + 1, head: u, live: false });
        self.arcs.push(Arc { cap, cost, head: v, pos: pu });
        self.arcs.push(Arc { cap: 0, cost: -cost, head: u, pos: pv });
        self.restore(id);
        id
    }

    /// Changes the cost of a forward arc.
    pub fn set_cost(&mut self, a: u32, cost: i64) {
        for (arc, c) in [(a, cost), (a ^ 1, -cost)] {
            let record = &mut self.arcs[arc as usize];
            record.cost = c;
            let pos = record.pos as usize;
            let tail = self.arcs[(arc ^ 1) as usize].head as usize;
            self.adj[tail][pos].cost = c;
        }
        self.restore(a);
    }

    /// Changes the capacity of a forward arc (0 closes it), pushing back any flow above it.
    pub fn set_capacity(&mut self, a: u32, cap: i64) {
        let flow = self.flow(a);
        if flow > cap {
            self.push(a ^ 1, flow - cap);
        }
        let flow = self.flow(a);
        self.set_residual(a, cap - flow);
        self.restore(a);
    }

    /// Lowers the potential of `v` to the least value that keeps its residual
    /// out-arcs at a non-negative reduced cost. Arcs into `v` only gain, so the
    /// certificate holds; pricing then sees the smallest dual price of `v`
    /// rather than a stale one (a node Dijkstra never settled keeps its old,
    /// high potential).
    pub fn tighten(&mut self, v: u32) {
        let vu = v as usize;
        let mut least = i64::MIN;
        for out in self.adj[vu].iter().filter(|o| o.live) {
            let arc = &self.arcs[out.arc as usize];
            if arc.cap > 0 {
                least = least.max(self.node[arc.head as usize].pot - arc.cost);
            }
        }
        if least != i64::MIN && least < self.node[vu].pot {
            self.node[vu].pot = least;
        }
    }

    /// Routes every excess to a deficit along shortest paths. Returns the
    /// excesses that could not reach any deficit.
    pub fn route(&mut self) -> Vec<Stuck> {
        let mut stuck = Vec::new();
        let sources: Vec<u32> = (0..self.nodes() as u32).filter(|&v| self.excess[v as usize] > 0).collect();
        for s in sources {
            while self.excess[s as usize] > 0 {
                match self.shortest_path(s) {
                    Some(t) => self.augment(s, t),
                    None => {
                        stuck.push(Stuck { reachable: self.settled.clone() });
                        break;
                    }
                }
            }
        }
        stuck
    }

    /// Dijkstra from `s` to the nearest node with a deficit; updates the
    /// potentials of the nodes settled before it so the reduced costs stay
    /// non-negative and the path gets reduced cost 0.
    fn shortest_path(&mut self, s: u32) -> Option<u32> {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.node.iter_mut().for_each(|x| x.seen = 0);
            self.done.iter_mut().for_each(|x| *x = 0);
            self.epoch = 1;
        }
        let ep = self.epoch;
        self.settled.clear();
        self.heap.clear();
        let su = s as usize;
        self.node[su].dist = 0;
        self.node[su].seen = ep;
        self.node[su].parent = NONE;
        self.heap.push(Reverse((0, s)));
        let mut found = None;
        while let Some(Reverse((d, u))) = self.heap.pop() {
            let uu = u as usize;
            if self.done[uu] == ep || d > self.node[uu].dist {
                continue;
            }
            self.done[uu] = ep;
            let pu = self.node[uu].pot;
            self.settled.push(u);
            if u != s && self.excess[uu] < 0 {
                found = Some((u, d));
                break;
            }
            for out in &self.adj[uu] {
                let v = out.head as usize;
                if !out.live || self.done[v] == ep {
                    continue;
                }
                let a = out.arc;
                let nv = &mut self.node[v];
                let rc = out.cost + pu - nv.pot;
                debug_assert!(rc >= 0, "negative reduced cost {rc} on arc {a}");
                let nd = d + rc;
                if nv.seen != ep || nd < nv.dist {
                    nv.seen = ep;
                    nv.dist = nd;
                    nv.parent = a;
                    self.heap.push(Reverse((nd, v as u32)));
                }
            }
        }
        let (t, dt) = found?;
        for &v in &self.settled {
            let n = &mut self.node[v as usize];
            n.pot += n.dist - dt;
        }
        Some(t)
    }

    fn augment(&mut self, s: u32, t: u32) {
        let mut delta = self.excess[s as usize].min(-self.excess[t as usize]);
        let mut v = t;
        while v != s {
            let a = self.node[v as usize].parent;
            delta = delta.min(self.arcs[a as usize].cap);
            v = self.tail(a);
        }
        let mut v = t;
        while v != s {
            let a = self.node[v as usize].parent;
            self.set_residual(a, self.arcs[a as usize].cap - delta);
            self.set_residual(a ^ 1, self.arcs[(a ^ 1) as usize].cap + delta);
            v = self.tail(a);
        }
        self.excess[s as usize] -= delta;
        self.excess[t as usize] += delta;
        self.augmentations += 1;
    }

    /// Whether every residual arc has a non-negative reduced cost (the optimality certificate).
    #[cfg(test)]
    pub fn certified(&self) -> bool {
        let live = (0..self.arcs.len() as u32).all(|a| {
            let arc = &self.arcs[a as usize];
            let out = &self.adj[self.tail(a) as usize][arc.pos as usize];
            out.live == (arc.cap > 0) && out.cost == arc.cost && out.head == arc.head
        });
        live && (0..self.arcs.len() as u32).all(|a| self.arcs[a as usize].cap <= 0 || self.reduced(a) >= 0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_small_transportation_problem_is_solved_at_least_cost() {
        // a→x 1, a→y 5, b→x 2, b→y 9; x and y take one unit each.
        // a→x + b→y = 10, a→y + b→x = 7: the second route has to undo the first.
        let mut n = Network::default();
        let a = n.add_node(1);
        let b = n.add_node(1);
        let x = n.add_node(0);
        let y = n.add_node(0);
        let t = n.add_node(-2);
        let ax = n.add_arc(a, x, 1, 1);
        let ay = n.add_arc(a, y, 1, 5);
        let bx = n.add_arc(b, x, 1, 2);
        let by = n.add_arc(b, y, 1, 9);
        n.add_arc(x, t, 1, 0);
        n.add_arc(y, t, 1, 0);
        assert!(n.route().is_empty());
        let flows: Vec<i64> = [ax, ay, bx, by].iter().map(|&e| n.flow(e)).collect();
        assert_eq!(flows, vec![0, 1, 1, 0]);
        assert!(n.certified());
    }

    #[test]
    fn re_pricing_and_closing_arcs_keep_the_certificate() {
        let mut n = Network::default();
        let s = n.add_node(1);
        let x = n.add_node(0);
        let y = n.add_node(0);
        let t = n.add_node(-1);
        let sx = n.add_arc(s, x, 1, 1);
        let sy = n.add_arc(s, y, 1, 3);
        n.add_arc(x, t, 1, 0);
        n.add_arc(y, t, 1, 0);
        assert!(n.route().is_empty());
        assert_eq!((n.flow(sx), n.flow(sy)), (1, 0));
        n.set_cost(sx, 10);
        assert!(n.route().is_empty());
        assert_eq!((n.flow(sx), n.flow(sy)), (0, 1));
        assert!(n.certified());
        n.set_capacity(sy, 0);
        assert!(n.route().is_empty());
        assert_eq!((n.flow(sx), n.flow(sy)), (1, 0));
        n.set_capacity(sx, 0);
        assert_eq!(n.route().len(), 1, "no way left");
    }
}
