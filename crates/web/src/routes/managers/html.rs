//! The project managers' pages: `/managers` (the assignments the caller may read, the platform's
//! form to assign a manager), an assignment's page (its log, the forms to record and to exit) and
//! `/manager-assessments` (the assessments, a manager's record for a year with the suggested
//! scores, the platform's assessment form).

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ListParams, Path, QueryParams};
use crate::views::{choices, render, Chrome, Choice, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pocnet_app::managers::assessments::{self as assessing, AssessInput, AssessmentQuery, ManagerRecord, RecordQuery};
use pocnet_app::managers::assignments::{self as workflow, AssignInput, AssignmentQuery, AssignmentView, EntryInput, ExitInput};
use pocnet_domain::managers::assignment::{AssignmentState, Decision, EntryKind, ExitRoute};
use pocnet_domain::role::Role;
use pocnet_store::managers::assessments::ManagerAssessment;
use pocnet_store::managers::assignments::ManagerAssignment;
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/managers", get(list_page).post(assign_form))
        .route("/manager-assignments/{id}", get(assignment_page))
        .route("/manager-assignments/{id}/entries", post(entry_form))
        .route("/manager-assignments/{id}/exit", post(exit_form))
        .route("/manager-assessments", get(assessments_page).post(assess_form))
}

/// The project to put in the assign form (a link from a project's page).
#[derive(Debug, Clone, Default, Deserialize)]
struct Prefill {
    #[serde(default)]
    result_id: Option<String>,
}

#[derive(Template)]
#[template(path = "managers/list.html")]
struct ListPage {
    chrome: Chrome,
    error: Option<String>,
    rows: Vec<ManagerAssignment>,
    pager: Pager,
    states: Vec<Choice>,
    centers: Vec<Choice>,
    state: String,
    center: String,
    q: String,
    export_href: String,
    /// The platform's operators: the assign form.
    may_assign: bool,
    is_manager: bool,
    result_id: String,
    manager: String,
    brief: String,
}

/// The platforms a caller may filter by or act for: an operator's own, every platform for the bureau
/// — as a list only while it is short (a province's 500 platforms would be rendered on every page;
/// the list names each row's platform, and the API filters by `center_id`).
async fn center_choices(state: &AppState, me: &CurrentUser) -> AppResult<Vec<Choice>> {
    let all = state.all_centers().await?;
    Ok(match me.role() {
        Role::Bureau if all.len() > crate::routes::results::CENTER_CHOICES_MAX => Vec::new(),
        Role::Bureau => all.iter().map(|c| Choice::new(c.id.to_string(), c.name.clone())).collect(),
        Role::Center => all.iter().filter(|c| c.host_org_id == me.user.org_id).map(|c| Choice::new(c.id.to_string(), c.name.clone())).collect(),
        Role::County | Role::Expert | Role::Researcher | Role::Investor | Role::Manager => Vec::new(),
    })
}

async fn render_list(state: &AppState, me: &CurrentUser, p: &ListParams, q: &AssignmentQuery, prefill: &Prefill, input: AssignInput, error: Option<String>) -> AppResult<Response> {
    let page = workflow::list(state.context(), &me.caller(), q, p.page()).await?;
    let keep = vec![
        ("state", q.state.clone().unwrap_or_default()),
        ("center_id", q.center_id.map(|c| c.to_string()).unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ];
    let title = if me.role() == Role::Manager { "我跟进的项目" } else { "项目经理人跟进项目" };
    Ok(render(&ListPage {
        chrome: Chrome::signed_in(me, title, "managers"),
        error,
        pager: Pager::new("/managers", &page, &p.keep(&keep, "id")),
        rows: page.items,
        states: choices(AssignmentState::ALL, AssignmentState::as_str, AssignmentState::label_zh),
        centers: center_choices(state, me).await?,
        state: q.state.clone().unwrap_or_default(),
        center: q.center_id.map(|c| c.to_string()).unwrap_or_default(),
        q: q.q.clone().unwrap_or_default(),
        export_href: crate::views::url("/api/v1/manager-assignments/export.xlsx", &keep),
        may_assign: me.role() == Role::Center,
        is_manager: me.role() == Role::Manager,
        result_id: input.result_id.map(|i| i.to_string()).or_else(|| prefill.result_id.clone()).unwrap_or_default(),
        manager: input.manager,
        brief: input.brief,
    }))
}

async fn list_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<AssignmentQuery>,
    QueryParams(prefill): QueryParams<Prefill>,
) -> AppResult<Response> {
    render_list(&state, &me, &p, &q, &prefill, AssignInput::default(), None).await
}

async fn assign_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<AssignInput>) -> AppResult<Response> {
    match workflow::assign(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(v) => Ok(Redirect::to(&format!("/manager-assignments/{}", v.assignment.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_list(&state, &me, &ListParams::default(), &AssignmentQuery::default(), &Prefill::default(), input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "managers/assignment.html")]
struct AssignmentPage {
    chrome: Chrome,
    error: Option<String>,
    v: AssignmentView,
    kinds: Vec<Choice>,
    decisions: Vec<Choice>,
    routes: Vec<Choice>,
    /// The record link for the platform's operators and the bureau (the manager's year there).
    record_href: Option<String>,
}

async fn render_assignment(state: &AppState, me: &CurrentUser, id: i64, error: Option<String>) -> AppResult<Response> {
    let v = workflow::view(state.context(), &me.caller(), id).await?;
    let record_href = matches!(me.role(), Role::Bureau | Role::Center).then(|| {
        crate::views::url("/manager-assessments", &[("manager", v.assignment.manager_username.clone()), ("center_id", v.assignment.center_id.to_string())])
    });
    Ok(render(&AssignmentPage {
        chrome: Chrome::signed_in(me, v.assignment.result_title.clone(), "managers"),
        error,
        kinds: choices(EntryKind::ALL, EntryKind::as_str, EntryKind::label_zh),
        decisions: choices(Decision::ALL, Decision::as_str, Decision::label_zh),
        routes: choices(ExitRoute::ALL, ExitRoute::as_str, ExitRoute::label_zh),
        record_href,
        v,
    }))
}

async fn assignment_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    render_assignment(&state, &me, id, None).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: i64, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/manager-assignments/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_assignment(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn entry_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<EntryInput>) -> AppResult<Response> {
    let r = workflow::record(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn exit_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<ExitInput>) -> AppResult<Response> {
    let r = workflow::exit(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

#[derive(Template)]
#[template(path = "managers/assessments.html")]
struct AssessmentsPage {
    chrome: Chrome,
    error: Option<String>,
    rows: Vec<ManagerAssessment>,
    pager: Pager,
    year: String,
    /// The record asked for, when a manager was named.
    record: Option<ManagerRecord>,
    /// The lookup form (the platform's operators and the bureau).
    may_look_up: bool,
    centers: Vec<Choice>,
    manager: String,
    center: String,
    record_year: String,
    input: AssessInput,
}

/// The record asked for on the assessments page (its own year, apart from the list's).
#[derive(Debug, Clone, Default, Deserialize)]
struct RecordAsked {
    #[serde(default)]
    manager: Option<String>,
    #[serde(default, deserialize_with = "pocnet_app::input::empty_as_none")]
    center_id: Option<i64>,
    #[serde(default, deserialize_with = "pocnet_app::input::empty_as_none")]
    record_year: Option<i64>,
}

impl RecordAsked {
    fn query(&self) -> RecordQuery {
        RecordQuery { manager: self.manager.clone(), center_id: self.center_id, year: self.record_year }
    }
}

async fn render_assessments(state: &AppState, me: &CurrentUser, p: &ListParams, list: &AssessmentQuery, asked: &RecordAsked, input: AssessInput, error: Option<String>) -> AppResult<Response> {
    let page = assessing::list(state.context(), &me.caller(), list, p.page()).await?;
    let may_look_up = matches!(me.role(), Role::Bureau | Role::Center);
    let mut error = error;
    let record = if may_look_up && asked.manager.as_deref().is_some_and(|m| !m.trim().is_empty()) {
        match assessing::record(state.context(), &me.caller(), &asked.query()).await.map_err(AppError::from) {
            Ok(r) => Some(r),
            Err(e) if e.is_form_refusal() || e.status() == axum::http::StatusCode::NOT_FOUND => {
                error.get_or_insert(e.body().message);
                None
            }
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let q = list;
    let keep = vec![("year", q.year.map(|y| y.to_string()).unwrap_or_default())];
    let title = if me.role() == Role::Manager { "我的年度考核" } else { "项目经理人年度考核" };
    Ok(render(&AssessmentsPage {
        chrome: Chrome::signed_in(me, title, "manager_assessments"),
        error,
        pager: Pager::new("/manager-assessments", &page, &p.keep(&keep, "id")),
        rows: page.items,
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        centers: center_choices(state, me).await?,
        manager: asked.manager.clone().unwrap_or_default(),
        center: asked.center_id.map(|c| c.to_string()).unwrap_or_default(),
        record_year: asked.record_year.map(|y| y.to_string()).unwrap_or_default(),
        record,
        may_look_up,
        input,
    }))
}

async fn assessments_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(list): QueryParams<AssessmentQuery>,
    QueryParams(asked): QueryParams<RecordAsked>,
) -> AppResult<Response> {
    render_assessments(&state, &me, &p, &list, &asked, AssessInput::default(), None).await
}

async fn assess_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<AssessInput>) -> AppResult<Response> {
    match assessing::assess(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(r) => Ok(Redirect::to(&crate::views::url("/manager-assessments", &[("manager", r.manager), ("center_id", r.center_id.to_string()), ("record_year", r.year.to_string())])).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            let asked = RecordAsked { manager: Some(input.manager.clone()), center_id: input.center_id, record_year: input.year.trim().parse().ok() };
            Ok((status, render_assessments(&state, &me, &ListParams::default(), &AssessmentQuery::default(), &asked, input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
