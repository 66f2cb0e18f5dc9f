//! Lifecycle and supervision (动态管理): major-change reports with their
//! three-month deadline and the bureau's decision (000 五), revocation with its
//! two-year bar (000 六), termination on deregistration of the host, changes of
//! stage or level, and pilot platforms' re-evaluation every two years (001 中试 五).

use crate::registry::{self, Access};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::id::{CenterId, ChangeReportId};
use pocnet_domain::policy::Profile;
use pocnet_domain::role::Role;
use pocnet_domain::supervision::{self as rules, CenterStatus, ChangeDecision, ChangeKind, ReevaluationResult};
use pocnet_domain::validation::{self, text, DayRange};
use pocnet_domain::FieldError;
use pocnet_store::centers::Center;
use pocnet_store::supervision::{self, ChangeReport};
use serde::Deserialize;

/// The profile whose rules govern a center: the one it was recognized under,
/// else the first loaded profile of its kind.
fn governing<'a>(ctx: &'a Context, c: &Center) -> Result<&'a Profile> {
    registry::default_profile(ctx, c).ok_or_else(|| Error::rule("no_profile", "没有适用于该中心的政策配置"))
}

/// A major-change report, as filed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ChangeInput {
    /// `split`, `merger`, `restructuring`, `business_change` or `deregistration`.
    pub kind: String,
    /// Day of the change (YYYY-MM-DD).
    pub change_date: String,
    /// What changed.
    pub description: String,
}

/// Files a change report (the host unit's operator, or the bureau). A
/// deregistration of the host ends recognition at once where the profile says so.
pub async fn file_change(ctx: &Context, caller: &Caller, center_id: CenterId, input: &ChangeInput) -> Result<ChangeReport> {
    let (c, _) = registry::load(ctx, Some(caller), center_id, Access::Manage).await?;
    let kind = ChangeKind::parse(&input.kind).map_err(|_| FieldError::unknown_value("kind", "变化类型"))?;
    let day = validation::day("change_date", "变化日期", &input.change_date, DayRange::records(ctx.today()))?;
    let today = ctx.today();
    if day > today {
        return Err(FieldError::new("change_date", "in_the_future", "变化日期不能晚于今天").into());
    }
    let description = text("description", "变化情况说明", &input.description, 4, 4000)?;
    let profile = governing(ctx, &c)?;
    let due = profile.changes.report_within_months.map(|m| rules::report_due(day, m));
    let overdue = due.is_some_and(|d| rules::report_overdue(d, Some(today), today));
    let mut tx = ctx.store().write().await?;
    let report = supervision::file_change(
        &mut tx,
        &caller.actor(),
        ctx.now(),
        center_id,
        kind,
        day,
        due,
        today,
        overdue,
        &description,
    )
    .await?;
    if kind == ChangeKind::Deregistration && profile.changes.deregistration_ends_recognition && c.status == CenterStatus::Active {
        let reason = format!("依托单位注销法人登记（{day}），认定资格自动终止");
        supervision::set_status(&mut tx, &caller.actor(), ctx.now(), center_id, CenterStatus::Terminated, "terminate", &reason, &profile.changes.article).await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// The bureau's decision on a change report, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ChangeDecisionInput)]
pub struct DecisionInput {
    /// `keep` (仍符合条件) or `revoke` (不再符合条件).
    pub decision: String,
    /// Why, after re-checking the criteria.
    pub reason: String,
    /// The report's version as read.
    pub version: i64,
}

/// Decides a change report (bureau); `revoke` takes the title from the year of the change.
pub async fn decide_change(ctx: &Context, caller: &Caller, report_id: ChangeReportId, input: &DecisionInput) -> Result<ChangeReport> {
    caller.require(&[Role::Bureau])?;
    let decision = ChangeDecision::parse(&input.decision).map_err(|_| FieldError::unknown_value("decision", "审核结论"))?;
    let reason = text("reason", "审核意见", &input.reason, 2, 4000)?;
    let report = supervision::change(ctx.store().pool(), report_id).await?;
    let (c, _) = registry::load(ctx, Some(caller), report.center_id, Access::Manage).await?;
    let profile = governing(ctx, &c)?;
    let mut tx = ctx.store().write().await?;
    let r = supervision::decide_change(&mut tx, &caller.actor(), ctx.now(), report_id, input.version, decision, &reason).await?;
    if decision == ChangeDecision::Revoke && c.status == CenterStatus::Active {
        // 000 指引 五 "自条件变化年度起取消其认定资格": from the first day of the change's year.
        let from = rules::title_ends_from_change(report.change_date);
        let why = format!("重大变化后不再符合认定条件，自{}年度起取消（{from}起）：{reason}", from.format("%Y"));
        supervision::set_status(&mut tx, &caller.actor(), ctx.now(), c.id, CenterStatus::Revoked, "revoke", &why, &profile.changes.article).await?;
        supervision::set_status_from(&mut tx, c.id, from).await?;
    }
    tx.commit().await?;
    Ok(r)
}

/// A revocation, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RevokeInput {
    /// Reason code from the profile's revocation list (e.g. `fraud`).
    pub reason_code: String,
    /// Facts of the case.
    pub details: String,
}

/// Revokes a center for a reason of its profile; the host unit is barred for the years the reason sets.
pub async fn revoke(ctx: &Context, caller: &Caller, center_id: CenterId, input: &RevokeInput) -> Result<Center> {
    caller.require(&[Role::Bureau])?;
    let (c, _) = registry::load(ctx, Some(caller), center_id, Access::Manage).await?;
    if c.status != CenterStatus::Active {
        return Err(Error::Conflict { code: "not_active", message: "该中心已撤销或终止".into(), field: None });
    }
    if !rules::revocable(c.stage, true) {
        return Err(Error::rule("not_revocable", format!("“{}”尚未列入创建名单或认定（{}），没有可撤销的资格", c.name, c.stage.label_zh())));
    }
    let profile = governing(ctx, &c)?;
    let reason = profile
        .revocations
        .iter()
        .find(|r| r.code == input.reason_code)
        .ok_or_else(|| FieldError::unknown_value("reason_code", "撤销事由"))?;
    let details = text("details", "事实与依据", &input.details, 4, 4000)?;
    let today = ctx.today();
    let from = rules::may_apply_again_from(today, reason.bar_years);
    let mut tx = ctx.store().write().await?;
    let c = supervision::revoke(
        &mut tx,
        &caller.actor(),
        ctx.now(),
        center_id,
        &reason.code,
        &reason.label,
        &reason.article,
        &details,
        today,
        from,
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// A re-evaluation, as recorded.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReevaluationInput {
    /// Day (YYYY-MM-DD).
    pub evaluated_on: String,
    /// `pass` or `fail`.
    pub result: String,
    /// Comments.
    pub comments: String,
}

/// Records a pilot platform's re-evaluation (bureau); a pass moves the due date on by the profile's cycle.
pub async fn reevaluate(ctx: &Context, caller: &Caller, center_id: CenterId, input: &ReevaluationInput) -> Result<Center> {
    caller.require(&[Role::Bureau])?;
    let (c, _) = registry::load(ctx, Some(caller), center_id, Access::Manage).await?;
    if c.kind != CenterKind::PilotPlatform || !c.counts_as_recognized() {
        return Err(Error::rule("not_a_recognized_pilot_platform", "只有已认定的中试平台需要复评"));
    }
    let profile = governing(ctx, &c)?;
    let cycle = profile.reevaluation.as_ref().ok_or_else(|| Error::rule("no_reevaluation_rule", "政策配置未规定复评周期"))?;
    let day = validation::day("evaluated_on", "复评日期", &input.evaluated_on, DayRange::records(ctx.today()))?;
    if day > ctx.today() {
        return Err(FieldError::new("evaluated_on", "in_the_future", "复评日期不能晚于今天").into());
    }
    let result = ReevaluationResult::parse(&input.result).map_err(|_| FieldError::unknown_value("result", "复评结论"))?;
    let comments = text("comments", "复评意见", &input.comments, 2, 4000)?;
    let next = (result == ReevaluationResult::Pass).then(|| rules::reevaluation_due(day, cycle.every_years));
    let mut tx = ctx.store().write().await?;
    let mut c = supervision::record_reevaluation(&mut tx, &caller.actor(), ctx.now(), center_id, day, result, &comments, next, &cycle.article).await?;
    if result == ReevaluationResult::Fail {
        c = supervision::set_status(&mut tx, &caller.actor(), ctx.now(), center_id, CenterStatus::Revoked, "revoke", &format!("复评不通过：{comments}"), &cycle.article).await?;
    }
    tx.commit().await?;
    Ok(c)
}

/// A change of stage or level, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegradeInput {
    /// `creating`, `recognized` or `key_cultivation`.
    pub stage: String,
    /// `municipal`, `provincial` or `national`.
    pub level: String,
    /// Why.
    pub reason: String,
    /// The article it rests on.
    pub article: String,
    /// The center's version as read.
    pub version: i64,
}

/// Changes a center's stage or level (bureau), e.g. to key cultivation (重点培育).
pub async fn regrade(ctx: &Context, caller: &Caller, center_id: CenterId, input: &RegradeInput) -> Result<Center> {
    caller.require(&[Role::Bureau])?;
    let (c, _) = registry::load(ctx, Some(caller), center_id, Access::Manage).await?;
    let stage = CenterStage::parse(&input.stage).map_err(|_| FieldError::unknown_value("stage", "阶段"))?;
    // A stage is a record of the procedure: no recognition, no 已认定 or 重点培育 by a regrade.
    if !pocnet_domain::center::regrade_allowed(stage, c.recognized_on.is_some()) {
        return Err(FieldError::new("stage", "not_recognized", format!("“{}”尚未经认定，不能调整为“{}”", c.name, stage.label_zh())).into());
    }
    let level = CenterLevel::parse(&input.level).map_err(|_| FieldError::unknown_value("level", "级别"))?;
    let reason = text("reason", "理由", &input.reason, 2, 2000)?;
    let article = text("article", "依据条款", &input.article, 1, 200)?;
    let mut tx = ctx.store().write().await?;
    let c = supervision::set_stage_level(&mut tx, &caller.actor(), ctx.now(), center_id, input.version, stage, level, &reason, &article).await?;
    tx.commit().await?;
    Ok(c)
}
