//! The annual evaluation's workflows (年度绩效评价): the bureau opens a round
//! for a profile and a year — every center the profile governs gets a draft
//! annual report with its figures computed from the records and a pending
//! evaluation; the scorecard combines the (corrected) figures with the
//! panel's scores under the round's frozen plan; the bureau sets each grade
//! (or records a refusal), pocnet proposes the actions the profile
//! prescribes, the bureau confirms or dismisses each with a reason, and
//! publishes the round.

pub mod reports;

use crate::registry::{self, Access};
use crate::{Caller, Context, Error, Result};
use chrono::Datelike;
use pocnet_domain::evaluation::management::{self, PastYear, YearOutcome};
use pocnet_domain::evaluation::scoring::{self, ExpertMeans};
use pocnet_domain::evaluation::{ActionKind, ActionState, EvaluationState, Scorecard, YearFigures};
use pocnet_domain::id::{ActionId, CenterId, EvaluationId, RoundId};
use pocnet_domain::policy::profile::Evaluation as Plan;
use pocnet_domain::policy::Profile;
use pocnet_domain::role::Role;
use pocnet_domain::supervision::CenterStatus;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::centers::{self, Center};
use pocnet_store::evaluations::{self as store, actions, figures, reports as report_store, Covered, Decision, NewRound, Round};
use serde::{Deserialize, Serialize};

/// Whether a center takes part in its profile's annual evaluation (see `cycle::takes_part`).
pub fn takes_part(c: &Center) -> bool {
    pocnet_domain::evaluation::cycle::takes_part(c.status, c.stage)
}

/// The profile an evaluation runs, by id, with a plan (indicators) to run.
pub fn profile_to_run<'a>(ctx: &'a Context, profile_id: &str) -> Result<&'a Profile> {
    let p = ctx.profile(profile_id).ok_or_else(|| FieldError::unknown_value("profile_id", "政策配置"))?;
    if p.evaluation.indicators.is_empty() {
        return Err(Error::rule("no_indicators", format!("“{}”未规定评价指标，无法开展年度绩效评价", p.title)));
    }
    Ok(p)
}

/// The centers a profile's evaluation covers, with their figures for `year`.
pub async fn covered(ctx: &Context, profile: &Profile, year: i32) -> Result<Vec<(Center, YearFigures)>> {
    let window = profile.evaluation.window(year);
    let mut by_center = figures::of_window(ctx.store().pool(), window, None).await?;
    let all = centers::all(ctx.store().pool()).await?;
    Ok(all
        .into_iter()
        .filter(|c| takes_part(c) && registry::default_profile(ctx, c).is_some_and(|p| p.id == profile.id))
        .map(|c| {
            let f = by_center.remove(&c.id).unwrap_or_default();
            (c, f)
        })
        .collect())
}

/// One center's computed result (what `pocnet evaluate --dry-run` prints).
#[derive(Debug, Clone, Serialize)]
pub struct Computed {
    /// Center.
    pub center_id: CenterId,
    /// Name.
    pub center_name: String,
    /// Figures.
    pub figures: YearFigures,
    /// Scorecard (experts dimensions unscored until a panel scores them).
    pub scorecard: Scorecard,
    /// The grade the bands give the total, if complete.
    pub proposed_grade: Option<String>,
}

/// Every covered center's indicators and proposed grade for `year`, without writing.
pub async fn compute(ctx: &Context, profile: &Profile, year: i32, experts: impl Fn(CenterId) -> ExpertMeans) -> Result<Vec<Computed>> {
    let rows = covered(ctx, profile, year).await?;
    Ok(rows
        .into_iter()
        .map(|(c, f)| {
            let card = scoring::combine(&profile.evaluation.indicators, &f, &experts(c.id));
            let grade = card.total_hundredths.and_then(|t| profile.evaluation.grade_of(t)).map(|g| g.code.clone());
            Computed { center_id: c.id, center_name: c.name, figures: f, scorecard: card, proposed_grade: grade }
        })
        .collect())
}

/// A round to open, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = EvaluationRoundInput)]
pub struct RoundInput {
    /// Profile id.
    pub profile_id: String,
    /// Evaluation year (the data year).
    pub year: i32,
}

/// Opens a round (bureau): the plan frozen, a draft report and a pending evaluation per covered center.
pub async fn open_round(ctx: &Context, caller: &Caller, input: &RoundInput) -> Result<Round> {
    caller.require(&[Role::Bureau])?;
    let profile = profile_to_run(ctx, &input.profile_id)?;
    if !(2000..=2100).contains(&input.year) {
        return Err(FieldError::new("year", "out_of_range", "评价年度须在2000至2100之间").into());
    }
    let window = profile.evaluation.window(input.year);
    if window.from > ctx.today() {
        return Err(FieldError::new("year", "not_started", format!("{}年度的数据期（{}起）尚未开始", input.year, window.from)).into());
    }
    if store::round_of(ctx.store().pool(), &profile.id, input.year).await?.is_some() {
        return Err(Error::Conflict { code: "round_exists", message: format!("{}年度的评价已开启", input.year), field: Some("year".into()) });
    }
    let rows = covered(ctx, profile, input.year).await?;
    let covered: Vec<Covered> = rows.into_iter().map(|(c, f)| Covered { center_id: c.id, region: c.region.to_string(), figures: f }).collect();
    let new = NewRound { profile_id: &profile.id, year: input.year, window, report_due: window.due(profile.evaluation.report_due), plan: &profile.evaluation };
    let mut tx = ctx.store().write().await?;
    let round = store::open(&mut tx, &caller.actor(), ctx.now(), &new, &covered).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "round_exists", message: format!("{}年度的评价已开启", input.year), field: Some("year".into()) },
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(round)
}

/// Reads a round (bureau, county and center staff: it lists who is evaluated, not how).
pub async fn round(ctx: &Context, caller: &Caller, id: RoundId) -> Result<Round> {
    caller.require(&[Role::Bureau, Role::County, Role::Center])?;
    Ok(store::get(ctx.store().pool(), id).await?)
}

/// The panel's mean per experts dimension for an evaluation (scored seats only).
pub async fn expert_means(ctx: &Context, id: EvaluationId) -> Result<ExpertMeans> {
    let cards = pocnet_store::panels::score_cards(ctx.store().pool(), pocnet_store::panels::Subject::Evaluation(id)).await?;
    Ok(scoring::expert_means(cards.iter()))
}

/// Recomputes a pending evaluation's scorecard from its report's (corrected)
/// figures and the panel's scores, under the round's plan: after every change of
/// its inputs (a score, a saved report, a reviewed correction), never on a read.
pub async fn refresh(ctx: &Context, id: EvaluationId) -> Result<store::CenterEvaluation> {
    let e = store::evaluation(ctx.store().pool(), id).await?;
    if e.state != EvaluationState::Pending {
        return Ok(e);
    }
    let round = store::get(ctx.store().pool(), e.round_id).await?;
    let plan = round.plan()?;
    let report = report_store::of(ctx.store().pool(), e.round_id, e.center_id).await?;
    let figures = report.figures().corrected(&report.corrections());
    let card = scoring::combine(&plan.indicators, &figures, &expert_means(ctx, id).await?);
    let grade = card.total_hundredths.and_then(|t| plan.grade_of(t)).map(|g| g.code.clone());
    let mut tx = ctx.store().write().await?;
    store::set_scorecard(&mut tx, ctx.now(), id, &card, grade.as_deref()).await?;
    let e = store::evaluation(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(e)
}

/// Reads one evaluation: the bureau, the county of its region, the center's own operators.
pub async fn evaluation(ctx: &Context, caller: &Caller, id: EvaluationId) -> Result<store::CenterEvaluation> {
    let e = store::evaluation(ctx.store().pool(), id).await?;
    caller.require(&[Role::Bureau, Role::County, Role::Center])?;
    registry::load(ctx, Some(caller), e.center_id, Access::Read).await?;
    Ok(e)
}

/// The bureau's decision on an evaluation, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = EvaluationDecisionInput)]
pub struct DecisionInput {
    /// `grade` (set the grade) or `refused` (the center did not take part).
    pub decision: String,
    /// For `grade`: the grade code (default: the proposed one).
    #[serde(default)]
    pub grade: Option<String>,
    /// Why (required when the grade differs from the proposed one, and for a refusal).
    #[serde(default)]
    pub reason: String,
    /// For `refused`: whether the reason is accepted as good cause (正当理由).
    #[serde(default)]
    pub with_cause: Option<String>,
    /// The evaluation's version as read.
    pub version: i64,
}

fn yes(v: Option<&str>) -> bool {
    matches!(v, Some("true" | "1" | "on" | "yes"))
}

/// Sets the grade (or records a refusal) of a pending evaluation (bureau) and
/// proposes the actions its profile prescribes.
pub async fn decide(ctx: &Context, caller: &Caller, id: EvaluationId, input: &DecisionInput) -> Result<store::CenterEvaluation> {
    caller.require(&[Role::Bureau])?;
    let e = store::evaluation(ctx.store().pool(), id).await?;
    if e.state != EvaluationState::Pending {
        return Err(Error::Conflict { code: "already_decided", message: format!("该评价已{}", e.state.label_zh()), field: None });
    }
    let round = store::get(ctx.store().pool(), e.round_id).await?;
    let plan = round.plan()?;
    let (grade, reason, outcome) = match input.decision.as_str() {
        "grade" => {
            let code = input.grade.as_deref().map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).or_else(|| e.proposed_grade.clone());
            let Some(code) = code else {
                return Err(FieldError::new("grade", "no_total", "专家尚未完成评分，总分未出，须选择等次并说明理由").into());
            };
            if plan.grade(&code).is_none() {
                return Err(FieldError::unknown_value("grade", "等次").into());
            }
            let differs = e.proposed_grade.as_deref() != Some(code.as_str());
            let reason = text("reason", "理由", &input.reason, if differs { 2 } else { 0 }, 2000)?;
            (Some(code.clone()), reason, YearOutcome::Graded(code))
        }
        "refused" => {
            let reason = text("reason", "未参加评价的情况", &input.reason, 2, 2000)?;
            (None, reason, YearOutcome::Refused { with_cause: yes(input.with_cause.as_deref()) })
        }
        _ => return Err(FieldError::unknown_value("decision", "审定结论").into()),
    };
    let stored = match (&grade, &outcome) {
        (Some(grade), _) => Decision::Grade { grade, reason: &reason },
        (None, YearOutcome::Refused { with_cause }) => Decision::Refused { reason: &reason, with_cause: *with_cause },
        (None, YearOutcome::Graded(_)) => return Err(Error::rule("invalid_decision", "审定结论无效")),
    };
    let mut tx = ctx.store().write().await?;
    let history = store::history(&mut tx, e.center_id, &round.profile_id, round.year).await?;
    let past: Vec<PastYear> = history
        .iter()
        .map(|h| PastYear {
            year: h.year as i32,
            outcome: match h.state {
                EvaluationState::Graded => h.grade.clone().map(YearOutcome::Graded),
                EvaluationState::Refused => Some(YearOutcome::Refused { with_cause: h.refused_with_cause == Some(1) }),
                EvaluationState::Pending => None,
            },
            rewarded: h.rewarded > 0,
            supported: h.supported > 0,
        })
        .collect();
    let after = store::decide(&mut tx, &caller.actor(), ctx.now(), id, input.version, &stored).await?;
    let proposals = management::propose(&plan, round.year as i32, &outcome, &past);
    actions::propose(&mut tx, id, e.round_id, e.center_id, &proposals).await?;
    tx.commit().await?;
    Ok(after)
}

/// The bureau's decision on a proposed action, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ManagementActionInput)]
pub struct ActionInput {
    /// `confirm` or `dismiss`.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// The action's version as read.
    pub version: i64,
}

/// Confirms or dismisses a proposed action (bureau). A confirmed revocation
/// revokes the center (with the profile's bar on its host); a confirmed
/// rectification is recorded on the center's history.
pub async fn decide_action(ctx: &Context, caller: &Caller, id: ActionId, input: &ActionInput) -> Result<actions::Action> {
    caller.require(&[Role::Bureau])?;
    let a = actions::get(ctx.store().pool(), id).await?;
    let state = match input.decision.as_str() {
        "confirm" => ActionState::Confirmed,
        "dismiss" => ActionState::Dismissed,
        _ => return Err(FieldError::unknown_value("decision", "处理意见").into()),
    };
    let reason = text("reason", "理由", &input.reason, 2, 2000)?;
    let (c, _) = registry::load(ctx, Some(caller), a.center_id, Access::Manage).await?;
    let round = store::get(ctx.store().pool(), a.round_id).await?;
    if state == ActionState::Confirmed && a.kind == ActionKind::Revoke && c.status != CenterStatus::Active {
        return Err(Error::Conflict { code: "not_active", message: "该中心已撤销或终止".into(), field: None });
    }
    let mut tx = ctx.store().write().await?;
    let after = actions::decide(&mut tx, &caller.actor(), ctx.now(), id, input.version, state, &reason).await?;
    if state == ActionState::Confirmed {
        let today = ctx.today();
        match a.kind {
            ActionKind::Revoke => {
                let from = pocnet_domain::supervision::may_apply_again_from(today, u32::try_from(a.bar_years).unwrap_or(0));
                let label = format!("{}年度绩效评价：{}", round.year, a.explanation);
                pocnet_store::supervision::revoke(&mut tx, &caller.actor(), ctx.now(), a.center_id, "evaluation", &label, &a.article, &reason, today, from).await?;
            }
            ActionKind::Rectify => {
                let what = format!("{}：限期整改至{}年度", a.explanation, a.until_year.unwrap_or(round.year + 1));
                pocnet_store::supervision::note(&mut tx, &caller.actor(), ctx.now(), a.center_id, "rectify", &what, &a.article).await?;
            }
            ActionKind::Caution | ActionKind::Reward | ActionKind::RewardBarred | ActionKind::Support => {
                let what = format!("{}：{}", a.kind.label_zh(), a.explanation);
                pocnet_store::supervision::note(&mut tx, &caller.actor(), ctx.now(), a.center_id, a.kind.as_str(), &what, &a.article).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(after)
}

/// Publishes a round (bureau) once every evaluation is graded or refused.
pub async fn publish(ctx: &Context, caller: &Caller, id: RoundId, version: i64) -> Result<Round> {
    caller.require(&[Role::Bureau])?;
    let mut tx = ctx.store().write().await?;
    let pending = store::pending(&mut *tx, id).await?;
    if let Some(why) = pocnet_domain::evaluation::cycle::unpublishable(usize::try_from(pending).unwrap_or(usize::MAX)) {
        return Err(Error::rule("evaluations_pending", why));
    }
    let r = store::publish(&mut tx, &caller.actor(), ctx.now(), id, version, ctx.today()).await?;
    // Each center's result is issued signed (存证), in the publishing transaction.
    let plan = r.plan()?;
    let issuer = ctx.profile(&r.profile_id).map(|p| p.issuer.clone()).unwrap_or_default();
    let mut seq = 0;
    {
        // A round covers one network's centers (hundreds): one page holds them all.
        let list = store::list(ctx.store().pool(), id, &store::EvaluationScope::All, None, store::EvaluationOrder::Total, pocnet_store::Page::new(None, None).all()).await?;
        for e in &list.items {
            seq += 1;
            let (grade, grade_label) = match (&e.state, &e.grade) {
                (EvaluationState::Graded, Some(g)) => (g.clone(), plan.grade(g).map_or_else(|| g.clone(), |x| x.label.clone())),
                _ => ("refused".to_owned(), EvaluationState::Refused.label_zh().to_owned()),
            };
            let total = e.total_hundredths.map(|t| format!("{}.{:02}", t / 100, t % 100));
            let face = crate::evidence::documents::evaluation_face(r.year, r.id.get(), seq, &e.center_name, total.as_deref(), &grade_label, &issuer, ctx.today());
            let subject = serde_json::json!({"round_id": r.id.get(), "evaluation_id": e.id.get(), "center_id": e.center_id.get(), "year": r.year,
                "profile": r.profile_id, "total_hundredths": e.total_hundredths, "grade": grade});
            crate::evidence::documents::sign_in(&mut tx, ctx, &caller.actor(), "evaluation_result", "center", e.center_id.get().to_string(), &face, subject).await?;
        }
    }
    tx.commit().await?;
    crate::evidence::documents::seal(ctx).await;
    Ok(r)
}

/// The evaluation year a bureau would open today: the latest whose window has ended.
pub fn latest_closed_year(plan: &Plan, today: chrono::NaiveDate) -> i32 {
    let mut y = today.year();
    while plan.window(y).to >= today {
        y -= 1;
    }
    y
}

/// An evaluation's panel as the panel rules need it: the center's host unit
/// and advisory team may not sit on it; its sheet is the round's experts
/// dimensions; it takes panel work while the evaluation is pending in an open round.
pub async fn judged(ctx: &Context, e: &store::CenterEvaluation, round: &Round) -> Result<crate::panels::Judged> {
    let c = centers::get(ctx.store().pool(), e.center_id).await?;
    let advisors = pocnet_store::registry::file(ctx.store().pool(), e.center_id).await?.advisors.iter().map(|x| x.expert_id).collect();
    Ok(crate::panels::Judged {
        subject: pocnet_store::panels::Subject::Evaluation(e.id),
        owner: crate::panels::Owner { org_id: c.host_org_id, org_name: c.host_org_name.clone(), role: "中心依托单位" },
        excluded: crate::panels::Excluded::Advisors(advisors),
        sheet: round.plan()?.expert_sheet(),
        overall_score: false,
        open: e.state == EvaluationState::Pending && round.state == pocnet_domain::evaluation::RoundState::Open,
    })
}

/// An evaluation's panel for the bureau to staff (a pending evaluation of an open round).
pub async fn panel_to_manage(ctx: &Context, caller: &Caller, id: EvaluationId, replacing: bool) -> Result<crate::panels::Judged> {
    caller.require(&[Role::Bureau])?;
    let e = store::evaluation(ctx.store().pool(), id).await?;
    let round = store::get(ctx.store().pool(), e.round_id).await?;
    let j = judged(ctx, &e, &round).await?;
    if !j.open {
        let message = if replacing { "评价已审定或已发布，不能再替换专家" } else { "评价已审定或已发布，不能再邀请专家" };
        return Err(Error::Conflict { code: "illegal_transition", message: message.into(), field: None });
    }
    Ok(j)
}

/// An evaluation's panel for the calling expert to declare on or score, with its seat.
pub async fn panel_to_sit(ctx: &Context, caller: &Caller, id: EvaluationId, scoring: bool) -> Result<(crate::panels::Judged, pocnet_store::panels::Seat)> {
    caller.require(&[Role::Expert])?;
    let expert = crate::panels::expert_of(ctx, caller).await?.ok_or(Error::Forbidden)?;
    let seat = pocnet_store::panels::seat(ctx.store().pool(), pocnet_store::panels::Subject::Evaluation(id), expert).await?.ok_or(Error::NotFound)?;
    let e = store::evaluation(ctx.store().pool(), id).await?;
    let round = store::get(ctx.store().pool(), e.round_id).await?;
    let j = judged(ctx, &e, &round).await?;
    if !j.open {
        let message = if scoring { "评价已审定，不能再评分" } else { "评价已审定" };
        return Err(Error::Conflict { code: "illegal_transition", message: message.into(), field: None });
    }
    Ok((j, seat))
}

/// Which evaluations of a round the caller sees in full: the bureau all, a
/// county its region's, a center's operators their own centers'.
pub async fn scope_for(ctx: &Context, caller: &Caller) -> Result<store::EvaluationScope> {
    let Some(user) = caller.user() else { return Ok(store::EvaluationScope::All) };
    Ok(match user.role {
        Role::Bureau => store::EvaluationScope::All,
        Role::County => store::EvaluationScope::Region(user.org_region.to_string()),
        Role::Center => store::EvaluationScope::Centers(centers::hosted_by(ctx.store().pool(), user.org_id).await?.into_iter().map(|c| c.id).collect()),
        Role::Expert | Role::Researcher | Role::Investor | Role::Manager => return Err(Error::Forbidden),
    })
}

/// A page of a round's evaluations in the caller's scope.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    round_id: RoundId,
    state: Option<EvaluationState>,
    order: store::EvaluationOrder,
    page: pocnet_store::Page,
) -> Result<pocnet_store::Paged<store::CenterEvaluation>> {
    let round = store::get(ctx.store().pool(), round_id).await?;
    list_of(ctx, caller, &round, state, order, page).await
}

/// [`list`] of a round already read (its page reads it once).
pub async fn list_of(
    ctx: &Context,
    caller: &Caller,
    round: &Round,
    state: Option<EvaluationState>,
    order: store::EvaluationOrder,
    page: pocnet_store::Page,
) -> Result<pocnet_store::Paged<store::CenterEvaluation>> {
    let scope = scope_for(ctx, caller).await?;
    Ok(store::list(ctx.store().pool(), round.id, &scope, state, order, page).await?)
}

/// One line of a published round's public list (公布结果): no scores by dimension, no reasons.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishedResult {
    /// Center id.
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Center name.
    pub center_name: String,
    /// Region.
    pub region: String,
    /// Total, hundredths of a point (absent for a center that did not take part).
    pub total_hundredths: Option<i64>,
    /// Grade code (`refused` where the center did not take part).
    pub grade: String,
    /// Grade label.
    pub grade_label: String,
}

/// A published round's results, highest total first (public).
pub async fn published(ctx: &Context, round_id: RoundId, page: pocnet_store::Page) -> Result<(Round, pocnet_store::Paged<PublishedResult>)> {
    let round = store::get(ctx.store().pool(), round_id).await?;
    if round.state != pocnet_domain::evaluation::RoundState::Published {
        return Err(Error::NotFound);
    }
    let plan = round.plan()?;
    let list = store::list(ctx.store().pool(), round_id, &store::EvaluationScope::All, None, store::EvaluationOrder::Total, page).await?;
    let list = list.try_map(|e| {
        let (grade, grade_label) = match (&e.state, &e.grade) {
            (EvaluationState::Graded, Some(g)) => (g.clone(), plan.grade(g).map_or_else(|| g.clone(), |x| x.label.clone())),
            _ => ("refused".to_owned(), EvaluationState::Refused.label_zh().to_owned()),
        };
        Ok::<_, Error>(PublishedResult { center_id: e.center_id, center_name: e.center_name, region: e.region, total_hundredths: e.total_hundredths, grade, grade_label })
    })?;
    Ok((round, list))
}

/// An invited expert's view of an evaluation: the seat, and — once it has
/// declared no conflict with the pledge — the center's annual report.
pub async fn for_expert(ctx: &Context, caller: &Caller, id: EvaluationId) -> Result<(store::CenterEvaluation, pocnet_store::panels::Seat, Option<report_store::AnnualReport>)> {
    caller.require(&[Role::Expert])?;
    let expert = crate::panels::expert_of(ctx, caller).await?.ok_or(Error::Forbidden)?;
    let seat = pocnet_store::panels::seat(ctx.store().pool(), pocnet_store::panels::Subject::Evaluation(id), expert).await?.ok_or(Error::NotFound)?;
    let e = store::evaluation(ctx.store().pool(), id).await?;
    let report = if seat.conflict_status == pocnet_domain::panel::seat::SeatStatus::NoConflict {
        Some(report_store::of(ctx.store().pool(), e.round_id, e.center_id).await?)
    } else {
        None
    };
    Ok((e, seat, report))
}

/// Who a ranking orders: the centers, or their host institutions (高校、科研院所、医院 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankOf {
    /// Centers.
    Centers,
    /// Host institutions, by the mean of their centers.
    Hosts,
}

pub use pocnet_domain::evaluation::ranking::{RankedCenter, RankedHost};

/// A published round's ranking.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ranking {
    /// The round.
    pub round: Round,
    /// What it orders by: `total` or an indicator code.
    pub by: String,
    /// Its label.
    pub by_label: String,
    /// The weighting: (indicator label, weight %).
    pub weights: Vec<(String, u32)>,
    /// Centers, best first (when ranking centers).
    pub centers: Vec<RankedCenter>,
    /// Host institutions, best first (when ranking hosts).
    pub hosts: Vec<RankedHost>,
    /// How the order of centers by total moves under equal weights.
    pub sensitivity: Option<pocnet_domain::evaluation::ranking::Sensitivity>,
}

/// Rankings of published rounds already computed, by round, what they rank and how. A
/// published round's evaluations no longer change (grades, totals and scorecards are written
/// only while pending), so a ranking read once stays true; at most [`RANKINGS_KEPT`] are kept.
#[derive(Default)]
pub struct RankingCache(std::sync::Mutex<std::collections::HashMap<RankingKey, std::sync::Arc<Ranking>>>);

/// A ranking asked of a round: the round, whether of hosts, by what, of which kind of host.
type RankingKey = (RoundId, bool, String, Option<pocnet_domain::org::OrgKind>);

/// How many computed rankings the cache keeps before it starts again.
pub const RANKINGS_KEPT: usize = 512;

/// The ranking of a published round (public): of centers or hosts, by the total or one
/// indicator, optionally of one kind of host. Computed once per round and question.
pub async fn ranking(ctx: &Context, round_id: RoundId, of: RankOf, by: &str, host_kind: Option<pocnet_domain::org::OrgKind>) -> Result<std::sync::Arc<Ranking>> {
    let key = (round_id, of == RankOf::Hosts, by.to_owned(), host_kind);
    let cached = ctx.published_rankings().0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key).cloned();
    if let Some(r) = cached {
        return Ok(r);
    }
    let r = std::sync::Arc::new(compute_ranking(ctx, round_id, of, by, host_kind).await?);
    let mut kept = ctx.published_rankings().0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if kept.len() >= RANKINGS_KEPT {
        kept.clear();
    }
    kept.insert(key, r.clone());
    Ok(r)
}

async fn compute_ranking(ctx: &Context, round_id: RoundId, of: RankOf, by: &str, host_kind: Option<pocnet_domain::org::OrgKind>) -> Result<Ranking> {
    use pocnet_domain::evaluation::ranking::{equal_weight_total, host_means, places, sensitivity, value, RankBy};
    let round = store::get(ctx.store().pool(), round_id).await?;
    if round.state != pocnet_domain::evaluation::RoundState::Published {
        return Err(Error::NotFound);
    }
    let plan = round.plan()?;
    let (rank_by, by_label) = match by {
        "" | "total" => (RankBy::Total, "评价总分".to_owned()),
        code => match plan.indicators.iter().find(|i| i.code == code) {
            Some(i) => (RankBy::Indicator(code.to_owned()), format!("{}（单项得分）", i.label)),
            None => return Err(FieldError::unknown_value("by", "排名指标").into()),
        },
    };
    let rows: Vec<_> = store::ranking_rows(ctx.store().pool(), round_id).await?.into_iter().filter(|r| host_kind.is_none_or(|k| r.host_kind == k)).collect();
    let cards: Vec<Option<Scorecard>> = rows.iter().map(|r| if r.state == EvaluationState::Graded { serde_json::from_str(&r.scorecard_json).ok() } else { None }).collect();
    let values: Vec<Option<i64>> = cards.iter().map(|c| c.as_ref().and_then(|c| value(c, &rank_by))).collect();
    let weights = plan.indicators.iter().map(|i| (i.label.clone(), i.weight)).collect();
    let grade_label = |r: &store::RankingRow| match (&r.state, &r.grade) {
        (EvaluationState::Graded, Some(g)) => plan.grade(g).map_or_else(|| g.clone(), |x| x.label.clone()),
        _ => EvaluationState::Refused.label_zh().to_owned(),
    };
    let by_code = match &rank_by {
        RankBy::Total => "total".to_owned(),
        RankBy::Indicator(c) => c.clone(),
    };
    match of {
        RankOf::Centers => {
            let weighted = places(&values);
            let (equal, sens) = if rank_by == RankBy::Total {
                let eq: Vec<Option<i64>> = cards.iter().map(|c| c.as_ref().and_then(|c| equal_weight_total(&c.components))).collect();
                let eq = places(&eq);
                let s = sensitivity(&weighted, &eq);
                (eq, Some(s))
            } else {
                (vec![None; rows.len()], None)
            };
            let mut centers: Vec<RankedCenter> = rows
                .iter()
                .enumerate()
                .map(|(k, r)| RankedCenter {
                    place: weighted[k],
                    equal_weight_place: equal[k],
                    center_id: r.center_id,
                    center_name: r.center_name.clone(),
                    region: r.region.clone(),
                    host_name: r.host_name.clone(),
                    host_kind: r.host_kind.label_zh().to_owned(),
                    value_hundredths: values[k],
                    grade_label: grade_label(r),
                })
                .collect();
            centers.sort_by_key(|c| (c.place.unwrap_or(usize::MAX), c.center_id));
            Ok(Ranking { round, by: by_code, by_label, weights, centers, hosts: Vec::new(), sensitivity: sens })
        }
        RankOf::Hosts => {
            let entries: Vec<(pocnet_domain::id::OrgId, Option<i64>)> = rows.iter().zip(&values).map(|(r, v)| (r.host_id, *v)).collect();
            let means = host_means(&entries);
            let mut hosts: Vec<RankedHost> = means
                .iter()
                .filter_map(|(id, (mean, n))| {
                    let r = rows.iter().find(|r| r.host_id == *id)?;
                    Some(RankedHost { place: None, host_id: *id, host_name: r.host_name.clone(), host_kind: r.host_kind.label_zh().to_owned(), centers: *n, value_hundredths: *mean })
                })
                .collect();
            let p = places(&hosts.iter().map(|h| Some(h.value_hundredths)).collect::<Vec<_>>());
            for (h, place) in hosts.iter_mut().zip(p) {
                h.place = place;
            }
            hosts.sort_by_key(|h| (h.place.unwrap_or(usize::MAX), h.host_id.get()));
            Ok(Ranking { round, by: by_code, by_label, weights, centers: Vec::new(), hosts, sensitivity: None })
        }
    }
}
