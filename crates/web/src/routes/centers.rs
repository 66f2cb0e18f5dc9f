//! The public home page and the registry of centers (中心名录): the creation
//! list and the recognized centers are public, each with its stage (003 五(一)5
//! 发布创建名单); signed-in roles see more of it.

use crate::auth::session::Auth;
use crate::error::{AppError, AppResult};
use crate::extract::{non_empty, ListParams, QueryParams};
use crate::views::{self, render, Choice, Chrome, Pager, SortHeader};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::region::Region;
use pocnet_domain::FieldError;
use serde::Deserialize;
use pocnet_domain::role::Role;
use pocnet_store::centers::{self, Center, CenterFilter, CenterScope};
use pocnet_store::{Paged, SortDir};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/", get(home)).route("/centers", get(list_page)).routes(routes!(api_list))
}

/// Which centers the caller's registry shows ([`pocnet_app::registry::scope_for`]).
pub fn scope_for(auth: &Auth) -> CenterScope {
    pocnet_app::registry::scope_for(auth.current.as_ref().map(|c| c.caller()).as_ref())
}

/// Filters of the registry.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CenterQuery {
    /// Search: name or host unit contains.
    pub q: Option<String>,
    /// Serves this field code, e.g. `smart_equipment`.
    pub field: Option<String>,
    /// Region, e.g. `瑞安市`.
    pub region: Option<String>,
    /// `municipal` or `provincial`.
    pub level: Option<String>,
    /// Stage code, e.g. `creating`, `recognized`.
    pub stage: Option<String>,
    /// `poc_center` or `pilot_platform`.
    pub kind: Option<String>,
}

impl CenterQuery {
    /// The store filter; every bad value named at once.
    pub fn filter(&self, state: &AppState) -> AppResult<CenterFilter> {
        let mut errors = Vec::new();
        let field = non_empty(&self.field).map(str::to_owned);
        if field.as_deref().is_some_and(|f| !crate::routes::experts::is_field(state, f)) {
            errors.push(FieldError::unknown_value("field", "产业领域"));
        }
        let region = non_empty(&self.region).and_then(|r| Region::parse(r.trim()).map_err(|_| errors.push(FieldError::unknown_value("region", "地区"))).ok());
        let level = non_empty(&self.level).and_then(|l| CenterLevel::parse(l.trim()).map_err(|_| errors.push(FieldError::unknown_value("level", "级别"))).ok());
        let stage = non_empty(&self.stage).and_then(|l| CenterStage::parse(l.trim()).map_err(|_| errors.push(FieldError::unknown_value("stage", "阶段"))).ok());
        let kind = non_empty(&self.kind).and_then(|l| CenterKind::parse(l.trim()).map_err(|_| errors.push(FieldError::unknown_value("kind", "类型"))).ok());
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(CenterFilter { q: non_empty(&self.q).map(|q| q.trim().chars().take(50).collect()), field, region, level, stage, kind })
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![("q", v(&self.q)), ("field", v(&self.field)), ("region", v(&self.region)), ("level", v(&self.level)), ("stage", v(&self.stage)), ("kind", v(&self.kind))]
    }
}

/// Lists centers and pilot platforms visible to the caller (public without login), filtered.
#[utoipa::path(get, path = "/api/v1/centers", operation_id = "list_centers", tag = "registry", params(ListParams, CenterQuery),
    responses((status = 200, description = "中心名录（分页）", body = Paged<Center>), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_list(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<CenterQuery>) -> AppResult<Json<Paged<Center>>> {
    Ok(Json(centers::list(state.store().pool(), scope_for(&auth), &q.filter(&state)?, p.sort_or("name"), p.dir(), p.page()).await?))
}

struct CenterRow {
    id: pocnet_domain::id::CenterId,
    name: String,
    kind: &'static str,
    host: String,
    region: &'static str,
    level: &'static str,
    stage: &'static str,
    stage_public: bool,
    fields: String,
    reevaluation: String,
    reevaluation_overdue: bool,
    recognized_on: String,
    directors: String,
}

fn rows(list: &[Center], today: chrono::NaiveDate) -> Vec<CenterRow> {
    list.iter()
        .map(|c| CenterRow {
            id: c.id,
            name: c.name.clone(),
            kind: c.kind.label_zh(),
            host: c.host_org_name.clone(),
            region: c.region.label_zh(),
            level: c.level.label_zh(),
            stage: c.stage.label_zh(),
            stage_public: c.counts_as_recognized(),
            fields: views::field_labels(&c.fields),
            reevaluation: c.reevaluation_due.map(|d| d.to_string()).unwrap_or_default(),
            reevaluation_overdue: c.reevaluation_overdue(today),
            recognized_on: c.recognized_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            directors: format!("{} / {}", c.admin_director, c.tech_director),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "centers/home.html")]
struct HomePage {
    chrome: Chrome,
    recognized: i64,
    pilot_platforms: i64,
    creating: i64,
    fields_covered: usize,
    fields_total: usize,
    centers: Vec<CenterRow>,
}

async fn home(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    // The twelve latest public centers, from the server's copy of the registry (kept while no center changes).
    let all = state.all_centers().await?;
    let mut public: Vec<&centers::Center> = all.iter().filter(|c| CenterScope::Public.admits(c)).collect();
    public.sort_by(|a, b| b.recognized_on.cmp(&a.recognized_on).then(a.id.cmp(&b.id)));
    let latest: Vec<centers::Center> = public.into_iter().take(12).cloned().collect();
    // The same figures as the bureau's dashboard (issue 10: the pages agree).
    let figures = crate::routes::figures::load(&state, None).await?;
    let (fields_covered, fields_total) = figures.fields_covered();
    let page = HomePage {
        chrome: Chrome::public(Some(&auth), "首页", "home"),
        recognized: figures.counts.recognized_total(),
        pilot_platforms: figures.counts.recognized(CenterKind::PilotPlatform, pocnet_domain::center::CenterLevel::Municipal),
        creating: figures.counts.creating,
        fields_covered,
        fields_total,
        centers: rows(&latest, state.today()),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "centers/centers.html")]
struct CentersPage {
    chrome: Chrome,
    heading: &'static str,
    headers: Vec<SortHeader>,
    centers: Vec<CenterRow>,
    pager: Pager,
    can_register: bool,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    levels: Vec<Choice>,
    stages: Vec<Choice>,
    kinds: Vec<Choice>,
    q: String,
    field: String,
    region: String,
    level: String,
    stage: String,
    kind: String,
}

async fn list_page(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<CenterQuery>) -> AppResult<Response> {
    let scope = scope_for(&auth);
    let sort = p.sort_or("name").to_owned();
    let list = centers::list(state.store().pool(), scope, &q.filter(&state)?, &sort, p.dir(), p.page()).await?;
    let filters = q.pairs();
    let mut keep = filters.clone();
    keep.extend([("sort", sort.clone()), ("dir", p.dir.clone().unwrap_or_default())]);
    let columns = [("name", "名称"), ("level", "级别"), ("stage", "阶段"), ("region", "地区"), ("recognized_on", "认定日期"), ("reevaluation_due", "复评到期")];
    let page = CentersPage {
        chrome: Chrome::public(Some(&auth), "中心名录", "centers"),
        heading: if scope == CenterScope::Public { "创建名单与已认定的概念验证中心、中试平台" } else { "概念验证中心与中试平台名录" },
        headers: views::sort_headers("/centers", &columns, &sort, p.dir() == SortDir::Desc, &filters),
        centers: rows(&list.items, state.today()),
        pager: Pager::new("/centers", &list, &keep),
        can_register: auth.current.as_ref().is_some_and(|u| matches!(u.user.role, Role::Center | Role::Bureau)),
        fields: crate::routes::registry::catalogue_labels(&state).into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        regions: crate::views::region_choices(),
        levels: CenterLevel::ALL.iter().map(|l| Choice::new(l.as_str(), l.label_zh())).collect(),
        stages: CenterStage::ALL.iter().map(|l| Choice::new(l.as_str(), l.label_zh())).collect(),
        kinds: CenterKind::ALL.iter().map(|l| Choice::new(l.as_str(), l.label_zh())).collect(),
        q: q.q.unwrap_or_default(),
        field: q.field.unwrap_or_default(),
        region: q.region.unwrap_or_default(),
        level: q.level.unwrap_or_default(),
        stage: q.stage.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
    };
    Ok(render(&page))
}
