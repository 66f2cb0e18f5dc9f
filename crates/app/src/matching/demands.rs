//! Industry demands (产业需求清单): publishing, editing and withdrawing them
//! (their unit), listing them in the year's 重点产业需求清单 of their industry
//! chain (the bureau), and reading them (every signed-in account reads open
//! demands; a withdrawn one only its unit, its county and the bureau).

use super::{is_field_pair, publisher_org};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::DemandId;
use pocnet_domain::library::intake::{string_or_integer, string_or_number};
use pocnet_domain::matching::{DemandDraft, DemandState, RawDemand};
use pocnet_domain::role::Role;
use pocnet_store::matching::demands::{self, Demand, DemandFilter};
use pocnet_store::{Page, Paged, SortDir};
use serde::Deserialize;

/// A demand as sent (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DemandInput {
    /// 需求名称, 4–80 characters.
    pub title: String,
    /// 技术难题描述, 20–4000 characters.
    pub problem: String,
    /// Field code, e.g. `new_energy`.
    pub field: String,
    /// Sub-field code of that field ('' or absent when none).
    #[serde(default)]
    pub sub_field: String,
    /// 目标技术就绪度 1–9 (a string or a number).
    #[serde(deserialize_with = "string_or_number")]
    #[schema(schema_with = string_or_integer)]
    pub target_trl: String,
    /// Budget in yuan (a string or a number); empty or absent for 面议.
    #[serde(default, deserialize_with = "string_or_number")]
    #[schema(schema_with = string_or_integer)]
    pub budget_yuan: String,
    /// Region, e.g. `瑞安市`.
    pub region: String,
    /// 截止日期, YYYY-MM-DD.
    pub deadline: String,
    /// The version read, when editing.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub version: Option<i64>,
}

impl DemandInput {
    fn parse(&self, ctx: &Context) -> Result<DemandDraft> {
        let raw = RawDemand {
            title: &self.title,
            problem: &self.problem,
            field: &self.field,
            sub_field: &self.sub_field,
            target_trl: &self.target_trl,
            budget_yuan: &self.budget_yuan,
            region: &self.region,
            deadline: &self.deadline,
        };
        DemandDraft::parse(&raw, ctx.today(), |f, s| is_field_pair(ctx, f, s)).map_err(Error::Invalid)
    }
}

/// Publishes a demand for the caller's unit; answers its id.
pub async fn publish(ctx: &Context, caller: &Caller, input: &DemandInput) -> Result<DemandId> {
    let org = publisher_org(ctx, caller).await?;
    let draft = input.parse(ctx)?;
    let by = caller.user().ok_or(Error::Forbidden)?.id;
    let mut tx = ctx.store().write().await?;
    let id = demands::create(&mut tx, &caller.actor(), ctx.now(), org, Some(by), &draft).await?;
    tx.commit().await?;
    Ok(id)
}

/// How the caller stands to a demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandAccess {
    /// May read it.
    Read,
    /// Its unit: may edit, withdraw, close and answer matches for it.
    Own,
    /// The bureau: may list it, take it down, and read everything.
    Curate,
}

/// How the caller stands to `d`, or `NotFound` when it may not know of it.
pub fn standing(caller: &Caller, d: &Demand) -> Result<DemandAccess> {
    let user = match caller {
        Caller::Console { .. } => return Ok(DemandAccess::Curate),
        Caller::User { user, .. } => user,
    };
    if user.role == Role::Bureau {
        return Ok(DemandAccess::Curate);
    }
    if user.org_id == d.org_id && matches!(user.role, Role::County | Role::Researcher) {
        return Ok(DemandAccess::Own);
    }
    let open = d.state != DemandState::Withdrawn;
    if open || (user.role == Role::County && user.org_region == d.region) {
        Ok(DemandAccess::Read)
    } else {
        Err(Error::NotFound)
    }
}

/// Reads a demand the caller may see, with its standing.
pub async fn load(ctx: &Context, caller: &Caller, id: DemandId) -> Result<(Demand, DemandAccess)> {
    let d = demands::get(ctx.store().pool(), id).await?;
    let a = standing(caller, &d)?;
    Ok((d, a))
}

/// Edits an open demand (its unit), at the version read.
pub async fn edit(ctx: &Context, caller: &Caller, id: DemandId, input: &DemandInput) -> Result<Demand> {
    let (d, a) = load(ctx, caller, id).await?;
    if a != DemandAccess::Own {
        return Err(Error::Forbidden);
    }
    if !d.state.open() {
        return Err(Error::Conflict { code: "demand_closed", message: format!("需求{}，不能再修改", d.state.label_zh()), field: None });
    }
    let draft = input.parse(ctx)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    demands::update(&mut tx, &caller.actor(), ctx.now(), id, version, &draft).await?;
    let d = demands::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(d)
}

/// A change of a demand's state as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DemandStepInput {
    /// `list` (the bureau, into `year`'s list), `unlist` (the bureau), `withdraw`
    /// (its unit or the bureau, with a reason), `met` (its unit: solved).
    pub action: String,
    /// The list's year, for `list` (default: this year).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub year: Option<i64>,
    /// Why (required to withdraw).
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Lists, unlists, withdraws or closes a demand.
pub async fn step(ctx: &Context, caller: &Caller, id: DemandId, input: &DemandStepInput) -> Result<Demand> {
    let (d, a) = load(ctx, caller, id).await?;
    let version = crate::input::version(input.version)?;
    let reason = input.reason.trim();
    let this_year = i64::from(chrono::Datelike::year(&ctx.today()));
    let (to, year) = match input.action.as_str() {
        "list" if a == DemandAccess::Curate => {
            let year = input.year.unwrap_or(this_year);
            if !(this_year - 1..=this_year + 1).contains(&year) {
                return Err(pocnet_domain::FieldError::new("year", "out_of_range", "清单年度只能是去年、今年或明年").into());
            }
            (DemandState::Listed, Some(year))
        }
        "unlist" if a == DemandAccess::Curate => (DemandState::Published, None),
        "withdraw" if matches!(a, DemandAccess::Curate | DemandAccess::Own) => {
            if reason.chars().count() < 2 {
                return Err(pocnet_domain::FieldError::new("reason", "required", "撤回需求须说明原因").into());
            }
            (DemandState::Withdrawn, d.listed_year)
        }
        "met" if a == DemandAccess::Own => (DemandState::Met, d.listed_year),
        "list" | "unlist" | "withdraw" | "met" => return Err(Error::Forbidden),
        _ => return Err(pocnet_domain::FieldError::unknown_value("action", "操作").into()),
    };
    let allowed = match to {
        DemandState::Listed => d.state == DemandState::Published || (d.state == DemandState::Listed && d.listed_year != year),
        DemandState::Published => d.state == DemandState::Listed,
        DemandState::Withdrawn | DemandState::Met => d.state.open(),
    };
    if !allowed {
        return Err(Error::Conflict {
            code: "illegal_transition",
            message: format!("需求{}，不能{}", d.state.label_zh(), to.label_zh()),
            field: None,
        });
    }
    let mut tx = ctx.store().write().await?;
    demands::set_state(&mut tx, &caller.actor(), ctx.now(), id, version, to, year, (!reason.is_empty()).then_some(reason)).await?;
    let d = demands::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(d)
}

/// The list filter a caller's role allows: withdrawn demands are listed only
/// to the bureau, their county (its region) and their unit.
pub fn scoped_filter(caller: &Caller, mut filter: DemandFilter) -> Result<DemandFilter> {
    let Some(user) = caller.user() else { return Ok(filter) };
    if user.role != Role::Bureau {
        filter.hide_withdrawn = true;
    }
    if filter.state == Some(DemandState::Withdrawn) {
        match user.role {
            Role::Bureau => {}
            Role::County => filter.region = Some(user.org_region),
            Role::Researcher => filter.org_id = Some(user.org_id),
            Role::Center | Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(filter)
}

/// A page of the demands the caller may see (withdrawn ones only where it may).
pub async fn list(ctx: &Context, caller: &Caller, filter: DemandFilter, sort: &str, dir: SortDir, page: Page) -> Result<Paged<Demand>> {
    let filter = scoped_filter(caller, filter)?;
    Ok(demands::list(ctx.store().pool(), &filter, sort, dir, page).await?)
}
