//! The demo's concept-verification competitions (概念验证竞赛, issue 18; 004 四(四)) run by the
//! `bureau` login: last autumn's, its prizes announced (the `researcher` login's university among
//! the winners); this winter's, open for entries (the `researcher` login has entered one project,
//! the `enterprise` login may enter).

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::Duration;
use pocnet_domain::competitions::{award, CompetitionDraft, EntryDraft};
use pocnet_store::competitions as store;
use pocnet_store::{Actor, StoreResult};
use sqlx::AnyConnection;

/// Entrant (dataset key; the `researcher` login for `univ_demo`), title, summary, team, scenario, score.
type Row = (&'static str, &'static str, &'static str, &'static str, &'static str, i32);

const AUTUMN: [Row; 6] = [
    ("univ_demo", "基于肌电信号的外骨骼意图识别", "以表面肌电信号预测关节运动意图，驱动下肢外骨骼提前50毫秒响应。", "陈思远、郑佳怡", "康复医疗、养老照护", 92),
    ("hosp_brain", "脑卒中居家康复手功能评估手套", "柔性应变传感手套自动生成居家康复评估报告。", "林慧敏、吴建国", "社区医院、居家康复", 88),
    ("ent_robot", "协作机器人末端力控打磨模组", "以六维力控实现曲面自适应打磨，换型时间缩短到10分钟。", "何军、陈晓", "卫浴五金、汽车零部件打磨", 85),
    ("inst_laser", "超快激光微孔在线质量监测", "利用等离子体光谱实时判别微孔加工深度，在线剔除不良孔。", "周海峰、叶婷", "燃油喷嘴、精密过滤器", 79),
    ("univ_yandang", "低压断路器触头磨损声纹诊断", "通过分合闸声纹特征估计触头磨损程度。", "潘立群、黄敏", "配电运维", 71),
    ("inst_materials", "自修复聚氨酯电缆护套", "划伤后常温24小时自愈合，延长拖链电缆寿命。", "赵磊、钱芳", "工业机器人拖链电缆", 68),
];

fn entry(r: &Row) -> EntryDraft {
    EntryDraft { title: r.1.into(), summary: r.2.into(), team: r.3.into(), scenario: r.4.into() }
}

async fn entrant(net: &Network, key: &str) -> StoreResult<(Actor, pocnet_domain::id::OrgId, Option<pocnet_domain::id::UserId>)> {
    let org = net.org_key(key)?;
    if key == "univ_demo" {
        let me = net.user("researcher")?;
        return Ok((me.clone(), org.id, me.user_id));
    }
    Ok((Actor { user_id: None, label: org.name.clone(), ip: None }, org.id, None))
}

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let today = china_day(net.now);
    let bureau = net.user("bureau")?;

    // Last autumn's: entries, the jury's scores, the prizes.
    let opens = today - Duration::days(120);
    let draft = CompetitionDraft {
        title: "瓯江概念验证大赛（秋季赛）".into(),
        description: "面向智能装备、生命健康和新材料领域的早期成果，评审技术创新性、市场前景、团队和应用场景；获奖项目优先推荐进入概念验证中心项目库和市科创基金路演。".into(),
        field: String::new(),
        opens_on: opens,
        closes_on: opens + Duration::days(45),
        prizes: [1, 1, 1, 2],
    };
    let id = store::create(conn, &bureau, at(opens - Duration::days(7), 0), &draft).await?;
    for (i, r) in AUTUMN.iter().enumerate() {
        let (actor, org, by) = entrant(net, r.0).await?;
        let minutes = i64::try_from(i).unwrap_or(0) * 13;
        store::enter(conn, &actor, at(opens + Duration::days(10), minutes), id, org, by, &entry(r)).await?;
    }
    let judged = opens + Duration::days(50);
    store::close(conn, &bureau, at(draft.closes_on + Duration::days(1), 0), id, 1).await?;
    let entries = store::entries_of(conn, id).await?;
    let scored: Vec<(i64, i32)> = entries.iter().map(|(e, title)| (*e, AUTUMN.iter().find(|r| r.1 == title).map_or(60, |r| r.5))).collect();
    store::score(conn, &bureau, at(judged, 0), id, 2, &scored).await?;
    store::announce(conn, &bureau, at(judged + Duration::days(3), 0), id, 3, &award(&scored, draft.prizes), judged + Duration::days(3)).await?;

    // This winter's, open: the `researcher` login has entered one project.
    let opens = today - Duration::days(10);
    let draft = CompetitionDraft {
        title: "人形机器人与具身智能概念验证竞赛".into(),
        description: "聚焦灵巧手、关节模组、运动控制和具身智能算法的早期概念与原理样机，评审技术创新性、市场前景和团队。".into(),
        field: "future_industries".into(),
        opens_on: opens,
        closes_on: today + Duration::days(35),
        prizes: [1, 2, 3, 5],
    };
    let id = store::create(conn, &bureau, at(opens - Duration::days(5), 0), &draft).await?;
    let (actor, org, by) = entrant(net, "univ_demo").await?;
    let mine = EntryDraft {
        title: "人形机器人灵巧手腱绳驱动".into(),
        summary: "以腱绳与微型丝杠复合驱动实现五指灵巧手，手部重量降低40%。".into(),
        team: "许晨、吕思琪".into(),
        scenario: "人形机器人整机厂".into(),
    };
    store::enter(conn, &actor, at(opens + Duration::days(2), 0), id, org, by, &mine).await?;
    Ok(())
}
