//! Research results (科技成果/项目库) as each role may see them. Lists carry
//! the public summary only; trade secrets never appear here.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{non_empty, ListParams, QueryParams};
use crate::views::{Choice, self, render, Chrome, Pager, SortHeader};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use pocnet_domain::industry;
use pocnet_domain::research_result::ResultState;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_domain::region::Region;
use pocnet_store::results::{self, ResultFilter, ResultScope, ResultSummary};
use pocnet_store::{Paged, SortDir};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    use crate::routes::library::intake;
    OpenApiRouter::new()
        .route("/results", get(page).post(intake::form_submit))
        .routes(routes!(api_list, intake::api_create))
        .routes(routes!(api_export))
        .routes(routes!(api_template))
        .route("/results/export.xlsx", get(api_export))
        .route("/results/import-template.xlsx", get(api_template))
}

/// Which results the caller's lists show ([`pocnet_app::library::scope_for`]).
pub async fn scope_for(state: &AppState, me: &CurrentUser) -> AppResult<ResultScope> {
    Ok(pocnet_app::library::scope_for(state.context(), &me.caller()).await?)
}

/// Filters of the result list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultQuery {
    /// State code, e.g. `verifying`.
    pub state: Option<String>,
    /// Search: title, summary or owning unit contains.
    pub q: Option<String>,
    /// Field code, e.g. `new_energy`.
    pub field: Option<String>,
    /// Only this center's library (center id).
    pub center: Option<String>,
    /// Only the library of the one center whose name contains this text (the
    /// page's filter where the registry is too long for a choice list).
    pub center_name: Option<String>,
    /// Region, e.g. `瑞安市`.
    pub region: Option<String>,
    /// Technology readiness level at least (1–9).
    pub trl_min: Option<String>,
    /// Technology readiness level at most (1–9).
    pub trl_max: Option<String>,
    /// Only those on this year's 转化培育清单.
    pub cultivation_year: Option<String>,
}

impl ResultQuery {
    /// The store filter; a bad value names its parameter. A center named by
    /// part of its name is looked up among the centers the caller may list.
    pub async fn filter(&self, state: &AppState, me: &CurrentUser) -> AppResult<ResultFilter> {
        let named = match non_empty(&self.center_name).filter(|_| non_empty(&self.center).is_none()) {
            Some(text) => Some(center_named(state, me, text).await?),
            None => None,
        };
        let mut errors = Vec::new();
        let result_state = non_empty(&self.state)
            .and_then(|s| ResultState::parse(s).map_err(|_| errors.push(FieldError::unknown_value("state", "成果状态"))).ok());
        let field = non_empty(&self.field).map(str::to_owned);
        if field.as_deref().is_some_and(|f| !crate::routes::experts::is_field(state, f)) {
            errors.push(FieldError::unknown_value("field", "产业领域"));
        }
        let center_id = non_empty(&self.center)
            .and_then(|c| c.trim().parse::<i64>().map_err(|_| errors.push(FieldError::unknown_value("center", "承接中心"))).ok())
            .or(named);
        let region = non_empty(&self.region)
            .and_then(|r| Region::parse(r.trim()).map_err(|_| errors.push(FieldError::unknown_value("region", "地区"))).ok());
        let mut trl = |name: &str, raw: &Option<String>| {
            non_empty(raw).and_then(|t| match t.trim().parse::<i64>() {
                Ok(n) if (1..=9).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new(name, "out_of_range", "技术就绪度应为1至9的整数（GB/T 22900-2022）"));
                    None
                }
            })
        };
        let (trl_min, trl_max) = (trl("trl_min", &self.trl_min), trl("trl_max", &self.trl_max));
        if let (Some(a), Some(b)) = (trl_min, trl_max) {
            if a > b {
                errors.push(FieldError::new("trl_max", "range_reversed", "技术就绪度上限不能低于下限"));
            }
        }
        let q = non_empty(&self.q).map(|q| q.trim().chars().take(50).collect::<String>());
        let cultivation_year = non_empty(&self.cultivation_year).and_then(|y| match y.trim().parse::<i64>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                errors.push(FieldError::new("cultivation_year", "out_of_range", "清单年度应为四位年份"));
                None
            }
        });
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(ResultFilter { fund_priority: false, state: result_state, q, field, center_id: center_id.map(pocnet_domain::id::CenterId::new), region, trl_min, trl_max, cultivation_year })
    }

    /// The filters as query-string pairs (kept across pages, sorts and the export).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![
            ("state", v(&self.state)),
            ("q", v(&self.q)),
            ("field", v(&self.field)),
            ("center", v(&self.center)),
            ("center_name", if non_empty(&self.center).is_some() { String::new() } else { v(&self.center_name) }),
            ("region", v(&self.region)),
            ("trl_min", v(&self.trl_min)),
            ("trl_max", v(&self.trl_max)),
            ("cultivation_year", v(&self.cultivation_year)),
        ]
    }
}

/// Lists the research results the caller may see (public summaries).
#[utoipa::path(get, path = "/api/v1/results", operation_id = "list_results", tag = "results", params(ListParams, ResultQuery),
    responses((status = 200, body = Paged<ResultSummary>), (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ResultQuery>,
) -> AppResult<Json<Paged<ResultSummary>>> {
    let scope = scope_for(&state, &me).await?;
    let list = results::list(state.store().pool(), scope, &q.filter(&state, &me).await?, p.sort_or("submitted_on"), p.dir(), p.page()).await?;
    Ok(Json(list))
}

struct Row {
    id: pocnet_domain::id::ResultId,
    title: String,
    summary: String,
    field: String,
    source: &'static str,
    owner: String,
    center: String,
    state: &'static str,
    trl: i64,
    submitted_on: String,
    /// For an expert: its own seat (待声明 / 待评分 / 已评分 …), not the project's state.
    my_seat: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "library/results.html")]
struct ResultsPage {
    chrome: Chrome,
    heading: &'static str,
    /// Researchers and operators may submit a result.
    can_submit: bool,
    /// The export of the filtered list.
    export_href: String,
    /// Operators may upload a list.
    can_import: bool,
    /// An operator's proof-of-concept centers (for the screening panels' assigner).
    screening_centers: Vec<Choice>,
    headers: Vec<SortHeader>,
    rows: Vec<Row>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    trls: Vec<Choice>,
    centers: Vec<Choice>,
    /// The registry is too long for a choice list: the filter is a name to type.
    center_search: bool,
    center_name: String,
    q: String,
    field: String,
    region: String,
    center: String,
    trl_min: String,
    trl_max: String,
    cultivation_year: String,
}

async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ResultQuery>,
) -> AppResult<Response> {
    let scope = scope_for(&state, &me).await?;
    let sort = p.sort_or("submitted_on").to_owned();
    let list = results::list(state.store().pool(), scope, &q.filter(&state, &me).await?, &sort, p.dir(), p.page()).await?;
    let filters = q.pairs();
    let keep = p.keep(&filters, &sort);
    let center_filter = center_filter(&state, &me, &q).await?;
    // An expert's list is its task list: the state column is its own seat (待声明 / 待评分 / 已评分).
    let state_label = if me.user.role == Role::Expert { "我的评审" } else { "状态" };
    let columns = [("title", "成果名称"), ("field", "领域"), ("state", state_label), ("trl", "技术就绪度"), ("submitted_on", "提交日期")];
    let in_screening: std::collections::HashMap<pocnet_domain::id::ResultId, bool> = list.items.iter().map(|r| (r.id, r.state == ResultState::Screening)).collect();
    let seats = crate::routes::todo::screening_seats(&state, &me, |id| in_screening.get(&id).copied().unwrap_or(false)).await?;
    let heading = match me.user.role {
        Role::County => "本地区科技成果",
        Role::Center => "本中心项目库",
        Role::Researcher => "我单位的科技成果",
        Role::Investor => "已完成验证的项目",
        Role::Expert => "成果遴选任务",
        _ => "科技成果与项目库",
    };
    Ok(render(&ResultsPage {
        chrome: Chrome::signed_in(&me, heading, "results"),
        heading,
        can_submit: matches!(me.user.role, Role::Researcher | Role::Center),
        export_href: views::url("/results/export.xlsx", &filters),
        can_import: me.user.role == Role::Center,
        screening_centers: if me.user.role == Role::Center {
            pocnet_store::centers::hosted_by(state.store().pool(), me.user.org_id)
                .await?
                .into_iter()
                .filter(|c| c.kind == pocnet_domain::center::CenterKind::PocCenter)
                .map(|c| Choice::new(c.id.to_string(), c.name))
                .collect()
        } else {
            Vec::new()
        },
        headers: views::sort_headers("/results", &columns, &sort, p.dir() == SortDir::Desc, &filters),
        rows: list
            .items
            .iter()
            .map(|r| Row {
                id: r.id,
                title: r.title.clone(),
                summary: r.summary.clone(),
                field: format!("{} / {}", industry::label(&r.field), industry::label(&r.sub_field)),
                source: r.source.label_zh(),
                owner: r.owner_org_name.clone(),
                center: r.center_name.clone().unwrap_or_else(|| "—".into()),
                state: r.state.label_zh(),
                trl: r.trl,
                submitted_on: r.submitted_on.to_string(),
                my_seat: seats.get(&r.id).map(|s| s.label_zh()),
            })
            .collect(),
        pager: Pager::new("/results", &list, &keep),
        states: ResultState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        fields: crate::routes::registry::catalogue_labels(&state).into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        regions: crate::views::region_choices(),
        trls: (1..=9).map(|n| Choice::new(n.to_string(), n.to_string())).collect(),
        centers: center_filter.choices,
        center_search: center_filter.search,
        center_name: center_filter.name,
        state: q.state.unwrap_or_default(),
        q: q.q.unwrap_or_default(),
        field: q.field.unwrap_or_default(),
        region: q.region.unwrap_or_default(),
        center: q.center.unwrap_or_default(),
        trl_min: q.trl_min.unwrap_or_default(),
        trl_max: q.trl_max.unwrap_or_default(),
        cultivation_year: q.cultivation_year.unwrap_or_default(),
    }))
}

/// Longest registry the filter offers as a choice list; beyond it the filter
/// is a name to type (a province has 500 centers).
pub(crate) const CENTER_CHOICES_MAX: usize = 60;

/// The id of the one center the caller may list whose name contains `text`
/// (an exact name wins); a clear error naming `center_name` otherwise.
async fn center_named(state: &AppState, me: &CurrentUser, text: &str) -> AppResult<i64> {
    let text = text.trim();
    let scope = pocnet_app::registry::scope_for(Some(&me.caller()));
    let all = state.all_centers().await?;
    let visible = || all.iter().filter(|c| scope.admits(c));
    if let Some(c) = visible().find(|c| c.name == text) {
        return Ok(c.id.get());
    }
    let found: Vec<&pocnet_store::centers::Center> = visible().filter(|c| c.name.contains(text)).take(4).collect();
    match found.as_slice() {
        [one] => Ok(one.id.get()),
        [] => Err(AppError::Validation(FieldError::new("center_name", "no_match", format!("没有名称包含“{text}”的中心")))),
        many => {
            let names: Vec<&str> = many.iter().take(3).map(|c| c.name.as_str()).collect();
            let more = if many.len() > 3 { "等" } else { "" };
            let message = format!("“{text}”对应多个中心（{}{more}），请输入更完整的名称", names.join("、"));
            Err(AppError::Validation(FieldError::new("center_name", "ambiguous", message)))
        }
    }
}

/// The results page's center filter: a choice list, or beyond
/// [`CENTER_CHOICES_MAX`] centers a name to type (with the name of the center
/// filtered on, or the text typed).
struct CenterFilterView {
    choices: Vec<Choice>,
    search: bool,
    name: String,
}

/// The center filter a caller is offered: the bureau every center, a county
/// department every center in its registry scope, an operator its own
/// (nobody else needs the choice). Read from the server's copy of the
/// registry, kept while no center changes; choices are built only when
/// offered as a list.
async fn center_filter(state: &AppState, me: &CurrentUser, q: &ResultQuery) -> AppResult<CenterFilterView> {
    let none = CenterFilterView { choices: Vec::new(), search: false, name: String::new() };
    let own_only = match me.user.role {
        Role::Bureau | Role::County => false,
        Role::Center => true,
        Role::Expert | Role::Researcher | Role::Investor | Role::Manager => return Ok(none),
    };
    let scope = pocnet_app::registry::scope_for(Some(&me.caller()));
    let all = state.all_centers().await?;
    let offered: Vec<&pocnet_store::centers::Center> =
        all.iter().filter(|c| if own_only { c.host_org_id == me.user.org_id } else { scope.admits(c) }).collect();
    if offered.len() <= CENTER_CHOICES_MAX {
        let choices = offered.iter().map(|c| Choice::new(c.id.to_string(), c.name.clone())).collect();
        return Ok(CenterFilterView { choices, ..none });
    }
    let name = match non_empty(&q.center) {
        Some(id) => offered.iter().find(|c| c.id.to_string() == id.trim()).map(|c| c.name.clone()).unwrap_or_default(),
        None => q.center_name.clone().unwrap_or_default(),
    };
    Ok(CenterFilterView { search: true, name, ..none })
}

/// Exports the results the caller may see (in the state filtered on) as .xlsx: public faces only, never secrets.
#[utoipa::path(get, path = "/api/v1/results/export.xlsx", operation_id = "export_results", tag = "results", params(ResultQuery),
    responses((status = 200, description = "Excel 工作簿", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_export(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<ResultQuery>) -> AppResult<Response> {
    let scope = scope_for(&state, &me).await?;
    let list = results::list(state.store().pool(), scope, &q.filter(&state, &me).await?, "submitted_on", SortDir::Asc, pocnet_store::Page::new(Some(1), Some(200)).all()).await?;
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    let header = ["成果名称", "成果简介", "产业领域", "细分领域", "成果来源", "所属单位", "承接中心", "状态", "技术就绪度", "提交日期"];
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(fail)?;
        ws.set_column_width(i as u16, if i == 1 { 40 } else { 16 }).map_err(fail)?;
    }
    for (n, r) in list.items.iter().enumerate() {
        let row = (n + 1) as u32;
        let values = [
            r.title.clone(),
            r.summary.clone(),
            industry::label(&r.field).to_owned(),
            industry::label(&r.sub_field).to_owned(),
            r.source.label_zh().to_owned(),
            r.owner_org_name.clone(),
            r.center_name.clone().unwrap_or_default(),
            r.state.label_zh().to_owned(),
        ];
        for (i, v) in values.iter().enumerate() {
            ws.write_string(row, i as u16, v).map_err(fail)?;
        }
        ws.write_number(row, 8, r.trl as f64).map_err(fail)?;
        ws.write_string(row, 9, r.submitted_on.to_string()).map_err(fail)?;
    }
    let bytes = wb.save_to_buffer().map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(crate::routes::experts::api::xlsx(bytes, "成果项目库.xlsx"))
}

/// The template of a results list for `pocnet import results` (.xlsx): the header (required columns marked *) and one example row.
#[utoipa::path(get, path = "/api/v1/results/import-template.xlsx", operation_id = "result_import_template", tag = "results",
    responses((status = 200, description = "Excel 导入模板", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))), security(("bearer" = []), ("cookie" = [])))]
pub async fn api_template(me: CurrentUser) -> AppResult<Response> {
    me.require(&[Role::Bureau, Role::Center, Role::Researcher])?;
    use pocnet_domain::library::intake::LIST_COLUMNS;
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    let example = [
        "WZU-2026-001", "固态锂电池界面改性工艺", "面向储能场景的固态锂电池界面改性工艺，已完成小试样品循环测试。", "界面涂层配方与烧结曲线",
        "新能源", "前沿电池", "高校", "（已在平台登记的单位全称）", "张伟、李娜", "CN202511140438.4:已授权", "4", "小试样品第三方检测报告",
        "样品/样机阶段", "研发团队",
    ];
    for (i, c) in LIST_COLUMNS.iter().enumerate() {
        let head = if c.required { format!("{}*", c.zh) } else { c.zh.to_owned() };
        ws.write_string_with_format(0, i as u16, &head, &bold).map_err(fail)?;
        ws.set_column_width(i as u16, 18).map_err(fail)?;
        ws.write_string(1, i as u16, example.get(i).copied().unwrap_or("")).map_err(fail)?;
    }
    let bytes = wb.save_to_buffer().map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(crate::routes::experts::api::xlsx(bytes, "成果清单导入模板.xlsx"))
}
