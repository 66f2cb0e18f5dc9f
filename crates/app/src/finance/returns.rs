//! The centers' returns (中心收益): a center's operators record, per project of its library,
//! the agreement by which the center is paid back (000 二(四), 004 四(二)) and what it yields
//! when it happens; the bureau reads every center's portfolio. What is realised in an
//! evaluation window is the `returns_yuan` figure of the annual evaluation.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::finance::returns::{AgreementDraft, RawAgreement, RawRealised, RealisedDraft, ReturnInstrument};
use pocnet_domain::id::{CenterId, ResultId};
use pocnet_domain::money::Yuan;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::finance::returns::{self as store, Agreement, Realised};
use serde::{Deserialize, Serialize};

/// How the caller stands to a center's returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The bureau: reads.
    Read,
    /// The center's operators: read and record.
    Manage,
}

/// The caller's standing to `center`'s returns: its operators manage, the bureau reads, anyone
/// else is refused (the terms are the parties' business).
pub async fn standing(ctx: &Context, caller: &Caller, center: CenterId) -> Result<(pocnet_store::centers::Center, Standing)> {
    let c = pocnet_store::centers::get(ctx.store().pool(), center).await?;
    match caller.user() {
        None => Ok((c, Standing::Read)),
        Some(u) if u.role == Role::Bureau => Ok((c, Standing::Read)),
        Some(u) if u.role == Role::Center && u.org_id == c.host_org_id => Ok((c, Standing::Manage)),
        Some(_) => Err(Error::Forbidden),
    }
}

/// An agreement as sent (JSON or form; amounts and shares as text or numbers).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AgreementInput {
    /// The project (one of the center's library).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub result_id: Option<i64>,
    /// `service_fee`, `transfer_share`, `preemptive_right`, `future_equity`, `service_for_equity` or `co_investment`.
    pub instrument: String,
    /// The enterprise (or other party) paying back.
    pub counterparty: String,
    /// Share in percent as text (e.g. "2.5"), for a share of transfer income or of equity.
    #[serde(default)]
    pub share_percent: String,
    /// Amount in yuan: the fee, the service's value exchanged for equity, or the sum invested.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub amount_yuan: Option<i64>,
    /// What triggers the return (e.g. 成果转让合同签订、下一轮融资).
    #[serde(default)]
    pub trigger: String,
    /// First day of the term (YYYY-MM-DD).
    pub starts_on: String,
    /// Last day (YYYY-MM-DD), if the term ends.
    #[serde(default)]
    pub ends_on: String,
    /// A note.
    #[serde(default)]
    pub note: String,
}

/// Records an agreement on one of the center's projects (its operators).
pub async fn create(ctx: &Context, caller: &Caller, center: CenterId, input: &AgreementInput) -> Result<Agreement> {
    let (_, s) = standing(ctx, caller, center).await?;
    if s != Standing::Manage {
        return Err(Error::Forbidden);
    }
    let amount = input.amount_yuan.map(|a| a.to_string()).unwrap_or_default();
    let raw = RawAgreement {
        instrument: &input.instrument,
        counterparty: &input.counterparty,
        share_percent: &input.share_percent,
        amount_yuan: &amount,
        trigger: &input.trigger,
        starts_on: &input.starts_on,
        ends_on: &input.ends_on,
        note: &input.note,
    };
    let mut errors = Vec::new();
    let draft = AgreementDraft::parse(&raw).map_err(|e| errors.extend(e)).ok();
    let result = match input.result_id {
        None => {
            errors.push(FieldError::required("result_id", "项目"));
            None
        }
        Some(r) => match pocnet_store::library::pipeline::get(ctx.store().pool(), ResultId::new(r)).await {
            Ok(p) if p.center_id == Some(center) => Some(ResultId::new(r)),
            _ => {
                errors.push(FieldError::new("result_id", "not_this_centers", "所选项目不在本中心的项目库中"));
                None
            }
        },
    };
    let (Some(draft), Some(result)) = (draft, result) else { return Err(Error::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = ctx.store().write().await?;
    let id = store::create(&mut tx, &caller.actor(), ctx.now(), center, result, &draft).await?;
    let a = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(a)
}

/// A realised return as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RealisedInput {
    /// Day received (YYYY-MM-DD), within the agreement's term, not after today.
    pub received_on: String,
    /// Amount in yuan (equity: its value on entry).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub amount_yuan: Option<i64>,
    /// `cash` or `equity`.
    pub form: String,
    /// What it was, 2–200 characters.
    pub note: String,
}

async fn managed(ctx: &Context, caller: &Caller, id: i64) -> Result<Agreement> {
    let a = store::get(ctx.store().pool(), id).await?;
    match standing(ctx, caller, a.center_id).await {
        Ok((_, Standing::Manage)) => Ok(a),
        Ok(_) => Err(Error::Forbidden),
        Err(Error::Forbidden) => Err(Error::NotFound),
        Err(e) => Err(e),
    }
}

/// Records what an agreement yielded (its center's operators).
pub async fn record(ctx: &Context, caller: &Caller, id: i64, input: &RealisedInput) -> Result<Agreement> {
    let a = managed(ctx, caller, id).await?;
    let amount = input.amount_yuan.map(|a| a.to_string()).unwrap_or_default();
    let raw = RawRealised { received_on: &input.received_on, amount_yuan: &amount, form: &input.form, note: &input.note };
    let draft = RealisedDraft::parse(&raw, a.starts_on, a.ends_on, ctx.today()).map_err(Error::Invalid)?;
    let mut tx = ctx.store().write().await?;
    store::record(&mut tx, &caller.actor(), ctx.now(), &a, &draft).await?;
    let a = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(a)
}

/// Ending an agreement.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EndInput {
    /// Why (e.g. 协议期满、企业注销), 2–200 characters.
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Ends an agreement (its center's operators): nothing more is recorded on it.
pub async fn end(ctx: &Context, caller: &Caller, id: i64, input: &EndInput) -> Result<Agreement> {
    let a = managed(ctx, caller, id).await?;
    let reason = pocnet_domain::validation::text("reason", "终止原因", &input.reason, 2, 200)?;
    let version = crate::input::version(input.version)?;
    if !a.is_active() {
        return Err(Error::Conflict { code: "agreement_ended", message: "协议已终止".into(), field: None });
    }
    let mut tx = ctx.store().write().await?;
    store::end(&mut tx, &caller.actor(), ctx.now(), id, version, &reason).await?;
    let a = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(a)
}

/// One instrument's line of a portfolio.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InstrumentLine {
    /// The instrument.
    pub instrument: ReturnInstrument,
    /// Its Chinese name.
    pub label: &'static str,
    /// Agreements (active and ended).
    pub agreements: i64,
    /// Realised on them so far (yuan).
    pub realised_yuan: Yuan,
}

/// A center's portfolio (收益组合): its agreements, what each yielded, the totals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Portfolio {
    /// The center.
    #[schema(value_type = i64)]
    pub center_id: CenterId,
    /// Its name.
    pub center_name: String,
    /// Whether the caller records on it.
    pub may_manage: bool,
    /// By instrument (those with agreements).
    pub by_instrument: Vec<InstrumentLine>,
    /// Realised in all (yuan).
    pub realised_yuan: Yuan,
    /// Realised this calendar year (yuan).
    pub realised_this_year_yuan: Yuan,
    /// The agreements, newest first.
    pub agreements: Vec<Agreement>,
    /// The realised returns, latest first.
    pub realised: Vec<Realised>,
}

/// A center's portfolio (its operators and the bureau).
pub async fn portfolio(ctx: &Context, caller: &Caller, center: CenterId) -> Result<Portfolio> {
    let (c, s) = standing(ctx, caller, center).await?;
    let pool = ctx.store().pool();
    let agreements = store::of_center(pool, center).await?;
    let realised = store::realised_of_center(pool, center).await?;
    let by_instrument = ReturnInstrument::ALL
        .iter()
        .filter_map(|i| {
            let of: Vec<&Agreement> = agreements.iter().filter(|a| a.instrument == *i).collect();
            (!of.is_empty()).then(|| InstrumentLine { instrument: *i, label: i.label_zh(), agreements: of.len() as i64, realised_yuan: of.iter().map(|a| a.realised_yuan).sum() })
        })
        .collect();
    let year = chrono::Datelike::year(&ctx.today());
    let jan1 = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(ctx.today());
    let realised_this_year_yuan = realised.iter().filter(|r| r.received_on >= jan1).map(|r| r.amount_yuan).sum();
    Ok(Portfolio {
        center_id: center,
        center_name: c.name,
        may_manage: s == Standing::Manage,
        by_instrument,
        realised_yuan: agreements.iter().map(|a| a.realised_yuan).sum(),
        realised_this_year_yuan,
        agreements,
        realised,
    })
}

/// A project's return agreements, for the parties that may read them: the bureau, the operators
/// of the project's center and the project's owner unit (a party to each agreement).
pub async fn of_project(ctx: &Context, caller: &Caller, result: ResultId) -> Result<Vec<Agreement>> {
    let pool = ctx.store().pool();
    let p = pocnet_store::library::pipeline::get(pool, result).await?;
    let allowed = match caller.user() {
        None => true,
        Some(u) => match u.role {
            Role::Bureau => true,
            Role::Researcher => u.org_id == p.owner_org_id,
            Role::Center => match p.center_id {
                Some(c) => matches!(standing(ctx, caller, c).await, Ok((_, Standing::Manage))),
                None => false,
            },
            Role::County | Role::Expert | Role::Investor | Role::Manager => false,
        },
    };
    if !allowed {
        return Err(Error::NotFound);
    }
    Ok(store::of_result(pool, result).await?)
}
