//! JSON API of the annual evaluation.

use super::*;
use crate::extract::{ApiJson, ListParams, Path, QueryParams};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pocnet_app::evaluation::reports as report_workflow;
use pocnet_app::evaluation::PublishedResult;
use pocnet_domain::evaluation::EvaluationState;
use pocnet_domain::id::{ActionId, AnnualReportId};
use pocnet_store::evaluations::reports::AnnualReport;
use pocnet_store::evaluations::EvaluationOrder;
use pocnet_store::Paged;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_rounds, api_open_round))
        .routes(routes!(api_round))
        .routes(routes!(api_round_evaluations))
        .routes(routes!(api_round_results))
        .routes(routes!(api_rankings))
        .routes(routes!(api_round_actions))
        .routes(routes!(api_publish))
        .routes(routes!(api_evaluation))
        .routes(routes!(api_decide))
        .routes(routes!(api_assign))
        .routes(routes!(api_declare))
        .routes(routes!(api_score))
        .routes(routes!(api_decide_action))
        .routes(routes!(api_report, api_save_report))
        .routes(routes!(api_submit_report))
        .routes(routes!(api_review_corrections))
}

/// Every evaluation round, newest year first (bureau, county, center staff).
#[utoipa::path(get, path = "/api/v1/evaluation-rounds", operation_id = "list_evaluation_rounds", tag = "evaluation", responses((status = 200, body = Vec<Round>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_rounds(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Vec<Round>>> {
    me.require(&[Role::Bureau, Role::County, Role::Center])?;
    Ok(Json(store::rounds(state.store().pool()).await?))
}

/// Opens a round for a profile and a year (bureau): the plan is frozen; every center the profile
/// governs gets a draft annual report with its figures computed from the records and a pending evaluation.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds", operation_id = "open_evaluation_round", tag = "evaluation", request_body = RoundInput,
    responses((status = 201, body = Round), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_open_round(State(state): State<AppState>, me: CurrentUser, ApiJson(input): ApiJson<RoundInput>) -> AppResult<Response> {
    let r = workflow::open_round(state.context(), &me.caller(), &input).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// A round with its frozen plan: indicators and weights, bands, the consequences.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}", operation_id = "get_evaluation_round", tag = "evaluation", responses((status = 200, body = RoundDetail), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_round(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<RoundDetail>> {
    let r = workflow::round(state.context(), &me.caller(), RoundId::new(id)).await?;
    Ok(Json(round_detail(&state, r).await?))
}

/// Filters of a round's list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
    /// `pending`, `refused` or `graded`.
    pub state: Option<String>,
    /// `center` (default) or `total` (highest first).
    pub order: Option<String>,
}

impl EvaluationQuery {
    /// The state filter and order, checked.
    pub fn parse(&self) -> AppResult<(Option<EvaluationState>, EvaluationOrder)> {
        let state = match crate::extract::non_empty(&self.state) {
            None => None,
            Some(s) => Some(EvaluationState::parse(s).map_err(|_| pocnet_domain::FieldError::unknown_value("state", "评价状态"))?),
        };
        let order = match crate::extract::non_empty(&self.order) {
            None | Some("center") => EvaluationOrder::Center,
            Some("total") => EvaluationOrder::Total,
            Some(_) => return Err(pocnet_domain::FieldError::unknown_value("order", "排序").into()),
        };
        Ok((state, order))
    }
}

/// A page of a round's evaluations in the caller's scope: all (bureau), the region's (county), its own (center).
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/evaluations", operation_id = "list_round_evaluations", tag = "evaluation", params(ListParams, EvaluationQuery),
    responses((status = 200, body = Paged<CenterEvaluation>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_round_evaluations(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<EvaluationQuery>,
) -> AppResult<Json<Paged<CenterEvaluation>>> {
    let (st, order) = q.parse()?;
    Ok(Json(workflow::list(state.context(), &me.caller(), RoundId::new(id), st, order, p.page()).await?))
}

/// A published round's results, highest total first (public: names, totals and grades only).
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/results", operation_id = "list_published_results", tag = "evaluation", params(ListParams),
    responses((status = 200, body = Paged<PublishedResult>), (status = 404, body = crate::error::ErrorEnvelope)))]
pub async fn api_round_results(State(state): State<AppState>, Path(id): Path<i64>, QueryParams(p): QueryParams<ListParams>) -> AppResult<Json<Paged<PublishedResult>>> {
    Ok(Json(workflow::published(state.context(), RoundId::new(id), p.page()).await?.1))
}

/// A round's dynamic-management actions, undecided first (bureau).
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/actions", operation_id = "list_round_actions", tag = "evaluation", responses((status = 200, body = Vec<Action>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_round_actions(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<Action>>> {
    Ok(Json(round_actions(&state, &me, RoundId::new(id)).await?))
}

/// The version of a record as read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VersionInput {
    /// The version as read.
    pub version: i64,
}

/// Publishes a round (bureau) once every evaluation is graded or refused.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/publication", operation_id = "publish_evaluation_round", tag = "evaluation", request_body = VersionInput,
    responses((status = 200, body = Round), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_publish(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<VersionInput>) -> AppResult<Json<Round>> {
    Ok(Json(workflow::publish(state.context(), &me.caller(), RoundId::new(id), input.version).await?))
}

/// One center's evaluation: the scorecard with every component, the actions, the panel (bureau).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", operation_id = "get_evaluation", tag = "evaluation", responses((status = 200, body = EvaluationDetail), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_evaluation(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<EvaluationDetail>> {
    Ok(Json(evaluation_detail(&state, &me, EvaluationId::new(id)).await?))
}

/// Sets the grade or records a refusal (bureau); pocnet then proposes the actions the profile prescribes.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/decision", operation_id = "decide_evaluation", tag = "evaluation", request_body = DecisionInput,
    responses((status = 200, body = CenterEvaluation), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_decide(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DecisionInput>) -> AppResult<Json<CenterEvaluation>> {
    Ok(Json(workflow::decide(state.context(), &me.caller(), EvaluationId::new(id), &input).await?))
}

/// An expert to invite to an evaluation panel.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = EvaluationAssignInput)]
pub struct AssignInput {
    /// Library expert id.
    pub expert_id: i64,
    /// The expert (recused or declined) whose seat this one takes, if any.
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    pub replaces: Option<i64>,
}

/// Invites an expert to a center's evaluation panel (bureau), after the conflict checks (host unit, advisory team, blacklist, availability).
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/panel", operation_id = "assign_evaluation_panel", tag = "evaluation", request_body = AssignInput,
    responses((status = 204), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_assign(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<AssignInput>) -> AppResult<StatusCode> {
    let replaces = input.replaces.map(pocnet_domain::id::ExpertId::new);
    pocnet_app::panels::invite(state.context(), &me.caller(), Subject::Evaluation(EvaluationId::new(id)), pocnet_domain::id::ExpertId::new(input.expert_id), replaces).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calling expert declares no conflict with the confidentiality pledge, recuses or declines.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/declaration", operation_id = "declare_on_evaluation", tag = "evaluation", request_body = pocnet_app::panels::DeclarationInput,
    responses((status = 204), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_declare(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<pocnet_app::panels::DeclarationInput>) -> AppResult<StatusCode> {
    pocnet_app::panels::declare(state.context(), &me.caller(), Subject::Evaluation(EvaluationId::new(id)), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records the calling expert's scores on the round's experts dimensions; the scorecard is computed again.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/scores", operation_id = "score_evaluation", tag = "evaluation", request_body = pocnet_app::panels::ScoreInput,
    responses((status = 200, body = Option<pocnet_domain::review::Aggregate>), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_score(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<pocnet_app::panels::ScoreInput>) -> AppResult<Json<Option<pocnet_domain::review::Aggregate>>> {
    Ok(Json(pocnet_app::panels::score(state.context(), &me.caller(), Subject::Evaluation(EvaluationId::new(id)), &input).await?))
}

/// Confirms or dismisses a proposed action (bureau); a confirmed revocation revokes the center.
#[utoipa::path(post, path = "/api/v1/management-actions/{id}/decision", operation_id = "decide_management_action", tag = "evaluation", request_body = ActionInput,
    responses((status = 200, body = Action), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_decide_action(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ActionInput>) -> AppResult<Json<Action>> {
    Ok(Json(workflow::decide_action(state.context(), &me.caller(), ActionId::new(id), &input).await?))
}

/// An annual report with its figures and corrections.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportDetail {
    /// The report.
    pub report: AnnualReport,
    /// Figures computed from the records, by metric code.
    #[schema(value_type = Object)]
    pub figures: pocnet_domain::evaluation::YearFigures,
    /// Corrections with reasons.
    pub corrections: Vec<pocnet_domain::evaluation::Correction>,
    /// The round.
    pub round: Round,
}

/// Reads an annual report: its center's operators, the bureau, the county of its region.
#[utoipa::path(get, path = "/api/v1/annual-reports/{id}", operation_id = "get_annual_report", tag = "evaluation", responses((status = 200, body = ReportDetail), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_report(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<ReportDetail>> {
    let r = report_workflow::get(state.context(), &me.caller(), AnnualReportId::new(id)).await?;
    let round = store::get(state.store().pool(), r.round_id).await?;
    Ok(Json(ReportDetail { figures: r.figures(), corrections: r.corrections(), report: r, round }))
}

/// Saves a draft annual report (its center's operators, with `version`): narrative sections and corrections with reasons.
#[utoipa::path(put, path = "/api/v1/annual-reports/{id}", operation_id = "save_annual_report", tag = "evaluation", request_body = ReportInput,
    responses((status = 200, body = AnnualReport), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_save_report(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<ReportInput>) -> AppResult<Json<AnnualReport>> {
    Ok(Json(report_workflow::save(state.context(), &me.caller(), AnnualReportId::new(id), &input).await?))
}

/// Submits an annual report (its center's operators); flagged late after the round's due day.
#[utoipa::path(post, path = "/api/v1/annual-reports/{id}/submission", operation_id = "submit_annual_report", tag = "evaluation", request_body = VersionInput,
    responses((status = 200, body = AnnualReport), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_submit_report(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<VersionInput>) -> AppResult<Json<AnnualReport>> {
    Ok(Json(report_workflow::submit(state.context(), &me.caller(), AnnualReportId::new(id), input.version).await?))
}

/// What a ranking orders.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// `centers` (default) or `hosts` (host institutions, by the mean of their centers).
    pub of: Option<String>,
    /// `total` (default) or an indicator code of the round's plan.
    pub by: Option<String>,
    /// Only hosts of this kind (`university`, `research_institute`, `hospital`, `enterprise`, `incubator` …).
    pub host_kind: Option<String>,
}

impl RankingQuery {
    /// The query, checked.
    pub fn parse(&self) -> AppResult<(workflow::RankOf, String, Option<pocnet_domain::org::OrgKind>)> {
        let of = match crate::extract::non_empty(&self.of) {
            None | Some("centers") => workflow::RankOf::Centers,
            Some("hosts") => workflow::RankOf::Hosts,
            Some(_) => return Err(pocnet_domain::FieldError::unknown_value("of", "排名对象").into()),
        };
        let kind = match crate::extract::non_empty(&self.host_kind) {
            None => None,
            Some(k) => Some(pocnet_domain::org::OrgKind::parse(k).map_err(|_| pocnet_domain::FieldError::unknown_value("host_kind", "依托单位类型"))?),
        };
        Ok((of, crate::extract::non_empty(&self.by).unwrap_or("total").to_owned(), kind))
    }
}

/// A published round's ranking (排行榜, public): centers or host institutions, by the total or one
/// indicator, with the weighting and, for centers by total, how the order moves under equal weights.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/rankings", operation_id = "get_rankings", tag = "evaluation", params(RankingQuery),
    responses((status = 200, body = pocnet_app::evaluation::Ranking), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_rankings(State(state): State<AppState>, Path(id): Path<i64>, QueryParams(q): QueryParams<RankingQuery>) -> AppResult<Json<pocnet_app::evaluation::Ranking>> {
    let (of, by, kind) = q.parse()?;
    Ok(Json(workflow::ranking(state.context(), RoundId::new(id), of, &by, kind).await?.as_ref().clone()))
}

/// Accepts or refuses the corrections of a filed report (bureau, while its evaluation is pending); the scorecard follows.
#[utoipa::path(post, path = "/api/v1/annual-reports/{id}/corrections", operation_id = "review_annual_report_corrections", tag = "evaluation",
    request_body = report_workflow::CorrectionReview,
    responses((status = 200, body = AnnualReport), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_review_corrections(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<report_workflow::CorrectionReview>) -> AppResult<Json<AnnualReport>> {
    Ok(Json(report_workflow::review_corrections(state.context(), &me.caller(), AnnualReportId::new(id), &input).await?))
}
