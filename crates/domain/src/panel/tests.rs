//! Tests of the panel assigner: brute force on small instances, an
//! independent exact solver on medium ones, every hard rule under adversarial
//! instances, the explanations of what cannot be staffed, lower loads, the
//! randomised draw and replacement.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::prepare::Prepared;
use super::rounding::below;
use super::*;
use crate::expert::ExpertKind;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

fn expert(id: &str, kind: ExpertKind, org: &str, max_load: u32) -> Expert {
    Expert {
        id: id.into(),
        kind,
        org: org.into(),
        fields: vec![],
        sub_fields: vec![],
        keywords: vec![],
        min_load: 0,
        max_load,
        conflicts: DeclaredConflicts::default(),
        availability: None,
    }
}

fn item(id: &str, panel: u32, owner: &str) -> Item {
    Item {
        id: id.into(),
        panel_size: panel,
        owner_org: owner.into(),
        host_org: None,
        team: vec![],
        fields: vec![],
        sub_fields: vec![],
        keywords: vec![],
        review_date: None,
        min_per_kind: BTreeMap::new(),
        max_internal_share: None,
    }
}

fn instance(items: Vec<Item>, experts: Vec<Expert>) -> Instance {
    Instance { items, experts, conflicts: vec![], blacklist: vec![], affinities: vec![], options: Options::default() }
}

fn score(inst: &mut Instance, item: &str, expert: &str, s: f64) {
    inst.affinities.push(AffinityOverride { item: item.into(), expert: expert.into(), score: s });
}

/// Every assigned pair passes the direct rule check, loads stay within the
/// maximum, panels are exactly full and keep their composition rules.
fn check_rules(inst: &Instance, sol: &Solution) {
    let idx = |id: &str| inst.experts.iter().position(|e| e.id == id).unwrap();
    let mut loads = vec![0u32; inst.experts.len()];
    for p in &sol.panels {
        let it = inst.items.iter().find(|i| i.id == p.item).unwrap();
        assert_eq!(p.experts.len(), it.panel_size as usize, "panel of {} is not full", it.id);
        let mut kinds = [0u32; 3];
        let mut internal = 0;
        let mut seen = std::collections::HashSet::new();
        for s in &p.experts {
            let j = idx(&s.expert);
            assert!(seen.insert(j), "{} twice on {}", s.expert, it.id);
            let c = conflicts_of(inst, it, j);
            assert!(c.is_empty(), "{} on {} despite {:?}", s.expert, it.id, c);
            loads[j] += 1;
            kinds[prepare::kind_index(inst.experts[j].kind)] += 1;
            let is_internal = it.host_org.as_ref().is_some_and(|h| h.to_lowercase() == inst.experts[j].org.to_lowercase());
            assert_eq!(s.internal, is_internal);
            internal += u32::from(is_internal);
            let (a, _) = affinity_of(inst, it, j);
            assert_eq!(a, s.affinity_micro, "affinity of {} on {}", s.expert, it.id);
        }
        for (k, kind) in ExpertKind::ALL.iter().enumerate() {
            assert!(kinds[k] >= it.min_of(*kind), "{} lacks {kind:?}", it.id);
        }
        if let Some(c) = it.internal_cap() {
            assert!(internal <= c, "{} has {internal} internal > {c}", it.id);
        }
    }
    for (j, e) in inst.experts.iter().enumerate() {
        assert!(loads[j] <= e.max_load, "{} over its maximum", e.id);
        let reported = sol.loads.iter().find(|l| l.expert == e.id).unwrap();
        assert_eq!(reported.load, loads[j]);
    }
    let staffed: std::collections::HashSet<&str> = sol.panels.iter().map(|p| p.item.as_str()).collect();
    for it in &inst.items {
        let listed = sol.unstaffable.iter().any(|u| u.item == it.id);
        assert!(staffed.contains(it.id.as_str()) != listed, "{} must be either staffed or explained", it.id);
    }
    assert!(sol.bound_micro >= sol.objective_micro);
    let sum: i64 = sol.panels.iter().flat_map(|p| p.experts.iter()).map(|s| s.affinity_micro).sum();
    assert_eq!(sum, sol.objective_micro);
}

/// Best (minimum-load units, affinity) over every assignment that fully staffs
/// all items and keeps every rule, by enumeration. `None`: no such assignment.
fn brute(inst: &Instance) -> Option<(i64, i64)> {
    let n = inst.items.len();
    let eligible: Vec<Vec<(usize, i64)>> = inst
        .items
        .iter()
        .map(|it| {
            (0..inst.experts.len())
                .filter(|&j| conflicts_of(inst, it, j).is_empty())
                .map(|j| (j, affinity_of(inst, it, j).0))
                .collect()
        })
        .collect();
    fn combos(list: &[(usize, i64)], k: usize, start: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for x in start..list.len() {
            cur.push(x);
            combos(list, k, x + 1, cur, out);
            cur.pop();
        }
    }
    let options: Vec<Vec<Vec<usize>>> = (0..n)
        .map(|i| {
            let it = &inst.items[i];
            let mut out = Vec::new();
            combos(&eligible[i], it.panel_size as usize, 0, &mut Vec::new(), &mut out);
            out.retain(|c| {
                let mut kinds = [0u32; 3];
                let mut internal = 0;
                for &x in c {
                    let e = &inst.experts[eligible[i][x].0];
                    kinds[prepare::kind_index(e.kind)] += 1;
                    if it.host_org.as_ref().is_some_and(|h| h.to_lowercase() == e.org.to_lowercase()) {
                        internal += 1;
                    }
                }
                ExpertKind::ALL.iter().enumerate().all(|(k, kind)| kinds[k] >= it.min_of(*kind))
                    && it.internal_cap().is_none_or(|cap| internal <= cap)
            });
            out
        })
        .collect();
    let mut best: Option<(i64, i64)> = None;
    fn rec(
        i: usize,
        inst: &Instance,
        eligible: &[Vec<(usize, i64)>],
        options: &[Vec<Vec<usize>>],
        loads: &mut Vec<u32>,
        aff: i64,
        best: &mut Option<(i64, i64)>,
    ) {
        if i == options.len() {
            let units: i64 = inst.experts.iter().enumerate().map(|(j, e)| i64::from(loads[j].min(e.min_load))).sum();
            if best.is_none_or(|b| (units, aff) > b) {
                *best = Some((units, aff));
            }
            return;
        }
        for c in &options[i] {
            if c.iter().any(|&x| loads[eligible[i][x].0] >= inst.experts[eligible[i][x].0].max_load) {
                continue;
            }
            let mut a = aff;
            for &x in c {
                loads[eligible[i][x].0] += 1;
                a += eligible[i][x].1;
            }
            rec(i + 1, inst, eligible, options, loads, a, best);
            for &x in c {
                loads[eligible[i][x].0] -= 1;
            }
        }
    }
    rec(0, inst, &eligible, &options, &mut vec![0; inst.experts.len()], 0, &mut best);
    best
}

#[derive(Clone, Copy, Debug)]
enum Rules {
    None,
    Kinds,
    Cap,
    Both,
}

/// A random small instance with every kind of conflict and a mix of explicit
/// and computed affinities.
fn small(seed: u64, rules: Rules) -> Instance {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let r = &mut r;
    let orgs = ["甲大学", "乙研究院", "丙公司", "丁基金"];
    let words = ["石墨烯", "锂电池", "人工智能", "传感器", "靶向药物", "储能"];
    let m = 4 + below(r, 4) as usize;
    let n = 1 + below(r, 4) as usize;
    let max_panel = if n >= 4 { 2 } else { 3 };
    let mut experts = Vec::new();
    for j in 0..m {
        let kind = ExpertKind::ALL[below(r, 3) as usize];
        let mut e = expert(&format!("e{j}"), kind, orgs[below(r, 4) as usize], 1 + below(r, 3) as u32);
        if below(r, 5) == 0 {
            e.min_load = 1;
        }
        if below(r, 10) == 0 {
            e.conflicts.orgs.push(orgs[below(r, 4) as usize].into());
        }
        e.keywords = (0..2).map(|_| words[below(r, 6) as usize].to_string()).collect();
        experts.push(e);
    }
    let mut items = Vec::new();
    for i in 0..n {
        let owner = if below(r, 3) == 0 { "戊企业" } else { orgs[below(r, 4) as usize] };
        let mut it = item(&format!("i{i}"), 1 + below(r, max_panel) as u32, owner);
        it.keywords = (0..2).map(|_| words[below(r, 6) as usize].to_string()).collect();
        if below(r, 4) == 0 {
            it.team.push(format!("e{}", below(r, m as u64)));
        }
        if matches!(rules, Rules::Kinds | Rules::Both) {
            let k = ExpertKind::ALL[below(r, 3) as usize];
            it.min_per_kind.insert(k, 1);
            if it.panel_size >= 2 && below(r, 2) == 0 {
                it.min_per_kind.insert(ExpertKind::ALL[below(r, 3) as usize], 1);
            }
        }
        if matches!(rules, Rules::Cap | Rules::Both) {
            it.host_org = Some(orgs[below(r, 2) as usize].into());
            it.max_internal_share = Some(if below(r, 2) == 0 { 0.5 } else { 0.34 });
        }
        items.push(it);
    }
    let mut inst = instance(items, experts);
    for i in 0..n {
        for j in 0..m {
            if below(r, 10) < 7 {
                let s = below(r, 1_000_001) as f64 / 1e6;
                score(&mut inst, &format!("i{i}"), &format!("e{j}"), s);
            }
            if below(r, 25) == 0 {
                inst.conflicts.push(PairConflict { expert: format!("e{j}"), item: format!("i{i}"), reason: "合作关系".into() });
            }
        }
    }
    if below(r, 4) == 0 {
        inst.blacklist.push(BlacklistEntry { expert: format!("e{}", below(r, m as u64)), reason: String::new() });
    }
    inst
}

/// The instance restricted to the items a solution staffed.
fn staffed_only(inst: &Instance, sol: &Solution) -> Instance {
    let mut sub = inst.clone();
    sub.items.retain(|it| sol.panels.iter().any(|p| p.item == it.id));
    let ids: Vec<String> = sub.items.iter().map(|i| i.id.clone()).collect();
    sub.conflicts.retain(|c| ids.contains(&c.item));
    sub.affinities.retain(|a| ids.contains(&a.item));
    sub
}

fn min_units(inst: &Instance, sol: &Solution) -> i64 {
    sol.loads.iter().zip(&inst.experts).map(|(l, e)| i64::from(l.load.min(e.min_load))).sum()
}

#[test]
fn the_flow_is_optimal_against_brute_force_without_and_with_single_rules() {
    let mut compared = 0;
    for rules in [Rules::None, Rules::Kinds, Rules::Cap] {
        for seed in 0..250 {
            let inst = small(seed, rules);
            let sol = assign(&inst).unwrap();
            check_rules(&inst, &sol);
            assert!(sol.proven_optimal, "{rules:?} seed {seed}: flow must be exact");
            assert_eq!(sol.method, Method::MinCostFlow);
            match brute(&inst) {
                Some((units, aff)) => {
                    assert!(sol.unstaffable.is_empty(), "{rules:?} seed {seed}: brute force staffs everything: {:?}", sol.unstaffable);
                    assert_eq!((min_units(&inst, &sol), sol.objective_micro), (units, aff), "{rules:?} seed {seed}");
                    compared += 1;
                }
                None => {
                    assert!(!sol.unstaffable.is_empty(), "{rules:?} seed {seed}: nothing feasible, yet all staffed");
                    let sub = staffed_only(&inst, &sol);
                    if !sub.items.is_empty() {
                        let (units, aff) = brute(&sub).expect("the staffed items are feasible");
                        assert_eq!((min_units(&inst, &sol), sol.objective_micro), (units, aff), "{rules:?} seed {seed} (staffed part)");
                    }
                }
            }
        }
    }
    assert!(compared > 300, "only {compared} fully staffable instances");
}

#[test]
fn with_kind_minimums_and_caps_the_bound_brackets_the_brute_force_optimum() {
    let (mut exact, mut total, mut worst_gap, mut not_found) = (0, 0, 0.0f64, 0);
    for seed in 0..300 {
        let inst = small(1000 + seed, Rules::Both);
        let sol = assign(&inst).unwrap();
        check_rules(&inst, &sol);
        not_found += sol.unstaffable.iter().filter(|u| u.code == "composition_not_found").count();
        if sol.unstaffable.is_empty() {
            assert!(brute(&inst).is_some());
        }
        let Some((units, opt)) = brute(&staffed_only(&inst, &sol)) else { continue };
        if sol.panels.is_empty() || units != min_units(&inst, &sol) {
            continue;
        }
        total += 1;
        assert!(sol.objective_micro <= opt, "seed {seed}: objective above the optimum");
        assert!(sol.bound_micro >= opt, "seed {seed}: bound {} below the optimum {opt}", sol.bound_micro);
        if sol.objective_micro == opt {
            exact += 1;
        }
        if sol.proven_optimal {
            assert_eq!(sol.objective_micro, opt);
        }
        worst_gap = worst_gap.max(sol.gap);
    }
    eprintln!("composition: {exact} of {total} optimal, worst gap {worst_gap}, {not_found} items not found");
    assert!(total > 150, "only {total} instances compared");
    assert!(exact * 100 >= total * 95, "optimum found on {exact} of {total} (worst gap {worst_gap})");
}

#[test]
fn an_independent_exact_solver_agrees_on_medium_instances() {
    for (seed, composition) in [(1, false), (2, false), (3, true), (4, true), (5, false)] {
        let mut inst = synthetic::generate(&synthetic::Spec {
            items: 30,
            experts: 70,
            panel: 3,
            composition,
            seed,
            max_load: Some(3),
            dense: false,
        });
        // Kind minimums only (the reference does not model internal caps).
        for it in &mut inst.items {
            it.max_internal_share = None;
        }
        inst.options.top_k = 5; // force pricing and expansion
        let sol = assign(&inst).unwrap();
        check_rules(&inst, &sol);
        assert!(sol.proven_optimal);
        let sub = staffed_only(&inst, &sol);
        let reference = reference::solve(&sub);
        let seats: i64 = sub.items.iter().map(|i| i64::from(i.panel_size)).sum();
        assert_eq!(reference.seats, seats, "seed {seed}: the reference staffs every seat too");
        let kind_units: i64 = sub.items.iter().map(|i| i.min_per_kind.values().map(|&m| i64::from(m)).sum::<i64>()).sum();
        assert_eq!(reference.kind_units, kind_units);
        assert_eq!(reference.min_units, min_units(&inst, &sol), "seed {seed}");
        assert_eq!(reference.affinity, sol.objective_micro, "seed {seed}: objectives differ");
        assert!(sol.stats.pricing_rounds >= 1);
    }
}

#[test]
fn fast_eligibility_and_affinity_match_the_direct_checks() {
    let inst = synthetic::generate(&synthetic::Spec { items: 40, experts: 120, panel: 3, composition: true, seed: 9, max_load: None, dense: false });
    let prep = Prepared::new(&inst);
    let mut sc = prep.scratch();
    let mut ineligible = 0;
    for (i, it) in inst.items.iter().enumerate() {
        let scan = prep.scan(i, &mut sc);
        let nonzero: BTreeMap<u32, i64> = scan.nonzero.iter().copied().collect();
        for j in 0..inst.experts.len() {
            let direct = conflicts_of(&inst, it, j).is_empty();
            assert_eq!(sc.eligible(j), direct, "{} / {}", it.id, inst.experts[j].id);
            ineligible += usize::from(!direct);
            if direct {
                let (a, _) = affinity_of(&inst, it, j);
                assert_eq!(nonzero.get(&(j as u32)).copied().unwrap_or(0), a);
                assert_eq!(prep.components(i, j).0, a);
            }
        }
    }
    assert!(ineligible > 40, "the generator should produce conflicts ({ineligible})");
}

/// Each item's best expert is in conflict, one rule per item.
#[test]
fn no_hard_rule_is_ever_broken_even_when_the_best_expert_is_conflicted() {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
    let kinds = [ExpertKind::Academic, ExpertKind::Industry, ExpertKind::Investment];
    let mut experts: Vec<Expert> = (0..12).map(|j| expert(&format!("e{j}"), kinds[j % 3], &format!("org{j}"), 3)).collect();
    let mut items: Vec<Item> = (0..8).map(|i| item(&format!("i{i}"), 2, &format!("owner{i}"))).collect();
    // i0: same org; i1: declared org; i2: declared person; i3: declared item;
    // i4: team member; i5: blacklist; i6: explicit conflict; i7: unavailable.
    experts[0].org = "owner0".into();
    experts[1].conflicts.orgs.push("owner1".into());
    experts[2].conflicts.persons.push("p2".into());
    items[2].team.push("p2".into());
    experts[3].conflicts.items.push("i3".into());
    items[4].team.push("e4".into());
    experts[7].availability = Some(vec![Window { from: date + chrono::Days::new(1), to: date + chrono::Days::new(30) }]);
    items[7].review_date = Some(date);
    let mut inst = instance(items, experts);
    inst.blacklist.push(BlacklistEntry { expert: "e5".into(), reason: "失信".into() });
    inst.conflicts.push(PairConflict { expert: "e6".into(), item: "i6".into(), reason: "师生关系".into() });
    for i in 0..8 {
        for j in 0..12 {
            let s = if j == i { 1.0 } else { 0.1 + 0.01 * j as f64 };
            score(&mut inst, &format!("i{i}"), &format!("e{j}"), s);
        }
    }
    let sol = assign(&inst).unwrap();
    check_rules(&inst, &sol);
    assert!(sol.unstaffable.is_empty());
    for (i, p) in sol.panels.iter().enumerate() {
        assert!(!p.experts.iter().any(|s| s.expert == format!("e{i}")), "{} got its conflicted best expert", p.item);
        assert!(p.experts[0].reason.starts_with("无利益冲突：非同单位、未申报回避、非团队成员、未列入黑名单"));
    }
    let kinds_seen: Vec<ConflictKind> = (0..8).map(|i| conflicts_of(&inst, &inst.items[i], i)[0].kind).collect();
    assert_eq!(
        kinds_seen,
        vec![
            ConflictKind::SameOrg,
            ConflictKind::DeclaredOrg,
            ConflictKind::DeclaredPerson,
            ConflictKind::DeclaredItem,
            ConflictKind::TeamMember,
            ConflictKind::Blacklisted,
            ConflictKind::Explicit,
            ConflictKind::Unavailable
        ]
    );
    let report = explain_pair(&inst, "i6", "e6").unwrap();
    assert!(!report.eligible && report.conflicts[0].detail.contains("师生关系"));
}

#[test]
fn maximum_loads_hold_when_one_expert_is_best_everywhere() {
    let experts: Vec<Expert> = (0..6).map(|j| expert(&format!("e{j}"), ExpertKind::Academic, &format!("o{j}"), 2)).collect();
    let items: Vec<Item> = (0..5).map(|i| item(&format!("i{i}"), 2, "x")).collect();
    let mut inst = instance(items, experts);
    for i in 0..5 {
        score(&mut inst, &format!("i{i}"), "e0", 1.0);
    }
    let sol = assign(&inst).unwrap();
    check_rules(&inst, &sol);
    assert_eq!(sol.loads[0].load, 2);
}

#[test]
fn items_that_cannot_be_staffed_are_explained_with_counts() {
    let mut experts = Vec::new();
    for j in 0..3 {
        experts.push(expert(&format!("inv{j}"), ExpertKind::Investment, &format!("v{j}"), 5));
    }
    for j in 0..6 {
        experts.push(expert(&format!("aca{j}"), ExpertKind::Academic, "大学", 5));
    }
    experts.push(expert("ind0", ExpertKind::Industry, "工厂", 1));
    let mut kinds = item("needs-investors", 5, "x");
    kinds.min_per_kind.insert(ExpertKind::Investment, 5);
    let too_big = item("too-big", 11, "x");
    let mut external = item("external", 5, "y");
    external.host_org = Some("大学".into());
    external.max_internal_share = Some(0.0);
    let mut a = item("wants-industry-a", 2, "z");
    a.min_per_kind.insert(ExpertKind::Industry, 1);
    let mut b = a.clone();
    b.id = "wants-industry-b".into();
    let inst = instance(vec![kinds, too_big, external, a, b], experts);
    let sol = assign(&inst).unwrap();
    check_rules(&inst, &sol);
    let find = |id: &str| sol.unstaffable.iter().find(|u| u.item == id).unwrap_or_else(|| panic!("{id} not reported: {:?}", sol.unstaffable));
    let u = find("needs-investors");
    assert_eq!((u.code.as_str(), u.needed, u.available), ("too_few_of_kind", 5, 3));
    assert_eq!(u.reason, "仅有3名符合条件的投资专家，需要5人");
    assert_eq!(u.reason_en, "only 3 eligible investment experts, 5 needed");
    let u = find("too-big");
    assert_eq!((u.code.as_str(), u.needed, u.available), ("too_few_eligible", 11, 10));
    let u = find("external");
    assert_eq!((u.code.as_str(), u.needed, u.available), ("too_few_external", 5, 4));
    // Only one industry expert with load 1: one of the two items loses.
    let lost: Vec<&Unstaffable> = sol.unstaffable.iter().filter(|u| u.item.starts_with("wants-industry")).collect();
    assert_eq!(lost.len(), 1, "{:?}", sol.unstaffable);
    assert_eq!(lost[0].code, "kind_capacity_exhausted");
    assert!(lost[0].reason.contains("产业专家有1名"), "{}", lost[0].reason);
    assert_eq!(sol.panels.len(), 1);
}

#[test]
fn lower_loads_are_honoured_even_against_affinity() {
    let mut experts: Vec<Expert> = (0..5).map(|j| expert(&format!("e{j}"), ExpertKind::Academic, &format!("o{j}"), 3)).collect();
    experts[4].min_load = 2;
    experts[3].min_load = 9; // cannot be reached: reported
    experts[3].max_load = 9;
    let items: Vec<Item> = (0..3).map(|i| item(&format!("i{i}"), 2, "x")).collect();
    let mut inst = instance(items, experts);
    for i in 0..3 {
        for j in 0..4 {
            score(&mut inst, &format!("i{i}"), &format!("e{j}"), 0.9);
        }
        score(&mut inst, &format!("i{i}"), "e4", 0.01);
    }
    let sol = assign(&inst).unwrap();
    check_rules(&inst, &sol);
    assert_eq!(sol.loads[4].load, 2, "the minimum beats affinity");
    assert_eq!(sol.unmet_min_loads.len(), 1);
    assert_eq!(sol.unmet_min_loads[0].expert, "e3");
    assert!(sol.unmet_min_loads[0].reason.contains("最少评审数"));
}

#[test]
fn invalid_input_names_the_json_path() {
    let mut it = item("a", 0, "x");
    it.min_per_kind.insert(ExpertKind::Investment, 2);
    let mut e = expert("e", ExpertKind::Academic, "o", 1);
    e.min_load = 2;
    let mut inst = instance(vec![it.clone(), it], vec![e]);
    inst.conflicts.push(PairConflict { expert: "nobody".into(), item: "a".into(), reason: String::new() });
    inst.options.randomize = Some(Randomize { q: 1.5, seed: 1 });
    let Err(PanelError::Invalid(errors)) = assign(&inst) else { panic!("must fail") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for f in ["items[0].panel_size", "items[0].min_per_kind", "items[1].id", "experts[0].min_load", "conflicts[0].expert", "options.randomize.q"] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
}

#[test]
fn affinity_is_explainable_and_keeps_micro_resolution() {
    let mut it = item("i", 1, "x");
    it.fields = vec!["新材料".into(), "新能源".into()];
    it.sub_fields = vec!["锂电池".into()];
    it.keywords = vec!["固态电池".into(), "Solid-state electrolyte".into()];
    let mut e = expert("e", ExpertKind::Academic, "o", 1);
    e.fields = vec!["新能源".into()];
    e.sub_fields = vec!["锂电池".into(), "储能".into()];
    e.keywords = vec!["电池材料".into(), "electrolyte".into()];
    let inst = instance(vec![it], vec![e]);
    let (micro, c) = affinity_of(&inst, &inst.items[0], 0);
    assert_eq!(c.field, 0.5);
    assert_eq!(c.sub_field, 1.0);
    // item tokens: k:固态电池 b:固态 b:态电 b:电池 k:solid-state electrolyte w:solid w:state w:electrolyte (8)
    // expert tokens: k:电池材料 b:电池 b:池材 b:材料 k:electrolyte w:electrolyte (6); common: b:电池 w:electrolyte
    assert_eq!(text_tokens(&inst.items[0].keywords).len(), 8);
    assert!((c.text - 2.0 / (8.0f64 * 6.0).sqrt()).abs() < 1e-12);
    let expected = ((0.3 * 0.5 + 0.3 * 1.0 + 0.4 * c.text) * 1e6).round() as i64;
    assert_eq!(micro, expected);
    assert_eq!(c.source, ScoreSource::Computed);
}

#[test]
fn same_seed_same_draw_and_every_pair_stays_under_q() {
    let mut inst = synthetic::generate(&synthetic::Spec { items: 12, experts: 30, panel: 3, composition: true, seed: 5, max_load: Some(4), dense: false });
    let q = 0.5;
    inst.options.randomize = Some(Randomize { q, seed: 0 });
    let runs = 400;
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut probability: BTreeMap<(String, String), f64> = BTreeMap::new();
    for seed in 0..runs {
        inst.options.randomize = Some(Randomize { q, seed });
        let sol = assign(&inst).unwrap();
        check_rules(&inst, &sol);
        assert_eq!(sol.method, Method::Randomized);
        assert_eq!(sol.randomization.as_ref().unwrap().seed, seed);
        for p in &sol.panels {
            for s in &p.experts {
                *counts.entry((p.item.clone(), s.expert.clone())).or_default() += 1;
                let pr = s.probability.unwrap();
                assert!(pr <= q + 1e-9 && pr > 0.0);
                probability.insert((p.item.clone(), s.expert.clone()), pr);
            }
        }
        if seed < 3 {
            let again = assign(&inst).unwrap();
            assert_eq!(again.panels, sol.panels, "same seed, same draw");
            assert_eq!(again.loads, sol.loads);
        }
    }
    for (pair, &c) in &counts {
        let freq = f64::from(c) / runs as f64;
        let p = probability[pair];
        // Binomial standard deviation at q = 0.5 and 400 runs is 0.025: allow 4 σ.
        assert!(freq <= q + 0.1, "{pair:?} drawn {freq}");
        assert!((freq - p).abs() <= 0.1, "{pair:?} drawn {freq}, marginal {p}");
    }
    let one = {
        inst.options.randomize = Some(Randomize { q, seed: 1 });
        assign(&inst).unwrap()
    };
    let two = {
        inst.options.randomize = Some(Randomize { q, seed: 2 });
        assign(&inst).unwrap()
    };
    assert_ne!(one.panels, two.panels, "different seeds should usually differ");
    let draw = one.randomization.unwrap();
    assert!(draw.expected_objective <= draw.deterministic_bound + 1e-9);
}

#[test]
fn replacement_keeps_the_rules_and_moves_nobody_else() {
    let inst = synthetic::generate(&synthetic::Spec { items: 20, experts: 60, panel: 5, composition: true, seed: 11, max_load: Some(3), dense: false });
    let sol = assign(&inst).unwrap();
    let current = sol.assignments();
    let panel = &sol.panels[0];
    let declined = panel.experts.iter().find(|s| s.kind == ExpertKind::Investment).map_or(&panel.experts[0], |s| s);
    let r = replace(&inst, &current, &panel.item, &declined.expert).unwrap();
    let proposed = r.proposed.as_ref().expect("a replacement exists in a 60-expert library");
    assert_ne!(proposed.expert, declined.expert);
    // The panel with the replacement keeps every rule.
    let mut after = current.clone();
    let a = after.iter_mut().find(|a| a.item == panel.item).unwrap();
    a.experts.retain(|e| *e != declined.expert);
    a.experts.push(proposed.expert.clone());
    let it = inst.items.iter().find(|i| i.id == panel.item).unwrap();
    let j = inst.experts.iter().position(|e| e.id == proposed.expert).unwrap();
    assert!(conflicts_of(&inst, it, j).is_empty());
    let kinds: Vec<ExpertKind> = a.experts.iter().map(|id| inst.experts.iter().find(|e| e.id == *id).unwrap().kind).collect();
    for (kind, &min) in &it.min_per_kind {
        assert!(kinds.iter().filter(|k| *k == kind).count() as u32 >= min);
    }
    let load = after.iter().filter(|a| a.experts.contains(&proposed.expert)).count() as u32;
    assert!(load <= inst.experts[j].max_load);
    for alt in &r.alternatives {
        assert!(alt.affinity_micro <= proposed.affinity_micro);
    }
}

#[test]
fn replacement_explains_when_nobody_fits() {
    let experts = vec![
        expert("inv0", ExpertKind::Investment, "a", 1),
        expert("inv1", ExpertKind::Investment, "b", 1),
        expert("aca0", ExpertKind::Academic, "c", 5),
        expert("aca1", ExpertKind::Academic, "d", 5),
    ];
    let mut i0 = item("i0", 2, "x");
    i0.min_per_kind.insert(ExpertKind::Investment, 1);
    let mut i1 = i0.clone();
    i1.id = "i1".into();
    let inst = instance(vec![i0, i1], experts);
    let sol = assign(&inst).unwrap();
    assert!(sol.unstaffable.is_empty());
    let inv_on_i0 = sol.panels[0].experts.iter().find(|s| s.kind == ExpertKind::Investment).unwrap().expert.clone();
    let r = replace(&inst, &sol.assignments(), "i0", &inv_on_i0).unwrap();
    assert!(r.proposed.is_none());
    assert!(r.explanation.contains("已达评审上限") && r.explanation.contains("投资专家"), "{}", r.explanation);
}


#[test]
fn a_hand_adjustment_keeps_every_rule_and_recomputes_the_gap() {
    // Two items needing one investment expert each; the bureau swaps seats.
    let mut experts = vec![
        expert("inv0", ExpertKind::Investment, "a", 1),
        expert("inv1", ExpertKind::Investment, "b", 1),
        expert("inv2", ExpertKind::Investment, "c", 1),
        expert("aca0", ExpertKind::Academic, "d", 2),
        expert("aca1", ExpertKind::Academic, "e", 2),
        expert("aca2", ExpertKind::Academic, "x", 2),
    ];
    experts[4].conflicts.orgs.push("y".into());
    let mut i0 = item("i0", 2, "x");
    i0.min_per_kind.insert(ExpertKind::Investment, 1);
    let mut i1 = item("i1", 2, "y");
    i1.min_per_kind.insert(ExpertKind::Investment, 1);
    let mut inst = instance(vec![i0, i1], experts);
    for (i, e, s) in [("i0", "inv0", 0.9), ("i0", "aca0", 0.8), ("i1", "inv1", 0.7), ("i1", "aca0", 0.6), ("i0", "inv2", 0.1), ("i1", "inv2", 0.2)] {
        score(&mut inst, i, e, s);
    }
    let sol = assign(&inst).unwrap();
    assert!(sol.proven_optimal);
    let on = |s: &Solution, item: &str| -> Vec<String> {
        let mut v: Vec<String> = s.panels.iter().find(|p| p.item == item).unwrap().experts.iter().map(|x| x.expert.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(on(&sol, "i0"), ["aca0", "inv0"]);
    assert_eq!(on(&sol, "i1"), ["aca0", "inv1"]);

    // Each refusal names its rule; the solution passed in is untouched.
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        ("i0", "inv0", Some("aca0"), "already_on_panel"),
        ("i0", "inv0", Some("aca2"), "conflict_of_interest"), // same organisation as the owner
        ("i1", "aca0", Some("aca1"), "conflict_of_interest"), // declared conflict with y
        ("i0", "aca0", Some("inv1"), "load_exceeded"),
        ("i0", "inv0", Some("aca1"), "kind_minimum"),
        ("i0", "nobody", Some("aca1"), "unknown_seat"),
        ("i9", "inv0", Some("aca1"), "unknown_seat"),
    ];
    for (item_id, out, added, code) in cases {
        let err = swap_seat(&inst, &sol, item_id, out, *added).unwrap_err();
        assert_eq!(err.code(), *code, "{item_id} {out} → {added:?}: {err}");
    }

    // A legal swap: inv0 → inv2 on i0; the others stay, loads and objective follow.
    let adj = swap_seat(&inst, &sol, "i0", "inv0", Some("inv2")).unwrap();
    check_rules(&inst, &adj);
    assert_eq!(on(&adj, "i0"), ["aca0", "inv2"]);
    assert_eq!(on(&adj, "i1"), on(&sol, "i1"));
    assert_eq!(adj.objective_micro, sol.objective_micro - 900_000 + 100_000);
    assert_eq!(adj.bound_micro, sol.bound_micro);
    assert!(!adj.proven_optimal && adj.gap > 0.0);
    let load = |s: &Solution, e: &str| s.loads.iter().find(|l| l.expert == e).unwrap().load;
    assert_eq!((load(&adj, "inv0"), load(&adj, "inv2")), (0, 1));
    assert_eq!(adj.adjustments, vec![Adjustment { item: "i0".into(), removed: "inv0".into(), added: "inv2".into(), how: "chosen".into() }]);

    // Without a name the best replacement is taken: on i1, inv1 gives way to
    // inv2 (inv0 is full) — or, once the swap above freed inv0, to inv0.
    let freed = swap_seat(&inst, &adj, "i1", "inv1", None).unwrap();
    assert_eq!(on(&freed, "i1"), ["aca0", "inv0"]);
    assert_eq!(freed.adjustments.len(), 2);
    let best = swap_seat(&inst, &sol, "i1", "inv1", None).unwrap();
    assert_eq!(on(&best, "i1"), ["aca0", "inv2"]);
    assert_eq!(best.adjustments[0].how, "best_replacement");
}

#[test]
fn a_look_alike_unit_name_is_still_the_same_unit() {
    // Issue 11 §6: full-width brackets, spaces and zero-width characters in
    // stored names must not let an expert review their own unit's item.
    let cases = [
        ("瓯江理工大学（温州）", "瓯江理工大学(温州)"),
        ("瓯江理工大学", "瓯江 理工大学"),
        ("瓯江理工大学", "瓯江\u{200b}理工大学"),
        ("OJ University", "oj university"),
    ];
    for (owner, expert_org) in cases {
        let it = item("i", 1, owner);
        let mut e = expert("e", ExpertKind::Academic, expert_org, 1);
        e.conflicts.orgs = vec![];
        let inst = instance(vec![it], vec![e]);
        let kinds: Vec<ConflictKind> = conflicts_of(&inst, &inst.items[0], 0).into_iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![ConflictKind::SameOrg], "{owner} / {expert_org}");
    }
}
