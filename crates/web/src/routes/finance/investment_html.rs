//! Pages of roadshows, investors' interest and the fund's view: `/roadshows` (coming and past,
//! the organisers' form), a roadshow's page (programme, guests, attendance, an investor's
//! interest form), `/interests` and an interest's page with each party's next step, and `/fund`
//! (the 市科创基金's priority projects with their relay stage). Every form works without
//! JavaScript; a refused form re-renders its page with the reason.

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
use pocnet_app::finance::fund::{self, FundProject, FundQuery};
use pocnet_app::finance::interests::{self, ExpressInput, InterestView, StepInput};
use pocnet_app::finance::roadshows::{self, AttendanceInput, CancelInput, InviteInput, ProjectInput, RoadshowInput, RoadshowView};
use pocnet_domain::finance::investment::{InterestState, InterestStep};
use pocnet_domain::finance::roadshow::{InviteeKind, RoadshowKind, RoadshowMode};
use pocnet_domain::id::{InterestId, ResultId, RoadshowId};
use pocnet_domain::industry;
use pocnet_domain::org::OrgKind;
use pocnet_domain::role::Role;
use pocnet_store::finance::interests::Interest;
use pocnet_store::finance::roadshows::Roadshow;
use pocnet_store::{Page, SortDir};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/roadshows", get(roadshows_page).post(create_form))
        .route("/roadshows/{id}", get(roadshow_page))
        .route("/roadshows/{id}/projects", post(add_project_form))
        .route("/roadshows/{id}/projects/{result_id}/remove", post(remove_project_form))
        .route("/roadshows/{id}/invitees", post(invite_form))
        .route("/roadshows/{id}/attendance", post(attendance_form))
        .route("/roadshows/{id}/cancel", post(cancel_form))
        .route("/results/{id}/interests", post(express_form))
        .route("/interests", get(interests_page))
        .route("/interests/{id}", get(interest_page))
        .route("/interests/{id}/steps", post(step_form))
        .route("/fund", get(fund_page))
}

fn fields() -> Vec<Choice> {
    industry::WENZHOU.iter().map(|f| Choice::new(f.code, f.label)).collect()
}

#[derive(Template)]
#[template(path = "finance/roadshows.html")]
struct RoadshowsPage {
    chrome: Chrome,
    error: Option<String>,
    roadshows: Vec<Roadshow>,
    pager: Pager,
    past: bool,
    kind: String,
    kinds: Vec<Choice>,
    modes: Vec<Choice>,
    fields: Vec<Choice>,
    /// The caller may schedule one.
    may_create: bool,
    /// A center operator's centers (choose the organiser).
    my_centers: Vec<Choice>,
    /// The caller reads the fund's view (investors and the bureau).
    sees_fund: bool,
    today: String,
}

async fn render_list(state: &AppState, me: &CurrentUser, p: &ListParams, q: &roadshows::ListQuery, error: Option<String>) -> AppResult<Response> {
    let ctx = state.context();
    let page = roadshows::list(ctx, &me.caller(), q, p.page()).await?;
    let my_centers = if me.role() == Role::Center {
        pocnet_store::centers::hosted_by(state.store().pool(), me.user.org_id).await?.into_iter().filter(|c| c.is_public()).map(|c| Choice::new(c.id.to_string(), c.name)).collect()
    } else {
        Vec::new()
    };
    let keep = vec![("when", q.when.clone().unwrap_or_default()), ("kind", q.kind.clone().unwrap_or_default())];
    Ok(render(&RoadshowsPage {
        chrome: Chrome::signed_in(me, "路演", "roadshows"),
        error,
        pager: Pager::new("/roadshows", &page, &p.keep(&keep, "held_on")),
        roadshows: page.items,
        past: q.past(),
        kind: q.kind.clone().unwrap_or_default(),
        kinds: RoadshowKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        modes: RoadshowMode::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        fields: fields(),
        may_create: me.role() == Role::Bureau || !my_centers.is_empty(),
        my_centers,
        sees_fund: matches!(me.role(), Role::Bureau | Role::Investor),
        today: state.today().to_string(),
    }))
}

async fn roadshows_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<roadshows::ListQuery>) -> AppResult<Response> {
    render_list(&state, &me, &p, &q, None).await
}

async fn create_form(State(state): State<AppState>, me: CurrentUser, Form(input): Form<RoadshowInput>) -> AppResult<Response> {
    match roadshows::create(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(r) => Ok(Redirect::to(&format!("/roadshows/{}", r.id)).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_list(&state, &me, &ListParams::default(), &roadshows::ListQuery::default(), Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "finance/roadshow.html")]
struct RoadshowPage {
    chrome: Chrome,
    error: Option<String>,
    v: RoadshowView,
    field_label: String,
    /// Verified projects the organiser may add (a center's own; the bureau's: the newest flagged).
    candidates: Vec<Choice>,
    /// Units the organiser may invite, by kind.
    guests: Vec<Choice>,
    guest_kinds: Vec<Choice>,
    /// An investor's open interests, by project id.
    my_interests: Vec<(ResultId, Interest)>,
}

impl RoadshowPage {
    fn interest_in(&self, result: &ResultId) -> Option<&Interest> {
        self.my_interests.iter().find(|(r, _)| r == result).map(|(_, i)| i)
    }
}

async fn render_roadshow(state: &AppState, me: &CurrentUser, id: RoadshowId, error: Option<String>) -> AppResult<Response> {
    let ctx = state.context();
    let pool = state.store().pool();
    let v = roadshows::view(ctx, &me.caller(), id).await?;
    let open = v.may_manage && v.programme_closed.is_none();
    let candidates = roadshows::candidates(ctx, &v)
        .await?
        .into_iter()
        .map(|r| Choice::new(r.id.to_string(), format!("{}（{}）", r.title, r.owner_org_name)))
        .collect();
    let mut guests = Vec::new();
    if open {
        for kind in [OrgKind::InvestmentFund, OrgKind::Bank, OrgKind::Enterprise] {
            let filter = pocnet_store::orgs::OrgFilter { kind: Some(kind), ..Default::default() };
            let units = pocnet_store::orgs::list(pool, &filter, "name", SortDir::Asc, Page::new(Some(1), Some(200))).await?.items;
            guests.extend(units.into_iter().filter(|o| !v.invitees.iter().any(|i| i.org_id == o.id)).map(|o| Choice::new(o.id.to_string(), format!("{}（{}）", o.name, o.kind.label_zh()))));
        }
    }
    let mut my_interests = Vec::new();
    if v.may_express_interest {
        for p in &v.projects {
            if let Some(i) = interests::mine_on(ctx, &me.caller(), p.result_id).await? {
                my_interests.push((p.result_id, i));
            }
        }
    }
    Ok(render(&RoadshowPage {
        chrome: Chrome::signed_in(me, v.roadshow.theme.clone(), "roadshows"),
        error,
        field_label: if v.roadshow.field.is_empty() { "不限领域".into() } else { industry::label(&v.roadshow.field).to_owned() },
        candidates,
        guests,
        guest_kinds: InviteeKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        my_interests,
        v,
    }))
}

async fn roadshow_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>) -> AppResult<Response> {
    render_roadshow(&state, &me, id, None).await
}

/// After a roadshow's form: back to its page, or its page with the reason.
async fn back<T>(state: &AppState, me: &CurrentUser, id: RoadshowId, outcome: Result<T, pocnet_app::Error>, anchor: &str) -> AppResult<Response> {
    match outcome.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/roadshows/{id}#{anchor}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_roadshow(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn add_project_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, Form(input): Form<ProjectInput>) -> AppResult<Response> {
    let r = roadshows::add_project(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r, "projects").await
}

async fn remove_project_form(State(state): State<AppState>, me: CurrentUser, Path((id, result)): Path<(RoadshowId, ResultId)>) -> AppResult<Response> {
    let r = roadshows::remove_project(state.context(), &me.caller(), id, result).await;
    back(&state, &me, id, r, "projects").await
}

async fn invite_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, Form(input): Form<InviteInput>) -> AppResult<Response> {
    let r = roadshows::invite(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r, "guests").await
}

/// The attendance form sends one `attended` per guest ticked (a repeated key).
async fn attendance_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, Form(pairs): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let value = |k: &str| pairs.iter().find(|(key, _)| key == k).and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let input = AttendanceInput { attended: pairs.iter().filter(|(k, _)| k == "attended").filter_map(|(_, v)| v.trim().parse().ok()).collect(), version: value("version") };
    let r = roadshows::record_attendance(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r, "guests").await
}

async fn cancel_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RoadshowId>, Form(input): Form<CancelInput>) -> AppResult<Response> {
    let r = roadshows::cancel(state.context(), &me.caller(), id, &input).await;
    back(&state, &me, id, r, "top").await
}

/// An investor's interest from a roadshow's page or a project's page (back where it came from).
async fn express_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResultId>, Form(input): Form<ExpressInput>) -> AppResult<Response> {
    match interests::express(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(i) => Ok(Redirect::to(&format!("/interests/{}", i.id)).into_response()),
        Err(e) if e.is_form_refusal() => match input.roadshow_id {
            Some(r) => {
                let status = e.status();
                Ok((status, render_roadshow(&state, &me, RoadshowId::new(r), Some(e.body().message)).await?).into_response())
            }
            None => crate::routes::library::html::back_with_error(&state, &me, id, e).await,
        },
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "finance/interests.html")]
struct InterestsPage {
    chrome: Chrome,
    interests: Vec<Interest>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    role_code: &'static str,
}

async fn interests_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<interests::ListQuery>) -> AppResult<Response> {
    let page = interests::list(state.context(), &me.caller(), &q, p.page()).await?;
    let mut keep = vec![("state", q.state.clone().unwrap_or_default())];
    if let Some(r) = q.result_id {
        keep.push(("result_id", r.to_string()));
    }
    Ok(render(&InterestsPage {
        chrome: Chrome::signed_in(&me, "投资对接", "interests"),
        pager: Pager::new("/interests", &page, &p.keep(&keep, "id")),
        interests: page.items,
        states: InterestState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        state: q.state.unwrap_or_default(),
        role_code: me.role().as_str(),
    }))
}

#[derive(Template)]
#[template(path = "finance/interest.html")]
struct InterestPage {
    chrome: Chrome,
    error: Option<String>,
    v: InterestView,
}

impl InterestPage {
    fn may(&self, step: &str) -> bool {
        self.v.may.iter().any(|s| s.as_str() == step)
    }

    fn step_label(code: &str) -> &'static str {
        if code == "express" {
            return "表达意向";
        }
        InterestStep::parse(code).map_or("", |s| s.label_zh())
    }

    fn party_label(code: &str) -> &'static str {
        match code {
            "investor" => "投资机构",
            "owner" => "成果方",
            "center" => "概念验证中心",
            _ => "",
        }
    }
}

async fn render_interest(state: &AppState, me: &CurrentUser, id: InterestId, error: Option<String>) -> AppResult<Response> {
    let v = interests::view(state.context(), &me.caller(), id).await?;
    Ok(render(&InterestPage { chrome: Chrome::signed_in(me, format!("投资意向：{}", v.interest.result_title), "interests"), error, v }))
}

async fn interest_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<InterestId>) -> AppResult<Response> {
    render_interest(&state, &me, id, None).await
}

async fn step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<InterestId>, Form(input): Form<StepInput>) -> AppResult<Response> {
    match interests::step(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/interests/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_interest(&state, &me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "finance/fund.html")]
struct FundPage {
    chrome: Chrome,
    projects: Vec<FundProject>,
    pager: Pager,
    fields: Vec<Choice>,
    field: String,
    q: String,
}

async fn fund_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<FundQuery>) -> AppResult<Response> {
    let page = fund::priority(state.context(), &me.caller(), &q, p.page()).await?;
    let keep = vec![("field", q.field.clone().unwrap_or_default()), ("q", q.q.clone().unwrap_or_default())];
    Ok(render(&FundPage {
        chrome: Chrome::signed_in(&me, "市科创基金优先项目", "fund"),
        pager: Pager::new("/fund", &page, &p.keep(&keep, "id")),
        projects: page.items,
        fields: fields(),
        field: q.field.unwrap_or_default(),
        q: q.q.unwrap_or_default(),
    }))
}
