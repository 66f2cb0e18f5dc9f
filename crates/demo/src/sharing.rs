//! The demo's resource sharing (资源共享, 000 二(九); 001 中试 16; 004 四(一)):
//! each listed center and pilot platform offers what it shares — capabilities,
//! instruments, pilot lines, test environments, scenarios — one paused and one
//! withdrawn; requests at every stage (one waiting for the `center` login's
//! answer, one for a pilot platform's, one accepted, one completed, one
//! declined with its reason, one cancelled); and the supporting policies of the
//! shipped seeds (配套政策).

use crate::when::china_day;
use crate::wenzhou::Network;
use chrono::Duration;
use pocnet_domain::sharing::{OfferDraft, OfferKind, OfferState, PolicyItemDraft, Qualification, RequestDraft, RequestPurpose, RequestState};
use pocnet_store::sharing::{offers, policies, requests};
use pocnet_store::{StoreError, StoreResult};
use sqlx::AnyConnection;

/// (center key, kind, name, field, what it does, conditions, fee, CNAS, CMA, state).
type Planned = (&'static str, OfferKind, &'static str, &'static str, &'static str, &'static str, &'static str, bool, bool, OfferState);

const OFFERS: &[Planned] = &[
    ("center_demo", OfferKind::Capability, "工业机器人整机性能与可靠性验证", "smart_equipment", "依据GB/T 12642对工业机器人和协作机器人整机做位姿重复性、轨迹精度和连续运行可靠性验证，出具验证报告。", "样机1台以上并提供技术资料；周期约20个工作日。", "3万元/台起，面议", false, true, OfferState::Open),
    ("center_demo", OfferKind::Instrument, "激光跟踪仪", "smart_equipment", "大尺寸空间坐标测量，测量范围80米，精度15微米+6微米/米，用于机器人标定和大型结构件检测。", "须由本中心工程师操作；提前5个工作日预约。", "800元/机时", false, false, OfferState::Open),
    ("center_demo", OfferKind::Scenario, "智能产线示范应用场景", "smart_equipment", "校内柔性装配示范产线，可供新型传感器、控制器和协作机器人在真实工况下试用。", "试用期不超过3个月；须签订安全协议。", "免费", false, false, OfferState::Open),
    ("center_med", OfferKind::Capability, "医疗器械临床前性能验证", "life_health", "有源医疗器械电气安全、生物相容性初筛与性能测试方案设计和验证。", "提供产品技术要求和样品；涉及动物实验另行约定。", "面议", false, false, OfferState::Open),
    ("center_med", OfferKind::Instrument, "流式细胞仪", "life_health", "多色流式细胞分析，可做细胞表型、凋亡和周期检测。", "须有细胞实验经历；样品须经生物安全评估。", "300元/样品", false, false, OfferState::Open),
    ("center_materials", OfferKind::Instrument, "场发射扫描电子显微镜", "new_materials", "材料微观形貌与成分分析，分辨率1纳米，配能谱仪。", "须经培训上机；提前3个工作日预约；危险样品不受理。", "400元/机时，委托测试另计", true, true, OfferState::Open),
    ("center_materials", OfferKind::Instrument, "X射线衍射仪", "new_materials", "物相定性定量分析与晶粒尺寸测定。", "粉末或块状样品；提前3个工作日预约。", "200元/样品", false, true, OfferState::Open),
    ("center_materials", OfferKind::Capability, "新材料中试前工艺验证", "new_materials", "小试配方到公斤级放大的工艺窗口验证与批次稳定性评价。", "提供小试数据与安全说明书。", "面议", false, false, OfferState::Open),
    ("center_laser", OfferKind::Capability, "激光加工工艺验证", "smart_equipment", "超快激光微加工、激光焊接与熔覆工艺开发和验证。", "提供材料与图纸；周期约15个工作日。", "2万元/项起", false, false, OfferState::Open),
    ("center_laser", OfferKind::Environment, "光学洁净实验室", "digital_economy", "千级洁净光学平台，恒温恒湿，适合光电器件装调与测试。", "须经培训；按天预约。", "1500元/天", false, false, OfferState::Paused),
    ("center_energy", OfferKind::Capability, "动力电池安全性能验证", "new_energy", "依据GB 38031开展电池针刺、过充、热失控等安全性能验证。", "样品须附安全数据表；测试期间派员到场。", "面议", true, true, OfferState::Open),
    ("center_energy", OfferKind::Instrument, "电池充放电测试系统", "new_energy", "128通道电芯与模组充放电循环测试，电流最大200安。", "提前7个工作日预约；单次占用不超过30天。", "5元/通道·小时", false, false, OfferState::Open),
    ("center_bio", OfferKind::Capability, "合成生物菌株发酵放大验证", "life_health", "5升至500升发酵罐梯度放大，验证菌株产率与工艺稳定性。", "菌株须完成生物安全评估。", "面议", false, false, OfferState::Open),
    ("center_eye", OfferKind::Scenario, "眼视光门诊新产品试用场景", "life_health", "眼视光门诊与视光中心，可供近视防控产品、视功能检测设备开展真实世界试用。", "须通过医院伦理审查；试用方案经医务部门同意。", "免费", false, false, OfferState::Open),
    ("center_port", OfferKind::Scenario, "低空物流试飞空域与起降场", "future_industries", "海岛间低空物流试飞航线与两处起降场，可开展载物飞行验证。", "须取得空域申请批复；试飞前报备。", "面议", false, false, OfferState::Open),
    ("center_port", OfferKind::Environment, "无人机外场试验场", "future_industries", "抗风、续航与避障外场测试场地。", "按周预约；自备保险。", "3000元/天", false, false, OfferState::Withdrawn),
    ("pilot_electric", OfferKind::Line, "低压电器智能装配中试线", "smart_equipment", "断路器、接触器小批量试制与工艺验证，节拍30秒/台。", "提供图纸与物料清单；最小批量200台。", "面议", false, true, OfferState::Open),
    ("pilot_electric", OfferKind::Environment, "电磁兼容试验室", "smart_equipment", "3米法电波暗室，辐射发射、抗扰度测试。", "提前10个工作日预约。", "6000元/天", true, true, OfferState::Open),
    ("pilot_battery", OfferKind::Line, "储能电芯中试线", "new_energy", "方形磷酸铁锂电芯从匀浆到化成的全流程中试，日产能500只。", "须签订保密协议；批量不少于1000只。", "面议", false, false, OfferState::Open),
    ("pilot_battery", OfferKind::Environment, "电池安全测试舱", "new_energy", "防爆测试舱，可做热失控蔓延与储能柜消防验证。", "样品须附安全数据表；测试期间派员到场。", "8000元/次", true, true, OfferState::Open),
    ("pilot_materials", OfferKind::Line, "高分子改性双螺杆中试线", "new_materials", "双螺杆挤出造粒，产能50公斤/小时，可做共混改性与母粒试制。", "提供配方与原料安全说明。", "2000元/小时", false, false, OfferState::Open),
];

/// (requesting organisation key, offer name, purpose, what is wanted, days from now to start, length in days, where it got, reason, note).
type Asked = (&'static str, &'static str, RequestPurpose, &'static str, i64, i64, RequestState, &'static str, &'static str);

const REQUESTS: &[Asked] = &[
    ("univ_demo", "场发射扫描电子显微镜", RequestPurpose::Commission, "高镍正极材料样品12个，需SEM形貌与EDS元素分布分析。", -20, 5, RequestState::Completed, "", "已出具测试报告12份"),
    ("univ_demo", "电池安全测试舱", RequestPurpose::Use, "固态电池模组热失控蔓延测试，共3组。", 14, 3, RequestState::Requested, "", ""),
    ("@center_demo", "激光加工工艺验证", RequestPurpose::Joint, "机器人关节精密零件激光焊接工艺联合验证（跨领域联合验证）。", 10, 20, RequestState::Accepted, "", "12月中旬开始，双方各派一名工程师"),
    ("ent_robot", "工业机器人整机性能与可靠性验证", RequestPurpose::Commission, "六轴协作机器人样机2台，需重复定位精度和1000小时连续运行验证。", 7, 25, RequestState::Requested, "", ""),
    ("ent_drone", "激光跟踪仪", RequestPurpose::Use, "无人机机架大尺寸形位公差检测。", 3, 2, RequestState::Declined, "fully_booked", "本月已排满，可改约下月"),
    ("inst_bio", "流式细胞仪", RequestPurpose::Use, "工程菌株细胞活性检测，样品40个。", 5, 3, RequestState::Cancelled, "other", "样品制备推迟，申请方取消"),
];

/// The supporting policies of the shipped seeds: (title, issuer, issued, article, field, what it offers).
const POLICIES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("温州市深化和扩大概念验证中心建设行动方案(2025-2027年)", "温州市科学技术局等", "2025-10-17", "二(十一)", "", "经市级及以上概念验证中心验证通过的项目，优先纳入市科创基金直接投资范围；建立“验证-孵化-产业化”基金接力机制，引导社会资本跟投。"),
    ("温州市深化和扩大概念验证中心建设行动方案(2025-2027年)", "温州市科学技术局等", "2025-10-17", "二(九)", "", "建立概念验证能力及仪器设备等创新资源共享机制，支持以“代工”方式将专业化检测、试制等环节委托专业机构实施；建立验证能力互补清单。"),
    ("关于加快建设现代化中试平台的实施方案", "浙江省经济和信息化厅等", "2025-06-26", "四(14)", "", "新认定的省级中试平台按新投入设备等因素一次性补助最高1000万元；升级为国家级的奖励3000万元；年度绩效考核优秀的奖励100万元，3年内最多一次；鼓励以创新券、服务券补助中试费用。"),
    ("关于加快建设概念验证中心的实施方案", "浙江省科学技术厅等", "2025-06-26", "四", "", "对列入省级概念验证中心的，按其上年度对外提供概念验证和相关服务的绩效评价情况给予支持。"),
    ("上海市高质量概念验证平台建设实施方案", "上海市科学技术委员会", "2025-07-10", "四(一)", "", "将概念验证服务纳入科技创新券目录，支持科技型中小企业采购概念验证服务；制订四张清单，建立服务地图。"),
    ("上海市高质量概念验证平台建设实施方案", "上海市科学技术委员会", "2025-07-10", "五(二)", "", "新建概念验证平台支持金额最高可至3000万元；对评价突出的自建平台给予后补助，不超过300万元/年。"),
];

fn day(s: &str) -> StoreResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("demo: no day {s}")))
}

/// Writes the demo's offers, requests and supporting policies.
/// Writes the offers, requests and policies; returns each offer's (name, id, center).
pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<Vec<(&'static str, pocnet_domain::id::OfferId, pocnet_domain::id::CenterId)>> {
    let today = china_day(net.now);
    let bureau = net.user("bureau")?;
    let mut written: Vec<(&'static str, pocnet_domain::id::OfferId, pocnet_domain::id::CenterId, pocnet_domain::id::OrgId)> = Vec::new();
    for (center_key, kind, name, field, description, conditions, fee, cnas, cma, state) in OFFERS {
        let center = net.center(center_key)?;
        let actor = net.acting_for_center(center.id)?;
        let mut qualifications = Vec::new();
        if *cnas {
            qualifications.push(Qualification::Cnas);
        }
        if *cma {
            qualifications.push(Qualification::Cma);
        }
        let draft = OfferDraft {
            kind: *kind,
            name: (*name).into(),
            field: (*field).into(),
            description: (*description).into(),
            conditions: (*conditions).into(),
            fee_terms: (*fee).into(),
            qualifications,
            capacity: if *name == "电池安全测试舱" { 2 } else { 1 },
        };
        let id = offers::create(conn, &actor, net.now, center.id, &draft).await?;
        if *state != OfferState::Open {
            let reason = if *state == OfferState::Paused { "设备年度维护" } else { "场地租约到期" };
            offers::set_state(conn, &actor, net.now, id, 1, *state, Some(reason)).await?;
        }
        written.push((name, id, center.id, center.host_org_id));
    }
    for (org_key, offer_name, purpose, description, start, days, state, reason, note) in REQUESTS {
        let (_, offer, center, host) = *written.iter().find(|w| w.0 == *offer_name).ok_or_else(|| StoreError::Corrupt(format!("demo: no offer {offer_name}")))?;
        let (requester, by) = match org_key.strip_prefix('@') {
            // The `center` login's unit, asking another center.
            Some(center_key) => {
                let host = net.center(center_key)?.host_org_id;
                (host, net.user_id("center"))
            }
            None => {
                let org = net.org_key(org_key)?.id;
                (org, net.users.iter().find(|u| u.2 == org && u.0 == "researcher").map(|u| u.1))
            }
        };
        let requester_actor = match by {
            Some(u) => pocnet_store::Actor::user(u, if org_key.starts_with('@') { "center" } else { "researcher" }, None),
            None => net.acting_for(requester)?,
        };
        let provider = net.acting_for(host)?;
        let from = today + Duration::days(*start);
        let draft = RequestDraft { purpose: *purpose, description: (*description).into(), wanted_from: from, wanted_to: from + Duration::days(*days) };
        let id = requests::create(conn, &requester_actor, net.now, offer, center, requester, by, &draft).await?;
        let steps: &[(RequestState, bool)] = match state {
            RequestState::Requested => &[],
            RequestState::Accepted => &[(RequestState::Accepted, true)],
            RequestState::Completed => &[(RequestState::Accepted, true), (RequestState::Completed, true)],
            RequestState::Declined => &[(RequestState::Declined, true)],
            RequestState::Cancelled => &[(RequestState::Accepted, true), (RequestState::Cancelled, false)],
            RequestState::Withdrawn => &[(RequestState::Withdrawn, false)],
        };
        for (version, (to, by_provider)) in steps.iter().enumerate() {
            let last = version + 1 == steps.len();
            let actor = if *by_provider { &provider } else { &requester_actor };
            let (r, n) = if last { (*reason, *note) } else { ("", "") };
            requests::set_state(conn, actor, net.now, id, version as i64 + 1, *to, r, n).await?;
        }
    }
    for (title, issuer, issued, article, field, summary) in POLICIES {
        let draft = PolicyItemDraft {
            title: (*title).into(),
            issuer: (*issuer).into(),
            issued_on: day(issued)?,
            article: (*article).into(),
            summary: (*summary).into(),
            field: (*field).into(),
        };
        policies::create(conn, &bureau, net.now, &draft).await?;
    }
    Ok(written.into_iter().map(|(name, offer, center, _)| (name, offer, center)).collect())
}
