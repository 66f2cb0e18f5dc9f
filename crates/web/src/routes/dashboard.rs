//! The dashboard (工作台) of each role: headline figures and charts, the same
//! data on the page and in the API.

use crate::auth::CurrentUser;
use crate::charts::bar_chart;
use crate::error::AppResult;
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::industry;
use pocnet_domain::research_result::ResultState;
use pocnet_domain::role::Role;
use pocnet_store::centers::{self, Center};
use pocnet_store::results::{self, ResultScope};
use pocnet_store::{experts, stats};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/dashboard", get(page)).routes(routes!(api))
}

/// A headline figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Card {
    /// What it counts.
    pub label: String,
    /// The figure.
    pub value: i64,
    /// The target, if the plans set one (e.g. 30 municipal centers by 2027).
    pub target: Option<i64>,
    /// Explanation.
    pub hint: String,
}

/// A chart's data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Chart {
    /// Title.
    pub title: String,
    /// Bars: label and value.
    pub bars: Vec<(String, i64)>,
}

/// A role's dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// The role it was built for.
    pub role: Role,
    /// Heading.
    pub heading: String,
    /// Headline figures.
    pub cards: Vec<Card>,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Notes for the user (what needs attention).
    pub notes: Vec<String>,
    /// The user's to-do list (待办事项), as at `GET /api/v1/me/todo`.
    pub todo: pocnet_domain::todo::TodoList,
}

fn card(label: &str, value: i64, target: Option<i64>, hint: &str) -> Card {
    Card { label: label.into(), value, target, hint: hint.into() }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn count_of(counts: &[(String, i64)], code: &str) -> i64 {
    counts.iter().find(|(c, _)| c == code).map_or(0, |(_, n)| *n)
}

fn field_coverage(list: &[&Center]) -> Chart {
    Chart {
        title: "按产业领域的中心数".into(),
        bars: industry::WENZHOU
            .iter()
            .map(|f| (f.label.to_owned(), count(list.iter().filter(|c| c.fields.iter().any(|x| x == f.code)).count())))
            .collect(),
    }
}

async fn results_chart(state: &AppState, scope: ResultScope, title: &str) -> AppResult<(Chart, i64, i64)> {
    let counts = results::count_by_state(state.store().pool(), scope).await?;
    let total = counts.iter().map(|(_, n)| n).sum();
    // 累计入库 as the criteria count it (000 指引 二(二)), so the dashboard and the center page agree.
    let in_library = counts.iter().filter(|(s, _)| s.ever_in_library()).map(|(_, n)| n).sum();
    let chart = Chart { title: title.into(), bars: counts.iter().map(|(s, n)| (s.label_zh().to_owned(), *n)).collect() };
    Ok((chart, total, in_library))
}

/// Builds the dashboard of the caller's role from the records.
pub async fn build(state: &AppState, me: &CurrentUser) -> AppResult<Dashboard> {
    let pool = state.store().pool();
    let user = &me.user;
    let todo = crate::routes::todo::list(state, me).await?;
    let mut d = Dashboard { role: user.role, heading: String::new(), cards: vec![], charts: vec![], notes: vec![], todo };
    match user.role {
        Role::Bureau => {
            d.heading = "全市概念验证中心建设总览".into();
            // The registry's figures, counted as the home page counts them (issue 10).
            let figures = super::figures::load(state, None).await?;
            let net = stats::network(pool).await?;
            d.cards = figures.bureau_cards();
            d.cards.extend([
                card("专家库专家", net.experts(), None, "学术、产业、投资三类"),
                card("科技成果", net.results(), None, "全部来源"),
                card("单位", net.organisations, None, "已登记单位"),
                card("有效账号", net.active_users, None, "可登录账号"),
            ]);
            d.charts.push(figures.field_chart("按产业领域及细分领域的已认定中心数"));
            d.charts.push(figures.host_chart());
            d.charts.push(Chart {
                title: "成果按状态".into(),
                bars: ResultState::ALL.iter().map(|s| (s.label_zh().to_owned(), count_of(&net.results_by_state, s.as_str()))).collect(),
            });
            d.charts.push(Chart {
                title: "专家按类型".into(),
                bars: ExpertKind::ALL.iter().map(|k| (k.label_zh().to_owned(), count_of(&net.experts_by_kind, k.as_str()))).collect(),
            });
            let year = chrono::Datelike::year(&state.today());
            let money = pocnet_app::finance::interests::year_tally(state.context(), year).await?;
            d.cards.extend([
                card(&format!("{year}年路演"), money.roadshows, None, "验证成果专项路演、产业需求专场路演（000 二(十一)，002 三(九)）"),
                card(&format!("{year}年投资意向"), money.interests, None, &format!("其中{}项已同意对接", money.accepted)),
                card(&format!("{year}年达成投资（项）"), money.deals, None, &format!("投资额{}；另有投资意向书{}项、{}", money.invested_yuan.wan(), money.term_sheets, money.term_sheet_yuan.wan())),
            ]);
            d.notes.extend(super::calendar::warning(state).await?);
            d.notes.extend(figures.notes());
        }
        Role::County => {
            d.heading = format!("{}概念验证工作概况", user.org_region.label_zh());
            let region = centers::in_region(pool, user.org_region).await?;
            let mine: Vec<&Center> = region.iter().collect();
            let (chart, total, in_library) =
                results_chart(state, ResultScope::Region(user.org_region), "本地区成果按状态").await?;
            d.cards = vec![
                card("本地区中心与平台", count(mine.len()), None, "含创建中"),
                card("其中已认定", count(mine.iter().filter(|c| c.counts_as_recognized()).count()), None, "已认定且资格有效"),
                card("本地区科技成果", total, None, "本地区单位所有或本地区中心承接"),
                card("累计入库项目", in_library, None, "已入库及验证中、已验证、已移交中试、已终止"),
            ];
            d.charts.push(chart);
            d.charts.push(field_coverage(&mine));
            d.notes.extend(super::figures::overdue_notes(&mine, state.today()));
        }
        Role::Center => {
            let mine = centers::hosted_by(pool, user.org_id).await?;
            d.heading = mine.first().map_or_else(|| user.org_name.clone(), |c| c.name.clone());
            let (chart, total, in_library) =
                results_chart(state, ResultScope::HostOrg(user.org_id), "本中心项目按状态").await?;
            d.cards = vec![
                card("本单位运营的中心与平台", count(mine.len()), None, ""),
                card("本中心承接成果", total, None, ""),
                card("累计入库项目", in_library, None, "《温州市概念验证中心建设指引（试行）》二(二)：累计入库项目数量不少于40个（含已终止的项目）"),
            ];
            let (awaiting, budget, released) = pocnet_store::library::verification::host_totals(pool, user.org_id).await?;
            d.cards.push(card("待验收里程碑", count(awaiting as usize), None, "项目团队已提交验收材料"));
            d.cards.push(card("里程碑资金已拨付（万元）", released / 10_000, None, &format!("预算合计{}，验收通过后拨付", pocnet_domain::money::wan(budget))));
            for c in &mine {
                d.notes.push(format!("{}：{}，{}，{}", c.name, c.level.label_zh(), c.stage.label_zh(), c.kind.label_zh()));
            }
            if let Some(c) = mine.first() {
                let inv = pocnet_app::finance::interests::of_center(state.context(), c.id).await?;
                d.cards.push(card("投资机构意向", inv.interests, None, &format!("进行中{}项；达成投资{}项，投资额{}", inv.open, inv.deals, inv.invested_yuan.wan())));
            }
            d.notes.extend(super::figures::overdue_notes(&mine.iter().collect::<Vec<_>>(), state.today()));
            d.charts.push(chart);
        }
        Role::Expert => {
            d.heading = "评审专家工作台".into();
            match experts::of_user(pool, user.id).await? {
                Some(e) => {
                    d.notes.push(format!(
                        "专家档案：{}，{}，{}，{}；擅长领域：{}",
                        e.name,
                        e.kind.label_zh(),
                        e.org_name,
                        e.title,
                        crate::views::field_labels(&e.fields)
                    ));
                    d.cards.push(card("擅长领域", count(e.fields.len()), None, "可在专家库维护"));
                    d.cards.push(card("关键词", count(e.keywords.len()), None, ""));
                }
                None => d.notes.push("您的账号尚未关联专家档案，请联系市科技局。".into()),
            }
            if let Some(e) = experts::of_user(pool, user.id).await? {
                let tasks = pocnet_store::panels::of_expert::<pocnet_domain::id::of::Result>(pool, e.id).await?;
                let pending = tasks.iter().filter(|s| s.status == pocnet_domain::panel::seat::SeatStatus::Pending).count();
                let filter = pocnet_store::applications::ApplicationFilter { state: Some(pocnet_domain::recognition::ApplicationState::BureauReview), call_id: None, region: None };
                let reviews = pocnet_store::applications::list(pool, pocnet_store::applications::ApplicationScope::Expert(e.id), &filter, pocnet_store::Page::new(Some(1), Some(1))).await?.total;
                d.cards.push(card("申报评审任务", count(reviews as usize), None, "市级评审阶段的申报"));
                d.cards.push(card("成果遴选任务", count(tasks.len()), None, &format!("其中{pending}项待声明利益冲突")));
                if tasks.is_empty() && reviews == 0 {
                    d.notes.push("当前没有分配给您的评审任务。".into());
                }
            }
        }
        Role::Researcher => {
            d.heading = format!("{}的科技成果", user.org_name);
            let (chart, total, in_library) =
                results_chart(state, ResultScope::OwnerOrg(user.org_id), "本单位成果按状态").await?;
            d.cards = vec![card("本单位科技成果", total, None, ""), card("已入库验证", in_library, None, "")];
            d.charts.push(chart);
        }
        Role::Investor => {
            d.heading = "已验证项目概览".into();
            let verified: i64 = results::count_by_state(pool, ResultScope::Verified).await?.iter().map(|(_, n)| n).sum();
            let by_field = results::verified_by_field(pool).await?;
            d.cards = vec![card("已完成验证的项目", verified, None, "对接获成果方和中心同意、签署保密承诺前，仅显示公开摘要")];
            d.notes.push("可在“路演”和“基金优先项目”中选择项目表达投资意向，进展见“投资对接”。".into());
            d.charts.push(Chart {
                title: "已验证项目按产业领域".into(),
                bars: industry::WENZHOU.iter().map(|f| (f.label.to_owned(), count_of(&by_field, f.code))).collect(),
            });
        }
        Role::Manager => {
            d.heading = "项目经理人工作台".into();
            let (active, exited, through) = pocnet_store::managers::assignments::tally_of_manager(pool, user.id).await?;
            d.cards = vec![
                card("跟进中项目", active, None, "贯穿项目决策、推进和退出全流程（004 三(三)）"),
                card("已退出项目", exited, None, &format!("其中{through}项转入中试、转化落地或获得投资")),
            ];
            d.notes.push("在“我跟进的项目”中记录项目决策、任务分解、进度控制和资源协调；超过30天未记录的项目会列入待办。平台每年按“技术价值+商业价值”对您进行双重考核，结果见“我的年度考核”。".into());
        }
    }
    Ok(d)
}

/// The caller's dashboard figures.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard",
    responses((status = 200, body = Dashboard), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api(State(state): State<AppState>, me: CurrentUser) -> AppResult<Json<Dashboard>> {
    Ok(Json(build(&state, &me).await?))
}

struct CardView {
    label: String,
    value: i64,
    hint: String,
    target: Option<i64>,
    percent: i64,
}

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    role_code: &'static str,
    heading: String,
    cards: Vec<CardView>,
    charts: Vec<String>,
    notes: Vec<String>,
    /// The to-do lines with something waiting (the `todo_list.html` block).
    lines: Vec<crate::routes::todo::TodoLine>,
    /// Whether the role has a to-do list at all.
    has_todo: bool,
}

async fn page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    let d = build(&state, &me).await?;
    let mut chrome = Chrome::signed_in(&me, "工作台", "dashboard");
    chrome.todo = Some(d.todo.total);
    let page = DashboardPage {
        lines: crate::routes::todo::lines(&d.todo),
        has_todo: !d.todo.items.is_empty(),
        chrome,
        role_code: d.role.as_str(),
        heading: d.heading,
        cards: d
            .cards
            .into_iter()
            .map(|c| CardView {
                percent: c.target.filter(|t| *t > 0).map_or(0, |t| (c.value * 100 / t).min(100)),
                label: c.label,
                value: c.value,
                hint: c.hint,
                target: c.target,
            })
            .collect(),
        charts: d.charts.iter().map(|c| bar_chart(&c.title, &c.bars)).collect(),
        notes: d.notes,
    };
    Ok(render(&page))
}
