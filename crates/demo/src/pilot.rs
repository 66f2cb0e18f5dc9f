//! The demo's pilot projects and bookings (issue 18; 001 中试 8, 10, 16): every hand-off a pilot
//! platform accepted is its pilot project, as in the real flow. At the `platform` login's
//! 鹿湾智能电气中试平台 one hand-off's project ended in a pilot report fed back to its PoC center,
//! one runs with its line booked, one waits for the chief expert's review; the `enterprise`
//! login's direct application has a plan waiting for its confirmation, another enterprise's waits
//! to be accepted. The line and the EMC chamber carry bookings around today and a maintenance block.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::{Duration, NaiveDate};
use pocnet_domain::id::{CenterId, HandoffId, OfferId};
use pocnet_domain::pilot::project::{ApplicationDraft, MilestoneDraft, ReportDraft, ReviewDraft};
use pocnet_domain::pilot::{BookingSpan, MarketFit, MassProduction, PilotAction, PilotSource, PilotStage, PilotState};
use pocnet_store::library::handoffs;
use pocnet_store::pilot::bookings::{self, NewBooking};
use pocnet_store::pilot::projects::{self, Origin};
use pocnet_store::{Actor, StoreError, StoreResult};
use sqlx::AnyConnection;

/// The platform the `platform` login operates.
const PLATFORM: &str = "pilot_electric";

fn offer(offers: &[(&'static str, OfferId, CenterId)], name: &str) -> StoreResult<OfferId> {
    offers.iter().find(|o| o.0 == name).map(|o| o.1).ok_or_else(|| StoreError::Corrupt(format!("demo: no offer {name}")))
}

async fn version(conn: &mut AnyConnection, id: i64) -> StoreResult<i64> {
    Ok(projects::get(&mut *conn, id).await?.version)
}

fn plan(start: NaiveDate, rows: &[(PilotStage, &str, i64, i64)]) -> Vec<MilestoneDraft> {
    rows.iter().map(|(stage, title, days, fee)| MilestoneDraft { stage: *stage, title: (*title).to_owned(), due_on: start + Duration::days(*days), fee_yuan: *fee }).collect()
}

async fn review(conn: &mut AnyConnection, actor: &Actor, id: i64, day: NaiveDate, who: &str, opinion: &str) -> StoreResult<()> {
    let v = version(conn, id).await?;
    let r = ReviewDraft { conclusion: PilotAction::Feasible, reviewer: who.to_owned(), opinion: opinion.to_owned() };
    projects::review(conn, actor, at(day, 60), id, v, &r, PilotState::Planning, day).await
}

#[allow(clippy::too_many_arguments)]
async fn book(conn: &mut AnyConnection, actor: &Actor, when: NaiveDate, offer: OfferId, platform: CenterId, project: Option<i64>, from: NaiveDate, to: NaiveDate, note: &str) -> StoreResult<()> {
    let span = BookingSpan { starts_on: from, ends_on: to, units: 1 };
    bookings::book(conn, actor, at(when, 90), &NewBooking { offer, platform, project, span, note }).await?;
    Ok(())
}

/// Takes an older hand-off's project through review, a one-stage plan and its report.
async fn finish(conn: &mut AnyConnection, platform: &Actor, applicant: &Actor, id: i64, opened: NaiveDate, h: &handoffs::Handoff) -> StoreResult<()> {
    let feedback = h.feedback.as_str();
    let d = opened + Duration::days(5);
    review(conn, platform, id, d, "首席专家", "工艺路线可行，平台具备相应中试条件").await?;
    let rows = plan(d, &[(PilotStage::SmallBatch, "小批量试制与工艺验证", 45, 150_000)]);
    let v = version(conn, id).await?;
    projects::plan(conn, platform, at(d, 120), id, v, &rows).await?;
    let v = version(conn, id).await?;
    projects::step(conn, applicant, at(d + Duration::days(2), 0), id, v, PilotState::Planning, PilotState::Running, "").await?;
    let done = d + Duration::days(45);
    let v = version(conn, id).await?;
    projects::milestone_done(conn, platform, at(done, 200), id, v, 1, "试制完成", done).await?;
    let summary = if feedback.chars().count() >= 20 { feedback.to_owned() } else { format!("小批量试制完成，工艺稳定。{feedback}") };
    let r = ReportDraft { mass_production: MassProduction::Conditional, market_fit: MarketFit::Medium, summary, needs: h.needs.clone() };
    let v = version(conn, id).await?;
    let day = done + Duration::days(3);
    projects::report(conn, platform, at(day, 0), id, v, &r, day).await?;
    feed_back(conn, platform, h.id, &r, day).await
}

/// Writes the report back on the hand-off, as the workflow does (000 二(六) 闭环迭代).
async fn feed_back(conn: &mut AnyConnection, platform: &Actor, hid: HandoffId, r: &ReportDraft, day: NaiveDate) -> StoreResult<()> {
    let h = handoffs::get(&mut *conn, hid).await?;
    let feedback = r.handoff_feedback();
    handoffs::feedback(conn, platform, at(day, 1), h.id, h.version, &feedback, &r.needs, day).await?;
    Ok(())
}

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network, offers: &[(&'static str, OfferId, CenterId)]) -> StoreResult<()> {
    let today = china_day(net.now);
    let platform = net.center(PLATFORM)?.id;
    let me = net.user("platform")?;
    let line = offer(offers, "低压电器智能装配中试线")?;
    let emc = offer(offers, "电磁兼容试验室")?;

    // Every accepted hand-off opened its platform's pilot project on the day it was accepted.
    let accepted: Vec<(i64, i64)> = sqlx::query_as("SELECT id, platform_center_id FROM handoffs WHERE state = 'accepted' ORDER BY id").fetch_all(&mut *conn).await?;
    let mut ours = Vec::new();
    for (hid, at_platform) in accepted {
        let h = handoffs::get(&mut *conn, HandoffId::new(hid)).await?;
        let host = net.acting_for_center(h.platform_center_id)?;
        let actor = if at_platform == platform.get() { me.clone() } else { host };
        let applicant = match h.center_id {
            Some(c) => net.centers.iter().find(|x| x.id == c).map(|x| x.host_org_id),
            None => None,
        };
        let field: String = sqlx::query_scalar("SELECT field FROM research_results WHERE id = $1").bind(h.result_id.get()).fetch_one(&mut *conn).await?;
        let applicant = match applicant {
            Some(a) => a,
            None => pocnet_domain::id::OrgId::new(sqlx::query_scalar("SELECT owner_org_id FROM research_results WHERE id = $1").bind(h.result_id.get()).fetch_one(&mut *conn).await?),
        };
        let opened = h.responded_on.unwrap_or(today);
        let draft = ApplicationDraft { title: h.title.chars().take(100).collect(), field, goal: h.note.clone() };
        let origin = Origin { source: PilotSource::Handoff, handoff_id: Some(hid), result_id: Some(h.result_id.get()), applicant, state: PilotState::Reviewing };
        let id = projects::open(conn, &actor, at(opened, 402), h.platform_center_id, &origin, &draft).await?;
        if at_platform == platform.get() && ours.len() < 3 && opened >= today - Duration::days(150) {
            ours.push((id, hid, opened, applicant));
        } else if opened < today - Duration::days(90) {
            // Older hand-offs ran their course: reviewed, one stage, reported (their feedback is already on the hand-off).
            finish(conn, &actor, &net.acting_for(applicant)?, id, opened, &h).await?;
        }
    }
    let mut ours = ours.into_iter();

    // The first: reviewed, planned, confirmed by its center, run and reported; the report went back on the hand-off.
    if let Some((id, hid, opened, applicant)) = ours.next() {
        let center = net.acting_for(applicant)?;
        let d = opened + Duration::days(5);
        review(conn, &me, id, d, "首席专家 周总工", "技术路线成熟，分选节拍和安全防护满足中试要求，建议开展小批量试制").await?;
        let rows = plan(d, &[(PilotStage::Engineering, "分选工装与产线适配设计", 15, 180_000), (PilotStage::SmallBatch, "500组电池包梯次分选试运行", 40, 260_000)]);
        let v = version(conn, id).await?;
        projects::plan(conn, &me, at(d, 120), id, v, &rows).await?;
        let v = version(conn, id).await?;
        projects::step(conn, &center, at(d + Duration::days(2), 0), id, v, PilotState::Planning, PilotState::Running, "").await?;
        book(conn, &me, d + Duration::days(2), line, platform, Some(id), d + Duration::days(16), d + Duration::days(40), "").await?;
        for (seq, day, note) in [(1, 15, "工装完成并通过首件检验"), (2, 40, "完成500组分选，一致性合格率96%")] {
            let v = version(conn, id).await?;
            projects::milestone_done(conn, &me, at(d + Duration::days(day), 200), id, v, seq, note, d + Duration::days(day)).await?;
        }
        let r = ReportDraft {
            mass_production: MassProduction::Ready,
            market_fit: MarketFit::High,
            summary: "连续运行25天完成500组退役电池包分选，分选节拍90秒/组，一致性合格率96%，较人工分选效率提升4倍。".into(),
            needs: "需对接储能集成企业开展梯次电池储能柜示范；产线扩建需场地约800平方米".into(),
        };
        let day = d + Duration::days(45);
        let v = version(conn, id).await?;
        projects::report(conn, &me, at(day, 300), id, v, &r, day).await?;
        feed_back(conn, &me, HandoffId::new(hid), &r, day).await?;
    }
    // The second runs: one of three milestones done, its line booked before and after today.
    if let Some((id, _, opened, applicant)) = ours.next() {
        let center = net.acting_for(applicant)?;
        let d = (opened + Duration::days(6)).max(today - Duration::days(30));
        review(conn, &me, id, d, "首席专家 周总工", "系统集成方案可行，需补充电磁兼容摸底测试").await?;
        let rows = plan(d, &[(PilotStage::Engineering, "整机工程化与结构件开模", 20, 150_000), (PilotStage::Testing, "电磁兼容摸底与整改", 44, 60_000), (PilotStage::Samples, "试制样机20套", 70, 220_000)]);
        let v = version(conn, id).await?;
        projects::plan(conn, &me, at(d, 120), id, v, &rows).await?;
        let v = version(conn, id).await?;
        projects::step(conn, &center, at(d + Duration::days(1), 0), id, v, PilotState::Planning, PilotState::Running, "").await?;
        book(conn, &me, d + Duration::days(1), line, platform, Some(id), today - Duration::days(20), today - Duration::days(6), "").await?;
        book(conn, &me, d + Duration::days(1), line, platform, Some(id), today + Duration::days(3), today + Duration::days(12), "").await?;
        book(conn, &me, d + Duration::days(1), emc, platform, Some(id), today + Duration::days(14), today + Duration::days(15), "").await?;
        let v = version(conn, id).await?;
        projects::milestone_done(conn, &me, at(today - Duration::days(6), 200), id, v, 1, "结构件开模完成，首批样件尺寸合格", today - Duration::days(6)).await?;
    }
    // (The third waits for the chief expert's review: the platform's to-do line.)

    // The `enterprise` login applied directly; accepted and found feasible, its plan waits for its confirmation.
    let robot = net.org_key("ent_robot")?.id;
    let enterprise = net.user("enterprise")?;
    let draft = ApplicationDraft {
        title: "协作机器人一体化关节模组小批量试制".into(),
        field: "smart_equipment".into(),
        goal: "将已完成样机验证的一体化关节模组（电机、减速器、驱动器集成）放大到月产200套的小批量试制，验证装配工艺与一致性。".into(),
    };
    let applied = today - Duration::days(12);
    let origin = Origin { source: PilotSource::Direct, handoff_id: None, result_id: None, applicant: robot, state: PilotState::Applied };
    let id = projects::open(conn, &enterprise, at(applied, 30), platform, &origin, &draft).await?;
    let v = version(conn, id).await?;
    projects::step(conn, &me, at(applied + Duration::days(1), 0), id, v, PilotState::Applied, PilotState::Reviewing, "").await?;
    review(conn, &me, id, applied + Duration::days(4), "总工程师 林工", "关节模组设计定型，装配工艺可在本平台装配线上适配，建议开展小批量试制").await?;
    let start = today;
    let rows = plan(start, &[(PilotStage::Process, "装配工艺与工装适配", 20, 80_000), (PilotStage::SmallBatch, "小批量试制200套", 50, 300_000), (PilotStage::Testing, "寿命与电磁兼容测试", 60, 90_000)]);
    let v = version(conn, id).await?;
    projects::plan(conn, &me, at(today - Duration::days(2), 0), id, v, &rows).await?;
    book(conn, &me, today - Duration::days(2), line, platform, Some(id), today + Duration::days(40), today + Duration::days(49), "").await?;
    book(conn, &me, today - Duration::days(2), line, platform, None, today + Duration::days(25), today + Duration::days(27), "设备年度维护").await?;

    // Another enterprise's application waits to be accepted.
    let valve = net.org_key("ent_valve")?;
    let draft = ApplicationDraft {
        title: "智能阀门电动执行器中试".into(),
        field: "smart_equipment".into(),
        goal: "电动执行器控制板与电机总成的工程化验证和小批量装配，需电磁兼容测试。".into(),
    };
    let origin = Origin { source: PilotSource::Direct, handoff_id: None, result_id: None, applicant: valve.id, state: PilotState::Applied };
    let valve_actor = Actor { user_id: None, label: valve.name.clone(), ip: None };
    projects::open(conn, &valve_actor, at(today - Duration::days(3), 0), platform, &origin, &draft).await?;
    Ok(())
}
