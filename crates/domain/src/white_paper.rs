//! The annual white paper (科技成果转化白皮书, 002 四(四)): composed from the
//! records as a [`Document`] — the network's growth against the plans' targets
//! (000 行动方案 一; 001 中试平台实施方案 一), coverage of industries and host
//! types (000 一), the year's service figures and outcomes, the published
//! evaluation rounds with their grades and confirmed actions, the rankings with
//! their weighting and sensitivity, and every center's result as an appendix.
//! Pure: the workflow layer reads the facts, this says what they mean.

use crate::catalogue::{self, Catalogue};
use crate::center::{CenterKind, CenterLevel};
use crate::document::{BarChart, Block, Cell, Document, Score, Section, Table};
use crate::evaluation::ranking::{RankedCenter, RankedHost, Sensitivity};
use crate::evaluation::{ActionKind, Metric, YearFigures};
use crate::money::wan;
use crate::org::OrgKind;
use crate::policy::profile::{Evaluation as Plan, Goal, GoalMeasure};
use chrono::NaiveDate;

/// One center as the white paper counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct CenterFacts {
    /// PoC center or pilot platform.
    pub kind: CenterKind,
    /// Level.
    pub level: CenterLevel,
    /// Its host's kind.
    pub host_kind: OrgKind,
    /// Region (county-level), as shown.
    pub region: String,
    /// Field codes.
    pub fields: Vec<String>,
    /// Day recognized, if it was.
    pub recognized_on: Option<NaiveDate>,
    /// Day its title was revoked (or it withdrew), if so.
    pub left_on: Option<NaiveDate>,
    /// Whether it counts as recognized today (stage, recognition on record, active).
    pub recognized_now: bool,
    /// Whether it is on a creation list today (创建中).
    pub creating_now: bool,
    /// Its figures for the white paper's year.
    pub figures: YearFigures,
}

impl CenterFacts {
    /// Whether it was recognized and still held the title at the end of `day`.
    pub fn recognized_at(&self, day: NaiveDate) -> bool {
        self.recognized_on.is_some_and(|r| r <= day) && self.left_on.is_none_or(|l| l > day)
    }
}

/// A confirmed management action of a round.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionFacts {
    /// Center.
    pub center_name: String,
    /// What.
    pub kind: ActionKind,
    /// Amount, yuan (rewards, support).
    pub amount_yuan: Option<i64>,
    /// Rectification deadline year.
    pub until_year: Option<i64>,
    /// The bureau's reason.
    pub reason: String,
    /// Article.
    pub article: String,
}

/// A published evaluation round.
#[derive(Debug, Clone)]
pub struct RoundFacts {
    /// The policy it ran (its title).
    pub policy: String,
    /// Data window.
    pub window: (NaiveDate, NaiveDate),
    /// Day published.
    pub published_on: Option<NaiveDate>,
    /// The plan frozen when it opened.
    pub plan: Plan,
    /// Every center, best first.
    pub centers: Vec<RankedCenter>,
    /// Host institutions by the mean of their centers' totals, best first.
    pub hosts: Vec<RankedHost>,
    /// How the order moves under equal weights.
    pub sensitivity: Option<Sensitivity>,
    /// Confirmed actions.
    pub actions: Vec<ActionFacts>,
}

/// What the white paper is composed from.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The year it reports on.
    pub year: i32,
    /// The network (e.g. 温州市).
    pub network: String,
    /// Issuing authority.
    pub issuer: String,
    /// When the records were read, 北京时间.
    pub as_of: String,
    /// The day the records were read (China).
    pub today: NaiveDate,
    /// The service figures' window.
    pub window: (NaiveDate, NaiveDate),
    /// The plans' targets.
    pub goals: Vec<Goal>,
    /// The catalogue coverage is measured against.
    pub catalogue: Catalogue,
    /// Every center of the registry.
    pub centers: Vec<CenterFacts>,
    /// The year's published evaluation rounds.
    pub rounds: Vec<RoundFacts>,
}

/// How many entries the rankings section shows (the appendix lists all).
pub const TOP: usize = 20;

fn day(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn table(title: &str, sheet: &str, columns: &[&str], rows: Vec<Vec<Cell>>, note: &str) -> Block {
    Block::Table(Table { title: title.into(), sheet: sheet.into(), columns: columns.iter().map(|c| (*c).to_owned()).collect(), rows, note: note.into() })
}

/// The recognized centers counted by a goal at the end of `day`.
fn count_at(facts: &Facts, kind: CenterKind, level: CenterLevel, day: NaiveDate) -> i64 {
    facts.centers.iter().filter(|c| c.kind == kind && c.level >= level && c.recognized_at(day)).count() as i64
}

/// A goal read against the records: (target, actual).
pub fn reading(facts: &Facts, goal: &Goal) -> (i64, i64) {
    let recognized: Vec<Vec<String>> = facts.centers.iter().filter(|c| c.recognized_now).map(|c| c.fields.clone()).collect();
    match &goal.measure {
        GoalMeasure::RecognizedCenters { center_kind, level } => {
            let end = NaiveDate::from_ymd_opt(facts.year, 12, 31).unwrap_or(facts.today).min(facts.today);
            (goal.target.unwrap_or(0), count_at(facts, *center_kind, *level, end))
        }
        GoalMeasure::CatalogueCovered => {
            let rows = catalogue::coverage(&facts.catalogue, &recognized);
            (rows.len() as i64, rows.iter().filter(|r| r.centers > 0).count() as i64)
        }
        GoalMeasure::HostTypesCovered => {
            let hosts: Vec<OrgKind> = facts.centers.iter().filter(|c| c.recognized_now).map(|c| c.host_kind).collect();
            let rows = catalogue::host_coverage(&hosts);
            (rows.len() as i64, rows.iter().filter(|(_, n)| *n > 0).count() as i64)
        }
    }
}

/// The network's totals of the year.
pub fn totals(facts: &Facts) -> YearFigures {
    let mut out = YearFigures::default();
    for c in &facts.centers {
        for (m, v) in &c.figures.0 {
            out.set(*m, out.get(*m) + v);
        }
    }
    out
}

fn figure(m: Metric, v: i64) -> Cell {
    if m.is_yuan() {
        Cell::Text(wan(v))
    } else {
        Cell::Int(v)
    }
}

/// Composes the white paper.
pub fn compose(facts: &Facts) -> Document {
    let sections = vec![overview(facts), growth(facts), coverage(facts), service(facts), evaluation(facts), rankings(facts), appendix(facts), method(facts)];
    Document {
        title: format!("{}{}年度科技成果转化白皮书", facts.network, facts.year),
        subtitle: "概念验证中心与中试平台网络建设、运行与评价".into(),
        issuer: facts.issuer.clone(),
        as_of: facts.as_of.clone(),
        sections,
    }
}

fn grade_counts(r: &RoundFacts) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = r.plan.grades.iter().map(|g| (g.label.clone(), 0)).collect();
    for c in &r.centers {
        match out.iter_mut().find(|(l, _)| *l == c.grade_label) {
            Some(e) => e.1 += 1,
            None => out.push((c.grade_label.clone(), 1)),
        }
    }
    out
}

fn overview(f: &Facts) -> Section {
    let mut blocks = Vec::new();
    let recognized = f.centers.iter().filter(|c| c.recognized_now).count();
    let poc = f.centers.iter().filter(|c| c.recognized_now && c.kind == CenterKind::PocCenter).count();
    let creating = f.centers.iter().filter(|c| c.creating_now).count();
    let mut text = format!(
        "截至{}，{}概念验证中心与中试平台网络共有已认定且资格有效的中心{}家（其中概念验证中心{}家、中试平台{}家），列入创建名单的{}家。",
        f.as_of,
        f.network,
        recognized,
        poc,
        recognized - poc,
        creating
    );
    for g in &f.goals {
        let (target, actual) = reading(f, g);
        let word = if g.striven { "力争" } else { "目标" };
        text.push_str(&format!("{}：{}{}年{}，现为{}，完成{}。", g.label, word, g.by_year, target, actual, percent(actual, target)));
    }
    blocks.push(Block::Paragraph { text });
    let t = totals(f);
    blocks.push(Block::Paragraph {
        text: format!(
            "{}至{}，各中心受理服务项目{}个，完成验证{}项，落地转化{}项，孵化企业{}家，服务合同收入{}，带动股权融资{}。",
            day(f.window.0),
            day(f.window.1),
            t.get(Metric::ServiceProjects),
            t.get(Metric::VerifiedProjects),
            t.get(Metric::LandedTransfers),
            t.get(Metric::CompaniesIncubated),
            wan(t.get(Metric::ServiceIncomeYuan)),
            wan(t.get(Metric::FinancingYuan))
        ),
    });
    if f.rounds.is_empty() {
        blocks.push(Block::Paragraph { text: format!("{}年度绩效评价结果尚未公布；公布后本白皮书的评价与排行榜章节随之生成。", f.year) });
    }
    for r in &f.rounds {
        let counts: Vec<String> = grade_counts(r).into_iter().filter(|(_, n)| *n > 0).map(|(l, n)| format!("{l}{n}家")).collect();
        blocks.push(Block::Paragraph {
            text: format!("依据《{}》开展的{}年度绩效评价共{}家中心参评：{}。", r.policy, f.year, r.centers.len(), if counts.is_empty() { "无".to_owned() } else { counts.join("，") }),
        });
    }
    Section { heading: "概述".into(), blocks }
}

fn growth(f: &Facts) -> Section {
    let mut blocks = Vec::new();
    let rows: Vec<Vec<Cell>> = f
        .goals
        .iter()
        .map(|g| {
            let (target, actual) = reading(f, g);
            let word = if g.striven { "力争" } else { "目标" };
            vec![Cell::from(g.label.clone()), Cell::from(format!("{word}{target}")), Cell::Int(actual), Cell::from(percent(actual, target)), Cell::Int(i64::from(g.by_year)), Cell::from(g.article.clone())]
        })
        .collect();
    blocks.push(Block::Paragraph { text: "下表将各项建设目标与记录中的实际情况对照。已认定中心数按年末（或本白皮书数据截止日）仍持有资格的中心计，覆盖类目标按数据截止日已认定中心的服务领域和依托单位计。".into() });
    blocks.push(table("建设目标完成情况", "目标完成情况", &["目标", "目标值", "实际", "完成率", "目标年份", "依据"], rows, "完成率 = 实际 ÷ 目标值；“力争”为争取性目标。"));
    let first = f.centers.iter().filter_map(|c| c.recognized_on).map(|d| chrono::Datelike::year(&d)).min().unwrap_or(f.year).min(f.year);
    let years: Vec<i32> = (first..=f.year).collect();
    let year_end = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(f.today).min(f.today);
    let rows: Vec<Vec<Cell>> = years
        .iter()
        .map(|&y| {
            let d = year_end(y);
            vec![
                Cell::from(format!("{y}年")),
                Cell::Int(count_at(f, CenterKind::PocCenter, CenterLevel::Municipal, d)),
                Cell::Int(count_at(f, CenterKind::PocCenter, CenterLevel::Provincial, d)),
                Cell::Int(count_at(f, CenterKind::PilotPlatform, CenterLevel::Municipal, d)),
            ]
        })
        .collect();
    blocks.push(Block::Heading { text: "（一）网络规模的增长".into() });
    blocks.push(table("历年年末已认定中心数", "历年增长", &["年份", "市级及以上概念验证中心", "其中省级及以上", "中试平台"], rows, "按认定日期和资格取消日期计算；当年为数据截止日。"));
    let target = f.goals.iter().find(|g| matches!(g.measure, GoalMeasure::RecognizedCenters { center_kind: CenterKind::PocCenter, level: CenterLevel::Municipal })).and_then(|g| g.target);
    blocks.push(Block::Chart(BarChart {
        title: "历年年末市级及以上概念验证中心数".into(),
        bars: years.iter().map(|&y| (format!("{y}年"), count_at(f, CenterKind::PocCenter, CenterLevel::Municipal, year_end(y)))).collect(),
        target,
    }));
    let mut regions: Vec<(String, i64, i64)> = Vec::new();
    for c in &f.centers {
        if !(c.recognized_now || c.creating_now) {
            continue;
        }
        let i = match regions.iter().position(|(r, _, _)| *r == c.region) {
            Some(i) => i,
            None => {
                regions.push((c.region.clone(), 0, 0));
                regions.len() - 1
            }
        };
        if c.recognized_now {
            regions[i].1 += 1;
        } else {
            regions[i].2 += 1;
        }
    }
    regions.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    blocks.push(Block::Heading { text: "（二）区域分布".into() });
    blocks.push(table(
        "各区域中心数",
        "区域分布",
        &["区域", "已认定", "创建中"],
        regions.iter().map(|(r, n, c)| vec![Cell::from(r.clone()), Cell::Int(*n), Cell::Int(*c)]).collect(),
        "",
    ));
    Section { heading: "网络建设与目标".into(), blocks }
}

fn coverage(f: &Facts) -> Section {
    let recognized: Vec<Vec<String>> = f.centers.iter().filter(|c| c.recognized_now).map(|c| c.fields.clone()).collect();
    let rows = catalogue::coverage(&f.catalogue, &recognized);
    let uncovered: Vec<&str> = rows.iter().filter(|r| r.centers == 0).map(|r| r.label.as_str()).collect();
    let mut blocks = vec![Block::Paragraph {
        text: if uncovered.is_empty() {
            "产业目录中的每个领域和细分领域均已有已认定中心服务。".into()
        } else {
            format!("产业目录{}个领域和细分领域中，{}个已有已认定中心服务；尚未覆盖的有：{}。", rows.len(), rows.len() - uncovered.len(), uncovered.join("、"))
        },
    }];
    blocks.push(table(
        "产业领域及细分领域的已认定中心数",
        "产业覆盖",
        &["领域", "已认定中心数"],
        rows.iter().map(|r| vec![Cell::from(if r.parent.is_some() { format!("　{}", r.label) } else { r.label.clone() }), Cell::Int(r.centers)]).collect(),
        "一个中心服务多个领域的，在每个领域各计一次。",
    ));
    blocks.push(Block::Chart(BarChart { title: "各产业领域已认定中心数".into(), bars: rows.iter().filter(|r| r.parent.is_none()).map(|r| (r.label.clone(), r.centers)).collect(), target: None }));
    let hosts: Vec<OrgKind> = f.centers.iter().filter(|c| c.recognized_now).map(|c| c.host_kind).collect();
    let host_rows = catalogue::host_coverage(&hosts);
    blocks.push(table("依托单位类型的已认定中心数", "依托单位覆盖", &["依托单位类型", "已认定中心数"], host_rows.iter().map(|(l, n)| vec![Cell::from(l.clone()), Cell::Int(*n)]).collect(), "行动方案 一 要求重点高校、省级新型研发机构、研究型医院、孵化器概念验证中心全覆盖。"));
    blocks.push(Block::Chart(BarChart { title: "各类依托单位的已认定中心数".into(), bars: host_rows, target: None }));
    Section { heading: "产业与依托单位覆盖".into(), blocks }
}

fn service(f: &Facts) -> Section {
    let t = totals(f);
    let mut blocks = vec![Block::Paragraph {
        text: format!("本节汇总{}至{}各中心记录中的服务与成果数据，由平台按记录计算，与各中心年度运行报告的系统计算数一致（报告中经审核的更正不改变原始记录）。", day(f.window.0), day(f.window.1)),
    }];
    blocks.push(table(
        "年度服务与成果汇总",
        "年度运行汇总",
        &["指标", "全网络合计"],
        Metric::ALL.iter().map(|m| vec![Cell::from(m.label_zh().replace("（元）", "")), figure(*m, t.get(*m))]).collect(),
        "金额以万元计；人员、专家和设备为年末数。",
    ));
    let outcome_metrics = [Metric::PrototypeOutcomes, Metric::ProductOutcomes, Metric::LandedTransfers, Metric::LicenceTransfers, Metric::CompaniesIncubated];
    blocks.push(Block::Chart(BarChart { title: "年度成果产出".into(), bars: outcome_metrics.iter().map(|m| (m.label_zh().to_owned(), t.get(*m))).collect(), target: None }));
    let mut regions: Vec<(String, YearFigures, i64)> = Vec::new();
    for c in &f.centers {
        if c.figures.0.is_empty() && !c.recognized_now {
            continue;
        }
        let i = match regions.iter().position(|(r, _, _)| *r == c.region) {
            Some(i) => i,
            None => {
                regions.push((c.region.clone(), YearFigures::default(), 0));
                regions.len() - 1
            }
        };
        regions[i].2 += 1;
        for (m, v) in &c.figures.0 {
            let now = regions[i].1.get(*m);
            regions[i].1.set(*m, now + v);
        }
    }
    regions.sort_by(|a, b| b.1.get(Metric::ServiceProjects).cmp(&a.1.get(Metric::ServiceProjects)).then(a.0.cmp(&b.0)));
    let cols = [Metric::ServiceProjects, Metric::VerifiedProjects, Metric::LandedTransfers, Metric::ServiceIncomeYuan];
    blocks.push(table(
        "各区域年度服务与成果",
        "区域服务与成果",
        &["区域", "中心数", "服务项目数", "完成验证项目数", "落地转化项目数", "服务合同收入"],
        regions
            .iter()
            .map(|(r, fig, n)| {
                let mut row = vec![Cell::from(r.clone()), Cell::Int(*n)];
                row.extend(cols.iter().map(|m| figure(*m, fig.get(*m))));
                row
            })
            .collect(),
        "按中心所在区域汇总；中心数为已认定或当年有记录的中心。",
    ));
    Section { heading: "年度服务与成果".into(), blocks }
}

fn evaluation(f: &Facts) -> Section {
    let mut blocks = Vec::new();
    if f.rounds.is_empty() {
        blocks.push(Block::Paragraph { text: format!("{}年度绩效评价结果尚未公布。", f.year) });
    }
    for (i, r) in f.rounds.iter().enumerate() {
        blocks.push(Block::Heading { text: format!("（{}）{}", crate::document::section_number(i + 1), r.policy) });
        let weights: Vec<String> = r.plan.indicators.iter().map(|x| format!("{}{}%", x.label, x.weight)).collect();
        blocks.push(Block::Paragraph {
            text: format!(
                "评价数据期间为{}至{}{}。评价指标及权重：{}。{}等次：{}。",
                day(r.window.0),
                day(r.window.1),
                r.published_on.map(|d| format!("，结果于{}公布", day(d))).unwrap_or_default(),
                weights.join("、"),
                if r.plan.weights_reading.is_empty() { String::new() } else { format!("（{}）", r.plan.weights_reading) },
                r.plan.reading
            ),
        });
        let counts = grade_counts(r);
        let total = r.centers.len() as i64;
        blocks.push(table(
            &format!("{}等次分布", r.policy),
            &format!("等次分布{}", i + 1),
            &["等次", "中心数", "占比"],
            counts.iter().map(|(l, n)| vec![Cell::from(l.clone()), Cell::Int(*n), Cell::from(percent(*n, total))]).collect(),
            "",
        ));
        blocks.push(Block::Chart(BarChart { title: format!("{}等次分布", r.policy), bars: counts, target: None }));
        blocks.push(table(
            &format!("{}动态管理措施（已确认）", r.policy),
            &format!("动态管理{}", i + 1),
            &["中心", "措施", "金额或期限", "理由", "依据"],
            r.actions
                .iter()
                .map(|a| {
                    let detail = match (a.amount_yuan, a.until_year) {
                        (Some(y), _) => wan(y),
                        (None, Some(u)) => format!("{u}年前整改到位"),
                        _ => "—".into(),
                    };
                    vec![Cell::from(a.center_name.clone()), Cell::from(a.kind.label_zh()), Cell::from(detail), Cell::from(a.reason.clone()), Cell::from(a.article.clone())]
                })
                .collect(),
            "动态管理措施由平台按政策提出、市科技局逐项确认并说明理由。",
        ));
    }
    Section { heading: "年度绩效评价".into(), blocks }
}

fn rankings(f: &Facts) -> Section {
    let mut blocks = Vec::new();
    if f.rounds.is_empty() {
        blocks.push(Block::Paragraph { text: "排行榜随年度绩效评价结果公布后生成。".into() });
    }
    for (i, r) in f.rounds.iter().enumerate() {
        blocks.push(Block::Heading { text: format!("（{}）{}", crate::document::section_number(i + 1), r.policy) });
        if let Some(s) = &r.sensitivity {
            blocks.push(Block::Paragraph {
                text: format!(
                    "敏感性检验：各指标等权重（各占{}%）重新计算后，{}家参与排名的中心中{}家名次变化，最大变化{}位，第一名{}，两种排序的斯皮尔曼相关系数为{:.3}。",
                    if r.plan.indicators.is_empty() { 0 } else { 100 / r.plan.indicators.len() },
                    s.ranked,
                    s.moved,
                    s.largest_move,
                    if s.first_changes { "发生变化" } else { "不变" },
                    s.spearman
                ),
            });
        }
        let top: Vec<&RankedCenter> = r.centers.iter().filter(|c| c.place.is_some_and(|p| p <= TOP)).collect();
        blocks.push(table(
            &format!("{}中心排行榜（前{}名）", r.policy, TOP),
            &format!("中心排行{}", i + 1),
            &["名次", "中心", "区域", "依托单位", "总分", "等次", "等权重名次"],
            top.iter()
                .map(|c| {
                    vec![
                        place(c.place),
                        Cell::from(c.center_name.clone()),
                        Cell::from(c.region.clone()),
                        Cell::from(c.host_name.clone()),
                        c.value_hundredths.map_or(Cell::from("—"), |h| Cell::Hundredths(Score(h))),
                        Cell::from(c.grade_label.clone()),
                        place(c.equal_weight_place),
                    ]
                })
                .collect(),
            "总分相同者名次并列；全部中心见附表。",
        ));
        let hosts: Vec<&RankedHost> = r.hosts.iter().filter(|h| h.place.is_some_and(|p| p <= TOP)).collect();
        blocks.push(table(
            &format!("{}依托单位排行榜（前{}名）", r.policy, TOP),
            &format!("依托单位排行{}", i + 1),
            &["名次", "依托单位", "类型", "参评中心数", "平均总分"],
            hosts
                .iter()
                .map(|h| vec![place(h.place), Cell::from(h.host_name.clone()), Cell::from(h.host_kind.clone()), Cell::Int(h.centers as i64), Cell::Hundredths(Score(h.value_hundredths))])
                .collect(),
            "依托单位按其参评中心总分的平均值排名。",
        ));
    }
    Section { heading: "排行榜".into(), blocks }
}

fn place(p: Option<usize>) -> Cell {
    p.map_or(Cell::from("—"), |p| Cell::Int(p as i64))
}

fn appendix(f: &Facts) -> Section {
    let mut blocks = Vec::new();
    for (i, r) in f.rounds.iter().enumerate() {
        blocks.push(table(
            &format!("{}各中心评价结果", r.policy),
            &format!("评价结果{}", i + 1),
            &["名次", "中心", "区域", "依托单位", "总分", "等次"],
            r.centers
                .iter()
                .map(|c| {
                    vec![
                        place(c.place),
                        Cell::from(c.center_name.clone()),
                        Cell::from(c.region.clone()),
                        Cell::from(format!("{}（{}）", c.host_name, c.host_kind)),
                        c.value_hundredths.map_or(Cell::from("—"), |h| Cell::Hundredths(Score(h))),
                        Cell::from(c.grade_label.clone()),
                    ]
                })
                .collect(),
            "无总分者为拒不参加评价或未完成评价。",
        ));
    }
    if blocks.is_empty() {
        blocks.push(Block::Paragraph { text: "本年度尚无公布的评价结果。".into() });
    }
    Section { heading: "附表：各中心评价结果".into(), blocks }
}

fn method(f: &Facts) -> Section {
    Section {
        heading: "数据来源与说明".into(),
        blocks: vec![
            Block::Paragraph { text: format!("本白皮书由平台于{}根据记录自动生成，不经手工录入：中心名录、认定与资格变更、成果库、验证报告、成果转化记录、年度运行报告与年度绩效评价结果。", f.as_of) },
            Block::Paragraph { text: "“已认定”指已完成认定程序、认定日期在案且资格有效的中心；资格被取消的中心自取消之日起不再计入。年度数据按各政策规定的评价期间统计，金额以万元计。".into() },
            Block::Paragraph { text: "评价总分由按记录计算的指标得分与专家评分按权重合成，每一分项均在评价结果中公开；各政策未规定权重的，权重为本局确定并在评价方案中注明。排行榜仅包括已公布的评价轮次。".into() },
        ],
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::policy::profile::Profile;
    use crate::policy::SHIPPED;

    fn wenzhou() -> Profile {
        let (_, text) = SHIPPED.iter().find(|(i, _)| *i == "wenzhou-municipal-2025").unwrap();
        Profile::parse(text, Some("wenzhou-municipal-2025")).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn center(level: CenterLevel, host: OrgKind, fields: &[&str], recognized: Option<&str>, left: Option<&str>) -> CenterFacts {
        let recognized_on = recognized.map(d);
        let left_on = left.map(d);
        CenterFacts {
            kind: CenterKind::PocCenter,
            level,
            host_kind: host,
            region: "鹿城区".into(),
            fields: fields.iter().map(|s| (*s).to_owned()).collect(),
            recognized_on,
            left_on,
            recognized_now: recognized_on.is_some() && left_on.is_none(),
            creating_now: recognized_on.is_none(),
            figures: YearFigures::default(),
        }
    }

    fn facts(centers: Vec<CenterFacts>) -> Facts {
        let p = wenzhou();
        Facts {
            year: 2026,
            network: "温州市".into(),
            issuer: "温州市科学技术局".into(),
            as_of: "2026-12-02 20:00".into(),
            today: d("2026-12-02"),
            window: (d("2026-01-01"), d("2026-12-31")),
            goals: p.goals.clone(),
            catalogue: Catalogue::of(&p),
            centers,
            rounds: Vec::new(),
        }
    }

    /// 000 行动方案 一: 30 municipal centers by 2027, 10 provincial (力争), every
    /// industry and host type covered — each read from the records at the year's end.
    #[test]
    fn goals_are_read_against_the_records_at_the_years_end() {
        let f = facts(vec![
            center(CenterLevel::Municipal, OrgKind::University, &["new_energy", "hydrogen"], Some("2025-12-20"), None),
            center(CenterLevel::Provincial, OrgKind::Hospital, &["life_health"], Some("2026-06-01"), None),
            // Revoked this year: no longer counted.
            center(CenterLevel::Municipal, OrgKind::Incubator, &["new_materials"], Some("2025-03-01"), Some("2026-10-01")),
            // Creating only.
            center(CenterLevel::Municipal, OrgKind::ResearchInstitute, &["digital_economy"], None, None),
        ]);
        let by_code = |code: &str| reading(&f, f.goals.iter().find(|g| g.code == code).unwrap());
        // (goal, (target, actual))
        let cases = [("municipal_poc_centers", (30, 2)), ("provincial_poc_centers", (10, 1)), ("host_types_covered", (4, 2))];
        for (code, want) in cases {
            assert_eq!(by_code(code), want, "{code}");
        }
        let (entries, covered) = by_code("industries_covered");
        assert_eq!(covered, 3, "新能源, 新能源 · 氢能, 生命健康");
        assert_eq!(entries, catalogue::coverage(&f.catalogue, &[]).len() as i64);
        // At the end of 2025 the revoked one still counted.
        assert_eq!(count_at(&f, CenterKind::PocCenter, CenterLevel::Municipal, d("2025-12-31")), 2);
        assert_eq!(percent(2, 30), "6.7%");
        assert_eq!(percent(1, 0), "—");
    }

    #[test]
    fn the_paper_has_its_sections_tables_and_the_growth_chart_reads_against_the_target() {
        let mut c = center(CenterLevel::Municipal, OrgKind::University, &["new_energy"], Some("2025-12-20"), None);
        c.figures.set(Metric::ServiceProjects, 7);
        c.figures.set(Metric::ServiceIncomeYuan, 1_234_500);
        let f = facts(vec![c]);
        let doc = compose(&f);
        assert_eq!(doc.title, "温州市2026年度科技成果转化白皮书");
        let headings: Vec<&str> = doc.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["概述", "网络建设与目标", "产业与依托单位覆盖", "年度服务与成果", "年度绩效评价", "排行榜", "附表：各中心评价结果", "数据来源与说明"]);
        let growth = doc.sections[1].blocks.iter().find_map(|b| if let Block::Chart(c) = b { Some(c) } else { None }).unwrap();
        assert_eq!(growth.target, Some(30));
        assert_eq!(growth.bars, vec![("2025年".to_owned(), 1), ("2026年".to_owned(), 1)]);
        let totals = doc.tables().find(|t| t.sheet == "年度运行汇总").unwrap();
        assert!(totals.rows.contains(&vec![Cell::from("服务项目数"), Cell::Int(7)]));
        assert!(totals.rows.contains(&vec![Cell::from("服务合同收入"), Cell::from("123.45万元")]));
        assert!(doc.text().contains("评价结果尚未公布"), "no published round yet");
        let sheets: Vec<&str> = doc.tables().map(|t| t.sheet.as_str()).collect();
        let unique: std::collections::BTreeSet<&&str> = sheets.iter().collect();
        assert_eq!(unique.len(), sheets.len(), "sheet names are unique: {sheets:?}");
    }
}
