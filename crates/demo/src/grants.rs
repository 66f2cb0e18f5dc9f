//! The demo's subsidies and rewards (财政补助与奖励) and the loans and insurance catalogue: the
//! bureau had pocnet propose last year's and this year's grants from the records (the pilot
//! platform's 优秀 reward of 001 中试 四(14) among them) and approved and paid some, one still
//! waits for its decision; two banks and an insurer publish products (one a small-firm pilot
//! loan with a 0.8 % guarantee fee, 001 中试 15); the `enterprise` login's loan was approved and
//! another enterprise's application waits for its bank.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::{Datelike, Duration};
use pocnet_domain::finance::grant::GrantState;
use pocnet_domain::finance::product::{ProductApplicationState, ProductDraft, ProductKind};
use pocnet_domain::money::Yuan;
use pocnet_domain::policy::{Profile, SHIPPED};
use pocnet_store::finance::{grants, products};
use pocnet_store::{Actor, StoreResult};
use sqlx::AnyConnection;

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let profiles: Vec<Profile> = SHIPPED.iter().filter_map(|(id, t)| Profile::parse(t, Some(id)).ok()).collect();
    let today = china_day(net.now);
    let bureau = net.user("bureau")?;
    for (year, days_ago) in [(today.year() - 1, 40), (today.year(), 10)] {
        grants::propose_year(conn, &bureau, at(today - Duration::days(days_ago), 0), &profiles, year).await?;
    }
    // Decide and pay all but the newest subsidy, which waits in the bureau's to-do list.
    let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, programme FROM grants ORDER BY id").fetch_all(&mut *conn).await?;
    let waiting = ids.iter().rev().find(|(_, p)| p != "excellent_reward").map(|(id, _)| *id);
    for (n, (id, _)) in ids.iter().enumerate() {
        if Some(*id) == waiting {
            continue;
        }
        let g = grants::get(&mut *conn, *id).await?;
        if g.state != GrantState::Proposed {
            continue;
        }
        let amount = g.proposed_yuan.or(g.cap_yuan.map(|c| c.min(500_000))).unwrap_or(500_000);
        let day = today - Duration::days(8 - n as i64 % 5);
        grants::decide(conn, &bureau, at(day, 30), *id, g.version, Some(amount), "按政策标准核定").await?;
        let g = grants::get(&mut *conn, *id).await?;
        let paid = if n % 2 == 0 || g.programme == "excellent_reward" { amount } else { amount * 6 / 10 };
        grants::pay(conn, &bureau, at(day, 90), &g, day, Yuan::new(paid), &format!("财政拨款凭证{}-{:03}", day.year(), n + 1)).await?;
    }

    // The catalogue.
    let org = |k: &str| net.org_key(k).map(|o| (o.id, Actor { user_id: None, label: o.name.clone(), ip: None }));
    let (bank, bank_actor) = org("bank_tech")?;
    let (rural, rural_actor) = org("bank_rural")?;
    let (insurer, insurer_actor) = org("ins_oujiang")?;
    let product = |kind, name: &str, terms: &str, max: i64, months, rate, fee, small, eligibility: &str| ProductDraft {
        kind,
        name: name.to_owned(),
        terms: terms.to_owned(),
        max_amount: Yuan::new(max),
        term_months: months,
        rate_bp: rate,
        guarantee_fee_bp: fee,
        for_small_firms: small,
        eligibility: eligibility.to_owned(),
        contact: "0577-8800 0000".to_owned(),
    };
    let published = today - Duration::days(60);
    let poc = products::publish(conn, &bank_actor, at(published, 0), bank, &product(ProductKind::PocLoan, "概念验证贷", "信用方式，以验证报告和知识产权作为授信参考，按季付息", 3_000_000, 24, 320, None, false, "项目已入库概念验证中心或已取得验证报告的科技型企业")).await?;
    let pilot = products::publish(conn, &rural_actor, at(published, 10), rural, &product(ProductKind::RdLoan, "中试研发贷", "政府性融资担保，担保费率0.8%，随借随还", 5_000_000, 36, 345, Some(80), true, "在省级中试平台开展中试的科技型小微企业")).await?;
    products::publish(conn, &insurer_actor, at(published, 20), insurer, &product(ProductKind::PilotInsurance, "中试综合保险", "承保中试过程中的设备损坏、试验失败损失与第三者责任", 10_000_000, 12, 120, None, true, "在中试平台开展中试的企业")).await?;
    let robot = net.org_key("ent_robot")?.id;
    let enterprise = net.user("enterprise")?;
    let p = products::get(&mut *conn, pilot).await?;
    let a = products::apply(conn, &enterprise, at(today - Duration::days(20), 0), &p, robot, Yuan::new(2_000_000), "协作机器人关节在中试平台小批量试制").await?;
    products::answer(conn, &rural_actor, at(today - Duration::days(12), 0), a, 1, &products::Outcome { to: ProductApplicationState::Approved, approved: Some(Yuan::new(1_500_000)), reason: "" }).await?;
    let electric = net.org_key("ent_electric")?;
    let electric_actor = Actor { user_id: None, label: electric.name.clone(), ip: None };
    let p = products::get(&mut *conn, poc).await?;
    products::apply(conn, &electric_actor, at(today - Duration::days(3), 0), &p, electric.id, Yuan::new(1_000_000), "智能断路器样机概念验证").await?;
    Ok(())
}
