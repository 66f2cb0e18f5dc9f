//! The annual evaluation on the web (年度运行报告、年度绩效评价、动态管理):
//! pages in [`html`], JSON in [`api`]; the workflows are `pocnet_app::evaluation`.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::AppState;
use pocnet_app::evaluation as workflow;
use pocnet_domain::evaluation::{ActionKind, IndicatorSource, Scorecard};
use pocnet_domain::id::{EvaluationId, RoundId};
use pocnet_domain::role::Role;
use pocnet_store::evaluations::{self as store, actions::Action, CenterEvaluation, Round};
use pocnet_store::panels::{self, Seat, Subject};
use serde::Serialize;

pub use pocnet_app::evaluation::reports::{CorrectionInput, ReportInput};
pub use pocnet_app::evaluation::{ActionInput, DecisionInput, RoundInput};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// One indicator of a round's plan, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
    /// Weight, percent.
    pub weight: u32,
    /// `records` or `experts`.
    pub source: IndicatorSource,
    /// Source, in Chinese.
    pub source_label: &'static str,
    /// The figure read (records).
    pub metric: Option<String>,
    /// The figure that earns full marks (records).
    pub full_marks_at: Option<i64>,
    /// Article.
    pub article: String,
    /// How it is read.
    pub reading: String,
}

/// A grade band as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BandView {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
    /// Lowest total in the band (included).
    pub min: Option<i64>,
    /// Totals below this are in the band.
    pub below: Option<i64>,
}

/// A round with its frozen plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundDetail {
    /// The round.
    pub round: Round,
    /// The profile's title.
    pub profile_title: String,
    /// Indicators with weights.
    pub indicators: Vec<IndicatorView>,
    /// Grade bands.
    pub bands: Vec<BandView>,
    /// Whose the weights are, how they were set.
    pub weights_reading: String,
    /// The consequences the profile attaches, in Chinese.
    pub rules: Vec<String>,
}

/// A round with its plan, for anyone who may read it.
pub async fn round_detail(state: &AppState, round: Round) -> AppResult<RoundDetail> {
    let plan = round.plan()?;
    Ok(round_detail_with(state, round, &plan))
}

/// [`round_detail`] with the round's plan already parsed.
pub fn round_detail_with(state: &AppState, round: Round, plan: &pocnet_domain::policy::profile::Evaluation) -> RoundDetail {
    let profile_title = state.context().profile(&round.profile_id).map_or_else(|| round.profile_id.clone(), |p| p.title.clone());
    let mut rules = Vec::new();
    if plan.revoke_if_refused {
        rules.push(format!("无正当理由不参加年度绩效评价的，取消资格（{}）", plan.article));
    }
    if plan.revoke_after_consecutive_unqualified > 0 {
        rules.push(format!("连续{}年不合格的，取消资格（{}）", plan.revoke_after_consecutive_unqualified, plan.article));
    }
    if plan.rectification_years > 0 {
        rules.push(format!("不合格的给予{}年整改（{}）", plan.rectification_years, plan.article));
    }
    if let Some(r) = &plan.reward {
        rules.push(format!("评为{}的奖励{}，{}年内最多一次（{}）", plan.grade(&r.grade).map_or(r.grade.as_str(), |g| g.label.as_str()), pocnet_domain::money::Yuan::new(r.amount_yuan), r.at_most_once_in_years, r.article));
    }
    if let Some(s) = &plan.support {
        let grades: Vec<&str> = s.grades.iter().map(|g| plan.grade(g).map_or(g.as_str(), |x| x.label.as_str())).collect();
        rules.push(format!("{}的给予支持{}（{}）", grades.join("、"), s.cap_yuan.map(|c| format!("，每年不超过{}", pocnet_domain::money::Yuan::new(c))).unwrap_or_default(), s.article));
    }
    RoundDetail {
        profile_title,
        indicators: plan
            .indicators
            .iter()
            .map(|i| IndicatorView {
                code: i.code.clone(),
                label: i.label.clone(),
                weight: i.weight,
                source: i.source,
                source_label: i.source.label_zh(),
                metric: i.metric.map(|m| m.label_zh().to_owned()),
                full_marks_at: i.full_marks_at,
                article: i.article.clone(),
                reading: i.reading.clone(),
            })
            .collect(),
        bands: plan.grades.iter().map(|g| BandView { code: g.code.clone(), label: g.label.clone(), min: g.min, below: g.below }).collect(),
        weights_reading: plan.weights_reading.clone(),
        rules,
        round,
    }
}

/// One center's evaluation with what its readers may see.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationDetail {
    /// The evaluation.
    pub evaluation: CenterEvaluation,
    /// Its scorecard: every component (absent before the first computation).
    pub scorecard: Option<Scorecard>,
    /// The proposed and decided actions.
    pub actions: Vec<Action>,
    /// The panel (the bureau only).
    pub seats: Vec<Seat>,
}

/// An evaluation as its reader may see it.
pub async fn evaluation_detail(state: &AppState, me: &CurrentUser, id: EvaluationId) -> AppResult<EvaluationDetail> {
    let e = workflow::evaluation(state.context(), &me.caller(), id).await?;
    let actions = store::actions::of_evaluation(state.store().pool(), id).await?;
    let seats = if me.user.role == Role::Bureau { panels::seats(state.store().pool(), Subject::Evaluation(id)).await? } else { Vec::new() };
    Ok(EvaluationDetail { scorecard: e.scorecard(), evaluation: e, actions, seats })
}

/// A round's actions (the bureau).
pub async fn round_actions(state: &AppState, me: &CurrentUser, id: RoundId) -> AppResult<Vec<Action>> {
    me.require(&[Role::Bureau])?;
    Ok(store::actions::of_round(state.store().pool(), id).await?)
}

/// Whether an action's confirmation changes the center's standing (shown beside its button).
pub fn weighty(kind: ActionKind) -> bool {
    kind.changes_status()
}
