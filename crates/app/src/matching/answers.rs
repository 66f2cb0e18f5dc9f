//! Answers and follow-up (精准对接清单): each side accepts or declines a
//! proposed match with a reason code; both accepting puts it on the docking
//! list; its follow-up runs to 已落地, which records the landing as an outcome
//! of the result (落地转化) and marks the demand met.

use super::demands::{self as demand_flow, DemandAccess};
use super::propose::{demand_words, score_center, score_result};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::{CenterId, DemandId, MatchId, ResultId};
use pocnet_domain::matching::{Answer, DeclineReason, DemandState, MatchStage, Side};
use pocnet_domain::money::parse_yuan;
use pocnet_domain::outcome::OutcomeKind;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_search::SearchIndex;
use pocnet_store::centers;
use pocnet_store::library::verification as store_v;
use pocnet_store::matching::demands::{self, Demand};
use pocnet_store::matching::matches::{self, MatchChange, MatchFilter, MatchRecord, MatchScope, NewMatch};
use pocnet_store::search_faces;
use pocnet_store::{Page, Paged, SortDir, StoreError};
use serde::Deserialize;

/// An answer as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AnswerInput {
    /// `result` or `center`.
    pub kind: String,
    /// The result's or center's id.
    #[serde(deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub subject_id: Option<i64>,
    /// `accept` or `decline`.
    pub answer: String,
    /// Reason code when declining: `too_early`, `benefit_unclear`, `route_unclear`,
    /// `budget_mismatch`, `off_target`, `already_met`, `other`.
    #[serde(default)]
    pub reason: String,
    /// A note (required with `other`).
    #[serde(default)]
    pub note: String,
}

/// The offer's units: (owner or host, host of the result's center).
struct Supply {
    org: Option<i64>,
    host: Option<i64>,
    /// A verified result (its public face is on the supply list).
    verified: bool,
    fit: pocnet_domain::matching::Fit,
}

async fn supply_of(ctx: &Context, index: &SearchIndex, d: &Demand, kind: &str, id: i64) -> Result<Supply> {
    let wanted = demand_words(index, d);
    match kind {
        "result" => {
            let f = search_faces::results(ctx.store().pool(), &[id]).await?.into_iter().next().ok_or(Error::NotFound)?;
            let verified = pocnet_domain::research_result::ResultState::parse(&f.state).is_ok_and(|s| s.verified_for_investors());
            Ok(Supply { org: Some(f.owner_org_id), host: f.center_host, verified, fit: score_result(ctx, d, &wanted, &f, 0.0) })
        }
        "center" => {
            let c = centers::get(ctx.store().pool(), CenterId::new(id)).await?;
            Ok(Supply { org: Some(c.host_org_id.get()), host: None, verified: false, fit: score_center(ctx, d, &wanted, &c, 0.0) })
        }
        _ => Err(FieldError::new("kind", "unknown_value", "只能回应推荐的成果或中心（专家推荐仅供参考）").into()),
    }
}

/// Which side the caller answers for: the demand's unit, or the offer's
/// (the result's unit, the operator of the result's center or of the center).
fn side_of(caller: &Caller, access: DemandAccess, supply_org: Option<i64>, supply_host: Option<i64>, kind: &str) -> Result<Side> {
    if access == DemandAccess::Own {
        return Ok(Side::Demand);
    }
    let user = caller.user().ok_or(Error::Forbidden)?;
    let org = Some(user.org_id.get());
    let supplies = match (user.role, kind) {
        (Role::Researcher, "result") => supply_org == org,
        (Role::Center, "result") => supply_host == org,
        (Role::Center, "center") => supply_org == org,
        _ => false,
    };
    if supplies {
        Ok(Side::Supply)
    } else {
        Err(Error::Forbidden)
    }
}

fn parse_answer(input: &AnswerInput) -> Result<(Answer, &'static str)> {
    match input.answer.trim() {
        "accept" => Ok((Answer::Accepted, "")),
        "decline" => {
            let reason = DeclineReason::parse(input.reason.trim()).map_err(|_| FieldError::new("reason", "required", "婉拒须选择原因"))?;
            if reason == DeclineReason::Other && input.note.trim().chars().count() < 2 {
                return Err(FieldError::new("note", "required", "选择“其他原因”时须写明原因").into());
            }
            Ok((Answer::Declined, reason.as_str()))
        }
        _ => Err(FieldError::unknown_value("answer", "回应").into()),
    }
}

/// Answers a proposed match for the caller's side; answers the match as it now stands.
pub async fn answer(ctx: &Context, index: &SearchIndex, caller: &Caller, demand_id: DemandId, input: &AnswerInput) -> Result<MatchRecord> {
    let (d, access) = demand_flow::load(ctx, caller, demand_id).await?;
    let kind = input.kind.trim();
    let subject = input.subject_id.ok_or_else(|| FieldError::required("subject_id", "匹配对象"))?;
    let supply = supply_of(ctx, index, &d, kind, subject).await?;
    let side = side_of(caller, access, supply.org, supply.host, kind)?;
    // Either side answers only an offer it may see: the supply side its own;
    // the demand side one matching could propose to it (verified results'
    // public faces, public centers, or what its own scope shows).
    match kind {
        "result" => {
            if side == Side::Supply || !supply.verified {
                crate::library::load(ctx, caller, ResultId::new(subject)).await?;
            }
        }
        _ => {
            crate::registry::load(ctx, Some(caller), CenterId::new(subject), crate::registry::Access::Public).await?;
        }
    }
    let (answer, reason) = parse_answer(input)?;
    if !d.state.open() || d.deadline < ctx.today() {
        return Err(Error::Conflict { code: "demand_closed", message: format!("需求{}或已过截止日期，不能再回应", d.state.label_zh()), field: None });
    }
    let note = input.note.trim();
    let components = serde_json::to_string(&supply.fit).map_err(|e| Error::Internal(e.to_string()))?;
    // Two answers racing (one per side) both land: a lost insert or a stale
    // version re-reads the match and applies the answer again.
    for _ in 0..3 {
        let mut tx = ctx.store().write().await?;
        let existing = matches::find(&mut *tx, demand_id, kind, subject).await?;
        let (mut demand_side, mut supply_side) = match &existing {
            Some(m) => ((m.demand_answer, m.demand_reason.clone()), (m.supply_answer, m.supply_reason.clone())),
            None => ((Answer::Pending, String::new()), (Answer::Pending, String::new())),
        };
        if let Some(m) = &existing {
            if m.stage != MatchStage::Proposed {
                return Err(Error::Conflict { code: "already_answered", message: format!("此匹配{}，不能再更改回应", m.stage.label_zh()), field: None });
            }
        }
        match side {
            Side::Demand => demand_side = (answer, reason.to_owned()),
            Side::Supply => supply_side = (answer, reason.to_owned()),
        }
        let stage = MatchStage::after_answers(demand_side.0, supply_side.0);
        let change = MatchChange {
            demand: (demand_side.0, &demand_side.1),
            supply: (supply_side.0, &supply_side.1),
            stage,
            contract_yuan: None,
            note,
            action: "match.answer",
            reason: (!note.is_empty()).then_some(note),
        };
        let written = match &existing {
            Some(m) => matches::update(&mut tx, &caller.actor(), ctx.now(), m.id, m.version, &change).await.map(|_| m.id),
            None => {
                let new = NewMatch {
                    demand_id,
                    subject_kind: kind,
                    subject_id: subject,
                    demand_org_id: d.org_id,
                    supply_org_id: supply.org,
                    supply_host_org_id: supply.host,
                    region: d.region,
                    score: (supply.fit.total * 10.0).round() as i64,
                    components: &components,
                };
                matches::insert(&mut tx, &caller.actor(), ctx.now(), &new, &change).await
            }
        };
        match written {
            Ok(id) => {
                let m = matches::get(&mut *tx, id).await?;
                tx.commit().await?;
                return Ok(m);
            }
            Err(StoreError::VersionConflict { .. } | StoreError::Duplicate { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Conflict { code: "version_conflict", message: "对方同时在回应，请刷新后重试".into(), field: None })
}

/// A follow-up as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    /// `contacted`, `negotiating`, `contract`, `landed` or `dropped`.
    pub stage: String,
    /// Reason code when stopping (`dropped`).
    #[serde(default)]
    pub reason: String,
    /// Contract amount in yuan (签约, 落地).
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub contract_yuan: String,
    /// What happened.
    #[serde(default)]
    pub note: String,
    /// The version read.
    #[serde(deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Whether the caller takes part in a match (either side) or oversees it.
fn may_follow(caller: &Caller, m: &MatchRecord) -> bool {
    let Some(user) = caller.user() else { return true };
    let org = Some(user.org_id.get());
    match user.role {
        Role::Bureau => true,
        Role::County | Role::Researcher => m.demand_org_id == user.org_id || (user.role == Role::Researcher && m.supply_org_id == org),
        Role::Center => m.supply_host_org_id == org || (m.subject_kind == "center" && m.supply_org_id == org),
        Role::Expert | Role::Investor | Role::Manager => false,
    }
}

/// Which matches the caller may read: the bureau all; a county its region's demands';
/// a unit or operator those it takes part in.
pub fn scope_for(caller: &Caller) -> Result<MatchScope> {
    let Some(user) = caller.user() else { return Ok(MatchScope::All) };
    Ok(match user.role {
        Role::Bureau => MatchScope::All,
        Role::County => MatchScope::Region(user.org_region),
        Role::Researcher | Role::Center => MatchScope::Org(user.org_id),
        Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
    })
}

/// Whether a caller whose match scope is `scope` ([`scope_for`]) may read `m`: the record form of the list's scope.
pub fn may_read(caller: &Caller, scope: MatchScope, m: &MatchRecord) -> bool {
    match scope {
        MatchScope::All => true,
        MatchScope::Region(r) => m.region == r || may_follow(caller, m),
        MatchScope::Org(o) => m.demand_org_id == o || m.supply_org_id == Some(o.get()) || m.supply_host_org_id == Some(o.get()),
    }
}

/// Reads a match the caller may read.
pub async fn load(ctx: &Context, caller: &Caller, id: MatchId) -> Result<MatchRecord> {
    let m = matches::get(ctx.store().pool(), id).await?;
    if may_read(caller, scope_for(caller)?, &m) {
        Ok(m)
    } else {
        Err(Error::NotFound)
    }
}

/// Moves a match on the docking list forward (either side or the bureau). A
/// landing of a result records it as the result's outcome (落地转化) and marks the demand met.
pub async fn follow_up(ctx: &Context, caller: &Caller, id: MatchId, input: &FollowUpInput) -> Result<MatchRecord> {
    let m = load(ctx, caller, id).await?;
    if !may_follow(caller, &m) {
        return Err(Error::Forbidden);
    }
    let version = crate::input::version(input.version)?;
    let to = MatchStage::parse(input.stage.trim()).map_err(|_| FieldError::unknown_value("stage", "跟进状态"))?;
    let reason = match input.reason.trim() {
        "" => None,
        r => Some(DeclineReason::parse(r).map_err(|_| FieldError::unknown_value("reason", "终止原因"))?),
    };
    let amount = match input.contract_yuan.trim() {
        "" => None,
        raw => Some(parse_yuan("contract_yuan", "合同金额", raw)?),
    };
    let stage = m.stage.follow_up(to, reason, amount.is_some())?;
    let note = input.note.trim();
    let contract = amount.map(|a| a.get()).or(m.contract_yuan);
    let change = MatchChange {
        demand: (m.demand_answer, &m.demand_reason),
        supply: (m.supply_answer, &m.supply_reason),
        stage,
        contract_yuan: contract,
        note: if note.is_empty() { reason.map(|r| r.label_zh()).unwrap_or("") } else { note },
        action: "match.follow_up",
        reason: reason.map(|r| r.as_str()),
    };
    let mut tx = ctx.store().write().await?;
    matches::update(&mut tx, &caller.actor(), ctx.now(), id, version, &change).await?;
    if stage == MatchStage::Landed {
        if m.subject_kind == "result" {
            let evidence = format!("供需对接#{}：{}", m.id, m.demand_title);
            let amount = pocnet_domain::money::Yuan::new(contract.unwrap_or(0));
            store_v::add_outcome(&mut tx, &caller.actor(), ctx.now(), ResultId::new(m.subject_id), OutcomeKind::LandedTransfer, ctx.today(), amount, &evidence).await?;
        }
        let d = demands::get(&mut *tx, m.demand_id).await?;
        if d.state.open() {
            demands::set_state(&mut tx, &caller.actor(), ctx.now(), d.id, d.version, DemandState::Met, d.listed_year, Some("对接已落地")).await?;
        }
    }
    let m = matches::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(m)
}

/// A page of the matches the caller may read (the docking list when `filter.docking`).
pub async fn list(ctx: &Context, caller: &Caller, filter: &MatchFilter, dir: SortDir, page: Page) -> Result<Paged<MatchRecord>> {
    let scope = scope_for(caller)?;
    Ok(matches::list(ctx.store().pool(), scope, filter, dir, page).await?)
}
