//! Search on the web (全文检索): `GET /api/v1/search` and the page `/search`.
//! A query first applies the outbox changes the index has not seen (one indexed
//! read when there are none, at most once per 100 ms while nothing is written
//! through this server: [`pocnet_app::search::Freshness`]), so a record saved a
//! moment ago is found — and a first page cached before the change is not
//! answered again. Hits are
//! counted up to 1,000 (“1,000+” beyond; `count=exact` counts them all).

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::QueryParams;
use crate::views::{render, url, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use pocnet_app::search::{self as workflow, SearchInput};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new().route("/search", get(page));
    OpenApiRouter::new().routes(routes!(api_search)).merge(html.into())
}

/// A record found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// Kind: `result`, `demand`, `center`, `expert` or `report` (a report's id is its result's).
    pub kind: String,
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The best passage, HTML-escaped, the words found in `<b>`.
    pub snippet: String,
    /// Relevance (BM25).
    pub score: f32,
}

/// A page of records found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    /// Records matching in all when `total_exact`; otherwise a lower bound (1,000, or as far
    /// as this page reaches): the count stops there unless asked with `count=exact`.
    pub total: usize,
    /// Whether `total` is exact.
    pub total_exact: bool,
    /// This page, most relevant first.
    pub items: Vec<SearchHit>,
}

async fn run(state: &AppState, me: &CurrentUser, input: &SearchInput) -> AppResult<SearchPage> {
    state.fresh_search().await?;
    let hits = workflow::search_results(state.context(), state.search(), &me.caller(), input).await?;
    Ok(SearchPage {
        total: hits.total,
        total_exact: hits.total_exact,
        items: hits.items.into_iter().map(|h| SearchHit { kind: h.kind, id: h.id, title: h.title, snippet: h.snippet, score: h.score }).collect(),
    })
}

/// Chinese full-text search of the research results, demands and centers the caller may see
/// (public faces only: titles, public summaries, units), with kind, field, region, state and TRL filters.
#[utoipa::path(get, path = "/api/v1/search", tag = "results", params(SearchInput),
    responses((status = 200, body = SearchPage), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_search(State(state): State<AppState>, me: CurrentUser, QueryParams(input): QueryParams<SearchInput>) -> AppResult<Json<SearchPage>> {
    Ok(Json(run(&state, &me, &input).await?))
}

#[derive(Template)]
#[template(path = "search.html")]
struct Page {
    chrome: Chrome,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    page: Option<SearchPage>,
    /// `共找到 12 项`, or `共找到 1,000+ 项` where the count stopped.
    total_label: String,
    /// Where the count stopped: the same search counted in full.
    count_href: Option<String>,
    /// Each hit as shown: (kind label, link, title, snippet).
    rows: Vec<(&'static str, String, String, String)>,
}

/// Where a hit leads and what it is called: its page (a report's is its result's report).
fn shown(h: &SearchHit) -> (&'static str, String) {
    match h.kind.as_str() {
        "demand" => ("产业需求", format!("/demands/{}", h.id)),
        "center" => ("中心", format!("/centers/{}", h.id)),
        "expert" => ("专家", format!("/experts/{}", h.id)),
        "report" => ("验证报告", format!("/results/{}/report", h.id)),
        "offer" => ("共享资源", format!("/resources/{}", h.id)),
        _ => ("科技成果", format!("/results/{}", h.id)),
    }
}

async fn page(State(state): State<AppState>, me: CurrentUser, QueryParams(input): QueryParams<SearchInput>) -> AppResult<Response> {
    let q = input.q.clone().unwrap_or_default();
    let page = if q.trim().is_empty() { None } else { Some(run(&state, &me, &input).await?) };
    let kind = input.kind.clone().unwrap_or_default();
    let mut kinds = vec![("result", "科技成果"), ("demand", "产业需求"), ("center", "概念验证中心"), ("offer", "共享资源")];
    if pocnet_app::experts::BROWSERS.contains(&me.user.role) {
        kinds.push(("expert", "库内专家"));
    }
    if matches!(me.user.role, pocnet_domain::role::Role::Bureau | pocnet_domain::role::Role::Center) {
        kinds.push(("report", "验证报告"));
    }
    let rows = page.as_ref().map(|p| p.items.iter().map(|h| {
        let (label, href) = shown(h);
        (label, href, h.title.clone(), h.snippet.clone())
    }).collect()).unwrap_or_default();
    let total_label = match &page {
        Some(p) if p.total_exact => format!("共找到 {} 项", p.total),
        Some(p) => format!("共找到 {}+ 项", thousands(p.total)),
        None => String::new(),
    };
    let count_href = page.as_ref().filter(|p| !p.total_exact).map(|_| {
        let mut params = vec![("q", q.clone()), ("kind", kind.clone())];
        for (name, value) in [("field", &input.field), ("region", &input.region), ("state", &input.state)] {
            params.push((name, value.clone().unwrap_or_default()));
        }
        for (name, value) in [("trl_min", input.trl_min), ("trl_max", input.trl_max)] {
            params.push((name, value.map(|v| v.to_string()).unwrap_or_default()));
        }
        params.push(("count", "exact".to_owned()));
        url("/search", &params)
    });
    Ok(render(&Page { chrome: Chrome::signed_in(&me, "全文检索", "search"), q, kind, kinds, page, total_label, count_href, rows }))
}

/// 1234567 → `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
