//! The demo network's center records (演示数据): service teams, equipment,
//! funds, advisory experts, declarations with evidence — derived
//! deterministically from the loaded dataset so a recognized demo center
//! shows a realistic eligibility check — and the earlier results that fill
//! the strong centers' libraries. Written as a center's operator edits its
//! file ([`registry::edit`], [`registry::attach_document`]). All invented.

use pocnet_domain::id::ExpertId;
use pocnet_domain::money::Yuan;
use crate::pipeline::Planned;
use crate::wenzhou::Network;
use chrono::{Duration, NaiveDate};
use pocnet_domain::center::CenterKind;
use pocnet_domain::org::OrgKind;
use pocnet_domain::policy::{Fact, Profile, SHIPPED};
use pocnet_domain::research_result::{ResultSource, ResultState};
use pocnet_store::registry::{self, FileEdit};
use pocnet_store::{StoreError, StoreResult};
use sqlx::AnyConnection;

const SURNAMES: &[&str] = &["陈", "林", "黄", "周", "吴", "郑", "徐", "潘", "叶", "金", "朱", "谢", "蔡", "池", "项"];
const GIVEN: &[&str] = &["海宁", "一帆", "思远", "雅琴", "伟杰", "婉清", "振华", "若琳", "子昂", "晓岚", "启航", "佳音", "文韬", "书婷", "景行", "梦瑶"];
const POSITIONS: &[&str] = &["验证工程师", "项目经理", "知识产权专员", "投融资顾问", "检测工程师", "财务顾问", "法律顾问", "运营专员"];
const EQUIPMENT: &[(&str, i64)] = &[
    ("高低温交变湿热试验箱", 680_000),
    ("三坐标测量机", 1_450_000),
    ("激光共聚焦显微镜", 2_300_000),
    ("电化学工作站", 420_000),
    ("小试反应与放大装置", 1_860_000),
    ("电磁兼容预测试系统", 980_000),
    ("数字孪生仿真软件（许可）", 560_000),
];

/// The smallest valid PDF, tagged so each topic's evidence is its own file.
fn evidence_pdf(topic: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% pocnet demo evidence (演示证明材料): {topic}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// The floor area of the `i`-th demo center (m²), larger when its file meets its profile.
pub(crate) fn floor_area(i: usize, strong: bool) -> i64 {
    let i = i as i64;
    if strong {
        320 + 40 * (i % 8)
    } else {
        150 + 20 * (i % 4)
    }
}

/// Fills the file of every demo center as its operator would: the strong
/// ones (whose file meets their profile) get team, funds and declarations
/// with evidence; the demo expert is kept off every advisory team (so it
/// may review any demo center). Records each team in `net.advisors`.
pub(crate) async fn fill(conn: &mut AnyConnection, net: &mut Network) -> StoreResult<()> {
    let profiles: Vec<Profile> = SHIPPED.iter().filter_map(|(id, t)| Profile::parse(t, Some(id)).ok()).collect();
    let mut declarations: Vec<String> = Vec::new();
    for p in &profiles {
        for s in &p.stages {
            for c in s.criteria.iter().filter(|c| c.declaration) {
                if !declarations.contains(&c.code) {
                    declarations.push(c.code.clone());
                }
            }
        }
    }
    let declared_facts = [
        Fact::SpecialFundsPerYearYuan,
        Fact::FundSizeYuan,
        Fact::ServiceStaff,
        Fact::FulltimeServiceStaff,
        Fact::FulltimeTechManagers,
        Fact::TechManagers,
        Fact::FloorAreaM2,
        Fact::EquipmentValueYuan,
    ];
    let experts: Vec<ExpertId> = net.experts.iter().map(|e| e.id).filter(|e| Some(*e) != net.demo_expert).collect();
    if experts.is_empty() {
        return Err(StoreError::Corrupt("demo: no experts".into()));
    }
    let now = net.now;
    let centers = net.centers.clone();
    for (i, center) in centers.iter().enumerate() {
        let i = i as i64;
        let strong = center.strong;
        let me = net.acting_for(center.host_org_id)?;
        let mut edits: Vec<FileEdit> = Vec::new();
        let staff = if strong { 10 + i % 5 } else { 4 + i % 3 };
        for k in 0..staff {
            let name = format!("{}{}", SURNAMES[((i * 3 + k) % SURNAMES.len() as i64) as usize], GIVEN[((i * 5 + k * 7) % GIVEN.len() as i64) as usize]);
            let tech_manager = k < 1 + i % 3;
            let fulltime = k < staff / 2 + 1;
            let position = if tech_manager { "技术经理人" } else { POSITIONS[((i + k) % POSITIONS.len() as i64) as usize] };
            edits.push(FileEdit::AddStaff { name, position: position.to_owned(), fulltime, tech_manager });
        }
        let items = if strong { 5 } else { 2 };
        for k in 0..items {
            let (name, value) = EQUIPMENT[((i + k) % EQUIPMENT.len() as i64) as usize];
            edits.push(FileEdit::AddEquipment { name: name.to_owned(), value_yuan: Yuan::new(value) });
        }
        for year in [2025i64, 2026] {
            let amount = if strong { 1_000_000 + 100_000 * ((i + year) % 6) } else { 400_000 + 50_000 * (i % 3) };
            edits.push(FileEdit::AddFinance { kind: "special_funds", year: Some(year), name: format!("{year}年度概念验证专项资金"), amount_yuan: Yuan::new(amount) });
        }
        if strong {
            edits.push(FileEdit::AddFinance { kind: "fund", year: None, name: "合作科技成果转化基金（演示）".into(), amount_yuan: Yuan::new(10_000_000 + 5_000_000 * (i % 4)) });
        }
        let advisors = if strong { 6 + i % 6 } else { 3 };
        let mut chosen: Vec<ExpertId> = Vec::new();
        let mut k = 0i64;
        while (chosen.len() as i64) < advisors.min(experts.len() as i64) {
            let e = experts[((i * 7 + k * 11) % experts.len() as i64) as usize];
            if !chosen.contains(&e) {
                chosen.push(e);
                edits.push(FileEdit::AddAdvisor { expert_id: e });
            }
            k += 1;
        }
        net.advisors.insert(center.id, chosen);
        let topics: Vec<String> = if strong { declarations.iter().cloned().chain(declared_facts.iter().map(|f| f.as_str().to_owned())).collect() } else { Vec::new() };
        for topic in &topics {
            if declarations.contains(topic) {
                edits.push(FileEdit::Declare { code: topic.clone(), value: true });
            }
        }
        for e in &edits {
            registry::edit(&mut *conn, &me, now, center.id, None, e).await?;
        }
        for topic in &topics {
            let pdf = evidence_pdf(topic);
            registry::attach_document(&mut *conn, &me, now, center.id, topic, &format!("{topic}-证明材料.pdf"), "application/pdf", &pdf).await?;
        }
    }
    Ok(())
}

const VARIANTS: &[&str] = &["二期迭代", "低成本方案", "场景拓展", "工艺改进型", "集成应用", "轻量化版本", "国产化替代", "可靠性提升", "模块化设计", "智能化升级"];

/// States the registry counts in a center's library (入库项目).
fn in_library(s: ResultState) -> bool {
    matches!(s, ResultState::Admitted | ResultState::Verifying | ResultState::Verified | ResultState::HandedOff | ResultState::Stopped)
}

/// Earlier results of its host unit (submitted 2023–2024, variants of its
/// own results) for each strong PoC center, until its library holds at
/// least 42 projects, 21 verified ones (each with a prototype) and 11 handed
/// off to pilot scale (each landed) — a margin over Wenzhou's 40 / 20 / 10
/// (指引 二(二)). They go through the pipeline like every other result.
pub(crate) fn top_up_library(net: &Network, results: &[Planned]) -> StoreResult<Vec<Planned>> {
    let mut added = Vec::new();
    let strong_poc = net.centers.iter().filter(|c| c.strong && c.kind == CenterKind::PocCenter);
    for (ci, center) in strong_poc.enumerate() {
        let own: Vec<&Planned> = results.iter().filter(|r| r.center_id == Some(center.id)).collect();
        let library = own.iter().filter(|r| in_library(r.state)).count() as i64;
        let done = own.iter().filter(|r| matches!(r.state, ResultState::Verified | ResultState::HandedOff)).count() as i64;
        let handed = own.iter().filter(|r| r.state == ResultState::HandedOff).count() as i64;
        if own.is_empty() {
            return Err(StoreError::Corrupt(format!("demo: center {} has no results to vary", center.key)));
        }
        let handed_off = (11 - handed).max(0);
        let verified = (21 - done).max(handed_off);
        let others = (42 - library - verified).max(0);
        let host = net.org_by_id(center.host_org_id)?;
        let source = match host.kind {
            OrgKind::University => ResultSource::University,
            OrgKind::ResearchInstitute => ResultSource::ResearchInstitute,
            OrgKind::Hospital => ResultSource::Hospital,
            OrgKind::Enterprise => ResultSource::Enterprise,
            _ => ResultSource::PushedList,
        };
        for k in 0..(verified + others) {
            let state = if k < handed_off {
                ResultState::HandedOff
            } else if k < verified {
                ResultState::Verified
            } else {
                [ResultState::Verifying, ResultState::Admitted, ResultState::Verifying, ResultState::Stopped][((k - verified) % 4) as usize]
            };
            let base = own[(k as usize) % own.len()];
            let variant = VARIANTS[((k as usize) / own.len() + ci) % VARIANTS.len()];
            let day = NaiveDate::from_ymd_opt(2023, 3, 1).unwrap_or_default() + Duration::days(k * 15 + ci as i64 * 3);
            let team: Vec<String> = (0..3)
                .map(|m| format!("{}{}", SURNAMES[(ci * 5 + k as usize + m * 4) % SURNAMES.len()], GIVEN[(ci * 3 + k as usize * 7 + m) % GIVEN.len()]))
                .collect();
            added.push(Planned {
                title: format!("{}（{variant}）", base.title),
                summary: format!("在“{}”前期成果基础上开展{variant}研究，已完成实验室验证，拟通过概念验证明确工程化路径、应用场景与市场需求。", base.title),
                secret_summary: String::new(),
                field: base.field.clone(),
                sub_field: base.sub_field.clone(),
                source,
                owner_org_id: host.id,
                center_id: Some(center.id),
                state,
                trl: 4 + k % 3,
                team,
                patents: Vec::new(),
                submitted_on: day,
            });
        }
    }
    Ok(added)
}
