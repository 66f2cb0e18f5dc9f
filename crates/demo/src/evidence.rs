//! The demo's evidence side (存证·确权·登记, 000 二(十); 000 二(三) 互认): the bureau
//! trusts the provincial department's pocnet log (its reports can be accepted
//! without repeating verification) and lists the department as a witness of its
//! own log; the `center` login's center and the materials center have registered
//! data sets with their rights holders, one changed once with its reason. The
//! server signs their registration certificates when it starts (the backfill of
//! `pocnet_app::evidence::documents`), as it does for the story's reports.
//!
//! The provincial log's and witness's public keys are real keys made once with
//! `pocnet log keys --origin kjt.zhejiang.example.cn/pocnet` and
//! `pocnet log witness --show-key`; their private keys were not kept.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::Duration;
use pocnet_domain::data_rights::{HolderRole, RightsHolder};
use pocnet_store::evidence::{data_sets, keys};
use pocnet_store::StoreResult;
use sqlx::AnyConnection;

const PROVINCE_ORIGIN: &str = "kjt.zhejiang.example.cn/pocnet";
const PROVINCE_NAME: &str = "浙江省科学技术厅概念验证平台";
const PROVINCE_KEYS: &str = "kjt.zhejiang.example.cn/pocnet+6f07564f+Ae973rH+3ticSuqWrgUUiAzklnK9wtq2fWSjeE99wGRk\n\
kjt.zhejiang.example.cn/pocnet+2eef9763+/wYIKoEcz1UBg3UEAENVuY3hdXLnnGRUubketExcM+IAcrzH28G08gu1U7uwUIhjpMz2Jb4GEfd/Q8wjvKY2D9SHEOiYjS2u52BmSA==";
const WITNESS_KEY: &str = "kjt.zhejiang.example.cn/pocnet/witness+f942ea84+BBCV9qocwQxwtOUqLzSM6kuScQWaZx2QWy+fr5L421Pv";

/// (name, part, share in percent).
type Holder = (&'static str, HolderRole, Option<u8>);

/// A registered data set: (center key, days ago, title, description, terms, file name, content,
/// holders, then a change of holders with its reason and days ago, if any).
type Registered = (&'static str, i64, &'static str, &'static str, &'static str, &'static str, &'static str, &'static [Holder], Option<(&'static [Holder], &'static str, i64)>);

const DATA_SETS: &[Registered] = &[
    (
        "center_demo",
        62,
        "协作机器人关节重复定位精度验证数据",
        "六轴协作机器人样机2台，依据GB/T 12642在额定负载下各测1000个循环的位姿重复性原始记录与统计结果。",
        "协议各方科研与产品改进使用；向第三方提供须经全体权利人书面同意。",
        "joint-repeatability.csv",
        "sample,cycle,axis,deviation_mm\nA,1,x,0.012\nA,1,y,0.009\nA,2,x,0.011\nB,1,x,0.014\n",
        &[("瓯江理工大学", HolderRole::ResearchUnit, Some(60)), ("温州市瓯江理工大学智能装备概念验证中心", HolderRole::Center, Some(10)), ("瓯博智能机器人有限公司", HolderRole::Enterprise, Some(30))],
        Some((
            &[("瓯江理工大学", HolderRole::ResearchUnit, Some(50)), ("温州市瓯江理工大学智能装备概念验证中心", HolderRole::Center, Some(10)), ("瓯博智能机器人有限公司", HolderRole::Enterprise, Some(40))],
            "依2026年10月技术转让补充协议调整份额",
            18,
        )),
    ),
    (
        "center_demo",
        35,
        "低压断路器装配节拍与良率试验记录",
        "智能装配示范产线上三批次共600台断路器的装配节拍、在线检测与不良原因记录。",
        "仅限本中心与成果完成单位内部使用。",
        "breaker-line-trial.csv",
        "batch,units,takt_s,yield\n1,200,31.2,0.975\n2,200,30.4,0.985\n3,200,29.8,0.990\n",
        &[("瓯江理工大学", HolderRole::ResearchUnit, None), ("温州市瓯江理工大学智能装备概念验证中心", HolderRole::Center, None)],
        None,
    ),
    (
        "center_materials",
        21,
        "高镍三元前驱体共沉淀工艺数据集",
        "三批次连续共沉淀的温度、pH、粒径分布原始记录。",
        "权利人书面同意后用于科研；商业使用须另签许可。",
        "coprecipitation.csv",
        "batch,temp_c,ph,d50_um\n1,55.0,11.2,10.1\n2,55.2,11.1,10.3\n3,54.9,11.2,10.2\n",
        &[("温州东海新材料研究院", HolderRole::ResearchUnit, Some(70)), ("瓯能电池科技有限公司", HolderRole::Enterprise, Some(30))],
        None,
    ),
];

fn holders(list: &[Holder]) -> Vec<RightsHolder> {
    list.iter().map(|(name, role, share)| RightsHolder { name: (*name).to_owned(), role: *role, share_percent: *share }).collect()
}

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let bureau = net.user("bureau")?;
    let today = china_day(net.now);
    keys::insert_trusted(conn, &bureau, at(today - Duration::days(40), 30), PROVINCE_ORIGIN, PROVINCE_NAME, PROVINCE_KEYS).await?;
    keys::insert_witness(conn, &bureau, at(today - Duration::days(40), 40), "浙江省科学技术厅", WITNESS_KEY, "省厅每日见证本局存证日志的检查点").await?;
    for (center_key, days_ago, title, description, terms, filename, content, first, change) in DATA_SETS {
        let center = net.center(center_key)?;
        let actor = net.acting_for_center(center.id)?;
        let first = holders(first);
        let d = data_sets::register(
            conn,
            &actor,
            at(today - Duration::days(*days_ago), 90),
            &data_sets::NewDataSet {
                center_id: center.id,
                result_id: None,
                title,
                description,
                filename,
                mime: "text/csv",
                content: content.as_bytes(),
                access_terms: terms,
                holders: &first,
            },
        )
        .await?;
        if let Some((next, reason, days_ago)) = change {
            data_sets::change_rights(conn, &actor, at(today - Duration::days(*days_ago), 120), d.id, d.rights_version, &holders(next), reason).await?;
        }
    }
    Ok(())
}
