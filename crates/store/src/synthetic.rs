//! A synthetic network for load measurements (合成数据): N centers with their
//! host units, service teams, equipment, special funds, funds, advisory
//! experts from a shared pool, declarations and evidence documents, and M
//! research results spread over the centers in realistic states with their
//! verification outcomes.
//!
//! Seeded and deterministic: the same seed gives the same rows (only the
//! `created_at` stamps differ). Everything goes in one transaction as
//! multi-row `INSERT`s in portable SQL, so it runs on SQLite and PostgreSQL.
//! Names say 合成 so nobody mistakes a row for a real one. Meant for an
//! empty or throw-away database (`pocnet bench eligibility`); ids continue
//! after the largest ones present.

use crate::audit::{self, Change};
use crate::{format_ts, Actor, Backend, Store, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::industry::{self, Field};
use pocnet_domain::org::OrgKind;
use pocnet_domain::outcome::OutcomeKind;
use pocnet_domain::policy::{Fact, Profile, SHIPPED};
use pocnet_domain::region::Region;
use pocnet_domain::research_result::{ResultSource, ResultState};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::collections::BTreeSet;
use std::fmt::Write as _;

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

/// A value of a row.
enum V {
    I(i64),
    N(Option<i64>),
    T(String),
    S(Option<String>),
    B(Vec<u8>),
}

/// Rows of one table waiting to be written as multi-row `INSERT`s.
struct Table {
    name: &'static str,
    cols: &'static [&'static str],
    buf: Vec<V>,
    rows_per_statement: usize,
    /// `?` placeholders (SQLite) instead of `$n` (PostgreSQL).
    anonymous: bool,
    written: usize,
}

impl Table {
    fn new(backend: Backend, name: &'static str, cols: &'static [&'static str]) -> Self {
        // SQLite binds at most 32,766 parameters a statement, PostgreSQL 65,535.
        let rows_per_statement = (30_000 / cols.len()).min(1_000);
        // SQLite looks a numbered parameter (`$7`, `?7`) up in a list, so a
        // statement of n of them costs O(n²) to bind; plain `?` costs O(n).
        let anonymous = backend == Backend::Sqlite;
        Self { name, cols, buf: Vec::new(), rows_per_statement, anonymous, written: 0 }
    }

    fn push(&mut self, row: impl IntoIterator<Item = V>) {
        let before = self.buf.len();
        self.buf.extend(row);
        debug_assert_eq!(self.buf.len() - before, self.cols.len(), "{}: row width", self.name);
    }

    fn pending(&self) -> usize {
        self.buf.len() / self.cols.len()
    }

    /// Writes when a statement's worth is waiting.
    async fn flush_if_full(&mut self, conn: &mut AnyConnection) -> StoreResult<()> {
        if self.pending() >= self.rows_per_statement {
            self.flush(conn).await?;
        }
        Ok(())
    }

    /// Writes everything waiting.
    async fn flush(&mut self, conn: &mut AnyConnection) -> StoreResult<()> {
        let width = self.cols.len();
        while !self.buf.is_empty() {
            let rows = self.pending().min(self.rows_per_statement);
            let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.name, self.cols.join(", "));
            let mut p = 0;
            for r in 0..rows {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for c in 0..width {
                    p += 1;
                    let sep = if c == 0 { "" } else { ", " };
                    if self.anonymous {
                        let _ = write!(sql, "{sep}?");
                    } else {
                        let _ = write!(sql, "{sep}${p}");
                    }
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for v in self.buf.drain(..rows * width) {
                q = match v {
                    V::I(i) => q.bind(i),
                    V::N(i) => q.bind(i),
                    V::T(s) => q.bind(s),
                    V::S(s) => q.bind(s),
                    V::B(b) => q.bind(b),
                };
            }
            q.execute(&mut *conn).await?;
            self.written += rows;
        }
        Ok(())
    }
}

async fn max_id(conn: &mut AnyConnection, table: &str) -> StoreResult<i64> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}")).fetch_one(&mut *conn).await?;
    Ok(max.unwrap_or(0))
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

/// Writes a synthetic network in one transaction; `progress(done, total)`
/// counts organisations, centers, experts and results.
pub async fn generate(
    store: &Store,
    spec: Spec,
    now: DateTime<Utc>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> StoreResult<Generated> {
    let mut rng = Rng(spec.seed ^ 0x706F_636E_6574); // "pocnet"
    let ts = format_ts(now);
    let backend = store.backend();
    let fields: Vec<&Field> = industry::WENZHOU.iter().collect();
    let (declaration_codes, declared_facts) = evidence_topics();
    let mut tx = store.write().await?;
    let conn: &mut AnyConnection = &mut tx;

    let org_base = max_id(conn, "organisations").await?;
    let center_base = max_id(conn, "centers").await?;
    let expert_base = max_id(conn, "experts").await?;
    let result_base = max_id(conn, "research_results").await?;

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
    let mut orgs = Table::new(backend, "organisations", &["id", "name", "kind", "region", "created_at", "updated_at"]);
    let mut org_region: Vec<Region> = Vec::with_capacity(spec.centers + owners);
    for i in 0..spec.centers + owners {
        let id = org_base + 1 + i as i64;
        let kind = rng.weighted(if i < spec.centers { HOST_KINDS } else { OWNER_KINDS });
        let region = *rng.pick(Region::ALL);
        org_region.push(region);
        let role = if i < spec.centers { "依托单位" } else { "成果单位" };
        orgs.push([
            V::I(id),
            V::T(format!("合成{role}{}·{}{id:06}", region.label_zh(), kind.label_zh())),
            V::T(kind.as_str().into()),
            V::T(region.as_str().into()),
            V::T(ts.clone()),
            V::T(ts.clone()),
        ]);
        orgs.flush_if_full(conn).await?;
    }
    orgs.flush(conn).await?;
    step(&mut done, spec.centers + owners);
    let host_of = |c: usize| org_base + 1 + c as i64;
    let n_orgs = spec.centers + owners;

    // Centers.
    let mut centers = Table::new(
        backend,
        "centers",
        &[
            "id",
            "name",
            "kind",
            "host_org_id",
            "region",
            "level",
            "stage",
            "fields",
            "admin_director",
            "tech_director",
            "summary",
            "recognized_on",
            "floor_area_m2",
            "created_at",
            "updated_at",
        ],
    );
    let mut center_stage: Vec<CenterStage> = Vec::with_capacity(spec.centers);
    for (c, &region) in org_region[..spec.centers].iter().enumerate() {
        let id = center_base + 1 + c as i64;
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
        centers.push([
            V::I(id),
            V::T(format!("合成{}{main}{}{id:05}", region.label_zh(), kind.label_zh())),
            V::T(kind.as_str().into()),
            V::I(host_of(c)),
            V::T(region.as_str().into()),
            V::T(level.as_str().into()),
            V::T(stage.as_str().into()),
            V::T(serde_json::json!(own).to_string()),
            V::T(person(&mut rng)),
            V::T(person(&mut rng)),
            V::T(format!("面向{main}领域的合成概念验证服务（负载测量用数据）")),
            V::S(recognized),
            V::N(rng.chance(0.85).then(|| rng.range(150, 3_000))),
            V::T(ts.clone()),
            V::T(ts.clone()),
        ]);
        centers.flush_if_full(conn).await?;
    }
    centers.flush(conn).await?;
    step(&mut done, spec.centers);

    // The shared pool of experts, each at one of the organisations.
    let mut experts = Table::new(
        backend,
        "experts",
        &[
            "id",
            "name",
            "kind",
            "org_id",
            "title",
            "fields",
            "sub_fields",
            "keywords",
            "region",
            "bio",
            "created_at",
            "updated_at",
        ],
    );
    let mut expert_org: Vec<i64> = Vec::with_capacity(n_experts);
    for e in 0..n_experts {
        let id = expert_base + 1 + e as i64;
        let org_index = rng.index(n_orgs);
        let org_id = org_base + 1 + org_index as i64;
        expert_org.push(org_id);
        let kind = *rng.pick(ExpertKind::ALL);
        let title = match kind {
            ExpertKind::Academic => *rng.pick(&["教授", "研究员", "副教授"]),
            ExpertKind::Industry => *rng.pick(&["高级工程师", "总工程师", "技术总监"]),
            ExpertKind::Investment => *rng.pick(&["投资总监", "合伙人"]),
        };
        let field = rng.pick(&fields);
        let sub = rng.pick(field.sub_fields).code;
        experts.push([
            V::I(id),
            V::T(person(&mut rng)),
            V::T(kind.as_str().into()),
            V::I(org_id),
            V::T(title.into()),
            V::T(serde_json::json!([field.code]).to_string()),
            V::T(serde_json::json!([sub]).to_string()),
            V::T(serde_json::json!([field.label]).to_string()),
            V::T(org_region[org_index].as_str().into()),
            V::T("合成专家（负载测量用数据）".into()),
            V::T(ts.clone()),
            V::T(ts.clone()),
        ]);
        experts.flush_if_full(conn).await?;
    }
    experts.flush(conn).await?;
    step(&mut done, n_experts);
    let mut experts_at: Vec<Vec<i64>> = vec![Vec::new(); n_orgs];
    for (e, org) in expert_org.iter().enumerate() {
        experts_at[(org - org_base - 1) as usize].push(expert_base + 1 + e as i64);
    }

    // One small shared evidence file.
    let content = b"%PDF-1.4\n% pocnet synthetic evidence document\n%%EOF\n".to_vec();
    let sha = hex::encode(Sha256::digest(&content));
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM blobs WHERE sha256 = $1").bind(&sha).fetch_one(&mut *conn).await?;
    if exists == 0 {
        let mut blobs = Table::new(backend, "blobs", &["sha256", "mime", "size", "content", "created_at"]);
        blobs.push([
            V::T(sha.clone()),
            V::T("application/pdf".into()),
            V::I(content.len() as i64),
            V::B(content),
            V::T(ts.clone()),
        ]);
        blobs.flush(conn).await?;
    }

    // Each center's file.
    let mut staff = Table::new(
        backend,
        "center_staff",
        &["center_id", "name", "position", "fulltime", "tech_manager", "created_at"],
    );
    let mut equipment = Table::new(backend, "center_equipment", &["center_id", "name", "value_yuan", "created_at"]);
    let mut finances =
        Table::new(backend, "center_finances", &["center_id", "kind", "year", "name", "amount_yuan", "created_at"]);
    let mut advisors = Table::new(backend, "center_advisors", &["center_id", "expert_id", "added_at"]);
    let mut declarations =
        Table::new(backend, "center_declarations", &["center_id", "criterion_code", "value", "updated_at"]);
    let mut documents =
        Table::new(backend, "center_documents", &["center_id", "topic", "filename", "sha256", "uploaded_at"]);
    for c in 0..spec.centers {
        let center_id = center_base + 1 + c as i64;
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
            staff.push([
                V::I(center_id),
                V::T(person(&mut rng)),
                V::T(position.into()),
                V::I(i64::from(rng.chance(if tech_manager { 0.7 } else { 0.55 }))),
                V::I(i64::from(tech_manager)),
                V::T(ts.clone()),
            ]);
        }
        for k in 0..rng.range(3, 15) {
            let item = *rng.pick(&["中试设备", "检测仪器", "分析软件", "试制产线", "测试平台"]);
            equipment.push([
                V::I(center_id),
                V::T(format!("{item}{}", k + 1)),
                V::I(rng.range(20, 800) * 1_000),
                V::T(ts.clone()),
            ]);
        }
        let years = rng.range(1, 3);
        for y in 0..years {
            finances.push([
                V::I(center_id),
                V::T("special_funds".into()),
                V::N(Some(2025 - y)),
                V::T(format!("{}年度概念验证专项资金", 2025 - y)),
                V::I(rng.range(40, 250) * 10_000),
                V::T(ts.clone()),
            ]);
        }
        if rng.chance(0.75) {
            finances.push([
                V::I(center_id),
                V::T("fund".into()),
                V::N(None),
                V::T("合成合作基金".into()),
                V::I(rng.range(300, 6_000) * 10_000),
                V::T(ts.clone()),
            ]);
        }
        // 5–15 advisors, about three in ten from the host unit when it has experts.
        let host = &experts_at[c];
        let want = rng.range(5, 15) as usize;
        let mut team: Vec<i64> = Vec::with_capacity(want);
        let mut tries = 0;
        while team.len() < want && tries < want * 10 {
            tries += 1;
            let e = if !host.is_empty() && rng.chance(0.3) {
                *rng.pick(host)
            } else {
                expert_base + 1 + rng.index(n_experts) as i64
            };
            if !team.contains(&e) {
                team.push(e);
            }
        }
        for e in team {
            advisors.push([V::I(center_id), V::I(e), V::T(ts.clone())]);
        }
        let mut topics: Vec<&str> = Vec::new();
        for code in &declaration_codes {
            if rng.chance(p_declared) {
                declarations.push([
                    V::I(center_id),
                    V::T(code.clone()),
                    V::I(i64::from(rng.chance(p_yes))),
                    V::T(ts.clone()),
                ]);
                topics.push(code);
            }
        }
        topics.extend(declared_facts.iter().copied());
        for topic in topics {
            if rng.chance(p_document) {
                documents.push([
                    V::I(center_id),
                    V::T(topic.into()),
                    V::T(format!("{topic}.pdf")),
                    V::T(sha.clone()),
                    V::T(ts.clone()),
                ]);
            }
        }
        for t in [&mut staff, &mut equipment, &mut finances, &mut advisors, &mut declarations, &mut documents] {
            t.flush_if_full(conn).await?;
        }
        if c % 64 == 63 {
            step(&mut done, 64);
        }
    }
    for t in [&mut staff, &mut equipment, &mut finances, &mut advisors, &mut declarations, &mut documents] {
        t.flush(conn).await?;
    }
    step(&mut done, spec.centers % 64);

    // Results: spread unevenly (weights 0.2–2.0), about one in ten without a center.
    let mut cumulative: Vec<f64> = Vec::with_capacity(spec.centers);
    let mut acc = 0.0;
    for _ in 0..spec.centers {
        let u = rng.unit();
        acc += 0.2 + 1.8 * u * u;
        cumulative.push(acc);
    }
    let mut results = Table::new(
        backend,
        "research_results",
        &[
            "id",
            "title",
            "summary",
            "secret_summary",
            "field",
            "sub_field",
            "source",
            "owner_org_id",
            "center_id",
            "state",
            "trl",
            "team",
            "patents",
            "submitted_on",
            "created_at",
            "updated_at",
        ],
    );
    let mut outcomes = Table::new(
        backend,
        "result_outcomes",
        &["result_id", "kind", "achieved_on", "amount_yuan", "evidence", "created_at"],
    );
    for r in 0..spec.results {
        let id = result_base + 1 + r as i64;
        let center = (spec.centers > 0 && rng.chance(0.9)).then(|| {
            let x = rng.unit() * acc;
            cumulative.partition_point(|c| *c <= x).min(spec.centers - 1)
        });
        let state = rng.weighted(if center.is_some() { CENTER_STATES } else { LOOSE_STATES });
        let owner = match center {
            Some(c) if rng.chance(0.4) => host_of(c),
            _ => org_base + 1 + (spec.centers + rng.index(owners)) as i64,
        };
        let field = rng.pick(&fields);
        let sub = rng.pick(field.sub_fields);
        let trl = match state {
            ResultState::Verified | ResultState::HandedOff => rng.range(5, 8),
            ResultState::Verifying | ResultState::Admitted => rng.range(3, 6),
            _ => rng.range(1, 5),
        };
        let team: Vec<String> = (0..rng.range(2, 5)).map(|_| person(&mut rng)).collect();
        let patents: Vec<serde_json::Value> = (0..rng.range(0, 2))
            .map(|_| {
                let status = if rng.chance(0.5) { "granted" } else { "filed" };
                serde_json::json!({"number": format!("ZL{}1{:07}.{}", rng.range(2018, 2025), rng.range(0, 9_999_999), rng.range(0, 9)), "status": status})
            })
            .collect();
        results.push([
            V::I(id),
            V::T(format!("合成成果{id:07}：{}方向的{}验证", sub.label, field.label)),
            V::T(format!("面向{}的{}技术成果，用于负载测量的合成数据。", field.label, sub.label)),
            V::T("（合成数据，无保密内容）".into()),
            V::T(field.code.into()),
            V::T(sub.code.into()),
            V::T(rng.pick(ResultSource::ALL).as_str().into()),
            V::I(owner),
            V::N(center.map(|c| center_base + 1 + c as i64)),
            V::T(state.as_str().into()),
            V::I(trl),
            V::T(serde_json::json!(team).to_string()),
            V::T(serde_json::json!(patents).to_string()),
            V::T(rng.date(2021, 2025)),
            V::T(ts.clone()),
            V::T(ts.clone()),
        ]);
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
                outcomes.push([
                    V::I(id),
                    V::T(kind.as_str().into()),
                    V::T(rng.date(2022, 2025)),
                    V::I(amount),
                    V::T(format!("合成{}证明", kind.label_zh())),
                    V::T(ts.clone()),
                ]);
            }
        }
        // Outcomes follow their results (foreign keys are checked per statement).
        if results.pending() >= results.rows_per_statement {
            let n = results.pending();
            results.flush(conn).await?;
            outcomes.flush(conn).await?;
            step(&mut done, n);
        }
    }
    let n = results.pending();
    results.flush(conn).await?;
    outcomes.flush(conn).await?;
    step(&mut done, n);

    if backend == Backend::Postgres {
        // Explicit ids leave the identity sequences behind: move them on.
        for table in ["organisations", "centers", "experts", "research_results"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(&mut *conn)
            .await?;
        }
    }

    let generated = Generated {
        organisations: orgs.written,
        centers: centers.written,
        experts: experts.written,
        staff: staff.written,
        equipment: equipment.written,
        finances: finances.written,
        advisors: advisors.written,
        declarations: declarations.written,
        documents: documents.written,
        results: results.written,
        outcomes: outcomes.written,
    };
    let change = Change {
        action: "synthetic.generate",
        entity_type: "dataset",
        entity_id: "synthetic".into(),
        before: None,
        after: Some(serde_json::json!({
            "seed": spec.seed, "organisations": generated.organisations, "centers": generated.centers,
            "experts": generated.experts, "results": generated.results, "outcomes": generated.outcomes,
        })),
        reason: Some("负载测量用合成数据"),
    };
    audit::record(conn, &Actor::system("synthetic"), now, change).await?;
    tx.commit().await?;
    Ok(generated)
}

/// Whether `name` is safe as an unquoted PostgreSQL database name.
fn plain_name(name: &str) -> StoreResult<&str> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(crate::StoreError::Corrupt(format!("not a plain database name: {name}")))
    }
}

/// Creates a scratch database `name` (lower-case letters, digits, `_`) on the
/// PostgreSQL server `admin` is connected to, for a throw-away network.
pub async fn create_database(admin: &Store, name: &str) -> StoreResult<()> {
    sqlx::query(&format!("CREATE DATABASE {}", plain_name(name)?)).execute(admin.pool()).await?;
    Ok(())
}

/// Drops a scratch database made by [`create_database`] (no connection may remain open to it).
pub async fn drop_database(admin: &Store, name: &str) -> StoreResult<()> {
    sqlx::query(&format!("DROP DATABASE IF EXISTS {}", plain_name(name)?)).execute(admin.pool()).await?;
    Ok(())
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
    fn only_plain_database_names_are_accepted() {
        assert!(plain_name("pocnet_bench_0a1b").is_ok());
        for bad in ["", "Pocnet", "a;drop database x", "1abc", "a-b"] {
            assert!(plain_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_declaration_of_the_shipped_profiles_is_a_topic() {
        let (declarations, facts) = evidence_topics();
        assert!(declarations.iter().any(|c| c == "legal_entity_in_wenzhou"));
        assert!(facts.contains(&"fund_size_yuan") && !facts.contains(&"library_projects"));
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
        let records = crate::registry::records(store.pool(), None).await.expect("records");
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
        assert_eq!(crate::registry::records(store.pool(), None).await.expect("records").len(), 14);
        store.close().await;
    }
}
