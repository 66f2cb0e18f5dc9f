//! Eligibility (the hard conflict rules) and affinity, computed once per
//! instance into indexes so that scanning one item against every expert costs
//! a pass over a stamp array plus the postings of the item's tokens.
//!
//! The slow, obviously-correct twins ([`conflicts_of`], [`affinity_of`]) read
//! the instance directly; tests check the fast path against them.

use super::model::{Instance, Item, Weights};
use super::output::{Components, ScoreSource, SCALE};
use crate::expert::ExpertKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Why an expert may not review an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The expert works for the item's owner unit (同单位).
    SameOrg,
    /// The expert declared a conflict with the owner unit.
    DeclaredOrg,
    /// The expert declared a conflict with a member of the item's team.
    DeclaredPerson,
    /// The expert declared a conflict with the item itself.
    DeclaredItem,
    /// The expert is on the item's team or a co-applicant.
    TeamMember,
    /// The bureau blacklisted the expert.
    Blacklisted,
    /// The bureau recorded a conflict for this pair.
    Explicit,
    /// The expert is not available on the review date.
    Unavailable,
    /// The expert's maximum load is 0.
    NoCapacity,
}

/// One reason an expert is ineligible for an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conflict {
    /// What kind of conflict.
    pub kind: ConflictKind,
    /// The conflict in Chinese, naming the unit, person or reason.
    pub detail: String,
}

/// Every reason why `expert` may not review `item` (empty: eligible), read from
/// the instance directly. The web layer calls this again when the expert opens
/// the item, before any material is shown.
pub fn conflicts_of(instance: &Instance, item: &Item, expert_index: usize) -> Vec<Conflict> {
    let mut out = Vec::new();
    let Some(e) = instance.experts.get(expert_index) else { return out };
    let c = |kind, detail: String| Conflict { kind, detail };
    if org_key(&e.org) == org_key(&item.owner_org) {
        out.push(c(ConflictKind::SameOrg, format!("与项目所属单位相同（{}）", item.owner_org)));
    }
    if e.conflicts.orgs.iter().any(|o| org_key(o) == org_key(&item.owner_org)) {
        out.push(c(ConflictKind::DeclaredOrg, format!("申报回避单位：{}", item.owner_org)));
    }
    for p in &e.conflicts.persons {
        if item.team.contains(p) {
            out.push(c(ConflictKind::DeclaredPerson, format!("申报回避人员：{p}")));
        }
    }
    if e.conflicts.items.contains(&item.id) {
        out.push(c(ConflictKind::DeclaredItem, "申报回避本项目".to_owned()));
    }
    if item.team.contains(&e.id) {
        out.push(c(ConflictKind::TeamMember, "项目团队成员或共同申报人".to_owned()));
    }
    for b in instance.blacklist.iter().filter(|b| b.expert == e.id) {
        out.push(c(ConflictKind::Blacklisted, format!("列入黑名单{}", paren(&b.reason))));
    }
    for pc in instance.conflicts.iter().filter(|pc| pc.expert == e.id && pc.item == item.id) {
        out.push(c(ConflictKind::Explicit, format!("登记的利益冲突{}", paren(&pc.reason))));
    }
    if let Some(date) = item.review_date {
        if !e.available_on(date) {
            out.push(c(ConflictKind::Unavailable, format!("评审日期{date}不在档期内")));
        }
    }
    if e.max_load == 0 {
        out.push(c(ConflictKind::NoCapacity, "最多评审数为0".to_owned()));
    }
    out
}

fn paren(s: &str) -> String {
    if s.trim().is_empty() {
        String::new()
    } else {
        format!("（{}）", s.trim())
    }
}

/// The eligibility reason recorded with every assigned pair.
pub fn eligibility_reason(item: &Item, internal: bool) -> String {
    let mut r = String::from("无利益冲突：非同单位、未申报回避、非团队成员、未列入黑名单");
    if let Some(date) = item.review_date {
        r.push_str(&format!("；评审日期{date}在档期内"));
    }
    if item.host_org.is_some() {
        r.push_str(if internal { "；依托单位内部专家" } else { "；依托单位外部专家" });
    }
    r
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Units are compared on the folded form (crate::text::comparable): full-
/// width brackets, spacing, case and invisible characters make no new unit.
pub(crate) fn org_key(s: &str) -> String {
    crate::text::comparable(s)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Tokens of a keyword list: each whole keyword, the bigrams of its runs of
/// Chinese characters (a lone character stands for itself) and its Latin words
/// of two letters or more, lower-cased; deduplicated and sorted.
pub fn text_tokens(keywords: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for kw in keywords {
        let kw = norm(kw);
        if kw.is_empty() {
            continue;
        }
        out.push(format!("k:{kw}"));
        let mut run: Vec<char> = Vec::new();
        let mut word = String::new();
        let flush_run = |run: &mut Vec<char>, out: &mut Vec<String>| {
            if run.len() == 1 {
                out.push(format!("c:{}", run[0]));
            } else {
                for w in run.windows(2) {
                    out.push(format!("b:{}{}", w[0], w[1]));
                }
            }
            run.clear();
        };
        let flush_word = |word: &mut String, out: &mut Vec<String>| {
            if word.chars().count() >= 2 {
                out.push(format!("w:{word}"));
            }
            word.clear();
        };
        for ch in kw.chars() {
            if is_cjk(ch) {
                flush_word(&mut word, &mut out);
                run.push(ch);
            } else if ch.is_alphanumeric() {
                flush_run(&mut run, &mut out);
                word.push(ch);
            } else {
                flush_run(&mut run, &mut out);
                flush_word(&mut word, &mut out);
            }
        }
        flush_run(&mut run, &mut out);
        flush_word(&mut word, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn set_of(values: &[String]) -> Vec<String> {
    let mut v: Vec<String> = values.iter().map(|s| norm(s)).filter(|s| !s.is_empty()).collect();
    v.sort();
    v.dedup();
    v
}

/// Combines the overlap counts into the components and the score in millionths.
/// The single place the formula lives, so the indexed and the direct paths agree
/// to the last unit.
fn combine(w: &Weights, f: (u32, u32), s: (u32, u32), t: (u32, u32, u32)) -> (i64, Components) {
    let ratio = |num: u32, den: u32| if den == 0 { 0.0 } else { f64::from(num) / f64::from(den) };
    let field = ratio(f.0, f.1);
    let sub_field = ratio(s.0, s.1);
    let text = if t.1 == 0 || t.2 == 0 { 0.0 } else { f64::from(t.0) / (f64::from(t.1) * f64::from(t.2)).sqrt() };
    let total = w.field + w.sub_field + w.text;
    let score = ((w.field * field + w.sub_field * sub_field + w.text * text) / total).clamp(0.0, 1.0);
    let micro = (score * SCALE as f64).round() as i64;
    (micro, Components { field, sub_field, text, source: ScoreSource::Computed })
}

fn overlap(a: &[String], b: &[String]) -> u32 {
    a.iter().filter(|x| b.binary_search(x).is_ok()).count() as u32
}

/// The affinity of one pair in millionths and its components, read from the
/// instance directly (an explicit score wins over the computed one).
pub fn affinity_of(instance: &Instance, item: &Item, expert_index: usize) -> (i64, Components) {
    let Some(e) = instance.experts.get(expert_index) else {
        return (0, Components { field: 0.0, sub_field: 0.0, text: 0.0, source: ScoreSource::Computed })
    };
    let (i_f, e_f) = (set_of(&item.fields), set_of(&e.fields));
    let (i_s, e_s) = (set_of(&item.sub_fields), set_of(&e.sub_fields));
    let (i_t, e_t) = (text_tokens(&item.keywords), text_tokens(&e.keywords));
    let (micro, mut comp) = combine(
        &instance.options.weights,
        (overlap(&i_f, &e_f), i_f.len() as u32),
        (overlap(&i_s, &e_s), i_s.len() as u32),
        (overlap(&i_t, &e_t), i_t.len() as u32, e_t.len() as u32),
    );
    if let Some(ov) = instance.affinities.iter().rev().find(|a| a.item == item.id && a.expert == e.id) {
        comp.source = ScoreSource::Explicit;
        return (explicit_micro(ov.score), comp);
    }
    (micro, comp)
}

fn explicit_micro(score: f64) -> i64 {
    (score.clamp(0.0, 1.0) * SCALE as f64).round() as i64
}

/// Index of a kind in [`ExpertKind::ALL`].
pub(crate) fn kind_index(kind: ExpertKind) -> usize {
    ExpertKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, s: String) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(s).or_insert(next)
    }
    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }
    fn ids_of(&mut self, values: Vec<String>) -> Vec<u32> {
        let mut v: Vec<u32> = values.into_iter().map(|s| self.id(s)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The instance turned into integer indexes.
pub(crate) struct Prepared<'a> {
    pub inst: &'a Instance,
    pub n: usize,
    pub m: usize,
    /// Kind index of each expert.
    pub kind: Vec<u8>,
    /// Internal (host-unit) flag is `expert_org[j] == item_host[i]`.
    pub expert_org: Vec<u32>,
    pub item_host: Vec<Option<u32>>,
    item_owner: Vec<u32>,
    item_f: Vec<Vec<u32>>,
    item_s: Vec<Vec<u32>>,
    item_t: Vec<Vec<u32>>,
    exp_f: Vec<Vec<u32>>,
    exp_s: Vec<Vec<u32>>,
    exp_t: Vec<Vec<u32>>,
    exp_t_len: Vec<u32>,
    /// The most text tokens any expert has.
    max_t_len: u32,
    post_f: Vec<Vec<u32>>,
    post_s: Vec<Vec<u32>>,
    post_t: Vec<Vec<u32>>,
    overrides: Vec<Vec<(u32, i64)>>,
    org_members: Vec<Vec<u32>>,
    org_declarers: Vec<Vec<u32>>,
    /// Per expert, the organisations they declared (ids, sorted).
    declared_orgs: Vec<Vec<u32>>,
    /// Per item, experts in conflict through its team, a declaration naming
    /// the item or a recorded conflict (sorted, deduplicated).
    item_special: Vec<Vec<u32>>,
    globally_out: Vec<u32>,
    out: Vec<bool>,
    with_availability: Vec<u32>,
    /// Experts of each kind.
    kind_total: [u32; 3],
    /// Per organisation, its experts of each kind (an item's internal experts
    /// are its host unit's).
    org_kind: Vec<[u32; 3]>,
}

/// Most score combinations remembered for one item.
const MEMO_MAX: usize = 1 << 16;

/// Scores of one item by their counts, each slot valid for the epoch it was
/// written in (so starting the next item clears nothing).
#[derive(Clone, Default)]
struct Memo {
    epoch: u32,
    slots: Vec<(u32, i64)>,
}

impl Memo {
    /// Starts an item with `size` slots; returns its epoch.
    fn start(&mut self, size: usize) -> u32 {
        if self.slots.len() < size {
            self.slots.resize(size, (0, 0));
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.slots.iter_mut().for_each(|s| s.0 = 0);
            self.epoch = 1;
        }
        self.epoch
    }

    /// The score in slot `key`, computed by `score` the first time in this epoch.
    fn get_or(&mut self, key: usize, epoch: u32, score: impl FnOnce() -> i64) -> i64 {
        match self.slots.get_mut(key) {
            Some(slot) if slot.0 == epoch => slot.1,
            Some(slot) => {
                *slot = (epoch, score());
                slot.1
            }
            None => score(),
        }
    }
}

/// Reusable arrays for scanning one item after another.
#[derive(Clone)]
pub(crate) struct Scratch {
    epoch: u32,
    stamp: Vec<u32>,
    /// The experts marked for the current item, each once.
    marked: Vec<u32>,
    fc: Vec<u16>,
    sc: Vec<u16>,
    tc: Vec<u16>,
    aff: Vec<i64>,
    touched: Vec<u32>,
    memo: Memo,
}

/// One item scanned against every expert.
#[derive(Debug, Default, Clone)]
pub(crate) struct ItemScan {
    /// Eligible experts with a non-zero affinity: (expert, micro), best first, ties by index.
    pub nonzero: Vec<(u32, i64)>,
    /// Eligible experts.
    pub eligible: u32,
    /// Eligible experts per kind.
    pub per_kind: [u32; 3],
    /// Eligible experts from the host unit, per kind.
    pub internal_per_kind: [u32; 3],
}

impl<'a> Prepared<'a> {
    pub fn new(inst: &'a Instance) -> Self {
        let n = inst.items.len();
        let m = inst.experts.len();
        let mut orgs = Interner::default();
        let mut fields = Interner::default();
        let mut subs = Interner::default();
        let mut texts = Interner::default();
        let expert_org: Vec<u32> = inst.experts.iter().map(|e| orgs.id(org_key(&e.org))).collect();
        let item_owner: Vec<u32> = inst.items.iter().map(|i| orgs.id(org_key(&i.owner_org))).collect();
        let item_host: Vec<Option<u32>> = inst.items.iter().map(|i| i.host_org.as_ref().map(|h| orgs.id(org_key(h)))).collect();
        let mut exp_f = Vec::with_capacity(m);
        let mut exp_s = Vec::with_capacity(m);
        let mut exp_t = Vec::with_capacity(m);
        for e in &inst.experts {
            exp_f.push(fields.ids_of(set_of(&e.fields)));
            exp_s.push(subs.ids_of(set_of(&e.sub_fields)));
            exp_t.push(texts.ids_of(text_tokens(&e.keywords)));
        }
        // Item tokens no expert has can never overlap, but they count in the
        // denominators: keep them as ids past the postings.
        let mut item_f = Vec::with_capacity(n);
        let mut item_s = Vec::with_capacity(n);
        let mut item_t = Vec::with_capacity(n);
        for it in &inst.items {
            item_f.push(fields.ids_of(set_of(&it.fields)));
            item_s.push(subs.ids_of(set_of(&it.sub_fields)));
            item_t.push(texts.ids_of(text_tokens(&it.keywords)));
        }
        let postings = |count: usize, per_expert: &[Vec<u32>]| {
            let mut post = vec![Vec::new(); count];
            for (j, toks) in per_expert.iter().enumerate() {
                for &t in toks {
                    post[t as usize].push(j as u32);
                }
            }
            post
        };
        let post_f = postings(fields.ids.len(), &exp_f);
        let post_s = postings(subs.ids.len(), &exp_s);
        let post_t = postings(texts.ids.len(), &exp_t);
        let exp_t_len: Vec<u32> = exp_t.iter().map(|t| t.len() as u32).collect();
        let max_t_len = exp_t_len.iter().copied().max().unwrap_or(0);

        let mut org_members = vec![Vec::new(); orgs.ids.len()];
        for (j, &o) in expert_org.iter().enumerate() {
            org_members[o as usize].push(j as u32);
        }
        let mut org_declarers = vec![Vec::new(); orgs.ids.len()];
        let mut person_expert = HashMap::new();
        let mut person_declarers: HashMap<String, Vec<u32>> = HashMap::new();
        let item_index: HashMap<&str, usize> = inst.items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)).collect();
        let expert_index: HashMap<&str, usize> = inst.experts.iter().enumerate().map(|(j, e)| (e.id.as_str(), j)).collect();
        let mut item_declarers = vec![Vec::new(); n];
        let mut with_availability = Vec::new();
        let mut globally_out = Vec::new();
        let mut blacklisted = vec![false; m];
        for b in &inst.blacklist {
            if let Some(&j) = expert_index.get(b.expert.as_str()) {
                blacklisted[j] = true;
            }
        }
        for (j, e) in inst.experts.iter().enumerate() {
            person_expert.insert(e.id.clone(), j as u32);
            for o in &e.conflicts.orgs {
                if let Some(id) = orgs.get(&org_key(o)) {
                    org_declarers[id as usize].push(j as u32);
                }
            }
            for p in &e.conflicts.persons {
                person_declarers.entry(p.clone()).or_default().push(j as u32);
            }
            for it in &e.conflicts.items {
                if let Some(&i) = item_index.get(it.as_str()) {
                    item_declarers[i].push(j as u32);
                }
            }
            if e.availability.is_some() {
                with_availability.push(j as u32);
            }
            if blacklisted[j] || e.max_load == 0 {
                globally_out.push(j as u32);
            }
        }
        let mut explicit = vec![Vec::new(); n];
        for pc in &inst.conflicts {
            if let (Some(&i), Some(&j)) = (item_index.get(pc.item.as_str()), expert_index.get(pc.expert.as_str())) {
                explicit[i].push(j as u32);
            }
        }
        let mut item_special: Vec<Vec<u32>> = Vec::with_capacity(n);
        for (i, it) in inst.items.iter().enumerate() {
            let mut v: Vec<u32> = item_declarers[i].clone();
            v.extend_from_slice(&explicit[i]);
            for p in &it.team {
                if let Some(&j) = person_expert.get(p.as_str()) {
                    v.push(j);
                }
                if let Some(list) = person_declarers.get(p.as_str()) {
                    v.extend_from_slice(list);
                }
            }
            v.sort_unstable();
            v.dedup();
            item_special.push(v);
        }
        let mut declared_orgs: Vec<Vec<u32>> = inst
            .experts
            .iter()
            .map(|e| e.conflicts.orgs.iter().filter_map(|o| orgs.get(&org_key(o))).collect())
            .collect();
        for d in &mut declared_orgs {
            d.sort_unstable();
            d.dedup();
        }
        let mut out = vec![false; m];
        for &j in &globally_out {
            out[j as usize] = true;
        }
        // Explicit scores per item, sorted by expert; the last entry for a pair wins.
        let mut overrides: Vec<Vec<(u32, i64)>> = vec![Vec::new(); n];
        for ov in &inst.affinities {
            if let (Some(&i), Some(&j)) = (item_index.get(ov.item.as_str()), expert_index.get(ov.expert.as_str())) {
                overrides[i].push((j as u32, explicit_micro(ov.score)));
            }
        }
        for list in &mut overrides {
            list.reverse();
            list.sort_by_key(|&(j, _)| j); // stable: the last given comes first
            list.dedup_by_key(|&mut (j, _)| j);
        }
        let kind: Vec<u8> = inst.experts.iter().map(|e| kind_index(e.kind) as u8).collect();
        let mut kind_total = [0u32; 3];
        let mut org_kind = vec![[0u32; 3]; orgs.ids.len()];
        for (j, &k) in kind.iter().enumerate() {
            kind_total[k as usize] += 1;
            org_kind[expert_org[j] as usize][k as usize] += 1;
        }
        Prepared {
            inst,
            n,
            m,
            kind,
            expert_org,
            item_host,
            item_owner,
            item_f,
            item_s,
            item_t,
            exp_f,
            exp_s,
            exp_t,
            exp_t_len,
            max_t_len,
            post_f,
            post_s,
            post_t,
            overrides,
            org_members,
            org_declarers,
            declared_orgs,
            item_special,
            globally_out,
            out,
            with_availability,
            kind_total,
            org_kind,
        }
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            epoch: 0,
            stamp: vec![0; self.m],
            marked: Vec::new(),
            fc: vec![0; self.m],
            sc: vec![0; self.m],
            tc: vec![0; self.m],
            aff: vec![-1; self.m],
            touched: Vec::new(),
            memo: Memo::default(),
        }
    }

    /// Whether expert `j` is from item `i`'s host unit.
    pub fn internal(&self, i: usize, j: usize) -> bool {
        self.item_host[i].is_some_and(|h| h == self.expert_org[j])
    }

    /// Affinity and components of one pair from the indexes (same formula as the scan).
    pub fn components(&self, i: usize, j: usize) -> (i64, Components) {
        let common = |a: &[u32], b: &[u32]| a.iter().filter(|x| b.binary_search(x).is_ok()).count() as u32;
        let (micro, mut comp) = combine(
            &self.inst.options.weights,
            (common(&self.item_f[i], &self.exp_f[j]), self.item_f[i].len() as u32),
            (common(&self.item_s[i], &self.exp_s[j]), self.item_s[i].len() as u32),
            (common(&self.item_t[i], &self.exp_t[j]), self.item_t[i].len() as u32, self.exp_t_len[j]),
        );
        if let Ok(k) = self.overrides[i].binary_search_by_key(&(j as u32), |&(x, _)| x) {
            let a = self.overrides[i][k].1;
            comp.source = ScoreSource::Explicit;
            return (a, comp);
        }
        (micro, comp)
    }

    /// Marks the experts in conflict with item `i` in the scratch; after this,
    /// [`Scratch::eligible`] answers for item `i`.
    pub fn mark_conflicts(&self, i: usize, sc: &mut Scratch) {
        sc.epoch = sc.epoch.wrapping_add(1);
        if sc.epoch == 0 {
            sc.stamp.iter_mut().for_each(|s| *s = 0);
            sc.epoch = 1;
        }
        let ep = sc.epoch;
        let owner = self.item_owner[i] as usize;
        let item = &self.inst.items[i];
        sc.marked.clear();
        let mut mark = |j: u32| {
            if sc.stamp[j as usize] != ep {
                sc.stamp[j as usize] = ep;
                sc.marked.push(j);
            }
        };
        self.org_members[owner].iter().copied().for_each(&mut mark);
        self.org_declarers[owner].iter().copied().for_each(&mut mark);
        self.item_special[i].iter().copied().for_each(&mut mark);
        self.globally_out.iter().copied().for_each(&mut mark);
        if let Some(date) = item.review_date {
            for &j in &self.with_availability {
                if !self.inst.experts[j as usize].available_on(date) {
                    mark(j);
                }
            }
        }
    }

    /// Whether expert `j` may review item `i` (the same rules as `mark_conflicts`, for one pair).
    pub fn pair_eligible(&self, i: usize, j: usize) -> bool {
        let owner = self.item_owner[i];
        !(self.out[j]
            || self.expert_org[j] == owner
            || self.declared_orgs[j].binary_search(&owner).is_ok()
            || self.item_special[i].binary_search(&(j as u32)).is_ok()
            || self.inst.items[i].review_date.is_some_and(|d| !self.inst.experts[j].available_on(d)))
    }

    /// Eligibility and affinities of item `i` against every expert. Leaves the
    /// conflicts of `i` marked in the scratch ([`Scratch::marked`] lists them).
    ///
    /// The counts are every expert's less the marked ones', so a scan costs
    /// the conflicts and the postings of the item's tokens, not a pass over
    /// the library.
    pub fn scan(&self, i: usize, sc: &mut Scratch) -> ItemScan {
        self.mark_conflicts(i, sc);
        let host = self.item_host[i];
        let mut out = ItemScan {
            eligible: (self.m - sc.marked.len()) as u32,
            per_kind: self.kind_total,
            internal_per_kind: host.map_or([0; 3], |h| self.org_kind[h as usize]),
            ..ItemScan::default()
        };
        for &j in &sc.marked {
            let k = self.kind[j as usize] as usize;
            out.per_kind[k] -= 1;
            if host.is_some_and(|h| h == self.expert_org[j as usize]) {
                out.internal_per_kind[k] -= 1;
            }
        }
        out.nonzero = self.affinities(i, sc);
        out
    }

    /// Eligible experts of item `i` with a non-zero affinity, in no particular
    /// order (`mark_conflicts(i)` must have been called).
    pub fn affinities(&self, i: usize, sc: &mut Scratch) -> Vec<(u32, i64)> {
        sc.touched.clear();
        let touch = |j: u32, sc: &mut Scratch| {
            let ju = j as usize;
            if sc.fc[ju] == 0 && sc.sc[ju] == 0 && sc.tc[ju] == 0 {
                sc.touched.push(j);
            }
        };
        for &t in &self.item_f[i] {
            if let Some(list) = self.post_f.get(t as usize) {
                for &j in list {
                    touch(j, sc);
                    sc.fc[j as usize] += 1;
                }
            }
        }
        for &t in &self.item_s[i] {
            if let Some(list) = self.post_s.get(t as usize) {
                for &j in list {
                    touch(j, sc);
                    sc.sc[j as usize] += 1;
                }
            }
        }
        for &t in &self.item_t[i] {
            if let Some(list) = self.post_t.get(t as usize) {
                for &j in list {
                    touch(j, sc);
                    sc.tc[j as usize] += 1;
                }
            }
        }
        let w = &self.inst.options.weights;
        let (fl, sl, tl) = (self.item_f[i].len() as u32, self.item_s[i].len() as u32, self.item_t[i].len() as u32);
        let mut touched = std::mem::take(&mut sc.touched);
        // The score depends on the item and four small counts only: each
        // combination is computed once per item (the same formula, so the
        // same value to the last unit), unless the combinations are too many.
        let dims = [fl as usize + 1, sl as usize + 1, tl as usize + 1, self.max_t_len as usize + 1];
        let size = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d)).filter(|&s| s <= MEMO_MAX);
        let ep = sc.memo.start(size.unwrap_or(0));
        for &j in &touched {
            let ju = j as usize;
            let counts = (u32::from(sc.fc[ju]), u32::from(sc.sc[ju]), u32::from(sc.tc[ju]), self.exp_t_len[ju]);
            let score = || combine(w, (counts.0, fl), (counts.1, sl), (counts.2, tl, counts.3)).0;
            let micro = match size {
                Some(_) => {
                    let key = ((counts.0 as usize * dims[1] + counts.1 as usize) * dims[2] + counts.2 as usize) * dims[3] + counts.3 as usize;
                    sc.memo.get_or(key, ep, score)
                }
                None => score(),
            };
            sc.aff[ju] = micro;
            sc.fc[ju] = 0;
            sc.sc[ju] = 0;
            sc.tc[ju] = 0;
        }
        for &(j, micro) in &self.overrides[i] {
            if sc.aff[j as usize] < 0 {
                touched.push(j);
            }
            sc.aff[j as usize] = micro;
        }
        let mut out = Vec::with_capacity(touched.len());
        for &j in &touched {
            let ju = j as usize;
            if sc.aff[ju] > 0 && sc.eligible(ju) {
                out.push((j, sc.aff[ju]));
            }
            sc.aff[ju] = -1;
        }
        touched.clear();
        sc.touched = touched;
        out
    }
}

impl Scratch {
    /// Whether expert `j` is eligible for the item last marked.
    pub fn eligible(&self, j: usize) -> bool {
        self.stamp[j] != self.epoch
    }

    /// The experts in conflict with the item last marked, each once.
    pub fn marked(&self) -> &[u32] {
        &self.marked
    }
}
