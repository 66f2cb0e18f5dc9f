//! The demo network's recognition history and the work in progress (演示数据):
//! calls for applications, and applications at every stage of the workflow,
//! written through the workflow's own store functions and decided by
//! [`ApplicationState::apply`] — so every record is what the real workflow
//! would have written: eligibility frozen at submission (and refused if not
//! met), the review chain with actors, panels with declarations and score
//! sheets, site visits, notices ending per the profile's calendar, objections,
//! and approvals that give the centers their name, stage, level and
//! certificate number ([`supervision::apply_approval`]).
//!
//! The past is dated on fixed days of 2025 (the recognized centers); the work
//! in progress is dated relative to the load time `now`, so that a visitor
//! finds the open calls open, a notice running with its objection window open,
//! an application awaiting the 瑞安市 county login, one awaiting the demo
//! expert's declaration and score, and one scored and awaiting proposal.
//! All invented.

use crate::when::{at, china_day, day_end, ymd};
use crate::wenzhou::Network;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pocnet_domain::calendar::HolidayCalendar;
use pocnet_domain::center::{CenterLevel, CenterStage};
use pocnet_domain::id::{CenterId, ExpertId, OrgId};
use pocnet_domain::eligibility;
use pocnet_domain::policy::criteria::Outcome;
use pocnet_domain::policy::{Profile, SiteVisitRule, StageKind, SHIPPED};
use pocnet_domain::recognition::{ActorKind, ApplicationState, Guards, ReviewAction};
use pocnet_domain::org::OrgKind;
use pocnet_domain::review::{sheet, ReviewPurpose};
use pocnet_domain::role::Role;
use pocnet_domain::panel::seat::{Declaration, SeatStatus};
use pocnet_store::applications::{self, Application, Step, StepEffects};
use pocnet_store::panels::{self, Card, Subject};
use pocnet_store::calls::{self, Call, CallDraft};
use pocnet_store::{centers, registry, supervision, Actor, StoreError, StoreResult};
use sqlx::AnyConnection;
use std::cell::Cell;
use std::collections::HashMap;

const WENZHOU: &str = "wenzhou-municipal-2025";
const ZHEJIANG: &str = "zhejiang-provincial-2025";
const PILOT: &str = "zhejiang-pilot-platform-2025";

/// Centers the dataset does not mark recognized that the story still takes
/// past submission (so their files must meet their profile).
pub(crate) const IN_REVIEW: &[&str] = &["center_device", "center_yandang"];

/// Centers the story puts on Wenzhou's creation list before they apply (先创建后认定).
pub(crate) const CREATION_LIST: &[&str] = &[
    "center_demo", "center_med", "center_materials", "center_laser", "center_energy", "center_bio",
    "center_eye", "center_valley", "center_port", "center_yandang", "center_device",
];

/// What the story wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Told {
    /// Calls for applications.
    pub calls: usize,
    /// Applications.
    pub applications: usize,
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo story: {what}"))
}

/// A library expert as a panel member.
#[derive(Clone)]
struct Member {
    id: ExpertId,
    org_id: OrgId,
    actor: Actor,
}

struct Ctx {
    profiles: Vec<Profile>,
    calendar: HolidayCalendar,
    bureau: Actor,
    county: Actor,
    county_region: String,
    operator: Actor,
    operator_org: OrgId,
    experts: Vec<Member>,
    demo_expert: Option<ExpertId>,
    centers: HashMap<String, CenterId>,
    /// County departments in dataset order: (region, name).
    counties: Vec<(String, String)>,
    /// Each center's advisory team.
    advisors: HashMap<CenterId, Vec<ExpertId>>,
    /// Calls and applications written.
    calls: Cell<usize>,
    applications: Cell<usize>,
}

impl Ctx {
    fn profile(&self, id: &str) -> StoreResult<&Profile> {
        self.profiles.iter().find(|p| p.id == id).ok_or_else(|| corrupt(format!("no profile {id}")))
    }

    fn center(&self, key: &str) -> StoreResult<CenterId> {
        self.centers.get(key).copied().ok_or_else(|| corrupt(format!("no center {key}")))
    }

    /// The applicant's actor: the demo operator for its own unit, else the host unit by name.
    async fn applicant(&self, conn: &mut AnyConnection, center: CenterId) -> StoreResult<Actor> {
        let c = centers::get(&mut *conn, center).await?;
        Ok(if c.host_org_id == self.operator_org { self.operator.clone() } else { Actor { user_id: None, label: c.host_org_name, ip: None } })
    }

    /// Who reviews for the county of `a`'s region: the demo county login for
    /// its own region, else that region's department by name, else the bureau
    /// (which may take the county's steps for units it receives directly).
    fn county_of(&self, a: &Application) -> (Actor, ActorKind) {
        if a.region.as_str() == self.county_region {
            return (self.county.clone(), ActorKind::County);
        }
        match self.counties.iter().find(|(region, _)| region == a.region.as_str()) {
            Some((_, name)) => (Actor { user_id: None, label: name.clone(), ip: None }, ActorKind::County),
            None => (self.bureau.clone(), ActorKind::Bureau),
        }
    }

    /// `n` experts free of conflict with `a` (not of the host unit, not on the
    /// center's advisory team, not the demo expert), chosen by a stride from `seed`.
    fn panel_for(&self, a: &Application, n: usize, seed: usize) -> StoreResult<Vec<Member>> {
        let advisors: &[ExpertId] = self.advisors.get(&a.center_id).map(Vec::as_slice).unwrap_or(&[]);
        let free: Vec<&Member> = self
            .experts
            .iter()
            .filter(|e| e.org_id != a.host_org_id && !advisors.contains(&e.id) && Some(e.id) != self.demo_expert)
            .collect();
        if free.len() < n {
            return Err(corrupt(format!("too few free experts for {}", a.proposed_name)));
        }
        let mut out: Vec<Member> = Vec::new();
        let mut k = 0usize;
        while out.len() < n {
            let e = free[(seed * 7 + k * 11) % free.len()];
            if !out.iter().any(|m| m.id == e.id) {
                out.push(e.clone());
            }
            k += 1;
        }
        Ok(out)
    }
}

/// The guards of `a` at `when`, read as the workflow reads them.
async fn guards(conn: &mut AnyConnection, profile: &Profile, a: &Application, when: DateTime<Utc>, eligible: bool) -> StoreResult<Guards> {
    let stage = profile.stage(a.kind).ok_or_else(|| corrupt("stage missing"))?;
    let panel = panels::seats(&mut *conn, Subject::application(a.id)).await?;
    let visits = applications::site_visits(&mut *conn, a.id).await?;
    let objections = applications::objections(&mut *conn, a.id).await?;
    let today = china_day(when);
    let notice_end = a.notice_end;
    Ok(Guards {
        county_review: stage.county_review,
        before_deadline: when <= a.deadline_at,
        // The demo's calls are open from their publication, and no demo host is barred.
        not_open_until: None,
        bar: None,
        notice_end,
        eligible,
        site_visit_required: stage.site_visit == SiteVisitRule::Required,
        site_visit_recorded: !visits.is_empty(),
        panel_scores: panel.iter().filter(|p| p.scored()).count(),
        notice_ended: notice_end.is_some_and(|end| today > end),
        open_objections: objections.iter().filter(|o| o.status == pocnet_domain::objection::ObjectionStatus::Open).count(),
        upheld_objections: objections.iter().filter(|o| o.status == pocnet_domain::objection::ObjectionStatus::Upheld).count(),
    })
}

/// Takes one step of the review chain as the workflow does: eligibility
/// checked and frozen on submission, the notice's end from the profile's
/// calendar, the domain deciding the next state, and on approval the grant
/// written to the center.
async fn step(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    a: &Application,
    action: ReviewAction,
    (actor, kind): (&Actor, ActorKind),
    when: DateTime<Utc>,
    comments: &str,
) -> StoreResult<Application> {
    let profile = ctx.profile(&a.profile_id)?;
    let today = china_day(when);
    let mut effects = StepEffects::default();
    let mut eligible = false;
    if action == ReviewAction::Submit {
        profile.check_name(&a.proposed_name).map_err(corrupt)?;
        let records = registry::records_in(&mut *conn, Some(a.center_id)).await?.remove(&a.center_id).ok_or(StoreError::NotFound)?;
        let e = eligibility::check(profile, a.kind, &records).ok_or_else(|| corrupt("stage missing"))?;
        if !e.eligible() {
            let unmet: Vec<&str> = e.criteria.iter().filter(|c| c.outcome != Outcome::Met).map(|c| c.code.as_str()).collect();
            return Err(corrupt(format!("{} does not meet {} ({})", a.proposed_name, profile.id, unmet.join(", "))));
        }
        eligible = true;
        effects.eligibility_json = Some(serde_json::to_string(&e).map_err(corrupt)?);
    }
    if action == ReviewAction::PublishNotice {
        let end = profile.notice_end(today, &ctx.calendar).map_err(corrupt)?;
        effects.notice = Some((today, end));
    }
    let g = guards(&mut *conn, profile, a, when, eligible).await?;
    let transition = a.state.step(action, kind, &g).map_err(|e| corrupt(format!("{}: {}", a.proposed_name, e.message)))?;
    let to = transition.to();
    if to.is_final() {
        effects.decided_on = Some(today);
    }
    let s = Step { transition, version: a.version, comments };
    let after = applications::take_step(&mut *conn, actor, when, a.id, &s, &effects).await?;
    if to == ApplicationState::Approved {
        supervision::apply_approval(&mut *conn, actor, when, &after, profile, today).await?;
    }
    Ok(after)
}

/// Invites `members` and has each declare no conflict and score on the
/// application-review sheet around `base` (a `None` score leaves that
/// member's invitation pending).
async fn panel(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    a: &Application,
    members: &[(Member, Option<u32>)],
    invited: NaiveDate,
    scored: NaiveDate,
) -> StoreResult<()> {
    let review = sheet(ReviewPurpose::ApplicationReview);
    for (n, (m, _)) in members.iter().enumerate() {
        panels::invite(&mut *conn, &ctx.bureau, at(invited, n as i64), Subject::application(a.id), m.id, None).await?;
    }
    for (n, (m, base)) in members.iter().enumerate() {
        let Some(base) = base else { continue };
        let when = at(scored + Duration::days(n as i64), 30);
        let step = SeatStatus::Pending.declare(Declaration::NoConflict).map_err(corrupt)?;
        panels::declare(&mut *conn, &m.actor, when, Subject::application(a.id), m.id, &step).await?;
        let card: Vec<(String, u32)> =
            review.dimensions.iter().enumerate().map(|(d, dim)| (dim.code.to_string(), (base + [0, 3, 1, 4][d % 4]).saturating_sub(2).min(100))).collect();
        let total = review.total(&card).map_err(corrupt)?;
        let scores: serde_json::Map<String, serde_json::Value> = card.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect();
        let comments = if *base >= 80 {
            "验证条件与团队配置符合要求，运行机制健全，建议通过"
        } else if *base >= 70 {
            "基本符合申报条件，建议补充典型验证案例"
        } else {
            "验证服务案例偏少，专职团队有待充实，暂不建议通过"
        };
        let json = serde_json::Value::Object(scores).to_string();
        let card = Card { scores_json: &json, total_hundredths: i64::from(total), comments };
        panels::score(&mut *conn, &m.actor, when + Duration::minutes(20), Subject::application(a.id), m.id, &card, review).await?;
    }
    Ok(())
}

/// The first day of a notice that ends before `approved` (the approval
/// comes on a later working day), found by stepping back from a week before.
fn notice_start_before(ctx: &Ctx, profile: &Profile, approved: NaiveDate) -> StoreResult<NaiveDate> {
    let mut start = approved - Duration::days(6);
    for _ in 0..30 {
        if ctx.calendar.is_working_day(start).map_err(corrupt)? && profile.notice_end(start, &ctx.calendar).map_err(corrupt)? < approved {
            return Ok(start);
        }
        start -= Duration::days(1);
    }
    Err(corrupt(format!("no notice fits before {approved}")))
}

/// Publishes a call: opened on `opens`, closing at the end of `deadline`.
async fn call(conn: &mut AnyConnection, ctx: &Ctx, profile_id: &str, title: &str, body: &str, opens: NaiveDate, deadline: NaiveDate) -> StoreResult<Call> {
    let d = CallDraft {
        title: title.to_owned(),
        profile_id: profile_id.to_owned(),
        kind: StageKind::Recognition,
        body: body.to_owned(),
        opens_on: opens,
        deadline_at: day_end(deadline),
    };
    ctx.calls.set(ctx.calls.get() + 1);
    calls::create(&mut *conn, &ctx.bureau, at(opens, -60), &d).await
}

/// Opens and submits an application: drafted `drafted`, submitted `submitted`.
async fn apply(conn: &mut AnyConnection, ctx: &Ctx, c: &Call, center: &str, name: &str, drafted: NaiveDate, submitted: Option<NaiveDate>) -> StoreResult<Application> {
    let center = ctx.center(center)?;
    let me = ctx.applicant(&mut *conn, center).await?;
    let a = applications::create(&mut *conn, &me, at(drafted, 0), c.id, center, name).await?;
    ctx.applications.set(ctx.applications.get() + 1);
    match submitted {
        Some(day) => step(conn, ctx, &a, ReviewAction::Submit, (&me, ActorKind::Applicant), at(day, 5), "").await,
        None => Ok(a),
    }
}

/// A past recognition: submitted before the call's deadline, recommended by
/// the county, scored by a panel, proposed, on notice, approved on `approved`.
async fn recognized(conn: &mut AnyConnection, ctx: &Ctx, c: &Call, center: &str, name: &str, approved: NaiveDate, i: i64) -> StoreResult<Application> {
    let deadline = china_day(c.deadline_at);
    let a = apply(conn, ctx, c, center, name, deadline - Duration::days(40 - i), Some(deadline - Duration::days(20 - i))).await?;
    let (county, kind) = ctx.county_of(&a);
    let a = step(conn, ctx, &a, ReviewAction::CountyApprove, (&county, kind), at(deadline + Duration::days(3 + i), 0), "材料齐全，运行情况良好，同意推荐").await?;
    let members = ctx.panel_for(&a, 3, usize::try_from(a.center_id.get()).unwrap_or(0))?;
    let scored: Vec<(Member, Option<u32>)> = members.into_iter().zip([84, 88, 81]).map(|(m, s)| (m, Some(s + (i % 3) as u32))).collect();
    panel(&mut *conn, ctx, &a, &scored, deadline + Duration::days(12), deadline + Duration::days(14)).await?;
    if i % 2 == 0 {
        applications::add_site_visit(
            &mut *conn,
            &ctx.bureau,
            at(deadline + Duration::days(18), i),
            a.id,
            deadline + Duration::days(18),
            "市科技局评审组（3人）",
            "验证场地、仪器设备与申报材料一致，专职团队在岗，验证项目台账完整",
        )
        .await?;
    }
    let profile = ctx.profile(&a.profile_id)?;
    let start = notice_start_before(ctx, profile, approved)?;
    let a = applications::get(&mut *conn, a.id).await?;
    let a = step(conn, ctx, &a, ReviewAction::Propose, (&ctx.bureau, ActorKind::Bureau), at(start - Duration::days(3), i), "专家评审通过，列入拟认定名单").await?;
    let a = step(conn, ctx, &a, ReviewAction::PublishNotice, (&ctx.bureau, ActorKind::Bureau), at(start, i), "拟认定名单公示").await?;
    step(conn, ctx, &a, ReviewAction::Approve, (&ctx.bureau, ActorKind::Bureau), at(approved, i), "公示期满无异议，予以认定").await
}

/// Writes the calls and applications of the loaded network `net`, dated
/// relative to its load time.
pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<Told> {
    let now = net.now;
    let demo_expert = net.demo_expert;
    let profiles: Vec<Profile> = SHIPPED.iter().filter_map(|(id, t)| Profile::parse(t, Some(id)).ok()).collect();
    let calendar = HolidayCalendar::state_council().map_err(|_| corrupt("the shipped holiday calendar does not parse"))?;
    let county = net.user(Role::County.as_str())?;
    let operator = net.user(Role::Center.as_str())?;
    let org_of = |name: &str| net.users.iter().find(|u| u.0 == name).and_then(|u| net.org_by_id(u.2).ok());
    let county_region = org_of(Role::County.as_str()).map(|o| o.region.as_str().to_owned()).ok_or_else(|| corrupt("no county login"))?;
    let operator_org = org_of(Role::Center.as_str()).map(|o| o.id).ok_or_else(|| corrupt("no operator login"))?;
    let ctx = Ctx {
        profiles,
        calendar,
        bureau: net.user(Role::Bureau.as_str())?,
        county,
        county_region,
        operator,
        operator_org,
        experts: net.experts.iter().map(|e| Member { id: e.id, org_id: e.org_id, actor: e.actor.clone() }).collect(),
        demo_expert,
        centers: net.centers.iter().map(|c| (c.key.clone(), c.id)).collect(),
        counties: net.org_list.iter().filter(|o| o.kind == OrgKind::CountyDepartment).map(|o| (o.region.as_str().to_owned(), o.name.clone())).collect(),
        advisors: net.advisors.clone(),
        calls: Cell::new(0),
        applications: Cell::new(0),
    };
    let bureau_step = (&ctx.bureau, ActorKind::Bureau);

    // 先创建后认定 (000 方案 三(二)): every center that applies for Wenzhou recognition is first
    // on the creation list, entered as the bureau's recorded stage change before its application.
    for key in CREATION_LIST {
        let id = ctx.center(key)?;
        let c = centers::get(&mut *conn, id).await?;
        supervision::set_stage_level(
            &mut *conn,
            &ctx.bureau,
            at(ymd(2025, 1, 10)?, 0),
            id,
            c.version,
            CenterStage::Creating,
            CenterLevel::Municipal,
            "列入2025年度温州市概念验证中心创建名单",
            "方案 三(二)",
        )
        .await?;
    }

    // 2025, first Wenzhou batch: six centers recognized on 20 May.
    let body = "根据《温州市概念验证中心建设指引（试行）》，现组织开展市级概念验证中心认定申报工作。申报单位按指引第二条条件准备材料，经所在县（市、区）科技部门审核推荐后报送市科技局。";
    let w1 = call(conn, &ctx, WENZHOU, "2025年度温州市概念验证中心认定申报通知（第一批）", body, ymd(2025, 2, 10)?, ymd(2025, 3, 31)?).await?;
    let on = ymd(2025, 5, 20)?;
    let first = [
        ("center_demo", "温州市瓯江理工大学智能装备概念验证中心"),
        ("center_med", "温州市东瓯医科大学生命健康概念验证中心"),
        ("center_materials", "温州市东海新材料研究院新材料概念验证中心"),
        ("center_laser", "温州市瓯越激光与光电研究院智能激光概念验证中心"),
        ("center_energy", "温州市飞云江能源技术研究院新能源概念验证中心"),
        ("center_bio", "温州市江心屿生物制造研究院合成生物概念验证中心"),
    ];
    for (i, (key, name)) in first.iter().enumerate() {
        recognized(conn, &ctx, &w1, key, name, on, i as i64).await?;
    }
    // 2025, the pilot platforms under the provincial pilot profile.
    let body = "根据《关于加快建设现代化中试平台的实施方案》，组织推荐申报浙江省中试平台，申报单位经县（市、区）审核后由市科技局汇总推荐。";
    let p1 = call(conn, &ctx, PILOT, "2025年度浙江省中试平台认定申报通知（温州市推荐）", body, ymd(2025, 3, 3)?, ymd(2025, 4, 15)?).await?;
    let on = ymd(2025, 6, 20)?;
    for (i, (key, name)) in [("pilot_electric", "浙江省鹿湾电气智能电气中试平台"), ("pilot_battery", "浙江省瓯能电池新型储能中试平台")].iter().enumerate() {
        recognized(conn, &ctx, &p1, key, name, on, i as i64).await?;
    }
    // 2025, second Wenzhou batch: three recognized on 26 December, one rejected.
    let body = "现组织开展2025年度第二批市级概念验证中心认定申报，重点支持未来产业领域和孵化器、医院建设主体。";
    let w2 = call(conn, &ctx, WENZHOU, "2025年度温州市概念验证中心认定申报通知（第二批）", body, ymd(2025, 8, 1)?, ymd(2025, 9, 30)?).await?;
    let on = ymd(2025, 12, 26)?;
    let second = [
        ("center_eye", "温州市瓯江眼视光医院眼健康概念验证中心"),
        ("center_valley", "温州市瓯北数智科创孵化园数字经济概念验证中心"),
        ("center_port", "温州市瓯江口科创孵化器低空经济概念验证中心"),
    ];
    for (i, (key, name)) in second.iter().enumerate() {
        recognized(conn, &ctx, &w2, key, name, on, i as i64).await?;
    }
    let deadline = ymd(2025, 9, 30)?;
    let a = apply(conn, &ctx, &w2, "center_yandang", "温州市雁荡科技学院智能电气概念验证中心", deadline - Duration::days(35), Some(deadline - Duration::days(10))).await?;
    let county_step = ctx.county_of(&a);
    let a = step(conn, &ctx, &a, ReviewAction::CountyApprove, (&county_step.0, county_step.1), at(deadline + Duration::days(5), 0), "同意推荐").await?;
    let members = ctx.panel_for(&a, 3, 3)?;
    let low: Vec<(Member, Option<u32>)> = members.into_iter().zip([58, 63, 61]).map(|(m, s)| (m, Some(s))).collect();
    panel(&mut *conn, &ctx, &a, &low, deadline + Duration::days(12), deadline + Duration::days(14)).await?;
    step(conn, &ctx, &a, ReviewAction::Reject, bureau_step, at(deadline + Duration::days(30), 0), "专家评审综合得分未达推荐线：验证服务案例偏少，专职服务团队有待充实，建议完善后再行申报").await?;

    // Key cultivation (重点培育) of two centers, recorded as the bureau's regrade.
    for key in ["center_energy", "center_bio"] {
        let id = ctx.center(key)?;
        let c = centers::get(&mut *conn, id).await?;
        supervision::set_stage_level(
            &mut *conn,
            &ctx.bureau,
            at(ymd(2025, 11, 20)?, 0),
            id,
            c.version,
            CenterStage::KeyCultivation,
            CenterLevel::Municipal,
            "年度运行评价优秀，列为市级重点培育概念验证中心",
            "方案 三(二)",
        )
        .await?;
    }

    // The work in progress, relative to today.
    let today = china_day(now);
    let day = |n: i64| today - Duration::days(n);
    let body = "2026年度市级概念验证中心认定申报常年受理、分批评审。申报单位对照指引条件在线核验并上传证明材料，经县（市、区）科技部门审核推荐后进入市级评审。";
    let w3 = call(conn, &ctx, WENZHOU, "2026年度温州市概念验证中心认定申报通知", body, day(40), today + Duration::days(40)).await?;
    // A draft of a center that does not meet the criteria yet.
    apply(conn, &ctx, &w3, "center_brain", "温州市东瓯脑科医院脑健康概念验证中心", day(6), None).await?;
    // On public notice, with a dismissed objection and an open one.
    let a = apply(conn, &ctx, &w3, "center_device", "温州市鳌湾医疗高端医疗器械概念验证中心", day(38), Some(day(36))).await?;
    let county_step = ctx.county_of(&a);
    let a = step(conn, &ctx, &a, ReviewAction::CountyApprove, (&county_step.0, county_step.1), at(day(31), 0), "材料齐全，同意推荐").await?;
    let members = ctx.panel_for(&a, 3, 5)?;
    let scored: Vec<(Member, Option<u32>)> = members.into_iter().zip([86, 83, 89]).map(|(m, s)| (m, Some(s))).collect();
    panel(&mut *conn, &ctx, &a, &scored, day(26), day(24)).await?;
    applications::add_site_visit(&mut *conn, &ctx.bureau, at(day(20), 0), a.id, day(20), "市科技局评审组（3人）", "场地与设备与申报材料一致，验证项目台账完整").await?;
    let a = applications::get(&mut *conn, a.id).await?;
    let a = step(conn, &ctx, &a, ReviewAction::Propose, bureau_step, at(day(9), 0), "专家评审通过，列入拟认定名单").await?;
    let profile = ctx.profile(WENZHOU)?;
    // The notice started on the last working day before today, if the calendar covers it.
    let mut start = None;
    for n in 1..=5 {
        let d = day(n);
        match (ctx.calendar.is_working_day(d), profile.notice_end(d, &ctx.calendar)) {
            (Ok(true), Ok(end)) if end >= today => {
                start = Some(d);
                break;
            }
            (Err(_), _) | (_, Err(_)) => break,
            _ => {}
        }
    }
    if let Some(start) = start {
        let a = step(conn, &ctx, &a, ReviewAction::PublishNotice, bureau_step, at(start, 0), "2026年度第一批拟认定名单公示").await?;
        let later = start.max(day(1));
        let public = Actor { user_id: None, label: "public".into(), ip: None };
        let o = applications::file_objection(
            &mut *conn,
            &public,
            at(start, 240),
            a.id,
            "王先生",
            "13905770000",
            "该中心申报材料所列场景验证合作医院与我院并无合作协议，请核实。",
        )
        .await?;
        applications::file_objection(
            &mut *conn,
            &public,
            at(later, 300),
            a.id,
            "瓯海某医疗器械企业",
            "contact@example.com",
            "该中心入库项目中有两项与本企业在研项目高度相似，疑涉及知识产权归属争议，请核实。",
        )
        .await?;
        let resolution = "经核实，合作医院已出具合作证明，场景验证协议真实有效，异议不成立。";
        applications::resolve_objection(&mut *conn, &ctx.bureau, at(later, 360), o.id, o.version, pocnet_domain::objection::ObjectionFinding::Dismissed, resolution).await?;
    }
    // Scored by its panel, awaiting the bureau's proposal.
    let a = apply(conn, &ctx, &w3, "center_yandang", "温州市雁荡科技学院智能电气概念验证中心", day(34), Some(day(30))).await?;
    let county_step = ctx.county_of(&a);
    let a = step(conn, &ctx, &a, ReviewAction::CountyApprove, (&county_step.0, county_step.1), at(day(25), 0), "整改后再次申报，材料齐全，同意推荐").await?;
    let members = ctx.panel_for(&a, 3, 8)?;
    let scored: Vec<(Member, Option<u32>)> = members.into_iter().zip([82, 79, 85]).map(|(m, s)| (m, Some(s))).collect();
    panel(&mut *conn, &ctx, &a, &scored, day(18), day(15)).await?;

    // The provincial call: one awaiting the 瑞安市 county, one with the demo expert invited, one returned.
    let body = "根据《关于加快建设概念验证中心的实施方案》，组织推荐申报省级概念验证中心，已认定的市级概念验证中心经县（市、区）科技部门审核后由市科技局推荐。";
    let z = call(conn, &ctx, ZHEJIANG, "2026年度浙江省概念验证中心认定申报通知（温州市推荐）", body, day(35), today + Duration::days(50)).await?;
    apply(conn, &ctx, &z, "center_energy", "浙江省飞云江能源新能源概念验证中心", day(12), Some(day(3))).await?;
    let a = apply(conn, &ctx, &z, "center_laser", "浙江省瓯越激光智能激光概念验证中心", day(30), Some(day(28))).await?;
    let county_step = ctx.county_of(&a);
    let a = step(conn, &ctx, &a, ReviewAction::CountyApprove, (&county_step.0, county_step.1), at(day(22), 0), "同意推荐").await?;
    let mut members: Vec<(Member, Option<u32>)> = ctx.panel_for(&a, 2, 13)?.into_iter().zip([87, 84]).map(|(m, s)| (m, Some(s))).collect();
    if let Some(me) = demo_expert.and_then(|id| ctx.experts.iter().find(|e| e.id == id)) {
        if me.org_id == a.host_org_id {
            return Err(corrupt("the demo expert shares a unit with the invited applicant"));
        }
        members.push((me.clone(), None));
    }
    panel(&mut *conn, &ctx, &a, &members, day(10), day(8)).await?;
    let a = apply(conn, &ctx, &z, "center_med", "浙江省东瓯医科大学生命健康概念验证中心", day(32), Some(day(29))).await?;
    let county_step = ctx.county_of(&a);
    let a = step(conn, &ctx, &a, ReviewAction::CountyApprove, (&county_step.0, county_step.1), at(day(24), 0), "同意推荐").await?;
    step(conn, &ctx, &a, ReviewAction::BureauReturn, bureau_step, at(day(16), 0), "请补充近两年省级重点领域验证案例及收益分配机制文件后重新提交").await?;

    Ok(Told { calls: ctx.calls.get(), applications: ctx.applications.get() })
}
