//! The pilot pages: `/pilot-projects` (each side's list, the application form), a project's page
//! (its plan, bookings and the forms of the steps the caller may take now), a resource's booking
//! calendar and a platform's month.

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
use pocnet_app::pilot::bookings::{self as booking_flow, BookingInput, CancelBookingInput, PlatformCalendar, ResourceCalendar};
use pocnet_app::pilot::projects::{
    self as workflow, ConfirmInput, PilotApplicationInput, PilotMilestoneDoneInput, PilotMilestoneInput, PilotPlanInput, PilotProjectQuery, PilotProjectView,
    PilotReportInput, PilotReviewInput, PilotStepInput,
};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::{CenterId, OfferId};
use pocnet_domain::pilot::{MarketFit, MassProduction, PilotAction, PilotStage, PilotState};
use pocnet_domain::role::Role;
use pocnet_store::pilot::projects::PilotProject;
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/pilot-projects", get(list_page).post(apply_form))
        .route("/pilot-projects/{id}", get(project_page))
        .route("/pilot-projects/{id}/step", post(step_form))
        .route("/pilot-projects/{id}/review", post(review_form))
        .route("/pilot-projects/{id}/plan", post(plan_form))
        .route("/pilot-projects/{id}/confirm", post(confirm_form))
        .route("/pilot-projects/{id}/milestones", post(milestone_form))
        .route("/pilot-projects/{id}/report", post(report_form))
        .route("/pilot-projects/{id}/bookings", post(project_booking_form))
        .route("/resources/{id}/calendar", get(calendar_page))
        .route("/resources/{id}/bookings", post(booking_form))
        .route("/bookings/{id}/cancel", post(cancel_form))
        .route("/centers/{id}/pilot-calendar", get(platform_page))
}

#[derive(Template)]
#[template(path = "pilot/projects.html")]
struct ListPage {
    chrome: Chrome,
    error: Option<String>,
    projects: Vec<PilotProject>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    q: String,
    export_href: String,
    /// The application form's platforms (a researcher's account), empty otherwise.
    platforms: Vec<Choice>,
    fields: Vec<Choice>,
    input: PilotApplicationInput,
    selected_platform: String,
    may_apply: bool,
}

async fn render_list(state: &AppState, me: &CurrentUser, p: &ListParams, q: &PilotProjectQuery, input: PilotApplicationInput, error: Option<String>) -> AppResult<Response> {
    let page = workflow::list(state.context(), &me.caller(), q, p.page()).await?;
    let may_apply = me.role() == Role::Researcher;
    let platforms = if may_apply {
        state
            .all_centers()
            .await?
            .iter()
            .filter(|c| c.kind == CenterKind::PilotPlatform && c.status == pocnet_domain::supervision::CenterStatus::Active)
            .map(|c| Choice::new(c.id.to_string(), c.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let keep = vec![("state", q.state.clone().unwrap_or_default()), ("q", q.q.clone().unwrap_or_default())];
    let export: Vec<(&str, String)> = keep.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
    let export = serde_urlencoded::to_string(&export).unwrap_or_default();
    Ok(render(&ListPage {
        chrome: Chrome::signed_in(me, "中试项目", "pilot_projects"),
        error,
        pager: Pager::new("/pilot-projects", &page, &p.keep(&keep, "id")),
        projects: page.items,
        states: choices(PilotState::ALL, PilotState::as_str, PilotState::label_zh),
        state: q.state.clone().unwrap_or_default(),
        q: q.q.clone().unwrap_or_default(),
        export_href: format!("/api/v1/pilot-projects/export.xlsx{}{export}", if export.is_empty() { "" } else { "?" }),
        platforms,
        fields: crate::routes::registry::field_choices(state),
        selected_platform: input.platform_center_id.map(|i| i.to_string()).unwrap_or_default(),
        input,
        may_apply,
    }))
}

async fn list_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<PilotProjectQuery>) -> AppResult<Response> {
    render_list(&state, &me, &p, &q, PilotApplicationInput::default(), None).await
}

async fn apply_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<PilotApplicationInput>) -> AppResult<Response> {
    match workflow::apply(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(p) => Ok(Redirect::to(&format!("/pilot-projects/{}", p.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_list(&state, &me, &ListParams::default(), &PilotProjectQuery::default(), input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A blank row of the plan form.
struct PlanRow {
    stage: String,
    title: String,
    due_on: String,
    fee_yuan: String,
}

#[derive(Template)]
#[template(path = "pilot/project.html")]
struct ProjectPage {
    chrome: Chrome,
    error: Option<String>,
    v: PilotProjectView,
    field: String,
    may: Vec<&'static str>,
    stages: Vec<Choice>,
    plan_rows: Vec<PlanRow>,
    mass: Vec<Choice>,
    fits: Vec<Choice>,
    /// The platform's bookable resources (its operators, while the project books).
    resources: Vec<Choice>,
    today: String,
    /// The platform's chief expert (its file's 首席专家/总工程师), the review form's default reviewer.
    chief: String,
}

async fn render_project(state: &AppState, me: &CurrentUser, id: i64, error: Option<String>) -> AppResult<Response> {
    let v = workflow::view(state.context(), &me.caller(), id).await?;
    let mut plan_rows: Vec<PlanRow> = Vec::new();
    if v.actions.contains(&PilotAction::Plan) {
        plan_rows = v.milestones.iter().map(|m| PlanRow { stage: m.stage.as_str().into(), title: m.title.clone(), due_on: m.due_on.to_string(), fee_yuan: m.fee_yuan.to_string() }).collect();
        while plan_rows.len() < 6 {
            plan_rows.push(PlanRow { stage: String::new(), title: String::new(), due_on: String::new(), fee_yuan: String::new() });
        }
    }
    let resources = if v.sides.platform && v.project.state.books() {
        pocnet_store::sharing::offers::of_center(state.store().pool(), v.project.platform_center_id)
            .await?
            .iter()
            .filter(|o| o.kind.bookable() && o.state.listed())
            .map(|o| Choice::new(o.id.to_string(), format!("{}（{}，每天{}个）", o.name, o.kind.label_zh(), o.capacity)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&ProjectPage {
        chrome: Chrome::signed_in(me, v.project.title.clone(), "pilot_projects"),
        error,
        field: crate::routes::registry::field_label(state, &v.project.field),
        may: v.actions.iter().map(|a| a.as_str()).collect(),
        stages: choices(PilotStage::ALL, PilotStage::as_str, PilotStage::label_zh),
        plan_rows,
        mass: choices(MassProduction::ALL, MassProduction::as_str, MassProduction::label_zh),
        fits: choices(MarketFit::ALL, MarketFit::as_str, MarketFit::label_zh),
        resources,
        today: state.context().today().to_string(),
        chief: state.all_centers().await?.iter().find(|c| c.id == v.project.platform_center_id).map(|c| format!("首席专家 {}", c.tech_director)).unwrap_or_default(),
        v,
    }))
}

async fn project_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    render_project(&state, &me, id, None).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: i64, r: Result<T, pocnet_app::Error>) -> AppResult<Response> {
    match r.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/pilot-projects/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_project(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<PilotStepInput>) -> AppResult<Response> {
    let r = workflow::step(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn review_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<PilotReviewInput>) -> AppResult<Response> {
    let r = workflow::review(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

/// The plan form: `stage`, `title`, `due_on`, `fee_yuan` repeated once per row, in order.
fn plan_of(pairs: &[(String, String)]) -> PilotPlanInput {
    let col = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let (stages, titles, dues, fees) = (col("stage"), col("title"), col("due_on"), col("fee_yuan"));
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    let rows = stages.len().max(titles.len()).max(dues.len()).max(fees.len());
    let milestones = (0..rows)
        .map(|i| PilotMilestoneInput {
            stage: at(&stages, i),
            title: at(&titles, i),
            due_on: at(&dues, i),
            // Not a number: kept out of range so the domain names the row, not dropped as blank.
            fee_yuan: match at(&fees, i).trim() {
                "" => None,
                f => Some(f.parse().unwrap_or(-1)),
            },
        })
        .collect();
    let version = pairs.iter().find(|(n, _)| n == "version").and_then(|(_, v)| v.trim().parse().ok());
    PilotPlanInput { milestones, version }
}

async fn plan_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let r = workflow::plan(state.context(), &me.caller(), id, &plan_of(&pairs)).await;
    back(&state, &me, id, r).await
}

async fn confirm_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<ConfirmInput>) -> AppResult<Response> {
    let r = workflow::confirm(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn milestone_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<PilotMilestoneDoneInput>) -> AppResult<Response> {
    let r = workflow::milestone_done(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

async fn report_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<PilotReportInput>) -> AppResult<Response> {
    let r = workflow::report(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r).await
}

/// A booking made from a project's page: the resource is chosen in the form.
#[derive(Debug, Clone, Default, Deserialize)]
struct ProjectBookingForm {
    #[serde(default, deserialize_with = "pocnet_app::input::empty_as_none")]
    offer_id: Option<i64>,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default, deserialize_with = "pocnet_app::input::empty_as_none")]
    units: Option<i64>,
}

async fn project_booking_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(f): Form<ProjectBookingForm>) -> AppResult<Response> {
    let Some(offer) = f.offer_id else {
        return back::<()>(&state, &me, id, Err(pocnet_domain::FieldError::required("offer_id", "预约的资源").into())).await;
    };
    let input = BookingInput { project_id: Some(id), starts_on: f.starts_on, ends_on: f.ends_on, units: f.units, note: String::new() };
    let r = booking_flow::book(state.context(), &me.caller(), OfferId::new(offer), &input).await;
    back(&state, &me, id, r).await
}

#[derive(Debug, Clone, Default, Deserialize)]
struct MonthQuery {
    #[serde(default)]
    month: Option<String>,
}

/// One week row of a month grid: seven cells, blank outside the month.
struct Week {
    days: Vec<Option<pocnet_app::pilot::bookings::CalendarDay>>,
}

#[derive(Template)]
#[template(path = "pilot/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    error: Option<String>,
    c: ResourceCalendar,
    weeks: Vec<Week>,
    prev: String,
    next: String,
    /// The platform's projects a booking may serve (its operators).
    projects: Vec<Choice>,
    today: String,
}

fn neighbours(month: &str) -> (String, String) {
    let first = pocnet_domain::validation::strict_day(&format!("{month}-01")).unwrap_or_default();
    let fmt = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m").to_string()).unwrap_or_else(|| month.to_owned());
    (fmt(first.checked_sub_months(chrono::Months::new(1))), fmt(first.checked_add_months(chrono::Months::new(1))))
}

async fn render_calendar(state: &AppState, auth: &Auth, id: OfferId, month: &str, error: Option<String>) -> AppResult<Response> {
    let caller = auth.current.as_ref().map(CurrentUser::caller);
    let c = booking_flow::calendar(state.context(), caller.as_ref(), id, month).await?;
    let mut weeks = Vec::new();
    let lead = c.days.first().map(|d| chrono::Datelike::weekday(&d.day).num_days_from_monday() as usize).unwrap_or(0);
    let mut cells: Vec<Option<pocnet_app::pilot::bookings::CalendarDay>> = (0..lead).map(|_| None).collect();
    cells.extend(c.days.iter().cloned().map(Some));
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    for chunk in cells.chunks(7) {
        weeks.push(Week { days: chunk.to_vec() });
    }
    let projects = if c.may_book {
        let filter = pocnet_store::pilot::projects::ProjectFilter { platform: Some(c.offer.center_id), ..Default::default() };
        let mut out = Vec::new();
        for s in [PilotState::Running, PilotState::Planning] {
            let f = pocnet_store::pilot::projects::ProjectFilter { state: Some(s), ..filter.clone() };
            out.extend(pocnet_store::pilot::projects::list(state.store().pool(), &f, pocnet_store::Page::new(Some(1), Some(100))).await?.items.into_iter().map(|p| Choice::new(p.id.to_string(), format!("{}（{}）", p.title, p.state.label_zh()))));
        }
        out
    } else {
        Vec::new()
    };
    let (prev, next) = neighbours(&c.month);
    Ok(render(&CalendarPage {
        chrome: Chrome::public(Some(auth), format!("{} · 预约日历", c.offer.name), "resources"),
        error,
        weeks,
        prev,
        next,
        projects,
        today: state.context().today().to_string(),
        c,
    }))
}

async fn calendar_page(State(state): State<AppState>, auth: Auth, Path(id): Path<OfferId>, QueryParams(q): QueryParams<MonthQuery>) -> AppResult<Response> {
    render_calendar(&state, &auth, id, q.month.as_deref().unwrap_or(""), None).await
}

async fn booking_form(State(state): State<AppState>, me: CurrentUser, auth: Auth, Path(id): Path<OfferId>, Form(input): Form<BookingInput>) -> AppResult<Response> {
    let month = input.starts_on.get(..7).unwrap_or("").to_owned();
    match booking_flow::book(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(b) => Ok(Redirect::to(&format!("/resources/{id}/calendar?month={}", b.starts_on.format("%Y-%m"))).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            let month = if pocnet_domain::pilot::booking::month(&month, state.context().today()).is_ok() { month } else { String::new() };
            Ok((status, render_calendar(&state, &auth, id, &month, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn cancel_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, Form(input): Form<CancelBookingInput>) -> AppResult<Response> {
    let b = booking_flow::cancel(state.context(), &me.caller(), id, &input).await?;
    let to = match b.project_id {
        Some(p) => format!("/pilot-projects/{p}"),
        None => format!("/resources/{}/calendar?month={}", b.offer_id, b.starts_on.format("%Y-%m")),
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Template)]
#[template(path = "pilot/platform_calendar.html")]
struct PlatformPage {
    chrome: Chrome,
    c: PlatformCalendar,
    prev: String,
    next: String,
}

async fn platform_page(State(state): State<AppState>, auth: Auth, Path(id): Path<CenterId>, QueryParams(q): QueryParams<MonthQuery>) -> AppResult<Response> {
    let caller = auth.current.as_ref().map(CurrentUser::caller);
    let c = booking_flow::platform_calendar(state.context(), caller.as_ref(), id, q.month.as_deref().unwrap_or("")).await?;
    let (prev, next) = neighbours(&c.month);
    Ok(render(&PlatformPage { chrome: Chrome::public(Some(&auth), format!("{} · 中试资源月历", c.center_name), "resources"), prev, next, c }))
}
