//! Annual reports (年度运行报告, 003 六(二)): a center's operators write the
//! narrative sections and correct computed figures with reasons, then submit
//! — late if after the round's due day; the bureau and the county of the
//! region read them; the bureau may refuse a correction at review.

use crate::registry::{self, Access};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::evaluation::cycle::{self, SECTIONS};
use pocnet_domain::evaluation::{Correction, Metric, ReportState, RoundState};
use pocnet_domain::id::AnnualReportId;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::evaluations::{self as store, figures, reports::{self, AnnualReport, ReportText}};
use serde::Deserialize;

/// Reads a report: its center's operators, the bureau, the county of its region.
pub async fn get(ctx: &Context, caller: &Caller, id: AnnualReportId) -> Result<AnnualReport> {
    caller.require(&[Role::Bureau, Role::County, Role::Center])?;
    let r = reports::get(ctx.store().pool(), id).await?;
    registry::load(ctx, Some(caller), r.center_id, Access::Read).await?;
    Ok(r)
}

/// A correction as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AnnualReportCorrection)]
pub struct CorrectionInput {
    /// Metric code.
    pub metric: String,
    /// The value the center reports.
    pub value: i64,
    /// Why the records are incomplete or wrong.
    pub reason: String,
}

/// A report's text as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AnnualReportInput)]
pub struct ReportInput {
    /// 服务能力.
    #[serde(default)]
    pub capability: String,
    /// 服务成效.
    #[serde(default)]
    pub effectiveness: String,
    /// 可持续发展能力.
    #[serde(default)]
    pub sustainability: String,
    /// 社会效益.
    #[serde(default)]
    pub social_benefit: String,
    /// 下一年度工作计划.
    #[serde(default)]
    pub next_year_plan: String,
    /// Corrections of computed figures.
    #[serde(default)]
    pub corrections: Vec<CorrectionInput>,
    /// The report's version as read.
    pub version: i64,
}

fn corrections(input: &[CorrectionInput]) -> Result<Vec<Correction>> {
    let mut out: Vec<Correction> = Vec::new();
    for (k, c) in input.iter().enumerate() {
        let metric = Metric::parse(c.metric.trim()).map_err(|_| FieldError::unknown_value(&format!("corrections[{k}].metric"), "数据项"))?;
        if c.value < 0 {
            return Err(FieldError::new(format!("corrections[{k}].value"), "negative", "更正值不能为负数").into());
        }
        if out.iter().any(|o| o.metric == metric) {
            return Err(FieldError::new(format!("corrections[{k}].metric"), "duplicate", format!("“{}”已更正过一次", metric.label_zh())).into());
        }
        let reason = text(&format!("corrections[{k}].reason"), "更正理由", &c.reason, 4, 500)?;
        out.push(Correction { metric, value: c.value, reason, accepted: true });
    }
    Ok(out)
}

/// The report of a caller's own center, for writing: the center's operators, a draft of an open round.
async fn own_draft(ctx: &Context, caller: &Caller, id: AnnualReportId) -> Result<(AnnualReport, store::Round)> {
    caller.require(&[Role::Center])?;
    let r = reports::get(ctx.store().pool(), id).await?;
    registry::load(ctx, Some(caller), r.center_id, Access::Manage).await?;
    let round = store::get(ctx.store().pool(), r.round_id).await?;
    if round.state != RoundState::Open {
        return Err(Error::rule("round_closed", format!("{}年度评价已发布，报告不能再修改", round.year)));
    }
    if r.state != ReportState::Draft {
        return Err(Error::Conflict { code: "already_submitted", message: "报告已报送，不能再修改".into(), field: None });
    }
    Ok((r, round))
}

/// Saves a draft (the center's operators); the figures are computed again from the records.
pub async fn save(ctx: &Context, caller: &Caller, id: AnnualReportId, input: &ReportInput) -> Result<AnnualReport> {
    let (r, round) = own_draft(ctx, caller, id).await?;
    let fixes = corrections(&input.corrections)?;
    let t = |code: &str, label: &str, v: &str| text(code, label, v, 0, 8000);
    let (capability, effectiveness, sustainability, social_benefit, next_year_plan) = (
        t(SECTIONS[0].0, SECTIONS[0].1, &input.capability)?,
        t(SECTIONS[1].0, SECTIONS[1].1, &input.effectiveness)?,
        t(SECTIONS[2].0, SECTIONS[2].1, &input.sustainability)?,
        t(SECTIONS[3].0, SECTIONS[3].1, &input.social_benefit)?,
        t(SECTIONS[4].0, SECTIONS[4].1, &input.next_year_plan)?,
    );
    let window = pocnet_domain::evaluation::Window { from: round.window_from, to: round.window_to };
    let figures = figures::of_window(ctx.store().pool(), window, Some(r.center_id)).await?.remove(&r.center_id).unwrap_or_default();
    let text = ReportText {
        capability: &capability,
        effectiveness: &effectiveness,
        sustainability: &sustainability,
        social_benefit: &social_benefit,
        next_year_plan: &next_year_plan,
        corrections: &fixes,
    };
    let mut tx = ctx.store().write().await?;
    let saved = reports::save(&mut tx, &caller.actor(), ctx.now(), id, input.version, &text, &figures).await?;
    tx.commit().await?;
    // The figures and corrections changed: the evaluation's scorecard follows.
    let e = store::evaluation_of(ctx.store().pool(), r.round_id, r.center_id).await?;
    super::refresh(ctx, e.id).await?;
    Ok(saved)
}

/// Submits a draft (the center's operators): every section written; late after the due day.
pub async fn submit(ctx: &Context, caller: &Caller, id: AnnualReportId, version: i64) -> Result<AnnualReport> {
    let (r, round) = own_draft(ctx, caller, id).await?;
    let sections = [&r.capability, &r.effectiveness, &r.sustainability, &r.social_benefit, &r.next_year_plan];
    let missing: Vec<FieldError> = SECTIONS
        .iter()
        .zip(sections)
        .filter(|(_, v)| v.trim().chars().count() < 10)
        .map(|((code, label), _)| FieldError::new(*code, "too_short", format!("“{label}”至少填写10个字后方可报送")))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Invalid(missing));
    }
    let today = ctx.today();
    let late = cycle::late(round.report_due, Some(today), today);
    let mut tx = ctx.store().write().await?;
    let done = reports::submit(&mut tx, &caller.actor(), ctx.now(), id, version, today, late).await?;
    tx.commit().await?;
    Ok(done)
}

/// The bureau's review of a report's corrections, as sent: the metrics whose
/// correction it does not accept (the computed figure then counts), and why.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CorrectionReviewInput)]
pub struct CorrectionReview {
    /// Metric codes of the corrections not accepted (the others are accepted).
    #[serde(default)]
    pub refused: Vec<String>,
    /// Why.
    pub reason: String,
}

/// Accepts or refuses each correction of a filed report (bureau, while its
/// evaluation is pending); the evaluation's scorecard follows.
pub async fn review_corrections(ctx: &Context, caller: &Caller, id: AnnualReportId, input: &CorrectionReview) -> Result<AnnualReport> {
    caller.require(&[Role::Bureau])?;
    let r = reports::get(ctx.store().pool(), id).await?;
    if r.state != ReportState::Submitted {
        return Err(Error::rule("report_not_submitted", "报告尚未报送，不能审核更正"));
    }
    let e = store::evaluation_of(ctx.store().pool(), r.round_id, r.center_id).await?;
    if e.state != pocnet_domain::evaluation::EvaluationState::Pending {
        return Err(Error::Conflict { code: "already_decided", message: format!("该中心的评价已{}，不能再审核更正", e.state.label_zh()), field: None });
    }
    let mut fixes = r.corrections();
    for code in &input.refused {
        if !fixes.iter().any(|c| c.metric.as_str() == code) {
            return Err(FieldError::unknown_value("refused", "更正项").into());
        }
    }
    let reason = text("reason", "审核意见", &input.reason, 2, 1000)?;
    for c in &mut fixes {
        c.accepted = !input.refused.iter().any(|code| code == c.metric.as_str());
    }
    let mut tx = ctx.store().write().await?;
    let after = reports::set_corrections(&mut tx, &caller.actor(), ctx.now(), id, &fixes, &reason).await?;
    tx.commit().await?;
    super::refresh(ctx, e.id).await?;
    Ok(after)
}
