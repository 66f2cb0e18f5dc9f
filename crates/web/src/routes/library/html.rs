//! Pages of the project library: a project's page per role with the forms of
//! its pipeline, the hand-offs a platform answers, and the report lookup for
//! mutual recognition. Every form works without JavaScript; a refused form
//! re-renders the page with the reason.

use super::*;
use crate::error::AppError;
use pocnet_domain::library::secrecy::Standing;
use pocnet_domain::library::verification::{MilestoneStatus, Recommendation};
use pocnet_domain::research_result::ResultState;
use pocnet_domain::review::{self, ReviewPurpose};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::library::handoffs::{self, Handoff};
use pocnet_store::library::reports::ReportRecord;
use pocnet_store::library::verification::{self as store_v, Milestone};
use serde::Deserialize;
use crate::extract::QueryParams;
use crate::views::{render, Chrome, Choice};
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;
use pocnet_domain::center::CenterKind;
use pocnet_domain::industry;
use pocnet_domain::library::verification::{Finding, MilestoneInput, MilestoneKind, PlanInput, ReportInput};
use pocnet_domain::outcome::OutcomeKind;
use pocnet_store::centers;
use std::collections::BTreeMap;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(super::intake::router())
        .route("/results/{id}", get(page))
        .route("/results/{id}/steps", post(step_form))
        .route("/results/{id}/report", get(report_page).post(report_form))
        .route("/results/{id}/panel", post(assign_form))
        .route("/results/{id}/declaration", post(declaration_form))
        .route("/results/{id}/scores", post(score_form))
        .route("/results/{id}/plan", post(plan_form))
        .route("/results/{id}/milestones", post(milestone_form))
        .route("/milestones/{id}/steps", post(milestone_step_form))
        .route("/milestones/{id}/releases", post(release_form))
        .route("/results/{id}/outcomes", post(outcome_form))
        .route("/results/{id}/handoffs", post(handoff_form))
        .route("/handoffs", get(handoffs_page))
        .route("/handoffs/{id}/response", post(respond_form))
        .route("/handoffs/{id}/feedback", post(feedback_form))
        .route("/reports", get(reports_page))
        .route("/results/{id}/acceptances", post(accept_form))
        .route("/results/{id}/cultivation", post(cultivation_form))
        .route("/results/{id}/cultivation/removal", post(cultivation_removal_form))
}

fn label_of<'a>(all: &[(&'a str, &'a str)], code: &str) -> &'a str {
    all.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// A seat an expert left, with the assigner's proposals for it.
struct VacantSeat {
    left: ExpertId,
    name: String,
    explanation: String,
    /// (expert id, label).
    candidates: Vec<(String, String)>,
}

struct MilestoneRow {
    m: Milestone,
    kind: &'static str,
    status: &'static str,
    budget: String,
    released: String,
    can_submit: bool,
    can_decide: bool,
    can_release: bool,
}

#[derive(Template)]
#[template(path = "library/project.html")]
struct ProjectPage {
    chrome: Chrome,
    d: ProjectDetail,
    state_label: &'static str,
    field: String,
    source: &'static str,
    stage: &'static str,
    /// Patents as shown (number and status), when visible.
    patents: Option<Vec<String>>,
    error: Option<String>,
    owner: bool,
    actions: Vec<(&'static str, &'static str, bool)>,
    /// Steps of this state the caller may not take yet: (label, why and what is missing).
    blocked: Vec<(&'static str, String)>,
    sheets: Vec<Choice>,
    experts: Vec<Choice>,
    /// Vacated seats with the assigner's proposals.
    replacements: Vec<VacantSeat>,
    my_status: String,
    dimensions: Vec<(&'static str, &'static str, u32)>,
    can_plan: bool,
    milestones: Vec<MilestoneRow>,
    kinds: Vec<Choice>,
    outcome_kinds: Vec<Choice>,
    outcomes: Vec<(String, &'static str, String, String)>,
    can_report: bool,
    recommendation: &'static str,
    platforms: Vec<Choice>,
    can_handoff: bool,
    my_handoffs: Vec<HandoffId>,
    my_centers: Vec<Choice>,
    can_accept: bool,
    steps: Vec<(String, String, String)>,
    today: String,
    /// The 转化培育清单 years holding it, with the reasons.
    cultivation: Vec<(i64, String)>,
    /// The bureau may list it (a result of the library).
    can_cultivate: bool,
    this_year: i32,
    /// Roadshows, investors' interest and the fund relay (verified projects).
    finance: Option<ProjectFinance>,
}

/// A verified project's finance side as its page shows it (000 二(十一)).
struct ProjectFinance {
    relay: pocnet_app::finance::fund::Relay,
    roadshows: Vec<pocnet_store::finance::roadshows::ShownAt>,
    /// An investor's open interest in it.
    my_interest: Option<pocnet_store::finance::interests::Interest>,
    /// An investor without an open interest may express one.
    may_express: bool,
    /// The owner unit, the center and the bureau follow its interests on `/interests`.
    sees_interests: bool,
}

async fn project_finance(state: &AppState, me: &CurrentUser, p: &pocnet_store::library::pipeline::Project, a: &pocnet_app::library::pipeline::Access) -> AppResult<Option<ProjectFinance>> {
    if !p.state.verified_for_investors() {
        return Ok(None);
    }
    let ctx = state.context();
    let my_interest = pocnet_app::finance::interests::mine_on(ctx, &me.caller(), p.id).await?;
    Ok(Some(ProjectFinance {
        relay: pocnet_app::finance::fund::relay_of(ctx, p).await?,
        roadshows: pocnet_store::finance::roadshows::of_project(state.store().pool(), p.id).await?,
        may_express: me.role() == Role::Investor && my_interest.is_none(),
        my_interest,
        sees_interests: me.role() == Role::Bureau || matches!(a.standing, Standing::OwningCenter | Standing::Researcher),
    }))
}

/// The project's page with a refused form's reason (forms of other modules that post about a project).
pub(crate) async fn back_with_error(state: &AppState, me: &CurrentUser, id: ResultId, e: AppError) -> AppResult<Response> {
    let status = e.status();
    Ok((status, render_page(state, me, id, Some(e.body().message)).await?).into_response())
}

async fn render_page(state: &AppState, me: &CurrentUser, id: ResultId, error: Option<String>) -> AppResult<Response> {
    let Loaded { detail: d, project: p, access: a, guards: g } = load_detail(state, me, id).await?;
    let pool = state.store().pool();
    let owner = a.standing == Standing::OwningCenter;
    let researcher = a.standing == Standing::Researcher;
    let verifying = p.state == ResultState::Verifying;
    let purpose = ReviewPurpose::parse(&p.screening_sheet).unwrap_or(ReviewPurpose::Screening);
    let experts = if owner && p.state == ResultState::Screening {
        crate::routes::recognition::expert_choices(state)
            .await?
            .into_iter()
            .filter(|e| !d.panel.iter().any(|r| r.expert_id == e.id))
            .map(|e| Choice::new(e.id.to_string(), format!("{}（{}，{}）", e.name, e.org_name, e.kind.label_zh())))
            .collect()
    } else {
        Vec::new()
    };
    let mut replacements = Vec::new();
    if owner && p.state == ResultState::Screening {
        for r in d.panel.iter().filter(|r| r.vacated() && !d.panel.iter().any(|q| q.replaces_expert_id == Some(r.expert_id))) {
            match crate::routes::assignment::screening_replacement(state, me, id, r.expert_id).await {
                Ok(v) => {
                    let label = |c: &pocnet_domain::panel::Candidate| {
                        format!("{}，{}，匹配度 {:.3}", v.names.get(&c.expert).cloned().unwrap_or_else(|| c.expert.clone()), c.kind.label_zh(), c.affinity)
                    };
                    let candidates = v.replacement.proposed.iter().chain(v.replacement.alternatives.iter()).map(|c| (c.expert.clone(), label(c))).collect();
                    replacements.push(VacantSeat { left: r.expert_id, name: r.name.clone(), explanation: v.replacement.explanation.clone(), candidates });
                }
                Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Conflict { .. })) => {
                    replacements.push(VacantSeat { left: r.expert_id, name: r.name.clone(), explanation: e.body().message, candidates: Vec::new() });
                }
                Err(e) => return Err(e),
            }
        }
    }
    let my_status = a.expert.and_then(|e| d.panel.iter().find(|r| r.expert_id == e)).map(|r| r.conflict_status.as_str().to_owned()).unwrap_or_default();
    let milestones = d
        .milestones
        .iter()
        .map(|m| MilestoneRow {
            kind: m.kind.label_zh(),
            status: m.status.label_zh(),
            budget: m.budget_yuan.wan(),
            released: m.released_yuan.wan(),
            can_submit: verifying && (owner || researcher) && matches!(m.status, MilestoneStatus::Planned | MilestoneStatus::Failed),
            can_decide: verifying && owner && m.status == MilestoneStatus::Submitted,
            can_release: owner && m.status == MilestoneStatus::Accepted && m.released_yuan < m.budget_yuan,
            m: m.clone(),
        })
        .collect();
    let platforms = if owner && p.state == ResultState::Verified && g.recommends_pilot {
        centers::all(pool)
            .await?
            .into_iter()
            .filter(|c| c.kind == CenterKind::PilotPlatform && c.status == pocnet_domain::supervision::CenterStatus::Active)
            .map(|c| Choice::new(c.id.to_string(), c.name))
            .collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    let my_centers: Vec<Choice> = if me.role() == Role::Center && !owner && d.report.is_some() {
        centers::hosted_by(pool, me.user.org_id)
            .await?
            .into_iter()
            .filter(|c| !d.acceptances.iter().any(|x| x.center_id == c.id) && Some(c.id) != p.center_id)
            .map(|c| Choice::new(c.id.to_string(), c.name))
            .collect()
    } else {
        Vec::new()
    };
    let outcome_labels: Vec<(&str, &str)> = OutcomeKind::ALL.iter().map(|k| (k.as_str(), k.label_zh())).collect();
    let finance = project_finance(state, me, &p, &a).await?;
    let page = ProjectPage {
        finance,
        chrome: Chrome::signed_in(me, p.title.clone(), "results"),
        state_label: p.state.label_zh(),
        field: format!("{} / {}", industry::label(&p.field), industry::label(&p.sub_field)),
        source: p.source.label_zh(),
        stage: label_of(&[("lab", "实验室阶段"), ("prototype", "样品/样机阶段"), ("pilot", "中试阶段"), ("industrialization", "产业化阶段")], p.stage.as_str()),
        patents: d.project.patents.as_ref().map(|v| {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            let status = x["status"].as_str().and_then(|c| pocnet_domain::library::intake::PatentStatus::parse(c).ok()).map_or("", |s| s.label_zh());
                            format!("{}（{status}）", x["number"].as_str().unwrap_or(""))
                        })
                        .collect()
                })
                .unwrap_or_default()
        }),
        error,
        owner,
        actions: d.actions.iter().map(|x| (x.as_str(), x.label_zh(), x.needs_comment())).collect(),
        blocked: d.available_actions.iter().filter(|x| !x.available).map(|x| (x.label, x.reason.clone().unwrap_or_default())).collect(),
        sheets: [ReviewPurpose::Screening, ReviewPurpose::ThreeDimensional].iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        experts,
        replacements,
        my_status,
        dimensions: review::sheet(purpose).dimensions.iter().map(|x| (x.code.as_ref(), x.label.as_ref(), x.weight)).collect(),
        can_plan: owner && matches!(p.state, ResultState::Admitted | ResultState::Verifying),
        milestones,
        kinds: MilestoneKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        outcome_kinds: OutcomeKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        outcomes: d.outcomes.iter().map(|o| (o.achieved_on.to_string(), label_of(&outcome_labels, o.kind.as_str()), if o.amount_yuan > pocnet_domain::money::Yuan::ZERO { o.amount_yuan.wan() } else { "—".into() }, o.evidence.clone())).collect(),
        can_report: owner && verifying && g.open_milestones == 0,
        recommendation: d.report.as_ref().map_or("", |r| r.recommendation.label_zh()),
        can_handoff: !platforms.is_empty(),
        platforms,
        my_handoffs: d.handoffs.iter().filter(|h| h.platform_host_org_id == me.user.org_id && me.role() == Role::Center).map(|h| h.id).collect(),
        can_accept: !my_centers.is_empty(),
        my_centers,
        steps: d.steps.iter().map(|s| {
            let action = s.action.label_zh();
            (pocnet_domain::display::beijing(s.at), format!("{}：{action}", s.actor_label), s.comments.clone())
        }).collect(),
        today: state.today().to_string(),
        cultivation: pocnet_app::matching::cultivation::years(state.context(), &me.caller(), id).await?,
        can_cultivate: me.role() == Role::Bureau && p.state.in_library(),
        this_year: chrono::Datelike::year(&state.today()),
        d,
    };
    Ok(render(&page))
}

async fn page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>) -> AppResult<Response> {
    render_page(&state, &me, id, None).await
}

async fn back_to_project<T>(state: &AppState, me: &CurrentUser, id: ResultId, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/results/{id}")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            Ok((status, render_page(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn cultivation_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<pocnet_app::matching::cultivation::CultivationInput>) -> AppResult<Response> {
    let r = pocnet_app::matching::cultivation::add(state.context(), &me.caller(), id, &input).await;
    back_to_project(&state, &me, id, r).await
}

async fn cultivation_removal_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<pocnet_app::matching::cultivation::CultivationInput>) -> AppResult<Response> {
    let r = pocnet_app::matching::cultivation::remove(state.context(), &me.caller(), id, &input).await;
    back_to_project(&state, &me, id, r).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: ResultId, r: AppResult<T>) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/results/{id}")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            Ok((status, render_page(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<StepInput>) -> AppResult<Response> {
    let r = take_step(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

async fn assign_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<super::api::AssignInput>) -> AppResult<Response> {
    let r = assign_expert(&state, &me, id, ExpertId::new(input.expert_id), input.replaces.map(ExpertId::new)).await;
    back(&state, &me, id, r).await
}

async fn declaration_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<DeclarationInput>) -> AppResult<Response> {
    let r = declare(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

/// Form fields as pairs (for forms with one field per dimension or milestone).
fn pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

async fn score_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, body: axum::body::Bytes) -> AppResult<Response> {
    let mut input = ScoreInput::default();
    for (k, v) in pairs(&body) {
        if let Some(dim) = k.strip_prefix("score.") {
            match v.trim().parse::<i64>() {
                Ok(n) => {
                    input.scores.insert(dim.to_owned(), n);
                }
                Err(_) => {
                    let e = FieldError::new(format!("scores.{dim}"), "not_a_number", "评分须为0至100的整数");
                    return back(&state, &me, id, Err::<(), AppError>(e.into())).await;
                }
            }
        } else if k == "comments" {
            input.comments = v;
        }
    }
    let r = score(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

#[derive(Deserialize)]
struct PlanHtml {
    goal: String,
    trl_target: String,
    manager_name: String,
    manager_phone: String,
    starts_on: String,
    ends_on: String,
    #[serde(default)]
    version: String,
}

async fn plan_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(f): Form<PlanHtml>) -> AppResult<Response> {
    let r = match f.trl_target.trim().parse::<i64>() {
        Err(_) => Err(FieldError::new("trl_target", "not_a_number", "目标技术就绪度须为1至9的整数").into()),
        Ok(trl_target) => {
            let input = PlanForm {
                plan: PlanInput { goal: f.goal, trl_target, manager_name: f.manager_name, manager_phone: f.manager_phone, starts_on: f.starts_on, ends_on: f.ends_on },
                version: f.version.trim().parse().ok(),
            };
            save_plan(&state, &me, id, &input).await
        }
    };
    back(&state, &me, id, r).await
}

async fn milestone_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<MilestoneInput>) -> AppResult<Response> {
    let r = add_milestone(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

async fn milestone_step_form(State(state): State<AppState>, me: CurrentUser, Path(mid): Path<MilestoneId>, Form(input): Form<MilestoneStepInput>) -> AppResult<Response> {
    let result_id = store_v::milestone(state.store().pool(), mid).await?.result_id;
    let r = step_milestone(&state, &me, mid, &input).await;
    back(&state, &me, result_id, r).await
}

async fn release_form(State(state): State<AppState>, me: CurrentUser, Path(mid): Path<MilestoneId>, Form(input): Form<ReleaseInput>) -> AppResult<Response> {
    let result_id = store_v::milestone(state.store().pool(), mid).await?.result_id;
    let r = release(&state, &me, mid, &input).await;
    back(&state, &me, result_id, r).await
}

async fn outcome_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<OutcomeInput>) -> AppResult<Response> {
    let r = add_outcome(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

/// The report form: summary, level, recommendation and one `finding.<milestone id>` field per milestone.
async fn report_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, body: axum::body::Bytes) -> AppResult<Response> {
    let mut input = ReportInput::default();
    let mut trl = String::new();
    for (k, v) in pairs(&body) {
        match k.as_str() {
            "summary" => input.summary = v,
            "trl_after" => trl = v,
            "recommendation" => input.recommendation = v,
            _ => {
                if let Some(mid) = k.strip_prefix("finding.").and_then(|m| m.parse::<i64>().ok()) {
                    input.findings.push(Finding { milestone_id: mid, finding: v });
                }
            }
        }
    }
    let r = match trl.trim().parse::<i64>() {
        Ok(t) => {
            input.trl_after = t;
            issue_report(&state, &me, id, &input).await
        }
        Err(_) => Err(FieldError::new("trl_after", "not_a_number", "验证后技术就绪度须为1至9的整数").into()),
    };
    back(&state, &me, id, r).await
}

async fn handoff_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<HandoffInput>) -> AppResult<Response> {
    let r = send_handoff(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

async fn respond_form(State(state): State<AppState>, me: CurrentUser, Path(hid): Path<HandoffId>, Form(input): Form<ResponseInput>) -> AppResult<Response> {
    let result_id = handoffs::get(state.store().pool(), hid).await?.result_id;
    let r = respond_handoff(&state, &me, hid, &input).await;
    back(&state, &me, result_id, r).await
}

async fn feedback_form(State(state): State<AppState>, me: CurrentUser, Path(hid): Path<HandoffId>, Form(input): Form<FeedbackInput>) -> AppResult<Response> {
    let result_id = handoffs::get(state.store().pool(), hid).await?.result_id;
    let r = handoff_feedback(&state, &me, hid, &input).await;
    back(&state, &me, result_id, r).await
}

async fn accept_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<AcceptInput>) -> AppResult<Response> {
    let r = accept_report(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

#[derive(Template)]
#[template(path = "library/handoffs.html")]
struct HandoffsPage {
    chrome: Chrome,
    rows: Vec<Handoff>,
}

async fn handoffs_page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    let rows = incoming_handoffs(&state, &me).await?;
    Ok(render(&HandoffsPage { chrome: Chrome::signed_in(&me, "中试移交", "handoffs"), rows }))
}

#[derive(Deserialize, Default)]
struct ReportSearch {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "library/reports.html")]
struct ReportsPage {
    chrome: Chrome,
    q: String,
    rows: Vec<(ReportRecord, &'static str)>,
}

async fn reports_page(State(state): State<AppState>, me: CurrentUser, QueryParams(s): QueryParams<ReportSearch>) -> AppResult<Response> {
    let rows = search_reports(&state, &me, &s.q).await?;
    let labels: BTreeMap<&str, &'static str> = Recommendation::ALL.iter().map(|r| (r.as_str(), r.label_zh())).collect();
    let rows = rows.into_iter().map(|r| {
        let l = labels.get(r.recommendation.as_str()).copied().unwrap_or("");
        (r, l)
    });
    Ok(render(&ReportsPage { chrome: Chrome::signed_in(&me, "验证报告与结果互认", "reports"), q: s.q, rows: rows.collect() }))
}

#[derive(Template)]
#[template(path = "library/verification_report.html")]
struct ReportPage {
    chrome: Chrome,
    r: ReportRecord,
    owner: String,
    field: String,
    trl_before: i64,
    recommendation: &'static str,
    /// (milestone kind, title, finding).
    findings: Vec<(&'static str, String, String)>,
    acceptances: Vec<pocnet_store::library::reports::Acceptance>,
    /// The report issued signed (存证), newest first.
    signed: Vec<pocnet_app::evidence::documents::DocumentView>,
}

/// The verification report as a document (验证报告): anyone who may see the
/// project may read it — other centers rely on it for mutual recognition.
async fn report_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>) -> AppResult<Response> {
    let (p, _) = load(&state, &me, id).await?;
    let pool = state.store().pool();
    let r = pocnet_store::library::reports::report(pool, id).await?.ok_or(AppError::NotFound)?;
    let milestones = store_v::milestones(pool, id).await?;
    let findings: Vec<Finding> = serde_json::from_str(&r.findings_json).unwrap_or_default();
    let findings = findings
        .into_iter()
        .map(|f| match milestones.iter().find(|m| m.id.get() == f.milestone_id) {
            Some(m) => (m.kind.label_zh(), m.title.clone(), f.finding),
            None => ("", format!("里程碑#{}", f.milestone_id), f.finding),
        })
        .collect();
    let page = ReportPage {
        chrome: Chrome::signed_in(&me, format!("验证报告 {}", r.report_no), "results"),
        owner: p.owner_org_name.clone(),
        field: format!("{} / {}", industry::label(&p.field), industry::label(&p.sub_field)),
        trl_before: p.trl,
        recommendation: r.recommendation.label_zh(),
        findings,
        acceptances: pocnet_store::library::reports::acceptances(pool, id).await?,
        signed: pocnet_app::evidence::documents::of_subject(state.context(), "result", &id.get().to_string()).await?,
        r,
    };
    Ok(render(&page))
}
