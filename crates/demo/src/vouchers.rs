//! The demo's innovation vouchers (科技创新券): this year's scheme (the bureau's limits:
//! 2万 per use, 10万 per enterprise, half the fee, in full up to 1万; a 200万 budget) with five
//! providers, quotas granted, waiting and refused, and uses at every stage — the `enterprise`
//! login has one paid and one delivered to redeem; the `center` login has an order to confirm;
//! the bureau has a quota to decide and a redemption to pay.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::{Datelike, Duration};
use pocnet_domain::finance::voucher::{UseState, VoucherRules};
use pocnet_domain::id::{CenterId, OfferId, VoucherQuotaId};
use pocnet_domain::money::Yuan;
use pocnet_store::finance::vouchers::{self as store, NewUse};
use pocnet_store::{Actor, StoreError, StoreResult};
use sqlx::AnyConnection;

const PROVIDERS: &[&str] = &["center_demo", "center_materials", "center_energy", "pilot_electric", "pilot_battery"];

/// (enterprise org key, asked, granted or None = waiting, refusal reason, purpose).
const QUOTAS: &[(&str, i64, Option<i64>, &str, &str)] = &[
    ("ent_robot", 100_000, Some(80_000), "按年度预算统筹核定", "协作机器人整机可靠性验证与新型关节电磁兼容测试"),
    ("ent_electric", 50_000, Some(50_000), "", "智能断路器样机验证与材料分析"),
    ("ent_battery", 60_000, None, "", "固态电池模组热失控验证"),
    ("ent_chip", 80_000, Some(0), "申请用途为芯片流片，不属于概念验证或中试服务", "芯片流片费用"),
];

/// (enterprise org key, offer name, what, fee, final state, days ago).
const USES: &[(&str, &str, &str, i64, UseState, i64)] = &[
    ("ent_robot", "工业机器人整机性能与可靠性验证", "六轴协作机器人样机2台，重复定位精度与1000小时连续运行验证。", 60_000, UseState::Paid, 70),
    ("ent_robot", "激光跟踪仪", "机器人末端轨迹精度标定，2个机时。", 8_000, UseState::Delivered, 12),
    ("ent_robot", "电磁兼容试验室", "新型关节驱动器辐射发射与抗扰度摸底测试。", 24_000, UseState::Requested, 3),
    ("ent_electric", "工业机器人整机性能与可靠性验证", "断路器自动装配机械臂可靠性验证1台。", 30_000, UseState::Requested, 2),
    ("ent_electric", "场发射扫描电子显微镜", "触头材料SEM形貌与能谱分析12个样品。", 12_000, UseState::Redeeming, 25),
    ("ent_electric", "动力电池安全性能验证", "储能模块针刺与过充验证。", 40_000, UseState::Declined, 30),
];

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network, offers: &[(&'static str, OfferId, CenterId)]) -> StoreResult<()> {
    let bureau = net.user("bureau")?;
    let today = china_day(net.now);
    let opened = at(today - Duration::days(90), 30);
    let rules = VoucherRules { budget: Yuan::new(2_000_000), per_use_cap: Yuan::new(20_000), per_year_cap: Yuan::new(100_000), share_percent: 50, full_cover_up_to: Yuan::new(10_000) };
    let year = today.year();
    let scheme = store::create_scheme(conn, &bureau, opened, year, &format!("{year}年度科技创新券"), &rules).await?;
    for key in PROVIDERS {
        store::add_provider(conn, &bureau, opened, scheme, net.center(key)?.id).await?;
    }
    let mut quotas: Vec<(&str, VoucherQuotaId, Actor)> = Vec::new();
    for (n, (org_key, asked, granted, reason, purpose)) in QUOTAS.iter().enumerate() {
        let org = net.org_key(org_key)?.id;
        // The `enterprise` login is the unit's own account; other units act by name.
        let by = net.users.iter().find(|u| u.2 == org).map(|u| u.1);
        let actor = match by {
            Some(u) => Actor::user(u, "enterprise", None),
            None => net.acting_for(org)?,
        };
        let applied = at(today - Duration::days(85 - n as i64), 60);
        let id = store::apply(conn, &actor, applied, scheme, org, by, Yuan::new(*asked), purpose).await?;
        match granted {
            Some(0) => store::decide(conn, &bureau, applied + Duration::days(3), id, 1, None, reason).await?,
            Some(g) => store::decide(conn, &bureau, applied + Duration::days(3), id, 1, Some(Yuan::new(*g)), reason).await?,
            None => {}
        }
        quotas.push((org_key, id, actor));
    }
    for (org_key, offer_name, what, fee, end, days_ago) in USES {
        let (_, quota, actor) = quotas.iter().find(|q| q.0 == *org_key).ok_or_else(|| StoreError::Corrupt(format!("demo: no quota of {org_key}")))?;
        let (_, offer, center) = *offers.iter().find(|o| o.0 == *offer_name).ok_or_else(|| StoreError::Corrupt(format!("demo: no offer {offer_name}")))?;
        let q = store::quota(&mut *conn, *quota).await?;
        let fee = Yuan::new(*fee);
        let covered = rules.covered(fee);
        let asked = at(today - Duration::days(*days_ago), 90);
        let id = store::request_use(conn, actor, asked, &NewUse { quota: &q, center, offer, by: actor.user_id, description: what, fee, covered }).await?;
        let provider = net.acting_for_center(center)?;
        let steps: &[(UseState, &Actor, &str, &str)] = match end {
            UseState::Requested => &[],
            UseState::Declined => &[(UseState::Declined, &provider, "", "样品须附安全数据表，本批样品资料不全，请补齐后再申请")],
            UseState::Delivered => &[(UseState::Accepted, &provider, "", ""), (UseState::Delivered, &provider, "", "")],
            UseState::Redeeming => &[(UseState::Accepted, &provider, "", ""), (UseState::Delivered, &provider, "", ""), (UseState::Redeeming, actor, "33012600-00087215", "")],
            UseState::Paid => &[
                (UseState::Accepted, &provider, "", ""),
                (UseState::Delivered, &provider, "", ""),
                (UseState::Redeeming, actor, "33012600-00061433", ""),
                (UseState::Paid, &bureau, "", ""),
            ],
            UseState::Accepted | UseState::Cancelled | UseState::Refused => return Err(StoreError::Corrupt(format!("demo: no use planned to end {}", end.as_str()))),
        };
        for (n, (to, who, invoice, reason)) in steps.iter().enumerate() {
            let u = store::get_use(&mut *conn, id).await?;
            let when = asked + Duration::days(2 * (n as i64 + 1));
            store::step_use(conn, who, when, &u, u.version, *to, u.fee_yuan, u.covered_yuan, if invoice.is_empty() { &u.invoice_no } else { invoice }, reason).await?;
        }
    }
    Ok(())
}
