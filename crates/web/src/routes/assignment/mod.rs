//! Optimal panel assignment for a call's applications (智能组建专家组): the
//! bureau sets the panel size and composition rules, previews the solver's
//! panels (each pair with its affinity and why it is eligible, items that
//! cannot be staffed with the reason, objective, bound and gap), and confirms;
//! confirmation invites the experts, each checked again for conflicts. The
//! solver's input, output and seed are stored so a draw can be replayed.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::routes::recognition::conflict_of;
use crate::AppState;
use axum::Router;
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::panel::{self, DeclaredConflicts, Instance, Item, Options, Randomize, Solution};
use pocnet_domain::recognition::ApplicationState;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::applications::{self, ApplicationFilter, ApplicationScope};
use pocnet_store::assignments::{self, NewRun, Run};
use pocnet_store::experts::{self, ExpertFilter};
use pocnet_store::{calls, registry, Page};
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(api::router()).merge(html::router())
}

/// The bureau's settings of a run.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RunInput {
    /// Experts per panel (3–15).
    pub panel_size: u32,
    /// At least this many industry experts per panel.
    #[serde(default)]
    pub min_industry: u32,
    /// At least this many investment experts per panel.
    #[serde(default)]
    pub min_investment: u32,
    /// At least this many academic experts per panel.
    #[serde(default)]
    pub min_academic: u32,
    /// Most panels one expert sits on (1–50).
    pub max_load: u32,
    /// Randomise (随机抽取) with this cap on any expert–item probability, in (0, 1].
    pub q: Option<f64>,
    /// Seed of the draw (default: one is drawn and recorded).
    pub seed: Option<u64>,
}

impl Default for RunInput {
    fn default() -> Self {
        Self { panel_size: 5, min_industry: 1, min_investment: 1, min_academic: 0, max_load: 3, q: None, seed: None }
    }
}

/// Builds the solver's instance from the call's applications in bureau review
/// that have no panel yet, and the available experts of the library.
pub async fn instance(state: &AppState, call_id: i64, input: &RunInput) -> AppResult<Instance> {
    if !(3..=15).contains(&input.panel_size) {
        return Err(FieldError::new("panel_size", "out_of_range", "每组专家人数须在3至15之间").into());
    }
    if !(1..=50).contains(&input.max_load) {
        return Err(FieldError::new("max_load", "out_of_range", "每位专家最多参评数须在1至50之间").into());
    }
    if input.min_industry + input.min_investment + input.min_academic > input.panel_size {
        return Err(FieldError::new("min_industry", "composition_exceeds_size", "各类专家最低人数之和超过每组人数").into());
    }
    let pool = state.store().pool();
    let filter = ApplicationFilter { state: Some(ApplicationState::BureauReview), call_id: Some(call_id) };
    let apps = applications::list(pool, ApplicationScope::All, &filter, Page::new(Some(1), Some(200)).all()).await?.items;
    let mut items = Vec::new();
    let mut min_per_kind = BTreeMap::new();
    for (kind, n) in [(ExpertKind::Industry, input.min_industry), (ExpertKind::Investment, input.min_investment), (ExpertKind::Academic, input.min_academic)] {
        if n > 0 {
            min_per_kind.insert(kind, n);
        }
    }
    for a in apps {
        if !applications::panel(pool, a.id).await?.is_empty() {
            continue;
        }
        let center = pocnet_store::centers::get(pool, a.center_id).await?;
        let file = registry::file(pool, a.center_id).await?;
        items.push(Item {
            id: a.id.to_string(),
            panel_size: input.panel_size,
            owner_org: a.host_org_id.to_string(),
            host_org: None,
            team: file.advisors.iter().map(|x| x.expert_id.to_string()).collect(),
            fields: center.fields.clone(),
            sub_fields: Vec::new(),
            keywords: pocnet_domain::expert::split_list(&center.summary).into_iter().take(20).collect(),
            review_date: Some(state.today()),
            min_per_kind: min_per_kind.clone(),
            max_internal_share: None,
        });
    }
    if items.is_empty() {
        return Err(AppError::rule("nothing_to_assign", "本通知没有处于市级评审阶段且尚未组建专家组的申报"));
    }
    let library = experts::list(pool, &ExpertFilter { available_only: true, ..Default::default() }, Page::new(Some(1), Some(200)).all()).await?.items;
    let today = state.today();
    let experts: Vec<panel::Expert> = library
        .into_iter()
        .filter(|e| !e.unavailable.iter().any(|w| w.covers(today)))
        .map(|e| panel::Expert {
            id: e.id.to_string(),
            kind: e.kind,
            org: e.org_id.to_string(),
            fields: e.fields,
            sub_fields: e.sub_fields,
            keywords: e.keywords,
            min_load: 0,
            max_load: input.max_load,
            conflicts: DeclaredConflicts { orgs: e.conflict_orgs.iter().map(i64::to_string).collect(), persons: Vec::new(), items: Vec::new() },
            availability: None,
        })
        .collect();
    let randomize = match input.q {
        Some(q) if q > 0.0 && q <= 1.0 => Some(Randomize { q, seed: input.seed.unwrap_or_else(rand::random) }),
        Some(_) => return Err(FieldError::new("q", "out_of_range", "随机抽取的概率上限须在0到1之间").into()),
        None => None,
    };
    Ok(Instance { items, experts, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options { randomize, ..Options::default() } })
}

/// Runs the solver for a call and stores the preview (bureau).
pub async fn preview(state: &AppState, me: &CurrentUser, call_id: i64, input: &RunInput) -> AppResult<Run> {
    me.require(&[Role::Bureau])?;
    calls::get(state.store().pool(), call_id).await?;
    let inst = instance(state, call_id, input).await?;
    let solved = tokio::task::spawn_blocking(move || panel::assign(&inst).map(|s| (inst, s)))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("solver task: {e}")))?;
    let (inst, solution) = solved.map_err(|e| AppError::rule("solver_failed", e.to_string()))?;
    let input_json = serde_json::to_string(&inst).map_err(|e| AppError::Internal(e.into()))?;
    let output_json = serde_json::to_string(&solution).map_err(|e| AppError::Internal(e.into()))?;
    let seed = solution.randomization.as_ref().map(|d| d.seed as i64);
    let mut tx = state.store().write().await?;
    let run = assignments::create(
        &mut tx,
        &me.actor(),
        state.now(),
        &NewRun { call_id, input_json: &input_json, output_json: &output_json, seed, objective_micro: solution.objective_micro, bound_micro: solution.bound_micro },
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

/// A stored run's solution.
pub fn solution_of(run: &Run) -> AppResult<Solution> {
    serde_json::from_str(&run.output_json).map_err(|e| AppError::Internal(anyhow::anyhow!("stored solution: {e}")))
}

/// Confirms a previewed run: every seat becomes an invitation, each pair
/// checked again for conflicts; all or nothing.
pub async fn confirm(state: &AppState, me: &CurrentUser, run_id: i64) -> AppResult<usize> {
    me.require(&[Role::Bureau])?;
    let run = assignments::get(state.store().pool(), run_id).await?;
    if run.status != "preview" {
        return Err(AppError::Conflict { code: "already_confirmed", message: "该分配方案已确认".into(), field: None });
    }
    let solution = solution_of(&run)?;
    let mut seats = Vec::new();
    for p in &solution.panels {
        let app_id: i64 = p.item.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("bad item id")))?;
        let a = applications::get(state.store().pool(), app_id).await?;
        if a.state != ApplicationState::BureauReview {
            return Err(AppError::Conflict { code: "stale_assignment", message: format!("“{}”已不在市级评审阶段，请重新组建", a.proposed_name), field: None });
        }
        for s in &p.experts {
            let expert_id: i64 = s.expert.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("bad expert id")))?;
            if let Some(reason) = conflict_of(state, &a, expert_id).await? {
                return Err(AppError::rule("conflict_of_interest", format!("不能确认：{reason}，请重新组建")));
            }
            seats.push((app_id, expert_id));
        }
    }
    let mut tx = state.store().write().await?;
    assignments::confirm(&mut tx, &me.actor(), state.now(), run_id).await.map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => AppError::Conflict { code: "already_confirmed", message: "该分配方案已确认".into(), field: None },
        other => other.into(),
    })?;
    for (app, expert) in &seats {
        applications::assign_expert(&mut tx, &me.actor(), state.now(), *app, *expert).await?;
    }
    tx.commit().await?;
    Ok(seats.len())
}
