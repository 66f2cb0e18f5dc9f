//! The demo network's center records (演示数据): service teams, equipment,
//! funds, advisory experts, declarations with evidence, and the outcomes of
//! verified results — derived deterministically from the loaded dataset so a
//! recognized demo center shows a realistic eligibility check. All invented.

use crate::{StoreError, StoreResult};
use pocnet_domain::policy::{Fact, Profile, SHIPPED};
use sha2::{Digest, Sha256};
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

/// Fills the records of every demo center. `ts` is the load time; `strong`
/// are the centers whose file meets their profile (team, funds, declarations
/// with evidence); `not_advisor` is an expert kept off every advisory team
/// (the demo expert login, so it may review any demo center).
pub(crate) async fn fill(conn: &mut AnyConnection, ts: &str, strong: &[i64], not_advisor: Option<i64>) -> StoreResult<()> {
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
    let centers: Vec<i64> = sqlx::query_scalar("SELECT id FROM centers ORDER BY id").fetch_all(&mut *conn).await?;
    let experts: Vec<i64> = sqlx::query_scalar("SELECT id FROM experts ORDER BY id").fetch_all(&mut *conn).await?;
    let experts: Vec<i64> = experts.into_iter().filter(|e| Some(*e) != not_advisor).collect();
    if experts.is_empty() {
        return Err(StoreError::Corrupt("demo: no experts".into()));
    }
    for (i, center) in centers.iter().enumerate() {
        let i = i as i64;
        let strong = strong.contains(center);
        sqlx::query("UPDATE centers SET floor_area_m2 = $1 WHERE id = $2")
            .bind(if strong { 320 + 40 * (i % 8) } else { 150 + 20 * (i % 4) })
            .bind(center)
            .execute(&mut *conn)
            .await?;
        let staff = if strong { 10 + i % 5 } else { 4 + i % 3 };
        for k in 0..staff {
            let name = format!("{}{}", SURNAMES[((i * 3 + k) % SURNAMES.len() as i64) as usize], GIVEN[((i * 5 + k * 7) % GIVEN.len() as i64) as usize]);
            let tech_manager = k < 1 + i % 3;
            let fulltime = k < staff / 2 + 1;
            let position = if tech_manager { "技术经理人" } else { POSITIONS[((i + k) % POSITIONS.len() as i64) as usize] };
            sqlx::query("INSERT INTO center_staff (center_id, name, position, fulltime, tech_manager, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(center)
                .bind(name)
                .bind(position)
                .bind(i64::from(fulltime))
                .bind(i64::from(tech_manager))
                .bind(ts)
                .execute(&mut *conn)
                .await?;
        }
        let items = if strong { 5 } else { 2 };
        for k in 0..items {
            let (name, value) = EQUIPMENT[((i + k) % EQUIPMENT.len() as i64) as usize];
            sqlx::query("INSERT INTO center_equipment (center_id, name, value_yuan, created_at) VALUES ($1, $2, $3, $4)")
                .bind(center)
                .bind(name)
                .bind(value)
                .bind(ts)
                .execute(&mut *conn)
                .await?;
        }
        for year in [2025i64, 2026] {
            let amount = if strong { 1_000_000 + 100_000 * ((i + year) % 6) } else { 400_000 + 50_000 * (i % 3) };
            sqlx::query("INSERT INTO center_finances (center_id, kind, year, name, amount_yuan, created_at) VALUES ($1, 'special_funds', $2, $3, $4, $5)")
                .bind(center)
                .bind(year)
                .bind(format!("{year}年度概念验证专项资金"))
                .bind(amount)
                .bind(ts)
                .execute(&mut *conn)
                .await?;
        }
        if strong {
            sqlx::query("INSERT INTO center_finances (center_id, kind, year, name, amount_yuan, created_at) VALUES ($1, 'fund', NULL, $2, $3, $4)")
                .bind(center)
                .bind("合作科技成果转化基金（演示）")
                .bind(10_000_000 + 5_000_000 * (i % 4))
                .bind(ts)
                .execute(&mut *conn)
                .await?;
        }
        let advisors = if strong { 6 + i % 6 } else { 3 };
        let mut chosen: Vec<i64> = Vec::new();
        let mut k = 0i64;
        while (chosen.len() as i64) < advisors.min(experts.len() as i64) {
            let e = experts[((i * 7 + k * 11) % experts.len() as i64) as usize];
            if !chosen.contains(&e) {
                chosen.push(e);
                sqlx::query("INSERT INTO center_advisors (center_id, expert_id, added_at) VALUES ($1, $2, $3)")
                    .bind(center)
                    .bind(e)
                    .bind(ts)
                    .execute(&mut *conn)
                    .await?;
            }
            k += 1;
        }
        if !strong {
            continue;
        }
        let topics = declarations.iter().cloned().chain(declared_facts.iter().map(|f| f.as_str().to_owned()));
        for topic in topics {
            if declarations.contains(&topic) {
                sqlx::query("INSERT INTO center_declarations (center_id, criterion_code, value, updated_at) VALUES ($1, $2, 1, $3)")
                    .bind(center)
                    .bind(&topic)
                    .bind(ts)
                    .execute(&mut *conn)
                    .await?;
            }
            let pdf = evidence_pdf(&topic);
            let sha = hex::encode(Sha256::digest(&pdf));
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM blobs WHERE sha256 = $1").bind(&sha).fetch_one(&mut *conn).await?;
            if exists == 0 {
                sqlx::query("INSERT INTO blobs (sha256, mime, size, content, created_at) VALUES ($1, 'application/pdf', $2, $3, $4)")
                    .bind(&sha)
                    .bind(pdf.len() as i64)
                    .bind(pdf)
                    .bind(ts)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query("INSERT INTO center_documents (center_id, topic, filename, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(center)
                .bind(&topic)
                .bind(format!("{topic}-证明材料.pdf"))
                .bind(&sha)
                .bind(ts)
                .execute(&mut *conn)
                .await?;
        }
    }
    // Outcomes of verified and handed-off results.
    let results: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, state, submitted_on FROM research_results WHERE state IN ('verified', 'handed_off') ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (n, (id, state, submitted)) in results.iter().enumerate() {
        let n = n as i64;
        let mut add = Vec::new();
        add.push(("prototype", 0i64, "样机测试报告"));
        if state == "handed_off" || n % 3 == 0 {
            add.push(("product", 0, "产品检测报告"));
        }
        if state == "handed_off" || n % 4 == 0 {
            add.push(("landed_transfer", 0, "落地企业营业执照与合作协议"));
        }
        if n % 2 == 0 {
            add.push(("service_contract", 60_000 + 20_000 * (n % 5), "概念验证服务合同及发票"));
        }
        if n % 3 == 1 {
            add.push(("patent_after_prototype", 0, "专利申请受理通知书"));
        }
        if n % 5 == 2 {
            add.push(("licence_transfer", 300_000 + 100_000 * (n % 3), "技术许可合同"));
        }
        if n % 7 == 3 {
            add.push(("equity_financing", 3_000_000, "投资协议"));
        }
        if n % 9 == 4 {
            add.push(("company_incubated", 0, "新设企业营业执照"));
        }
        for (kind, amount, evidence) in add {
            sqlx::query("INSERT INTO result_outcomes (result_id, kind, achieved_on, amount_yuan, evidence, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(kind)
                .bind(submitted)
                .bind(amount)
                .bind(evidence)
                .bind(ts)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

const VARIANTS: &[&str] = &["二期迭代", "低成本方案", "场景拓展", "工艺改进型", "集成应用", "轻量化版本", "国产化替代", "可靠性提升", "模块化设计", "智能化升级"];

/// Library states the registry counts (入库项目).
const LIBRARY: &str = "'admitted', 'verifying', 'verified', 'handed_off', 'stopped'";

/// Tops up the project library of each of `centers` with earlier results of
/// its host unit (submitted 2023–2024, variants of its own results) until it
/// holds at least 42 library projects, 21 verified ones (each with a
/// prototype) and 11 handed off to pilot scale (each landed) — a margin over
/// Wenzhou's 40 / 20 / 10 (指引 二(二)). The pipeline and outcomes of these
/// results are then derived like every other. Returns how many it added.
pub(crate) async fn top_up_library(conn: &mut AnyConnection, centers: &[i64], ts: &str) -> StoreResult<usize> {
    let mut added = 0usize;
    for (ci, center) in centers.iter().enumerate() {
        let (host, kind): (i64, String) = sqlx::query_as(
            "SELECT c.host_org_id, o.kind FROM centers c JOIN organisations o ON o.id = c.host_org_id WHERE c.id = $1",
        )
        .bind(center)
        .fetch_one(&mut *conn)
        .await?;
        let (library, done, handed): (i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT CAST(COALESCE(SUM(CASE WHEN state IN ({LIBRARY}) THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state IN ('verified', 'handed_off') THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN state = 'handed_off' THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM research_results WHERE center_id = $1"
        ))
        .bind(center)
        .fetch_one(&mut *conn)
        .await?;
        let bases: Vec<(String, String, String)> =
            sqlx::query_as("SELECT title, field, sub_field FROM research_results WHERE center_id = $1 ORDER BY id")
                .bind(center)
                .fetch_all(&mut *conn)
                .await?;
        if bases.is_empty() {
            return Err(StoreError::Corrupt(format!("demo: center {center} has no results to vary")));
        }
        let handed_off = (11 - handed).max(0);
        let verified = (21 - done).max(handed_off);
        let others = (42 - library - verified).max(0);
        let source = match kind.as_str() {
            "university" => "university",
            "research_institute" => "research_institute",
            "hospital" => "hospital",
            "enterprise" => "enterprise",
            _ => "pushed_list",
        };
        for k in 0..(verified + others) {
            let state = if k < handed_off {
                "handed_off"
            } else if k < verified {
                "verified"
            } else {
                ["verifying", "admitted", "verifying", "stopped"][((k - verified) % 4) as usize]
            };
            let (base, field, sub_field) = &bases[(k as usize) % bases.len()];
            let variant = VARIANTS[((k as usize) / bases.len() + ci) % VARIANTS.len()];
            let day = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).unwrap_or_default() + chrono::Duration::days(k * 15 + ci as i64 * 3);
            let team: Vec<String> = (0..3)
                .map(|m| format!("{}{}", SURNAMES[(ci * 5 + k as usize + m * 4) % SURNAMES.len()], GIVEN[(ci * 3 + k as usize * 7 + m) % GIVEN.len()]))
                .collect();
            sqlx::query(
                "INSERT INTO research_results (title, summary, secret_summary, field, sub_field, source, owner_org_id, \
                 center_id, state, trl, team, patents, submitted_on, created_at, updated_at) \
                 VALUES ($1, $2, '', $3, $4, $5, $6, $7, $8, $9, $10, '[]', $11, $12, $12)",
            )
            .bind(format!("{base}（{variant}）"))
            .bind(format!("在“{base}”前期成果基础上开展{variant}研究，已完成实验室验证，拟通过概念验证明确工程化路径、应用场景与市场需求。"))
            .bind(field)
            .bind(sub_field)
            .bind(source)
            .bind(host)
            .bind(center)
            .bind(state)
            .bind(4 + k % 3)
            .bind(serde_json::json!(team).to_string())
            .bind(day.to_string())
            .bind(ts)
            .execute(&mut *conn)
            .await?;
            added += 1;
        }
    }
    Ok(added)
}
