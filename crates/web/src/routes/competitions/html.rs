//! The competition pages: `/competitions` (the list, the bureau's form to announce one) and a
//! competition's page (its rules and prizes, the entry form within the window, the entrant's own
//! entries, the bureau's scoring form and steps, the winners once announced).

use crate::auth::session::Auth;
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
use pocnet_app::competitions::{self as workflow, CompetitionInput, CompetitionQuery, CompetitionStepInput, CompetitionView, EntryInput, EntryWithdrawInput, ScoreInput, ScoresInput};
use pocnet_domain::competitions::CompetitionState;
use pocnet_domain::role::Role;
use pocnet_store::competitions::Competition;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/competitions", get(list_page).post(create_form))
        .route("/competitions/{id}", get(competition_page))
        .route("/competitions/{id}/step", post(step_form))
        .route("/competitions/{id}/scores", post(scores_form))
        .route("/competitions/{id}/entries", post(enter_form))
        .route("/competition-entries/{id}/withdraw", post(withdraw_form))
}

#[derive(Template)]
#[template(path = "competitions/list.html")]
struct ListPage {
    chrome: Chrome,
    error: Option<String>,
    competitions: Vec<Competition>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    may_create: bool,
    fields: Vec<Choice>,
    input: CompetitionInput,
}

async fn render_list(state: &AppState, auth: &Auth, p: &ListParams, q: &CompetitionQuery, input: CompetitionInput, error: Option<String>) -> AppResult<Response> {
    let page = workflow::list(state.context(), q, p.page()).await?;
    let keep = vec![("state", q.state.clone().unwrap_or_default())];
    Ok(render(&ListPage {
        chrome: Chrome::public(Some(auth), "概念验证竞赛", "competitions"),
        error,
        pager: Pager::new("/competitions", &page, &p.keep(&keep, "id")),
        competitions: page.items,
        states: choices(CompetitionState::ALL, CompetitionState::as_str, CompetitionState::label_zh),
        state: q.state.clone().unwrap_or_default(),
        may_create: auth.current.as_ref().is_some_and(|u| u.role() == Role::Bureau),
        fields: crate::routes::registry::field_choices(state),
        input,
    }))
}

async fn list_page(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<CompetitionQuery>) -> AppResult<Response> {
    render_list(&state, &auth, &p, &q, CompetitionInput::default(), None).await
}

async fn create_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Form(input): Form<CompetitionInput>) -> AppResult<Response> {
    match workflow::create(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(v) => Ok(Redirect::to(&format!("/competitions/{}", v.competition.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_list(&state, &auth, &ListParams::default(), &CompetitionQuery::default(), input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "competitions/competition.html")]
struct CompetitionPage {
    chrome: Chrome,
    error: Option<String>,
    v: CompetitionView,
    field: String,
    signed_in: bool,
}

async fn render_competition(state: &AppState, auth: &Auth, id: i64, error: Option<String>) -> AppResult<Response> {
    let caller = auth.current.as_ref().map(CurrentUser::caller);
    let v = workflow::view(state.context(), caller.as_ref(), id).await?;
    let field = if v.competition.field.is_empty() { "不限".to_owned() } else { crate::routes::registry::field_label(state, &v.competition.field) };
    Ok(render(&CompetitionPage { chrome: Chrome::public(Some(auth), v.competition.title.clone(), "competitions"), error, field, signed_in: auth.current.is_some(), v }))
}

async fn competition_page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> AppResult<Response> {
    render_competition(&state, &auth, id, None).await
}

async fn back<T>(state: &AppState, auth: &Auth, id: i64, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/competitions/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_competition(state, auth, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn step_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<CompetitionStepInput>) -> AppResult<Response> {
    let r = workflow::step(state.context(), &me.caller(), id, &input).await;
    back(&state, &auth, id, r).await
}

async fn scores_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<i64>, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let col = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let (ids, scores) = (col("entry_id"), col("score"));
    let input = ScoresInput {
        scores: ids.iter().enumerate().map(|(i, e)| ScoreInput { entry_id: e.trim().parse().ok(), score: scores.get(i).cloned().unwrap_or_default() }).collect(),
        version: pairs.iter().find(|(n, _)| n == "version").and_then(|(_, v)| v.trim().parse().ok()),
    };
    let r = workflow::score(state.context(), &me.caller(), id, &input).await;
    back(&state, &auth, id, r).await
}

async fn enter_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<EntryInput>) -> AppResult<Response> {
    let r = workflow::enter(state.context(), &me.caller(), id, &input).await;
    back(&state, &auth, id, r).await
}

async fn withdraw_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<EntryWithdrawInput>) -> AppResult<Response> {
    let competition = pocnet_store::competitions::entry(state.store().pool(), id).await.map(|e| e.competition_id).unwrap_or(0);
    match workflow::withdraw(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(v) => Ok(Redirect::to(&format!("/competitions/{}", v.competition.id)).into_response()),
        Err(e) if e.is_form_refusal() && competition > 0 => {
            let status = e.status();
            Ok((status, render_competition(&state, &auth, competition, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
