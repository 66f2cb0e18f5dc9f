//! Investors' interest in verified projects (表达意向 → 对接 → 投资; 000 二(十一)). An
//! investor's account expresses interest in a project it may see (verified or handed off);
//! the project's owner unit and its center each accept or decline; once both accepted, the
//! investor signs the confidentiality pledge — and from then on reads the project's trade
//! secrets ([`Standing::PledgedInvestor`](pocnet_domain::library::secrecy::Standing)) — and
//! records due diligence, the term sheet and the investment with their amounts. The parties
//! and the bureau read an interest; nobody else learns of it.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::finance::investment::{needs_amount, next_interest_state, InterestParty, InterestState, InterestStep};
use pocnet_domain::id::{CenterId, InterestId, ResultId, RoadshowId};
use pocnet_domain::money::{parse_yuan, Yuan};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::finance::interests::{self as store, CenterInvestment, Interest, InterestFilter, NewInterest, StepChange, StepRecord, YearTally};
use pocnet_store::{Page, Paged};
use serde::{Deserialize, Serialize};

/// An interest as expressed (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ExpressInput {
    /// What the investor proposes (stage, ticket, what it wants to know), 2–500 characters.
    pub message: String,
    /// The roadshow it saw the project at, if any (it must show the project).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub roadshow_id: Option<i64>,
}

/// Expresses interest in a verified project (an investor's account).
pub async fn express(ctx: &Context, caller: &Caller, result: ResultId, input: &ExpressInput) -> Result<Interest> {
    let u = caller.user().ok_or(Error::Forbidden)?;
    if u.role != Role::Investor {
        return Err(Error::Forbidden);
    }
    let pool = ctx.store().pool();
    let p = pocnet_store::library::pipeline::get(pool, result).await?;
    if !p.state.verified_for_investors() {
        return Err(Error::NotFound);
    }
    let Some(center) = p.center_id else { return Err(Error::NotFound) };
    let message = pocnet_domain::validation::multiline("message", "意向说明", &input.message, 2, 500)?;
    let roadshow = match input.roadshow_id {
        Some(r) => {
            let r = RoadshowId::new(r);
            if !pocnet_store::finance::roadshows::shows(pool, r, result).await? {
                return Err(FieldError::new("roadshow_id", "not_shown", "该路演未推介这个项目").into());
            }
            Some(r)
        }
        None => None,
    };
    let mut tx = ctx.store().write().await?;
    let n = NewInterest { result, center, owner: p.owner_org_id, investor: u.org_id, roadshow, message: &message };
    let id = store::express(&mut tx, &caller.actor(), ctx.now(), ctx.today(), &n).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "interest_open", message: "本机构对该项目已有进行中的意向".into(), field: None },
        e => e.into(),
    })?;
    let i = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(i)
}

/// The side the caller takes on an interest, if it is a party.
fn party_of(caller: &Caller, i: &Interest) -> Option<InterestParty> {
    let u = caller.user()?;
    match u.role {
        Role::Investor if u.org_id == i.investor_org_id => Some(InterestParty::Investor),
        Role::Researcher if u.org_id == i.owner_org_id => Some(InterestParty::Owner),
        Role::Center if u.org_id == i.center_host_org_id => Some(InterestParty::Center),
        _ => None,
    }
}

/// An interest the caller may read: its parties and the bureau (404 for anyone else).
async fn readable(ctx: &Context, caller: &Caller, id: InterestId) -> Result<(Interest, Option<InterestParty>)> {
    let i = store::get(ctx.store().pool(), id).await?;
    let party = party_of(caller, &i);
    let bureau = caller.user().is_none_or(|u| u.role == Role::Bureau);
    if party.is_none() && !bureau {
        return Err(Error::NotFound);
    }
    Ok((i, party))
}

/// A step as sent (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = InterestStepInput)]
pub struct StepInput {
    /// `accept`, `decline` (owner unit or center), `pledge`, `diligence`, `term_sheet`, `invest`, `withdraw` (the investor).
    pub step: String,
    /// The amount in yuan (term sheet and investment).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub amount_yuan: Option<i64>,
    /// The reason (decline, withdrawal: 2–200 characters) or a note.
    #[serde(default)]
    pub note: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Takes a step on an interest (its parties, each its own steps).
pub async fn step(ctx: &Context, caller: &Caller, id: InterestId, input: &StepInput) -> Result<InterestView> {
    let (i, party) = readable(ctx, caller, id).await?;
    let party = party.ok_or(Error::Forbidden)?;
    let step = InterestStep::parse(input.step.trim()).map_err(|_| FieldError::unknown_value("step", "步骤"))?;
    let version = crate::input::version(input.version)?;
    let (mine, other) = party.sides(i.owner_accepted, i.center_accepted);
    if step == InterestStep::Accept && mine && i.state == InterestState::Expressed {
        return Err(Error::Conflict { code: "already_accepted", message: "本方已同意对接，正等待另一方".into(), field: None });
    }
    let to = next_interest_state(i.state, step, party, other).map_err(|m| Error::Rule { code: "step_not_allowed", message: m.into() })?;
    let amount = if needs_amount(step) {
        let raw = input.amount_yuan.map(|a| a.to_string()).unwrap_or_default();
        let a = parse_yuan("amount_yuan", "金额", &raw)?;
        if a <= Yuan::ZERO {
            return Err(FieldError::new("amount_yuan", "not_positive", "金额须大于0").into());
        }
        Some(a)
    } else {
        None
    };
    let note = if matches!(step, InterestStep::Decline | InterestStep::Withdraw) {
        pocnet_domain::validation::text("note", "原因", &input.note, 2, 200)?
    } else {
        pocnet_domain::validation::text("note", "备注", &input.note, 0, 200)?
    };
    let (owner_accepted, center_accepted) = party.acceptances_after(step, i.owner_accepted, i.center_accepted);
    let change = StepChange {
        step,
        party: party.code(),
        to,
        owner_accepted,
        center_accepted,
        amount,
        note: &note,
    };
    let mut tx = ctx.store().write().await?;
    store::step(&mut tx, &caller.actor(), ctx.now(), ctx.today(), &i, version, &change).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// An interest as one of its parties (or the bureau) sees it, with what the caller may do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InterestView {
    /// The interest.
    pub interest: Interest,
    /// Its steps in order.
    pub steps: Vec<StepRecord>,
    /// The caller's side: `investor`, `owner`, `center`, or none (the bureau reads).
    pub party: Option<String>,
    /// The steps the caller may take now.
    pub may: Vec<InterestStep>,
    /// What happens next, in words.
    pub next: String,
}

/// The steps `party` may take on `i` now.
fn available(i: &Interest, party: Option<InterestParty>) -> Vec<InterestStep> {
    let Some(party) = party else { return Vec::new() };
    let (mine, other) = party.sides(i.owner_accepted, i.center_accepted);
    InterestStep::ALL
        .iter()
        .copied()
        .filter(|s| !(*s == InterestStep::Accept && mine))
        .filter(|s| next_interest_state(i.state, *s, party, other).is_ok())
        .collect()
}

/// What happens next on `i`, in words.
fn next_words(i: &Interest) -> String {
    match i.state {
        InterestState::Expressed => match (i.owner_accepted, i.center_accepted) {
            (true, false) => "成果方已同意，等待概念验证中心同意对接".into(),
            (false, true) => "概念验证中心已同意，等待成果方同意对接".into(),
            _ => "等待成果方和概念验证中心同意对接".into(),
        },
        InterestState::Accepted => "双方已同意对接，投资机构签署保密承诺后可查阅项目商业秘密".into(),
        InterestState::Pledged => "投资机构已签署保密承诺，可开展尽职调查或签署投资意向书".into(),
        InterestState::DueDiligence => "尽职调查中，完成后签署投资意向书或直接登记投资".into(),
        InterestState::TermSheet => "已签署投资意向书，投资完成后登记投资金额".into(),
        InterestState::Invested => "已完成投资，对接结束".into(),
        InterestState::Declined => format!("已婉拒：{}", i.reason),
        InterestState::Withdrawn => format!("投资机构已撤回：{}", i.reason),
    }
}

/// One interest (its parties and the bureau).
pub async fn view(ctx: &Context, caller: &Caller, id: InterestId) -> Result<InterestView> {
    let (i, party) = readable(ctx, caller, id).await?;
    Ok(InterestView {
        steps: store::steps(ctx.store().pool(), id).await?,
        party: party.map(|p| p.code().to_owned()),
        may: available(&i, party),
        next: next_words(&i),
        interest: i,
    })
}

/// Which interests a list shows (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One state.
    #[serde(default)]
    pub state: Option<String>,
    /// One project.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub result_id: Option<i64>,
}

/// The caller's interests: an investor its unit's, a researcher those on its unit's projects, an
/// operator those on its centers' projects, the bureau all; others none (403).
pub async fn list(ctx: &Context, caller: &Caller, q: &ListQuery, page: Page) -> Result<Paged<Interest>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(InterestState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let mut filter = InterestFilter { state, result: q.result_id.map(ResultId::new), ..InterestFilter::default() };
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Investor => filter.investor = Some(u.org_id),
            Role::Researcher => filter.owner = Some(u.org_id),
            Role::Center => {
                filter.centers = pocnet_store::centers::hosted_by(ctx.store().pool(), u.org_id).await?.iter().map(|c| c.id).collect();
                if filter.centers.is_empty() {
                    return Ok(Paged::exact(Vec::new(), 0, page));
                }
            }
            Role::County | Role::Expert | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::list(ctx.store().pool(), &filter, page).await?)
}

/// The caller's unit's open interest in a project (an investor), for the project's page.
pub async fn mine_on(ctx: &Context, caller: &Caller, result: ResultId) -> Result<Option<Interest>> {
    match caller.user() {
        Some(u) if u.role == Role::Investor => Ok(store::open_of(ctx.store().pool(), result, u.org_id).await?),
        _ => Ok(None),
    }
}

/// A center's investment figures (its operators and the bureau; the center's page).
pub async fn of_center(ctx: &Context, center: CenterId) -> Result<CenterInvestment> {
    Ok(store::of_center(ctx.store().pool(), center).await?)
}

/// The network's figures for a year (the bureau's dashboard).
pub async fn year_tally(ctx: &Context, year: i32) -> Result<YearTally> {
    Ok(store::tally(ctx.store().pool(), year).await?)
}
