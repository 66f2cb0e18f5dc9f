//! The seed pages: `/concepts` (a researcher's concepts and the pool form; a platform's pool and
//! the form that opens a batch; the bureau's view of all), a concept's page, `/seed-batches` and a
//! batch's page (the review group's assessment form, publishing, a print view), and the public
//! seed list `/seeds`.

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
use pocnet_app::seeds::batches::{self as batch_flow, SeedAssessmentInput, SeedAssessmentsInput, SeedBatchInput, SeedBatchQuery, SeedBatchView, SeedPublishInput};
use pocnet_app::seeds::concepts::{self as concept_flow, ConceptInput, ConceptQuery, ConceptView, ConceptWithdrawInput, SeedQuery};
use pocnet_domain::center::CenterKind;
use pocnet_domain::role::Role;
use pocnet_domain::seeds::{BatchState, ConceptState, Verdict};
use pocnet_domain::supervision::CenterStatus;
use pocnet_store::seeds::batches::SeedBatch;
use pocnet_store::seeds::concepts::{Concept, Seed};
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/concepts", get(concepts_page).post(pool_form))
        .route("/concepts/{id}", get(concept_page))
        .route("/concepts/{id}/withdraw", post(withdraw_form))
        .route("/seed-batches", get(batches_page).post(open_form))
        .route("/seed-batches/{id}", get(batch_page))
        .route("/seed-batches/{id}/assessments", post(assess_form))
        .route("/seed-batches/{id}/publish", post(publish_form))
        .route("/seeds", get(seeds_page))
}

/// The pool form as the page sends it: `field_sub` is `field/sub_field`.
#[derive(Debug, Clone, Default, Deserialize)]
struct PoolForm {
    #[serde(default)]
    center_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    secret_summary: String,
    #[serde(default)]
    field_sub: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    trl: String,
    #[serde(default)]
    demand: String,
}

impl PoolForm {
    fn input(&self) -> ConceptInput {
        let (field, sub_field) = self.field_sub.split_once('/').map_or((self.field_sub.clone(), String::new()), |(a, b)| (a.to_owned(), b.to_owned()));
        ConceptInput {
            center_id: self.center_id.trim().parse().ok(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            secret_summary: self.secret_summary.clone(),
            field,
            sub_field,
            team: self.team.clone(),
            trl: self.trl.clone(),
            demand: self.demand.clone(),
        }
    }
}

/// The form that opens a batch, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
struct OpenForm {
    #[serde(default)]
    center_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    review_on: String,
    #[serde(default)]
    panel: String,
}

#[derive(Template)]
#[template(path = "seeds/concepts.html")]
struct ConceptsPage {
    chrome: Chrome,
    error: Option<String>,
    concepts: Vec<Concept>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    q: String,
    /// A researcher's: the pool form.
    may_pool: bool,
    /// A platform operator's: the form that opens a batch.
    may_batch: bool,
    /// The active PoC platforms (the pool form) or the operator's own (the batch form).
    centers: Vec<Choice>,
    fields: Vec<(String, Vec<Choice>)>,
    pool: PoolForm,
    open: OpenForm,
    today: String,
}

async fn render_concepts(state: &AppState, me: &CurrentUser, p: &ListParams, q: &ConceptQuery, pool: PoolForm, open: OpenForm, error: Option<String>) -> AppResult<Response> {
    let page = concept_flow::list(state.context(), &me.caller(), q, p.page()).await?;
    let may_pool = me.role() == Role::Researcher;
    let may_batch = me.role() == Role::Center;
    let centers = state
        .all_centers()
        .await?
        .iter()
        .filter(|c| c.kind == CenterKind::PocCenter && c.status == CenterStatus::Active)
        .filter(|c| may_pool || (may_batch && c.host_org_id == me.user.org_id))
        .map(|c| Choice::new(c.id.to_string(), c.name.clone()))
        .collect();
    // Only the researcher's pool form picks a field.
    let fields = if may_pool { crate::routes::library::intake::field_sub_choices(state) } else { Vec::new() };
    let keep = vec![("state", q.state.clone().unwrap_or_default()), ("q", q.q.clone().unwrap_or_default())];
    Ok(render(&ConceptsPage {
        chrome: Chrome::signed_in(me, "早期成果池", "concepts"),
        error,
        pager: Pager::new("/concepts", &page, &p.keep(&keep, "id")),
        concepts: page.items,
        states: choices(ConceptState::ALL, ConceptState::as_str, ConceptState::label_zh),
        state: q.state.clone().unwrap_or_default(),
        q: q.q.clone().unwrap_or_default(),
        may_pool,
        may_batch,
        centers,
        fields,
        pool,
        open,
        today: state.context().today().to_string(),
    }))
}

async fn concepts_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<ConceptQuery>) -> AppResult<Response> {
    render_concepts(&state, &me, &p, &q, PoolForm::default(), OpenForm::default(), None).await
}

async fn pool_form(State(state): State<AppState>, me: CurrentUser, Form(form): Form<PoolForm>) -> AppResult<Response> {
    match concept_flow::pool(state.context(), &me.caller(), &form.input()).await.map_err(AppError::from) {
        Ok(v) => Ok(Redirect::to(&format!("/concepts/{}", v.concept.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_concepts(&state, &me, &ListParams::default(), &ConceptQuery::default(), form, OpenForm::default(), Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "seeds/concept.html")]
struct ConceptPage {
    chrome: Chrome,
    error: Option<String>,
    v: ConceptView,
    field: String,
}

async fn render_concept(state: &AppState, me: &CurrentUser, id: i64, error: Option<String>) -> AppResult<Response> {
    let v = concept_flow::view(state.context(), &me.caller(), id).await?;
    Ok(render(&ConceptPage { chrome: Chrome::signed_in(me, v.concept.title.clone(), "concepts"), error, field: crate::routes::registry::field_label(state, &v.concept.field), v }))
}

async fn concept_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    render_concept(&state, &me, id, None).await
}

async fn withdraw_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<ConceptWithdrawInput>) -> AppResult<Response> {
    match concept_flow::withdraw(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/concepts/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_concept(&state, &me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "seeds/batches.html")]
struct BatchesPage {
    chrome: Chrome,
    error: Option<String>,
    batches: Vec<SeedBatch>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    may_batch: bool,
    centers: Vec<Choice>,
    open: OpenForm,
    today: String,
}

async fn render_batches(state: &AppState, me: &CurrentUser, p: &ListParams, q: &SeedBatchQuery, open: OpenForm, error: Option<String>) -> AppResult<Response> {
    let page = batch_flow::list(state.context(), &me.caller(), q, p.page()).await?;
    let may_batch = me.role() == Role::Center;
    let centers = state
        .all_centers()
        .await?
        .iter()
        .filter(|c| may_batch && c.kind == CenterKind::PocCenter && c.status == CenterStatus::Active && c.host_org_id == me.user.org_id)
        .map(|c| Choice::new(c.id.to_string(), c.name.clone()))
        .collect();
    let keep = vec![("state", q.state.clone().unwrap_or_default())];
    Ok(render(&BatchesPage {
        chrome: Chrome::signed_in(me, "种子批量论证", "concepts"),
        error,
        pager: Pager::new("/seed-batches", &page, &p.keep(&keep, "id")),
        batches: page.items,
        states: choices(BatchState::ALL, BatchState::as_str, BatchState::label_zh),
        state: q.state.clone().unwrap_or_default(),
        may_batch,
        centers,
        open,
        today: state.context().today().to_string(),
    }))
}

async fn batches_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<SeedBatchQuery>) -> AppResult<Response> {
    render_batches(&state, &me, &p, &q, OpenForm::default(), None).await
}

async fn open_form(State(state): State<AppState>, me: CurrentUser, Form(form): Form<OpenForm>) -> AppResult<Response> {
    let input = SeedBatchInput { center_id: form.center_id.trim().parse().ok(), title: form.title.clone(), review_on: form.review_on.clone(), panel: form.panel.clone() };
    match batch_flow::open(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(v) => Ok(Redirect::to(&format!("/seed-batches/{}", v.batch.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_batches(&state, &me, &ListParams::default(), &SeedBatchQuery::default(), form, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "seeds/batch.html")]
struct BatchPage {
    chrome: Chrome,
    error: Option<String>,
    v: SeedBatchView,
    verdicts: Vec<Choice>,
    /// Field labels of the concepts, in their order.
    fields: Vec<String>,
}

async fn render_batch(state: &AppState, me: &CurrentUser, id: i64, error: Option<String>) -> AppResult<Response> {
    let v = batch_flow::view(state.context(), &me.caller(), id).await?;
    let fields = v.concepts.iter().map(|k| crate::routes::registry::field_label(state, &k.field)).collect();
    Ok(render(&BatchPage {
        chrome: Chrome::signed_in(me, v.batch.title.clone(), "concepts"),
        error,
        verdicts: choices(Verdict::ALL, Verdict::as_str, Verdict::label_zh),
        fields,
        v,
    }))
}

async fn batch_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    render_batch(&state, &me, id, None).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: i64, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/seed-batches/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_batch(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The assessment form's rows: each field repeated once per concept, in the table's order.
fn assessments_of(pairs: &[(String, String)]) -> SeedAssessmentsInput {
    let col = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let (ids, techs, markets, verdicts, opinions) = (col("concept_id"), col("tech_score"), col("market_score"), col("verdict"), col("opinion"));
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let assessments = (0..ids.len())
        .map(|i| SeedAssessmentInput {
            concept_id: at(&ids, i).trim().parse().ok(),
            tech_score: at(&techs, i),
            market_score: at(&markets, i),
            verdict: at(&verdicts, i),
            opinion: at(&opinions, i),
        })
        .collect();
    let version = pairs.iter().find(|(n, _)| n == "version").and_then(|(_, v)| v.trim().parse().ok());
    SeedAssessmentsInput { assessments, version }
}

async fn assess_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let r = batch_flow::assess(state.context(), &me.caller(), id, &assessments_of(&pairs)).await;
    back(&state, &me, id, r).await
}

async fn publish_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<SeedPublishInput>) -> AppResult<Response> {
    let r = batch_flow::publish(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

/// A seed as the public list shows it.
struct SeedRow {
    s: Seed,
    field: String,
}

#[derive(Template)]
#[template(path = "seeds/seeds.html")]
struct SeedsPage {
    chrome: Chrome,
    rows: Vec<SeedRow>,
    pager: Pager,
    fields: Vec<Choice>,
    centers: Vec<Choice>,
    field: String,
    center: String,
    q: String,
    export_href: String,
}

async fn seeds_page(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<SeedQuery>) -> AppResult<Response> {
    let list = concept_flow::seeds(state.context(), &q, p.page()).await?;
    let pairs: Vec<(&str, String)> = vec![
        ("q", q.q.clone().unwrap_or_default()),
        ("field", q.field.clone().unwrap_or_default()),
        ("center_id", q.center_id.map(|c| c.to_string()).unwrap_or_default()),
        ("batch_id", q.batch_id.map(|c| c.to_string()).unwrap_or_default()),
    ];
    let pairs: Vec<(&str, String)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let centers = state
        .all_centers()
        .await?
        .iter()
        .filter(|c| c.kind == CenterKind::PocCenter)
        .map(|c| Choice::new(c.id.to_string(), c.name.clone()))
        .collect();
    Ok(render(&SeedsPage {
        chrome: Chrome::public(Some(&auth), "种子清单", "seeds"),
        pager: Pager::new("/seeds", &list, &p.keep(&pairs, "id")),
        rows: list.items.into_iter().map(|s| SeedRow { field: crate::routes::registry::field_label(&state, &s.field), s }).collect(),
        fields: crate::routes::registry::field_choices(&state),
        centers,
        field: q.field.clone().unwrap_or_default(),
        center: q.center_id.map(|c| c.to_string()).unwrap_or_default(),
        q: q.q.clone().unwrap_or_default(),
        export_href: crate::views::url("/api/v1/seeds/export.xlsx", &pairs),
    }))
}
