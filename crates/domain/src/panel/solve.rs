//! The flow model of an instance: which items can be staffed at all, the
//! sparse candidate graph, the exact min-cost flow with pricing, and the items
//! that lose the competition for experts.
//!
//! Network, per item: a root node with the item's supply (panel size × unit);
//! with kind minimums, one node per kind holding that kind's minimum as its own
//! supply (so the minimum is hard) fed from the root; with an internal-share cap
//! handled in the flow, an internal node fed from the root through an arc of
//! capacity cap × unit. Pair arcs go from the right one of these to the expert
//! (capacity 1 × unit, or q × unit in a randomised draw; cost
//! `SCALE − affinity`, plus λ for an internal expert of an item whose cap is
//! relaxed). Each expert sends to the sink T through an arc of capacity
//! `min_load` at cost 0 and one of `max_load − min_load` at cost `B`, with `B`
//! larger than any affinity a cycle could gain, so the flow first reaches every
//! minimum it can, then maximises affinity. T demands the sum of the supplies.

use super::flow::Network;
use super::model::Item;
use super::output::{Unstaffable, SCALE};
use super::prepare::{ItemScan, Prepared, Scratch};
use crate::expert::ExpertKind;

const NONE: u32 = u32::MAX;

/// How flows are measured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    /// One seat is `unit` units of flow (1, or the denominator of q).
    pub unit: i64,
    /// Capacity of a pair arc (`unit`, or q × unit).
    pub arc_cap: i64,
    /// Randomised draw: internal experts of an item with both kind minimums and
    /// a cap are routed through the capped internal node and cannot count
    /// towards the minimums (a restriction that keeps the draw exact).
    pub randomized: bool,
}

/// What the survey learned about one item.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemInfo {
    pub eligible: u32,
    pub per_kind: [u32; 3],
    pub internal_per_kind: [u32; 3],
    /// Initial candidates (expert, affinity).
    pub candidates: Vec<(u32, i64)>,
    /// The next best pairs, checked first by pricing.
    pub reserve: Vec<(u32, i64)>,
    /// Best affinity among eligible pairs in neither list (−1: none left).
    pub theta: i64,
}

impl ItemInfo {
    pub fn internal(&self) -> u32 {
        self.internal_per_kind.iter().sum()
    }
}

/// Totals of the survey.
#[derive(Debug, Clone, Default)]
pub(crate) struct Survey {
    pub items: Vec<ItemInfo>,
    pub eligible_pairs: u64,
    pub nonzero_pairs: u64,
    /// Per expert, the items they are eligible for.
    pub expert_items: Vec<u32>,
}

/// Scans every item once: eligibility counts and the top-K candidates.
///
/// Items are independent here, so large instances are scanned by a few
/// threads, each over a contiguous range of items with its own scratch; the
/// ranges are joined in order, so the survey is the same whatever the number
/// of threads.
pub(crate) fn survey(prep: &Prepared, top_k: usize) -> Survey {
    let threads = if prep.n.saturating_mul(prep.m) < PARALLEL_PAIRS {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, MAX_THREADS)
    };
    survey_on(prep, top_k, threads)
}

/// The survey on `threads` threads.
fn survey_on(prep: &Prepared, top_k: usize, threads: usize) -> Survey {
    let threads = threads.max(1);
    let per = prep.n.div_ceil(threads).max(1);
    let ranges: Vec<std::ops::Range<usize>> = (0..prep.n).step_by(per).map(|a| a..(a + per).min(prep.n)).collect();
    let parts: Vec<Part> = if ranges.len() <= 1 {
        vec![survey_range(prep, top_k, 0..prep.n)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = ranges.iter().skip(1).map(|r| scope.spawn(|| survey_range(prep, top_k, r.clone()))).collect();
            let mut parts = vec![survey_range(prep, top_k, ranges[0].clone())];
            // A panic in a scanning thread is re-raised here, as it would have been without threads.
            parts.extend(handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))));
            parts
        })
    };
    let mut out = Survey { items: Vec::with_capacity(prep.n), ..Survey::default() };
    // Per expert, the items they are in conflict with.
    let mut excluded = vec![0u32; prep.m];
    for part in parts {
        out.items.extend(part.items);
        out.eligible_pairs += part.eligible_pairs;
        out.nonzero_pairs += part.nonzero_pairs;
        for (x, p) in excluded.iter_mut().zip(&part.excluded) {
            *x += p;
        }
    }
    out.expert_items = excluded.iter().map(|&x| prep.n as u32 - x).collect();
    out
}

/// Pairs (items × experts) from which the survey is shared among threads.
const PARALLEL_PAIRS: usize = 4_000_000;
/// Most threads the survey uses.
const MAX_THREADS: usize = 4;

/// The survey of a range of items.
struct Part {
    items: Vec<ItemInfo>,
    eligible_pairs: u64,
    nonzero_pairs: u64,
    /// Per expert, the items of the range they are in conflict with.
    excluded: Vec<u32>,
}

fn survey_range(prep: &Prepared, top_k: usize, range: std::ops::Range<usize>) -> Part {
    let mut sc = prep.scratch();
    let mut out = Part { items: Vec::with_capacity(range.len()), eligible_pairs: 0, nonzero_pairs: 0, excluded: vec![0; prep.m] };
    let mut chosen = vec![false; prep.m];
    for i in range {
        let mut scan = prep.scan(i, &mut sc);
        out.eligible_pairs += u64::from(scan.eligible);
        out.nonzero_pairs += scan.nonzero.len() as u64;
        for &j in sc.marked() {
            out.excluded[j as usize] += 1;
        }
        let (candidates, reserve, theta) = select(prep, i, &mut scan, &sc, top_k, &mut chosen);
        out.items.push(ItemInfo {
            eligible: scan.eligible,
            per_kind: scan.per_kind,
            internal_per_kind: scan.internal_per_kind,
            candidates,
            reserve,
            theta,
        });
    }
    out
}

/// Best first: affinity descending, ties by expert index.
fn better(a: &(u32, i64), b: &(u32, i64)) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then(a.0.cmp(&b.0))
}

/// Puts the best `len` entries of `list` first, sorted best first (the rest
/// follow in no order): an item's candidates and reserve come from the top
/// few hundred of its thousands of scored experts.
fn sort_prefix(list: &mut [(u32, i64)], len: usize) {
    if len < list.len() {
        list.select_nth_unstable_by(len, better);
    }
    let len = len.min(list.len());
    list[..len].sort_unstable_by(better);
}

/// The top-K eligible experts by affinity, plus enough of each required kind
/// and enough external experts that the sparse graph is rarely short; fills
/// with zero-affinity experts (spread by a stride) when too few have a score.
/// Also returns the reserve (the next `4 k` pairs by affinity) and the best
/// affinity beyond both. Orders only as much of `scan.nonzero` as the choice
/// reads.
#[allow(clippy::type_complexity)]
fn select(
    prep: &Prepared,
    i: usize,
    scan: &mut ItemScan,
    sc: &Scratch,
    k: usize,
    chosen: &mut [bool],
) -> (Vec<(u32, i64)>, Vec<(u32, i64)>, i64) {
    let item = &prep.inst.items[i];
    let p = item.panel_size as usize;
    let mut need = Needs { kind: [0; 3], ext: item.internal_cap().map_or(0, |c| 3 * p.saturating_sub(c as usize) + 5) };
    for (x, kind) in ExpertKind::ALL.iter().enumerate() {
        let m = item.min_of(*kind) as usize;
        if m > 0 {
            need.kind[x] = (3 * m).max(m + p);
        }
    }
    let nonzero = &mut scan.nonzero;
    let mut sorted = k.saturating_mul(5).saturating_add(65).min(nonzero.len());
    let mut pick = loop {
        sort_prefix(nonzero, sorted);
        let complete = sorted == nonzero.len();
        match pick_scored(prep, i, &nonzero[..sorted], complete, k, &need, chosen) {
            Some(pick) => break pick,
            None => sorted = sorted.saturating_mul(4).min(nonzero.len()),
        }
    };
    let zero_eligible = scan.eligible as usize - nonzero.len();
    let mut zero_taken = 0usize;
    if zero_eligible > 0 {
        let done = |pick: &Pick| pick.out.len() >= k && pick.have_kind.iter().zip(need.kind.iter()).all(|(h, n)| h >= n) && pick.have_ext >= need.ext;
        if !done(&pick) {
            for &(j, _) in nonzero.iter() {
                chosen[j as usize] = true;
            }
            let start = (i.wrapping_mul(7919)) % prep.m.max(1);
            for step in 0..prep.m {
                if done(&pick) {
                    break;
                }
                let j = (start + step) % prep.m;
                if chosen[j] || !sc.eligible(j) || !need.wanted(prep, i, j, &pick, k) {
                    continue;
                }
                pick.take(prep, i, j as u32, 0, chosen);
                zero_taken += 1;
            }
            for &(j, _) in nonzero.iter() {
                chosen[j as usize] = false;
            }
        }
        if zero_taken < zero_eligible {
            pick.theta = pick.theta.max(0);
        }
    }
    for &(j, _) in &pick.out {
        chosen[j as usize] = false;
    }
    (pick.out, pick.reserve, pick.theta)
}

/// How many candidates of each kind, and external ones, an item's graph wants.
struct Needs {
    kind: [usize; 3],
    ext: usize,
}

impl Needs {
    /// Whether expert `j` is still wanted among the candidates.
    fn wanted(&self, prep: &Prepared, i: usize, j: usize, pick: &Pick, k: usize) -> bool {
        let kind = prep.kind[j] as usize;
        pick.out.len() < k || pick.have_kind[kind] < self.kind[kind] || (pick.have_ext < self.ext && !prep.internal(i, j))
    }
}

/// The candidates chosen so far, the reserve and θ.
struct Pick {
    out: Vec<(u32, i64)>,
    have_kind: [usize; 3],
    have_ext: usize,
    reserve: Vec<(u32, i64)>,
    theta: i64,
}

impl Pick {
    fn take(&mut self, prep: &Prepared, i: usize, j: u32, a: i64, chosen: &mut [bool]) {
        let ju = j as usize;
        self.out.push((j, a));
        chosen[ju] = true;
        self.have_kind[prep.kind[ju] as usize] += 1;
        if !prep.internal(i, ju) {
            self.have_ext += 1;
        }
    }
}

/// Candidates, reserve and θ from the best scored experts, `best` (sorted,
/// best first; `complete`: all of them). `None` when the choice could read
/// beyond `best` (marks cleared): the caller orders more.
fn pick_scored(prep: &Prepared, i: usize, best: &[(u32, i64)], complete: bool, k: usize, need: &Needs, chosen: &mut [bool]) -> Option<Pick> {
    let mut pick = Pick { out: Vec::with_capacity(k + 16), have_kind: [0; 3], have_ext: 0, reserve: Vec::new(), theta: -1 };
    for &(j, a) in best {
        if need.wanted(prep, i, j as usize, &pick, k) {
            pick.take(prep, i, j, a, chosen);
        }
    }
    let mut rest = best.iter().filter(|(j, _)| !chosen[*j as usize]);
    pick.reserve = rest.by_ref().take(4 * k).copied().collect();
    let next = rest.next();
    // Beyond `best`, an expert could still be wanted, belong in the reserve or be θ.
    let satisfied = pick.out.len() >= k && pick.have_kind.iter().zip(need.kind.iter()).all(|(h, n)| h >= n) && pick.have_ext >= need.ext;
    if complete || (satisfied && next.is_some()) {
        pick.theta = next.map_or(-1, |&(_, a)| a);
        return Some(pick);
    }
    for &(j, _) in &pick.out {
        chosen[j as usize] = false;
    }
    None
}

/// How one item enters the network.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Plan {
    pub active: bool,
    /// Kind minimums as supplies of per-kind nodes.
    pub kinds: bool,
    /// Internal cap as the capacity of an internal node.
    pub int_cap: Option<u32>,
    /// Internal cap relaxed with a multiplier (deterministic, with kind minimums).
    pub lagrangian: bool,
}

/// Decides how each item enters the network and which items cannot be staffed at all.
pub(crate) fn plan(prep: &Prepared, survey: &Survey, cfg: &Config, q_text: Option<f64>) -> (Vec<Plan>, Vec<Unstaffable>) {
    let mut plans = Vec::with_capacity(prep.n);
    let mut unstaffable = Vec::new();
    for (i, item) in prep.inst.items.iter().enumerate() {
        let info = &survey.items[i];
        let kinds = !item.min_per_kind.values().all(|&m| m == 0);
        let cap = item.internal_cap().filter(|&c| info.internal() > c);
        let lagrangian = kinds && cap.is_some() && !cfg.randomized;
        let int_cap = if lagrangian { None } else { cap };
        match structural(item, info, cfg, kinds && cap.is_some() && cfg.randomized, q_text) {
            Ok(()) => plans.push(Plan { active: true, kinds, int_cap, lagrangian }),
            Err(u) => {
                unstaffable.push(u);
                plans.push(Plan::default());
            }
        }
    }
    (plans, unstaffable)
}

fn kind_zh(k: usize) -> &'static str {
    ExpertKind::ALL.get(k).map_or("", |x| x.label_zh())
}

fn kind_en(k: usize) -> &'static str {
    ExpertKind::ALL.get(k).map_or("", |x| x.as_str())
}

/// Experts needed so that `seats` seats fit when each expert may take at most
/// `arc_cap / unit` of a seat.
fn experts_for(seats: u32, cfg: &Config) -> u32 {
    let need = i64::from(seats) * cfg.unit;
    ((need + cfg.arc_cap - 1) / cfg.arc_cap.max(1)) as u32
}

/// Whether the item could be staffed if no other item competed for its experts.
fn structural(item: &Item, info: &ItemInfo, cfg: &Config, restricted: bool, q: Option<f64>) -> Result<(), Unstaffable> {
    let p = item.panel_size;
    let qnote = |zh: &mut String, en: &mut String| {
        if let Some(q) = q {
            zh.push_str(&format!("（随机抽取概率上限q={q}，每名专家至多计{q}个席位）"));
            en.push_str(&format!(" (with the probability cap q={q} each expert counts for at most {q} of a seat)"));
        }
    };
    let fail = |code: &str, mut zh: String, mut en: String, needed: u32, available: u32| {
        qnote(&mut zh, &mut en);
        Err(Unstaffable { item: item.id.clone(), code: code.to_owned(), reason: zh, reason_en: en, needed, available })
    };
    let need_all = experts_for(p, cfg);
    if info.eligible < need_all {
        return fail(
            "too_few_eligible",
            format!("仅有{}名符合条件的专家，需要{}人", info.eligible, need_all),
            format!("only {} eligible experts, {} needed", info.eligible, need_all),
            need_all,
            info.eligible,
        );
    }
    let external: [u32; 3] = std::array::from_fn(|k| info.per_kind[k] - info.internal_per_kind[k]);
    for (k, kind) in ExpertKind::ALL.iter().enumerate() {
        let m = item.min_of(*kind);
        if m == 0 {
            continue;
        }
        let need = experts_for(m, cfg);
        let (have, zh_where, en_where) =
            if restricted { (external[k], "依托单位以外", "external ") } else { (info.per_kind[k], "", "") };
        if have < need {
            return fail(
                "too_few_of_kind",
                format!("仅有{}名{}符合条件的{}，需要{}人", have, zh_where, kind_zh(k), need),
                format!("only {} eligible {}{} experts, {} needed", have, en_where, kind_en(k), need),
                need,
                have,
            );
        }
    }
    if let Some(c) = item.internal_cap() {
        let ext_total: u32 = external.iter().sum();
        let need = experts_for(p.saturating_sub(c), cfg);
        if ext_total < need {
            return fail(
                "too_few_external",
                format!("依托单位以外符合条件的专家仅有{ext_total}名；内部专家至多{c}人，需要外部专家{}人", p.saturating_sub(c)),
                format!("only {ext_total} eligible experts outside the host unit; at most {c} internal, so {} external needed", p.saturating_sub(c)),
                need,
                ext_total,
            );
        }
        // Greedy in seat units: minimums from external experts first, the rest
        // external first; whatever is left must come from inside, within the cap.
        let per = cfg.arc_cap;
        let mut internal_used: i64 = 0;
        let mut ext_left: i64 = 0;
        let mut mins: i64 = 0;
        for (k, kind) in ExpertKind::ALL.iter().enumerate() {
            let m = i64::from(item.min_of(*kind)) * cfg.unit;
            mins += m;
            let ext_cap = i64::from(external[k]) * per;
            let from_ext = m.min(ext_cap);
            internal_used += m - from_ext;
            ext_left += ext_cap - from_ext;
        }
        let rest = i64::from(p) * cfg.unit - mins;
        internal_used += (rest - ext_left).max(0);
        if internal_used > i64::from(c) * cfg.unit {
            return fail(
                "composition_infeasible",
                format!("依托单位内部专家至多{c}人，在此限制下无法同时满足各类专家的最少人数"),
                format!("at most {c} experts from the host unit: the kind minimums cannot be met within that cap"),
                p,
                info.eligible,
            );
        }
    }
    Ok(())
}

/// Nodes of one item in the network.
#[derive(Debug, Clone)]
pub(crate) struct ItemNodes {
    pub root: u32,
    pub kinds: Option<[u32; 3]>,
    pub int_node: Option<u32>,
    /// Arcs from the root to the kind and internal nodes.
    pub structural: Vec<u32>,
    /// The item's whole supply (panel size × unit).
    pub supply: i64,
}

/// An arc from an item to an expert.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pair {
    pub arc: u32,
    pub expert: u32,
    pub aff: i64,
    pub internal: bool,
}

/// The network of an instance and what each arc means.
#[derive(Clone)]
pub(crate) struct Model<'p, 'a> {
    pub prep: &'p Prepared<'a>,
    pub cfg: Config,
    pub net: Network,
    pub t: u32,
    pub expert_node: Vec<u32>,
    pub items: Vec<Option<ItemNodes>>,
    node_item: Vec<u32>,
    pub pairs: Vec<Pair>,
    pub item_pairs: Vec<Vec<u32>>,
    in_graph: Vec<u64>,
    dense: Vec<bool>,
    reserve: Vec<Vec<(u32, i64)>>,
    theta: Vec<i64>,
    /// Multiplier of each item's relaxed internal cap, in millionths.
    pub lambda: Vec<i64>,
    pub lagrangian: Vec<bool>,
    /// Repair: no internal arc may be added to this item any more.
    pub no_internal: Vec<bool>,
    sc: Scratch,
    aff_buf: Vec<i64>,
    pub priced: u64,
    pub pricing_rounds: u32,
}

impl<'p, 'a> Model<'p, 'a> {
    /// Builds the network of the active items with their initial candidates.
    pub fn new(prep: &'p Prepared<'a>, cfg: Config, survey: &Survey, plans: &[Plan]) -> Result<Self, String> {
        let item_nodes: usize = plans
            .iter()
            .map(|p| if !p.active { 0 } else { 1 + if p.kinds { 3 } else { 0 } + usize::from(p.int_cap.is_some()) })
            .sum();
        let nodes = item_nodes + prep.m + 1;
        let any_min = prep.inst.experts.iter().any(|e| e.min_load > 0);
        // A cycle gains at most (nodes) × 3·SCALE of affinity (λ ≤ 2·SCALE).
        let big = (nodes as i64 + 1).checked_mul(3 * SCALE).ok_or("instance too large")?;
        if (nodes as i64).checked_mul(big.checked_mul(4).ok_or("instance too large")?).is_none() {
            return Err(format!("instance too large: {nodes} nodes"));
        }
        let rest_cost = if any_min { big } else { 0 };
        let mut net = Network::default();
        let mut node_item = Vec::with_capacity(nodes);
        let mut items = Vec::with_capacity(prep.n);
        let mut total: i64 = 0;
        for (i, plan) in plans.iter().enumerate() {
            if !plan.active {
                items.push(None);
                continue;
            }
            let item = &prep.inst.items[i];
            let supply = i64::from(item.panel_size) * cfg.unit;
            total += supply;
            let mins: i64 = item.min_per_kind.values().map(|&m| i64::from(m)).sum::<i64>() * cfg.unit;
            let root = net.add_node(if plan.kinds { supply - mins } else { supply });
            node_item.push(i as u32);
            let mut structural = Vec::new();
            let kinds = if plan.kinds {
                let mut ks = [0u32; 3];
                for (k, kind) in ExpertKind::ALL.iter().enumerate() {
                    ks[k] = net.add_node(i64::from(item.min_of(*kind)) * cfg.unit);
                    node_item.push(i as u32);
                }
                for &kn in &ks {
                    structural.push(net.add_arc(root, kn, supply, 0));
                }
                Some(ks)
            } else {
                None
            };
            let int_node = plan.int_cap.map(|c| {
                let v = net.add_node(0);
                node_item.push(i as u32);
                structural.push(net.add_arc(root, v, i64::from(c) * cfg.unit, 0));
                v
            });
            items.push(Some(ItemNodes { root, kinds, int_node, structural, supply }));
        }
        let mut expert_node = Vec::with_capacity(prep.m);
        for _ in 0..prep.m {
            expert_node.push(net.add_node(0));
            node_item.push(NONE);
        }
        let t = net.add_node(-total);
        node_item.push(NONE);
        for (j, e) in prep.inst.experts.iter().enumerate() {
            let v = expert_node[j];
            let (lo, hi) = (i64::from(e.min_load) * cfg.unit, i64::from(e.max_load) * cfg.unit);
            if lo > 0 {
                net.add_arc(v, t, lo, 0);
            }
            if hi > lo {
                net.add_arc(v, t, hi - lo, rest_cost);
            }
        }
        let words = (prep.n * prep.m).div_ceil(64);
        let mut model = Model {
            prep,
            cfg,
            net,
            t,
            expert_node,
            items,
            node_item,
            pairs: Vec::new(),
            item_pairs: vec![Vec::new(); prep.n],
            in_graph: vec![0; words],
            dense: vec![false; prep.n],
            reserve: survey.items.iter().map(|x| x.reserve.clone()).collect(),
            theta: survey.items.iter().map(|x| x.theta).collect(),
            lambda: vec![0; prep.n],
            lagrangian: plans.iter().map(|p| p.lagrangian).collect(),
            no_internal: vec![false; prep.n],
            sc: prep.scratch(),
            aff_buf: vec![0; prep.m],
            priced: 0,
            pricing_rounds: 0,
        };
        for (i, plan) in plans.iter().enumerate() {
            if plan.active {
                for &(j, a) in &survey.items[i].candidates {
                    model.add_pair(i, j as usize, a);
                }
                if survey.items[i].theta < 0 && survey.items[i].reserve.is_empty() {
                    model.dense[i] = true;
                }
            }
        }
        Ok(model)
    }

    fn bit(&self, i: usize, j: usize) -> bool {
        let b = i * self.prep.m + j;
        self.in_graph[b / 64] & (1u64 << (b % 64)) != 0
    }

    fn set_bit(&mut self, i: usize, j: usize) {
        let b = i * self.prep.m + j;
        self.in_graph[b / 64] |= 1u64 << (b % 64);
    }

    /// The node a pair arc of item `i` to expert `j` leaves from.
    fn src(&self, i: usize, j: usize) -> Option<u32> {
        let nodes = self.items[i].as_ref()?;
        if let (Some(int), true) = (nodes.int_node, self.prep.internal(i, j)) {
            return Some(int);
        }
        match nodes.kinds {
            Some(ks) => Some(ks[self.prep.kind[j] as usize]),
            None => Some(nodes.root),
        }
    }

    /// The nodes pair arcs of item `i` leave from.
    fn srcs(&self, i: usize) -> Vec<u32> {
        let Some(nodes) = self.items[i].as_ref() else { return Vec::new() };
        let mut v = vec![nodes.root];
        if let Some(ks) = nodes.kinds {
            v.extend_from_slice(&ks);
        }
        if let Some(int) = nodes.int_node {
            v.push(int);
        }
        v
    }

    pub fn pair_cost(&self, i: usize, aff: i64, internal: bool) -> i64 {
        SCALE - aff + if internal && self.lagrangian[i] { self.lambda[i] } else { 0 }
    }

    fn add_pair(&mut self, i: usize, j: usize, aff: i64) {
        let Some(src) = self.src(i, j) else { return };
        let internal = self.prep.internal(i, j);
        let cost = self.pair_cost(i, aff, internal);
        let arc = self.net.add_arc(src, self.expert_node[j], self.cfg.arc_cap, cost);
        self.item_pairs[i].push(self.pairs.len() as u32);
        self.pairs.push(Pair { arc, expert: j as u32, aff, internal });
        self.set_bit(i, j);
    }

    /// Eligible experts of item `i` not yet in the graph, with their affinities.
    fn missing(&mut self, i: usize) -> Vec<(u32, i64)> {
        self.prep.mark_conflicts(i, &mut self.sc);
        let nonzero = self.prep.affinities(i, &mut self.sc);
        for &(j, a) in &nonzero {
            self.aff_buf[j as usize] = a;
        }
        let mut out = Vec::new();
        for j in 0..self.prep.m {
            if self.sc.eligible(j) && !self.bit(i, j) && !(self.no_internal[i] && self.prep.internal(i, j)) {
                out.push((j as u32, self.aff_buf[j]));
            }
        }
        for &(j, _) in &nonzero {
            self.aff_buf[j as usize] = 0;
        }
        out
    }

    /// Adds every remaining eligible pair of item `i`.
    fn densify(&mut self, i: usize) {
        for (j, a) in self.missing(i) {
            self.add_pair(i, j as usize, a);
        }
        self.dense[i] = true;
        self.theta[i] = -1;
        self.reserve[i].clear();
    }

    /// Routes all excess; when an excess is stuck on the sparse graph, adds every
    /// eligible pair of the items it reached and tries again.
    pub fn route(&mut self) {
        loop {
            let stuck = self.net.route();
            if stuck.is_empty() {
                return;
            }
            let mut grew = false;
            for s in &stuck {
                for &v in &s.reachable {
                    let i = self.node_item[v as usize];
                    if i != NONE && !self.dense[i as usize] && self.items[i as usize].is_some() {
                        self.densify(i as usize);
                        grew = true;
                    }
                }
            }
            if !grew {
                return;
            }
        }
    }

    /// One pricing round: adds every eligible pair outside the graph whose
    /// reduced cost under the current potentials is negative. Per item, the
    /// reserve is checked pair by pair; the pairs beyond it have an affinity of
    /// at most θ, so unless `SCALE − θ + min π(item) − max π(expert) < 0` none
    /// of them can price out — the few experts with the highest potentials
    /// ("hot") are checked pair by pair and left out of that maximum. Only
    /// items failing the test are read in full.
    pub fn price(&mut self) -> u64 {
        for k in 0..self.expert_node.len() {
            self.net.tighten(self.expert_node[k]);
        }
        const HOT: usize = 32;
        let mut by_pot: Vec<(i64, u32)> = (0..self.prep.m).map(|j| (self.net.pot(self.expert_node[j]), j as u32)).collect();
        let split = by_pot.len().min(HOT);
        if split < by_pot.len() {
            by_pot.select_nth_unstable_by(split, |a, b| b.cmp(a));
        }
        let hot: Vec<(i64, u32)> = by_pot[..split].to_vec();
        let max_cold = by_pot.get(split).map_or(i64::MIN / 4, |&(p, _)| p);
        let mut added = 0;
        for i in 0..self.prep.n {
            if self.items[i].is_none() || self.dense[i] {
                continue;
            }
            let reserve = std::mem::take(&mut self.reserve[i]);
            let mut kept = Vec::with_capacity(reserve.len());
            for &(j, a) in &reserve {
                let ju = j as usize;
                if self.bit(i, ju) || (self.no_internal[i] && self.prep.internal(i, ju)) {
                    continue;
                }
                if self.reduced_pair(i, ju, a) < 0 {
                    self.add_pair(i, ju, a);
                    added += 1;
                } else {
                    kept.push((j, a));
                }
            }
            self.reserve[i] = kept;
            if self.theta[i] < 0 {
                continue;
            }
            let min_src = self.srcs(i).iter().map(|&v| self.net.pot(v)).min().unwrap_or(0);
            if SCALE - self.theta[i] + min_src - max_cold < 0 {
                let mut best_left = -1;
                for (j, a) in self.missing(i) {
                    let ju = j as usize;
                    if self.reduced_pair(i, ju, a) < 0 {
                        self.add_pair(i, ju, a);
                        added += 1;
                    } else {
                        best_left = best_left.max(a);
                    }
                }
                self.theta[i] = best_left;
                self.reserve[i].clear();
                continue;
            }
            for &(pot, j) in &hot {
                let ju = j as usize;
                if SCALE - self.theta[i] + min_src - pot >= 0
                    || self.bit(i, ju)
                    || (self.no_internal[i] && self.prep.internal(i, ju))
                    || !self.prep.pair_eligible(i, ju)
                {
                    continue;
                }
                let (a, _) = self.prep.components(i, ju);
                if self.reduced_pair(i, ju, a) < 0 {
                    self.add_pair(i, ju, a);
                    added += 1;
                }
            }
        }
        self.priced += added;
        self.pricing_rounds += 1;
        added
    }

    /// Reduced cost the pair arc of item `i` to expert `j` would have.
    fn reduced_pair(&self, i: usize, j: usize, aff: i64) -> i64 {
        let Some(src) = self.src(i, j) else { return 0 };
        let cost = self.pair_cost(i, aff, self.prep.internal(i, j));
        cost + self.net.pot(src) - self.net.pot(self.expert_node[j])
    }

    /// Routes, then prices until no pair outside the graph has a negative
    /// reduced cost: the flow is then optimal on all eligible pairs.
    pub fn solve(&mut self) {
        self.route();
        loop {
            if self.price() == 0 {
                break;
            }
            self.route();
        }
    }

    /// Active items with unrouted supply: (item, unrouted units, unrouted per kind).
    pub fn short_items(&self) -> Vec<(usize, i64, [i64; 3])> {
        let mut out = Vec::new();
        for (i, nodes) in self.items.iter().enumerate() {
            let Some(nodes) = nodes else { continue };
            let mut short = self.net.excess[nodes.root as usize].max(0);
            let mut per_kind = [0i64; 3];
            if let Some(ks) = nodes.kinds {
                for (k, &v) in ks.iter().enumerate() {
                    per_kind[k] = self.net.excess[v as usize].max(0);
                    short += per_kind[k];
                }
            }
            if let Some(v) = nodes.int_node {
                short += self.net.excess[v as usize].max(0);
            }
            if short > 0 {
                out.push((i, short, per_kind));
            }
        }
        out
    }

    /// Removes an item: its flow goes back, its supply leaves the network.
    pub fn drop_item(&mut self, i: usize) {
        let Some(nodes) = self.items[i].clone() else { return };
        for &p in &self.item_pairs[i] {
            let arc = self.pairs[p as usize].arc;
            self.net.set_capacity(arc, 0);
        }
        for &a in &nodes.structural {
            self.net.set_capacity(a, 0);
        }
        for v in self.srcs(i) {
            self.net.excess[v as usize] = 0;
        }
        self.net.excess[self.t as usize] += nodes.supply;
        self.items[i] = None;
    }

    /// Closes the pair arc of item `i` to expert `j` (replacement, repair).
    pub fn close_pair(&mut self, p: usize) {
        let arc = self.pairs[p].arc;
        self.net.set_capacity(arc, 0);
    }

    /// Re-opens a closed pair arc.
    pub fn open_pair(&mut self, p: usize) {
        let arc = self.pairs[p].arc;
        self.net.set_capacity(arc, self.cfg.arc_cap);
    }

    /// Sets the multiplier of item `i` and re-prices its internal arcs.
    pub fn set_lambda(&mut self, i: usize, lambda: i64) {
        self.lambda[i] = lambda;
        for k in 0..self.item_pairs[i].len() {
            let p = self.pairs[self.item_pairs[i][k] as usize];
            if p.internal && self.net.capacity(p.arc) > 0 {
                let cost = self.pair_cost(i, p.aff, true);
                self.net.set_cost(p.arc, cost);
            }
        }
    }

    /// Flow of a pair in seats (fractional in a randomised draw).
    pub fn seat(&self, p: &Pair) -> f64 {
        self.net.flow(p.arc) as f64 / self.cfg.unit as f64
    }

    /// Σ affinity × flow, in millionths × unit.
    pub fn affinity_units(&self) -> i64 {
        self.pairs.iter().map(|p| p.aff * self.net.flow(p.arc)).sum()
    }

    /// Internal experts on item `i` (in seats × unit).
    pub fn internal_units(&self, i: usize) -> i64 {
        self.item_pairs[i]
            .iter()
            .map(|&p| &self.pairs[p as usize])
            .filter(|p| p.internal)
            .map(|p| self.net.flow(p.arc))
            .sum()
    }

    pub fn augmentations(&self) -> u64 {
        self.net.augmentations
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::panel::synthetic;
    use rand_chacha::rand_core::{RngCore, SeedableRng};

    #[test]
    fn a_sorted_prefix_is_the_head_of_the_fully_sorted_list() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for round in 0..200 {
            let len = (rng.next_u32() % 300) as usize;
            // Few distinct scores, so ties by expert index matter.
            let list: Vec<(u32, i64)> = (0..len as u32).map(|j| (j, i64::from(rng.next_u32() % 7))).collect();
            let mut full = list.clone();
            full.sort_by(better);
            for want in [0, 1, 5, len / 2, len, len + 3] {
                let mut part = list.clone();
                sort_prefix(&mut part, want);
                let n = want.min(len);
                assert_eq!(part[..n], full[..n], "round {round}, prefix {want} of {len}");
            }
        }
    }

    /// Candidates, reserve and θ as if every scored expert had been sorted:
    /// the choice the survey made before it sorted only the head.
    #[allow(clippy::type_complexity)]
    fn select_fully_sorted(prep: &Prepared, i: usize, scan: &ItemScan, k: usize) -> (Vec<(u32, i64)>, Vec<(u32, i64)>, i64) {
        let mut all = scan.clone();
        all.nonzero.sort_by(better);
        let mut chosen = vec![false; prep.m];
        let item = &prep.inst.items[i];
        let p = item.panel_size as usize;
        let mut need = Needs { kind: [0; 3], ext: item.internal_cap().map_or(0, |c| 3 * p.saturating_sub(c as usize) + 5) };
        for (x, kind) in ExpertKind::ALL.iter().enumerate() {
            let m = item.min_of(*kind) as usize;
            if m > 0 {
                need.kind[x] = (3 * m).max(m + p);
            }
        }
        // The zero-affinity fill is the same code either way; compare what comes before it.
        let pick = pick_scored(prep, i, &all.nonzero, true, k, &need, &mut chosen).expect("complete");
        (pick.out, pick.reserve, pick.theta)
    }

    #[test]
    fn candidates_from_a_partial_order_are_those_of_the_full_order() {
        for (composition, top_k) in [(false, 1), (true, 1), (true, 3), (false, 8)] {
            let inst = synthetic::generate(&synthetic::Spec { items: 30, experts: 600, panel: 5, composition, seed: 11, max_load: None, dense: false });
            let prep = Prepared::new(&inst);
            let mut sc = prep.scratch();
            let mut chosen = vec![false; prep.m];
            for i in 0..prep.n {
                let mut scan = prep.scan(i, &mut sc);
                let (want_c, want_r, want_t) = select_fully_sorted(&prep, i, &scan, top_k);
                let (c, r, t) = select(&prep, i, &mut scan, &sc, top_k, &mut chosen);
                assert!(chosen.iter().all(|&x| !x), "marks cleared");
                assert_eq!(r, want_r, "reserve of item {i}");
                assert_eq!(&c[..want_c.len()], &want_c[..], "candidates of item {i}");
                assert!(c[want_c.len()..].iter().all(|&(_, a)| a == 0), "only zero-affinity fill after the scored ones");
                assert!(t == want_t || (t == 0 && want_t < 0), "θ of item {i}: {t} vs {want_t}");
            }
        }
    }

    #[test]
    fn the_survey_is_the_same_on_any_number_of_threads() {
        let inst = synthetic::generate(&synthetic::Spec { items: 37, experts: 300, panel: 4, composition: true, seed: 2, max_load: None, dense: false });
        let prep = Prepared::new(&inst);
        let one = format!("{:?}", survey_on(&prep, 10, 1));
        for threads in [2, 3, 4, 64] {
            assert_eq!(format!("{:?}", survey_on(&prep, 10, threads)), one, "{threads} threads");
        }
    }

    #[test]
    fn survey_counts_are_those_of_the_direct_checks() {
        let inst = synthetic::generate(&synthetic::Spec { items: 25, experts: 200, panel: 3, composition: true, seed: 4, max_load: None, dense: false });
        let prep = Prepared::new(&inst);
        let s = survey_on(&prep, 10, 1);
        let mut expert_items = vec![0u32; prep.m];
        let mut pairs = 0u64;
        for (i, item) in inst.items.iter().enumerate() {
            let mut per_kind = [0u32; 3];
            let mut internal = [0u32; 3];
            for (j, count) in expert_items.iter_mut().enumerate() {
                if crate::panel::conflicts_of(&inst, item, j).is_empty() {
                    let k = prep.kind[j] as usize;
                    per_kind[k] += 1;
                    internal[k] += u32::from(prep.internal(i, j));
                    *count += 1;
                    pairs += 1;
                }
            }
            assert_eq!(s.items[i].per_kind, per_kind, "item {i}");
            assert_eq!(s.items[i].internal_per_kind, internal, "item {i}");
            assert_eq!(s.items[i].eligible, per_kind.iter().sum::<u32>(), "item {i}");
        }
        assert_eq!(s.expert_items, expert_items);
        assert_eq!(s.eligible_pairs, pairs);
    }
}
