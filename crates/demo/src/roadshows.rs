//! The demo's roadshows and investors' interest (000 二(十一), 002 三(九)): a verified-results
//! roadshow the bureau held last month (guests who came and one who did not), the bureau's
//! coming industry-demand roadshow and the `center` login's coming one; the `investor` login
//! (瓯湾科创投资基金) invested in one of the `center` login's projects after the pledge, waits
//! for the center on a second, is to sign the pledge on a third, and another fund was declined.
//! Each party's to-do list has its line.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::{Datelike, Duration, NaiveDate};
use pocnet_domain::finance::investment::{next_interest_state, InterestParty, InterestStep};
use pocnet_domain::finance::roadshow::{InviteeKind, RoadshowDraft, RoadshowKind, RoadshowMode};
use pocnet_domain::id::{CenterId, InterestId, OrgId, ResultId, RoadshowId};
use pocnet_domain::money::Yuan;
use pocnet_store::finance::interests::{self, NewInterest, StepChange};
use pocnet_store::finance::roadshows;
use pocnet_store::{Actor, StoreError, StoreResult};
use sqlx::AnyConnection;

/// A verified project of a center: (id, owner unit).
async fn verified(conn: &mut AnyConnection, center: CenterId, n: i64) -> StoreResult<Vec<(ResultId, OrgId)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT id, owner_org_id FROM research_results WHERE center_id = $1 AND state IN ('verified', 'handed_off') ORDER BY id LIMIT $2")
        .bind(center.get())
        .bind(n)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|(r, o)| (ResultId::new(r), OrgId::new(o))).collect())
}

#[allow(clippy::too_many_arguments)]
async fn roadshow(
    conn: &mut AnyConnection,
    actor: &Actor,
    organiser: OrgId,
    center: Option<CenterId>,
    scheduled: NaiveDate,
    draft: RoadshowDraft,
    projects: &[ResultId],
    guests: &[(OrgId, InviteeKind)],
) -> StoreResult<RoadshowId> {
    let id = roadshows::create(conn, actor, at(scheduled, 0), organiser, center, &draft).await?;
    for (i, p) in projects.iter().enumerate() {
        roadshows::add_project(conn, actor, at(scheduled, 10 + i as i64), id, *p).await?;
    }
    for (i, (org, kind)) in guests.iter().enumerate() {
        roadshows::invite(conn, actor, at(scheduled, 30 + i as i64), id, *org, *kind).await?;
    }
    Ok(id)
}

/// One step of an interest: who, what, as which party, the amount, the note, the day.
type Planned<'a> = (&'a Actor, InterestStep, InterestParty, Option<i64>, &'a str, NaiveDate);

/// Takes `steps` on an interest in order, each by its party on its day.
async fn advance(conn: &mut AnyConnection, id: InterestId, steps: &[Planned<'_>]) -> StoreResult<()> {
    for (actor, step, party, amount, note, day) in steps {
        let i = interests::get(&mut *conn, id).await?;
        let (_, other) = party.sides(i.owner_accepted, i.center_accepted);
        let to = next_interest_state(i.state, *step, *party, other).map_err(|m| StoreError::Corrupt(format!("demo interest {id}: {m}")))?;
        let (owner, center) = party.acceptances_after(*step, i.owner_accepted, i.center_accepted);
        let change = StepChange { step: *step, party: party.code(), to, owner_accepted: owner, center_accepted: center, amount: amount.map(Yuan::new), note };
        interests::step(conn, actor, at(*day, 60), *day, &i, i.version, &change).await?;
    }
    Ok(())
}

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let today = china_day(net.now);
    let bureau = net.user("bureau")?;
    let bureau_org = net.org_key("bureau")?.id;
    let investor = net.user("investor")?;
    let demo = net.center("center_demo")?;
    let demo_id = CenterId::new(demo.id.get());
    let operator = net.acting_for_center(demo.id)?;
    let mine = verified(conn, demo_id, 4).await?;
    let materials = verified(conn, CenterId::new(net.center("center_materials")?.id.get()), 2).await?;
    let energy = verified(conn, CenterId::new(net.center("center_energy")?.id.get()), 2).await?;
    if mine.len() < 3 || materials.is_empty() {
        return Err(StoreError::Corrupt("demo: too few verified projects for the roadshows".into()));
    }
    let org = |k: &str| net.org_key(k).map(|o| o.id);
    let (fund, angel, industry, bank, rural, robot) = (org("fund_demo")?, org("fund_angel")?, org("fund_industry")?, org("bank_tech")?, org("bank_rural")?, org("ent_robot")?);

    // Held last month by the bureau: the center's projects and a materials project before four guests.
    let held_on = today - Duration::days(35);
    let draft = |kind, theme: &str, field: &str, held_on, mode, place: &str, note: &str| RoadshowDraft {
        kind,
        theme: theme.to_owned(),
        field: field.to_owned(),
        held_on,
        mode,
        place: place.to_owned(),
        note: note.to_owned(),
    };
    let shown: Vec<ResultId> = mine.iter().take(3).map(|p| p.0).chain(materials.iter().take(1).map(|p| p.0)).collect();
    let held = roadshow(
        conn,
        &bureau,
        bureau_org,
        None,
        held_on - Duration::days(21),
        draft(RoadshowKind::VerifiedResults, &format!("{}年第{}期验证成果专项路演", held_on.year(), 3), "", held_on, RoadshowMode::Hybrid, "温州市科技大厦三楼路演厅", "每个项目路演8分钟、问答7分钟；线上同步直播。"),
        &shown,
        &[(fund, InviteeKind::Investor), (angel, InviteeKind::Fund), (bank, InviteeKind::Bank), (robot, InviteeKind::ChainLeader)],
    )
    .await?;
    let v = roadshows::get(&mut *conn, held).await?;
    roadshows::record_attendance(conn, &bureau, at(held_on, 300), held, v.version, &[fund, angel, robot]).await?;

    // Coming: the bureau's industry-demand roadshow and the center's own推介会.
    let demand_day = today + Duration::days(20);
    let demand_projects: Vec<ResultId> = energy.iter().map(|p| p.0).collect();
    roadshow(
        conn,
        &bureau,
        bureau_org,
        None,
        today - Duration::days(5),
        draft(RoadshowKind::IndustryDemand, "新能源产业需求专场路演", "new_energy", demand_day, RoadshowMode::Onsite, "瑞安市科技创新中心", "链主企业发布技术需求，高校院所团队现场对接。"),
        &demand_projects,
        &[(industry, InviteeKind::Fund), (rural, InviteeKind::Bank)],
    )
    .await?;
    roadshow(
        conn,
        &operator,
        demo.host_org_id,
        Some(demo_id),
        today - Duration::days(3),
        draft(RoadshowKind::VerifiedResults, "智能装备概念验证项目推介会", "smart_equipment", today + Duration::days(10), RoadshowMode::Online, "", "腾讯会议，会议号于会前一日发送。"),
        &mine.iter().skip(1).take(2).map(|p| p.0).collect::<Vec<_>>(),
        &[(fund, InviteeKind::Investor)],
    )
    .await?;

    // The interests, each from the held roadshow.
    let owner_of = |p: &(ResultId, OrgId)| net.acting_for(p.1);
    let express = |p: (ResultId, OrgId), investor_org: OrgId, message: &'static str| NewInterest { result: p.0, center: demo_id, owner: p.1, investor: investor_org, roadshow: Some(held), message };
    let angel_actor = Actor { user_id: None, label: net.org_key("fund_angel")?.name.clone(), ip: None };

    // 1. Invested after the pledge, the term sheet and due diligence.
    let d0 = held_on + Duration::days(1);
    let i1 = interests::express(conn, &investor, at(d0, 0), d0, &express(mine[0], fund, "拟领投A轮，投资额约500万元，希望了解量产工艺与专利布局。")).await?;
    let owner = owner_of(&mine[0])?;
    advance(
        conn,
        i1,
        &[
            (&owner, InterestStep::Accept, InterestParty::Owner, None, "", d0 + Duration::days(2)),
            (&operator, InterestStep::Accept, InterestParty::Center, None, "", d0 + Duration::days(3)),
            (&investor, InterestStep::Pledge, InterestParty::Investor, None, "", d0 + Duration::days(4)),
            (&investor, InterestStep::Diligence, InterestParty::Investor, None, "", d0 + Duration::days(6)),
            (&investor, InterestStep::SignTermSheet, InterestParty::Investor, Some(5_000_000), "A轮领投", d0 + Duration::days(16)),
            (&investor, InterestStep::Invest, InterestParty::Investor, Some(3_000_000), "A轮首期到账", d0 + Duration::days(30)),
        ],
    )
    .await?;

    // 2. The owner accepted; the center (the `center` login) is yet to answer.
    let d1 = held_on + Duration::days(2);
    let i2 = interests::express(conn, &investor, at(d1, 10), d1, &express(mine[1], fund, "关注该项目的中试放大计划，拟跟投。")).await?;
    let owner = owner_of(&mine[1])?;
    advance(conn, i2, &[(&owner, InterestStep::Accept, InterestParty::Owner, None, "", d1 + Duration::days(3))]).await?;

    // 3. Both accepted: the investor is to sign the pledge.
    let i3 = interests::express(conn, &investor, at(d1, 20), d1, &express(mine[2], fund, "希望进一步了解样机测试数据。")).await?;
    let owner = owner_of(&mine[2])?;
    advance(conn, i3, &[(&owner, InterestStep::Accept, InterestParty::Owner, None, "", d1 + Duration::days(4)), (&operator, InterestStep::Accept, InterestParty::Center, None, "", d1 + Duration::days(5))]).await?;

    // 4. Another fund declined by the center with its reason.
    let i4 = interests::express(conn, &angel_actor, at(d1, 30), d1, &express(mine[0], angel, "天使轮跟投意向。")).await?;
    advance(conn, i4, &[(&operator, InterestStep::Decline, InterestParty::Center, None, "本轮融资已由领投方确定，暂不引入新的投资方", d1 + Duration::days(6))]).await?;
    Ok(())
}
