//! The platform's yearly double assessment of a project manager (“技术价值+商业价值”双重考核, 004
//! 三(五)) and the manager's record: the year's portfolio facts, the suggested scores, the grade.
//!
//! A platform's operators read and assess the managers who carried its projects that year; a
//! manager reads its own record; the bureau reads every record.

use crate::{Caller, Context, Error, Result};
use chrono::Datelike;
use pocnet_domain::id::CenterId;
use pocnet_domain::managers::assessment::{self as domain, AssessmentDraft, PortfolioFacts, RawAssessment, Suggestion};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::centers::Center;
use pocnet_store::managers::assessments::{self as store, ManagerAssessment, NewAssessment};
use pocnet_store::users::User;
use pocnet_store::{Page, Paged, StoreError};
use serde::{Deserialize, Serialize};

/// Whose record (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// The manager's login name (a manager reading its own may leave it out).
    #[serde(default)]
    pub manager: Option<String>,
    /// The platform (an operator hosting one platform may leave it out).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[param(value_type = Option<i64>)]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<i64>,
    /// The year (this year when left out).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[param(value_type = Option<i64>)]
    #[schema(value_type = Option<i64>)]
    pub year: Option<i64>,
}

/// A manager's record at one platform for one year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ManagerRecord {
    /// The manager's login name.
    pub manager: String,
    /// The manager's name.
    pub manager_name: String,
    /// The manager's unit.
    pub manager_org_name: String,
    /// The platform.
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// The year.
    pub year: i32,
    /// What the projects achieved that year while the manager carried them.
    pub facts: PortfolioFacts,
    /// Scores suggested from the facts.
    pub suggestion: Suggestion,
    /// How the suggestion is computed and the grade set, in words.
    pub rule: &'static str,
    /// The assessment given, if any.
    pub assessment: Option<ManagerAssessment>,
    /// Whether the caller may assess now (the platform's operators, not yet assessed, projects carried).
    pub may_assess: bool,
}

/// How the caller stands to a platform's records.
fn hosts(caller: &Caller, c: &Center) -> bool {
    caller.user().is_none_or(|u| u.role == Role::Center && u.org_id == c.host_org_id)
}

async fn center_for(ctx: &Context, caller: &Caller, id: Option<i64>) -> Result<Center> {
    let pool = ctx.store().pool();
    match (id, caller.user()) {
        (Some(id), _) => match pocnet_store::centers::get(pool, CenterId::new(id)).await {
            Err(StoreError::NotFound) => Err(FieldError::unknown_value("center_id", "平台").into()),
            r => Ok(r?),
        },
        (None, Some(u)) if u.role == Role::Center => {
            let mut mine = pocnet_store::centers::hosted_by(pool, u.org_id).await?;
            match mine.len() {
                1 => Ok(mine.remove(0)),
                _ => Err(FieldError::required("center_id", "平台").into()),
            }
        }
        (None, _) => Err(FieldError::required("center_id", "平台").into()),
    }
}

async fn manager_for(ctx: &Context, caller: &Caller, raw: Option<&str>) -> Result<User> {
    match (raw.map(str::trim).filter(|s| !s.is_empty()), caller.user()) {
        (None, Some(u)) if u.role == Role::Manager => Ok(u.clone()),
        (None, _) => Err(FieldError::required("manager", "项目经理人账号").into()),
        (Some(name), _) => Ok(super::assignments::manager_account(ctx, name).await??),
    }
}

/// The record of a manager at a platform for a year: the platform's operators, the manager itself,
/// the bureau (404 for anyone else).
pub async fn record(ctx: &Context, caller: &Caller, q: &RecordQuery) -> Result<ManagerRecord> {
    let role = caller.user().map(|u| u.role);
    if !matches!(role, None | Some(Role::Bureau | Role::Center | Role::Manager)) {
        return Err(Error::Forbidden);
    }
    let manager = manager_for(ctx, caller, q.manager.as_deref()).await?;
    if role == Some(Role::Manager) && caller.user().map(|u| u.id) != Some(manager.id) {
        return Err(Error::NotFound);
    }
    let center = center_for(ctx, caller, q.center_id).await?;
    let is_host = hosts(caller, &center);
    if role == Some(Role::Center) && !is_host {
        return Err(Error::NotFound);
    }
    let this_year = ctx.today().year();
    let year = match q.year.map(i32::try_from) {
        None => this_year,
        Some(Ok(y)) if (this_year - 50..=this_year).contains(&y) => y,
        Some(_) => return Err(FieldError::new("year", "out_of_range", format!("年度须在{}至{this_year}年之间", this_year - 50)).into()),
    };
    let pool = ctx.store().pool();
    let facts = store::facts(pool, manager.id, center.id, year).await?;
    let assessment = store::find(pool, center.id, manager.id, year).await?;
    let may_assess = is_host && assessment.is_none() && facts.managed > 0 && year >= this_year - domain::YEARS_BACK;
    Ok(ManagerRecord {
        manager: manager.username,
        manager_name: manager.display_name,
        manager_org_name: manager.org_name,
        center_id: center.id,
        center_name: center.name,
        year,
        suggestion: domain::suggest(&facts),
        facts,
        rule: domain::SUGGESTION_RULE,
        assessment,
        may_assess,
    })
}

/// An assessment as sent (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssessInput {
    /// The manager's login name.
    #[serde(default)]
    pub manager: String,
    /// The platform (may be left out by an operator hosting one).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<i64>,
    /// The year assessed (this year or one of the five before).
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub year: String,
    /// 技术价值, 0–100.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub technical: String,
    /// 商业价值, 0–100.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub commercial: String,
    /// 考核意见, 2–1,000 characters.
    #[serde(default)]
    pub opinion: String,
}

/// Assesses a manager who carried the platform's projects that year (its operators), once per year.
pub async fn assess(ctx: &Context, caller: &Caller, input: &AssessInput) -> Result<ManagerRecord> {
    caller.require(&[Role::Center])?;
    let center = center_for(ctx, caller, input.center_id).await?;
    if !hosts(caller, &center) {
        return Err(FieldError::new("center_id", "not_your_center", "只能考核本单位平台的项目经理人").into());
    }
    let this_year = ctx.today().year();
    let mut errors = Vec::new();
    let manager = match input.manager.trim() {
        "" => {
            errors.push(FieldError::required("manager", "项目经理人账号"));
            None
        }
        name => super::assignments::manager_account(ctx, name).await?.map_err(|e| errors.push(e)).ok(),
    };
    let raw = RawAssessment { year: &input.year, technical: &input.technical, commercial: &input.commercial, opinion: &input.opinion };
    let draft = AssessmentDraft::parse(&raw, this_year).map_err(|e| errors.extend(e)).ok();
    let (Some(manager), Some(draft)) = (manager, draft) else {
        return Err(errors.into());
    };
    let facts = store::facts(ctx.store().pool(), manager.id, center.id, draft.year).await?;
    if facts.managed == 0 {
        let message = format!("{}在{}年没有跟进{}的项目，无可考核", manager.display_name, draft.year, center.name);
        return Err(FieldError::new("manager", "no_portfolio", message).into());
    }
    let suggestion = domain::suggest(&facts);
    let mut tx = ctx.store().write().await?;
    let new = NewAssessment { center: center.id, manager: manager.id, draft: &draft, facts: &facts, suggestion: &suggestion };
    store::create(&mut tx, &caller.actor(), ctx.now(), &new).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => Error::Conflict { code: "duplicate", message: format!("{}{}年度已考核", manager.display_name, draft.year), field: Some("year".into()) },
        e => e.into(),
    })?;
    tx.commit().await?;
    record(ctx, caller, &RecordQuery { manager: Some(manager.username), center_id: Some(center.id.get()), year: Some(i64::from(draft.year)) }).await
}

/// Which assessments (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// One year's.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[param(value_type = Option<i64>)]
    pub year: Option<i64>,
}

/// The assessments the caller may read, newest first: the bureau all, an operator its platforms',
/// a manager its own.
pub async fn list(ctx: &Context, caller: &Caller, q: &AssessmentQuery, page: Page) -> Result<Paged<ManagerAssessment>> {
    let scope = super::assignments::scope_of(caller)?;
    let year = q.year.and_then(|y| i32::try_from(y).ok());
    Ok(store::list(ctx.store().pool(), scope, year, page).await?)
}
