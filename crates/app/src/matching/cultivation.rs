//! The 转化培育清单 (002 三(二): 每年遴选100项成果, 转化培育清单): the bureau
//! lists results of the project library into a year's list, with a reason;
//! the list is the result list filtered by year (each role sees its own part),
//! and a result's page shows the years it was listed.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::ResultId;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::matching::cultivation;
use pocnet_store::StoreError;
use serde::Deserialize;

/// Results a year's list is to hold (002 三(二): 每年遴选100项).
pub const YEARLY_TARGET: i64 = 100;

/// A listing as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CultivationInput {
    /// The list's year (last, this or next year; default this year).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub year: Option<i64>,
    /// Why it is listed or taken off (4–500 characters).
    pub reason: String,
}

fn year_of(ctx: &Context, year: Option<i64>) -> Result<i64> {
    let this = i64::from(chrono::Datelike::year(&ctx.today()));
    let year = year.unwrap_or(this);
    if (this - 1..=this + 1).contains(&year) {
        Ok(year)
    } else {
        Err(FieldError::new("year", "out_of_range", "清单年度只能是去年、今年或明年").into())
    }
}

/// Lists a result of the library (admitted, verifying, verified or handed off) into a year's list (bureau).
pub async fn add(ctx: &Context, caller: &Caller, id: ResultId, input: &CultivationInput) -> Result<i64> {
    caller.require(&[Role::Bureau])?;
    let (p, _) = crate::library::load(ctx, caller, id).await?;
    let year = year_of(ctx, input.year)?;
    let reason = text("reason", "列入理由", &input.reason, 4, 500)?;
    if !p.state.in_library() {
        return Err(Error::Rule { code: "not_in_library", message: format!("成果{}，只有在库成果可以列入转化培育清单", p.state.label_zh()) });
    }
    let mut tx = ctx.store().write().await?;
    cultivation::add(&mut tx, &caller.actor(), ctx.now(), year, id, &reason).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => Error::Conflict { code: "already_listed", message: format!("该成果已在{year}年转化培育清单中"), field: Some("year".into()) },
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(year)
}

/// Takes a result off a year's list, with a reason (bureau).
pub async fn remove(ctx: &Context, caller: &Caller, id: ResultId, input: &CultivationInput) -> Result<()> {
    caller.require(&[Role::Bureau])?;
    crate::library::load(ctx, caller, id).await?;
    let year = input.year.ok_or_else(|| FieldError::required("year", "清单年度"))?;
    let reason = text("reason", "移出理由", &input.reason, 4, 500)?;
    let mut tx = ctx.store().write().await?;
    cultivation::remove(&mut tx, &caller.actor(), ctx.now(), year, id, &reason).await?;
    tx.commit().await?;
    Ok(())
}

/// The years whose lists hold a result the caller may see, newest first, with the reasons.
pub async fn years(ctx: &Context, caller: &Caller, id: ResultId) -> Result<Vec<(i64, String)>> {
    crate::library::load(ctx, caller, id).await?;
    Ok(cultivation::of_result(ctx.store().pool(), id).await?)
}

/// How many results a year's list holds, against [`YEARLY_TARGET`].
pub async fn progress(ctx: &Context, year: i64) -> Result<(i64, i64)> {
    Ok((cultivation::count(ctx.store().pool(), year).await?, YEARLY_TARGET))
}
