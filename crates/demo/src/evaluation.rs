//! The demo's annual evaluation (年度绩效评价): one finished round and one open,
//! written through the evaluation store as the workflow would write them.
//!
//! - The finished round is the year before the open one: every covered Wenzhou
//!   center filed its annual report (one late), a panel of three library
//!   experts scored it on 方案 三(三)'s four dimensions, the bureau set the
//!   grades the bands proposed, confirmed the caution 000 四 prescribes for the
//!   one 不合格, and published the results.
//! - The open round is the current year: reports are drafts (two filed), the
//!   demo expert is invited to one center's panel and has not yet declared.
//! - The provincial pilot platforms' round of last year (001 中试): their reports
//!   correct the figures kept outside pocnet, with reasons; one is 优秀 and the
//!   bureau confirms its 100万 reward (四(14)).

use crate::when::{at, china_day, ymd};
use crate::wenzhou::Network;
use chrono::{Datelike, Duration, NaiveDate};
use pocnet_domain::evaluation::cycle::{takes_part, SECTIONS};
use pocnet_domain::evaluation::management::{propose, YearOutcome};
use pocnet_domain::evaluation::scoring::{combine, expert_means};
use pocnet_domain::evaluation::{ActionKind, ActionState, Correction, Metric, Window};
use pocnet_domain::id::{CenterId, ExpertId};
use pocnet_domain::panel::seat::{Declaration, SeatStatus};
use pocnet_domain::policy::{governing, Profile, SHIPPED};
use pocnet_store::evaluations::{self as store, actions, figures, reports, Covered, Decision, NewRound, Round};
use pocnet_store::panels::{self, Card, Subject};
use pocnet_store::{centers, Actor, StoreError, StoreResult};
use sqlx::AnyConnection;

const WENZHOU: &str = "wenzhou-municipal-2025";
const PILOTS: &str = "zhejiang-pilot-platform-2025";

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo evaluation: {what}"))
}

/// The narrative of a report, by section, for a center's `n`-th place.
fn narrative(name: &str, year: i32, n: usize) -> [String; 5] {
    let served = 18 + n * 3;
    [
        format!("{name}{year}年度完善了验证场地和仪器设备，专职服务团队稳定，双主任制运行顺畅，新增合作验证场景{}个。", 2 + n % 3),
        format!("全年受理概念验证项目并开展技术、产品与商业前景验证，服务企业{served}家，组织成果路演{}场。", 1 + n % 4),
        "专项资金按年度足额配备，合作基金完成首期投放，验证服务收费与收益分成机制进入试运行。".to_owned(),
        format!("推动验证成果在本市落地转化，带动企业新增研发投入，服务本地产业链上下游企业{}家。", served / 2),
        format!("{}年度计划拓展验证服务领域，引进专职技术经理人，提升验证报告互认和成果转化成效。", year + 1),
    ]
}

/// The covered centers of `profile` with their figures for `window`.
async fn covered(conn: &mut AnyConnection, net: &Network, profiles: &[Profile], profile: &Profile, window: Window) -> StoreResult<Vec<Row>> {
    let mut by_center = figures::of_window_in(&mut *conn, window, None).await?;
    let mut out = Vec::new();
    for c in &net.centers {
        let got = centers::get(&mut *conn, c.id).await?;
        let governed = governing(profiles, got.kind, got.level, got.profile_id.as_deref()).is_some_and(|p| p.id == profile.id);
        if governed && takes_part(got.status, got.stage) {
            let figures = by_center.remove(&c.id).unwrap_or_default();
            out.push((Covered { center_id: c.id, region: got.region.to_string(), figures }, got.name.clone(), got.host_org_id));
        }
    }
    Ok(out)
}

/// Three library experts free to judge a center: not of its host unit, not on its advisory team, not the demo expert.
fn panel_for(net: &Network, host: pocnet_domain::id::OrgId, center: CenterId, seed: usize) -> StoreResult<Vec<(ExpertId, Actor)>> {
    let advisors = net.advisors.get(&center).cloned().unwrap_or_default();
    let free: Vec<_> = net.experts.iter().filter(|e| e.org_id != host && !advisors.contains(&e.id) && Some(e.id) != net.demo_expert).collect();
    if free.len() < 3 {
        return Err(corrupt("too few free experts"));
    }
    let mut out: Vec<(ExpertId, Actor)> = Vec::new();
    let mut k = 0;
    while out.len() < 3 {
        let e = free[(seed * 5 + k * 13) % free.len()];
        if !out.iter().any(|(id, _)| *id == e.id) {
            out.push((e.id, e.actor.clone()));
        }
        k += 1;
    }
    Ok(out)
}

async fn open(conn: &mut AnyConnection, net: &Network, profiles: &[Profile], profile: &Profile, year: i32, opened: NaiveDate) -> StoreResult<(Round, Vec<Row>)> {
    let plan = &profile.evaluation;
    let window = plan.window(year);
    let rows = covered(&mut *conn, net, profiles, profile, window).await?;
    let list: Vec<Covered> = rows.iter().map(|(c, _, _)| c.clone()).collect();
    let new = NewRound { profile_id: &profile.id, year, window, report_due: window.due(plan.report_due), plan };
    let bureau = net.user("bureau")?;
    let round = store::open(&mut *conn, &bureau, at(opened, 0), &new, &list).await?;
    Ok((round, rows))
}

/// A covered center: its round entry, name and host unit.
type Row = (Covered, String, pocnet_domain::id::OrgId);

async fn file_report(conn: &mut AnyConnection, net: &Network, round: &Round, row: &Row, n: usize, on: NaiveDate, corrections: &[Correction]) -> StoreResult<()> {
    let (c, name, host) = row;
    let (center, host) = (c.center_id, *host);
    let r = reports::of(&mut *conn, round.id, center).await?;
    let t = narrative(name, round.year as i32, n);
    let text = reports::ReportText { capability: &t[0], effectiveness: &t[1], sustainability: &t[2], social_benefit: &t[3], next_year_plan: &t[4], corrections };
    debug_assert_eq!(SECTIONS.len(), t.len());
    let actor = net.acting_for(host)?;
    let saved = reports::save(&mut *conn, &actor, at(on, 0) - Duration::days(2), r.id, r.version, &text, &r.figures()).await?;
    reports::submit(&mut *conn, &actor, at(on, 30), saved.id, saved.version, on, on > round.report_due).await?;
    Ok(())
}

/// How a finished round goes: its year, each center's base score in turn, each center's
/// corrections in turn, and the bureau's reason for confirming an action of a kind.
struct Script<'a> {
    year: i32,
    bases: &'a [u32],
    corrections: &'a [Vec<Correction>],
    reason_for: fn(ActionKind) -> &'static str,
}

/// A finished round of `profile` for `year`: every covered center files its report, three experts
/// score it (a base score per center, `bases` in turn), the bureau sets the grade the bands
/// propose, confirms each proposed action with `reason_for(kind)`, and publishes in May.
async fn finished_round(conn: &mut AnyConnection, net: &Network, profiles: &[Profile], profile: &Profile, script: Script<'_>) -> StoreResult<usize> {
    let Script { year, bases, corrections, reason_for } = script;
    let plan = &profile.evaluation;
    let bureau = net.user("bureau")?;
    let current = year + 1;
    let (round, rows) = open(&mut *conn, net, profiles, profile, year, ymd(current, 1, 8)?).await?;
    let sheet = plan.expert_sheet();
    let mut written = 0;
    for (n, (c, _, host)) in rows.iter().enumerate() {
        let filed = if n == 4 { ymd(current, 4, 8)? } else { ymd(current, 3, 10)? + Duration::days(n as i64 % 15) };
        file_report(&mut *conn, net, &round, &rows[n], n, filed, corrections.get(n).map_or(&[][..], Vec::as_slice)).await?;
        let e = store::evaluation_of(&mut *conn, round.id, c.center_id).await?;
        let base = bases[n % bases.len()];
        let subject = Subject::Evaluation(e.id);
        let mut cards = Vec::new();
        for (k, (expert, actor)) in panel_for(net, *host, c.center_id, n)?.into_iter().enumerate() {
            let invited = ymd(current, 4, 10)?;
            panels::invite(&mut *conn, &bureau, at(invited, k as i64), subject, expert, None).await?;
            let step = SeatStatus::Pending.declare(Declaration::NoConflict).map_err(corrupt)?;
            let when = at(invited + Duration::days(2 + k as i64), 0);
            panels::declare(&mut *conn, &actor, when, subject, expert, &step).await?;
            let card: Vec<(String, u32)> = sheet.dimensions.iter().enumerate().map(|(d, dim)| (dim.code.to_string(), (base + [3, 0, 4, 1][(d + k) % 4]).min(100))).collect();
            let total = sheet.total(&card).map_err(corrupt)?;
            let map: std::collections::BTreeMap<String, i64> = card.iter().map(|(k, v)| (k.clone(), i64::from(*v))).collect();
            let json = serde_json::to_string(&map).map_err(corrupt)?;
            let comments = if base >= 85 { "运行规范，服务成效突出" } else if base >= 60 { "运行总体规范，服务成效有待提升" } else { "服务项目偏少，规范管理不到位" };
            panels::score(&mut *conn, &actor, when + Duration::minutes(30), subject, expert, &Card { scores_json: &json, total_hundredths: i64::from(total), comments }, &sheet).await?;
            cards.push(map);
        }
        let report = reports::of(&mut *conn, round.id, c.center_id).await?;
        let card = combine(&plan.indicators, &report.figures().corrected(&report.corrections()), &expert_means(cards.iter()));
        let grade = card.total_hundredths.and_then(|t| plan.grade_of(t)).map(|g| g.code.clone()).ok_or_else(|| corrupt("no total"))?;
        let decided = at(ymd(current, 4, 28)?, n as i64);
        store::set_scorecard(&mut *conn, decided, e.id, &card, Some(&grade)).await?;
        let e = store::evaluation(&mut *conn, e.id).await?;
        store::decide(&mut *conn, &bureau, decided, e.id, e.version, &Decision::Grade { grade: &grade, reason: "" }).await?;
        let proposals = propose(plan, year, &YearOutcome::Graded(grade.clone()), &[]);
        actions::propose(&mut *conn, e.id, round.id, c.center_id, &proposals).await?;
        for a in actions::of_evaluation(&mut *conn, e.id).await? {
            if a.state == ActionState::Proposed {
                actions::decide(&mut *conn, &bureau, decided + Duration::days(3), a.id, a.version, ActionState::Confirmed, reason_for(a.kind)).await?;
            }
        }
        written += 1;
    }
    store::publish(&mut *conn, &bureau, at(ymd(current, 5, 15)?, 0), round.id, round.version, ymd(current, 5, 15)?).await?;
    Ok(written)
}

/// Writes the demo's rounds — Wenzhou's finished last year and open this year, and the provincial
/// pilot platforms' finished last year (one 优秀 with its reward, 001 中试 四(14)) — and returns how
/// many evaluations they hold.
pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<usize> {
    let profiles: Vec<Profile> = SHIPPED.iter().filter_map(|(id, t)| Profile::parse(t, Some(id)).ok()).collect();
    let profile = profiles.iter().find(|p| p.id == WENZHOU).ok_or_else(|| corrupt("no Wenzhou profile"))?.clone();
    let today = china_day(net.now);
    let bureau = net.user("bureau")?;
    let current = today.year();
    let last = current - 1;
    let wenzhou = Script { year: last, bases: &[92, 88, 86, 90, 84, 89, 62, 91, 85, 87, 86, 90], corrections: &[], reason_for: |_| "经局务会研究，予以书面警示，限期提升" };
    let mut written = finished_round(&mut *conn, net, &profiles, &profile, wenzhou).await?;

    // The open round: this year's, opened a week ago; two reports filed, the demo expert invited to one panel.
    let (round, rows) = open(&mut *conn, net, &profiles, &profile, current, today - Duration::days(7)).await?;
    for (n, (c, _, host)) in rows.iter().enumerate() {
        let operator_org = net.users.iter().find(|u| u.0 == "center").map(|u| u.2);
        if n < 2 && Some(*host) != operator_org {
            file_report(&mut *conn, net, &round, &rows[n], n, today - Duration::days(2 - n as i64), &[]).await?;
        }
        if n == 0 {
            if let Some(expert) = net.demo_expert {
                let e = store::evaluation_of(&mut *conn, round.id, c.center_id).await?;
                panels::invite(&mut *conn, &bureau, at(today - Duration::days(1), 0), Subject::Evaluation(e.id), expert, None).await?;
            }
        }
        written += 1;
    }

    // The provincial pilot platforms' finished round (001 中试 四(14)): their reports correct the
    // figures kept outside pocnet (contracts, fixed assets, hand-offs from other provinces), with
    // reasons; one 优秀 earns the 100万 reward.
    let pilots = profiles.iter().find(|p| p.id == PILOTS).ok_or_else(|| corrupt("no pilot platform profile"))?.clone();
    let fix = |metric, value, reason: &str| Correction { metric, value, reason: reason.to_owned(), accepted: true };
    let corrections = [
        vec![
            fix(Metric::ServiceIncomeYuan, 6_200_000, "横向中试服务合同收入以合同台账为准（台账附后），部分合同未在平台登记"),
            fix(Metric::EquipmentValueYuan, 61_000_000, "中试线及检测设备原值以固定资产台账为准"),
            fix(Metric::HandoffsAccepted, 12, "承接省外概念验证中心移交项目12项，线下办理"),
        ],
        vec![
            fix(Metric::ServiceIncomeYuan, 2_100_000, "中试服务合同收入以合同台账为准"),
            fix(Metric::EquipmentValueYuan, 30_500_000, "设备原值以固定资产台账为准"),
            fix(Metric::HandoffsAccepted, 4, "承接项目含线下移交4项"),
        ],
    ];
    let script = Script {
        year: last,
        bases: &[93, 80],
        corrections: &corrections,
        reason_for: |kind| match kind {
            ActionKind::Reward => "经专家组评审为优秀，按实施方案四(14)给予绩效奖励",
            _ => "经局务会研究，予以确认",
        },
    };
    written += finished_round(&mut *conn, net, &profiles, &pilots, script).await?;
    Ok(written)
}
