//! A synthetic network for load measurements (合成数据): N centers with their
//! host units, service teams, equipment, special funds, funds, advisory
//! experts from a shared pool, declarations and evidence documents, and M
//! research results spread over the centers in realistic states with their
//! verification outcomes.
//!
//! Seeded and deterministic: the same seed gives the same rows (only ids and
//! `created_at` stamps may differ). Everything goes in one transaction,
//! written by the store's public functions: organisations, centers and
//! experts one by one (recognitions and stage changes through
//! `supervision`, with the centers' history), the centers' files, the
//! results and their outcomes through the store's batch functions
//! (`registry::edit_many`, `registry::attach_many`, `intake::import_batch`,
//! `verification::add_outcomes`) in chunked multi-row `INSERT`s, so 10^5
//! results stay a matter of seconds on SQLite and PostgreSQL.
//!
//! The results enter as `submitted` and are moved to their states by
//! `pipeline::walk`: every step of every path is the domain's
//! (`ResultState::apply`) and is kept in the result's history. The one
//! shortcut, chosen for speed and stated here: a synthetic result has no
//! screening panel, plan, milestones or report behind it, so the guards of
//! those steps are the generator's word (`VOUCHED`), not facts read from the
//! store — the network is figures for the eligibility benchmark, not records
//! to open. Results no center received stay `submitted` (only a center
//! screens). Names say 合成 so nobody mistakes a row for a real one. Meant
//! for an empty or throw-away database (`pocnet bench eligibility`).
//!
//! [`experts`] adds a seeded expert library of any size at the units the
//! database holds (`pocnet bench pages` puts ~18,000 on top of the demo and
//! this network, for a province's 2×10^4 experts).

use pocnet_domain::money::Yuan;
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::id::{CenterId, ExpertId, OrgId};
use pocnet_domain::expert::{ExpertDraft, ExpertKind};
use pocnet_domain::industry::{self, Field};
use pocnet_domain::library::intake::{Patent, PatentStatus, ResultDraft, ResultStage};
use pocnet_domain::library::pipeline::{PipelineGuards, ResultAction};
use pocnet_domain::org::{OrgDraft, OrgKind};
use pocnet_domain::outcome::OutcomeKind;
use pocnet_domain::policy::{Fact, Profile, SHIPPED};
use pocnet_domain::region::Region;
use pocnet_domain::research_result::{ResultSource, ResultState, Trl};
use pocnet_store::audit::{self, Change};
use pocnet_store::centers::{CenterDraft, CenterScope};
use pocnet_store::library::intake::{self, NewResult};
use pocnet_store::library::pipeline::{self, Walk};
use pocnet_store::library::verification::{self, NewOutcome};
use pocnet_store::registry::{self, FileEdit};
use pocnet_store::supervision::{self, Recognition};
use pocnet_store::{centers, experts, orgs, results, Actor, Page, SortDir, Store, StoreError, StoreResult};
use std::collections::BTreeSet;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Centers (each with its own host unit).
    pub centers: usize,
    /// Research results, about nine in ten attached to a center.
    pub results: usize,
    /// Seed of the generator.
    pub seed: u64,
}

/// Rows written, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    /// Organisations (host units and the units owning results).
    pub organisations: usize,
    /// Centers.
    pub centers: usize,
    /// Experts of the shared pool.
    pub experts: usize,
    /// Service-team members.
    pub staff: usize,
    /// Equipment items.
    pub equipment: usize,
    /// Special funds (per year) and funds.
    pub finances: usize,
    /// Advisory-team memberships.
    pub advisors: usize,
    /// Declarations.
    pub declarations: usize,
    /// Evidence documents (all pointing at one shared blob).
    pub documents: usize,
    /// Research results.
    pub results: usize,
    /// Verification outcomes.
    pub outcomes: usize,
    /// Shared resources the centers offer (验证能力、仪器设备、中试线、试验环境、应用场景).
    pub offers: usize,
    /// Pilot projects at the pilot platforms.
    pub pilot_projects: usize,
    /// Bookings of the platforms' lines, equipment and environments over a year around now.
    pub bookings: usize,
    /// Early concepts in the PoC centers' pools (004 三(二)).
    pub concepts: usize,
    /// Seeds of the published batches (each also a library entry).
    pub seeds: usize,
    /// Project managers' accounts (two per PoC center, 004 三(三)).
    pub managers: usize,
    /// Their assignments to library projects (each with two log entries; a third left).
    pub assignments: usize,
}

impl Generated {
    /// Every row written.
    pub fn rows(&self) -> usize {
        self.organisations
            + self.centers
            + self.experts
            + self.staff
            + self.equipment
            + self.finances
            + self.advisors
            + self.declarations
            + self.documents
            + self.results
            + self.outcomes
            + self.offers
            + self.pilot_projects
            + self.bookings
            + self.concepts
            + self.seeds
            + self.managers
            + self.assignments * 3
            + 1
    }
}

/// SplitMix64: tiny, fast and stable across versions of every crate (the
/// data of a seed must not change when `rand` does).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64
    }

    fn index(&mut self, len: usize) -> usize {
        (self.next() % len.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// Picks by weight: `items` of (weight, value).
    fn weighted<T: Copy>(&mut self, items: &[(u32, T)]) -> T {
        let total: u32 = items.iter().map(|(w, _)| w).sum();
        let mut at = (self.next() % u64::from(total.max(1))) as u32;
        for (w, v) in items {
            if at < *w {
                return *v;
            }
            at -= w;
        }
        items[items.len() - 1].1
    }

    fn date(&mut self, from_year: i64, to_year: i64) -> String {
        format!("{}-{:02}-{:02}", self.range(from_year, to_year), self.range(1, 12), self.range(1, 28))
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗", "郑", "潘", "叶", "金",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "杰", "涛", "明", "超", "霞", "平", "刚", "华", "丹", "宁", "昊",
    "琳", "晨", "瑶", "航", "毅",
];

fn person(rng: &mut Rng) -> String {
    let mut n = (*rng.pick(SURNAMES)).to_owned();
    for _ in 0..rng.range(1, 2) {
        let given: &&str = rng.pick(GIVEN);
        n.push_str(given);
    }
    n
}

/// The declaration criteria of every shipped profile, and the declared
/// (evidence-needing) facts: the topics a center declares and documents.
fn evidence_topics() -> (Vec<String>, Vec<&'static str>) {
    let mut declarations = BTreeSet::new();
    for (id, text) in SHIPPED {
        if let Ok(p) = Profile::parse(text, Some(id)) {
            for s in &p.stages {
                declarations.extend(s.criteria.iter().filter(|c| c.declaration).map(|c| c.code.clone()));
            }
        }
    }
    let facts = Fact::ALL.iter().filter(|f| !f.from_records()).map(|f| f.as_str()).collect();
    (declarations.into_iter().collect(), facts)
}

const OWNER_KINDS: &[(u32, OrgKind)] =
    &[(35, OrgKind::University), (25, OrgKind::ResearchInstitute), (10, OrgKind::Hospital), (30, OrgKind::Enterprise)];

const HOST_KINDS: &[(u32, OrgKind)] = &[
    (30, OrgKind::University),
    (25, OrgKind::ResearchInstitute),
    (10, OrgKind::Hospital),
    (25, OrgKind::Enterprise),
    (10, OrgKind::Incubator),
];

/// States of results attached to a center, by weight (入库 and later dominate).
const CENTER_STATES: &[(u32, ResultState)] = &[
    (8, ResultState::Submitted),
    (5, ResultState::Screening),
    (10, ResultState::Rejected),
    (22, ResultState::Admitted),
    (20, ResultState::Verifying),
    (25, ResultState::Verified),
    (6, ResultState::HandedOff),
    (4, ResultState::Stopped),
];

const LOOSE_STATES: &[(u32, ResultState)] =
    &[(60, ResultState::Submitted), (20, ResultState::Screening), (20, ResultState::Rejected)];

/// The facts the generator vouches for every synthetic result in a library
/// state (a full panel, a plan with a decided milestone, a report
/// recommending pilot scale): nothing stored stands behind them.
const VOUCHED: PipelineGuards = PipelineGuards {
    panel_scores: 3,
    has_plan: true,
    milestones: 1,
    open_milestones: 0,
    has_report: true,
    recommends_pilot: true,
};

/// The steps from `submitted` to `state`.
fn path_to(state: ResultState) -> Vec<ResultAction> {
    use ResultAction as A;
    let mut path = Vec::new();
    let library = |p: &mut Vec<ResultAction>| p.extend([A::StartScreening, A::Admit]);
    match state {
        ResultState::Submitted | ResultState::Withdrawn => {}
        ResultState::Screening => path.push(A::StartScreening),
        ResultState::Rejected => path.extend([A::StartScreening, A::Reject]),
        ResultState::Admitted => library(&mut path),
        ResultState::Verifying => {
            library(&mut path);
            path.push(A::StartVerification);
        }
        ResultState::Verified => {
            library(&mut path);
            path.extend([A::StartVerification, A::IssueReport]);
        }
        ResultState::HandedOff => {
            library(&mut path);
            path.extend([A::StartVerification, A::IssueReport, A::HandOff]);
        }
        ResultState::Stopped => {
            library(&mut path);
            path.extend([A::StartVerification, A::Stop]);
        }
    }
    path
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("synthetic: {what}"))
}

fn day(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(corrupt)
}

/// Writes a synthetic network in one transaction; `progress(done, total)`
/// counts organisations, centers, experts and results.
pub async fn generate(
    store: &Store,
    spec: Spec,
    now: DateTime<Utc>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> StoreResult<Generated> {
    let mut rng = Rng(spec.seed ^ 0x706F_636E_6574); // "pocnet"
    let fields: Vec<&Field> = industry::WENZHOU.iter().collect();
    let (declaration_codes, declared_facts) = evidence_topics();
    let system = Actor::system("synthetic");
    // Names carry a number continuing after what the database holds, so a second network's names stay unique.
    let pool = store.pool();
    let one = Page { number: 1, size: 1, ..Page::new(None, None) };
    let org_base = orgs::list(pool, &orgs::OrgFilter::default(), "name", SortDir::Asc, one).await?.total;
    let center_base = centers::list(pool, CenterScope::All, &centers::CenterFilter::default(), "name", SortDir::Asc, one).await?.total;
    let result_base: i64 = results::count_by_state(pool, results::ResultScope::All).await?.iter().map(|(_, n)| n).sum();
    let mut tx = store.write().await?;

    let owners = (spec.centers / 2).max(20);
    let n_experts = (spec.centers * 4).max(100);
    let total = (spec.centers * 2 + owners + n_experts + spec.results) as u64;
    let mut done = 0u64;
    let step = |done: &mut u64, n: usize| {
        *done += n as u64;
        progress(*done, total);
    };
    progress(0, total);

    // Organisations: one host unit per center, then the units owning results.
    let mut org_ids: Vec<OrgId> = Vec::with_capacity(spec.centers + owners);
    let mut org_region: Vec<Region> = Vec::with_capacity(spec.centers + owners);
    for i in 0..spec.centers + owners {
        let n = org_base + 1 + i as i64;
        let kind = rng.weighted(if i < spec.centers { HOST_KINDS } else { OWNER_KINDS });
        let region = *rng.pick(Region::ALL);
        org_region.push(region);
        let role = if i < spec.centers { "依托单位" } else { "成果单位" };
        let draft = OrgDraft { name: format!("合成{role}{}·{}{n:06}", region.label_zh(), kind.label_zh()), kind, region };
        org_ids.push(orgs::create(&mut tx, &system, now, &draft).await?.id);
        if i % 64 == 63 {
            step(&mut done, 64);
        }
    }
    step(&mut done, (spec.centers + owners) % 64);
    let n_orgs = spec.centers + owners;

    // Centers, registered by their host units, then recognized or listed as the bureau decided.
    let mut center_ids: Vec<CenterId> = Vec::with_capacity(spec.centers);
    let mut center_stage: Vec<CenterStage> = Vec::with_capacity(spec.centers);
    let mut center_offers: Vec<(CenterKind, Vec<&str>)> = Vec::with_capacity(spec.centers);
    for (c, &region) in org_region[..spec.centers].iter().enumerate() {
        let n = center_base + 1 + c as i64;
        let kind = rng.weighted(&[(80, CenterKind::PocCenter), (20, CenterKind::PilotPlatform)]);
        let level =
            rng.weighted(&[(70, CenterLevel::Municipal), (25, CenterLevel::Provincial), (5, CenterLevel::National)]);
        let stage = rng.weighted(&[
            (20, CenterStage::Applying),
            (30, CenterStage::Creating),
            (45, CenterStage::Recognized),
            (5, CenterStage::KeyCultivation),
        ]);
        center_stage.push(stage);
        let mut own: Vec<&str> = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let f = rng.pick(&fields).code;
            if !own.contains(&f) {
                own.push(f);
            }
        }
        let main = industry::label(own[0]);
        let recognized =
            matches!(stage, CenterStage::Recognized | CenterStage::KeyCultivation).then(|| rng.date(2022, 2025));
        let name = format!("合成{}{main}{}{n:05}", region.label_zh(), kind.label_zh());
        let draft = CenterDraft {
            name: name.clone(),
            kind,
            fields: own.iter().map(|f| (*f).to_owned()).collect(),
            admin_director: person(&mut rng),
            tech_director: person(&mut rng),
            summary: format!("面向{main}领域的合成概念验证服务（负载测量用数据）"),
            floor_area_m2: None,
        };
        let floor_area = rng.chance(0.85).then(|| rng.range(150, 3_000));
        let draft = CenterDraft { floor_area_m2: floor_area, ..draft };
        let center = centers::create(&mut tx, &system, now, org_ids[c], &draft).await?;
        center_offers.push((kind, own.clone()));
        match recognized {
            Some(on) => {
                let year = &on[..4];
                let r = Recognition {
                    name: &name,
                    stage,
                    level,
                    profile_id: if kind == CenterKind::PilotPlatform { "zhejiang-pilot-platform-2025" } else { "wenzhou-municipal-2025" },
                    on: day(&on)?,
                    certificate_prefix: &format!("合成认〔{year}〕"),
                    reevaluation_due: None,
                    article: "合成数据",
                };
                supervision::recognize(&mut tx, &system, now, center.id, &r).await?;
            }
            None if stage != center.stage || level != center.level => {
                supervision::set_stage_level(&mut tx, &system, now, center.id, center.version, stage, level, "合成数据", "合成数据").await?;
            }
            None => {}
        }
        center_ids.push(center.id);
        if c % 64 == 63 {
            step(&mut done, 64);
        }
    }
    step(&mut done, spec.centers % 64);

    // The shared pool of experts, each at one of the organisations.
    let mut expert_ids: Vec<ExpertId> = Vec::with_capacity(n_experts);
    let mut experts_at: Vec<Vec<ExpertId>> = vec![Vec::new(); n_orgs];
    for e in 0..n_experts {
        let org_index = rng.index(n_orgs);
        let kind = *rng.pick(ExpertKind::ALL);
        let title = match kind {
            ExpertKind::Academic => *rng.pick(&["教授", "研究员", "副教授"]),
            ExpertKind::Industry => *rng.pick(&["高级工程师", "总工程师", "技术总监"]),
            ExpertKind::Investment => *rng.pick(&["投资总监", "合伙人"]),
        };
        let field = rng.pick(&fields);
        let sub = rng.pick(field.sub_fields).code;
        let draft = ExpertDraft {
            name: person(&mut rng),
            kind,
            org_id: org_ids[org_index],
            title: title.into(),
            fields: vec![field.code.into()],
            sub_fields: vec![sub.into()],
            keywords: vec![field.label.into()],
            region: org_region[org_index],
            bio: "合成专家（负载测量用数据）".into(),
            unavailable: Vec::new(),
            conflict_orgs: Vec::new(),
            conflict_people: Vec::new(),
            phone: String::new(),
            email: String::new(),
        };
        let id = experts::create(&mut tx, &system, now, &draft).await?.id;
        expert_ids.push(id);
        experts_at[org_index].push(id);
        if e % 64 == 63 {
            step(&mut done, 64);
        }
    }
    step(&mut done, n_experts % 64);

    // Each center's file.
    let mut g = Generated { organisations: n_orgs, centers: spec.centers, experts: n_experts, ..Generated::default() };
    let mut edits: Vec<(CenterId, FileEdit)> = Vec::new();
    let mut documents: Vec<(CenterId, String, String)> = Vec::new();
    for c in 0..spec.centers {
        let center_id = center_ids[c];
        // Recognized centers keep complete files; applicants are still filling theirs in.
        let (p_declared, p_yes, p_document) = match center_stage[c] {
            CenterStage::Recognized | CenterStage::KeyCultivation => (0.99, 0.995, 0.98),
            CenterStage::Creating => (0.9, 0.97, 0.85),
            CenterStage::Applying => (0.75, 0.95, 0.6),
        };
        for _ in 0..rng.range(10, 30) {
            let tech_manager = rng.chance(0.15);
            let position = if tech_manager {
                "技术经理人"
            } else {
                *rng.pick(&["项目经理", "验证工程师", "运营专员", "知识产权专员"])
            };
            let name = person(&mut rng);
            let fulltime = rng.chance(if tech_manager { 0.7 } else { 0.55 });
            edits.push((center_id, FileEdit::AddStaff { name, position: position.into(), fulltime, tech_manager }));
            g.staff += 1;
        }
        for k in 0..rng.range(3, 15) {
            let item = *rng.pick(&["中试设备", "检测仪器", "分析软件", "试制产线", "测试平台"]);
            edits.push((center_id, FileEdit::AddEquipment { name: format!("{item}{}", k + 1), value_yuan: Yuan::new(rng.range(20, 800) * 1_000) }));
            g.equipment += 1;
        }
        let years = rng.range(1, 3);
        for y in 0..years {
            let amount_yuan = rng.range(40, 250) * 10_000;
            edits.push((center_id, FileEdit::AddFinance { kind: "special_funds", year: Some(2025 - y), name: format!("{}年度概念验证专项资金", 2025 - y), amount_yuan: Yuan::new(amount_yuan) }));
            g.finances += 1;
        }
        if rng.chance(0.75) {
            let amount_yuan = rng.range(300, 6_000) * 10_000;
            edits.push((center_id, FileEdit::AddFinance { kind: "fund", year: None, name: "合成合作基金".into(), amount_yuan: Yuan::new(amount_yuan) }));
            g.finances += 1;
        }
        // 5–15 advisors, about three in ten from the host unit when it has experts.
        let host = &experts_at[c];
        let want = rng.range(5, 15) as usize;
        let mut team: Vec<ExpertId> = Vec::with_capacity(want);
        let mut tries = 0;
        while team.len() < want && tries < want * 10 {
            tries += 1;
            let e = if !host.is_empty() && rng.chance(0.3) { *rng.pick(host) } else { expert_ids[rng.index(n_experts)] };
            if !team.contains(&e) {
                team.push(e);
            }
        }
        g.advisors += team.len();
        edits.extend(team.into_iter().map(|expert_id| (center_id, FileEdit::AddAdvisor { expert_id })));
        let mut topics: Vec<&str> = Vec::new();
        for code in &declaration_codes {
            if rng.chance(p_declared) {
                let value = rng.chance(p_yes);
                edits.push((center_id, FileEdit::Declare { code: code.clone(), value }));
                g.declarations += 1;
                topics.push(code);
            }
        }
        topics.extend(declared_facts.iter().copied());
        for topic in topics {
            if rng.chance(p_document) {
                documents.push((center_id, topic.to_owned(), format!("{topic}.pdf")));
            }
        }
    }
    registry::edit_many(&mut tx, &system, now, "合成数据", &edits).await?;
    // One small shared evidence file.
    let content = b"%PDF-1.4\n% pocnet synthetic evidence document\n%%EOF\n";
    g.documents = registry::attach_many(&mut tx, &system, now, "合成数据", "application/pdf", content, &documents).await?;

    // Results: spread unevenly (weights 0.2–2.0), about one in ten without a center.
    let mut cumulative: Vec<f64> = Vec::with_capacity(spec.centers);
    let mut acc = 0.0;
    for _ in 0..spec.centers {
        let u = rng.unit();
        acc += 0.2 + 1.8 * u * u;
        cumulative.push(acc);
    }
    let mut drafts: Vec<ResultDraft> = Vec::with_capacity(spec.results);
    let mut placed: Vec<(OrgId, Option<CenterId>, NaiveDate, ResultState)> = Vec::with_capacity(spec.results);
    let mut planned_outcomes: Vec<(usize, OutcomeKind, String, i64)> = Vec::new();
    for r in 0..spec.results {
        let n = result_base + 1 + r as i64;
        let center = (spec.centers > 0 && rng.chance(0.9)).then(|| {
            let x = rng.unit() * acc;
            cumulative.partition_point(|c| *c <= x).min(spec.centers - 1)
        });
        let state = rng.weighted(if center.is_some() { CENTER_STATES } else { LOOSE_STATES });
        // Only a center screens: a result no center received stays submitted.
        let state = if center.is_some() { state } else { ResultState::Submitted };
        let owner = match center {
            Some(c) if rng.chance(0.4) => org_ids[c],
            _ => org_ids[spec.centers + rng.index(owners)],
        };
        let field = rng.pick(&fields);
        let sub = rng.pick(field.sub_fields);
        let trl = match state {
            ResultState::Verified | ResultState::HandedOff => rng.range(5, 8),
            ResultState::Verifying | ResultState::Admitted => rng.range(3, 6),
            _ => rng.range(1, 5),
        };
        let team: Vec<String> = (0..rng.range(2, 5)).map(|_| person(&mut rng)).collect();
        let patents: Vec<Patent> = (0..rng.range(0, 2))
            .map(|_| {
                let status = if rng.chance(0.5) { PatentStatus::Granted } else { PatentStatus::Filed };
                Patent { number: format!("ZL{}1{:07}.{}", rng.range(2018, 2025), rng.range(0, 9_999_999), rng.range(0, 9)), status }
            })
            .collect();
        let source = *rng.pick(ResultSource::ALL);
        let submitted = day(&rng.date(2021, 2025))?;
        drafts.push(ResultDraft {
            ref_no: None,
            title: format!("合成成果{n:07}：{}方向的{}验证", sub.label, field.label),
            summary: format!("面向{}的{}技术成果，用于负载测量的合成数据。", field.label, sub.label),
            secret_summary: "（合成数据，无保密内容）".into(),
            field: field.code.into(),
            sub_field: sub.code.into(),
            source,
            team,
            patents,
            trl: Trl::parse(trl).map_err(corrupt)?,
            trl_evidence: String::new(),
            stage: if trl >= 7 {
                ResultStage::Pilot
            } else if trl >= 4 {
                ResultStage::Prototype
            } else {
                ResultStage::Lab
            },
            secret_parts: Vec::new(),
        });
        placed.push((owner, center.map(|c| center_ids[c]), submitted, state));
        let odds: &[(OutcomeKind, f64)] = match state {
            ResultState::Verified | ResultState::HandedOff => &[
                (OutcomeKind::Prototype, 0.45),
                (OutcomeKind::Product, 0.2),
                (OutcomeKind::LandedTransfer, 0.22),
                (OutcomeKind::ServiceContract, 0.25),
                (OutcomeKind::PatentAfterPrototype, 0.1),
                (OutcomeKind::EquityFinancing, 0.06),
                (OutcomeKind::LicenceTransfer, 0.08),
                (OutcomeKind::CompanyIncubated, 0.05),
            ],
            ResultState::Verifying => &[(OutcomeKind::Prototype, 0.25), (OutcomeKind::ServiceContract, 0.1)],
            _ => &[],
        };
        for (kind, p) in odds {
            if rng.chance(*p) {
                let amount = match kind {
                    OutcomeKind::ServiceContract => rng.range(3, 80) * 10_000,
                    OutcomeKind::EquityFinancing => rng.range(100, 2_000) * 10_000,
                    OutcomeKind::LicenceTransfer => rng.range(10, 300) * 10_000,
                    _ => 0,
                };
                planned_outcomes.push((r, *kind, rng.date(2022, 2025), amount));
            }
        }
    }
    let rows: Vec<NewResult<'_>> = drafts
        .iter()
        .zip(&placed)
        .map(|(draft, (owner, center, submitted, _))| NewResult { draft, owner_org_id: *owner, center_id: *center, submitted_on: *submitted, entered_by: None })
        .collect();
    let written = std::cell::Cell::new(0usize);
    let ids = intake::import_batch(&mut tx, &system, now, "合成数据", &rows, |n| {
        progress(done + n as u64, total);
        written.set(n);
    })
    .await?;
    step(&mut done, spec.results);
    g.results = ids.len();

    // Each result along its path, the domain deciding every step.
    if let Some(first) = ids.first() {
        let version = pipeline::get(&mut *tx, *first).await?.version;
        let walks: Vec<Walk> = ids
            .iter()
            .zip(&placed)
            .map(|(id, (_, _, _, state))| Walk { id: *id, from: ResultState::Submitted, version, path: path_to(*state) })
            .filter(|w| !w.path.is_empty())
            .collect();
        pipeline::walk(&mut tx, &system, now, &VOUCHED, "合成数据", &walks).await?;
    }
    let outcomes = planned_outcomes
        .into_iter()
        .map(|(r, kind, on, amount_yuan)| {
            Ok(NewOutcome { result_id: ids[r], kind, achieved_on: day(&on)?, amount_yuan: Yuan::new(amount_yuan), evidence: format!("合成{}证明", kind.label_zh()) })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    g.outcomes = verification::add_outcomes(&mut tx, &system, now, "合成数据", &outcomes).await?;
    let (n, bookable) = offers(&mut tx, &system, now, spec.seed, &center_ids, &center_offers).await?;
    g.offers = n;
    (g.pilot_projects, g.bookings) = pilot_work(&mut tx, &system, now, spec.seed, &bookable).await?;
    let pocs: Vec<CenterId> = center_ids.iter().zip(&center_offers).filter(|(_, (kind, _))| *kind == CenterKind::PocCenter).map(|(id, _)| *id).collect();
    (g.concepts, g.seeds) = seed_work(&mut tx, &system, now, spec.seed, &pocs, &fields).await?;
    (g.managers, g.assignments) = manager_work(&mut tx, &system, now, spec.seed, &pocs).await?;

    let change = Change {
        action: "synthetic.generate",
        entity_type: "dataset",
        entity_id: "synthetic".into(),
        before: None,
        after: Some(serde_json::json!({
            "seed": spec.seed, "organisations": g.organisations, "centers": g.centers,
            "experts": g.experts, "results": g.results, "outcomes": g.outcomes,
        })),
        reason: Some("负载测量用合成数据"),
    };
    audit::record(&mut tx, &system, now, change).await?;
    tx.commit().await?;
    Ok(g)
}

/// Each center's shared resources (3–12; pilot platforms also lines and test
/// environments), drawn from their own generator so the rest of the network
/// stays as it was before offers existed.
async fn offers(
    tx: &mut sqlx::AnyConnection,
    system: &Actor,
    now: DateTime<Utc>,
    seed: u64,
    center_ids: &[CenterId],
    kinds: &[(CenterKind, Vec<&str>)],
) -> StoreResult<(usize, Vec<Bookable>)> {
    use pocnet_domain::sharing::{OfferDraft, OfferKind, Qualification};
    let mut rng = Rng(seed ^ 0x6F66_6665_7273); // "offers"
    let mut n = 0;
    let mut bookable = Vec::new();
    for (id, (kind, fields)) in center_ids.iter().zip(kinds) {
        let choices: &[(u32, OfferKind)] = if *kind == CenterKind::PilotPlatform {
            &[(25, OfferKind::Capability), (30, OfferKind::Instrument), (25, OfferKind::Line), (15, OfferKind::Environment), (5, OfferKind::Scenario)]
        } else {
            &[(45, OfferKind::Capability), (40, OfferKind::Instrument), (5, OfferKind::Environment), (10, OfferKind::Scenario)]
        };
        for k in 0..rng.range(3, 12) {
            let offer = rng.weighted(choices);
            let field = *rng.pick(fields);
            let label = industry::label(field);
            let name = match offer {
                OfferKind::Capability => format!("{label}{}", rng.pick(&["技术可行性验证", "样品性能测试", "可靠性验证", "工艺验证", "商业化验证"])),
                OfferKind::Instrument => format!("{}{}", rng.pick(&["扫描电子显微镜", "X射线衍射仪", "电化学工作站", "三坐标测量机", "液相色谱仪", "高低温试验箱"]), k + 1),
                OfferKind::Line => format!("{label}中试线{}", k + 1),
                OfferKind::Environment => format!("{}{}", rng.pick(&["洁净实验室", "环境模拟舱", "电磁兼容暗室", "户外试验场"]), k + 1),
                OfferKind::Scenario => format!("{label}应用场景{}", k + 1),
            };
            let mut qualifications = Vec::new();
            if rng.chance(0.3) {
                qualifications.push(Qualification::Cnas);
            }
            if rng.chance(0.4) {
                qualifications.push(Qualification::Cma);
            }
            let draft = OfferDraft {
                kind: offer,
                name,
                field: field.to_owned(),
                description: format!("面向{label}领域的合成共享资源（负载测量用数据）"),
                conditions: "提前5个工作日预约；须经培训".into(),
                fee_terms: format!("{}元/{}", rng.range(2, 80) * 50, rng.pick(&["机时", "样品", "天"])),
                qualifications,
                capacity: if offer == OfferKind::Environment { 2 } else { 1 },
            };
            let oid = pocnet_store::sharing::offers::create(tx, system, now, *id, &draft).await?;
            if *kind == CenterKind::PilotPlatform && offer.bookable() {
                bookable.push(Bookable { offer: oid, platform: *id, field: field.to_owned(), capacity: draft.capacity });
            }
            n += 1;
        }
    }
    Ok((n, bookable))
}

/// A pilot platform's resource booked by days.
struct Bookable {
    offer: pocnet_domain::id::OfferId,
    platform: CenterId,
    field: String,
    capacity: u32,
}

/// The pilot platforms at work: each runs a few pilot projects (applied for by the next
/// platform's host unit, standing in for an enterprise) and books its lines, equipment and
/// environments over the half-year before and after `now`, runs of 3–20 days with gaps, about
/// two thirds of the days taken; a booking now and then is the platform's own maintenance.
async fn pilot_work(tx: &mut sqlx::AnyConnection, system: &Actor, now: DateTime<Utc>, seed: u64, bookable: &[Bookable]) -> StoreResult<(usize, usize)> {
    use pocnet_domain::pilot::project::{ApplicationDraft, MilestoneDraft};
    use pocnet_domain::pilot::{BookingSpan, PilotSource, PilotStage, PilotState};
    use pocnet_store::pilot::{bookings, projects};
    let mut rng = Rng(seed ^ 0x0070_696C_6F74); // "pilot"
    let today = (now + chrono::Duration::hours(8)).date_naive();
    let mut platforms: Vec<CenterId> = bookable.iter().map(|b| b.platform).collect();
    platforms.dedup();
    let hosts: Vec<OrgId> = {
        let mut v = Vec::with_capacity(platforms.len());
        for p in &platforms {
            v.push(pocnet_store::centers::get(&mut *tx, *p).await?.host_org_id);
        }
        v
    };
    let mut running: std::collections::HashMap<CenterId, Vec<i64>> = std::collections::HashMap::new();
    let mut n_projects = 0;
    for (i, p) in platforms.iter().enumerate() {
        let field = bookable.iter().find(|b| b.platform == *p).map(|b| b.field.clone()).unwrap_or_default();
        let applicant = hosts[(i + 1) % hosts.len()];
        for k in 0..rng.range(2, 5) {
            let draft = ApplicationDraft { title: format!("{}中试项目{}-{}", industry::label(&field), i + 1, k + 1), field: field.clone(), goal: "合成中试项目（负载测量用数据）".into() };
            let origin = projects::Origin { source: PilotSource::Direct, handoff_id: None, result_id: None, applicant, state: PilotState::Planning };
            let id = projects::open(tx, system, now, *p, &origin, &draft).await?;
            let plan = [MilestoneDraft { stage: PilotStage::SmallBatch, title: "小批量试制".into(), due_on: today + chrono::Duration::days(rng.range(30, 180)), fee_yuan: rng.range(5, 80) * 10_000 }];
            projects::plan(tx, system, now, id, 1, &plan).await?;
            projects::step(tx, system, now, id, 2, PilotState::Planning, PilotState::Running, "").await?;
            running.entry(*p).or_default().push(id);
            n_projects += 1;
        }
    }
    let mut n_bookings = 0;
    for b in bookable {
        let projects = running.get(&b.platform).cloned().unwrap_or_default();
        let mut day = today - chrono::Duration::days(182 - rng.range(0, 6));
        let end = today + chrono::Duration::days(182);
        while day < end {
            let len = rng.range(3, 20);
            let span = BookingSpan { starts_on: day, ends_on: (day + chrono::Duration::days(len - 1)).min(end), units: b.capacity.min(if rng.chance(0.5) { 1 } else { 2 }) };
            let maintenance = projects.is_empty() || rng.chance(0.1);
            let project = if maintenance { None } else { Some(*rng.pick(&projects)) };
            let note = if maintenance { "设备维护" } else { "" };
            bookings::book(tx, system, now, &bookings::NewBooking { offer: b.offer, platform: b.platform, project, span, note }).await?;
            n_bookings += 1;
            day = span.ends_on + chrono::Duration::days(1 + rng.range(0, 8));
        }
    }
    Ok((n_projects, n_bookings))
}

/// The PoC centers' early-result pools (004 三(二)): each center reviewed one batch of 20
/// concepts from universities', institutes' and hospitals' pools and published its seed list
/// (about three in ten selected, each entering the library), reviews a second batch of 10 with
/// half assessed, and has 10 concepts waiting.
async fn seed_work(tx: &mut sqlx::AnyConnection, system: &Actor, now: DateTime<Utc>, seed: u64, pocs: &[CenterId], fields: &[&Field]) -> StoreResult<(usize, usize)> {
    use pocnet_domain::seeds::{Assessment, BatchDraft, ConceptDraft, Verdict};
    use pocnet_store::seeds::{batches, concepts};
    let mut rng = Rng(seed ^ 0x0073_6565_6473); // "seeds"
    let today = (now + chrono::Duration::hours(8)).date_naive();
    let units: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE kind IN ('university', 'research_institute', 'hospital') ORDER BY id").fetch_all(&mut *tx).await?;
    if units.is_empty() {
        return Ok((0, 0));
    }
    let (mut n_concepts, mut n_seeds) = (0usize, 0usize);
    for (c, center) in pocs.iter().enumerate() {
        let pool = |rng: &mut Rng, n: usize| {
            (0..n)
                .map(|k| {
                    let field = rng.pick(fields);
                    let sub = rng.pick(field.sub_fields);
                    let draft = ConceptDraft {
                        title: format!("合成早期概念{}-{k}：{}", c + 1, sub.label),
                        summary: format!("面向{}的早期概念，用于负载测量的合成数据。", field.label),
                        secret_summary: "（合成数据，无保密内容）".into(),
                        field: field.code.into(),
                        sub_field: sub.code.into(),
                        team: vec![person(rng)],
                        trl: Trl::parse(rng.range(1, 3)).map_err(corrupt)?,
                        demand: format!("{}领域企业", field.label),
                    };
                    Ok((OrgId::new(*rng.pick(&units)), draft))
                })
                .collect::<StoreResult<Vec<_>>>()
        };
        let first = pool(&mut rng, 20)?;
        for (org, d) in &first {
            concepts::create(tx, system, now, *org, *center, None, d).await?;
        }
        let batch = BatchDraft { title: "合成种子论证批次一".into(), review_on: today, panel: vec!["合成专家甲".into(), "合成专家乙".into()] };
        let id = batches::open(tx, system, now, *center, &batch).await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM early_concepts WHERE batch_id = $1 ORDER BY id").bind(id).fetch_all(&mut *tx).await?;
        let rows: Vec<Assessment> = ids
            .iter()
            .map(|k| {
                let (tech, market) = (i32::try_from(rng.range(40, 95)).unwrap_or(60), i32::try_from(rng.range(40, 95)).unwrap_or(60));
                let verdict = if Assessment::overall(tech, market) >= 75 { Verdict::Seed } else { Verdict::NotSelected };
                Assessment { concept_id: *k, tech_score: tech, market_score: market, verdict, opinion: "合成论证意见".into() }
            })
            .collect();
        batches::assess(tx, system, now, id, 1, &rows).await?;
        n_seeds += usize::try_from(batches::publish(tx, system, now, id, 2, today).await?).unwrap_or(0);
        let second = pool(&mut rng, 10)?;
        for (org, d) in &second {
            concepts::create(tx, system, now, *org, *center, None, d).await?;
        }
        let batch = BatchDraft { title: "合成种子论证批次二".into(), review_on: today, panel: vec!["合成专家甲".into()] };
        let id = batches::open(tx, system, now, *center, &batch).await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM early_concepts WHERE batch_id = $1 ORDER BY id LIMIT 5").bind(id).fetch_all(&mut *tx).await?;
        let rows: Vec<Assessment> = ids.iter().map(|k| Assessment { concept_id: *k, tech_score: 70, market_score: 70, verdict: Verdict::NotSelected, opinion: "合成论证意见".into() }).collect();
        batches::assess(tx, system, now, id, 1, &rows).await?;
        for (org, d) in &pool(&mut rng, 10)? {
            concepts::create(tx, system, now, *org, *center, None, d).await?;
        }
        n_concepts += 40;
    }
    Ok((n_concepts, n_seeds))
}

/// Two project managers per PoC center (accounts of its host unit that cannot sign in: the hash is
/// no password's), each carrying up to eight of the center's library projects with a decision and a
/// progress entry; every third assignment has left (004 三(三)).
async fn manager_work(tx: &mut sqlx::AnyConnection, system: &Actor, now: DateTime<Utc>, seed: u64, pocs: &[CenterId]) -> StoreResult<(usize, usize)> {
    use pocnet_domain::credentials::Username;
    use pocnet_domain::managers::assignment::{Decision, EntryDraft, EntryKind, ExitDraft, ExitRoute};
    use pocnet_domain::role::Role;
    use pocnet_store::managers::assignments::{self, NewAssignment};
    use pocnet_store::users::{self, NewUser};
    let mut rng = Rng(seed ^ 0x006d_616e_6167); // "manag"
    let today = (now + chrono::Duration::hours(8)).date_naive();
    let (mut n_managers, mut n_assignments) = (0usize, 0usize);
    for center in pocs {
        let host: i64 = sqlx::query_scalar("SELECT host_org_id FROM centers WHERE id = $1").bind(center.get()).fetch_one(&mut *tx).await?;
        let mut managers = Vec::new();
        for k in ["a", "b"] {
            let new = NewUser {
                username: Username::parse(&format!("syn.pm{center}{k}")).map_err(corrupt)?,
                display_name: format!("合成项目经理{center}{k}"),
                role: Role::Manager,
                org_id: OrgId::new(host),
                password_hash: "!synthetic-no-password".into(),
                is_demo: false,
            };
            managers.push(users::create(tx, system, now, &new).await?.id);
            n_managers += 1;
        }
        let projects: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, COALESCE(trl_after, trl) FROM research_results WHERE center_id = $1 AND state IN ('screening', 'admitted', 'verifying', 'verified') ORDER BY id LIMIT 16",
        )
        .bind(center.get())
        .fetch_all(&mut *tx)
        .await?;
        for (k, (rid, trl)) in projects.iter().enumerate() {
            let assigned = today - chrono::Duration::days(rng.range(40, 400));
            let new = NewAssignment { result: pocnet_domain::id::ResultId::new(*rid), center: *center, manager: managers[k % 2], trl: *trl, brief: "合成数据：负责验证推进" };
            let id = assignments::assign(tx, system, now, assigned, &new).await?;
            let decision = EntryDraft { kind: EntryKind::Decision, decision: Some(Decision::Advance), body: "合成数据：立项推进".into() };
            assignments::record(tx, system, now, assigned + chrono::Duration::days(3), id, &decision).await?;
            let progress = EntryDraft { kind: EntryKind::Progress, decision: None, body: "合成数据：里程碑进展".into() };
            assignments::record(tx, system, now, assigned + chrono::Duration::days(30), id, &progress).await?;
            if k % 3 == 2 {
                let exit = ExitDraft { route: ExitRoute::ALL[k % ExitRoute::ALL.len()], reason: "合成数据：退出".into() };
                assignments::exit(tx, system, now, today, id, 3, &exit).await?;
            }
            n_assignments += 1;
        }
    }
    Ok((n_managers, n_assignments))
}

/// What [`experts`] generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpertSpec {
    /// Experts to add to the library.
    pub experts: usize,
    /// Seed of the generator.
    pub seed: u64,
}

/// Technical keywords an expert lists, by field code (what `/experts?q=…` searches).
const EXPERT_KEYWORDS: &[(&str, &[&str])] = &[
    ("digital_economy", &["大数据", "云计算", "芯片设计", "工业互联网", "数据安全"]),
    ("new_energy", &["电池", "储能", "氢能", "光伏", "风电", "电池管理"]),
    ("life_health", &["新药研发", "医疗器械", "眼科", "脑科学", "生物医药"]),
    ("smart_equipment", &["机器人", "激光加工", "智能电气", "数控机床", "传感器"]),
    ("new_materials", &["高分子", "复合材料", "纳米材料", "合成革", "电子材料"]),
    ("future_industries", &["人工智能", "人形机器人", "合成生物", "基因治疗", "无人机"]),
];

/// Adds `spec.experts` seeded synthetic experts to the library in one
/// transaction, through `experts::create` (each with its audit record), at
/// the organisations the database already holds (not the bureau and county
/// departments): the three kinds, titles, one or two fields with their
/// sub-fields, keywords, a profile text, contact details for most, and about
/// one in fifty set inactive (`experts::set_active`). For the province-scale
/// page benchmark, on top of the demo and [`generate`]'s network; names say
/// 合成 in the profile so nobody mistakes one for a real expert.
/// `progress(done, total)` counts experts. Returns the experts written.
pub async fn experts(store: &Store, spec: ExpertSpec, now: DateTime<Utc>, progress: &(dyn Fn(u64, u64) + Sync)) -> StoreResult<usize> {
    let mut rng = Rng(spec.seed ^ 0x6578_7065_7274); // "expert"
    let all = Page { number: 1, size: 1_000_000, ..Page::new(None, None) };
    let units: Vec<(OrgId, String, Region, OrgKind)> = orgs::list(store.pool(), &orgs::OrgFilter::default(), "name", SortDir::Asc, all)
        .await?
        .items
        .into_iter()
        .filter(|o| !matches!(o.kind, OrgKind::Bureau | OrgKind::CountyDepartment))
        .map(|o| (o.id, o.name, o.region, o.kind))
        .collect();
    if units.is_empty() && spec.experts > 0 {
        return Err(corrupt("no organisation to employ the experts"));
    }
    let funds: Vec<usize> = (0..units.len()).filter(|&i| matches!(units[i].3, OrgKind::InvestmentFund | OrgKind::Bank)).collect();
    let fields: Vec<&Field> = industry::WENZHOU.iter().collect();
    let system = Actor::system("synthetic");
    let total = spec.experts as u64;
    progress(0, total);
    let mut tx = store.write().await?;
    for e in 0..spec.experts {
        let kind = rng.weighted(&[(45, ExpertKind::Academic), (35, ExpertKind::Industry), (20, ExpertKind::Investment)]);
        // Investment experts mostly at funds and banks, when the network has any.
        let unit = if kind == ExpertKind::Investment && !funds.is_empty() && rng.chance(0.7) {
            &units[*rng.pick(&funds)]
        } else {
            rng.pick(&units)
        };
        let title = match kind {
            ExpertKind::Academic => *rng.pick(&["教授", "研究员", "副教授", "副研究员", "主任医师"]),
            ExpertKind::Industry => *rng.pick(&["高级工程师", "总工程师", "技术总监", "首席科学家"]),
            ExpertKind::Investment => *rng.pick(&["投资总监", "合伙人", "投资经理"]),
        };
        let mut own: Vec<&Field> = vec![*rng.pick(&fields)];
        if rng.chance(0.3) {
            let second = *rng.pick(&fields);
            if second.code != own[0].code {
                own.push(second);
            }
        }
        let mut sub_fields = Vec::new();
        let mut keywords = Vec::new();
        for f in &own {
            let sub = rng.pick(f.sub_fields);
            sub_fields.push(sub.code.to_owned());
            keywords.push(sub.label.to_owned());
            if let Some((_, words)) = EXPERT_KEYWORDS.iter().find(|(code, _)| *code == f.code) {
                for _ in 0..rng.range(1, 3) {
                    let w = (*rng.pick(words)).to_owned();
                    if !keywords.contains(&w) {
                        keywords.push(w);
                    }
                }
            }
        }
        let name = person(&mut rng);
        let bio = format!(
            "合成专家（负载测量用数据）。{}{}，长期从事{}方向的研究与转化工作，参与评审{}次。",
            unit.1,
            title,
            keywords.join("、"),
            rng.range(0, 60)
        );
        let contact = rng.chance(0.8);
        let draft = ExpertDraft {
            name,
            kind,
            org_id: unit.0,
            title: title.into(),
            fields: own.iter().map(|f| f.code.to_owned()).collect(),
            sub_fields,
            keywords,
            region: unit.2,
            bio,
            unavailable: Vec::new(),
            conflict_orgs: Vec::new(),
            conflict_people: Vec::new(),
            phone: if contact { format!("1{}{:08}", rng.range(30, 89), rng.range(0, 99_999_999)) } else { String::new() },
            email: if contact { format!("expert{:06}@example.invalid", e + 1) } else { String::new() },
        };
        let created = experts::create(&mut tx, &system, now, &draft).await?;
        if rng.chance(0.02) {
            experts::set_active(&mut tx, &system, now, created.id, false, "合成数据：暂停参与评审").await?;
        }
        if e % 64 == 63 {
            progress(e as u64 + 1, total);
        }
    }
    tx.commit().await?;
    progress(total, total);
    Ok(spec.experts)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_stable() {
        let mut a = Rng(7);
        let mut b = Rng(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next()).collect();
        assert_eq!(xs, ys);
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng(0).next(), 0xE220_A839_7B1D_CDAF);
        let mut r = Rng(1);
        for _ in 0..1000 {
            let v = r.range(10, 30);
            assert!((10..=30).contains(&v));
            assert!(r.unit() < 1.0);
        }
    }

    #[test]
    fn every_declaration_of_the_shipped_profiles_is_a_topic() {
        let (declarations, facts) = evidence_topics();
        assert!(declarations.iter().any(|c| c == "legal_entity_in_wenzhou"));
        assert!(facts.contains(&"fund_size_yuan") && !facts.contains(&"library_projects"));
    }

    #[tokio::test]
    async fn experts_join_the_library_at_the_networks_units() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("e.db").display());
        let store = Store::connect(&url, 2).await.expect("open");
        store.migrate().await.expect("migrate");
        generate(&store, Spec { centers: 3, results: 10, seed: 1 }, Utc::now(), &|_, _| {}).await.expect("network");
        let before = experts::list(store.pool(), &experts::ExpertFilter::default(), Page { number: 1, size: 1, ..Page::new(None, None).counting_exactly(true) }).await.expect("list").total;
        let n = experts(&store, ExpertSpec { experts: 300, seed: 2 }, Utc::now(), &|_, _| {}).await.expect("experts");
        assert_eq!(n, 300);
        let all = experts::list(store.pool(), &experts::ExpertFilter::default(), Page { number: 1, size: 1000, ..Page::new(None, None).counting_exactly(true) }).await.expect("list");
        assert_eq!(all.total, before + 300);
        let kinds: BTreeSet<&str> = all.items.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds.len(), 3, "experts of the three kinds");
        assert!(all.items.iter().all(|e| !e.fields.is_empty() && !e.keywords.is_empty()));
        let battery = experts::ExpertFilter { q: Some("电池".into()), ..Default::default() };
        assert!(experts::list(store.pool(), &battery, Page { number: 1, size: 1, ..Page::new(None, None).counting_exactly(true) }).await.expect("search").total > 0);
        store.close().await;
    }

    #[tokio::test]
    async fn a_small_network_gives_every_center_its_records() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::connect(&url, 2).await.expect("open");
        store.migrate().await.expect("migrate");
        let spec = Spec { centers: 7, results: 900, seed: 3 };
        let g = generate(&store, spec, Utc::now(), &|_, _| {}).await.expect("generate");
        assert_eq!((g.centers, g.results), (7, 900));
        assert!(g.staff >= 70 && g.advisors >= 35 && g.outcomes > 0 && g.documents > 0, "{g:?}");
        let records = pocnet_store::registry::records(store.pool(), None).await.expect("records");
        assert_eq!(records.len(), 7);
        for r in records.values() {
            assert!((10..=30).contains(&r.staff), "{r:?}");
            assert!((5..=15).contains(&r.advisory_experts), "{r:?}");
            assert!(!r.special_funds_by_year.is_empty() && !r.fields.is_empty());
        }
        assert!(records.values().map(|r| r.library_projects).sum::<i64>() > 400);
        // A second run continues after the first.
        let again = generate(&store, spec, Utc::now(), &|_, _| {}).await.expect("again");
        assert_eq!(again.centers, 7);
        assert_eq!(pocnet_store::registry::records(store.pool(), None).await.expect("records").len(), 14);
        store.close().await;
    }
}
