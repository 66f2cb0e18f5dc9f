//! Supply–demand matching on the web (三单联动): industry demands, their
//! proposed matches with every score component, answers, and the docking list
//! (精准对接清单). Pages in [`html`], JSON in [`api`]; the workflows are
//! `pocnet_app::matching`.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::non_empty;
use crate::AppState;
use pocnet_domain::matching::{DemandState, MatchStage};
use pocnet_domain::region::Region;
use pocnet_domain::FieldError;
use pocnet_store::matching::demands::DemandFilter;
use pocnet_store::matching::matches::MatchFilter;
use serde::Deserialize;

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// Filters of the demand list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DemandQuery {
    /// `published`, `listed`, `met` or `withdrawn`.
    pub state: Option<String>,
    /// Field code.
    pub field: Option<String>,
    /// Region, e.g. `瑞安市`.
    pub region: Option<String>,
    /// Year of the 重点产业需求清单.
    pub year: Option<String>,
    /// `1`: only my unit's.
    pub mine: Option<String>,
    /// `1`: only those still open to answers.
    pub open: Option<String>,
}

impl DemandQuery {
    /// The store filter; a bad value names its parameter.
    pub fn filter(&self, state: &AppState, me: &CurrentUser) -> AppResult<DemandFilter> {
        let mut errors = Vec::new();
        let st = non_empty(&self.state).and_then(|s| DemandState::parse(s).map_err(|_| errors.push(FieldError::unknown_value("state", "需求状态"))).ok());
        let field = non_empty(&self.field).map(str::to_owned);
        if field.as_deref().is_some_and(|f| !crate::routes::experts::is_field(state, f)) {
            errors.push(FieldError::unknown_value("field", "产业领域"));
        }
        let region = non_empty(&self.region).and_then(|r| Region::parse(r).map_err(|_| errors.push(FieldError::unknown_value("region", "地区"))).ok());
        let year = non_empty(&self.year).and_then(|y| {
            y.parse::<i64>().ok().filter(|y| (2000..=2100).contains(y)).or_else(|| {
                errors.push(FieldError::new("year", "out_of_range", "清单年度应为四位年份"));
                None
            })
        });
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mine = non_empty(&self.mine).is_some_and(|m| m == "1" || m == "true");
        let open = non_empty(&self.open).is_some_and(|m| m == "1" || m == "true");
        Ok(DemandFilter {
            state: st,
            field,
            region,
            org_id: mine.then_some(me.user.org_id),
            listed_year: year,
            open_on: open.then(|| state.context().today()),
            hide_withdrawn: false,
        })
    }

    /// The filters as query-string pairs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![("state", v(&self.state)), ("field", v(&self.field)), ("region", v(&self.region)), ("year", v(&self.year)), ("mine", v(&self.mine)), ("open", v(&self.open))]
    }
}

/// Filters of the match list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// A stage: `proposed`, `declined`, `docking`, `contacted`, `negotiating`, `contract`, `landed`, `dropped`.
    pub stage: Option<String>,
    /// `0`: every answered match, not only the docking list (default `1`).
    pub docking: Option<String>,
}

impl MatchQuery {
    /// The store filter.
    pub fn filter(&self) -> AppResult<MatchFilter> {
        let stage = match non_empty(&self.stage) {
            None => None,
            Some(s) => Some(MatchStage::parse(s).map_err(|_| FieldError::unknown_value("stage", "对接状态"))?),
        };
        Ok(MatchFilter { stage, docking: non_empty(&self.docking) != Some("0"), demand_id: None })
    }
}
