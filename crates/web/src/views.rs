//! What every page shares: the layout's chrome (title, navigation by role,
//! the signed-in user), pagers and sortable table headers, the error page.

use crate::auth::session::{login_csrf_cookie, Auth};
use crate::auth::CurrentUser;
use crate::error::ErrorBody;
use crate::AppState;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use pocnet_domain::role::Role;

/// Renders a template as an HTML response (500 if rendering fails).
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面渲染失败").into_response()
        }
    }
}

/// A link in the side navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Target.
    pub href: &'static str,
    /// Chinese label.
    pub label: &'static str,
    /// Key matched against the page's `active`.
    pub key: &'static str,
}

const fn nav(href: &'static str, label: &'static str, key: &'static str) -> NavItem {
    NavItem { href, label, key }
}

/// The navigation a role sees.
pub fn nav_for(role: Role) -> Vec<NavItem> {
    let mut items = vec![nav("/dashboard", "工作台", "dashboard")];
    if !pocnet_domain::todo::kinds_for(role).is_empty() {
        items.push(nav("/todo", "待办事项", "todo"));
    }
    match role {
        Role::Bureau => items.extend([
            nav("/centers", "中心名录", "centers"),
            nav("/calls", "申报通知", "calls"),
            nav("/applications", "申报与审核", "applications"),
            nav("/notices", "公示公告", "notices"),
            nav("/results", "成果项目库", "results"),
            nav("/reports", "验证报告", "reports"),
            nav("/experts", "专家库", "experts"),
            nav("/evaluation", "年度绩效评价", "evaluation"),
            nav("/white-paper", "年度白皮书", "white_paper"),
            nav("/admin/orgs", "单位管理", "orgs"),
            nav("/admin/users", "账号管理", "users"),
            nav("/audit", "审计日志", "audit"),
            nav("/calendar", "工作日历", "calendar"),
        ]),
        Role::County => items.extend([
            nav("/applications", "审核推荐", "applications"),
            nav("/centers", "中心名录", "centers"),
            nav("/results", "本地区成果", "results"),
            nav("/experts", "专家库", "experts"),
            nav("/evaluation", "年度绩效评价", "evaluation"),
            nav("/white-paper", "年度白皮书", "white_paper"),
        ]),
        Role::Center => items.extend([
            nav("/centers", "本中心档案", "centers"),
            nav("/calls", "申报通知", "calls"),
            nav("/applications", "我的申报", "applications"),
            nav("/results", "本中心项目库", "results"),
            nav("/handoffs", "中试移交", "handoffs"),
            nav("/reports", "验证报告互认", "reports"),
            nav("/experts", "专家库", "experts"),
            nav("/evaluation", "年度运行报告与评价", "evaluation"),
        ]),
        Role::Expert => items.extend([
            nav("/applications", "评审任务", "applications"),
            nav("/results", "成果遴选任务", "results"),
            nav("/me/expert", "我的专家信息", "experts"),
            nav("/centers", "中心名录", "centers"),
        ]),
        Role::Researcher => items.extend([
            nav("/results", "我单位的成果", "results"),
            nav("/centers", "中心名录", "centers"),
        ]),
        Role::Investor => items.extend([
            nav("/results", "已验证项目", "results"),
            nav("/centers", "中心名录", "centers"),
            nav("/white-paper", "年度白皮书", "white_paper"),
        ]),
        Role::Manager => items.extend([
            nav("/managers", "我跟进的项目", "managers"),
            nav("/manager-assessments", "我的年度考核", "manager_assessments"),
            nav("/results", "跟进中项目库", "results"),
            nav("/centers", "中心名录", "centers"),
        ]),
    }
    if matches!(role, Role::Bureau | Role::Center) {
        items.push(nav("/managers", "项目经理人", "managers"));
        items.push(nav("/manager-assessments", "项目经理人考核", "manager_assessments"));
    }
    if !matches!(role, Role::Expert) {
        items.push(nav("/demands", "产业需求清单", "demands"));
    }
    if matches!(role, Role::Bureau | Role::County | Role::Center | Role::Researcher) {
        items.push(nav("/docking", "精准对接清单", "docking"));
    }
    items.push(nav("/resources", "资源共享", "resources"));
    if matches!(role, Role::Bureau | Role::Center | Role::Researcher) {
        items.push(nav("/resource-requests", "资源使用申请", "resource_requests"));
    }
    if matches!(role, Role::Bureau | Role::Center | Role::Researcher) {
        items.push(nav("/pilot-projects", "中试项目", "pilot_projects"));
    }
    if matches!(role, Role::Bureau | Role::Center | Role::Researcher) {
        items.push(nav("/concepts", "早期成果池", "concepts"));
    }
    items.push(nav("/seeds", "种子清单", "seeds"));
    if matches!(role, Role::Bureau | Role::County | Role::Center) {
        items.push(nav("/key-projects", "重点推进项目清单", "key_projects"));
    }
    items.push(nav("/competitions", "概念验证竞赛", "competitions"));
    if matches!(role, Role::Bureau | Role::Center | Role::Researcher) {
        items.push(nav("/vouchers", "科技创新券", "vouchers"));
    }
    if !matches!(role, Role::Expert | Role::County | Role::Manager) {
        items.push(nav("/roadshows", "路演", "roadshows"));
        items.push(nav("/interests", "投资对接", "interests"));
    }
    if matches!(role, Role::Bureau | Role::Investor) {
        items.push(nav("/fund", "基金优先项目", "fund"));
    }
    if matches!(role, Role::Bureau | Role::Center) {
        items.push(nav("/grants", "补助与奖励", "grants"));
    }
    if !matches!(role, Role::Expert | Role::County | Role::Manager) {
        items.push(nav("/finance-products", "金融产品", "finance_products"));
    }
    items.push(nav("/service-map", "服务地图", "service_map"));
    items.push(nav("/search", "全文检索", "search"));
    items.push(nav("/account", "账号设置", "account"));
    items
}

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct UserChrome {
    /// Name shown.
    pub display_name: String,
    /// Role label.
    pub role_label: &'static str,
    /// Organisation.
    pub org_name: String,
}

/// What the layout needs.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// Page title.
    pub title: String,
    /// Signed-in user, if any.
    pub user: Option<UserChrome>,
    /// CSRF token for the forms of this page (session or pre-login).
    pub csrf: String,
    /// Side navigation.
    pub nav: Vec<NavItem>,
    /// Key of the active navigation item.
    pub active: &'static str,
    /// Records waiting in the user's to-do list, when the page read them
    /// (the dashboard and the to-do page): the navigation's badge.
    pub todo: Option<i64>,
}

impl Chrome {
    /// Chrome for a signed-in page.
    pub fn signed_in(user: &CurrentUser, title: impl Into<String>, active: &'static str) -> Self {
        Self {
            title: title.into(),
            user: Some(UserChrome {
                display_name: user.user.display_name.clone(),
                role_label: user.user.role.label_zh(),
                org_name: user.user.org_name.clone(),
            }),
            csrf: user.csrf_token.clone(),
            nav: nav_for(user.user.role),
            active,
            todo: user.todo_total,
        }
    }

    /// Chrome for a page anyone may see; shows the user if signed in.
    pub fn public(auth: Option<&Auth>, title: impl Into<String>, active: &'static str) -> Self {
        match auth.and_then(|a| a.current.as_ref()) {
            Some(u) => Self::signed_in(u, title, active),
            None => Self { title: title.into(), user: None, csrf: String::new(), nav: Vec::new(), active, todo: None },
        }
    }
}

/// The values of a closed set (a `string_enum!`: its `ALL`, code and label) as a form's or a
/// filter's choices.
pub fn choices<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str, label: impl Fn(T) -> &'static str) -> Vec<Choice> {
    all.iter().map(|t| Choice::new(code(*t), label(*t))).collect()
}

/// Every region as a form's or a filter's choices.
pub fn region_choices() -> Vec<Choice> {
    pocnet_domain::region::Region::ALL.iter().map(|r| Choice::new(r.as_str(), r.label_zh())).collect()
}

/// Builds a URL with query parameters, leaving out empty ones.
pub fn url(path: &str, params: &[(&str, String)]) -> String {
    let kept: Vec<(&str, &str)> = params.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (*k, v.as_str())).collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", serde_urlencoded::to_string(kept).unwrap_or_default())
    }
}

/// A sortable column header.
#[derive(Debug, Clone)]
pub struct SortHeader {
    /// Chinese label.
    pub label: &'static str,
    /// Link that sorts by this column (toggling direction if already sorted).
    pub href: String,
    /// ▲ / ▼ / empty.
    pub arrow: &'static str,
}

/// Builds the sortable headers of a table. `params` are the filters to keep.
pub fn sort_headers(
    path: &str,
    columns: &[(&'static str, &'static str)],
    sort: &str,
    desc: bool,
    params: &[(&str, String)],
) -> Vec<SortHeader> {
    columns
        .iter()
        .map(|(key, label)| {
            let active = *key == sort;
            let next_dir = if active && !desc { "desc" } else { "asc" };
            let mut p = params.to_vec();
            p.push(("sort", (*key).to_owned()));
            p.push(("dir", next_dir.to_owned()));
            SortHeader {
                label,
                href: url(path, &p),
                arrow: match (active, desc) {
                    (true, false) => "▲",
                    (true, true) => "▼",
                    _ => "",
                },
            }
        })
        .collect()
}

/// A pager under a table.
#[derive(Debug, Clone)]
pub struct Pager {
    /// "共 N 条", or "至少 N 条" where the list was not counted.
    pub total_label: String,
    /// This page.
    pub page: u32,
    /// Number of pages ("N+" where more may follow uncounted).
    pub pages_label: String,
    /// Link to the previous page.
    pub prev: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
    /// Link that counts the whole list, where the total is a lower bound.
    pub count_href: Option<String>,
    /// The list's path (the "go to page" form's action).
    pub action: String,
    /// The filters and sort the "go to page" form keeps.
    pub hidden: Vec<(String, String)>,
}

impl Pager {
    /// Builds a pager; `params` are the filters and sort to keep. Next and
    /// previous pages are linked "after" / "before" the rows shown (keyset),
    /// so reading on costs what the first page costs; the page number stays in
    /// the link for the reader.
    pub fn new<T>(path: &str, list: &pocnet_store::Paged<T>, params: &[(&str, String)]) -> Self {
        let pages = list.pages();
        let link = |n: u32, cursor: Option<(&'static str, i64)>| {
            let mut p = params.to_vec();
            p.push(("page", n.to_string()));
            if let Some((k, id)) = cursor {
                p.push((k, id.to_string()));
            }
            url(path, &p)
        };
        let more = !list.total_exact && list.next_after.is_some();
        Self {
            total_label: if list.total_exact { format!("共 {} 条", list.total) } else { format!("至少 {} 条", list.total) },
            page: list.page,
            pages_label: if more { format!("{pages}+") } else { pages.to_string() },
            prev: (list.page > 1).then(|| link(list.page - 1, list.prev_before.map(|id| ("before", id)))),
            next: list.has_next().then(|| link(list.page + 1, list.next_after.map(|id| ("after", id)))),
            count_href: (!list.total_exact).then(|| {
                let mut p: Vec<(&str, String)> = params.iter().filter(|(k, _)| *k != "count").cloned().collect();
                p.push(("count", "exact".to_owned()));
                url(path, &p)
            }),
            action: path.to_owned(),
            hidden: params.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    heading: &'static str,
    message: String,
}

/// The Chinese error page for an error of a page.
pub fn error_page(auth: Option<&Auth>, status: StatusCode, body: &ErrorBody) -> Response {
    let heading = match status.as_u16() {
        403 => "无权访问",
        404 => "页面不存在",
        409 => "数据冲突",
        413 => "内容过大",
        422 | 400 => "填写有误",
        429 => "操作过于频繁",
        500..=599 => "系统繁忙",
        _ => "请求未能完成",
    };
    let page = ErrorPage {
        chrome: Chrome::public(auth, heading, ""),
        status: status.as_u16(),
        heading,
        message: body.message.clone(),
    };
    let mut resp = render(&page);
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    resp
}

/// One option of a `<select>`: the stable code sent back, the Chinese label shown.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Value sent with the form.
    pub code: String,
    /// Label shown.
    pub label: String,
}

impl Choice {
    /// An option.
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Self {
        Self { code: code.into(), label: label.into() }
    }
}

/// Field and sub-field labels for display.
pub fn field_labels(codes: &[String]) -> String {
    codes.iter().map(|c| pocnet_domain::industry::label(c)).collect::<Vec<_>>().join("、")
}

/// Chrome for a public page with a form: signed-in callers use their session
/// token; anonymous ones get the pre-login token (cookie + form field).
pub fn public_form_chrome(state: &AppState, auth: &Auth, title: &str, active: &'static str) -> (Chrome, Option<HeaderValue>) {
    let mut chrome = Chrome::public(Some(auth), title, active);
    if auth.current.is_some() {
        return (chrome, None);
    }
    let token = auth.login_csrf.clone().filter(|t| t.len() == 64).unwrap_or_else(pocnet_store::sessions::new_token);
    let cookie = HeaderValue::from_str(&login_csrf_cookie(state, &token)).ok();
    chrome.csrf = token;
    (chrome, cookie)
}

/// Renders with the pre-login cookie attached when one was made.
pub fn with_cookie(mut resp: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(v) = cookie {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
