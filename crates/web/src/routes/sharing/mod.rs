//! Sharing the network's resources on the web (资源共享): the shared resource
//! directory with its named views — the 验证能力互补清单, the instrument sharing
//! list, the pilot platforms' 服务资源目录清单 — requests to use a resource and
//! their answers, Shanghai's four lists (四张清单) and the supporting policies.
//! Pages in [`html`], JSON in [`api`]; the workflows are `pocnet_app::sharing`.

pub mod api;
pub mod html;

use crate::error::{AppError, AppResult};
use crate::extract::non_empty;
use crate::AppState;
use pocnet_app::sharing::lists::{self, CapabilityCoverage, ServiceField};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::{CenterId, OfferId};
use pocnet_domain::region::Region;
use pocnet_domain::sharing::{OfferKind, OfferState, Qualification, RequestState};
use pocnet_domain::FieldError;
use pocnet_store::sharing::offers::OfferFilter;
use pocnet_store::sharing::requests::RequestFilter;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// Filters of the shared resource directory.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    /// `capability` (验证能力互补清单), `instrument` (仪器设备共享), `line`, `environment` or `scenario`.
    pub kind: Option<String>,
    /// `poc_center` or `pilot_platform` (服务资源目录清单).
    pub center_kind: Option<String>,
    /// Field code.
    pub field: Option<String>,
    /// The center's region, e.g. `瑞安市`.
    pub region: Option<String>,
    /// Only this center's.
    pub center_id: Option<String>,
    /// `cnas` or `cma`.
    pub qualification: Option<String>,
    /// `open`, `paused` or `withdrawn` (withdrawn ones only to their center and the bureau).
    pub state: Option<String>,
}

impl OfferQuery {
    /// The store filter (its scope is set by the workflow); a bad value names its parameter.
    pub fn filter(&self, state: &AppState) -> AppResult<OfferFilter> {
        let mut errors = Vec::new();
        // Each value parsed once into its type; a bad one names its parameter.
        let mut bad = |field: &str, label: &str| errors.push(FieldError::unknown_value(field, label));
        let kind = non_empty(&self.kind).and_then(|k| OfferKind::parse(k).map_err(|_| bad("kind", "资源类别")).ok());
        let center_kind = non_empty(&self.center_kind).and_then(|k| CenterKind::parse(k).map_err(|_| bad("center_kind", "平台类型")).ok());
        let field = non_empty(&self.field).map(str::to_owned);
        if field.as_deref().is_some_and(|f| !crate::routes::experts::is_field(state, f)) {
            bad("field", "产业领域");
        }
        let region = non_empty(&self.region).and_then(|r| Region::parse(r).map_err(|_| bad("region", "地区")).ok());
        let center_id = non_empty(&self.center_id).and_then(|c| c.parse::<i64>().ok().filter(|n| *n > 0).map(CenterId::new).or_else(|| {
            bad("center_id", "中心");
            None
        }));
        let qualification = non_empty(&self.qualification).and_then(|q| Qualification::parse(q).map_err(|_| bad("qualification", "资质")).ok());
        let st = non_empty(&self.state).and_then(|s| OfferState::parse(s).map_err(|_| bad("state", "状态")).ok());
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(OfferFilter { kind, center_kind, field, region, center_id, qualification, state: st, ..OfferFilter::public() })
    }

    /// The filters as query-string pairs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![
            ("kind", v(&self.kind)),
            ("center_kind", v(&self.center_kind)),
            ("field", v(&self.field)),
            ("region", v(&self.region)),
            ("center_id", v(&self.center_id)),
            ("qualification", v(&self.qualification)),
            ("state", v(&self.state)),
        ]
    }

    /// The list's name: the named list a filter makes, or the directory.
    pub fn title(&self) -> &'static str {
        match (non_empty(&self.kind), non_empty(&self.center_kind)) {
            (Some("capability"), _) => "验证能力互补清单",
            (Some("instrument"), _) => "仪器设备共享清单",
            (Some("scenario"), _) => "场景应用清单",
            (_, Some("pilot_platform")) => "中试平台服务资源目录清单",
            _ => "共享资源目录",
        }
    }
}

/// Filters of the request list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// `requested`, `accepted`, `declined`, `withdrawn`, `completed` or `cancelled`.
    pub state: Option<String>,
    /// `sent`: those my unit sent; `received`: those made to my centers (default: both).
    pub side: Option<String>,
    /// Only requests for this resource.
    pub offer_id: Option<String>,
}

impl RequestQuery {
    /// The store filter (narrowed to the caller by the workflow).
    pub fn filter(&self, me: &crate::auth::CurrentUser) -> AppResult<RequestFilter> {
        let mut errors = Vec::new();
        let state = non_empty(&self.state).and_then(|s| RequestState::parse(s).map_err(|_| errors.push(FieldError::unknown_value("state", "申请状态"))).ok());
        let side = non_empty(&self.side);
        if side.is_some_and(|s| s != "sent" && s != "received") {
            errors.push(FieldError::unknown_value("side", "申请方向"));
        }
        let offer_id = non_empty(&self.offer_id).and_then(|o| {
            o.parse::<i64>().ok().filter(|n| *n > 0).map(OfferId::new).or_else(|| {
                errors.push(FieldError::unknown_value("offer_id", "资源"));
                None
            })
        });
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut f = RequestFilter { state, offer_id, ..RequestFilter::default() };
        match side {
            Some("sent") => f.requester = Some(me.user.org_id),
            Some("received") => f.centers = vec![CenterId::new(0)],
            _ => {}
        }
        Ok(f)
    }

    /// The filters as query-string pairs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![("state", v(&self.state)), ("side", v(&self.side)), ("offer_id", v(&self.offer_id))]
    }
}

/// Shanghai's 服务领域 list and the 验证能力互补清单's coverage, as the API answers them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SharingLists {
    /// 服务领域: each field with the public centers serving it and the listed offers in it.
    pub service_fields: Vec<ServiceField>,
    /// 验证能力互补清单: capabilities listed per field and region.
    pub capability_coverage: CapabilityCoverage,
}

/// What the four lists' page and the capability list read once per change of the registry or
/// of an offer: the two computed lists, and the latest capabilities and scenarios (public ones).
pub struct FourLists {
    /// 服务领域 and the capability coverage.
    pub lists: SharingLists,
    /// 服务内容: the ten latest listed capabilities.
    pub content: Vec<pocnet_store::sharing::offers::Offer>,
    /// 场景应用: the ten latest listed scenarios.
    pub scenarios: Vec<pocnet_store::sharing::offers::Offer>,
}

/// The lists, built once per change of the registry or of an offer.
pub(crate) async fn sharing_lists(state: &AppState) -> AppResult<Arc<FourLists>> {
    let pool = state.store().pool();
    let generation = pocnet_store::tallies::centers_generation(pool).await?;
    let build = || async {
        let centers = state.all_centers().await?;
        let coverage = pocnet_store::sharing::offers::coverage(pool).await?;
        let catalogue: Vec<(String, String)> = crate::routes::registry::field_choices(state).into_iter().map(|c| (c.code, c.label)).collect();
        let latest = |kind: OfferKind| async move {
            let filter = OfferFilter { kind: Some(kind), ..OfferFilter::public() };
            let page = pocnet_store::Page::new(Some(1), Some(10));
            AppResult::Ok(pocnet_store::sharing::offers::list(pool, &filter, "updated_at", pocnet_store::SortDir::Desc, page).await?.items)
        };
        AppResult::Ok(FourLists {
            lists: SharingLists {
                service_fields: lists::service_fields(&catalogue, &centers, &coverage),
                capability_coverage: lists::capability_coverage(&catalogue, &coverage),
            },
            content: latest(OfferKind::Capability).await?,
            scenarios: latest(OfferKind::Scenario).await?,
        })
    };
    state.inner.sharing_lists.get_or_build((), generation, build).await
}
