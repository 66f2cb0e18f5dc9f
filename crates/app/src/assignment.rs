//! Optimal panel assignment for a call's applications (智能组建专家组): the
//! bureau sets the panel size and composition rules, previews the solver's
//! panels (each pair with its affinity and why it is eligible, items that
//! cannot be staffed with the reason, objective, bound and gap), and confirms;
//! confirmation invites the experts, each checked again for conflicts. The
//! solver's input, output and seed are stored so a draw can be replayed.
//! The same for a center's screening panels; confirmation writes through
//! [`crate::panels`]' store, after the same conflict rules.

use crate::panels::{self as workflow_panels, Judged};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::id::{ApplicationId, CallId, CenterId, EvaluationId, ExpertId, ResultId, RoundId, RunId};
use pocnet_domain::panel::seat::{open_seat, VacancyError};
use pocnet_domain::panel::{RunPurpose, RunStatus};
use pocnet_domain::panel::{self, Assignment, DeclaredConflicts, Instance, Item, Options, Randomize, Replacement, Solution};
use pocnet_domain::recognition::ApplicationState;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::applications::{self, Application, ApplicationFilter, ApplicationScope};
use pocnet_store::assignments::{self, NewRun, Run};
use pocnet_store::experts::{self, ExpertFilter};
use pocnet_store::panels::{self, Subject};
use pocnet_store::{calls, registry, Page};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

fn validate(input: &RunInput) -> Result<()> {
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
async fn in_review(ctx: &Context, call_id: CallId) -> Result<Vec<Application>> {
    let filter = ApplicationFilter { state: Some(ApplicationState::BureauReview), call_id: Some(call_id), region: None };
    Ok(applications::list(ctx.store().pool(), ApplicationScope::All, &filter, Page::new(Some(1), Some(200)).all()).await?.items)
}

/// The item rule "at least n of each kind" of the settings.
fn kind_minimums(input: &RunInput) -> BTreeMap<ExpertKind, u32> {
    [(ExpertKind::Industry, input.min_industry), (ExpertKind::Investment, input.min_investment), (ExpertKind::Academic, input.min_academic)]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The random draw the settings ask for, with its seed (drawn when not given).
fn randomize_of(input: &RunInput) -> Result<Option<Randomize>> {
    match input.q {
        Some(q) if q > 0.0 && q <= 1.0 => Ok(Some(Randomize { q, seed: input.seed.unwrap_or_else(rand::random) })),
        Some(_) => Err(FieldError::new("q", "out_of_range", "随机抽取的概率上限须在0到1之间").into()),
        None => Ok(None),
    }
}

/// The solver's item for an application.
async fn item_of(ctx: &Context, a: &Application, input: &RunInput) -> Result<Item> {
    center_item(ctx, a.id.to_string(), a.center_id, Some(a.host_org_id), input).await
}

/// The solver's item for something judged about a center (its application, its annual
/// evaluation): the host unit (the application's, else the center's) and the advisory team as
/// conflicts, the center's fields and words.
async fn center_item(ctx: &Context, id: String, center_id: CenterId, host: Option<pocnet_domain::id::OrgId>, input: &RunInput) -> Result<Item> {
    let pool = ctx.store().pool();
    let center = pocnet_store::centers::get(pool, center_id).await?;
    let file = registry::file(pool, center_id).await?;
    Ok(Item {
        id,
        panel_size: input.panel_size,
        owner_org: host.unwrap_or(center.host_org_id).to_string(),
        host_org: None,
        team: file.advisors.iter().map(|x| x.expert_id.to_string()).collect(),
        fields: center.fields.clone(),
        sub_fields: Vec::new(),
        keywords: pocnet_domain::expert::split_list(&center.summary).into_iter().take(20).collect(),
        review_date: Some(ctx.today()),
        min_per_kind: kind_minimums(input),
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
        conflicts: DeclaredConflicts { orgs: e.conflict_orgs.iter().map(ToString::to_string).collect(), persons: Vec::new(), items: Vec::new() },
        availability: None,
    }
}

/// The library's experts who can review today (active, not blacklisted, not
/// in an unavailable window), as the solver sees them.
async fn available_experts(ctx: &Context, max_load: u32) -> Result<Vec<panel::Expert>> {
    let library = experts::list(ctx.store().pool(), &ExpertFilter { available_only: true, ..Default::default() }, Page::new(Some(1), Some(200)).all())
        .await?
        .items;
    let today = ctx.today();
    Ok(library.into_iter().filter(|e| !e.unavailable.iter().any(|w| w.covers(today))).map(|e| solver_expert(e, max_load)).collect())
}

/// Builds the solver's instance from the call's applications in bureau review
/// that have no panel yet, and the available experts of the library.
pub async fn instance(ctx: &Context, call_id: CallId, input: &RunInput) -> Result<Instance> {
    validate(input)?;
    let pool = ctx.store().pool();
    let mut items = Vec::new();
    for a in in_review(ctx, call_id).await? {
        if !panels::staffed(pool, Subject::application(a.id)).await? {
            items.push(item_of(ctx, &a, input).await?);
        }
    }
    if items.is_empty() {
        return Err(Error::rule("nothing_to_assign", "本通知没有处于市级评审阶段且尚未组建专家组的申报"));
    }
    let experts = available_experts(ctx, input.max_load).await?;
    let randomize = randomize_of(input)?;
    Ok(Instance { items, experts, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options { randomize, ..Options::default() } })
}

/// The settings an item's panel was built with: those of the newest
/// confirmed run that staffed it, or (for a panel chosen by hand) no
/// composition rule and the default load limit. The panel size is the seats
/// it has.
fn settings_of(runs: &[Run], item_id: i64, seats: u32) -> Result<RunInput> {
    let item_id = item_id.to_string();
    let mut confirmed: Vec<&Run> = runs.iter().filter(|r| r.status == RunStatus::Confirmed).collect();
    confirmed.sort_by_key(|r| std::cmp::Reverse(r.id));
    for run in confirmed {
        let inst: Instance = serde_json::from_str(&run.input_json).map_err(|e| Error::Internal(format!("stored instance: {e}")))?;
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

/// Checks that `left` vacated a seat of the subject's panel that nobody
/// fills yet; returns the seats the panel will have once it is filled.
async fn open_seat_of(ctx: &Context, subject: Subject, left: ExpertId) -> Result<u32> {
    let seats: Vec<_> = panels::seats(ctx.store().pool(), subject).await?.iter().map(panels::Seat::occupancy).collect();
    open_seat(&seats, left).map_err(|e| match e {
        VacancyError::SeatFilled => Error::Conflict { code: e.code(), message: e.to_string(), field: Some("expert".into()) },
        VacancyError::NotOnPanel | VacancyError::NotVacated => e.on("expert").into(),
    })
}

/// The active members of a subject's panel (those who have not left), as the solver names them.
async fn members(ctx: &Context, subject: Subject) -> Result<Vec<String>> {
    Ok(panels::seats(ctx.store().pool(), subject).await?.iter().filter(|p| !p.vacated()).map(|p| p.expert_id.to_string()).collect())
}

/// Proposes the best replacement for `left` on `target` among `panels` (each
/// item with its active members; the one who left is counted on the target):
/// the other panels count for loads only, experts already seated stay in the
/// instance even if no longer available, and nobody else moves.
async fn propose(ctx: &Context, panels: Vec<(Item, Vec<String>)>, target: i64, left: ExpertId, max_load: u32) -> Result<ReplacementView> {
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
    let mut experts = available_experts(ctx, max_load).await?;
    for (id, load) in &on_panels {
        if let Some(e) = experts.iter_mut().find(|e| &e.id == id) {
            e.max_load = e.max_load.max(*load);
        } else if let Ok(eid) = id.parse::<ExpertId>() {
            experts.push(solver_expert(experts::get(ctx.store().pool(), eid).await?, *load));
        }
    }
    let inst = Instance { items, experts, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options::default() };
    let r = panel::replace(&inst, &current, &target, &left.to_string()).map_err(|e| Error::rule("solver_failed", e.to_string()))?;
    named(ctx, r).await
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
pub async fn replacement(ctx: &Context, caller: &Caller, app_id: ApplicationId, left: ExpertId) -> Result<ReplacementView> {
    workflow_panels::to_manage(ctx, caller, Subject::application(app_id), true).await?;
    let pool = ctx.store().pool();
    let a = applications::get(pool, app_id).await?;
    let seats = open_seat_of(ctx, Subject::application(app_id), left).await?;
    let input = settings_of(&assignments::of_call(pool, a.call_id).await?, app_id.get(), seats)?;
    // Loads count every active seat on the call's panels; the vacated seat is
    // the one to fill.
    let mut panels = Vec::new();
    for other in in_review(ctx, a.call_id).await? {
        let on_panel = members(ctx, Subject::application(other.id)).await?;
        panels.push((item_of(ctx, &other, &input).await?, on_panel));
    }
    propose(ctx, panels, app_id.get(), left, input.max_load).await
}

/// Solves an instance off the async runtime and stores the preview.
async fn solve_and_store(ctx: &Context, caller: &Caller, inst: Instance, owner: RunOwner) -> Result<Run> {
    let (call_id, center_id, round_id) = match owner {
        RunOwner::Call(c) => (Some(c), None, None),
        RunOwner::Center(c) => (None, Some(c), None),
        RunOwner::Round(r) => (None, None, Some(r)),
    };
    let solved = tokio::task::spawn_blocking(move || panel::assign(&inst).map(|s| (inst, s)))
        .await
        .map_err(|e| Error::Internal(format!("solver task: {e}")))?;
    let (inst, solution) = solved.map_err(|e| Error::rule("solver_failed", e.to_string()))?;
    let input_json = serde_json::to_string(&inst).map_err(|e| Error::Internal(e.to_string()))?;
    let output_json = serde_json::to_string(&solution).map_err(|e| Error::Internal(e.to_string()))?;
    let seed = solution.randomization.as_ref().map(|d| d.seed as i64);
    let mut tx = ctx.store().write().await?;
    let run = assignments::create(
        &mut tx,
        &caller.actor(),
        ctx.now(),
        &NewRun { call_id, center_id, round_id, input_json: &input_json, output_json: &output_json, seed, objective_micro: solution.objective_micro, bound_micro: solution.bound_micro },
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

/// Runs the solver for a call and stores the preview (bureau).
pub async fn preview(ctx: &Context, caller: &Caller, call_id: CallId, input: &RunInput) -> Result<Run> {
    caller.require(&[Role::Bureau])?;
    calls::get(ctx.store().pool(), call_id).await?;
    let inst = instance(ctx, call_id, input).await?;
    solve_and_store(ctx, caller, inst, RunOwner::Call(call_id)).await
}

/// Whose panels a run staffs.
#[derive(Debug, Clone, Copy)]
enum RunOwner {
    Call(CallId),
    Center(CenterId),
    Round(RoundId),
}

/// Runs the solver for the results a center is screening that have no panel
/// yet, and stores the preview (the center's operator).
pub async fn preview_screening(ctx: &Context, caller: &Caller, center_id: CenterId, input: &RunInput) -> Result<Run> {
    require_center_of(ctx, caller, center_id).await?;
    validate(input)?;
    let pool = ctx.store().pool();
    let ids = panels::unstaffed_results(pool, center_id).await?;
    if ids.is_empty() {
        return Err(Error::rule("nothing_to_assign", "本中心没有处于入库遴选阶段且尚未组建专家组的成果"));
    }
    let library = available_experts(ctx, input.max_load).await?;
    let names = experts_by_name(ctx).await?;
    let mut items = Vec::new();
    for id in ids {
        let p = pocnet_store::library::pipeline::get(pool, id).await?;
        items.push(result_item(ctx, &p, input, &names));
    }
    let randomize = randomize_of(input)?;
    let inst = Instance { items, experts: library, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options { randomize, ..Options::default() } };
    solve_and_store(ctx, caller, inst, RunOwner::Center(center_id)).await
}

/// The solver's item for a center's evaluation (000 四's panel avoids its host unit and advisory team).
async fn evaluation_item(ctx: &Context, id: EvaluationId, input: &RunInput) -> Result<Item> {
    let e = pocnet_store::evaluations::evaluation(ctx.store().pool(), id).await?;
    center_item(ctx, id.to_string(), e.center_id, None, input).await
}

/// Runs the solver for an open round's pending evaluations that have no panel
/// yet (年度绩效评价专家组), and stores the preview (bureau).
pub async fn preview_evaluation(ctx: &Context, caller: &Caller, round_id: RoundId, input: &RunInput) -> Result<Run> {
    caller.require(&[Role::Bureau])?;
    validate(input)?;
    let pool = ctx.store().pool();
    let round = pocnet_store::evaluations::get(pool, round_id).await?;
    if round.state != pocnet_domain::evaluation::RoundState::Open {
        return Err(Error::Conflict { code: "round_published", message: "评价结果已公布，不能再组建专家组".into(), field: None });
    }
    let ids = panels::unstaffed_evaluations(pool, round_id).await?;
    if ids.is_empty() {
        return Err(Error::rule("nothing_to_assign", "本轮评价没有待评且尚未组建专家组的中心"));
    }
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        items.push(evaluation_item(ctx, id, input).await?);
    }
    let experts = available_experts(ctx, input.max_load).await?;
    let randomize = randomize_of(input)?;
    let inst = Instance { items, experts, conflicts: Vec::new(), blacklist: Vec::new(), affinities: Vec::new(), options: Options { randomize, ..Options::default() } };
    solve_and_store(ctx, caller, inst, RunOwner::Round(round_id)).await
}

/// Library experts by name (to recognise team members who are in the library).
async fn experts_by_name(ctx: &Context) -> Result<BTreeMap<String, String>> {
    Ok(experts::list(ctx.store().pool(), &ExpertFilter::default(), Page::new(Some(1), Some(200)).all())
        .await?
        .items
        .into_iter()
        .map(|e| (e.name.trim().to_owned(), e.id.to_string()))
        .collect())
}

/// The solver's item for a result in screening: its owner unit, its team
/// members who are in the library, its field and words.
fn result_item(ctx: &Context, p: &pocnet_store::library::pipeline::Project, input: &RunInput, names: &BTreeMap<String, String>) -> Item {
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
        review_date: Some(ctx.today()),
        min_per_kind,
        max_internal_share: None,
    }
}

/// Proposes the best replacement for an expert who recused or declined on a
/// result's screening panel: every hard rule, the panel's composition rules
/// (of the center's confirmed run, if it made the panel) and load limits
/// hold, and nobody else moves (the owning center's operator).
pub async fn screening_replacement(ctx: &Context, caller: &Caller, result_id: ResultId, left: ExpertId) -> Result<ReplacementView> {
    use pocnet_store::library::pipeline;
    let pool = ctx.store().pool();
    let p = pipeline::get(pool, result_id).await?;
    let center_id = p.center_id.ok_or(Error::NotFound)?;
    require_center_of(ctx, caller, center_id).await?;
    if p.state != pocnet_domain::research_result::ResultState::Screening {
        return Err(Error::Conflict { code: "illegal_transition", message: "只有入库遴选阶段可以替换专家".into(), field: None });
    }
    let seats = open_seat_of(ctx, Subject::result(result_id), left).await?;
    let input = settings_of(&assignments::of_center(pool, center_id).await?, result_id.get(), seats)?;
    let names = experts_by_name(ctx).await?;
    let mut others = Vec::new();
    for id in pipeline::in_screening(pool, center_id).await? {
        let other = pipeline::get(pool, id).await?;
        others.push((result_item(ctx, &other, &input, &names), members(ctx, Subject::result(id)).await?));
    }
    propose(ctx, others, result_id.get(), left, input.max_load).await
}

/// A replacement with the names of the experts it names.
async fn named(ctx: &Context, r: Replacement) -> Result<ReplacementView> {
    let ids: Vec<ExpertId> = std::iter::once(&r.declined)
        .chain(r.proposed.iter().map(|c| &c.expert))
        .chain(r.alternatives.iter().map(|c| &c.expert))
        .filter_map(|s| s.parse().ok())
        .collect();
    let mut names = BTreeMap::new();
    for id in ids {
        let e = experts::get(ctx.store().pool(), id).await?;
        names.insert(id.to_string(), format!("{}（{}）", e.name, e.org_name));
    }
    Ok(ReplacementView { replacement: r, names })
}

/// The caller operates the center (its unit hosts it).
pub async fn require_center_of(ctx: &Context, caller: &Caller, center_id: CenterId) -> Result<()> {
    caller.require(&[Role::Center])?;
    let c = pocnet_store::centers::get(ctx.store().pool(), center_id).await?;
    if caller.user().is_none_or(|u| u.org_id == c.host_org_id) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Who may see, adjust and confirm a run: the bureau a call's or a round's, the center's operator a screening run.
pub async fn require_run_owner(ctx: &Context, caller: &Caller, run: &Run) -> Result<()> {
    match run.center_id {
        Some(c) => require_center_of(ctx, caller, c).await,
        None => caller.require(&[Role::Bureau]),
    }
}

/// A stored run's solution.
pub fn solution_of(run: &Run) -> Result<Solution> {
    serde_json::from_str(&run.output_json).map_err(|e| Error::Internal(format!("stored solution: {e}")))
}

/// The panel a run's item is confirmed onto, or why it is no longer to be
/// staffed: an application still in bureau review, a result still in
/// screening without a panel, an evaluation still pending without a panel
/// in a round not yet published.
async fn still_open(ctx: &Context, purpose: RunPurpose, item: &str) -> Result<Judged> {
    let bad = || Error::Internal(format!("bad item id {item}"));
    let pool = ctx.store().pool();
    if purpose == RunPurpose::Evaluation {
        let id: EvaluationId = item.parse().map_err(|_| bad())?;
        let e = pocnet_store::evaluations::evaluation(pool, id).await?;
        let round = pocnet_store::evaluations::get(pool, e.round_id).await?;
        if e.state != pocnet_domain::evaluation::EvaluationState::Pending || round.state != pocnet_domain::evaluation::RoundState::Open || panels::staffed(pool, Subject::Evaluation(id)).await? {
            return Err(Error::Conflict { code: "stale_assignment", message: format!("“{}”的评价已不在待组建专家组的阶段，请重新组建", e.center_name), field: None });
        }
        return crate::evaluation::judged(ctx, &e, &round).await;
    }
    if purpose == RunPurpose::Screening {
        let id: ResultId = item.parse().map_err(|_| bad())?;
        let p = pocnet_store::library::pipeline::get(pool, id).await?;
        if p.state != pocnet_domain::research_result::ResultState::Screening || panels::staffed(pool, Subject::result(id)).await? {
            return Err(Error::Conflict { code: "stale_assignment", message: format!("“{}”已不在待组建专家组的遴选阶段，请重新组建", p.title), field: None });
        }
        Ok(crate::library::judged(&p))
    } else {
        let id: ApplicationId = item.parse().map_err(|_| bad())?;
        let a = applications::get(pool, id).await?;
        if a.state != ApplicationState::BureauReview {
            return Err(Error::Conflict { code: "stale_assignment", message: format!("“{}”已不在市级评审阶段，请重新组建", a.proposed_name), field: None });
        }
        crate::recognition::judged(ctx, &a).await
    }
}

/// Confirms a previewed run: every seat becomes an invitation (to review an
/// application, or to screen a result), each pair checked again for
/// conflicts; all or nothing.
pub async fn confirm(ctx: &Context, caller: &Caller, run_id: RunId) -> Result<usize> {
    let run = assignments::get(ctx.store().pool(), run_id).await?;
    require_run_owner(ctx, caller, &run).await?;
    if run.status != RunStatus::Preview {
        return Err(Error::Conflict { code: "already_confirmed", message: "该分配方案已确认".into(), field: None });
    }
    let solution = solution_of(&run)?;
    let mut seats = Vec::new();
    for p in &solution.panels {
        let judged = still_open(ctx, run.purpose, &p.item).await?;
        for s in &p.experts {
            let expert_id: ExpertId = s.expert.parse().map_err(|_| Error::Internal(format!("bad expert id {}", s.expert)))?;
            if let Some(reason) = workflow_panels::conflict_of(ctx, &judged, expert_id).await? {
                return Err(Error::rule("conflict_of_interest", format!("不能确认：{reason}，请重新组建")));
            }
            seats.push((judged.subject, expert_id));
        }
    }
    let mut tx = ctx.store().write().await?;
    assignments::confirm(&mut tx, &caller.actor(), ctx.now(), run_id).await.map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => Error::Conflict { code: "already_confirmed", message: "该分配方案已确认".into(), field: None },
        other => other.into(),
    })?;
    for (subject, expert) in &seats {
        panels::invite(&mut tx, &caller.actor(), ctx.now(), *subject, *expert, None).await?;
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
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub add: Option<i64>,
}

/// Swaps one seat of a previewed run (bureau): the new expert must keep every
/// hard rule, its load limit and the panel's composition; nobody else moves;
/// the objective and gap are recomputed against the unchanged bound.
pub async fn adjust(ctx: &Context, caller: &Caller, run_id: RunId, input: &AdjustInput) -> Result<Run> {
    let run = assignments::get(ctx.store().pool(), run_id).await?;
    require_run_owner(ctx, caller, &run).await?;
    if run.status != RunStatus::Preview {
        return Err(Error::Conflict { code: "already_confirmed", message: "该分配方案已确认，不能调整".into(), field: None });
    }
    let inst: Instance = serde_json::from_str(&run.input_json).map_err(|e| Error::Internal(format!("stored instance: {e}")))?;
    let solution = solution_of(&run)?;
    let added = input.add.map(|a| a.to_string());
    let adjusted = panel::swap_seat(&inst, &solution, &input.item.to_string(), &input.remove.to_string(), added.as_deref()).map_err(|e| {
        let field = match &e {
            panel::AdjustError::Panel(_) | panel::AdjustError::NoReplacement(_) => "remove",
            _ => "add",
        };
        Error::from(FieldError::new(field, e.code(), format!("不能调整：{e}")))
    })?;
    let output_json = serde_json::to_string(&adjusted).map_err(|e| Error::Internal(e.to_string()))?;
    let change = serde_json::to_value(adjusted.adjustments.last()).unwrap_or_default();
    let mut tx = ctx.store().write().await?;
    let run = assignments::adjust(
        &mut tx,
        &caller.actor(),
        ctx.now(),
        run_id,
        &assignments::Adjusted { before_json: &run.output_json, output_json: &output_json, objective_micro: adjusted.objective_micro, change },
    )
    .await
    .map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => {
            Error::Conflict { code: "version_conflict", message: "该方案已被他人调整或确认，请刷新后重试".into(), field: None }
        }
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(run)
}
