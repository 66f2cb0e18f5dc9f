//! Pages of the annual evaluation: the rounds, a round (plan, centers,
//! actions, publication), one center's evaluation (scorecard, panel,
//! decision), an annual report (figures, corrections, sections), and a
//! published round's public results. Every form posts, then returns to its
//! page, or shows it again with the error.

use super::*;
use crate::auth::session::Auth;
use crate::error::AppError;
use crate::extract::{ListParams, Path, QueryParams};
use crate::views::{render, Chrome, Pager};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pocnet_app::evaluation::reports as report_workflow;
use pocnet_domain::evaluation::cycle::SECTIONS;
use pocnet_domain::evaluation::{ActionState, EvaluationState, Metric, ReportState, RoundState};
use pocnet_domain::id::{ActionId, AnnualReportId, ExpertId};
use pocnet_domain::panel::seat::SeatStatus;
use pocnet_domain::FieldError;
use pocnet_store::evaluations::reports::AnnualReport;
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/evaluation", get(rounds_page).post(open_form))
        .route("/evaluation/rounds/{id}", get(round_page))
        .route("/evaluation/rounds/{id}/publication", post(publish_form))
        .route("/evaluation/rounds/{id}/results", get(results_page))
        .route("/evaluation/rounds/{id}/rankings", get(rankings_page))
        .route("/evaluations/{id}", get(evaluation_page))
        .route("/evaluations/{id}/decision", post(decision_form))
        .route("/evaluations/{id}/panel", post(assign_form))
        .route("/evaluations/{id}/declaration", post(declare_form))
        .route("/evaluations/{id}/scores", post(score_form))
        .route("/management-actions/{id}/decision", post(action_form))
        .route("/annual-reports/{id}", get(report_page).post(report_form))
        .route("/annual-reports/{id}/submission", post(submit_form))
        .route("/annual-reports/{id}/corrections", post(corrections_form))
}

fn yuan_or_count(metric: Option<Metric>, v: i64) -> String {
    match metric {
        Some(m) if m.is_yuan() => pocnet_domain::money::Yuan::new(v).to_string(),
        _ => v.to_string(),
    }
}

fn points(h: Option<i64>) -> String {
    h.map_or_else(|| "—".to_owned(), pocnet_domain::evaluation::scoring::shown)
}


// ---- rounds -------------------------------------------------------------

struct RoundRow {
    id: RoundId,
    year: i64,
    profile: String,
    window: String,
    due: String,
    state: &'static str,
    published: bool,
}

#[derive(Template)]
#[template(path = "evaluation/rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rows: Vec<RoundRow>,
    bureau: bool,
    profiles: Vec<(String, String)>,
    year: i32,
    error: Option<String>,
    my_reports: Vec<(AnnualReportId, String, String)>,
}

async fn render_rounds(state: &AppState, me: &CurrentUser, error: Option<String>) -> AppResult<Response> {
    me.require(&[Role::Bureau, Role::County, Role::Center])?;
    let rounds = store::rounds(state.store().pool()).await?;
    let title = |id: &str| state.context().profile(id).map_or_else(|| id.to_owned(), |p| p.title.clone());
    let rows = rounds
        .iter()
        .map(|r| RoundRow {
            id: r.id,
            year: r.year,
            profile: title(&r.profile_id),
            window: format!("{} 至 {}", r.window_from, r.window_to),
            due: r.report_due.to_string(),
            state: r.state.label_zh(),
            published: r.state == RoundState::Published,
        })
        .collect();
    let mut my_reports = Vec::new();
    if me.user.role == Role::Center {
        for c in pocnet_store::centers::hosted_by(state.store().pool(), me.user.org_id).await? {
            for r in pocnet_store::evaluations::reports::of_center(state.store().pool(), c.id).await? {
                let round = store::get(state.store().pool(), r.round_id).await?;
                let status = if r.state == ReportState::Draft { format!("待报送，{}前报送", round.report_due) } else { format!("已于{}报送{}", r.submitted_on.map(|d| d.to_string()).unwrap_or_default(), if r.late == 1 { "（逾期）" } else { "" }) };
                my_reports.push((r.id, format!("{}（{}年度）", r.center_name, round.year), status));
            }
        }
    }
    let today = state.today();
    let profiles = state.context().policies().iter().filter(|p| !p.evaluation.indicators.is_empty()).map(|p| (p.id.clone(), p.title.clone())).collect();
    let year = state.context().policies().first().map_or(today.year_ce().1 as i32 - 1, |p| workflow::latest_closed_year(&p.evaluation, today));
    Ok(render(&RoundsPage { chrome: Chrome::signed_in(me, "年度绩效评价", "evaluation"), rows, bureau: me.user.role == Role::Bureau, profiles, year, error, my_reports }))
}

use chrono::Datelike;

async fn rounds_page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    render_rounds(&state, &me, None).await
}

async fn open_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<RoundInput>) -> AppResult<Response> {
    match workflow::open_round(state.context(), &me.caller(), &input).await {
        Ok(r) => Ok(Redirect::to(&format!("/evaluation/rounds/{}", r.id)).into_response()),
        Err(e) => {
            let e = AppError::from(e);
            if e.is_user_error() {
                let status = e.status();
                Ok((status, render_rounds(&state, &me, Some(e.body().message)).await?).into_response())
            } else {
                Err(e)
            }
        }
    }
}

// ---- one round ------------------------------------------------------------

struct EvaluationRow {
    id: EvaluationId,
    center: String,
    region: String,
    report: String,
    report_id: AnnualReportId,
    total: String,
    proposed: String,
    grade: String,
    state: &'static str,
}

/// A proposed or decided action as its row shows it.
fn action_row(a: Action) -> ActionRow {
    ActionRow {
        id: a.id,
        center: a.center_name,
        kind: a.kind.label_zh(),
        weighty: weighty(a.kind),
        explanation: a.explanation,
        article: a.article,
        amount: a.amount_yuan.map(|y| pocnet_domain::money::Yuan::new(y).to_string()).unwrap_or_default(),
        state: a.state.label_zh(),
        proposed: a.state == ActionState::Proposed,
        reason: a.reason,
        version: a.version,
    }
}

struct ActionRow {
    id: ActionId,
    center: String,
    kind: &'static str,
    weighty: bool,
    explanation: String,
    article: String,
    amount: String,
    state: &'static str,
    proposed: bool,
    reason: String,
    version: i64,
}

#[derive(Template)]
#[template(path = "evaluation/round.html")]
struct RoundPage {
    chrome: Chrome,
    d: RoundDetail,
    rows: Vec<EvaluationRow>,
    pager: Pager,
    state_filter: String,
    order: String,
    states: Vec<(&'static str, &'static str)>,
    bureau: bool,
    actions: Vec<ActionRow>,
    publish_blocked: Option<String>,
    error: Option<String>,
    /// The round's panel assignment runs (bureau).
    runs: Vec<pocnet_store::assignments::Run>,
}

fn grade_label(plan: &pocnet_domain::policy::profile::Evaluation, code: &Option<String>) -> String {
    code.as_deref().map_or_else(|| "—".to_owned(), |c| plan.grade(c).map_or_else(|| c.to_owned(), |g| g.label.clone()))
}

async fn render_round(state: &AppState, me: &CurrentUser, id: RoundId, p: &ListParams, q: &api::EvaluationQuery, error: Option<String>) -> AppResult<Response> {
    let round = workflow::round(state.context(), &me.caller(), id).await?;
    let plan = round.plan()?;
    let (st, order) = q.parse()?;
    let list = workflow::list_of(state.context(), &me.caller(), &round, st, order, p.page()).await?;
    let rows = list
        .items
        .iter()
        .map(|e| EvaluationRow {
            id: e.id,
            center: e.center_name.clone(),
            region: e.region.clone(),
            report: format!("{}{}", e.report_state.label_zh(), if e.report_late == 1 { "（逾期）" } else { "" }),
            report_id: e.report_id,
            total: points(e.total_hundredths),
            proposed: grade_label(&plan, &e.proposed_grade),
            grade: if e.state == EvaluationState::Refused { "未参加".to_owned() } else { grade_label(&plan, &e.grade) },
            state: e.state.label_zh(),
        })
        .collect();
    let bureau = me.user.role == Role::Bureau;
    let actions = if bureau {
        round_actions(state, me, id)
            .await?
            .into_iter()
            .map(action_row)
            .collect()
    } else {
        Vec::new()
    };
    let publish_blocked = if bureau && round.state == RoundState::Open {
        let pending = store::pending(state.store().pool(), id).await?;
        pocnet_domain::evaluation::cycle::unpublishable(usize::try_from(pending).unwrap_or(usize::MAX))
    } else {
        None
    };
    let runs = if bureau && round.state == RoundState::Open { pocnet_store::assignments::of_round(state.store().pool(), id).await? } else { Vec::new() };
    let filters = vec![("state", q.state.clone().unwrap_or_default()), ("order", q.order.clone().unwrap_or_default())];
    let keep = p.keep(&filters, "");
    let path = format!("/evaluation/rounds/{id}");
    let page = RoundPage {
        runs,
        chrome: Chrome::signed_in(me, format!("{}年度绩效评价", round.year), "evaluation"),
        pager: Pager::new(&path, &list, &keep),
        d: round_detail_with(state, round, &plan),
        rows,
        state_filter: q.state.clone().unwrap_or_default(),
        order: q.order.clone().unwrap_or_default(),
        states: EvaluationState::ALL.iter().map(|s| (s.as_str(), s.label_zh())).collect(),
        bureau,
        actions,
        publish_blocked,
        error,
    };
    Ok(render(&page))
}

async fn round_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoundId>, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<api::EvaluationQuery>) -> AppResult<Response> {
    render_round(&state, &me, id, &p, &q, None).await
}

async fn back_to_round<T>(state: &AppState, me: &CurrentUser, id: RoundId, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/evaluation/rounds/{id}")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            let page = render_round(state, me, id, &ListParams::default(), &api::EvaluationQuery::default(), Some(e.body().message)).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct VersionForm {
    version: i64,
}

async fn publish_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoundId>, Form(f): Form<VersionForm>) -> AppResult<Response> {
    let r = workflow::publish(state.context(), &me.caller(), id, f.version).await;
    back_to_round(&state, &me, id, r).await
}

async fn action_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ActionId>, Form(input): Form<ActionInput>) -> AppResult<Response> {
    let a = store::actions::get(state.store().pool(), id).await?;
    let r = workflow::decide_action(state.context(), &me.caller(), id, &input).await;
    back_to_round(&state, &me, a.round_id, r).await
}

// ---- public results ---------------------------------------------------------

struct ResultRow {
    rank: usize,
    center_id: i64,
    center: String,
    region: String,
    total: String,
    grade: String,
}

#[derive(Template)]
#[template(path = "evaluation/results.html")]
struct ResultsPage {
    chrome: Chrome,
    round_id: RoundId,
    title: String,
    published_on: String,
    rows: Vec<ResultRow>,
    pager: Pager,
}

async fn results_page(State(state): State<AppState>, auth: Auth, Path(id): Path<RoundId>, QueryParams(p): QueryParams<ListParams>) -> AppResult<Response> {
    let (round, list) = workflow::published(state.context(), id, p.page()).await?;
    let skip = usize::try_from(p.page().offset()).unwrap_or(0);
    let title = format!("{}年度绩效评价结果", round.year);
    let rows = list
        .items
        .iter()
        .enumerate()
        .map(|(k, r)| ResultRow { rank: skip + k + 1, center_id: r.center_id.get(), center: r.center_name.clone(), region: r.region.clone(), total: points(r.total_hundredths), grade: r.grade_label.clone() })
        .collect();
    let path = format!("/evaluation/rounds/{id}/results");
    let page = ResultsPage {
        chrome: Chrome::public(Some(&auth), title.clone(), "evaluation"),
        title: format!("{}（{}）", title, state.context().profile(&round.profile_id).map_or(round.profile_id.as_str(), |p| p.title.as_str())),
        round_id: round.id,
        published_on: round.published_on.map(|d| d.to_string()).unwrap_or_default(),
        pager: Pager::new(&path, &list, &p.keep(&[], "")),
        rows,
    };
    Ok(render(&page))
}

// ---- one evaluation -----------------------------------------------------

struct ComponentRow {
    label: String,
    source: &'static str,
    weight: u32,
    value: String,
    full: String,
    scored_by: String,
    score: String,
    points: String,
    article: String,
}

struct SeatRow {
    expert_id: ExpertId,
    name: String,
    org: String,
    status: &'static str,
    vacated: bool,
    score: String,
    due: String,
}

#[derive(Template)]
#[template(path = "evaluation/evaluation.html")]
struct EvaluationPage {
    chrome: Chrome,
    e: CenterEvaluation,
    round: Round,
    components: Vec<ComponentRow>,
    total: String,
    proposed: String,
    grade: String,
    grades: Vec<(String, String)>,
    actions: Vec<ActionRow>,
    seats: Vec<SeatRow>,
    bureau: bool,
    pending: bool,
    dimensions: Vec<(String, String, u32)>,
    my_seat: Option<(&'static str, bool)>,
    report: Option<AnnualReport>,
    sections: Vec<(&'static str, String)>,
    error: Option<String>,
}

fn component_rows(card: &Option<Scorecard>) -> Vec<ComponentRow> {
    card.as_ref()
        .map(|c| {
            c.components
                .iter()
                .map(|x| ComponentRow {
                    label: x.label.clone(),
                    source: x.source.label_zh(),
                    weight: x.weight,
                    value: x.value.map(|v| yuan_or_count(x.metric, v)).unwrap_or_else(|| "—".into()),
                    full: x.full_marks_at.map(|v| yuan_or_count(x.metric, v)).unwrap_or_else(|| "—".into()),
                    scored_by: x.scored_by.map(|n| format!("{n}位专家")).unwrap_or_default(),
                    score: points(x.score_hundredths),
                    points: points(x.points_hundredths),
                    article: x.article.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn sections_of(r: &AnnualReport) -> Vec<(&'static str, String)> {
    let v = [&r.capability, &r.effectiveness, &r.sustainability, &r.social_benefit, &r.next_year_plan];
    SECTIONS.iter().zip(v).map(|((_, label), text)| (*label, text.clone())).collect()
}

async fn render_evaluation(state: &AppState, me: &CurrentUser, id: EvaluationId, error: Option<String>) -> AppResult<Response> {
    let (e, card, actions, seats, my_seat, report) = if me.user.role == Role::Expert {
        let (e, seat, report) = workflow::for_expert(state.context(), &me.caller(), id).await?;
        let card = e.scorecard();
        let pledged = seat.conflict_status == SeatStatus::NoConflict;
        (e, card, Vec::new(), Vec::new(), Some((seat.conflict_status.label_zh(), pledged && seat.total_hundredths.is_none())), report)
    } else {
        let d = evaluation_detail(state, me, id).await?;
        let report = Some(pocnet_store::evaluations::reports::of(state.store().pool(), d.evaluation.round_id, d.evaluation.center_id).await?);
        (d.evaluation, d.scorecard, d.actions, d.seats, None, report)
    };
    let round = store::get(state.store().pool(), e.round_id).await?;
    let plan = round.plan()?;
    let page = EvaluationPage {
        chrome: Chrome::signed_in(me, format!("{}·{}年度绩效评价", e.center_name, round.year), "evaluation"),
        components: component_rows(&card),
        total: points(e.total_hundredths),
        proposed: grade_label(&plan, &e.proposed_grade),
        grade: if e.state == EvaluationState::Refused { format!("未参加评价（{}）", e.refusal_reason) } else { grade_label(&plan, &e.grade) },
        grades: plan.grades.iter().map(|g| (g.code.clone(), g.label.clone())).collect(),
        actions: actions
            .into_iter()
            .map(action_row)
            .collect(),
        seats: seats
            .iter()
            .map(|s| SeatRow {
                expert_id: s.expert_id,
                name: s.name.clone(),
                org: s.org_name.clone(),
                status: s.conflict_status.label_zh(),
                vacated: matches!(s.conflict_status, SeatStatus::Recused | SeatStatus::Declined),
                score: points(s.total_hundredths),
                due: s.due_on.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect(),
        bureau: me.user.role == Role::Bureau,
        pending: e.state == EvaluationState::Pending && round.state == RoundState::Open,
        dimensions: plan.expert_indicators().map(|i| (i.code.clone(), i.label.clone(), i.weight)).collect(),
        my_seat,
        sections: report.as_ref().map(sections_of).unwrap_or_default(),
        report,
        round,
        e,
        error,
    };
    Ok(render(&page))
}

async fn evaluation_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<EvaluationId>) -> AppResult<Response> {
    render_evaluation(&state, &me, id, None).await
}

async fn back_to_evaluation<T>(state: &AppState, me: &CurrentUser, id: EvaluationId, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/{id}")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            Ok((status, render_evaluation(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn decision_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<EvaluationId>, Form(input): Form<DecisionInput>) -> AppResult<Response> {
    let r = workflow::decide(state.context(), &me.caller(), id, &input).await;
    back_to_evaluation(&state, &me, id, r).await
}

#[derive(Deserialize)]
struct AssignForm {
    expert_id: String,
    #[serde(default)]
    replaces: String,
}

async fn assign_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<EvaluationId>, Form(f): Form<AssignForm>) -> AppResult<Response> {
    let Ok(expert) = f.expert_id.trim().parse::<i64>() else {
        return back_to_evaluation(&state, &me, id, Err::<(), _>(FieldError::new("expert_id", "not_a_number", "请填写专家编号").into())).await;
    };
    let replaces = f.replaces.trim().parse::<i64>().ok().map(ExpertId::new);
    let r = pocnet_app::panels::invite(state.context(), &me.caller(), Subject::Evaluation(id), ExpertId::new(expert), replaces).await;
    back_to_evaluation(&state, &me, id, r).await
}

async fn declare_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<EvaluationId>, Form(input): Form<pocnet_app::panels::DeclarationInput>) -> AppResult<Response> {
    let r = pocnet_app::panels::declare(state.context(), &me.caller(), Subject::Evaluation(id), &input).await;
    back_to_evaluation(&state, &me, id, r).await
}

async fn score_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<EvaluationId>, body: axum::body::Bytes) -> AppResult<Response> {
    let mut input = pocnet_app::panels::ScoreInput::default();
    for (k, v) in serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default() {
        if let Some(dim) = k.strip_prefix("score.") {
            let Ok(n) = v.trim().parse::<i64>() else {
                let e = FieldError::new(format!("scores.{dim}"), "not_a_number", "评分须为0至100的整数");
                return back_to_evaluation(&state, &me, id, Err::<(), _>(e.into())).await;
            };
            input.scores.insert(dim.to_owned(), n);
        } else if k == "comments" {
            input.comments = v;
        }
    }
    let r = pocnet_app::panels::score(state.context(), &me.caller(), Subject::Evaluation(id), &input).await;
    back_to_evaluation(&state, &me, id, r).await
}

// ---- annual report ----------------------------------------------------------

struct FigureRow {
    code: &'static str,
    label: &'static str,
    computed: String,
    corrected: String,
    corrected_value: String,
    reason: String,
    accepted: bool,
}

#[derive(Template)]
#[template(path = "evaluation/report.html")]
struct ReportPage {
    chrome: Chrome,
    r: AnnualReport,
    round: Round,
    figures: Vec<FigureRow>,
    sections: Vec<(&'static str, &'static str, String)>,
    editable: bool,
    late_now: bool,
    reviewable: bool,
    error: Option<String>,
}

async fn render_report(state: &AppState, me: &CurrentUser, id: AnnualReportId, error: Option<String>, draft: Option<&ReportInput>) -> AppResult<Response> {
    let r = report_workflow::get(state.context(), &me.caller(), id).await?;
    let round = store::get(state.store().pool(), r.round_id).await?;
    let computed = r.figures();
    let corrections = r.corrections();
    let figures = Metric::ALL
        .iter()
        .map(|m| {
            let c = corrections.iter().find(|c| c.metric == *m);
            let typed = draft.and_then(|d| d.corrections.iter().find(|x| x.metric == m.as_str()));
            FigureRow {
                code: m.as_str(),
                label: m.label_zh(),
                computed: yuan_or_count(Some(*m), computed.get(*m)),
                corrected: c.map(|c| yuan_or_count(Some(*m), c.value)).unwrap_or_default(),
                corrected_value: typed.map(|t| t.value.to_string()).or_else(|| c.map(|c| c.value.to_string())).unwrap_or_default(),
                reason: typed.map(|t| t.reason.clone()).or_else(|| c.map(|c| c.reason.clone())).unwrap_or_default(),
                accepted: c.is_none_or(|c| c.accepted),
            }
        })
        .collect();
    let stored = [&r.capability, &r.effectiveness, &r.sustainability, &r.social_benefit, &r.next_year_plan];
    let typed = draft.map(|d| [&d.capability, &d.effectiveness, &d.sustainability, &d.social_benefit, &d.next_year_plan]);
    let sections = SECTIONS.iter().enumerate().map(|(k, (code, label))| (*code, *label, typed.map_or_else(|| stored[k].clone(), |t| t[k].clone()))).collect();
    let editable = me.user.role == Role::Center && r.state == ReportState::Draft && round.state == RoundState::Open;
    let late_now = r.state == ReportState::Draft && state.today() > round.report_due;
    let reviewable = me.user.role == Role::Bureau
        && r.state == ReportState::Submitted
        && !corrections.is_empty()
        && store::evaluation_of(state.store().pool(), r.round_id, r.center_id).await?.state == EvaluationState::Pending;
    Ok(render(&ReportPage { chrome: Chrome::signed_in(me, format!("{}·{}年度运行报告", r.center_name, round.year), "evaluation"), r, round, figures, sections, editable, late_now, reviewable, error }))
}

async fn report_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<AnnualReportId>) -> AppResult<Response> {
    render_report(&state, &me, id, None, None).await
}

/// The report form: sections, and per metric `fix.<code>` (value) with `why.<code>` (reason).
fn report_input(body: &[u8]) -> Result<ReportInput, AppError> {
    let mut input = ReportInput::default();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let mut fixes: std::collections::BTreeMap<String, (String, String)> = std::collections::BTreeMap::new();
    for (k, v) in pairs {
        match k.as_str() {
            "capability" => input.capability = v,
            "effectiveness" => input.effectiveness = v,
            "sustainability" => input.sustainability = v,
            "social_benefit" => input.social_benefit = v,
            "next_year_plan" => input.next_year_plan = v,
            "version" => input.version = v.trim().parse().map_err(|_| FieldError::new("version", "not_a_number", "版本号无效"))?,
            _ => {
                if let Some(code) = k.strip_prefix("fix.") {
                    fixes.entry(code.to_owned()).or_default().0 = v;
                } else if let Some(code) = k.strip_prefix("why.") {
                    fixes.entry(code.to_owned()).or_default().1 = v;
                }
            }
        }
    }
    for (code, (value, reason)) in fixes {
        if value.trim().is_empty() && reason.trim().is_empty() {
            continue;
        }
        let v = value.trim().parse::<i64>().map_err(|_| FieldError::new(format!("corrections.{code}.value"), "not_a_number", "更正值须为整数"))?;
        input.corrections.push(CorrectionInput { metric: code, value: v, reason });
    }
    Ok(input)
}

async fn report_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<AnnualReportId>, body: axum::body::Bytes) -> AppResult<Response> {
    let input = match report_input(&body) {
        Ok(i) => i,
        Err(e) => {
            let status = e.status();
            return Ok((status, render_report(&state, &me, id, Some(e.body().message), None).await?).into_response());
        }
    };
    match report_workflow::save(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/annual-reports/{id}")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            Ok((status, render_report(&state, &me, id, Some(e.body().message), Some(&input)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn submit_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<AnnualReportId>, Form(f): Form<VersionForm>) -> AppResult<Response> {
    match report_workflow::submit(state.context(), &me.caller(), id, f.version).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/annual-reports/{id}")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            Ok((status, render_report(&state, &me, id, Some(e.body().message), None).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- rankings ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "evaluation/rankings.html")]
struct RankingsPage {
    chrome: Chrome,
    r: std::sync::Arc<pocnet_app::evaluation::Ranking>,
    of: &'static str,
    host_kind: String,
    indicators: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    sensitivity_note: Option<String>,
}

async fn rankings_page(State(state): State<AppState>, auth: Auth, Path(id): Path<RoundId>, QueryParams(q): QueryParams<api::RankingQuery>) -> AppResult<Response> {
    let (of, by, kind) = q.parse()?;
    let r = workflow::ranking(state.context(), id, of, &by, kind).await?;
    let plan = r.round.plan()?;
    let sensitivity_note = r.sensitivity.as_ref().map(|s| {
        if s.moved == 0 {
            format!("各指标等权重时，{}个中心的名次不变。", s.ranked)
        } else {
            format!(
                "各指标等权重时，{}个中心中有{}个名次变化，最大变动{}位{}；名次相关系数（Spearman）{:.2}。",
                s.ranked,
                s.moved,
                s.largest_move,
                if s.first_changes { "，第一名改变" } else { "，第一名不变" },
                s.spearman
            )
        }
    });
    let page = RankingsPage {
        chrome: Chrome::public(Some(&auth), format!("{}年度绩效评价排行榜", r.round.year), "evaluation"),
        of: if of == workflow::RankOf::Hosts { "hosts" } else { "centers" },
        host_kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        indicators: plan.indicators.iter().map(|i| (i.code.clone(), i.label.clone())).collect(),
        kinds: [
            pocnet_domain::org::OrgKind::University,
            pocnet_domain::org::OrgKind::ResearchInstitute,
            pocnet_domain::org::OrgKind::Hospital,
            pocnet_domain::org::OrgKind::Enterprise,
            pocnet_domain::org::OrgKind::Incubator,
        ]
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect(),
        sensitivity_note,
        r,
    };
    Ok(render(&page))
}

/// A value in hundredths as a score.
pub(crate) fn score_text(h: Option<i64>) -> String {
    points(h)
}

async fn corrections_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<AnnualReportId>, body: axum::body::Bytes) -> AppResult<Response> {
    let mut input = report_workflow::CorrectionReview::default();
    for (k, v) in serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default() {
        match k.as_str() {
            "refused" => input.refused.push(v),
            "reason" => input.reason = v,
            _ => {}
        }
    }
    match report_workflow::review_corrections(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/annual-reports/{id}")).into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            Ok((status, render_report(&state, &me, id, Some(e.body().message), None).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
