//! Requests to use a shared resource: another center's operators or a unit's
//! account (a university, an institute, an enterprise) asks; the offering
//! center's operators accept or decline with a reason, then complete or cancel;
//! the requester may withdraw before an answer or cancel after. Each side reads
//! its own requests, the bureau all of them.

use super::offers;
use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::{CenterId, OfferId, ResourceRequestId};
use pocnet_domain::role::Role;
use pocnet_domain::sharing::request::{check_reason, next_state, Party};
use pocnet_domain::sharing::{OfferState, RawRequest, RequestDraft, RequestState, RequestStep};
use pocnet_store::sharing::requests::{self, RequestFilter, ResourceRequest};
use pocnet_store::{Page, Paged, SortDir, StoreError};
use serde::Deserialize;

/// The roles that may ask to use a resource: a center's operators (for joint
/// verification across centers) and a unit's account (科研人员: universities,
/// institutes, enterprises).
pub const REQUESTERS: [Role; 2] = [Role::Center, Role::Researcher];

/// A request as sent (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    /// `use` (使用设备设施), `commission` (委托检测/代工) or `joint` (项目联合验证).
    pub purpose: String,
    /// 需求说明, 10–1000 characters: what is to be tested or verified, samples, quantity.
    pub description: String,
    /// 期望开始日期, YYYY-MM-DD (today or later, within a year).
    pub wanted_from: String,
    /// 期望结束日期, YYYY-MM-DD (within a year of the start).
    pub wanted_to: String,
}

/// Why the caller may not send a request for `o` (None: it may).
pub fn refusal(caller: &Caller, o: &pocnet_store::sharing::offers::Offer, center_public: bool) -> Option<&'static str> {
    let Some(user) = caller.user() else { return Some("只有登录的账号可以申请使用") };
    if !REQUESTERS.contains(&user.role) {
        return Some("资源使用由概念验证中心、中试平台或高校院所、企业的账号申请");
    }
    if user.org_id == o.host_org_id {
        return Some("本单位的资源无须申请");
    }
    if o.state != OfferState::Open || !center_public {
        return Some("该资源目前不受理申请");
    }
    None
}

/// Sends a request for an offer; answers its id.
pub async fn send(ctx: &Context, caller: &Caller, offer: OfferId, input: &RequestInput) -> Result<ResourceRequestId> {
    let (o, c, _) = offers::load(ctx, Some(caller), offer).await?;
    if let Some(why) = refusal(caller, &o, c.is_public()) {
        return Err(if caller.user().is_some_and(|u| REQUESTERS.contains(&u.role)) { Error::rule("offer_not_requestable", why) } else { Error::Forbidden });
    }
    let raw = RawRequest { purpose: &input.purpose, description: &input.description, wanted_from: &input.wanted_from, wanted_to: &input.wanted_to };
    let draft = RequestDraft::parse(&raw, ctx.today()).map_err(Error::from)?;
    let user = caller.user().ok_or(Error::Forbidden)?;
    let mut tx = ctx.store().write().await?;
    let id = match requests::create(&mut tx, &caller.actor(), ctx.now(), offer, o.center_id, user.org_id, Some(user.id), &draft).await {
        Ok(id) => id,
        Err(StoreError::Duplicate { .. }) => {
            return Err(Error::Conflict { code: "request_open", message: "本单位对该资源已有待答复或已同意的申请".into(), field: None });
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(id)
}

/// How the caller stands to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAccess {
    /// The bureau: reads.
    Read,
    /// One side of it.
    Party(Party),
}

/// How the caller stands to `r`, or `NotFound`.
pub fn standing(caller: &Caller, r: &ResourceRequest) -> Result<RequestAccess> {
    let user = match caller {
        Caller::Console { .. } => return Ok(RequestAccess::Read),
        Caller::User { user, .. } => user,
    };
    match user.role {
        Role::Center if user.org_id == r.host_org_id => Ok(RequestAccess::Party(Party::Provider)),
        Role::Center | Role::Researcher if user.org_id == r.requester_org_id => Ok(RequestAccess::Party(Party::Requester)),
        Role::Bureau => Ok(RequestAccess::Read),
        Role::Center | Role::Researcher | Role::County | Role::Expert | Role::Investor | Role::Manager => Err(Error::NotFound),
    }
}

/// Reads a request the caller may see, with its standing.
pub async fn load(ctx: &Context, caller: &Caller, id: ResourceRequestId) -> Result<(ResourceRequest, RequestAccess)> {
    let r = requests::get(ctx.store().pool(), id).await?;
    let a = standing(caller, &r)?;
    Ok((r, a))
}

/// An answer or change to a request as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RequestStepInput {
    /// `accept`, `decline`, `withdraw`, `complete` or `cancel`.
    pub action: String,
    /// The reason code, to decline or cancel: `fully_booked`, `conditions_unmet`, `out_of_scope`, `other`.
    #[serde(default)]
    pub reason: String,
    /// A note (required with `other`): arrangements on acceptance, what was done on completion.
    #[serde(default)]
    pub note: String,
    /// The version read.
    #[serde(deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Takes a step on a request for the caller's side.
pub async fn step(ctx: &Context, caller: &Caller, id: ResourceRequestId, input: &RequestStepInput) -> Result<ResourceRequest> {
    let (r, a) = load(ctx, caller, id).await?;
    let RequestAccess::Party(party) = a else { return Err(Error::Forbidden) };
    let step = RequestStep::parse(input.action.trim()).map_err(|_| pocnet_domain::FieldError::unknown_value("action", "操作"))?;
    let version = crate::input::version(input.version)?;
    let to = next_state(r.state, step, party).map_err(|why| {
        if matches!(r.state, RequestState::Requested | RequestState::Accepted) && next_state(r.state, step, other(party)).is_ok() {
            Error::Forbidden
        } else {
            Error::Conflict { code: "illegal_transition", message: format!("申请{}：{why}", r.state.label_zh()), field: None }
        }
    })?;
    let reason = check_reason(step, &input.reason, &input.note)?;
    let note = pocnet_domain::validation::multiline("note", "说明", &input.note, 0, 500)?;
    let mut tx = ctx.store().write().await?;
    requests::set_state(&mut tx, &caller.actor(), ctx.now(), id, version, to, reason.map_or("", |r| r.as_str()), &note).await?;
    let r = requests::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(r)
}

fn other(p: Party) -> Party {
    match p {
        Party::Provider => Party::Requester,
        Party::Requester => Party::Provider,
    }
}

/// Which requests a list shows the caller: the bureau every one; an operator those
/// its unit sent and those made to its centers; a unit's account those it sent.
pub async fn scoped_filter(ctx: &Context, caller: &Caller, mut filter: RequestFilter) -> Result<RequestFilter> {
    let Some(user) = caller.user() else { return Ok(filter) };
    match user.role {
        Role::Bureau => {}
        Role::Center => {
            let mine: Vec<CenterId> = pocnet_store::centers::hosted_by(ctx.store().pool(), user.org_id).await?.iter().map(|c| c.id).collect();
            if filter.requester.is_none() && filter.centers.is_empty() {
                filter.requester = Some(user.org_id);
                filter.centers = mine;
                filter.either_side = !filter.centers.is_empty();
            } else if filter.requester.is_some() {
                filter.requester = Some(user.org_id);
                filter.centers.clear();
            } else {
                filter.centers = if mine.is_empty() { vec![CenterId::new(0)] } else { mine };
            }
        }
        Role::Researcher => {
            filter.requester = Some(user.org_id);
            filter.centers.clear();
            filter.either_side = false;
        }
        Role::County | Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
    }
    Ok(filter)
}

/// A page of the requests the caller may read.
pub async fn list(ctx: &Context, caller: &Caller, filter: RequestFilter, dir: SortDir, page: Page) -> Result<Paged<ResourceRequest>> {
    let filter = scoped_filter(ctx, caller, filter).await?;
    Ok(requests::list(ctx.store().pool(), &filter, dir, page).await?)
}
