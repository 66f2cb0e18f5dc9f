//! Research results (科技成果/项目库) as each role may see them. Lists carry
//! the public summary only; trade secrets never appear here.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{non_empty, ListParams, QueryParams};
use crate::views::{Choice, self, render, Chrome, Pager, SortHeader};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use pocnet_domain::industry;
use pocnet_domain::research_result::ResultState;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::results::{self, ResultScope, ResultSummary};
use pocnet_store::{Paged, SortDir};
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    use crate::routes::library::intake;
    Router::new()
        .route("/results", get(page).post(intake::form_submit))
        .route("/api/v1/results", get(api_list).post(intake::api_create))
}

/// Which results a role sees: the bureau all; a county department its
/// region's; a center operator those its centers handle; a researcher its
/// organisation's; an investor verified ones; an expert those it is invited
/// to screen.
pub async fn scope_for(state: &AppState, me: &CurrentUser) -> AppResult<ResultScope> {
    let u = &me.user;
    Ok(match u.role {
        Role::Bureau => ResultScope::All,
        Role::County => ResultScope::Region(u.org_region),
        Role::Center => ResultScope::HostOrg(u.org_id),
        Role::Researcher => ResultScope::OwnerOrg(u.org_id),
        Role::Investor => ResultScope::Verified,
        Role::Expert => ResultScope::Reviewer(crate::routes::recognition::expert_id(state, me).await?.ok_or(AppError::Forbidden)?),
    })
}

/// Filters of the result list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ResultQuery {
    /// State code, e.g. `verifying`.
    pub state: Option<String>,
}

fn state_filter(q: &ResultQuery) -> AppResult<Option<ResultState>> {
    Ok(non_empty(&q.state)
        .map(|s| ResultState::parse(s).map_err(|_| FieldError::unknown_value("state", "成果状态")))
        .transpose()?)
}

/// Lists the research results the caller may see (public summaries).
#[utoipa::path(get, path = "/api/v1/results", tag = "results", params(ListParams, ResultQuery),
    responses((status = 200, body = Vec<ResultSummary>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ResultQuery>,
) -> AppResult<Json<Paged<ResultSummary>>> {
    let scope = scope_for(&state, &me).await?;
    let list = results::list(state.store().pool(), scope, state_filter(&q)?, p.sort_or("submitted_on"), p.dir(), p.page()).await?;
    Ok(Json(list))
}

struct Row {
    id: i64,
    title: String,
    summary: String,
    field: String,
    source: &'static str,
    owner: String,
    center: String,
    state: &'static str,
    trl: i64,
    submitted_on: String,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    chrome: Chrome,
    heading: &'static str,
    /// Researchers and operators may submit a result.
    can_submit: bool,
    headers: Vec<SortHeader>,
    rows: Vec<Row>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
}

async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ResultQuery>,
) -> AppResult<Response> {
    let scope = scope_for(&state, &me).await?;
    let sort = p.sort_or("submitted_on").to_owned();
    let list = results::list(state.store().pool(), scope, state_filter(&q)?, &sort, p.dir(), p.page()).await?;
    let filters = vec![("state", q.state.clone().unwrap_or_default())];
    let keep = p.keep(&filters, &sort);
    let columns = [("title", "成果名称"), ("field", "领域"), ("state", "状态"), ("trl", "技术就绪度"), ("submitted_on", "提交日期")];
    let heading = match me.user.role {
        Role::County => "本地区科技成果",
        Role::Center => "本中心项目库",
        Role::Researcher => "我单位的科技成果",
        Role::Investor => "已完成验证的项目",
        Role::Expert => "成果遴选任务",
        _ => "科技成果与项目库",
    };
    Ok(render(&ResultsPage {
        chrome: Chrome::signed_in(&me, heading, "results"),
        heading,
        can_submit: matches!(me.user.role, Role::Researcher | Role::Center),
        headers: views::sort_headers("/results", &columns, &sort, p.dir() == SortDir::Desc, &filters),
        rows: list
            .items
            .iter()
            .map(|r| Row {
                id: r.id,
                title: r.title.clone(),
                summary: r.summary.clone(),
                field: format!("{} / {}", industry::label(&r.field), industry::label(&r.sub_field)),
                source: r.source.label_zh(),
                owner: r.owner_org_name.clone(),
                center: r.center_name.clone().unwrap_or_else(|| "—".into()),
                state: r.state.label_zh(),
                trl: r.trl,
                submitted_on: r.submitted_on.clone(),
            })
            .collect(),
        pager: Pager::new("/results", &list, &keep),
        states: ResultState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        state: q.state.unwrap_or_default(),
    }))
}
