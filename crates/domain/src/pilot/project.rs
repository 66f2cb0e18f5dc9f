//! A pilot project (中试项目): from a PoC center's hand-off (移交中试, 000 二(六)) or applied for
//! directly by an enterprise or a research team (001 中试 16 “引导各类创新主体携研发成果到中试平台开展
//! 中试验证”); the platform accepts it, its 首席专家（总工程师） reviews its feasibility (001 中试 1
//! “牵头中试方案制定实施”), the platform writes the pilot plan — engineering development, process
//! optimisation, sample production, small-batch trial (001 中试 10) — with milestones and fees (001 中试 8
//! “设置合理收费标准”), the applicant confirms it, the work runs, and the platform issues the pilot
//! report (001 中试 16 “出具的报告可作为科技计划项目验收评价的重要依据”) with its findings on mass
//! production and market fit (002 三(四)) and the needs it feeds back to the PoC center (000 二(六)
//! 闭环迭代).

use crate::validation::{collect, multiline, text, DayRange};
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// Where a pilot project came from.
    pub enum PilotSource {
        /// 概念验证中心移交: a verified project a PoC center handed off.
        Handoff => ("handoff", "概念验证中心移交"),
        /// 直接申请: an enterprise or a research team applied to the platform.
        Direct => ("direct", "直接申请"),
    }
}

string_enum! {
    /// Where a pilot project stands.
    pub enum PilotState {
        /// 待受理: applied directly, waiting for the platform.
        Applied => ("applied", "待受理"),
        /// 可行性论证: accepted; the platform's chief expert reviews its feasibility.
        Reviewing => ("reviewing", "可行性论证"),
        /// 方案编制: feasible; the platform writes the pilot plan, the applicant confirms it.
        Planning => ("planning", "方案编制"),
        /// 中试实施: the plan confirmed; the work runs milestone by milestone.
        Running => ("running", "中试实施"),
        /// 已出具报告: the pilot report issued (the project ends here).
        Reported => ("reported", "已出具报告"),
        /// 不予受理: the platform declined the application, with the reason.
        Declined => ("declined", "不予受理"),
        /// 论证未通过: the feasibility review found it not feasible.
        Infeasible => ("infeasible", "论证未通过"),
        /// 已撤回: the applicant withdrew before the work began.
        Withdrawn => ("withdrawn", "已撤回"),
        /// 已终止: the platform stopped the work, with the reason.
        Terminated => ("terminated", "已终止"),
    }
}

impl PilotState {
    /// Whether the project is still under way (not ended one way or another).
    pub fn is_open(self) -> bool {
        matches!(self, PilotState::Applied | PilotState::Reviewing | PilotState::Planning | PilotState::Running)
    }

    /// Whether the platform may book its resources for the project.
    pub fn books(self) -> bool {
        matches!(self, PilotState::Planning | PilotState::Running)
    }
}

string_enum! {
    /// A stage of the pilot plan (001 中试 10 “工程开发、技术熟化、工艺创新、样品试制、设备验证、试验检测”).
    pub enum PilotStage {
        /// 工程开发.
        Engineering => ("engineering", "工程开发"),
        /// 工艺优化.
        Process => ("process", "工艺优化"),
        /// 样品试制.
        Samples => ("samples", "样品试制"),
        /// 小批量试产.
        SmallBatch => ("small_batch", "小批量试产"),
        /// 试验检测.
        Testing => ("testing", "试验检测"),
    }
}

string_enum! {
    /// The report's finding on mass production (量产可行性, 002 三(四)).
    pub enum MassProduction {
        /// 具备量产条件.
        Ready => ("ready", "具备量产条件"),
        /// 有条件具备（需解决所列问题）.
        Conditional => ("conditional", "有条件具备"),
        /// 暂不具备.
        NotYet => ("not_yet", "暂不具备"),
    }
}

string_enum! {
    /// The report's finding on market fit (市场适配性, 002 三(四)).
    pub enum MarketFit {
        /// 高.
        High => ("high", "市场适配性高"),
        /// 中.
        Medium => ("medium", "市场适配性中"),
        /// 低.
        Low => ("low", "市场适配性低"),
    }
}

/// Who acts on a pilot project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PilotParty {
    /// The platform's operators (its host unit).
    Platform,
    /// The applicant: the enterprise or team that applied, or the PoC center that handed it off.
    Applicant,
}

string_enum! {
    /// A step on a pilot project.
    pub enum PilotAction {
        /// The platform accepts a direct application (受理).
        Accept => ("accept", "受理"),
        /// The platform declines it, with the reason (不予受理).
        Decline => ("decline", "不予受理"),
        /// The chief expert's review: feasible (论证通过).
        Feasible => ("feasible", "论证通过"),
        /// The chief expert's review: not feasible (论证未通过).
        Infeasible => ("infeasible", "论证未通过"),
        /// The platform writes (or rewrites) the pilot plan (编制中试方案).
        Plan => ("plan", "编制中试方案"),
        /// The applicant confirms the plan and its fees (确认方案和费用).
        Confirm => ("confirm", "确认方案"),
        /// The platform records a milestone done (节点完成).
        Milestone => ("milestone", "节点完成"),
        /// The platform issues the pilot report (出具中试报告).
        Report => ("report", "出具中试报告"),
        /// The applicant withdraws before the work begins (撤回).
        Withdraw => ("withdraw", "撤回"),
        /// The platform stops the work, with the reason (终止).
        Terminate => ("terminate", "终止"),
    }
}

impl PilotAction {
    /// Who takes the step.
    pub fn party(self) -> PilotParty {
        match self {
            PilotAction::Confirm | PilotAction::Withdraw => PilotParty::Applicant,
            _ => PilotParty::Platform,
        }
    }
}

/// Where `action` takes a project in `state`, or why it may not be taken now. `planned` says
/// whether a plan with milestones is written, `open_milestones` how many are not done yet.
pub fn next_state(state: PilotState, action: PilotAction, planned: bool, open_milestones: usize) -> Result<PilotState, String> {
    use PilotAction as A;
    use PilotState as S;
    let to = match (state, action) {
        (S::Applied, A::Accept) => S::Reviewing,
        (S::Applied, A::Decline) => S::Declined,
        (S::Reviewing, A::Feasible) => S::Planning,
        (S::Reviewing, A::Infeasible) => S::Infeasible,
        (S::Planning, A::Plan) => S::Planning,
        (S::Planning, A::Confirm) if planned => S::Running,
        (S::Planning, A::Confirm) => return Err("中试平台尚未编制中试方案，暂不能确认".into()),
        (S::Running, A::Milestone) => S::Running,
        (S::Running, A::Report) if open_milestones == 0 => S::Reported,
        (S::Running, A::Report) => return Err(format!("还有{open_milestones}个中试节点未完成，完成后才能出具中试报告")),
        (S::Applied | S::Reviewing | S::Planning, A::Withdraw) => S::Withdrawn,
        (S::Running, A::Withdraw) => return Err("中试已开始实施，不能撤回；如需停止请与中试平台协商终止".into()),
        (S::Running, A::Terminate) => S::Terminated,
        (s, _) if !s.is_open() => return Err(format!("中试项目{}，不能再{}", s.label_zh(), action.label_zh())),
        (s, a) => return Err(format!("中试项目处于“{}”阶段，不能{}", s.label_zh(), a.label_zh())),
    };
    Ok(to)
}

/// A direct application as typed (form or JSON).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawApplication<'a> {
    /// 项目名称.
    pub title: &'a str,
    /// Field code.
    pub field: &'a str,
    /// 中试目标与需求: what is to be scaled up, what the platform should do.
    pub goal: &'a str,
}

/// A checked application (or the project a hand-off opens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDraft {
    /// 项目名称, 2–100 characters.
    pub title: String,
    /// Field code.
    pub field: String,
    /// 中试目标与需求, 10–2,000 characters.
    pub goal: String,
}

impl ApplicationDraft {
    /// Checks every field, naming each that fails.
    pub fn parse(raw: &RawApplication<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = collect(&mut errors, text("title", "项目名称", raw.title, 2, 100));
        let field = raw.field.trim();
        let field = collect(
            &mut errors,
            match field {
                "" => Err(FieldError::required("field", "产业领域")),
                f if crate::industry::field(f).is_some() => Ok(f.to_owned()),
                _ => Err(FieldError::unknown_value("field", "产业领域")),
            },
        );
        let goal = collect(&mut errors, multiline("goal", "中试目标与需求", raw.goal, 10, 2000));
        match (title, field, goal) {
            (Some(title), Some(field), Some(goal)) if errors.is_empty() => Ok(Self { title, field, goal }),
            _ => Err(errors),
        }
    }
}

/// The chief expert's feasibility review as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawReview<'a> {
    /// `feasible` or `infeasible`.
    pub conclusion: &'a str,
    /// 论证人: the chief expert or chief engineer (name and title).
    pub reviewer: &'a str,
    /// 论证意见.
    pub opinion: &'a str,
}

/// A checked feasibility review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    /// [`PilotAction::Feasible`] or [`PilotAction::Infeasible`].
    pub conclusion: PilotAction,
    /// 论证人, 2–40 characters.
    pub reviewer: String,
    /// 论证意见, 10–2,000 characters.
    pub opinion: String,
}

impl ReviewDraft {
    /// Checks every field, naming each that fails.
    pub fn parse(raw: &RawReview<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let conclusion = collect(
            &mut errors,
            match PilotAction::parse(raw.conclusion.trim()) {
                Ok(a @ (PilotAction::Feasible | PilotAction::Infeasible)) => Ok(a),
                _ if raw.conclusion.trim().is_empty() => Err(FieldError::required("conclusion", "论证结论")),
                _ => Err(FieldError::unknown_value("conclusion", "论证结论")),
            },
        );
        let reviewer = collect(&mut errors, text("reviewer", "论证人（首席专家/总工程师）", raw.reviewer, 2, 40));
        let opinion = collect(&mut errors, multiline("opinion", "论证意见", raw.opinion, 10, 2000));
        match (conclusion, reviewer, opinion) {
            (Some(conclusion), Some(reviewer), Some(opinion)) if errors.is_empty() => Ok(Self { conclusion, reviewer, opinion }),
            _ => Err(errors),
        }
    }
}

/// One milestone of a plan as typed.
#[derive(Debug, Clone, Default)]
pub struct RawMilestone {
    /// Stage code.
    pub stage: String,
    /// 节点内容.
    pub title: String,
    /// Due day (YYYY-MM-DD).
    pub due_on: String,
    /// Fee for the stage, yuan (0 when free).
    pub fee_yuan: String,
}

/// A checked milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneDraft {
    /// Stage.
    pub stage: PilotStage,
    /// 节点内容, 2–100 characters.
    pub title: String,
    /// Due day.
    pub due_on: NaiveDate,
    /// Fee, yuan.
    pub fee_yuan: i64,
}

/// The most milestones a plan has.
pub const MAX_MILESTONES: usize = 12;

/// The most a milestone's fee may be: 1 亿元 (a pilot stage costs far less; the bound catches a
/// slip of the keyboard).
pub const MAX_FEE_YUAN: i64 = 100_000_000;

/// Checks a pilot plan written on `today`: 1–12 milestones, each with a stage, a title, a due day
/// from today to five years ahead in order, and a fee from 0 to 1 亿元. Errors name the row as
/// `milestones[i].field`.
pub fn parse_plan(rows: &[RawMilestone], today: NaiveDate) -> Result<Vec<MilestoneDraft>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let rows: Vec<&RawMilestone> = rows.iter().filter(|r| !(r.stage.trim().is_empty() && r.title.trim().is_empty() && r.due_on.trim().is_empty() && r.fee_yuan.trim().is_empty())).collect();
    if rows.is_empty() {
        return Err(vec![FieldError::new("milestones", "required", "中试方案至少需要一个节点")]);
    }
    if rows.len() > MAX_MILESTONES {
        return Err(vec![FieldError::new("milestones", "too_many", format!("中试方案最多{MAX_MILESTONES}个节点"))]);
    }
    let range = DayRange { earliest: today, latest: today.checked_add_months(chrono::Months::new(60)).unwrap_or(today) };
    let mut out = Vec::new();
    let mut last: Option<NaiveDate> = None;
    for (i, r) in rows.iter().enumerate() {
        let f = |name: &str| format!("milestones[{i}].{name}");
        let n = i + 1;
        let stage = collect(
            &mut errors,
            match PilotStage::parse(r.stage.trim()) {
                Ok(s) => Ok(s),
                Err(_) if r.stage.trim().is_empty() => Err(FieldError::required(&f("stage"), &format!("第{n}个节点的阶段"))),
                Err(_) => Err(FieldError::unknown_value(&f("stage"), &format!("第{n}个节点的阶段"))),
            },
        );
        let title = collect(&mut errors, text(&f("title"), &format!("第{n}个节点的内容"), &r.title, 2, 100));
        let due = collect(&mut errors, crate::validation::day(&f("due_on"), &format!("第{n}个节点的完成日期"), &r.due_on, range));
        if let (Some(d), Some(prev)) = (due, last) {
            if d < prev {
                errors.push(FieldError::new(f("due_on"), "out_of_order", format!("第{n}个节点的完成日期不能早于上一个节点")));
            }
        }
        if due.is_some() {
            last = due;
        }
        let fee = collect(
            &mut errors,
            match r.fee_yuan.trim() {
                "" => Err(FieldError::required(&f("fee_yuan"), &format!("第{n}个节点的费用"))),
                s => match s.parse::<i64>() {
                    Ok(v) if (0..=MAX_FEE_YUAN).contains(&v) => Ok(v),
                    _ => Err(FieldError::new(f("fee_yuan"), "out_of_range", format!("第{n}个节点的费用须为0至100000000之间的整数（元）"))),
                },
            },
        );
        if let (Some(stage), Some(title), Some(due_on), Some(fee_yuan)) = (stage, title, due, fee) {
            out.push(MilestoneDraft { stage, title, due_on, fee_yuan });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The pilot report as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawReport<'a> {
    /// Mass-production finding code.
    pub mass_production: &'a str,
    /// Market-fit finding code.
    pub market_fit: &'a str,
    /// 中试结论与数据: what was scaled up, yields, parameters, samples.
    pub summary: &'a str,
    /// 反馈需求: what the platform feeds back to the PoC center or team (技术改进、资金、场地…).
    pub needs: &'a str,
}

/// A checked pilot report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDraft {
    /// 量产可行性.
    pub mass_production: MassProduction,
    /// 市场适配性.
    pub market_fit: MarketFit,
    /// 中试结论与数据, 20–5,000 characters.
    pub summary: String,
    /// 反馈需求, up to 2,000 characters.
    pub needs: String,
}

impl ReportDraft {
    /// The report as the hand-off's feedback the PoC center reads (000 二(六) 闭环迭代): both findings,
    /// then the summary.
    pub fn handoff_feedback(&self) -> String {
        format!("【中试报告】{}；{}\n{}", self.mass_production.label_zh(), self.market_fit.label_zh(), self.summary)
    }

    /// Checks every field, naming each that fails.
    pub fn parse(raw: &RawReport<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mass_production = collect(
            &mut errors,
            match raw.mass_production.trim() {
                "" => Err(FieldError::required("mass_production", "量产可行性")),
                c => MassProduction::parse(c).map_err(|_| FieldError::unknown_value("mass_production", "量产可行性")),
            },
        );
        let market_fit = collect(
            &mut errors,
            match raw.market_fit.trim() {
                "" => Err(FieldError::required("market_fit", "市场适配性")),
                c => MarketFit::parse(c).map_err(|_| FieldError::unknown_value("market_fit", "市场适配性")),
            },
        );
        let summary = collect(&mut errors, multiline("summary", "中试结论与数据", raw.summary, 20, 5000));
        let needs = collect(&mut errors, multiline("needs", "反馈需求", raw.needs, 0, 2000));
        match (mass_production, market_fit, summary, needs) {
            (Some(mass_production), Some(market_fit), Some(summary), Some(needs)) if errors.is_empty() => Ok(Self { mass_production, market_fit, summary, needs }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PilotAction as A;
    use PilotState as S;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    /// 001 中试 8 (全流程管理): each step from each state, with the plan and milestone conditions.
    #[test]
    fn the_steps_of_a_pilot_project() {
        /// (state, action, planned, open milestones, where it leads or part of the refusal).
        type Case = (S, A, bool, usize, Result<S, &'static str>);
        let cases: &[Case] = &[
            (S::Applied, A::Accept, false, 0, Ok(S::Reviewing)),
            (S::Applied, A::Decline, false, 0, Ok(S::Declined)),
            (S::Applied, A::Feasible, false, 0, Err("待受理")),
            (S::Reviewing, A::Feasible, false, 0, Ok(S::Planning)),
            (S::Reviewing, A::Infeasible, false, 0, Ok(S::Infeasible)),
            (S::Reviewing, A::Plan, false, 0, Err("可行性论证")),
            (S::Planning, A::Plan, true, 3, Ok(S::Planning)),
            (S::Planning, A::Confirm, false, 0, Err("尚未编制")),
            (S::Planning, A::Confirm, true, 3, Ok(S::Running)),
            (S::Running, A::Milestone, true, 2, Ok(S::Running)),
            (S::Running, A::Report, true, 1, Err("还有1个")),
            (S::Running, A::Report, true, 0, Ok(S::Reported)),
            (S::Applied, A::Withdraw, false, 0, Ok(S::Withdrawn)),
            (S::Planning, A::Withdraw, true, 3, Ok(S::Withdrawn)),
            (S::Running, A::Withdraw, true, 3, Err("不能撤回")),
            (S::Running, A::Terminate, true, 3, Ok(S::Terminated)),
            (S::Planning, A::Terminate, true, 3, Err("方案编制")),
            (S::Reported, A::Milestone, true, 0, Err("已出具报告")),
            (S::Withdrawn, A::Accept, false, 0, Err("已撤回")),
        ];
        for (state, action, planned, open, want) in cases {
            let got = next_state(*state, *action, *planned, *open);
            match want {
                Ok(s) => assert_eq!(got, Ok(*s), "{state:?} {action:?}"),
                Err(part) => assert!(got.as_ref().is_err_and(|e| e.contains(part)), "{state:?} {action:?}: {got:?}"),
            }
        }
    }

    #[test]
    fn who_takes_each_step() {
        for a in PilotAction::ALL {
            let want = if matches!(a, A::Confirm | A::Withdraw) { PilotParty::Applicant } else { PilotParty::Platform };
            assert_eq!(a.party(), want, "{a:?}");
        }
    }

    #[test]
    fn open_states_book_and_closed_ones_do_not() {
        let open: Vec<S> = S::ALL.iter().copied().filter(|s| s.is_open()).collect();
        assert_eq!(open, vec![S::Applied, S::Reviewing, S::Planning, S::Running]);
        let books: Vec<S> = S::ALL.iter().copied().filter(|s| s.books()).collect();
        assert_eq!(books, vec![S::Planning, S::Running]);
    }

    #[test]
    fn an_application_names_each_field_that_fails() {
        let good = RawApplication { title: "固态电解质膜中试放大", field: "new_energy", goal: "将实验室级固态电解质膜放大到幅宽300毫米的连续卷对卷工艺" };
        assert!(ApplicationDraft::parse(&good).is_ok());
        let cases: &[(RawApplication<'_>, &str, &str)] = &[
            (RawApplication { title: "", ..good }, "title", "required"),
            (RawApplication { field: "", ..good }, "field", "required"),
            (RawApplication { field: "space", ..good }, "field", "unknown_value"),
            (RawApplication { goal: "放大", ..good }, "goal", "too_short"),
        ];
        for (raw, field, code) in cases {
            let errors = ApplicationDraft::parse(raw).err().unwrap_or_default();
            assert!(errors.iter().any(|e| e.field == *field && e.code == *code), "{field} {code}: {errors:?}");
        }
    }

    #[test]
    fn a_review_is_feasible_or_not_and_names_its_reviewer() {
        let good = RawReview { conclusion: "feasible", reviewer: "首席专家 王工", opinion: "工艺路线清晰，放大风险可控，建议开展中试" };
        assert_eq!(ReviewDraft::parse(&good).map(|r| r.conclusion), Ok(A::Feasible));
        let cases: &[(RawReview<'_>, &str, &str)] = &[
            (RawReview { conclusion: "", ..good }, "conclusion", "required"),
            (RawReview { conclusion: "accept", ..good }, "conclusion", "unknown_value"),
            (RawReview { reviewer: "王", ..good }, "reviewer", "too_short"),
            (RawReview { opinion: "可行", ..good }, "opinion", "too_short"),
        ];
        for (raw, field, code) in cases {
            let errors = ReviewDraft::parse(raw).err().unwrap_or_default();
            assert!(errors.iter().any(|e| e.field == *field && e.code == *code), "{field} {code}: {errors:?}");
        }
    }

    fn row(stage: &str, title: &str, due: &str, fee: &str) -> RawMilestone {
        RawMilestone { stage: stage.into(), title: title.into(), due_on: due.into(), fee_yuan: fee.into() }
    }

    #[test]
    fn a_plan_checks_each_milestone_and_their_order() {
        let today = day("2026-03-02");
        let good = vec![row("engineering", "工程化设计", "2026-04-30", "200000"), row("samples", "样品试制50件", "2026-06-30", "0"), row("", "", "", "")];
        let plan = parse_plan(&good, today);
        assert_eq!(plan.as_ref().map(Vec::len), Ok(2), "blank rows are skipped");
        let cases: &[(Vec<RawMilestone>, &str, &str)] = &[
            (vec![], "milestones", "required"),
            (vec![row("", "", "", "")], "milestones", "required"),
            ((0..13).map(|_| row("testing", "检测", "2026-05-01", "1")).collect(), "milestones", "too_many"),
            (vec![row("paint", "工程化设计", "2026-04-30", "1")], "milestones[0].stage", "unknown_value"),
            (vec![row("engineering", "设", "2026-04-30", "1")], "milestones[0].title", "too_short"),
            (vec![row("engineering", "工程化设计", "2026-03-01", "1")], "milestones[0].due_on", "out_of_range"),
            (vec![row("engineering", "工程化设计", "2031-03-03", "1")], "milestones[0].due_on", "out_of_range"),
            (vec![row("engineering", "工程化设计", "2026-4-30", "1")], "milestones[0].due_on", "invalid_date"),
            (vec![row("engineering", "工程化设计", "2026-04-30", "-1")], "milestones[0].fee_yuan", "out_of_range"),
            (vec![row("engineering", "工程化设计", "2026-04-30", "100000001")], "milestones[0].fee_yuan", "out_of_range"),
            (vec![row("engineering", "工程化设计", "2026-04-30", "")], "milestones[0].fee_yuan", "required"),
            (vec![row("engineering", "工程化设计", "2026-04-30", "1"), row("samples", "样品试制", "2026-04-29", "1")], "milestones[1].due_on", "out_of_order"),
        ];
        for (rows, field, code) in cases {
            let errors = parse_plan(rows, today).err().unwrap_or_default();
            assert!(errors.iter().any(|e| e.field == *field && e.code == *code), "{field} {code}: {errors:?}");
        }
    }

    /// 002 三(四): a report names both findings; the needs fed back may be empty.
    #[test]
    fn a_report_names_both_findings() {
        let good = RawReport { mass_production: "conditional", market_fit: "high", summary: "连续运行72小时，良率92%，幅宽300毫米，厚度偏差±2微米。", needs: "" };
        assert!(ReportDraft::parse(&good).is_ok());
        let cases: &[(RawReport<'_>, &str, &str)] = &[
            (RawReport { mass_production: "", ..good }, "mass_production", "required"),
            (RawReport { mass_production: "maybe", ..good }, "mass_production", "unknown_value"),
            (RawReport { market_fit: "", ..good }, "market_fit", "required"),
            (RawReport { summary: "良率92%", ..good }, "summary", "too_short"),
        ];
        for (raw, field, code) in cases {
            let errors = ReportDraft::parse(raw).err().unwrap_or_default();
            assert!(errors.iter().any(|e| e.field == *field && e.code == *code), "{field} {code}: {errors:?}");
        }
    }
}
