//! The demo's early-result pool and seed lists (issue 18; 004 三(二)) at the `center` login's
//! 瓯江理工大学智能装备概念验证中心: a batch published two months ago (its seeds on the public list
//! and in the library), a batch under review with half its concepts assessed, and concepts waiting
//! in the pool — two of them the `researcher` login's.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::Duration;
use pocnet_domain::research_result::Trl;
use pocnet_domain::seeds::{Assessment, BatchDraft, ConceptDraft, Verdict};
use pocnet_store::seeds::{batches, concepts};
use pocnet_store::{Actor, StoreError, StoreResult};
use sqlx::AnyConnection;

/// The PoC center whose pool this is.
const CENTER: &str = "center_demo";

/// A concept: proposing unit, whether the `researcher` login proposed it, title, sub-field
/// (`field/sub`), level, summary, core idea, team, demand.
type Row = (&'static str, bool, &'static str, &'static str, u8, &'static str, &'static str, &'static str, &'static str);

const PUBLISHED: [Row; 6] = [
    ("univ_demo", true, "基于肌电信号的外骨骼意图识别概念", "future_industries/humanoid_robots", 3, "以表面肌电信号预测关节运动意图，驱动下肢外骨骼提前50毫秒响应，降低穿戴者代偿用力。", "双通道肌电特征融合与迁移学习模型", "陈思远、郑佳怡", "康复医疗机构、养老照护、重体力作业辅助"),
    ("hosp_brain", false, "脑卒中居家康复手功能评估手套", "future_industries/artificial_intelligence", 2, "以柔性应变传感手套采集手指屈伸数据，自动生成居家康复评估报告，替代门诊量表评估。", "传感阵列布局与评估量表映射算法", "林慧敏、吴建国", "康复科、社区医院、居家康复服务"),
    ("inst_laser", false, "超快激光微孔加工在线质量监测概念", "smart_equipment/smart_laser", 2, "利用等离子体光谱实时判别微孔加工深度，在线剔除不良孔，适用于燃油喷嘴和过滤片。", "光谱特征与孔深的标定模型", "周海峰、叶婷", "汽车燃油系统、精密过滤器制造"),
    ("univ_med", false, "口腔种植体表面抗菌涂层概念", "future_industries/synthetic_biology", 1, "在钛种植体表面构建可缓释抗菌肽的多孔涂层，降低种植体周围炎发生率。", "抗菌肽负载与缓释动力学设计", "王晓雯", "口腔医院、种植体制造企业"),
    ("univ_yandang", false, "低压断路器触头磨损声纹诊断概念", "smart_equipment/smart_electrical", 2, "通过分合闸声纹特征估计触头磨损程度，实现断路器剩余寿命的非接触评估。", "声纹特征提取与磨损等级分类", "潘立群、黄敏", "配电运维、低压电器制造企业"),
    ("univ_demo", false, "仓储机器人集群无标记定位概念", "smart_equipment/industrial_robots", 2, "以地面纹理视觉里程计替代二维码地标，降低仓储机器人部署成本。", "纹理特征地图构建与回环检测", "孙浩、李梦", "电商仓储、制造业物流"),
];
/// Scores and verdicts of the published batch, in its order.
const PUBLISHED_ASSESSMENTS: [(i32, i32, Verdict, &str); 6] = [
    (86, 80, Verdict::Seed, "意图识别延迟指标领先，康复与养老需求明确，建议入选并开展原理样机验证"),
    (78, 84, Verdict::Seed, "临床需求强烈，居家康复市场空间大；传感一致性需在验证中解决"),
    (82, 71, Verdict::Seed, "技术路线可行，已有两家喷嘴企业表达需求"),
    (58, 62, Verdict::NotSelected, "涂层稳定性数据不足，建议补充体外实验后再提交"),
    (64, 55, Verdict::NotSelected, "现有电流监测方案已较成熟，差异化不足"),
    (70, 52, Verdict::NotSelected, "同类方案市场已有成熟产品，成本优势待论证"),
];
const REVIEWING: [Row; 4] = [
    ("inst_materials", false, "自修复聚氨酯电缆护套概念", "smart_equipment/smart_electrical", 2, "在聚氨酯护套中引入动态二硫键，划伤后常温24小时自愈合，延长拖链电缆寿命。", "动态键含量与力学性能的平衡配方", "赵磊、钱芳", "工业机器人拖链电缆、港口机械"),
    ("hosp_eye", false, "青少年近视进展预测视觉模型", "future_industries/artificial_intelligence", 2, "以眼底照片和屈光档案预测两年内近视进展，辅助门诊制定干预方案。", "多模态特征融合与校准方法", "应晓丽、蔡文斌", "眼视光门诊、学校视力筛查"),
    ("univ_demo", false, "人形机器人灵巧手腱绳驱动概念", "future_industries/humanoid_robots", 1, "以腱绳与微型丝杠复合驱动实现五指灵巧手，降低手部重量与成本。", "腱绳预紧与张力补偿机构", "许晨、吕思琪", "人形机器人整机厂、科研机构"),
    ("univ_feiyun", false, "数控机床热误差在线补偿概念", "smart_equipment/industrial_robots", 3, "以少量温度测点和轻量模型实时补偿主轴热伸长，提高中小企业机床加工精度。", "测点优选与模型在线更新策略", "钟伟、陶然", "模具、阀门加工企业"),
];
const POOLED: [Row; 3] = [
    ("univ_demo", true, "电驱关节一体化热管理概念", "future_industries/humanoid_robots", 2, "在电机、减速器一体化关节中嵌入相变材料，平抑峰值发热，提升人形机器人连续作业时间。", "相变材料封装与导热路径设计", "陈思远、何宇", "人形机器人、协作机器人关节模组"),
    ("inst_bio", false, "微生物合成天然色素连续发酵概念", "future_industries/synthetic_biology", 2, "以工程菌连续发酵生产类胡萝卜素，替代化学合成色素，面向食品与化妆品。", "菌株代谢通路改造方案", "冯雪、金涛", "食品添加剂、化妆品原料企业"),
    ("univ_demo", true, "低空无人机电力巡检缺陷小样本识别概念", "future_industries/low_altitude_economy", 2, "以少量标注样本训练绝缘子与金具缺陷识别模型，缩短新线路巡检模型的部署周期。", "小样本迁移与数据增强策略", "郑佳怡、孙浩", "电网运维、低空巡检服务商"),
];

fn draft(r: &Row) -> StoreResult<ConceptDraft> {
    let (field, sub) = r.3.split_once('/').ok_or_else(|| StoreError::Corrupt(format!("demo concept {}: field", r.2)))?;
    Ok(ConceptDraft {
        title: r.2.into(),
        summary: r.5.into(),
        secret_summary: r.6.into(),
        field: field.into(),
        sub_field: sub.into(),
        team: r.7.split('、').map(str::to_owned).collect(),
        trl: Trl::parse(i64::from(r.4)).map_err(|e| StoreError::Corrupt(e.message))?,
        demand: r.8.into(),
    })
}

/// Pools `rows` on `day`, each its unit's (the `researcher` login's where marked).
async fn pool(conn: &mut AnyConnection, net: &Network, rows: &[Row], day: chrono::NaiveDate) -> StoreResult<Vec<i64>> {
    let center = net.center(CENTER)?.id;
    let researcher = net.user("researcher")?;
    let mut ids = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let org = net.org_key(r.0)?.id;
        let (actor, proposer) = if r.1 { (researcher.clone(), researcher.user_id) } else { (Actor { user_id: None, label: net.org_key(r.0)?.name.clone(), ip: None }, None) };
        let minutes = i64::try_from(i).unwrap_or(0) * 37;
        ids.push(concepts::create(conn, &actor, at(day, minutes), org, center, proposer, &draft(r)?).await?);
    }
    Ok(ids)
}

/// Fills the pool and the batches; answers how many seeds entered the library.
pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<usize> {
    let today = china_day(net.now);
    let center = net.center(CENTER)?.id;
    let me = net.user("center")?;

    // A quarter's batch, reviewed and published two months ago.
    let opened = today - Duration::days(70);
    let ids = pool(conn, net, &PUBLISHED, opened - Duration::days(30)).await?;
    let batch = BatchDraft { title: "第三季度种子论证".into(), review_on: opened + Duration::days(7), panel: vec!["包海凯".into(), "温州电气集团 吴总工".into(), "瓯江创投 林合伙人".into()] };
    let id = batches::open(conn, &me, at(opened, 0), center, &batch).await?;
    let rows: Vec<Assessment> = ids
        .iter()
        .zip(PUBLISHED_ASSESSMENTS)
        .map(|(k, (tech, market, verdict, opinion))| Assessment { concept_id: *k, tech_score: tech, market_score: market, verdict, opinion: opinion.into() })
        .collect();
    let v = batches::get(&mut *conn, id).await?.version;
    batches::assess(conn, &me, at(batch.review_on, 240), id, v, &rows).await?;
    let v = batches::get(&mut *conn, id).await?.version;
    let published = batch.review_on + Duration::days(3);
    let seeds = batches::publish(conn, &me, at(published, 0), id, v, published).await?;

    // This quarter's batch, opened last week: two of four assessed.
    let opened = today - Duration::days(6);
    let ids = pool(conn, net, &REVIEWING, opened - Duration::days(40)).await?;
    let batch = BatchDraft { title: "第四季度种子论证".into(), review_on: today + Duration::days(2), panel: vec!["包海凯".into(), "鹿湾智能电气 周总工".into(), "瓯江创投 林合伙人".into()] };
    let id = batches::open(conn, &me, at(opened, 0), center, &batch).await?;
    let rows = vec![
        Assessment { concept_id: ids[0], tech_score: 81, market_score: 77, verdict: Verdict::Seed, opinion: "拖链电缆寿命痛点明确，配方路线可行".into() },
        Assessment { concept_id: ids[1], tech_score: 74, market_score: 79, verdict: Verdict::Seed, opinion: "筛查数据基础好，需关注数据合规".into() },
    ];
    let v = batches::get(&mut *conn, id).await?.version;
    batches::assess(conn, &me, at(opened + Duration::days(1), 120), id, v, &rows).await?;

    // Waiting for the next batch.
    pool(conn, net, &POOLED, today - Duration::days(4)).await?;
    Ok(usize::try_from(seeds).unwrap_or(0))
}
