//! The demo's supply–demand matching (三单联动): demands published by the
//! 瑞安市 department and the demo enterprises, the bureau's year list, and
//! matches at every stage — one landed (recorded as the result's 落地转化
//! outcome, the demand met), one negotiating, one waiting for the researcher's
//! answer, one declined with its reason — so each role sees the flow to its end.
//! Scores are computed by the same [`pocnet_domain::matching::fit::score`] as
//! the workflow, with each demand's key words as the terms.

use crate::when::china_day;
use crate::wenzhou::Network;
use chrono::{Datelike, Duration};
use pocnet_domain::id::{OrgId, ResultId};
use pocnet_domain::matching::fit::{score, Need, Offer, Terms};
use pocnet_domain::matching::{Answer, DemandDraft, DemandState, MatchStage};
use pocnet_domain::money::Yuan;
use pocnet_domain::outcome::OutcomeKind;
use pocnet_domain::region::Region;
use pocnet_domain::research_result::Trl;
use pocnet_store::library::verification as store_v;
use pocnet_store::matching::demands;
use pocnet_store::matching::matches::{self, MatchChange, NewMatch};
use pocnet_store::{Actor, StoreError, StoreResult};
use sqlx::AnyConnection;

/// A demo demand: (publisher org key, title, problem, field, sub-field, target TRL,
/// budget in 万元 (0: 面议), days to its deadline, listed in this year's list, key words).
type Planned = (&'static str, &'static str, &'static str, &'static str, &'static str, u8, i64, i64, bool, &'static [&'static str]);

const DEMANDS: &[Planned] = &[
    ("county_ruian", "配电柜过热隐患在线预警", "瑞安市多家汽摩配企业的低压配电柜触头长期过热，近两年发生两起停产事故。需要一套可加装的触头温升在线监测与预警方案，监测精度±1℃，能接入企业现有能耗平台。", "smart_equipment", "smart_electrical", 7, 80, 120, true, &["配电柜", "触头", "温升", "在线监测", "预警"]),
    ("ent_battery", "退役电池包快速分选与梯次利用", "公司每年回收退役动力电池包约2000套，人工拆解检测一个模组需要40分钟，一致性判断不准。需要快速分选技术，单模组检测时间压缩到5分钟以内，用于储能梯次利用。", "new_energy", "advanced_batteries", 6, 150, 150, true, &["退役", "动力电池", "梯次利用", "分选", "储能"]),
    ("ent_robot", "协作机器人关节模组国产替代", "协作机器人整机成本中进口关节模组占四成，交期长。需要一体化关节模组（电机、减速器、编码器、驱动集成），重复定位精度±0.02mm，成本降低30%以上。", "smart_equipment", "industrial_robots", 6, 200, 180, true, &["协作机器人", "关节模组", "一体化", "减速器", "编码器"]),
    ("ent_electric", "直流配电系统快速保护开关", "光伏直流配电项目要求故障电流在毫秒级切断，现有机械式断路器分断时间过长。寻求直流固态断路器技术，分断时间小于1毫秒，额定电流不低于200A。", "smart_equipment", "smart_electrical", 6, 0, 90, false, &["直流", "固态断路器", "分断", "光伏"]),
    ("ent_pack", "生鲜包装膜抗菌保鲜", "出口生鲜包装在运输途中易滋生细菌，货损率约8%。需要可食品接触的抗菌保鲜包装膜材料，抑菌率99%以上，成本增加不超过15%。", "new_materials", "advanced_polymers", 5, 60, 120, true, &["包装膜", "抗菌", "保鲜", "食品接触"]),
    ("ent_device", "基层急诊心肌标志物快速检测", "县级医院急诊胸痛患者心肌标志物检测需送检验科，报告时间超过1小时。需要床旁快速检测设备，20分钟内出结果，与大型化学发光仪相关性0.95以上。", "life_health", "medical_devices", 7, 300, 150, true, &["心肌标志物", "快速检测", "急诊", "化学发光", "床旁"]),
    ("ent_hydrogen", "燃料电池电堆低温冷启动", "氢燃料电池物流车在冬季零下20℃冷启动失败率高。需要电堆低温冷启动控制或材料改进方案，-30℃下3分钟内启动。", "new_energy", "hydrogen", 6, 0, 200, false, &["燃料电池", "电堆", "冷启动", "低温"]),
    ("ent_drone", "山区物流无人机长航时动力", "山区电力巡检与物资配送无人机续航不足40分钟。需要提升续航到90分钟以上的动力系统方案（电池、混合动力或氢能）。", "future_industries", "low_altitude_economy", 5, 120, 160, false, &["无人机", "续航", "动力系统", "物流"]),
    ("ent_data", "企业能耗数据挖掘节能", "园区企业能耗数据分散在多个系统，无法发现节能空间。需要能耗数据汇聚与节能潜力评估软件，已停用。", "digital_economy", "cloud_big_data", 5, 30, 60, false, &["能耗", "节能", "数据"]),
];

/// The result a demand's demo matches are with, by title; and how far each got.
const MATCHES: &[(usize, &str, Answer, Answer, MatchStage, &str)] = &[
    (0, "低压配电柜触头温升在线监测技术", Answer::Accepted, Answer::Accepted, MatchStage::Landed, ""),
    (1, "退役动力电池梯次利用快速分选技术", Answer::Accepted, Answer::Accepted, MatchStage::Negotiating, ""),
    (2, "协作机器人一体化关节模组", Answer::Accepted, Answer::Pending, MatchStage::Proposed, ""),
    (3, "直流固态断路器快速分断技术", Answer::Accepted, Answer::Declined, MatchStage::Declined, "route_unclear"),
];

#[derive(sqlx::FromRow)]
struct Face {
    id: i64,
    title: String,
    summary: String,
    field: String,
    sub_field: String,
    trl: i64,
    owner_org_id: i64,
    region: String,
    host: Option<i64>,
}

/// The year's 转化培育清单 (002 三(二)): the library's results the bureau lists first, with why.
const CULTIVATION: &[(&str, &str)] = &[
    ("退役动力电池梯次利用快速分选技术", "对接瓯能电池梯次利用需求，已进入洽谈"),
    ("低压配电柜触头温升在线监测技术", "已在瑞安三家企业落地，具备推广条件"),
    ("高扭矩密度无框力矩电机", "人形机器人关节核心部件，市场需求明确"),
    ("柔性透明导电薄膜制备技术", "验证完成，可对接显示与光伏企业"),
    ("直流固态断路器快速分断技术", "光伏直流配电场景明确，待中试"),
    ("协作机器人一体化关节模组", "国产替代需求迫切，已有企业需求对接"),
];

/// Writes the demo's demands and matches, and the year's 转化培育清单.
pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let today = china_day(net.now);
    let bureau = net.user("bureau")?;
    for (k, (title, reason)) in CULTIVATION.iter().enumerate() {
        let id: i64 = sqlx::query_scalar("SELECT id FROM research_results WHERE title = $1")
            .bind(*title)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("demo: no result {title}")))?;
        let at = net.now - Duration::days(30 - k as i64);
        pocnet_store::matching::cultivation::add(conn, &bureau, at, i64::from(today.year()), ResultId::new(id), reason).await?;
    }
    let mut ids = Vec::new();
    for (i, (org, title, problem, field, sub_field, trl, budget_wan, days, listed, _)) in DEMANDS.iter().enumerate() {
        let org_row = net.org_key(org)?;
        let draft = DemandDraft {
            title: (*title).to_owned(),
            problem: (*problem).to_owned(),
            field: (*field).to_owned(),
            sub_field: (*sub_field).to_owned(),
            target_trl: Trl::parse(i64::from(*trl)).map_err(|e| StoreError::Corrupt(e.message))?,
            budget: (*budget_wan > 0).then(|| Yuan::new(budget_wan * 10_000)),
            region: org_row.region,
            deadline: today + Duration::days(*days),
        };
        let (actor, by) = if *org == "county_ruian" { (net.user("county")?, net.user_id("county")) } else { (Actor { user_id: None, label: org_row.name.clone(), ip: None }, None) };
        let when = net.now - Duration::days(40 - i as i64 * 3);
        let id = demands::create(conn, &actor, when, org_row.id, by, &draft).await?;
        if *listed {
            demands::set_state(conn, &bureau, when + Duration::days(1), id, 1, DemandState::Listed, Some(i64::from(today.year())), None).await?;
        }
        ids.push(id);
    }
    // The data company's demand was withdrawn.
    let last = *ids.last().ok_or_else(|| StoreError::Corrupt("demo: no demands".into()))?;
    let owner = Actor { user_id: None, label: net.org_key("ent_data")?.name.clone(), ip: None };
    demands::set_state(conn, &owner, net.now - Duration::days(5), last, 1, DemandState::Withdrawn, None, Some("已与园区平台签订合作，不再征集")).await?;

    for (n, title, demand_answer, supply_answer, stage, reason) in MATCHES {
        let (org_key, _, _, _, _, _, _, _, _, words) = DEMANDS[*n];
        let d = demands::get(&mut *conn, ids[*n]).await?;
        let f: Face = sqlx::query_as(
            "SELECT r.id, r.title, r.summary, r.field, r.sub_field, r.trl, r.owner_org_id, COALESCE(c.region, o.region) AS region, c.host_org_id AS host \
             FROM research_results r JOIN organisations o ON o.id = r.owner_org_id LEFT JOIN centers c ON c.id = r.center_id WHERE r.title = $1",
        )
        .bind(*title)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("demo: no result {title}")))?;
        let fields = vec![f.field.clone(), f.sub_field.clone()];
        let text = format!("{}\n{}", f.title, f.summary);
        let terms = Terms {
            wanted: words.iter().map(|w| (*w).to_owned()).collect(),
            matched: words.iter().filter(|w| text.contains(**w)).map(|w| (*w).to_owned()).collect(),
            relevance: 1.0,
        };
        let need = Need { field: &d.field, sub_field: &d.sub_field, target_trl: u8::try_from(d.target_trl).unwrap_or(1), region: d.region, budget: d.budget_yuan.map(Yuan::new) };
        let offer = Offer { fields: &fields, trl: u8::try_from(f.trl).ok(), region: Region::parse(&f.region).ok(), price: None };
        let fit = score(&need, &offer, &terms, &|c| pocnet_domain::industry::label(c).to_owned());
        let components = serde_json::to_string(&fit).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let demand_actor = if org_key == "county_ruian" { net.user("county")? } else { Actor { user_id: None, label: d.org_name.clone(), ip: None } };
        let when = net.now - Duration::days(20);
        let new = NewMatch {
            demand_id: d.id,
            subject_kind: "result",
            subject_id: f.id,
            demand_org_id: d.org_id,
            supply_org_id: Some(f.owner_org_id),
            supply_host_org_id: f.host,
            region: d.region,
            score: (fit.total * 10.0).round() as i64,
            components: &components,
        };
        let first = MatchChange { demand: (*demand_answer, ""), supply: (Answer::Pending, ""), stage: MatchStage::Proposed, contract_yuan: None, note: "", action: "match.answer", reason: None };
        let mid = matches::insert(conn, &demand_actor, when, &new, &first).await?;
        if *supply_answer == Answer::Pending {
            continue;
        }
        let researcher = net.acting_for(OrgId::new(f.owner_org_id))?;
        let answered_stage = MatchStage::after_answers(*demand_answer, *supply_answer);
        let note = if reason.is_empty() { "" } else { "市场化路径尚不清晰，待中试后再议" };
        let answer = MatchChange { demand: (*demand_answer, ""), supply: (*supply_answer, reason), stage: answered_stage, contract_yuan: None, note, action: "match.answer", reason: (!note.is_empty()).then_some(note) };
        matches::update(conn, &researcher, when + Duration::days(2), mid, 1, &answer).await?;
        let steps: &[(MatchStage, Option<i64>, &str)] = match stage {
            MatchStage::Landed => &[(MatchStage::Contacted, None, "双方技术负责人现场对接"), (MatchStage::Contract, Some(600_000), "签订技术许可合同"), (MatchStage::Landed, Some(600_000), "监测终端已在瑞安三家企业安装运行")],
            MatchStage::Negotiating => &[(MatchStage::Contacted, None, "已到企业查看退役电池包"), (MatchStage::Negotiating, None, "洽谈联合中试方案")],
            _ => &[],
        };
        for (version, (k, (to, amount, note))) in (2..).zip(steps.iter().enumerate()) {
            let at = when + Duration::days(5 + 4 * k as i64);
            let change = MatchChange { demand: (*demand_answer, ""), supply: (*supply_answer, ""), stage: *to, contract_yuan: *amount, note, action: "match.follow_up", reason: None };
            matches::update(conn, &demand_actor, at, mid, version, &change).await?;
            if *to == MatchStage::Landed {
                let evidence = format!("供需对接#{mid}：{}", d.title);
                store_v::add_outcome(conn, &demand_actor, at, ResultId::new(f.id), OutcomeKind::LandedTransfer, china_day(at), Yuan::new(amount.unwrap_or(0)), &evidence).await?;
                let d = demands::get(&mut *conn, d.id).await?;
                demands::set_state(conn, &demand_actor, at, d.id, d.version, DemandState::Met, d.listed_year, Some("对接已落地")).await?;
            }
        }
    }
    Ok(())
}
