//! The demo's project manager (项目经理人, issue 18; 004 三(三)(五)): the `manager` login of the
//! `center` login's center carries two projects of its library (one waiting on its to-do list for
//! an update), has left a third handed on to pilot scale, and was assessed on last year's record;
//! this year's assessment is left for the `center` login to give.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::{Datelike, Duration, NaiveDate};
use pocnet_domain::id::{CenterId, ResultId};
use pocnet_domain::managers::assessment::{self, AssessmentDraft};
use pocnet_domain::managers::assignment::{Decision, EntryDraft, EntryKind, ExitDraft, ExitRoute};
use pocnet_store::managers::{assessments, assignments};
use pocnet_store::{StoreError, StoreResult};
use sqlx::AnyConnection;

/// The PoC center whose projects the manager carries.
const CENTER: &str = "center_demo";

/// A log entry: days before today, kind, decision, text.
type Line = (i64, EntryKind, Option<Decision>, &'static str);

/// What happens to each of the three projects: days assigned before today, the brief, the log, the exit.
struct Plan {
    state: &'static str,
    days_ago: i64,
    brief: &'static str,
    log: &'static [Line],
    exit: Option<(i64, ExitRoute, &'static str)>,
}

const PLANS: [Plan; 3] = [
    Plan {
        state: "verifying",
        days_ago: 150,
        brief: "负责原理样机验证的任务分解与进度控制，对接中试平台和投资机构",
        log: &[
            (148, EntryKind::Decision, Some(Decision::Advance), "入库评审通过，按两阶段里程碑推进：先验证关键性能，再做成本与可靠性验证"),
            (140, EntryKind::Task, None, "分解为三项任务：性能测试（团队负责）、成本核算（平台财务）、用户试用（对接两家企业）"),
            (75, EntryKind::Decision, Some(Decision::Adjust), "首轮测试寿命未达标，调整密封结构方案，里程碑顺延一个月"),
            (40, EntryKind::Resource, None, "协调鹿湾智能电气中试平台装配线档期，安排小批量试制"),
            (10, EntryKind::Progress, None, "第二轮样机寿命测试达标，准备提交里程碑验收材料"),
        ],
        exit: None,
    },
    Plan {
        state: "admitted",
        days_ago: 60,
        brief: "组织验证方案编制，评估市场需求",
        log: &[(58, EntryKind::Task, None, "与团队确定验证方案框架，待补充用户访谈"), (45, EntryKind::Progress, None, "完成三家潜在用户访谈，需求验证结论待整理")],
        exit: None,
    },
    Plan {
        state: "verified",
        days_ago: 420,
        brief: "跟进验证全过程，推动转入中试",
        log: &[
            (415, EntryKind::Decision, Some(Decision::Advance), "技术路线清晰，建议立项验证"),
            (300, EntryKind::Resource, None, "引入瓯湾科创投资基金参与中期评审"),
            (200, EntryKind::Progress, None, "验证完成，报告建议转入中试"),
        ],
        exit: Some((60, ExitRoute::PilotHandoff, "验证报告建议转入中试，已移交中试平台，由平台继续跟进")),
    },
];

/// The projects of the center in `state`, oldest first.
async fn projects(conn: &mut AnyConnection, center: CenterId, state: &str) -> StoreResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT id, COALESCE(trl_after, trl) FROM research_results WHERE center_id = $1 AND state = $2 ORDER BY id LIMIT 5").bind(center.get()).bind(state).fetch_all(&mut *conn).await?)
}

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let today = china_day(net.now);
    let center = net.center(CENTER)?.id;
    let operator = net.user("center")?;
    let manager = net.user("manager")?;
    let manager_id = net.user_id("manager").ok_or_else(|| StoreError::Corrupt("demo: no manager login".into()))?;
    let mut taken = Vec::new();
    for (i, plan) in PLANS.iter().enumerate() {
        let Some(&(rid, trl)) = projects(conn, center, plan.state).await?.iter().find(|(id, _)| !taken.contains(id)) else {
            return Err(StoreError::Corrupt(format!("demo: {CENTER} has no {} project for its manager", plan.state)));
        };
        taken.push(rid);
        let day = |ago: i64| today - Duration::days(ago);
        let minutes = i64::try_from(i).unwrap_or(0) * 7;
        let new = assignments::NewAssignment { result: ResultId::new(rid), center, manager: manager_id, trl, brief: plan.brief };
        let id = assignments::assign(conn, &operator, at(day(plan.days_ago), minutes), day(plan.days_ago), &new).await?;
        for (ago, kind, decision, body) in plan.log {
            let entry = EntryDraft { kind: *kind, decision: *decision, body: (*body).into() };
            assignments::record(conn, &manager, at(day(*ago), minutes), day(*ago), id, &entry).await?;
        }
        if let Some((ago, route, reason)) = plan.exit {
            let version = 1 + i64::try_from(plan.log.len()).unwrap_or(0);
            assignments::exit(conn, &manager, at(day(ago), minutes), day(ago), id, version, &ExitDraft { route, reason: reason.into() }).await?;
        }
    }
    // Last year's assessment, given in January from the record of that year.
    let last_year = today.year() - 1;
    let facts = assessments::facts(&mut *conn, manager_id, center, last_year).await?;
    if facts.managed > 0 {
        let suggestion = assessment::suggest(&facts);
        let (technical, commercial) = (suggestion.technical.unwrap_or(60).max(78), suggestion.commercial.unwrap_or(60).max(72));
        let draft = AssessmentDraft {
            year: last_year,
            technical,
            commercial,
            grade: assessment::grade(technical, commercial),
            opinion: "验证路线调整及时，项目按期完成验证；市场资源对接尚需加强".into(),
        };
        let given = NaiveDate::from_ymd_opt(today.year(), 1, 15).unwrap_or(today);
        let new = assessments::NewAssessment { center, manager: manager_id, draft: &draft, facts: &facts, suggestion: &suggestion };
        assessments::create(conn, &operator, at(given, 0), &new).await?;
    }
    Ok(())
}
