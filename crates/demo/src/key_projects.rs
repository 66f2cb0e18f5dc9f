//! The demo's list of key PoC platform projects (重点推进项目清单, issue 18; 004 二(二)(四)), run by
//! the `bureau` login: one built (the `center` login's center, its operation reformed), one
//! launched, one whose builder meets every condition (waiting on the bureau's to-do list), two in
//! reserve and one taken off the list.

use crate::when::{at, china_day, ymd};
use crate::wenzhou::Network;
use chrono::Duration;
use pocnet_domain::key_projects::{KeyCategory, KeyProjectDraft, Readiness};
use pocnet_store::key_projects as store;
use pocnet_store::StoreResult;
use sqlx::AnyConnection;

/// What becomes of a project: built as the builder's center, launched, or the conditions met.
enum Fate {
    Built(&'static str),
    Launched,
    Ready(usize),
    Dropped(&'static str),
}

/// Title, category, direction, goal, area, budget (万元), builder (dataset key), fate.
type Row = (&'static str, KeyCategory, &'static str, &'static str, &'static str, i64, Option<&'static str>, Fate);

const ROWS: [Row; 6] = [
    ("智能装备概念验证平台运营机制改革", KeyCategory::Reform, "智能装备", "推行“行政主任+技术主任”双主任制和市场化运营，提升原理样机验证与可靠性测试的公共服务能力", "瓯海区", 800, Some("univ_demo"), Fate::Built("center_demo")),
    ("人形机器人概念验证平台", KeyCategory::FutureIndustry, "具身智能", "建设灵巧手、关节模组和整机运动控制的概念验证能力，联动未来产业基金开展成果筛选与投资", "瓯海区", 3000, Some("inst_laser"), Fate::Launched),
    ("细胞与基因治疗概念验证平台", KeyCategory::FutureIndustry, "细胞与基因治疗", "建设细胞治疗产品的工艺开发与临床前验证能力，面向医院早期成果池开展批量论证", "鹿城区", 2500, Some("univ_med"), Fate::Ready(5)),
    ("合成生物学概念验证平台", KeyCategory::FutureIndustry, "合成生物学", "建设菌株设计、发酵放大与产物分离的概念验证能力，服务食品和化妆品原料企业", "龙湾区", 2000, Some("inst_bio"), Fate::Ready(2)),
    ("量子精密测量概念验证平台", KeyCategory::Frontier, "量子科技", "谋划储备量子精密测量在电力、医疗成像中的概念验证能力，待确定建设主体", "", 0, None, Fate::Ready(0)),
    ("6G通信概念验证平台", KeyCategory::FutureIndustry, "6G", "建设太赫兹通信器件与信道测量的概念验证能力", "乐清市", 1500, Some("inst_energy"), Fate::Dropped("建设主体研究背景与6G方向不符，调出本轮清单，待征集新的建设主体")),
];

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let today = china_day(net.now);
    let bureau = net.user("bureau")?;
    // The list was drawn up before the `center` login's center was recognized (2025-05-20).
    let listed = ymd(2024, 11, 1)?;
    for (i, (title, category, direction, goal, area, budget, builder, fate)) in ROWS.iter().enumerate() {
        let draft = KeyProjectDraft { title: (*title).into(), category: *category, direction: (*direction).into(), goal: (*goal).into(), area: (*area).into(), budget_wan: *budget };
        let lead = match builder {
            Some(k) => Some(net.org_key(k)?.id),
            None => None,
        };
        let minutes = i64::try_from(i).unwrap_or(0) * 11;
        let id = store::create(conn, &bureau, at(listed, minutes), &draft, lead).await?;
        let met = match fate {
            Fate::Ready(n) => *n,
            Fate::Built(_) | Fate::Launched | Fate::Dropped(_) => Readiness::ALL.len(),
        };
        let day = listed + Duration::days(30);
        store::set_readiness(conn, &bureau, at(day, minutes), id, 1, &Readiness::ALL[..met]).await?;
        match fate {
            Fate::Built(center) => {
                let launched = ymd(2025, 1, 15)?;
                store::launch(conn, &bureau, at(launched, 0), id, 2, launched).await?;
                let built = ymd(2025, 5, 20)?;
                store::build(conn, &bureau, at(built, 30), id, 3, net.center(center)?.id, built).await?;
            }
            Fate::Launched => {
                let launched = today - Duration::days(40);
                store::launch(conn, &bureau, at(launched, 0), id, 2, launched).await?;
            }
            Fate::Dropped(reason) => store::drop(conn, &bureau, at(today - Duration::days(90), 0), id, 2, reason).await?,
            Fate::Ready(_) => {}
        }
    }
    Ok(())
}
