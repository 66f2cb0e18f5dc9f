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
use pocnet_domain::panel::{self, Assignment, DeclaredConflicts, Instance, Item, Options, Randomize, Replacement, Solution};
use pocnet_domain::recognition::ApplicationState;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::applications::{self, Application, ApplicationFilter, ApplicationScope};
use pocnet_store::assignments::{self, NewRun, Run};
use pocnet_store::experts::{self, ExpertFilter};
use pocnet_store::{calls, registry, Page};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
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

fn validate(input: &RunInput) -> AppResult<()> {
    if !(3..=15).contains(&input.panel_size) {
        return Err(FieldError::new("panel_size", "out_of_range", "每组专家人数须在3至15之间").into());
    }
    if !(1..=50).contains(&input.max_load) {
        return Err(FieldError::new("max_load", "out_of_range", "每位专家最多参评数须在1至50之间").into());
    }
    if input.min_industry + input.min_investment + input.min_academic > input.panel_size {
        return Err(FieldError::new("min_industry", "composition_exceeds_size", "各类专家最低人数之和超过每组人数").into());
    }
    Ok(())
}

/// The call's applications in bureau review (市级评审).
async fn in_review(state: &AppState, call_id: i64) -> AppResult<Vec<Application>> {
    let filter = ApplicationFilter { state: Some(ApplicationState::BureauReview), call_id: Some(call_id), region: None };
    Ok(applications::list(state.store().pool(), ApplicationScope::All, &filter, Page::new(Some(1), Some(200)).all()).await?.items)
}

/// The item rule "at least n of each kind" of the settings.
fn kind_minimums(input: &RunInput) -> BTreeMap<ExpertKind, u32> {
    [(ExpertKind::Industry, input.min_industry), (ExpertKind::Investment, input.min_investment), (ExpertKind::Academic, input.min_academic)]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The random draw the settings ask for, with its seed (drawn when not given).
fn randomize_of(input: &RunInput) -> AppResult<Option<Randomize>> {
    match input.q {
        Some(q) if q > 0.0 && q <= 1.0 => Ok(Some(Randomize { q, seed: input.seed.unwrap_or_else(rand::random) })),
        Some(_) => Err(FieldError::new("q", "out_of_range", "随机抽取的概率上限须在0到1之间").into()),
        None => Ok(None),
    }
}

/// The solver's item for an application.
async fn item_of(state: &AppState, a: &Application, input: &RunInput) -> AppResult<Item> {
    let pool = state.store().pool();
    let min_per_kind = kind_minimums(input);
    let center = pocnet_store::centers::get(pool, a.center_id).await?;
    let file = registry::file(pool, a.center_id).await?;
    Ok(Item {
        id: a.id.to_string(),
        panel_size: input.panel_size,
        owner_org: a.host_org_id.to_string(),
        host_org: None,
        team: file.advisors.iter().map(|x| x.expert_id.to_string()).collect(),
        fields: center.fields.clone(),
        sub_fields: Vec::new(),
        keywords: pocnet_domain::expert::split_list(&center.summary).into_iter().take(20).collect(),
        review_date: Some(state.today()),
        min_per_kind,
        max_internal_share: None,
    })
}

fn solver_expert(e: experts::Expert, max_load: u32) -> panel::Expert {
    panel::Expert {
        id: e.id.to_string(),
        kind: e.kind,
        org: e.org_id.to_string(),
        fields: e.fields,
        sub_fields: e.sub_fields,
        keywords: e.keywords,
        min_load: 0,
        max_load,
        conflicts: DeclaredConflicts { orgs: e.conflict_orgs.iter().map(i64::to_string).collect(), persons: Vec::new(), items: Vec::new() },
        availability: None,
    }
}

/// The library's experts who can review today (active, not blacklisted, not
/// in an unavailable window), as the solver sees them.
async fn available_experts(state: &AppState, max_load: u32) -> AppResult<Vec<panel::Expert>> {
    let library = experts::list(state.store().pool(), &ExpertFilter { available_only: true, ..Default::default() }, Page::new(Some(1), Some(200)).all())
        .await?
        .items;
    let today = state.today();
    Ok(library.into_iter().filter(|e| !e.unavailable.iter().any(|w| w.covers(today))).map(|e| solver_expert(e, max_load)).collect())
}

/// Builds the solver's instance from the call's applications in bureau review
/// that have no panel yet, and the available experts of the library.
pub async fn instance(state: &AppState, call_id: i64, input: &RunInput) -> AppResult<Instance> {
    validate(input)?;
    let pool = state.store().pool();
    let mut items = Vec::new();
    for a in in_review(state, call_id).await? {
        if applications::panel(pool, a.id).await?.is_empty() {
            items.push(item_of(state, &a, input).await?);
        }
    }
    if items.is_empty() {
        return Err(AppError::rule("nothing_to_assign", "本通知没有处于市级评审阶段且尚未组建专家组的申报"));
    }
    let experts = available_experts(state, input.max_load).await?;
    let randomize = randomize_of(input)?;
    Ok(Instance { items, experts, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options { randomize, ..Options::default() } })
}

/// The settings an item's panel was built with: those of the newest
/// confirmed run that staffed it, or (for a panel chosen by hand) no
/// composition rule and the default load limit. The panel size is the seats
/// it has.
fn settings_of(runs: &[Run], item_id: i64, seats: u32) -> AppResult<RunInput> {
    let item_id = item_id.to_string();
    let mut confirmed: Vec<&Run> = runs.iter().filter(|r| r.status == "confirmed").collect();
    confirmed.sort_by_key(|r| std::cmp::Reverse(r.id));
    for run in confirmed {
        let inst: Instance = serde_json::from_str(&run.input_json).map_err(|e| AppError::Internal(anyhow::anyhow!("stored instance: {e}")))?;
        if let Some(item) = inst.items.iter().find(|i| i.id == item_id) {
            return Ok(RunInput {
                panel_size: seats.max(1),
                min_industry: item.min_of(ExpertKind::Industry),
                min_investment: item.min_of(ExpertKind::Investment),
                min_academic: item.min_of(ExpertKind::Academic),
                max_load: inst.experts.first().map_or(RunInput::default().max_load, |e| e.max_load),
                q: None,
                seed: None,
            });
        }
    }
    Ok(RunInput { panel_size: seats.max(1), min_industry: 0, min_investment: 0, min_academic: 0, ..RunInput::default() })
}

/// A panel seat as the replacement rules see it.
pub struct SeatState {
    /// The expert.
    pub expert_id: i64,
    /// Recused or declined.
    pub vacated: bool,
    /// The vacated seat this expert fills.
    pub replaces: Option<i64>,
}

/// Checks that `left` vacated a seat of `panel` that nobody fills yet, for
/// `field`; returns the seats the panel will have once it is filled.
pub fn open_seat(panel: &[SeatState], left: i64, field: &str) -> AppResult<u32> {
    let seat = panel.iter().find(|s| s.expert_id == left).ok_or_else(|| FieldError::new(field, "not_on_panel", "该专家不在本专家组中"))?;
    if !seat.vacated {
        return Err(FieldError::new(field, "not_vacated", "被替换的专家须为本组已回避或谢绝的专家").into());
    }
    if panel.iter().any(|s| s.replaces == Some(left)) {
        return Err(AppError::Conflict { code: "seat_filled", message: "该席位已有替补专家".into(), field: Some(field.to_owned()) });
    }
    Ok(panel.iter().filter(|s| !s.vacated).count() as u32 + 1)
}

/// Proposes the best replacement for `left` on `target` among `panels` (each
/// item with its active members; the one who left is counted on the target):
/// the other panels count for loads only, experts already seated stay in the
/// instance even if no longer available, and nobody else moves.
async fn propose(state: &AppState, panels: Vec<(Item, Vec<String>)>, target: i64, left: i64, max_load: u32) -> AppResult<ReplacementView> {
    let target = target.to_string();
    let mut current = Vec::new();
    let mut on_panels: BTreeMap<String, u32> = BTreeMap::new();
    let mut items = Vec::new();
    for (mut item, mut ids) in panels {
        if item.id == target {
            ids.push(left.to_string());
        } else {
            // Rules of other panels do not bind this replacement.
            item.min_per_kind.clear();
        }
        for id in &ids {
            *on_panels.entry(id.clone()).or_default() += 1;
        }
        item.panel_size = ids.len().max(1) as u32;
        current.push(Assignment { item: item.id.clone(), experts: ids });
        items.push(item);
    }
    let mut experts = available_experts(state, max_load).await?;
    for (id, load) in &on_panels {
        if let Some(e) = experts.iter_mut().find(|e| &e.id == id) {
            e.max_load = e.max_load.max(*load);
        } else if let Ok(eid) = id.parse::<i64>() {
            experts.push(solver_expert(experts::get(state.store().pool(), eid).await?, *load));
        }
    }
    let inst = Instance { items, experts, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options::default() };
    let r = panel::replace(&inst, &current, &target, &left.to_string()).map_err(|e| AppError::rule("solver_failed", e.to_string()))?;
    named(state, r).await
}

/// A proposed replacement with the names a clerk reads.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReplacementView {
    /// The assigner's proposal (expert ids as strings).
    pub replacement: Replacement,
    /// Names of the experts named in it, by id.
    pub names: BTreeMap<String, String>,
}

/// Proposes the best replacement for an expert who recused or declined on an
/// application's panel: every hard rule, the panel's composition rules and
/// the load limits of the call's panels hold, and nobody else moves (bureau).
pub async fn replacement(state: &AppState, me: &CurrentUser, app_id: i64, left: i64) -> AppResult<ReplacementView> {
    me.require(&[Role::Bureau])?;
    let pool = state.store().pool();
    let a = applications::get(pool, app_id).await?;
    if a.state != ApplicationState::BureauReview {
        return Err(AppError::Conflict { code: "illegal_transition", message: "只有市级评审阶段可以替换专家".into(), field: None });
    }
    let panel = applications::panel(pool, app_id).await?;
    let seats: Vec<SeatState> = panel.iter().map(|p| SeatState { expert_id: p.expert_id, vacated: p.vacated(), replaces: p.replaces_expert_id }).collect();
    let seats = open_seat(&seats, left, "expert")?;
    let input = settings_of(&assignments::of_call(pool, a.call_id).await?, app_id, seats)?;
    // Loads count every active seat on the call's panels; the vacated seat is
    // the one to fill.
    let mut panels = Vec::new();
    for other in in_review(state, a.call_id).await? {
        let members = applications::panel(pool, other.id).await?.iter().filter(|p| !p.vacated()).map(|p| p.expert_id.to_string()).collect();
        panels.push((item_of(state, &other, &input).await?, members));
    }
    propose(state, panels, app_id, left, input.max_load).await
}

/// Solves an instance off the async runtime and stores the preview.
async fn solve_and_store(state: &AppState, me: &CurrentUser, inst: Instance, call_id: Option<i64>, center_id: Option<i64>) -> AppResult<Run> {
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
        &NewRun { call_id, center_id, input_json: &input_json, output_json: &output_json, seed, objective_micro: solution.objective_micro, bound_micro: solution.bound_micro },
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

/// Runs the solver for a call and stores the preview (bureau).
pub async fn preview(state: &AppState, me: &CurrentUser, call_id: i64, input: &RunInput) -> AppResult<Run> {
    me.require(&[Role::Bureau])?;
    calls::get(state.store().pool(), call_id).await?;
    let inst = instance(state, call_id, input).await?;
    solve_and_store(state, me, inst, Some(call_id), None).await
}

/// Runs the solver for the results a center is screening that have no panel
/// yet, and stores the preview (the center's operator).
pub async fn preview_screening(state: &AppState, me: &CurrentUser, center_id: i64, input: &RunInput) -> AppResult<Run> {
    require_center_of(state, me, center_id).await?;
    validate(input)?;
    let pool = state.store().pool();
    let ids = pocnet_store::library::reviews::unstaffed(pool, center_id).await?;
    if ids.is_empty() {
        return Err(AppError::rule("nothing_to_assign", "本中心没有处于入库遴选阶段且尚未组建专家组的成果"));
    }
    let library = available_experts(state, input.max_load).await?;
    let names = experts_by_name(state).await?;
    let mut items = Vec::new();
    for id in ids {
        let p = pocnet_store::library::pipeline::get(pool, id).await?;
        items.push(result_item(state, &p, input, &names));
    }
    let randomize = randomize_of(input)?;
    let inst = Instance { items, experts: library, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options { randomize, ..Options::default() } };
    solve_and_store(state, me, inst, None, Some(center_id)).await
}

/// Library experts by name (to recognise team members who are in the library).
async fn experts_by_name(state: &AppState) -> AppResult<BTreeMap<String, String>> {
    Ok(experts::list(state.store().pool(), &ExpertFilter::default(), Page::new(Some(1), Some(200)).all())
        .await?
        .items
        .into_iter()
        .map(|e| (e.name.trim().to_owned(), e.id.to_string()))
        .collect())
}

/// The solver's item for a result in screening: its owner unit, its team
/// members who are in the library, its field and words.
fn result_item(state: &AppState, p: &pocnet_store::library::pipeline::Project, input: &RunInput, names: &BTreeMap<String, String>) -> Item {
    let min_per_kind = kind_minimums(input);
    let mut keywords = pocnet_domain::expert::split_list(&p.title);
    keywords.extend(pocnet_domain::expert::split_list(&p.summary).into_iter().take(20));
    Item {
        id: p.id.to_string(),
        panel_size: input.panel_size,
        owner_org: p.owner_org_id.to_string(),
        host_org: None,
        team: p.team.iter().filter_map(|m| names.get(m.trim()).cloned()).collect(),
        fields: vec![p.field.clone()],
        sub_fields: vec![p.sub_field.clone()].into_iter().filter(|s| !s.is_empty()).collect(),
        keywords,
        review_date: Some(state.today()),
        min_per_kind,
        max_internal_share: None,
    }
}

/// Proposes the best replacement for an expert who recused or declined on a
/// result's screening panel: every hard rule, the panel's composition rules
/// (of the center's confirmed run, if it made the panel) and load limits
/// hold, and nobody else moves (the owning center's operator).
pub async fn screening_replacement(state: &AppState, me: &CurrentUser, result_id: i64, left: i64) -> AppResult<ReplacementView> {
    use pocnet_store::library::{pipeline, reviews};
    let pool = state.store().pool();
    let p = pipeline::get(pool, result_id).await?;
    let center_id = p.center_id.ok_or(AppError::NotFound)?;
    require_center_of(state, me, center_id).await?;
    if p.state != pocnet_domain::research_result::ResultState::Screening {
        return Err(AppError::Conflict { code: "illegal_transition", message: "只有入库遴选阶段可以替换专家".into(), field: None });
    }
    let panel = reviews::panel(pool, result_id).await?;
    let seats: Vec<SeatState> = panel.iter().map(|r| SeatState { expert_id: r.expert_id, vacated: r.vacated(), replaces: r.replaces_expert_id }).collect();
    let seats = open_seat(&seats, left, "expert")?;
    let input = settings_of(&assignments::of_center(pool, center_id).await?, result_id, seats)?;
    let names = experts_by_name(state).await?;
    let mut panels = Vec::new();
    for id in reviews::in_screening(pool, center_id).await? {
        let other = pipeline::get(pool, id).await?;
        let members = reviews::panel(pool, id).await?.iter().filter(|r| !r.vacated()).map(|r| r.expert_id.to_string()).collect();
        panels.push((result_item(state, &other, &input, &names), members));
    }
    propose(state, panels, result_id, left, input.max_load).await
}

/// A replacement with the names of the experts it names.
async fn named(state: &AppState, r: Replacement) -> AppResult<ReplacementView> {
    let ids: Vec<i64> = std::iter::once(&r.declined)
        .chain(r.proposed.iter().map(|c| &c.expert))
        .chain(r.alternatives.iter().map(|c| &c.expert))
        .filter_map(|s| s.parse().ok())
        .collect();
    let mut names = BTreeMap::new();
    for id in ids {
        let e = experts::get(state.store().pool(), id).await?;
        names.insert(id.to_string(), format!("{}（{}）", e.name, e.org_name));
    }
    Ok(ReplacementView { replacement: r, names })
}

/// The caller operates the center (its unit hosts it).
pub(crate) async fn require_center_of(state: &AppState, me: &CurrentUser, center_id: i64) -> AppResult<()> {
    me.require(&[Role::Center])?;
    let c = pocnet_store::centers::get(state.store().pool(), center_id).await?;
    if c.host_org_id == me.user.org_id {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Who may see, adjust and confirm a run: the bureau a call's, the center's operator a screening run.
pub async fn require_run_owner(state: &AppState, me: &CurrentUser, run: &Run) -> AppResult<()> {
    match run.center_id {
        Some(c) => require_center_of(state, me, c).await,
        None => me.require(&[Role::Bureau]),
    }
}

/// A stored run's solution.
pub fn solution_of(run: &Run) -> AppResult<Solution> {
    serde_json::from_str(&run.output_json).map_err(|e| AppError::Internal(anyhow::anyhow!("stored solution: {e}")))
}

/// Confirms a previewed run: every seat becomes an invitation, each pair
/// checked again for conflicts; all or nothing.
pub async fn confirm(state: &AppState, me: &CurrentUser, run_id: i64) -> AppResult<usize> {
    let run = assignments::get(state.store().pool(), run_id).await?;
    require_run_owner(state, me, &run).await?;
    if run.status != "preview" {
        return Err(AppError::Conflict { code: "already_confirmed", message: "该分配方案已确认".into(), field: None });
    }
    let solution = solution_of(&run)?;
    if run.center_id.is_some() {
        return confirm_screening(state, me, run_id, &solution).await;
    }
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
        applications::assign_expert(&mut tx, &me.actor(), state.now(), *app, *expert, None).await?;
    }
    tx.commit().await?;
    Ok(seats.len())
}

/// Confirms a screening run: every seat an invitation to screen, each
/// checked again for conflicts; all or nothing.
async fn confirm_screening(state: &AppState, me: &CurrentUser, run_id: i64, solution: &Solution) -> AppResult<usize> {
    let pool = state.store().pool();
    let mut seats = Vec::new();
    for p in &solution.panels {
        let id: i64 = p.item.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("bad item id")))?;
        let project = pocnet_store::library::pipeline::get(pool, id).await?;
        if project.state != pocnet_domain::research_result::ResultState::Screening || !pocnet_store::library::reviews::panel(pool, id).await?.is_empty() {
            return Err(AppError::Conflict { code: "stale_assignment", message: format!("“{}”已不在待组建专家组的遴选阶段，请重新组建", project.title), field: None });
        }
        for s in &p.experts {
            let expert_id: i64 = s.expert.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("bad expert id")))?;
            if let Some(reason) = crate::routes::library::conflict_of(state, &project, expert_id).await? {
                return Err(AppError::rule("conflict_of_interest", format!("不能确认：{reason}，请重新组建")));
            }
            seats.push((id, expert_id));
        }
    }
    let mut tx = state.store().write().await?;
    assignments::confirm(&mut tx, &me.actor(), state.now(), run_id).await.map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => AppError::Conflict { code: "already_confirmed", message: "该分配方案已确认".into(), field: None },
        other => other.into(),
    })?;
    for (id, expert) in &seats {
        pocnet_store::library::reviews::assign(&mut tx, &me.actor(), state.now(), *id, *expert, None).await?;
    }
    tx.commit().await?;
    Ok(seats.len())
}

/// A hand adjustment of a previewed run, as sent.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AdjustInput {
    /// The application (item) whose panel changes.
    pub item: i64,
    /// The expert taken off it.
    pub remove: i64,
    /// The expert put on it; absent: the best replacement the assigner proposes.
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    pub add: Option<i64>,
}

/// Swaps one seat of a previewed run (bureau): the new expert must keep every
/// hard rule, its load limit and the panel's composition; nobody else moves;
/// the objective and gap are recomputed against the unchanged bound.
pub async fn adjust(state: &AppState, me: &CurrentUser, run_id: i64, input: &AdjustInput) -> AppResult<Run> {
    let run = assignments::get(state.store().pool(), run_id).await?;
    require_run_owner(state, me, &run).await?;
    if run.status != "preview" {
        return Err(AppError::Conflict { code: "already_confirmed", message: "该分配方案已确认，不能调整".into(), field: None });
    }
    let inst: Instance = serde_json::from_str(&run.input_json).map_err(|e| AppError::Internal(anyhow::anyhow!("stored instance: {e}")))?;
    let solution = solution_of(&run)?;
    let added = input.add.map(|a| a.to_string());
    let adjusted = panel::swap_seat(&inst, &solution, &input.item.to_string(), &input.remove.to_string(), added.as_deref()).map_err(|e| {
        let field = match &e {
            panel::AdjustError::Panel(_) | panel::AdjustError::NoReplacement(_) => "remove",
            _ => "add",
        };
        AppError::from(FieldError::new(field, e.code(), format!("不能调整：{e}")))
    })?;
    let output_json = serde_json::to_string(&adjusted).map_err(|e| AppError::Internal(e.into()))?;
    let change = serde_json::to_value(adjusted.adjustments.last()).unwrap_or_default();
    let mut tx = state.store().write().await?;
    let run = assignments::adjust(
        &mut tx,
        &me.actor(),
        state.now(),
        run_id,
        &assignments::Adjusted { before_json: &run.output_json, output_json: &output_json, objective_micro: adjusted.objective_micro, change },
    )
    .await
    .map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => {
            AppError::Conflict { code: "version_conflict", message: "该方案已被他人调整或确认，请刷新后重试".into(), field: None }
        }
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(run)
}
