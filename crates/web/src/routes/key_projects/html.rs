//! The key projects' pages: `/key-projects` (the list, its filters, export and the bureau's form to
//! add a project) and a project's page (its conditions, the steps the bureau may take, the edit form).

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
use pocnet_app::key_projects::{self as workflow, KeyProjectInput, KeyProjectQuery, KeyProjectView, KeyStepInput, ReadinessInput};
use pocnet_domain::center::CenterKind;
use pocnet_domain::key_projects::{KeyCategory, KeyState, Readiness};
use pocnet_domain::role::Role;
use pocnet_store::key_projects::KeyProject;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/key-projects", get(list_page).post(create_form))
        .route("/key-projects/{id}", get(project_page).post(edit_form))
        .route("/key-projects/{id}/readiness", post(readiness_form))
        .route("/key-projects/{id}/step", post(step_form))
}

async fn org_choices(state: &AppState) -> AppResult<Vec<Choice>> {
    Ok(pocnet_store::orgs::all_names(state.store().pool()).await?.into_iter().map(|(id, name)| Choice::new(id.to_string(), name)).collect())
}

#[derive(Template)]
#[template(path = "key_projects/list.html")]
struct ListPage {
    chrome: Chrome,
    error: Option<String>,
    projects: Vec<KeyProject>,
    pager: Pager,
    states: Vec<Choice>,
    categories: Vec<Choice>,
    state: String,
    category: String,
    q: String,
    export_href: String,
    may_edit: bool,
    orgs: Vec<Choice>,
    input: KeyProjectInput,
    lead: String,
}

async fn render_list(state: &AppState, me: &CurrentUser, p: &ListParams, q: &KeyProjectQuery, input: KeyProjectInput, error: Option<String>) -> AppResult<Response> {
    let page = workflow::list(state.context(), &me.caller(), q, p.page()).await?;
    let may_edit = me.role() == Role::Bureau;
    let keep = vec![("state", q.state.clone().unwrap_or_default()), ("category", q.category.clone().unwrap_or_default()), ("q", q.q.clone().unwrap_or_default())];
    Ok(render(&ListPage {
        chrome: Chrome::signed_in(me, "重点推进项目清单", "key_projects"),
        error,
        pager: Pager::new("/key-projects", &page, &p.keep(&keep, "id")),
        projects: page.items,
        states: choices(KeyState::ALL, KeyState::as_str, KeyState::label_zh),
        categories: choices(KeyCategory::ALL, KeyCategory::as_str, KeyCategory::label_zh),
        state: q.state.clone().unwrap_or_default(),
        category: q.category.clone().unwrap_or_default(),
        q: q.q.clone().unwrap_or_default(),
        export_href: crate::views::url("/api/v1/key-projects/export.xlsx", &keep),
        orgs: if may_edit { org_choices(state).await? } else { Vec::new() },
        lead: input.lead_org_id.map(|i| i.to_string()).unwrap_or_default(),
        input,
        may_edit,
    }))
}

async fn list_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<KeyProjectQuery>) -> AppResult<Response> {
    render_list(&state, &me, &p, &q, KeyProjectInput::default(), None).await
}

async fn create_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<KeyProjectInput>) -> AppResult<Response> {
    match workflow::create(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(v) => Ok(Redirect::to(&format!("/key-projects/{}", v.project.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_list(&state, &me, &ListParams::default(), &KeyProjectQuery::default(), input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A condition's box on the readiness form.
struct Condition {
    code: &'static str,
    label: &'static str,
    met: bool,
}

#[derive(Template)]
#[template(path = "key_projects/project.html")]
struct ProjectPage {
    chrome: Chrome,
    error: Option<String>,
    v: KeyProjectView,
    may: Vec<&'static str>,
    conditions: Vec<Condition>,
    categories: Vec<Choice>,
    orgs: Vec<Choice>,
    /// The builder's PoC centers (the build form).
    centers: Vec<Choice>,
    lead: String,
}

async fn render_project(state: &AppState, me: &CurrentUser, id: i64, error: Option<String>) -> AppResult<Response> {
    let v = workflow::view(state.context(), &me.caller(), id).await?;
    let met = v.project.conditions();
    let conditions = Readiness::ALL.iter().map(|r| Condition { code: r.as_str(), label: r.label_zh(), met: met.contains(r) }).collect();
    let centers = match v.project.lead_org_id {
        Some(lead) if v.may_edit => state
            .all_centers()
            .await?
            .iter()
            .filter(|c| c.kind == CenterKind::PocCenter && c.host_org_id.get() == lead)
            .map(|c| Choice::new(c.id.to_string(), c.name.clone()))
            .collect(),
        _ => Vec::new(),
    };
    Ok(render(&ProjectPage {
        chrome: Chrome::signed_in(me, v.project.title.clone(), "key_projects"),
        error,
        may: v.actions.iter().map(|a| a.as_str()).collect(),
        conditions,
        categories: choices(KeyCategory::ALL, KeyCategory::as_str, KeyCategory::label_zh),
        orgs: if v.may_edit { org_choices(state).await? } else { Vec::new() },
        centers,
        lead: v.project.lead_org_id.map(|i| i.to_string()).unwrap_or_default(),
        v,
    }))
}

async fn project_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    render_project(&state, &me, id, None).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: i64, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/key-projects/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_project(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn edit_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<KeyProjectInput>) -> AppResult<Response> {
    let r = workflow::edit(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn readiness_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let input = ReadinessInput {
        readiness: pairs.iter().filter(|(k, _)| k == "readiness").map(|(_, v)| v.clone()).collect(),
        version: pairs.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.trim().parse().ok()),
    };
    let r = workflow::readiness(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<KeyStepInput>) -> AppResult<Response> {
    let r = workflow::step(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}
