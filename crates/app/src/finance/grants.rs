//! Subsidies and rewards (财政补助与奖励) as the bureau works them: pocnet proposes, for a year,
//! what each center is entitled to under its profile's programmes (`[[funding]]`) from the
//! records — a recognition that year (by its equipment where the programme says so), an
//! upgrade to national level, a reward or support the bureau confirmed after the year's
//! evaluation (退坡 already applied there); the bureau approves an amount within the cap (less
//! than proposed only with a reason; the once rule checked under the center's lock) or refuses
//! with a reason; payments are recorded and never pass the approved amount. A center's
//! operators read their own centers' grants.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::finance::grant::{check_amount, once_rule, GrantProgramme, GrantState, GrantTrigger};
use pocnet_domain::money::{parse_yuan, Yuan};
use pocnet_domain::role::Role;
use pocnet_domain::validation::{day, text, DayRange};
use pocnet_domain::FieldError;
use pocnet_store::finance::grants::{self as store, Grant, GrantFilter, Payment};
use pocnet_store::{Page, Paged};
use serde::{Deserialize, Serialize};

/// What a proposal run did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalRun {
    /// The year.
    pub year: i32,
    /// Grants newly proposed.
    pub proposed: usize,
    /// Entitlements not proposed, each with why (e.g. the once rule).
    pub skipped: Vec<String>,
}

/// Asking for a year's proposals.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposeInput {
    /// The year (2000–2100).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub year: Option<i64>,
}

/// Proposes the year's grants from the records (the bureau). Runs again safely: a center's
/// programme is proposed once a year.
pub async fn propose(ctx: &Context, caller: &Caller, input: &ProposeInput) -> Result<ProposalRun> {
    caller.require(&[Role::Bureau])?;
    let year = input.year.ok_or_else(|| FieldError::required("year", "年度"))?;
    let year = i32::try_from(year).ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| FieldError::new("year", "out_of_range", "年度须在2000至2100之间"))?;
    let mut tx = ctx.store().write().await?;
    let (proposed, skipped) = store::propose_year(&mut tx, &caller.actor(), ctx.now(), ctx.policies(), year).await?;
    tx.commit().await?;
    Ok(ProposalRun { year, proposed, skipped })
}

/// The programme a grant belongs to, from its profile.
fn programme_of<'a>(ctx: &'a Context, g: &Grant) -> Result<&'a GrantProgramme> {
    ctx.profile(&g.profile_id)
        .and_then(|p| p.funding.iter().find(|f| f.code == g.programme))
        .ok_or_else(|| Error::Rule { code: "programme_gone", message: format!("政策文件{}中已无“{}”，不能核定", g.profile_id, g.label) })
}

/// The bureau's decision (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = GrantDecisionInput)]
pub struct DecisionInput {
    /// `true` to approve, `false` to refuse.
    pub approve: bool,
    /// The amount approved, yuan (within the cap).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub approved_yuan: Option<i64>,
    /// Why (a refusal; or an amount below the proposal), 2–200 characters.
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Approves or refuses a proposed grant (the bureau).
pub async fn decide(ctx: &Context, caller: &Caller, id: i64, input: &DecisionInput) -> Result<GrantView> {
    caller.require(&[Role::Bureau])?;
    let g = store::get(ctx.store().pool(), id).await?;
    let version = crate::input::version(input.version)?;
    if g.state != GrantState::Proposed {
        return Err(Error::Conflict { code: "already_decided", message: format!("该项资金已{}", g.state.label_zh()), field: None });
    }
    let p = programme_of(ctx, &g)?;
    let (amount, reason) = if input.approve {
        let raw = input.approved_yuan.map(|a| a.to_string()).unwrap_or_default();
        let amount = parse_yuan("approved_yuan", "核定金额", &raw)?.get();
        check_amount(p, amount).map_err(|m| FieldError::new("approved_yuan", "above_cap", m))?;
        let below = g.proposed_yuan.is_some_and(|q| amount < q);
        let reason = if below { text("reason", "核减理由", &input.reason, 2, 200)? } else { text("reason", "说明", &input.reason, 0, 200)? };
        (Some(amount), reason)
    } else {
        (None, text("reason", "不予支持的理由", &input.reason, 2, 200)?)
    };
    let mut tx = ctx.store().write().await?;
    if amount.is_some() {
        store::lock_center(&mut tx, g.center_id).await?;
        let held = store::held_years(&mut tx, g.center_id, &g.programme, false).await?;
        let year = i32::try_from(g.year).unwrap_or_default();
        once_rule(p, year, &held).map_err(|m| Error::Rule { code: "once_rule", message: m })?;
    }
    store::decide(&mut tx, &caller.actor(), ctx.now(), id, version, amount, &reason).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A payment (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PaymentInput {
    /// Day paid (YYYY-MM-DD), not after today.
    pub paid_on: String,
    /// Amount, yuan.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub amount_yuan: Option<i64>,
    /// Voucher number or note, 2–200 characters.
    pub note: String,
}

/// Records a payment of an approved grant (the bureau); 409 `exceeds_approved` past the approved amount.
pub async fn pay(ctx: &Context, caller: &Caller, id: i64, input: &PaymentInput) -> Result<GrantView> {
    caller.require(&[Role::Bureau])?;
    let g = store::get(ctx.store().pool(), id).await?;
    if g.state != GrantState::Approved {
        return Err(Error::Conflict { code: "not_approved", message: "核定后才能拨付".into(), field: None });
    }
    let today = ctx.today();
    let mut errors = Vec::new();
    let paid_on = day("paid_on", "拨付日期", &input.paid_on, DayRange { earliest: DayRange::records(today).earliest, latest: today }).map_err(|e| errors.push(e)).ok();
    let raw = input.amount_yuan.map(|a| a.to_string()).unwrap_or_default();
    let amount = parse_yuan("amount_yuan", "拨付金额", &raw).and_then(|a| if a > Yuan::ZERO { Ok(a) } else { Err(FieldError::new("amount_yuan", "not_positive", "拨付金额须大于0")) }).map_err(|e| errors.push(e)).ok();
    let note = text("note", "拨付凭证号或说明", &input.note, 2, 200).map_err(|e| errors.push(e)).ok();
    let (Some(paid_on), Some(amount), Some(note)) = (paid_on, amount, note) else { return Err(Error::Invalid(errors)) };
    let mut tx = ctx.store().write().await?;
    store::pay(&mut tx, &caller.actor(), ctx.now(), &g, paid_on, amount, &note).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A grant with its payments, the programme's terms and what the caller may do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GrantView {
    /// The grant.
    pub grant: Grant,
    /// Its payments.
    pub payments: Vec<Payment>,
    /// The programme's trigger.
    pub trigger: Option<GrantTrigger>,
    /// How the wording is read.
    pub reading: String,
    /// At most once within this many years (0: once only).
    pub once_in_years: Option<u32>,
    /// Whether the caller decides and pays (the bureau).
    pub may_decide: bool,
}

/// Whether the caller reads a grant: the bureau, and its center's operators.
fn reads(caller: &Caller, g: &Grant) -> bool {
    caller.user().is_none_or(|u| u.role == Role::Bureau || (u.role == Role::Center && u.org_id == g.host_org_id))
}

/// One grant (the bureau; its center's operators).
pub async fn view(ctx: &Context, caller: &Caller, id: i64) -> Result<GrantView> {
    let g = store::get(ctx.store().pool(), id).await?;
    if !reads(caller, &g) {
        return Err(Error::NotFound);
    }
    let p = programme_of(ctx, &g).ok();
    Ok(GrantView {
        payments: store::payments(ctx.store().pool(), id).await?,
        trigger: p.map(|p| p.trigger),
        reading: p.map(|p| p.reading.clone()).unwrap_or_default(),
        once_in_years: p.map(|p| p.once_in_years),
        may_decide: caller.user().is_none_or(|u| u.role == Role::Bureau),
        grant: g,
    })
}

/// Which grants a list shows (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GrantQuery {
    /// One year.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub year: Option<i64>,
    /// `proposed`, `approved` or `refused`.
    #[serde(default)]
    pub state: Option<String>,
}

/// The grants the caller reads, newest first: the bureau all, an operator its centers'.
pub async fn list(ctx: &Context, caller: &Caller, q: &GrantQuery, page: Page) -> Result<Paged<Grant>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(GrantState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let mut filter = GrantFilter { year: q.year.and_then(|y| i32::try_from(y).ok()), state, centers: Vec::new() };
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Center => {
                filter.centers = pocnet_store::centers::hosted_by(ctx.store().pool(), u.org_id).await?.iter().map(|c| c.id).collect();
                if filter.centers.is_empty() {
                    return Ok(Paged::exact(Vec::new(), 0, page));
                }
            }
            Role::County | Role::Expert | Role::Researcher | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::list(ctx.store().pool(), &filter, page).await?)
}
