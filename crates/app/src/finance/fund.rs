//! The 市科创基金's view (000 二(十一)): projects verified by a municipal-or-higher center carry
//! the fund's priority flag, and each shows where it is on the relay 验证 → 孵化 → 产业化. The
//! list is the verified projects' public face, a page at a time, for investors and the bureau.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::finance::investment::{fund_priority, relay_stage, RelayStage};
use pocnet_domain::id::ResultId;
use pocnet_domain::outcome::OutcomeKind;
use pocnet_domain::role::Role;
use pocnet_store::results::{ResultFilter, ResultScope, ResultSummary};
use pocnet_store::{Page, Paged, SortDir};
use serde::{Deserialize, Serialize};

/// A flagged project with its place on the relay.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FundProject {
    /// The project's public face.
    pub project: ResultSummary,
    /// The furthest stage of the relay reached.
    pub relay: Option<RelayStage>,
}

/// Which flagged projects (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FundQuery {
    /// One industry field.
    #[serde(default)]
    pub field: Option<String>,
    /// Title, summary or unit contains.
    #[serde(default)]
    pub q: Option<String>,
}

/// The relay stage of each project from its outcomes (state: verified or handed off).
async fn relays(ctx: &Context, projects: &[(ResultId, pocnet_domain::research_result::ResultState)]) -> Result<Vec<Option<RelayStage>>> {
    let ids: Vec<ResultId> = projects.iter().map(|(id, _)| *id).collect();
    let kinds = pocnet_store::library::verification::outcome_kinds_of(ctx.store().pool(), &ids).await?;
    Ok(projects
        .iter()
        .map(|(id, state)| {
            let of: Vec<OutcomeKind> = kinds.iter().filter(|(r, _)| r == id).map(|(_, k)| *k).collect();
            relay_stage(*state, &of)
        })
        .collect())
}

/// A page of the projects with the fund's priority, newest first (investors and the bureau).
pub async fn priority(ctx: &Context, caller: &Caller, q: &FundQuery, page: Page) -> Result<Paged<FundProject>> {
    caller.require(&[Role::Investor, Role::Bureau])?;
    let filter = ResultFilter {
        field: q.field.clone().filter(|f| !f.is_empty()),
        q: q.q.clone().filter(|s| !s.trim().is_empty()),
        fund_priority: true,
        ..ResultFilter::default()
    };
    let rows = pocnet_store::results::list(ctx.store().pool(), ResultScope::Verified, &filter, "submitted_on", SortDir::Desc, page).await?;
    let stages = relays(ctx, &rows.items.iter().map(|r| (r.id, r.state)).collect::<Vec<_>>()).await?;
    let mut stages = stages.into_iter();
    rows.try_map(|project| Ok::<_, Error>(FundProject { project, relay: stages.next().flatten() }))
}

/// A project's place in the fund relay, as its page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Relay {
    /// Whether it carries the 市科创基金 priority flag.
    pub fund_priority: bool,
    /// The furthest stage reached.
    pub stage: Option<RelayStage>,
}

/// Where a project stands on the relay (any caller that may see the project).
pub async fn relay_of(ctx: &Context, p: &pocnet_store::library::pipeline::Project) -> Result<Relay> {
    let level = match p.center_id {
        Some(c) => {
            let c = pocnet_store::centers::get(ctx.store().pool(), c).await?;
            c.counts_as_recognized().then_some(c.level)
        }
        None => None,
    };
    let stage = relays(ctx, &[(p.id, p.state)]).await?.pop().flatten();
    Ok(Relay { fund_priority: fund_priority(p.state, level), stage })
}
