//! The public service map (服务地图, 004 四(一)): the network's public centers
//! and pilot platforms by region and field — a tile map drawn on the server
//! (SVG), each tile leading to its region's centers, each center to its public
//! card — at `/service-map` (no sign-in) and `GET /api/v1/service-map`. Read
//! from the registry kept in memory while no center changes.

use crate::auth::session::Auth;
use crate::error::{AppError, AppResult};
use crate::extract::{non_empty, QueryParams};
use crate::views::{render, Chrome, Choice};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use pocnet_domain::center::CenterKind;
use pocnet_domain::region::Region;
use pocnet_domain::service_map::{self, Tile};
use pocnet_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new().route("/service-map", get(page));
    OpenApiRouter::new().routes(routes!(api_map)).merge(html.into())
}

/// What the map shows.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// Only centers serving this field code, e.g. `new_energy`.
    pub field: Option<String>,
    /// `poc_center` or `pilot_platform`.
    pub kind: Option<String>,
    /// List this region's centers under the map (default: every region's).
    pub region: Option<String>,
}

/// A center on the map: its public card.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MapCenter {
    /// Id (its public card is `/centers/{id}`).
    pub id: i64,
    /// Name.
    pub name: String,
    /// `poc_center` or `pilot_platform`.
    pub kind: CenterKind,
    /// Level, in Chinese.
    pub level: String,
    /// Stage, in Chinese.
    pub stage: String,
    /// Field labels.
    pub fields: Vec<String>,
    /// Host unit.
    pub host: String,
}

/// A region on the map.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MapRegion {
    /// Region.
    pub region: Region,
    /// Column of its tile (0 = west).
    pub col: u32,
    /// Row of its tile (0 = north).
    pub row: u32,
    /// Public proof-of-concept centers.
    pub poc_centers: usize,
    /// Public pilot platforms.
    pub pilot_platforms: usize,
    /// Its centers (every region's, or only the one asked for).
    pub centers: Vec<MapCenter>,
}

/// The map.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceMap {
    /// Every region, in tile order.
    pub regions: Vec<MapRegion>,
}

async fn build(state: &AppState, q: &MapQuery) -> AppResult<ServiceMap> {
    let mut errors = Vec::new();
    let field = non_empty(&q.field).map(str::to_owned);
    if field.as_deref().is_some_and(|f| !crate::routes::experts::is_field(state, f)) {
        errors.push(FieldError::unknown_value("field", "产业领域"));
    }
    let kind = non_empty(&q.kind).and_then(|k| CenterKind::parse(k).map_err(|_| errors.push(FieldError::unknown_value("kind", "类型"))).ok());
    let region = non_empty(&q.region).and_then(|r| Region::parse(r).map_err(|_| errors.push(FieldError::unknown_value("region", "地区"))).ok());
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let all = state.all_centers().await?;
    let shown: Vec<&pocnet_store::centers::Center> = all
        .iter()
        .filter(|c| c.is_public())
        .filter(|c| field.as_ref().is_none_or(|f| c.fields.contains(f)))
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .collect();
    let tiles: Vec<Tile> = service_map::tiles(&shown.iter().map(|c| (c.region, c.kind)).collect::<Vec<_>>());
    let label = |code: &str| pocnet_app::matching::field_label(state.context(), code);
    let regions = tiles
        .into_iter()
        .map(|t| {
            let listed = region.is_none_or(|r| r == t.region);
            let mut centers: Vec<MapCenter> = shown
                .iter()
                .filter(|c| listed && c.region == t.region)
                .map(|c| MapCenter {
                    id: c.id.get(),
                    name: c.name.clone(),
                    kind: c.kind,
                    level: c.level.label_zh().to_owned(),
                    stage: c.stage.label_zh().to_owned(),
                    fields: c.fields.iter().map(|f| label(f)).collect(),
                    host: c.host_org_name.clone(),
                })
                .collect();
            centers.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));
            MapRegion { region: t.region, col: t.col, row: t.row, poc_centers: t.poc, pilot_platforms: t.pilot, centers }
        })
        .collect();
    Ok(ServiceMap { regions })
}

/// The public service map: every region's public centers and pilot platforms, by field and kind.
#[utoipa::path(get, path = "/api/v1/service-map", operation_id = "service_map", tag = "registry", params(MapQuery),
    responses((status = 200, body = ServiceMap), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_map(State(state): State<AppState>, QueryParams(q): QueryParams<MapQuery>) -> AppResult<Json<ServiceMap>> {
    Ok(Json(build(&state, &q).await?))
}

#[derive(Template)]
#[template(path = "service_map.html")]
struct Page {
    chrome: Chrome,
    svg: String,
    map: ServiceMap,
    q: MapQuery,
    fields: Vec<Choice>,
    total: usize,
}

async fn page(State(state): State<AppState>, auth: Auth, QueryParams(q): QueryParams<MapQuery>) -> AppResult<Response> {
    let map = build(&state, &q).await?;
    let tiles: Vec<Tile> =
        map.regions.iter().map(|r| Tile { region: r.region, col: r.col, row: r.row, poc: r.poc_centers, pilot: r.pilot_platforms }).collect();
    let keep = |r: Region| {
        let mut pairs = vec![("field", q.field.clone().unwrap_or_default()), ("kind", q.kind.clone().unwrap_or_default()), ("region", r.as_str().to_owned())];
        pairs.retain(|(_, v)| !v.is_empty());
        format!("{}#centers", crate::views::url("/service-map", &pairs))
    };
    let svg = crate::charts::service_map("概念验证中心与中试平台服务地图", &tiles, &keep);
    let fields = crate::routes::registry::field_choices(&state);
    let total = map.regions.iter().map(|r| r.poc_centers + r.pilot_platforms).sum();
    Ok(render(&Page { chrome: Chrome::public(Some(&auth), "服务地图", "service_map"), svg, map, q, fields, total }))
}
