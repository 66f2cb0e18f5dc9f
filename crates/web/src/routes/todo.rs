//! The to-do list (待办事项) of the signed-in user: the work waiting for its
//! role within its scope, each kind with its count, its earliest date and a
//! link to where the work is done — on the to-do page, on the dashboard, as
//! the navigation's badge and at `GET /api/v1/me/todo`. Also an expert's own
//! review tasks with its own seat state (`GET /api/v1/me/reviews`).
//!
//! Counts are one round trip of indexed counts scoped to the caller
//! (`store::todo`); the navigation shows them on the dashboard and the to-do
//! page only, where they are read anyway, so other pages cost nothing extra.

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::routes::recognition::expert_id;
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use pocnet_domain::id::{of, ApplicationId, Id, ResultId};
use pocnet_domain::research_result::ResultState;
use pocnet_domain::recognition::ApplicationState;
use pocnet_domain::role::Role;
use pocnet_domain::todo::{SeatState, TodoKind, TodoList, Window};
use pocnet_store::applications::{self, ApplicationFilter, ApplicationScope};
use pocnet_store::results::{self, ResultScope};
use pocnet_store::panels::{self, Judged, OwnSeat};
use pocnet_store::todo::{self as store, TodoEntry, TodoScope};
use pocnet_store::{Page, SortDir};
use serde::Serialize;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/todo", get(page))
        .routes(routes!(api_todo))
        .routes(routes!(api_reviews))
}

/// Records shown under one kind on the to-do page.
const ENTRIES_PER_KIND: i64 = 10;

/// Whose work the caller sees: the bureau all, a county its region, an
/// operator its unit's centers, an expert its own seats, a researcher its
/// unit's results, an investor its unit's interests, a project manager the
/// projects it carries.
async fn scope_of<'a>(state: &AppState, me: &'a CurrentUser) -> AppResult<TodoScope<'a>> {
    let u = &me.user;
    Ok(match u.role {
        Role::Bureau => TodoScope::Bureau,
        Role::County => TodoScope::Region(u.org_region.as_str()),
        Role::Center => TodoScope::HostOrg(u.org_id),
        Role::Researcher => TodoScope::OwnerOrg(u.org_id),
        Role::Expert => match expert_id(state, me).await? {
            Some(e) => TodoScope::Expert(e),
            None => TodoScope::Nothing,
        },
        Role::Investor => TodoScope::Investor(u.org_id),
        Role::Manager => TodoScope::Manager(u.id),
    })
}

/// The caller's to-do list.
pub async fn list(state: &AppState, me: &CurrentUser) -> AppResult<TodoList> {
    let scope = scope_of(state, me).await?;
    let tallies = store::tallies(state.store().pool(), scope, &Window::of(state.today())).await?;
    Ok(TodoList::build(me.role(), &tallies))
}

/// The caller's to-do list: every kind of its role's waiting work with the
/// count within its scope, the earliest date that matters and the page where
/// the work is done.
#[utoipa::path(get, path = "/api/v1/me/todo", tag = "dashboard",
    responses((status = 200, body = TodoList), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_todo(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<TodoList>> {
    Ok(Json(list(&state, &me).await?))
}

/// One review task of an expert, with its own seat state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewTask {
    /// `application` (申报评审), `screening` (成果入库遴选) or `evaluation` (年度绩效评价).
    pub kind: &'static str,
    /// Application, result or evaluation id.
    pub id: i64,
    /// Name of the application or title of the result.
    pub title: String,
    /// The expert's own seat: to_declare, to_score, scored, recused, declined, closed.
    pub seat: SeatState,
    /// Its Chinese label (待声明 / 待评分 / 已评分 …).
    pub seat_label: &'static str,
    /// Where to declare or score.
    pub href: String,
    /// The invitation's deadline (评审截止日期), if it has one.
    pub due_on: Option<String>,
}

/// The seat state of each item an expert sits on, by item id.
pub(crate) fn seat_states<T>(seats: &[OwnSeat<T>], open: impl Fn(Id<T>) -> bool) -> HashMap<Id<T>, SeatState> {
    seats.iter().map(|s| (s.subject_id, SeatState::of(s.status, s.scored, open(s.subject_id)))).collect()
}

/// The seat state of each item of kind `T` the calling expert sits on (empty for other roles).
async fn seats_of<T: Judged>(state: &AppState, me: &CurrentUser, open: impl Fn(Id<T>) -> bool) -> AppResult<HashMap<Id<T>, SeatState>> {
    Ok(match expert_id(state, me).await? {
        Some(e) => seat_states(&panels::of_expert::<T>(state.store().pool(), e).await?, open),
        None => HashMap::new(),
    })
}

/// The seat state of each application the calling expert sits on (empty for other roles).
pub async fn application_seats(state: &AppState, me: &CurrentUser, under_review: impl Fn(ApplicationId) -> bool) -> AppResult<HashMap<ApplicationId, SeatState>> {
    seats_of::<of::Application>(state, me, under_review).await
}

/// The seat state of each result the calling expert screens (empty for other roles).
pub async fn screening_seats(state: &AppState, me: &CurrentUser, in_screening: impl Fn(ResultId) -> bool) -> AppResult<HashMap<ResultId, SeatState>> {
    seats_of::<of::Result>(state, me, in_screening).await
}

/// The calling expert's review tasks, newest first, each with its own seat
/// state rather than the item's (an expert without a library profile has none).
pub async fn review_tasks(state: &AppState, me: &CurrentUser) -> AppResult<Vec<ReviewTask>> {
    me.require(&[Role::Expert])?;
    let Some(e) = expert_id(state, me).await? else {
        return Ok(Vec::new());
    };
    let pool = state.store().pool();
    let page = Page::new(Some(1), Some(200));
    let apps = applications::list(pool, ApplicationScope::Expert(e), &ApplicationFilter::default(), page).await?.items;
    let open_apps: HashMap<ApplicationId, bool> = apps.iter().map(|a| (a.id, a.state == ApplicationState::BureauReview)).collect();
    let app_seat_rows = panels::of_expert::<of::Application>(pool, e).await?;
    let app_seats = seat_states(&app_seat_rows, |id| open_apps.get(&id).copied().unwrap_or(false));
    let res = results::list(pool, ResultScope::Reviewer(e), &results::ResultFilter::default(), "submitted_on", SortDir::Desc, page).await?.items;
    let open_res: HashMap<ResultId, bool> = res.iter().map(|r| (r.id, r.state == ResultState::Screening)).collect();
    let res_seat_rows = panels::of_expert::<of::Result>(pool, e).await?;
    let res_seats = seat_states(&res_seat_rows, |id| open_res.get(&id).copied().unwrap_or(false));
    fn due<T>(rows: &[OwnSeat<T>], id: Id<T>) -> Option<String> {
        rows.iter().find(|s| s.subject_id == id).and_then(|s| s.due_on.map(|d| d.to_string()))
    }
    let task = |kind, id, title: &str, seat: SeatState, href: String, due_on: Option<String>| ReviewTask {
        kind,
        id,
        title: title.to_owned(),
        seat,
        seat_label: seat.label_zh(),
        href,
        due_on,
    };
    let mut tasks: Vec<ReviewTask> = apps
        .iter()
        .filter_map(|a| {
            app_seats.get(&a.id).map(|s| task("application", a.id.get(), &a.proposed_name, *s, format!("/applications/{}", a.id), due(&app_seat_rows, a.id)))
        })
        .collect();
    tasks.extend(res.iter().filter_map(|r| {
        res_seats.get(&r.id).map(|s| task("screening", r.id.get(), &r.title, *s, format!("/results/{}", r.id), due(&res_seat_rows, r.id)))
    }));
    // A center's annual evaluation (年度绩效评价): an expert sits on few, each read by its key.
    let eval_seat_rows = panels::of_expert::<of::Evaluation>(pool, e).await?;
    for seat in eval_seat_rows.iter().rev() {
        let ev = pocnet_store::evaluations::evaluation(pool, seat.subject_id).await?;
        let round = pocnet_store::evaluations::get(pool, ev.round_id).await?;
        let open = ev.state == pocnet_domain::evaluation::EvaluationState::Pending && round.state == pocnet_domain::evaluation::RoundState::Open;
        let s = SeatState::of(seat.status, seat.scored, open);
        let title = format!("{}（{}年度绩效评价）", ev.center_name, round.year);
        tasks.push(task("evaluation", ev.id.get(), &title, s, format!("/evaluations/{}", ev.id), seat.due_on.map(|d| d.to_string())));
    }
    Ok(tasks)
}

/// The calling expert's review tasks (application reviews and result
/// screenings) with its own seat state: 待声明, 待评分, 已评分, 已回避, 已谢绝, 评审已结束.
#[utoipa::path(get, path = "/api/v1/me/reviews", tag = "experts",
    responses((status = 200, body = Vec<ReviewTask>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_reviews(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Vec<ReviewTask>>> {
    Ok(Json(review_tasks(&state, &me).await?))
}

/// One line of the to-do page.
pub(crate) struct TodoLine {
    pub kind: &'static str,
    pub label: &'static str,
    pub count: i64,
    pub href: &'static str,
    pub due: Option<(String, &'static str)>,
    pub entries: Vec<TodoEntry>,
}

/// The lines with something waiting, as the dashboard and the to-do page show them.
pub(crate) fn lines(list: &TodoList) -> Vec<TodoLine> {
    list.pending()
        .map(|i| TodoLine {
            kind: i.kind.as_str(),
            label: i.label,
            count: i.count,
            href: i.href,
            due: i.due.clone().zip(i.due_label),
            entries: Vec::new(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard/todo.html")]
struct TodoPage {
    chrome: Chrome,
    lines: Vec<TodoLine>,
    tasks: Vec<ReviewTask>,
}

async fn page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    let list = list(&state, &me).await?;
    let scope = scope_of(&state, &me).await?;
    let window = Window::of(state.today());
    let mut lines = lines(&list);
    for line in &mut lines {
        if let Ok(kind) = TodoKind::parse(line.kind) {
            line.entries = store::entries(state.store().pool(), scope, kind, &window, ENTRIES_PER_KIND).await?;
        }
    }
    let tasks = if me.role() == Role::Expert {
        review_tasks(&state, &me).await?.into_iter().filter(|t| t.seat.is_task()).collect()
    } else {
        Vec::new()
    };
    let mut chrome = Chrome::signed_in(&me, "待办事项", "todo");
    chrome.todo = Some(list.total);
    Ok(render(&TodoPage { chrome, lines, tasks }))
}
