//! Offers of shared resources: a center's operators (its host unit) and the
//! bureau publish, edit, pause, reopen and withdraw them; everyone reads the
//! listed offers of public centers; a county department also its region's.

use crate::registry::{self, Access};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::supervision::CenterStatus;
use pocnet_domain::id::{CenterId, OfferId};
use pocnet_domain::sharing::{OfferDraft, OfferState, RawOffer};
use pocnet_store::centers;
use pocnet_store::sharing::offers::{self, Offer, OfferFilter};
use pocnet_store::{Page, Paged, SortDir};
use serde::Deserialize;

/// An offer as sent (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OfferInput {
    /// `capability`, `instrument`, `line`, `environment` or `scenario`.
    pub kind: String,
    /// 资源名称, 2–60 characters.
    pub name: String,
    /// Field code, e.g. `new_energy`.
    pub field: String,
    /// 能力与用途, 10–2000 characters.
    pub description: String,
    /// 使用条件, 4–1000 characters.
    pub conditions: String,
    /// 收费标准, e.g. `400元/机时`, `免费`, `面议`.
    pub fee_terms: String,
    /// Qualifications: `cnas`, `cma`.
    #[serde(default)]
    pub qualifications: Vec<String>,
    /// 容量: bookings it hosts on one day, 1–99 (1 when absent).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub capacity: Option<i64>,
    /// The offering center or platform, when publishing (ignored when editing).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub center_id: Option<i64>,
    /// The version read, when editing.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub version: Option<i64>,
}

impl OfferInput {
    fn parse(&self, ctx: &Context) -> Result<OfferDraft> {
        let capacity = self.capacity.map(|c| c.to_string()).unwrap_or_default();
        let raw = RawOffer {
            kind: &self.kind,
            name: &self.name,
            field: &self.field,
            description: &self.description,
            conditions: &self.conditions,
            fee_terms: &self.fee_terms,
            qualifications: &self.qualifications,
            capacity: &capacity,
        };
        OfferDraft::parse(&raw, |f| crate::experts::is_field_pair(ctx, f, "")).map_err(Error::from)
    }
}

/// How the caller stands to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferAccess {
    /// May read it (and request it, when it is open and the caller may request).
    Read,
    /// Its center's operators or the bureau: may edit and change its state.
    Manage,
}

/// How the caller stands to `o` of the center `c`, or `NotFound`: the center's
/// managers read every offer; others a listed offer of a public center, or (a
/// county department) any of its region's.
pub fn standing(caller: Option<&Caller>, c: &centers::Center, o: &Offer) -> Result<OfferAccess> {
    match registry::standing(caller, c) {
        Ok(Access::Manage) => Ok(OfferAccess::Manage),
        Ok(Access::Read) => Ok(OfferAccess::Read),
        Ok(Access::Public) if o.is_listed(c.is_public()) => Ok(OfferAccess::Read),
        Ok(Access::Public) | Err(_) => Err(Error::NotFound),
    }
}

/// Reads an offer the caller may see, with its center and the caller's standing.
pub async fn load(ctx: &Context, caller: Option<&Caller>, id: OfferId) -> Result<(Offer, centers::Center, OfferAccess)> {
    let o = offers::get(ctx.store().pool(), id).await?;
    let c = centers::get(ctx.store().pool(), o.center_id).await?;
    let a = standing(caller, &c, &o)?;
    Ok((o, c, a))
}

/// Publishes an offer of the center `input.center_id` (its operators or the bureau); answers its id.
pub async fn publish(ctx: &Context, caller: &Caller, input: &OfferInput) -> Result<OfferId> {
    let center = CenterId::new(input.center_id.ok_or_else(|| pocnet_domain::FieldError::required("center_id", "提供资源的中心"))?);
    let (c, _) = registry::load(ctx, Some(caller), center, Access::Manage).await?;
    if c.status != CenterStatus::Active {
        return Err(Error::rule("center_inactive", format!("“{}”{}，不能发布共享资源", c.name, c.status.label_zh())));
    }
    let draft = input.parse(ctx)?;
    let mut tx = ctx.store().write().await?;
    let id = offers::create(&mut tx, &caller.actor(), ctx.now(), center, &draft).await?;
    tx.commit().await?;
    Ok(id)
}

/// Edits an offer (its center's operators or the bureau), at the version read.
pub async fn edit(ctx: &Context, caller: &Caller, id: OfferId, input: &OfferInput) -> Result<Offer> {
    let (_, _, a) = load(ctx, Some(caller), id).await?;
    if a != OfferAccess::Manage {
        return Err(Error::Forbidden);
    }
    let draft = input.parse(ctx)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    offers::update(&mut tx, &caller.actor(), ctx.now(), id, version, &draft).await?;
    // The update holds the offer's row lock: no booking lands between this check and the commit.
    crate::pilot::bookings::check_capacity_holds(&mut tx, ctx.today(), id, draft.capacity).await?;
    let o = offers::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(o)
}

/// A change of an offer's state as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OfferStepInput {
    /// `open` (开放共享), `paused` (暂停受理) or `withdrawn` (下架).
    pub state: String,
    /// Why (optional; kept in the audit trail).
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Pauses, reopens or withdraws an offer (its center's operators or the bureau).
pub async fn step(ctx: &Context, caller: &Caller, id: OfferId, input: &OfferStepInput) -> Result<Offer> {
    let (o, _, a) = load(ctx, Some(caller), id).await?;
    if a != OfferAccess::Manage {
        return Err(Error::Forbidden);
    }
    let to = OfferState::parse(input.state.trim()).map_err(|_| pocnet_domain::FieldError::unknown_value("state", "状态"))?;
    let version = crate::input::version(input.version)?;
    if !o.state.may_become(to) {
        return Err(Error::Conflict { code: "illegal_transition", message: format!("资源{}，不能改为{}", o.state.label_zh(), to.label_zh()), field: None });
    }
    let reason = input.reason.trim();
    let mut tx = ctx.store().write().await?;
    offers::set_state(&mut tx, &caller.actor(), ctx.now(), id, version, to, (!reason.is_empty()).then_some(reason)).await?;
    let o = offers::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(o)
}

/// A page of the offers the caller may see under `filter` (its scope is set here from the caller).
pub async fn list(ctx: &Context, caller: Option<&Caller>, mut filter: OfferFilter, sort: &str, dir: SortDir, page: Page) -> Result<Paged<Offer>> {
    filter.scope = registry::scope_for(caller);
    Ok(offers::list(ctx.store().pool(), &filter, sort, dir, page).await?)
}
