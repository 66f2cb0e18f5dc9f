//! Pages of panel assignment: the settings form on a call, the preview with
//! every pair explained, and confirmation.

use super::*;
use pocnet_domain::panel::RunPurpose;
use crate::error::AppError;
use pocnet_domain::panel::Instance;
use pocnet_domain::FieldError;
use pocnet_store::assignments::{self, Run};
use pocnet_store::experts;
use serde::Deserialize;
use std::collections::BTreeMap;
use crate::views::{render, Chrome};
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/calls/{id}/assignments", post(preview_form))
        .route("/assignments/{id}", get(run_page))
        .route("/assignments/{id}/confirm", post(confirm_form))
        .route("/assignments/{id}/adjust", post(adjust_form))
        .route("/centers/{id}/screening-assignments", post(screening_form))
        .route("/evaluation/rounds/{id}/assignments", post(evaluation_form))
}

/// The settings form as posted (empty `q` means no randomisation).
#[derive(Debug, Deserialize)]
struct RunForm {
    panel_size: u32,
    min_industry: u32,
    min_investment: u32,
    min_academic: u32,
    max_load: u32,
    q: Option<String>,
    seed: Option<String>,
}

async fn screening_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<CenterId>, Form(f): Form<RunForm>) -> AppResult<Response> {
    let input = run_input(f)?;
    let run = preview_screening(&state, &me, id, &input).await?;
    Ok(Redirect::to(&format!("/assignments/{}", run.id)).into_response())
}

async fn evaluation_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<pocnet_domain::id::RoundId>, Form(f): Form<RunForm>) -> AppResult<Response> {
    let input = run_input(f)?;
    let run = preview_evaluation(&state, &me, id, &input).await?;
    Ok(Redirect::to(&format!("/assignments/{}", run.id)).into_response())
}

fn run_input(f: RunForm) -> AppResult<RunInput> {
    let q = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse::<f64>().map_err(|_| FieldError::new("q", "not_a_number", "概率上限须为0到1之间的小数"))).transpose()?;
    let seed = f.seed.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse::<u64>().map_err(|_| FieldError::new("seed", "not_a_number", "随机种子须为非负整数"))).transpose()?;
    Ok(RunInput { panel_size: f.panel_size, min_industry: f.min_industry, min_investment: f.min_investment, min_academic: f.min_academic, max_load: f.max_load, q, seed })
}

async fn preview_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<CallId>, Form(f): Form<RunForm>) -> AppResult<Response> {
    let input = run_input(f)?;
    let run = preview(&state, &me, id, &input).await?;
    Ok(Redirect::to(&format!("/assignments/{}", run.id)).into_response())
}

/// Where a run's item lives on the web.
fn item_path(purpose: RunPurpose) -> &'static str {
    match purpose {
        RunPurpose::Screening => "results",
        RunPurpose::Evaluation => "evaluations",
        RunPurpose::ApplicationReview => "applications",
    }
}

struct SeatRow {
    expert_id: String,
    expert: String,
    kind: &'static str,
    org: String,
    affinity: String,
    components: String,
    reason: String,
}

struct PanelRow {
    item_href: String,
    item_id: String,
    item: String,
    affinity: String,
    seats: Vec<SeatRow>,
}

#[derive(Template)]
#[template(path = "assignment/assignment.html")]
struct RunPage {
    chrome: Chrome,
    run: Run,
    panels: Vec<PanelRow>,
    unstaffable: Vec<(String, String)>,
    objective: String,
    bound: String,
    gap: String,
    proven: bool,
    method: String,
    seed: String,
    millis: String,
    /// Where the page leads back to.
    back: (String, &'static str),
    /// Every expert of the run's instance (id, name), for the adjustment forms.
    choices: Vec<(String, String)>,
    adjustments: Vec<String>,
    error: Option<String>,
    /// What an item is: 申报, 成果 or 中心.
    item_label: &'static str,
}

async fn run_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RunId>) -> AppResult<Response> {
    render_run(&state, &me, id, None).await
}

async fn render_run(state: &AppState, me: &CurrentUser, id: RunId, error: Option<String>) -> AppResult<Response> {
    let pool = state.store().pool();
    let run = assignments::get(pool, id).await?;
    require_run_owner(state, me, &run).await?;
    let purpose = run.purpose;
    let s = solution_of(&run)?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut choices = Vec::new();
    if run.status == pocnet_domain::panel::RunStatus::Preview {
        let inst: Instance = serde_json::from_str(&run.input_json).map_err(|e| AppError::Internal(anyhow::anyhow!("stored instance: {e}")))?;
        for e in &inst.experts {
            if let Ok(eid) = e.id.parse::<ExpertId>() {
                if let Ok(x) = experts::get(pool, eid).await {
                    names.insert(e.id.clone(), x.name.clone());
                    choices.push((e.id.clone(), format!("{}（{}，{}）", x.name, x.kind.label_zh(), x.org_name)));
                }
            }
        }
        choices.sort_by(|a, b| a.1.cmp(&b.1));
    }
    let mut panels = Vec::new();
    for p in &s.panels {
        let name = match (p.item.parse::<i64>(), purpose) {
            (Ok(r), RunPurpose::Screening) => pocnet_store::library::pipeline::get(pool, ResultId::new(r)).await.map(|x| x.title).unwrap_or_else(|_| p.item.clone()),
            (Ok(app), RunPurpose::ApplicationReview) => pocnet_store::applications::get(pool, ApplicationId::new(app)).await.map(|a| a.proposed_name).unwrap_or_else(|_| p.item.clone()),
            (Ok(e), RunPurpose::Evaluation) => pocnet_store::evaluations::evaluation(pool, pocnet_domain::id::EvaluationId::new(e)).await.map(|x| x.center_name).unwrap_or_else(|_| p.item.clone()),
            (Err(_), _) => p.item.clone(),
        };
        let mut seats = Vec::new();
        for seat in &p.experts {
            let (name, org) = match seat.expert.parse::<ExpertId>() {
                Ok(e) => experts::get(pool, e).await.map(|e| (e.name, e.org_name)).unwrap_or_else(|_| (seat.expert.clone(), String::new())),
                Err(_) => (seat.expert.clone(), String::new()),
            };
            seats.push(SeatRow {
                expert_id: seat.expert.clone(),
                expert: name,
                kind: seat.kind.label_zh(),
                org,
                affinity: format!("{:.3}", seat.affinity),
                components: format!("领域 {:.2} · 细分 {:.2} · 文本 {:.2}", seat.components.field, seat.components.sub_field, seat.components.text),
                reason: seat.reason.clone(),
            });
        }
        panels.push(PanelRow { item_href: format!("/{}/{}", item_path(purpose), p.item), item_id: p.item.clone(), item: name, affinity: format!("{:.3}", p.affinity), seats });
    }
    let unstaffable = s.unstaffable.iter().map(|u| (format!("/{}/{}", item_path(purpose), u.item), u.reason.clone())).collect();
    let back = match (run.call_id, run.center_id, run.round_id) {
        (Some(c), _, _) => (format!("/calls/{c}"), "← 返回申报通知"),
        (None, None, Some(r)) => (format!("/evaluation/rounds/{r}"), "← 返回评价轮次"),
        _ => ("/results?state=screening".to_owned(), "← 返回项目库"),
    };
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| format!("#{id}"));
    let adjustments = s
        .adjustments
        .iter()
        .map(|a| {
            let how = if a.how == "best_replacement" { "系统推荐替补" } else { "人工指定" };
            format!("{} #{}：{} → {}（{how}）", purpose.label_zh(), a.item, name(&a.removed), name(&a.added))
        })
        .collect();
    let page = RunPage {
        item_label: match purpose {
            RunPurpose::Screening => "成果",
            RunPurpose::Evaluation => "中心",
            RunPurpose::ApplicationReview => "申报",
        },
        chrome: Chrome::signed_in(
            me,
            match purpose {
                RunPurpose::Screening => "入库遴选专家组分配方案",
                RunPurpose::Evaluation => "年度绩效评价专家组分配方案",
                RunPurpose::ApplicationReview => "专家组分配方案",
            },
            match purpose {
                RunPurpose::Screening => "results",
                RunPurpose::Evaluation => "evaluation",
                RunPurpose::ApplicationReview => "applications",
            },
        ),
        back,
        choices,
        adjustments,
        error,
        objective: format!("{:.4}", s.objective),
        bound: format!("{:.4}", s.bound),
        gap: format!("{:.3}%", s.gap * 100.0),
        proven: s.proven_optimal,
        method: format!("{:?}", s.method),
        seed: run.seed.map(|x| x.to_string()).unwrap_or_else(|| "—（最优分配，未随机）".into()),
        millis: format!("{:.1}", s.timings_ms.total),
        panels,
        unstaffable,
        run,
    };
    Ok(render(&page))
}

async fn adjust_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RunId>, Form(input): Form<AdjustInput>) -> AppResult<Response> {
    match adjust(&state, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/assignments/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Conflict { .. })) => {
            let status = e.status();
            Ok((status, render_run(&state, &me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn confirm_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RunId>) -> AppResult<Response> {
    let run = assignments::get(state.store().pool(), id).await?;
    confirm(&state, &me, id).await?;
    Ok(match (run.call_id, run.round_id) {
        (Some(call), _) => Redirect::to(&format!("/applications?call_id={call}&state=bureau_review")),
        (None, Some(round)) => Redirect::to(&format!("/evaluation/rounds/{round}")),
        (None, None) => Redirect::to("/results?state=screening"),
    }
    .into_response())
}
