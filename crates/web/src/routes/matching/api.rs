//! JSON API of supply–demand matching.

use super::{DemandQuery, MatchQuery};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::matching::answers::{self, AnswerInput, FollowUpInput};
use pocnet_app::matching::demands::{self as flow, DemandAccess, DemandInput, DemandStepInput};
use pocnet_app::matching::propose::{self, Proposal};
use pocnet_domain::id::{DemandId, MatchId, ResultId};
use pocnet_store::matching::demands::Demand;
use pocnet_store::matching::matches::{self, MatchRecord};
use pocnet_store::{Paged, SortDir};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_publish))
        .routes(routes!(api_demand, api_edit))
        .routes(routes!(api_step))
        .routes(routes!(api_proposals))
        .routes(routes!(api_answer))
        .routes(routes!(api_matches))
        .routes(routes!(api_match))
        .routes(routes!(api_follow_up))
        .routes(routes!(api_result_demands))
        .routes(routes!(api_cultivation, api_cultivate, api_uncultivate))
        .routes(routes!(api_export_demands))
        .routes(routes!(api_export_matches))
        .route("/demands/export.xlsx", axum::routing::get(api_export_demands))
        .route("/docking/export.xlsx", axum::routing::get(api_export_matches))
}

/// One worksheet: a bold header and rows of text, widths as given.
fn sheet(name: &str, header: &[(&str, f64)], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    crate::xlsx::workbook(&[crate::xlsx::Sheet { name, header, rows: rows.to_vec() }])
}

/// The demands the caller may see, filtered as the list (every page), as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/demands/export.xlsx", operation_id = "export_demands", tag = "matching", params(DemandQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export_demands(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<DemandQuery>) -> AppResult<Response> {
    let page = pocnet_store::Page::new(Some(1), Some(200)).all();
    let list = flow::list(state.context(), &me.caller(), q.filter(&state, &me)?, "created_at", SortDir::Desc, page).await?;
    let label = |c: &str| pocnet_app::matching::field_label(state.context(), c);
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|d| {
            vec![
                d.title.clone(),
                d.problem.clone(),
                label(&d.field),
                if d.sub_field.is_empty() { String::new() } else { label(&d.sub_field) },
                d.target_trl.to_string(),
                d.budget_yuan.map_or_else(|| "面议".to_owned(), |b| b.to_string()),
                d.region.label_zh().to_owned(),
                d.deadline.to_string(),
                d.org_name.clone(),
                d.state.label_zh().to_owned(),
                d.listed_year.map(|y| y.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let header = [("需求名称", 24.0), ("技术难题描述", 48.0), ("产业领域", 14.0), ("细分领域", 14.0), ("目标技术就绪度", 10.0), ("预算（元）", 12.0), ("地区", 10.0), ("截止日期", 12.0), ("发布单位", 24.0), ("状态", 10.0), ("清单年度", 10.0)];
    Ok(crate::routes::experts::api::xlsx(sheet("产业需求清单", &header, &rows)?, "产业需求清单.xlsx"))
}

/// The docking list (or every answered match with `docking=0`) the caller may read, as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/matches/export.xlsx", operation_id = "export_matches", tag = "matching", params(MatchQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export_matches(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<MatchQuery>) -> AppResult<Response> {
    let page = pocnet_store::Page::new(Some(1), Some(200)).all();
    let list = answers::list(state.context(), &me.caller(), &q.filter()?, SortDir::Desc, page).await?;
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|m| {
            vec![
                m.demand_title.clone(),
                if m.subject_kind == "center" { "概念验证中心".to_owned() } else { "科技成果".to_owned() },
                m.subject_title.clone(),
                format!("{:.1}", m.score as f64 / 10.0),
                m.demand_answer.label_zh().to_owned(),
                m.supply_answer.label_zh().to_owned(),
                m.stage.label_zh().to_owned(),
                m.contract_yuan.map(|a| a.to_string()).unwrap_or_default(),
                m.note.clone(),
                pocnet_domain::display::beijing(m.updated_at),
            ]
        })
        .collect();
    let header = [("需求", 24.0), ("对接对象类别", 12.0), ("对接对象", 28.0), ("匹配度", 8.0), ("需求方", 8.0), ("供给方", 8.0), ("状态", 10.0), ("合同金额（元）", 14.0), ("说明", 30.0), ("更新时间（北京时间）", 20.0)];
    Ok(crate::routes::experts::api::xlsx(sheet("精准对接清单", &header, &rows)?, "精准对接清单.xlsx"))
}

/// Lists the demands the caller may see (newest first by default; `sort=deadline`).
#[utoipa::path(get, path = "/api/v1/demands", operation_id = "list_demands", tag = "matching", params(ListParams, DemandQuery),
    responses((status = 200, body = Paged<Demand>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<DemandQuery>) -> AppResult<Json<Paged<Demand>>> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    let page = flow::list(state.context(), &me.caller(), q.filter(&state, &me)?, p.sort_or("created_at"), dir, p.page()).await?;
    Ok(Json(page))
}

/// Publishes a demand for the caller's unit (an enterprise's account, a county department, the bureau).
#[utoipa::path(post, path = "/api/v1/demands", operation_id = "publish_demand", tag = "matching", request_body = DemandInput,
    responses((status = 201, body = Demand), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_publish(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<DemandInput>) -> AppResult<Response> {
    let id = flow::publish(state.context(), &me.caller(), &input).await?;
    let (d, _) = flow::load(state.context(), &me.caller(), id).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// A demand with what the caller may do and the matches answered on it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DemandDetail {
    /// The demand.
    pub demand: Demand,
    /// The caller's unit published it (may edit, withdraw, close, answer for it).
    pub own: bool,
    /// The caller is the bureau (may list it in the year's list).
    pub curate: bool,
    /// The matches answered so far that the caller may read.
    pub matches: Vec<MatchRecord>,
}

async fn detail(state: &AppState, me: &CurrentUser, id: DemandId) -> AppResult<DemandDetail> {
    let (demand, access) = flow::load(state.context(), &me.caller(), id).await?;
    let caller = me.caller();
    let matches = match answers::scope_for(&caller) {
        Ok(scope) => matches::of_demand(state.store().pool(), id).await?.into_iter().filter(|m| answers::may_read(&caller, scope, m)).collect(),
        Err(_) => Vec::new(),
    };
    Ok(DemandDetail { demand, own: access == DemandAccess::Own, curate: access == DemandAccess::Curate, matches })
}

/// A demand.
#[utoipa::path(get, path = "/api/v1/demands/{id}", operation_id = "get_demand", tag = "matching",
    responses((status = 200, body = DemandDetail), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_demand(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<DemandDetail>> {
    let id = DemandId::new(id);
    Ok(Json(detail(&state, &me, id).await?))
}

/// Edits an open demand (its unit), at the version read.
#[utoipa::path(put, path = "/api/v1/demands/{id}", operation_id = "edit_demand", tag = "matching", request_body = DemandInput,
    responses((status = 200, body = Demand), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_edit(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DemandInput>) -> AppResult<Json<Demand>> {
    let id = DemandId::new(id);
    Ok(Json(flow::edit(state.context(), &me.caller(), id, &input).await?))
}

/// Lists a demand in a year's 重点产业需求清单 or takes it off (bureau), withdraws it
/// (its unit or the bureau, with a reason), or closes it as met (its unit).
#[utoipa::path(post, path = "/api/v1/demands/{id}/steps", operation_id = "step_demand", tag = "matching", request_body = DemandStepInput,
    responses((status = 200, body = Demand), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_step(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DemandStepInput>) -> AppResult<Json<Demand>> {
    let id = DemandId::new(id);
    Ok(Json(flow::step(state.context(), &me.caller(), id, &input).await?))
}

/// What to propose.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// `result` (default), `center` or `expert` (experts only for those who browse the library).
    pub kind: Option<String>,
    /// How many (1–50, default 10).
    pub limit: Option<usize>,
}

impl ProposalQuery {
    fn limit(&self) -> AppResult<usize> {
        let n = self.limit.unwrap_or(10);
        if (1..=50).contains(&n) {
            Ok(n)
        } else {
            Err(pocnet_domain::FieldError::new("limit", "out_of_range", "推荐条数须在1至50之间").into())
        }
    }
}

/// The results or centers that fit a demand, best first, each with its score's components
/// (terms, field, TRL, region, budget) and the answers so far.
#[utoipa::path(get, path = "/api/v1/demands/{id}/matches", operation_id = "propose_matches", tag = "matching", params(ProposalQuery),
    responses((status = 200, body = Vec<Proposal>), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_proposals(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, QueryParams(q): QueryParams<ProposalQuery>) -> AppResult<Json<Vec<Proposal>>> {
    let id = DemandId::new(id);
    let limit = q.limit()?;
    state.fresh_search().await?;
    let kind = q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()).unwrap_or("result");
    let (_, _, mut lists) = propose::for_demand(state.context(), state.search(), &me.caller(), id, &[(kind, limit)]).await?;
    Ok(Json(lists.pop().unwrap_or_default()))
}

/// Accepts or declines (with a reason code) a proposed match for the caller's side:
/// the demand's unit, or the offer's (the result's unit or its center's operator; the center's operator).
#[utoipa::path(post, path = "/api/v1/demands/{id}/answers", operation_id = "answer_match", tag = "matching", request_body = AnswerInput,
    responses((status = 200, body = MatchRecord), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_answer(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AnswerInput>) -> AppResult<Json<MatchRecord>> {
    let id = DemandId::new(id);
    Ok(Json(answers::answer(state.context(), state.search(), &me.caller(), id, &input).await?))
}

/// The docking list (精准对接清单) as the caller may read it, most recently changed first;
/// `docking=0` lists every answered match.
#[utoipa::path(get, path = "/api/v1/matches", operation_id = "list_matches", tag = "matching", params(ListParams, MatchQuery),
    responses((status = 200, body = Paged<MatchRecord>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_matches(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<MatchQuery>) -> AppResult<Json<Paged<MatchRecord>>> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    Ok(Json(answers::list(state.context(), &me.caller(), &q.filter()?, dir, p.page()).await?))
}

/// A match.
#[utoipa::path(get, path = "/api/v1/matches/{id}", operation_id = "get_match", tag = "matching",
    responses((status = 200, body = MatchRecord), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_match(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<MatchRecord>> {
    let id = MatchId::new(id);
    Ok(Json(answers::load(state.context(), &me.caller(), id).await?))
}

/// Moves a match on the docking list forward (已联系 → 洽谈中 → 已签约 → 已落地) or stops it with a
/// reason (either side or the bureau). A landing records the result's outcome and marks the demand met.
#[utoipa::path(post, path = "/api/v1/matches/{id}/follow-ups", operation_id = "follow_up_match", tag = "matching", request_body = FollowUpInput,
    responses((status = 200, body = MatchRecord), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_follow_up(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<FollowUpInput>) -> AppResult<Json<MatchRecord>> {
    let id = MatchId::new(id);
    Ok(Json(answers::follow_up(state.context(), &me.caller(), id, &input).await?))
}

/// The open demands a result fits, best first, with every score component.
#[utoipa::path(get, path = "/api/v1/results/{id}/demands", operation_id = "result_demands", tag = "matching", params(ProposalQuery),
    responses((status = 200, body = Vec<Proposal>), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_result_demands(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, QueryParams(q): QueryParams<ProposalQuery>) -> AppResult<Json<Vec<Proposal>>> {
    let id = ResultId::new(id);
    let limit = q.limit()?;
    state.fresh_search().await?;
    Ok(Json(propose::for_result(state.context(), state.search(), &me.caller(), id, limit).await?))
}

/// A year of the 转化培育清单 holding a result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CultivationYear {
    /// The list's year.
    pub year: i64,
    /// Why it was listed.
    pub reason: String,
}

/// A result listed: the year and how full that year's list now is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Cultivated {
    /// The list's year.
    pub year: i64,
    /// Results the year's list holds.
    pub listed: i64,
    /// Results a year's list is to hold (002 三(二)).
    pub target: i64,
}

/// The years of the 转化培育清单 holding a result (whoever may see the result).
#[utoipa::path(get, path = "/api/v1/results/{id}/cultivation", operation_id = "result_cultivation", tag = "matching",
    responses((status = 200, body = Vec<CultivationYear>), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_cultivation(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<CultivationYear>>> {
    let years = pocnet_app::matching::cultivation::years(state.context(), &me.caller(), ResultId::new(id)).await?;
    Ok(Json(years.into_iter().map(|(year, reason)| CultivationYear { year, reason }).collect()))
}

/// Lists a result of the library into a year's 转化培育清单 with a reason (bureau); the list
/// itself is `GET /api/v1/results?cultivation_year=YYYY`.
#[utoipa::path(post, path = "/api/v1/results/{id}/cultivation", operation_id = "cultivate_result", tag = "matching", request_body = pocnet_app::matching::cultivation::CultivationInput,
    responses((status = 200, body = Cultivated), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_cultivate(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<pocnet_app::matching::cultivation::CultivationInput>) -> AppResult<Json<Cultivated>> {
    let year = pocnet_app::matching::cultivation::add(state.context(), &me.caller(), ResultId::new(id), &input).await?;
    let (listed, target) = pocnet_app::matching::cultivation::progress(state.context(), year).await?;
    Ok(Json(Cultivated { year, listed, target }))
}

/// Takes a result off a year's 转化培育清单 with a reason (bureau).
#[utoipa::path(delete, path = "/api/v1/results/{id}/cultivation", operation_id = "uncultivate_result", tag = "matching", request_body = pocnet_app::matching::cultivation::CultivationInput,
    responses((status = 204, description = "已移出"), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_uncultivate(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<pocnet_app::matching::cultivation::CultivationInput>) -> AppResult<StatusCode> {
    pocnet_app::matching::cultivation::remove(state.context(), &me.caller(), ResultId::new(id), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
