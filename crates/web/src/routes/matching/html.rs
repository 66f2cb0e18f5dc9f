//! Pages of supply–demand matching: the demand list (需求清单), a demand with
//! its proposals and their score components, the docking list (精准对接清单),
//! and the demands a result fits. Every form works without JavaScript; a
//! refused form re-renders its page with the reason.

use super::{DemandQuery, MatchQuery};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ListParams, Path, QueryParams};
use crate::views::{render, Chrome, Choice, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pocnet_app::matching::answers::{self, AnswerInput, FollowUpInput};
use pocnet_app::matching::demands::{self as flow, DemandAccess, DemandInput, DemandStepInput};
use pocnet_app::matching::propose::{self, Proposal};
use pocnet_app::matching::{field_label, publisher_org};
use pocnet_domain::id::{DemandId, MatchId, ResultId};
use pocnet_domain::matching::{DeclineReason, DemandState, MatchStage};
use pocnet_domain::money::wan;
use pocnet_store::matching::demands::Demand;
use pocnet_store::matching::matches::MatchRecord;
use pocnet_store::SortDir;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/demands", get(list_page).post(publish_form))
        .route("/demands/new", get(new_page))
        .route("/demands/{id}", get(demand_page))
        .route("/demands/{id}/edit", get(edit_page).post(edit_form))
        .route("/demands/{id}/answers", post(answer_form))
        .route("/demands/{id}/steps", post(step_form))
        .route("/docking", get(docking_page))
        .route("/matches/{id}/follow-ups", post(follow_up_form))
        .route("/results/{id}/demands", get(result_demands_page))
}

fn budget(d: &Demand) -> String {
    d.budget_yuan.map_or_else(|| "面议".to_owned(), |b| format!("{}万元", wan(b)))
}

fn field_of(state: &AppState, d: &Demand) -> String {
    let f = field_label(state.context(), &d.field);
    if d.sub_field.is_empty() {
        f
    } else {
        format!("{f} · {}", field_label(state.context(), &d.sub_field))
    }
}

fn reason_choices() -> Vec<Choice> {
    DeclineReason::ALL.iter().map(|r| Choice::new(r.as_str(), r.label_zh())).collect()
}

// ---- the list ---------------------------------------------------------------

struct DemandRow {
    d: Demand,
    field: String,
    budget: String,
}

#[derive(Template)]
#[template(path = "matching/demands.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<DemandRow>,
    pager: Pager,
    q: DemandQuery,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    states: Vec<Choice>,
    can_publish: bool,
    export_href: String,
}

async fn list_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<DemandQuery>) -> AppResult<Response> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    let sort = p.sort_or("created_at").to_owned();
    let list = flow::list(state.context(), &me.caller(), q.filter(&state, &me)?, &sort, dir, p.page()).await?;
    let pager = Pager::new("/demands", &list, &p.keep(&q.pairs(), &sort));
    let export_href = crate::views::url("/demands/export.xlsx", &q.pairs());
    let rows = list.items.into_iter().map(|d| DemandRow { field: field_of(&state, &d), budget: budget(&d), d }).collect();
    let can_publish = publisher_org(state.context(), &me.caller()).await.is_ok();
    let states = DemandState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect();
    Ok(render(&ListPage {
        chrome: Chrome::signed_in(&me, "产业需求清单", "demands"),
        rows,
        pager,
        q,
        fields: crate::routes::registry::field_choices(&state),
        regions: crate::views::region_choices(),
        states,
        can_publish,
        export_href,
    }))
}

// ---- publishing -------------------------------------------------------------

#[derive(Template)]
#[template(path = "matching/new.html")]
struct NewPage {
    chrome: Chrome,
    error: Option<String>,
    /// Where the form posts: `/demands` (publish) or `/demands/{id}/edit`.
    action: String,
    input: DemandInput,
    fields: Vec<Choice>,
    sub_fields: Vec<Choice>,
    regions: Vec<Choice>,
    refused: Option<String>,
}

async fn render_new(state: &AppState, me: &CurrentUser, input: DemandInput, error: Option<String>) -> AppResult<Response> {
    render_form(state, me, input, error, None).await
}

/// The demand form: publishing (`editing` none) or editing a demand of the caller's unit.
async fn render_form(state: &AppState, me: &CurrentUser, input: DemandInput, error: Option<String>, editing: Option<DemandId>) -> AppResult<Response> {
    let refused = match publisher_org(state.context(), &me.caller()).await {
        Ok(_) => None,
        Err(e) => Some(AppError::from(e).body().message),
    };
    let (title, action) = match editing {
        Some(id) => ("修改产业需求", format!("/demands/{id}/edit")),
        None => ("发布产业需求", "/demands".to_owned()),
    };
    let input = DemandInput { region: if input.region.is_empty() { me.user.org_region.as_str().to_owned() } else { input.region }, ..input };
    Ok(render(&NewPage {
        chrome: Chrome::signed_in(me, title, "demands"),
        error,
        action,
        input,
        fields: crate::routes::registry::field_choices(state),
        sub_fields: crate::routes::registry::sub_field_choices(state),
        regions: crate::views::region_choices(),
        refused,
    }))
}

async fn new_page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    render_new(&state, &me, DemandInput::default(), None).await
}

async fn publish_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<DemandInput>) -> AppResult<Response> {
    match flow::publish(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(id) => Ok(Redirect::to(&format!("/demands/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_new(&state, &me, input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn edit_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<DemandId>) -> AppResult<Response> {
    let (d, access) = flow::load(state.context(), &me.caller(), id).await?;
    if access != DemandAccess::Own {
        return Err(AppError::Forbidden);
    }
    let input = DemandInput {
        title: d.title,
        problem: d.problem,
        field: d.field,
        sub_field: d.sub_field,
        target_trl: d.target_trl.to_string(),
        budget_yuan: d.budget_yuan.map(|b| b.to_string()).unwrap_or_default(),
        region: d.region.as_str().to_owned(),
        deadline: d.deadline.to_string(),
        version: Some(d.version),
    };
    render_form(&state, &me, input, None, Some(id)).await
}

async fn edit_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<DemandId>, Form(input): Form<DemandInput>) -> AppResult<Response> {
    match flow::edit(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/demands/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_form(&state, &me, input, Some(e.body().message), Some(id)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- one demand -------------------------------------------------------------

struct ProposalRow {
    p: Proposal,
    /// (label, weight, fit as percent, why, applies)
    components: Vec<(&'static str, u32, String, String, bool)>,
    answers: String,
    /// The caller may answer it (its side has not, and the match is still open).
    can_answer: bool,
}

fn proposal_row(p: Proposal, own: bool, me: &CurrentUser) -> ProposalRow {
    let components = p.fit.components.iter().map(|c| (c.kind.label_zh(), c.weight, format!("{:.0}%", c.fit * 100.0), c.why.clone(), c.applies)).collect();
    let answers = match &p.answered {
        None => "待回应".to_owned(),
        Some(m) => format!("{}（需求方{}，供给方{}）", m.stage.label_zh(), m.demand_answer.label_zh(), m.supply_answer.label_zh()),
    };
    let open = p.answered.as_ref().is_none_or(|m| m.stage == MatchStage::Proposed);
    // The offer's own side: the result's unit (a researcher) or its center's operator; a center's operator.
    let org = Some(me.user.org_id.get());
    let supply = !own
        && match (me.user.role, p.kind.as_str()) {
            (pocnet_domain::role::Role::Researcher, "result" | "demand") => p.supply_org_id == org,
            (pocnet_domain::role::Role::Center, "result" | "demand") => p.supply_host_org_id == org,
            (pocnet_domain::role::Role::Center, "center") => p.supply_org_id == org,
            _ => false,
        };
    let can_answer = open && (own || supply);
    ProposalRow { p, components, answers, can_answer }
}

#[derive(Template)]
#[template(path = "matching/demand.html")]
struct DemandPage {
    chrome: Chrome,
    d: Demand,
    field: String,
    budget: String,
    own: bool,
    curate: bool,
    open: bool,
    error: Option<String>,
    results: Vec<ProposalRow>,
    centers: Vec<ProposalRow>,
    /// Experts, for those who browse the library (None: the caller does not).
    experts: Option<Vec<ProposalRow>>,
    reasons: Vec<Choice>,
    this_year: i32,
    /// The weights, e.g. 关键词70分、产业领域10分…
    weights: String,
}

async fn render_demand(state: &AppState, me: &CurrentUser, id: DemandId, error: Option<String>) -> AppResult<Response> {
    state.fresh_search().await?;
    let browses_experts = pocnet_app::experts::BROWSERS.contains(&me.user.role);
    let mut asked = vec![("result", 10), ("center", 5)];
    if browses_experts {
        asked.push(("expert", 5));
    }
    let (d, access, lists) = propose::for_demand(state.context(), state.search(), &me.caller(), id, &asked).await?;
    let mut lists = lists.into_iter();
    let (results, centers) = (lists.next().unwrap_or_default(), lists.next().unwrap_or_default());
    let experts = lists.next().map(|experts| experts.into_iter().map(|p| ProposalRow { can_answer: false, ..proposal_row(p, false, me) }).collect());
    let own = access == DemandAccess::Own;
    let open = d.state.open() && d.deadline >= state.context().today();
    Ok(render(&DemandPage {
        chrome: Chrome::signed_in(me, d.title.clone(), "demands"),
        field: field_of(state, &d),
        budget: budget(&d),
        own,
        curate: access == DemandAccess::Curate,
        open,
        error,
        results: results.into_iter().map(|p| proposal_row(p, own, me)).collect(),
        centers: centers.into_iter().map(|p| proposal_row(p, own, me)).collect(),
        experts,
        reasons: reason_choices(),
        this_year: chrono::Datelike::year(&state.context().today()),
        weights: pocnet_domain::matching::fit::WEIGHTS.iter().map(|(k, w)| format!("{}{w}分", k.label_zh())).collect::<Vec<_>>().join("、"),
        d,
    }))
}

async fn demand_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<DemandId>) -> AppResult<Response> {
    render_demand(&state, &me, id, None).await
}

async fn back_to_demand<T>(state: &AppState, me: &CurrentUser, id: DemandId, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/demands/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_demand(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn answer_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<DemandId>, Form(input): Form<AnswerInput>) -> AppResult<Response> {
    let r = answers::answer(state.context(), state.search(), &me.caller(), id, &input).await;
    back_to_demand(&state, &me, id, r).await
}

async fn step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<DemandId>, Form(input): Form<DemandStepInput>) -> AppResult<Response> {
    let r = flow::step(state.context(), &me.caller(), id, &input).await;
    back_to_demand(&state, &me, id, r).await
}

// ---- the docking list -------------------------------------------------------

struct MatchRow {
    m: MatchRecord,
    subject_href: String,
    kind: &'static str,
    amount: String,
    /// The follow-up stages it may move to.
    next: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "matching/docking.html")]
struct DockingPage {
    chrome: Chrome,
    rows: Vec<MatchRow>,
    pager: Pager,
    stages: Vec<Choice>,
    stage: String,
    reasons: Vec<Choice>,
    error: Option<String>,
}

async fn render_docking(state: &AppState, me: &CurrentUser, p: &ListParams, q: &MatchQuery, error: Option<String>) -> AppResult<Response> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    let list = answers::list(state.context(), &me.caller(), &q.filter()?, dir, p.page()).await?;
    let pairs = vec![("stage", q.stage.clone().unwrap_or_default()), ("docking", q.docking.clone().unwrap_or_default())];
    let pager = Pager::new("/docking", &list, &p.keep(&pairs, "updated_at"));
    let rows = list
        .items
        .into_iter()
        .map(|m| {
            let next = MatchStage::FOLLOW_UP
                .iter()
                .chain([MatchStage::Dropped].iter())
                .filter(|to| m.stage.follow_up(**to, Some(DeclineReason::Other), true).is_ok())
                .map(|s| Choice::new(s.as_str(), s.label_zh()))
                .collect();
            MatchRow {
                subject_href: if m.subject_kind == "center" { format!("/centers/{}", m.subject_id) } else { format!("/results/{}", m.subject_id) },
                kind: if m.subject_kind == "center" { "中心" } else { "成果" },
                amount: m.contract_yuan.map(|a| format!("{}万元", wan(a))).unwrap_or_default(),
                next,
                m,
            }
        })
        .collect();
    let stages = MatchStage::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect();
    Ok(render(&DockingPage {
        chrome: Chrome::signed_in(me, "精准对接清单", "docking"),
        rows,
        pager,
        stages,
        stage: q.stage.clone().unwrap_or_default(),
        reasons: reason_choices(),
        error,
    }))
}

async fn docking_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<MatchQuery>) -> AppResult<Response> {
    render_docking(&state, &me, &p, &q, None).await
}

async fn follow_up_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<MatchId>, Form(input): Form<FollowUpInput>) -> AppResult<Response> {
    match answers::follow_up(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to("/docking").into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_docking(&state, &me, &ListParams::default(), &MatchQuery::default(), Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- the demands a result fits ------------------------------------------------

#[derive(Template)]
#[template(path = "matching/result_demands.html")]
struct ResultDemandsPage {
    chrome: Chrome,
    result_id: ResultId,
    rows: Vec<ProposalRow>,
    reasons: Vec<Choice>,
}

async fn result_demands_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>) -> AppResult<Response> {
    state.fresh_search().await?;
    let proposals = propose::for_result(state.context(), state.search(), &me.caller(), id, 20).await?;
    Ok(render(&ResultDemandsPage {
        chrome: Chrome::signed_in(&me, "匹配的产业需求", "results"),
        result_id: id,
        rows: proposals.into_iter().map(|p| proposal_row(p, false, &me)).collect(),
        reasons: reason_choices(),
    }))
}
