//! The demo network's project pipeline (演示数据): every result is submitted
//! through intake and then taken, step by step, through the history its
//! state implies — screening panels invited, pledging and scoring on the
//! sheet, admission or rejection, a verification plan with milestones
//! submitted, accepted and paid, outcomes, the numbered report, a few mutual
//! recognitions, hand-offs the demo pilot platforms accept and report back
//! on. Each step is decided by [`ResultState::apply`] on guards read from the
//! store as the web reads them, and written by the store's own functions,
//! dated in the past (never after the day before loading). Derived
//! deterministically; all invented.

use pocnet_domain::money::Yuan;
use crate::when::at;
use crate::wenzhou::Network;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, MilestoneId, OrgId, ResultId};
use pocnet_domain::center::CenterKind;
use pocnet_domain::library::intake::{Patent, ResultDraft, ResultStage, SecretPart};
use pocnet_domain::library::pipeline::{PipelineGuards, ResultAction};
use pocnet_domain::library::verification::{check_release, Finding, MilestoneAction, MilestoneInput, MilestoneStatus, PlanInput, Recommendation, ReportInput};
use pocnet_domain::outcome::OutcomeKind;
use pocnet_domain::research_result::{ResultSource, ResultState, Trl};
use pocnet_domain::review::{sheet, ReviewPurpose};
use pocnet_store::library::pipeline::{self, Project, Step, StepEffects};
use pocnet_store::library::verification::{self, MilestoneStep};
use pocnet_domain::panel::seat::{Declaration, SeatStatus};
use pocnet_store::library::{handoffs, intake, reports};
use pocnet_store::panels::{self, Card, Subject};
use pocnet_store::{Actor, StoreError, StoreResult};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

const MANAGERS: &[&str] = &["陈海宁", "林思远", "黄雅琴", "周振华", "吴若琳", "郑子昂", "徐晓岚", "潘启航"];
const MILESTONES: &[(&str, &str, &str, i64)] = &[
    ("technical", "关键性能指标验证", "核心指标达到设计值并经第三方检测", 300_000),
    ("scenario", "真实场景应用验证", "在合作单位场景连续运行三个月无重大故障", 250_000),
    ("commercial", "商业模式与市场验证", "取得不少于2家意向客户并完成成本测算", 150_000),
];

/// A result to write and the state its history ends in.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) secret_summary: String,
    pub(crate) field: String,
    pub(crate) sub_field: String,
    pub(crate) source: ResultSource,
    pub(crate) owner_org_id: OrgId,
    pub(crate) center_id: Option<CenterId>,
    pub(crate) state: ResultState,
    pub(crate) trl: i64,
    pub(crate) team: Vec<String>,
    pub(crate) patents: Vec<Patent>,
    pub(crate) submitted_on: NaiveDate,
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo pipeline: {what}"))
}

struct Ctx {
    last_day: NaiveDate,
}

impl Ctx {
    /// `from` plus `days`, never after the day before loading.
    fn after(&self, from: NaiveDate, days: i64) -> NaiveDate {
        (from + Duration::days(days)).min(self.last_day)
    }
}

/// The facts the pipeline's guards read, from what is stored of the project
/// (as the web reads them).
async fn guards(conn: &mut AnyConnection, id: ResultId) -> StoreResult<PipelineGuards> {
    let panel = panels::seats(&mut *conn, Subject::result(id)).await?;
    let plan = verification::plan(&mut *conn, id).await?;
    let milestones = verification::milestones(&mut *conn, id).await?;
    let report = reports::report(&mut *conn, id).await?;
    Ok(PipelineGuards {
        panel_scores: panel.iter().filter(|r| r.scored()).count(),
        has_plan: plan.is_some(),
        milestones: milestones.iter().filter(|m| m.status != MilestoneStatus::Cancelled).count(),
        open_milestones: milestones.iter().filter(|m| m.status.is_open()).count(),
        has_report: report.is_some(),
        recommends_pilot: report.is_some_and(|r| r.recommendation == Recommendation::GoPilot),
    })
}

/// Takes one step as the workflow does: the domain decides on the stored facts.
async fn step(conn: &mut AnyConnection, actor: &Actor, when: DateTime<Utc>, p: &Project, action: ResultAction, comments: &str, effects: StepEffects) -> StoreResult<Project> {
    let g = guards(&mut *conn, p.id).await?;
    let by = action.actors().first().copied().ok_or_else(|| corrupt("no actor"))?;
    let transition = p.state.step(action, by, &g).map_err(|e| corrupt(format!("{}: {}", p.title, e.message)))?;
    let s = Step { transition, version: p.version, comments };
    pipeline::take_step(&mut *conn, actor, when, p.id, &s, &effects).await
}

/// Moves a milestone as the workflow does.
async fn milestone(conn: &mut AnyConnection, actor: &Actor, day: NaiveDate, minutes: i64, mid: MilestoneId, action: MilestoneAction, evidence: Option<&str>) -> StoreResult<()> {
    let m = verification::milestone(&mut *conn, mid).await?;
    let transition = m.status.step(action, evidence.is_some_and(|e| !e.is_empty())).map_err(|e| corrupt(e.message))?;
    let s = MilestoneStep { transition, version: m.version, evidence, note: "", today: day };
    verification::step_milestone(&mut *conn, actor, at(day, minutes), mid, &s).await?;
    Ok(())
}

/// The outcomes the `n`-th verified result reports.
fn outcomes(n: i64, handed_off: bool) -> Vec<(OutcomeKind, i64, &'static str)> {
    let mut add = vec![(OutcomeKind::Prototype, 0i64, "样机测试报告")];
    if handed_off || n % 3 == 0 {
        add.push((OutcomeKind::Product, 0, "产品检测报告"));
    }
    if handed_off || n % 4 == 0 {
        add.push((OutcomeKind::LandedTransfer, 0, "落地企业营业执照与合作协议"));
    }
    if n % 2 == 0 {
        add.push((OutcomeKind::ServiceContract, 60_000 + 20_000 * (n % 5), "概念验证服务合同及发票"));
    }
    if n % 3 == 1 {
        add.push((OutcomeKind::PatentAfterPrototype, 0, "专利申请受理通知书"));
    }
    if n % 5 == 2 {
        add.push((OutcomeKind::LicenceTransfer, 300_000 + 100_000 * (n % 3), "技术许可合同"));
    }
    if n % 7 == 3 {
        add.push((OutcomeKind::EquityFinancing, 3_000_000, "投资协议"));
    }
    if n % 9 == 4 {
        add.push((OutcomeKind::CompanyIncubated, 0, "新设企业营业执照"));
    }
    add
}

/// Submits every result and takes it through its pipeline; `tick` counts results.
pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network, results: &[Planned], tick: &dyn Fn()) -> StoreResult<()> {
    let today = crate::when::china_day(net.now);
    let c = Ctx { last_day: today - Duration::days(1) };
    let platforms: Vec<CenterId> = net.centers.iter().filter(|x| x.kind == CenterKind::PilotPlatform).map(|x| x.id).collect();
    let poc_centers: Vec<CenterId> = net.centers.iter().filter(|x| x.kind == CenterKind::PocCenter).map(|x| x.id).collect();
    if net.experts.len() < 4 {
        return Err(corrupt("too few experts for panels"));
    }
    let screening = sheet(ReviewPurpose::Screening);
    let mut demo_expert_tasks = 0;
    let mut verified_n = 0i64;
    for (i, r) in results.iter().enumerate() {
        let i = i as i64;
        // Intake: the owning unit submits (every third result keeps its team confidential, 商业秘密).
        let owner = net.acting_for(r.owner_org_id)?;
        let trl = Trl::parse(r.trl).map_err(corrupt)?;
        let draft = ResultDraft {
            ref_no: None,
            title: r.title.clone(),
            summary: r.summary.clone(),
            secret_summary: r.secret_summary.clone(),
            field: r.field.clone(),
            sub_field: r.sub_field.clone(),
            source: r.source,
            team: r.team.clone(),
            patents: r.patents.clone(),
            trl,
            trl_evidence: String::new(),
            // The stage follows the readiness level (a sample from level 4, pilot scale from 7).
            stage: if r.trl >= 7 {
                ResultStage::Pilot
            } else if r.trl >= 4 {
                ResultStage::Prototype
            } else {
                ResultStage::Lab
            },
            secret_parts: if (i + 1) % 3 == 0 { vec![SecretPart::Team] } else { Vec::new() },
        };
        let submitted = r.submitted_on.min(c.last_day);
        let new = intake::NewResult { draft: &draft, owner_org_id: r.owner_org_id, center_id: r.center_id, submitted_on: r.submitted_on, entered_by: None };
        let id = intake::create(&mut *conn, &owner, at(submitted, 0), &new).await?;
        tick();
        let Some(center) = r.center_id else { continue };
        if r.state == ResultState::Submitted {
            continue;
        }
        let me = net.acting_for_center(center)?;
        let p = pipeline::get(&mut *conn, id).await?;

        // Screening: three outside experts, all pledged and scored once past screening.
        let started = c.after(submitted, 10);
        let p = step(conn, &me, at(started, 10), &p, ResultAction::StartScreening, "", StepEffects::default()).await?;
        let mut panel: Vec<&crate::wenzhou::Expert> = Vec::new();
        if r.state == ResultState::Screening && demo_expert_tasks < 3 {
            if let Some(e) = net.experts.iter().find(|x| Some(x.id) == net.demo_expert && x.org_id != r.owner_org_id) {
                panel.push(e);
                demo_expert_tasks += 1;
            }
        }
        let mut k = 0usize;
        while panel.len() < 3 {
            let e = &net.experts[(i as usize * 7 + k * 13) % net.experts.len()];
            k += 1;
            if e.org_id != r.owner_org_id && !panel.iter().any(|x| x.id == e.id) && Some(e.id) != net.demo_expert {
                panel.push(e);
            }
        }
        // A panel still at work was invited lately, so its review is not yet due.
        let invited = if r.state == ResultState::Screening { at(started.max(today - Duration::days(2)), 30) } else { at(started, 30) };
        for (n, e) in panel.iter().enumerate() {
            panels::invite(&mut *conn, &me, invited + Duration::minutes(n as i64), Subject::result(id), e.id, None).await?;
        }
        for (n, e) in panel.iter().enumerate() {
            let pending = r.state == ResultState::Screening && (Some(e.id) == net.demo_expert || n == 2);
            if pending {
                continue;
            }
            let base = 62 + ((i * 5 + n as i64 * 11) % 30) as u32;
            let card: Vec<(String, u32)> = screening.dimensions.iter().enumerate().map(|(d, dim)| (dim.code.to_string(), (base + d as u32 * 3).min(100))).collect();
            let total = screening.total(&card).map_err(|e| corrupt(format!("scores: {e}")))?;
            let scores: BTreeMap<&str, u32> = card.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            let when = at(c.after(started, 5), 60).max(invited + Duration::minutes(10 + n as i64));
            let step = SeatStatus::Pending.declare(Declaration::NoConflict).map_err(corrupt)?;
            panels::declare(&mut *conn, &e.actor, when, Subject::result(id), e.id, &step).await?;
            let comments = if total >= 7500 { "创新性与市场前景较好，建议入库" } else { "技术可行，市场论证需补充" };
            let json = serde_json::to_string(&scores).map_err(corrupt)?;
            let card = Card { scores_json: &json, total_hundredths: i64::from(total), comments };
            panels::score(&mut *conn, &e.actor, when + Duration::minutes(20), Subject::result(id), e.id, &card, screening).await?;
        }
        if r.state == ResultState::Screening {
            continue;
        }
        let decided = c.after(started, 20);
        let p = pipeline::get(&mut *conn, p.id).await?;
        let decision = StepEffects { decided_on: Some(decided), ..StepEffects::default() };
        if r.state == ResultState::Rejected {
            let reason = "市场需求论证不足，知识产权布局尚不完整，建议补充后重新申请";
            step(conn, &me, at(decided, 120), &p, ResultAction::Reject, reason, decision).await?;
            continue;
        }
        let p = step(conn, &me, at(decided, 120), &p, ResultAction::Admit, "", decision).await?;
        if r.state == ResultState::Admitted {
            continue;
        }

        // Verification: a plan with three milestones.
        let starts = c.after(decided, 15);
        let ends = starts + Duration::days(365);
        let plan = PlanInput {
            goal: format!("验证“{}”的技术可行性、应用场景与商业价值，形成中试或转化建议", r.title),
            trl_target: (r.trl + 2).min(9),
            manager_name: MANAGERS[i as usize % MANAGERS.len()].to_owned(),
            manager_phone: format!("1380577{:04}", (i * 37) % 10_000),
            starts_on: starts.to_string(),
            ends_on: ends.to_string(),
        }
        .parse(trl)
        .map_err(|e| corrupt(format!("plan of {}: {e:?}", r.title)))?;
        verification::save_plan(&mut *conn, &me, at(starts, 130), id, &plan, None).await?;
        let mut milestone_ids = Vec::new();
        for (n, (kind, title, goal, budget)) in MILESTONES.iter().enumerate() {
            let due = starts + Duration::days(100 * (n as i64 + 1));
            let m = MilestoneInput { kind: (*kind).to_owned(), title: (*title).to_owned(), goal: (*goal).to_owned(), due_on: due.to_string(), budget_yuan: budget.to_string() }
                .parse(&plan)
                .map_err(|e| corrupt(format!("milestone of {}: {e:?}", r.title)))?;
            milestone_ids.push((verification::add_milestone(&mut *conn, &me, at(starts, 135 + n as i64), id, &m).await?.id, due, *budget));
        }
        let p = step(conn, &me, at(starts, 150), &p, ResultAction::StartVerification, "", StepEffects::default()).await?;
        let done_all = matches!(r.state, ResultState::Verified | ResultState::HandedOff);
        for (n, (mid, due, budget)) in milestone_ids.iter().enumerate() {
            // While verifying: the first accepted and paid, the second awaiting acceptance, the third planned.
            // A project stopped after its first milestone leaves the others planned.
            let when = c.after(*due, -5);
            let accepted = done_all || n == 0;
            let submitted = accepted || (n == 1 && r.state == ResultState::Verifying);
            if submitted {
                let evidence = if accepted { "第三方检测报告与现场验证记录" } else { "阶段性验证报告" };
                milestone(conn, &owner, when, 200 + n as i64, *mid, MilestoneAction::Submit, Some(evidence)).await?;
            }
            if accepted {
                milestone(conn, &me, when, 230 + n as i64, *mid, MilestoneAction::Accept, None).await?;
                let m = verification::milestone(&mut *conn, *mid).await?;
                check_release(m.status, m.budget_yuan, m.released_yuan, Yuan::new(*budget)).map_err(|e| corrupt(e.message))?;
                verification::release(&mut *conn, &me, at(when, 260 + n as i64), *mid, m.version, Yuan::new(*budget), when).await?;
            }
        }
        if !done_all {
            if r.state == ResultState::Stopped {
                let reason = "场景验证未达预期，合作单位退出，项目终止";
                let stopped = c.after(starts, 120);
                let effects = StepEffects { decided_on: Some(stopped), ..StepEffects::default() };
                step(conn, &me, at(stopped, 300), &p, ResultAction::Stop, reason, effects).await?;
            }
            continue;
        }
        // Outcomes come out of the verification: dated between its start and the report.
        let achieved = c.after(starts, 300);
        for (kind, amount, evidence) in outcomes(verified_n, r.state == ResultState::HandedOff) {
            verification::add_outcome(&mut *conn, &me, at(achieved, 320), id, kind, achieved, Yuan::new(amount), evidence).await?;
        }
        verified_n += 1;
        // The report.
        let issued = c.after(starts, 320);
        let go_pilot = r.state == ResultState::HandedOff || i % 2 == 0;
        let report = ReportInput {
            summary: (if go_pilot { "各里程碑均通过验收，技术与市场风险可控，建议进入中试熟化" } else { "技术验证通过，商业模式仍需打磨，建议继续验证" }).to_owned(),
            findings: milestone_ids.iter().zip(MILESTONES).map(|((mid, _, _), (_, t, _, _))| Finding { milestone_id: mid.get(), finding: format!("{t}：达到验收标准") }).collect(),
            trl_after: (r.trl + 2).min(9).max(if go_pilot { 4 } else { 1 }),
            recommendation: (if go_pilot { Recommendation::GoPilot } else { Recommendation::Continue }).as_str().to_owned(),
        }
        .parse(&milestone_ids.iter().map(|m| m.0.get()).collect::<Vec<_>>(), trl)
        .map_err(|e| corrupt(format!("report of {}: {e:?}", r.title)))?;
        let record = reports::issue(&mut *conn, &me, at(issued, 340), id, center, &report, issued).await?;
        let p = pipeline::get(&mut *conn, p.id).await?;
        let effects = StepEffects { trl_after: Some(i64::from(report.trl_after.level())), ..StepEffects::default() };
        let p = step(conn, &me, at(issued, 341), &p, ResultAction::IssueReport, &record.report_no, effects).await?;
        // Mutual recognition by another PoC center now and then.
        if i % 4 == 1 {
            if let Some(other) = poc_centers.iter().find(|x| **x != center) {
                let day = c.after(issued, 10);
                reports::accept(&mut *conn, &net.acting_for_center(*other)?, at(day, 360), id, *other, "采信该验证结论，不再重复验证", day).await?;
            }
        }
        if r.state != ResultState::HandedOff || platforms.is_empty() {
            continue;
        }
        let platform = platforms[i as usize % platforms.len()];
        let host = net.acting_for_center(platform)?;
        let sent = c.after(issued, 5);
        let h = handoffs::send(&mut *conn, &me, at(sent, 380), id, platform, "验证报告建议进入中试，请安排小批量试制与工艺验证", sent).await?;
        let answered = c.after(sent, 7);
        let h = handoffs::respond(&mut *conn, &host, at(answered, 400), h.id, h.version, pocnet_domain::library::verification::HandoffState::Accepted, "同意接收，纳入本季度中试计划", answered).await?;
        step(conn, &host, at(answered, 401), &p, ResultAction::HandOff, "中试平台已接收", StepEffects::default()).await?;
        let fed = c.after(sent, 60);
        handoffs::feedback(&mut *conn, &host, at(fed, 420), h.id, h.version, "完成首轮小批量试制，良率达到90%以上", "需工艺放大资金与洁净车间产能", fed).await?;
    }
    Ok(())
}
