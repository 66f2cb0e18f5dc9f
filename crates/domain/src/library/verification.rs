//! Verification (概念验证): the plan of an admitted project with its
//! milestones of three kinds — technical, scenario, commercial — plus
//! Shanghai's market validations (004 三), each with goal, due date, budget,
//! evidence and status; milestone-based funding (里程碑式支持), where a
//! milestone's money is released only once it is accepted; and the report
//! the center issues with its recommendation.

use crate::money::{parse_yuan, Yuan};
use crate::research_result::Trl;
use crate::validation::{collect, text, FieldError};
use chrono::NaiveDate;
use serde::Deserialize;

string_enum! {
    /// What a milestone verifies.
    pub enum MilestoneKind {
        /// 技术验证（原理、性能、可靠性）
        Technical => ("technical", "技术验证"),
        /// 场景验证（真实应用场景）
        Scenario => ("scenario", "场景验证"),
        /// 商业验证（商业模式、客户、定价）
        Commercial => ("commercial", "商业验证"),
        /// 市场需求验证（004 三）
        MarketDemand => ("market_demand", "市场需求验证"),
        /// 市场竞争验证（004 三）
        MarketCompetition => ("market_competition", "市场竞争验证"),
        /// 成本验证（004 三）
        MarketCost => ("market_cost", "成本验证"),
        /// 政策法规验证（004 三）
        MarketRegulation => ("market_regulation", "政策法规验证"),
    }
}

string_enum! {
    /// Where a milestone stands.
    pub enum MilestoneStatus {
        /// 计划中
        Planned => ("planned", "计划中"),
        /// 已提交验收材料，待验收
        Submitted => ("submitted", "待验收"),
        /// 验收通过
        Accepted => ("accepted", "验收通过"),
        /// 验收不通过（可补充材料后重新提交）
        Failed => ("failed", "验收不通过"),
        /// 已取消（不再验证）
        Cancelled => ("cancelled", "已取消"),
    }
}

string_enum! {
    /// A step of a milestone.
    pub enum MilestoneAction {
        /// 提交验收材料（项目团队）
        Submit => ("submit", "提交验收材料"),
        /// 验收通过（中心）
        Accept => ("accept", "验收通过"),
        /// 验收不通过（中心）
        Fail => ("fail", "验收不通过"),
        /// 取消（中心）
        Cancel => ("cancel", "取消里程碑"),
    }
}

string_enum! {
    /// Where a hand-off to a pilot platform stands (移交中试).
    pub enum HandoffState {
        /// Sent; the platform has not answered.
        Sent => ("sent", "待答复"),
        /// The platform took the project on.
        Accepted => ("accepted", "已接收"),
        /// The platform declined (the center may send it elsewhere).
        Declined => ("declined", "已谢绝"),
    }
}

/// A step of a milestone the machine allowed (who takes it is the workflow's rule).
pub type MilestoneTransition = crate::transition::Transition<MilestoneStatus, MilestoneAction, ()>;

impl MilestoneStatus {
    /// Whether the milestone still waits for a decision (blocks the report).
    pub fn is_open(self) -> bool {
        matches!(self, MilestoneStatus::Planned | MilestoneStatus::Submitted)
    }

    /// The step `action` takes from here, or why not: the only value storage
    /// writes a milestone's status from.
    pub fn step(self, action: MilestoneAction, has_evidence: bool) -> Result<MilestoneTransition, FieldError> {
        self.apply(action, has_evidence).map(|to| MilestoneTransition::new(self, to, action, ()))
    }

    /// The status after `action`, or why not. Submitting needs evidence;
    /// a failed milestone may be submitted again.
    pub fn apply(self, action: MilestoneAction, has_evidence: bool) -> Result<MilestoneStatus, FieldError> {
        use MilestoneAction as A;
        use MilestoneStatus as S;
        match (self, action) {
            (S::Planned | S::Failed, A::Submit) if !has_evidence => {
                Err(FieldError::new("evidence", "evidence_required", "提交验收须说明完成情况并附证明材料"))
            }
            (S::Planned | S::Failed, A::Submit) => Ok(S::Submitted),
            (S::Submitted, A::Accept) => Ok(S::Accepted),
            (S::Submitted, A::Fail) => Ok(S::Failed),
            (S::Planned | S::Submitted | S::Failed, A::Cancel) => Ok(S::Cancelled),
            (from, action) => Err(FieldError::new(
                "action",
                "illegal_transition",
                format!("里程碑当前为“{}”，不能“{}”", from.label_zh(), action.label_zh()),
            )),
        }
    }
}

/// Checks a funding release (拨付) against milestone-based support: only an
/// accepted milestone releases money, never more than its budget in total.
pub fn check_release(status: MilestoneStatus, budget: Yuan, released: Yuan, amount: Yuan) -> Result<(), FieldError> {
    if status != MilestoneStatus::Accepted {
        return Err(FieldError::new(
            "amount_yuan",
            "milestone_not_accepted",
            format!("里程碑“{}”尚未验收通过，不能拨付资金（里程碑式支持）", status.label_zh()),
        ));
    }
    if amount <= Yuan::ZERO {
        return Err(FieldError::new("amount_yuan", "out_of_range", "拨付金额须大于0元"));
    }
    if released + amount > budget {
        return Err(FieldError::new(
            "amount_yuan",
            "exceeds_budget",
            format!("累计拨付不能超过里程碑预算：预算{}元，已拨付{}元，本次最多{}元", budget.get(), released.get(), (budget - released).get()),
        ));
    }
    Ok(())
}

fn day(field: &str, label: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    crate::validation::day(field, label, raw, crate::validation::DayRange::years_2000_to_2100())
}

/// A verification plan as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    /// What the verification must establish.
    pub goal: String,
    /// Target technology-readiness level (above the current one).
    pub trl_target: i64,
    /// The project manager (项目经理人).
    pub manager_name: String,
    /// The manager's phone.
    pub manager_phone: String,
    /// First day (YYYY-MM-DD).
    pub starts_on: String,
    /// Last day (YYYY-MM-DD).
    pub ends_on: String,
}

/// A checked verification plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Goal.
    pub goal: String,
    /// Target level.
    pub trl_target: Trl,
    /// Project manager.
    pub manager_name: String,
    /// Manager's phone.
    pub manager_phone: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
}

fn phone(raw: &str) -> Result<String, FieldError> {
    let v: String = raw.trim().chars().filter(|c| *c != ' ' && *c != '-').collect();
    let ok = (v.len() == 11 && v.starts_with('1') && v.chars().all(|c| c.is_ascii_digit()))
        || (v.len() >= 7 && v.len() <= 13 && v.starts_with('0') && v.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new("manager_phone", "invalid_phone", "联系电话须为11位手机号或带区号的固定电话"))
    }
}

impl PlanInput {
    /// Checks the plan against the project's current level; every error at once.
    pub fn parse(&self, current: Trl) -> Result<Plan, Vec<FieldError>> {
        let mut errors = Vec::new();
        let goal = collect(&mut errors, text("goal", "验证目标", &self.goal, 10, 2000));
        let trl_target = collect(&mut errors, Trl::parse(self.trl_target).map_err(|e| FieldError { field: "trl_target".into(), ..e }));
        if let Some(t) = trl_target {
            if t <= current {
                errors.push(FieldError::new(
                    "trl_target",
                    "not_above_current",
                    format!("目标技术就绪度须高于当前的{}级", current.level()),
                ));
            }
        }
        let manager_name = collect(&mut errors, text("manager_name", "项目经理人", &self.manager_name, 2, 30));
        let manager_phone = collect(&mut errors, phone(&self.manager_phone));
        let starts_on = collect(&mut errors, day("starts_on", "开始日期", &self.starts_on));
        let ends_on = collect(&mut errors, day("ends_on", "结束日期", &self.ends_on));
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e <= s {
                errors.push(FieldError::new("ends_on", "before_start", "结束日期须晚于开始日期"));
            }
        }
        match (goal, trl_target, manager_name, manager_phone, starts_on, ends_on) {
            (Some(goal), Some(trl_target), Some(manager_name), Some(manager_phone), Some(starts_on), Some(ends_on)) if errors.is_empty() => {
                Ok(Plan { goal, trl_target, manager_name, manager_phone, starts_on, ends_on })
            }
            _ => Err(errors),
        }
    }
}

/// A milestone as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MilestoneInput {
    /// Kind code, e.g. `technical`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// What counts as reached (验收标准).
    pub goal: String,
    /// Due day (YYYY-MM-DD), within the plan's period.
    pub due_on: String,
    /// Budget in yuan.
    pub budget_yuan: String,
}

/// A checked milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneDraft {
    /// Kind.
    pub kind: MilestoneKind,
    /// Title.
    pub title: String,
    /// Acceptance criterion.
    pub goal: String,
    /// Due day.
    pub due_on: NaiveDate,
    /// Budget.
    pub budget_yuan: Yuan,
}

impl MilestoneInput {
    /// Checks the milestone against its plan; every error at once.
    pub fn parse(&self, plan: &Plan) -> Result<MilestoneDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = collect(
            &mut errors,
            MilestoneKind::ALL
                .iter()
                .copied()
                .find(|k| k.as_str() == self.kind.trim() || k.label_zh() == self.kind.trim())
                .ok_or_else(|| FieldError::unknown_value("kind", "里程碑类型")),
        );
        let title = collect(&mut errors, text("title", "里程碑名称", &self.title, 2, 100));
        let goal = collect(&mut errors, text("goal", "验收标准", &self.goal, 4, 1000));
        let due_on = collect(&mut errors, day("due_on", "计划完成日期", &self.due_on));
        if let Some(d) = due_on {
            if d < plan.starts_on || d > plan.ends_on {
                errors.push(FieldError::new(
                    "due_on",
                    "outside_plan",
                    format!("计划完成日期须在验证周期（{}至{}）内", plan.starts_on, plan.ends_on),
                ));
            }
        }
        let budget_yuan = collect(&mut errors, parse_yuan("budget_yuan", "里程碑预算", &self.budget_yuan));
        match (kind, title, goal, due_on, budget_yuan) {
            (Some(kind), Some(title), Some(goal), Some(due_on), Some(budget_yuan)) if errors.is_empty() => {
                Ok(MilestoneDraft { kind, title, goal, due_on, budget_yuan })
            }
            _ => Err(errors),
        }
    }
}

string_enum! {
    /// What the verification report recommends.
    pub enum Recommendation {
        /// 建议进入中试
        GoPilot => ("go_pilot", "建议进入中试"),
        /// 建议继续验证
        Continue => ("continue", "建议继续验证"),
        /// 建议终止
        Stop => ("stop", "建议终止"),
    }
}

/// One milestone's finding in the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    /// Milestone id.
    pub milestone_id: i64,
    /// What the verification found.
    pub finding: String,
}

/// A verification report as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    /// Overall conclusion.
    pub summary: String,
    /// Findings per milestone (every milestone of the plan, once).
    pub findings: Vec<Finding>,
    /// Technology-readiness level reached.
    pub trl_after: i64,
    /// `go_pilot`, `continue` or `stop`.
    pub recommendation: String,
}

/// A checked report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Conclusion.
    pub summary: String,
    /// Findings per milestone.
    pub findings: Vec<Finding>,
    /// Level reached.
    pub trl_after: Trl,
    /// Recommendation.
    pub recommendation: Recommendation,
}

impl ReportInput {
    /// Checks the report: a finding for every milestone of the plan and for
    /// nothing else; the level reached not below the level before; pilot
    /// scale recommended only from level 4 (a prototype verified in a
    /// simulated environment, GB/T 22900-2022) — every error at once.
    pub fn parse(&self, milestone_ids: &[i64], trl_before: Trl) -> Result<Report, Vec<FieldError>> {
        let mut errors = Vec::new();
        let summary = collect(&mut errors, text("summary", "验证结论", &self.summary, 10, 4000));
        let mut findings = Vec::new();
        for (i, f) in self.findings.iter().enumerate() {
            if !milestone_ids.contains(&f.milestone_id) {
                errors.push(FieldError::new(format!("findings[{i}].milestone_id"), "unknown_milestone", "该里程碑不属于本验证方案"));
                continue;
            }
            if findings.iter().any(|x: &Finding| x.milestone_id == f.milestone_id) {
                errors.push(FieldError::new(format!("findings[{i}].milestone_id"), "duplicate", "同一里程碑只能填写一条结论"));
                continue;
            }
            if let Some(t) = collect(&mut errors, text(&format!("findings[{i}].finding"), "里程碑验证结论", &f.finding, 4, 2000)) {
                findings.push(Finding { milestone_id: f.milestone_id, finding: t });
            }
        }
        for id in milestone_ids {
            if !self.findings.iter().any(|f| f.milestone_id == *id) {
                errors.push(FieldError::new("findings", "finding_missing", format!("缺少里程碑#{id}的验证结论")));
            }
        }
        let trl_after = collect(&mut errors, Trl::parse(self.trl_after).map_err(|e| FieldError { field: "trl_after".into(), ..e }));
        if let Some(t) = trl_after {
            if t < trl_before {
                errors.push(FieldError::new("trl_after", "below_before", format!("验证后技术就绪度不能低于验证前的{}级", trl_before.level())));
            }
        }
        let recommendation = collect(
            &mut errors,
            Recommendation::parse(self.recommendation.trim()).map_err(|_| FieldError::unknown_value("recommendation", "验证建议")),
        );
        if let (Some(Recommendation::GoPilot), Some(t)) = (recommendation, trl_after) {
            if t.level() < 4 {
                errors.push(FieldError::new("recommendation", "trl_too_low", "技术就绪度达到4级（模拟环境下样机验证）后方可建议进入中试"));
            }
        }
        match (summary, trl_after, recommendation) {
            (Some(summary), Some(trl_after), Some(recommendation)) if errors.is_empty() => Ok(Report { summary, findings, trl_after, recommendation }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;
    use MilestoneAction as A;
    use MilestoneStatus as S;

    #[test]
    fn milestone_transitions() {
        let cases: &[(S, A, bool, Result<S, &str>)] = &[
            (S::Planned, A::Submit, true, Ok(S::Submitted)),
            (S::Planned, A::Submit, false, Err("evidence_required")),
            (S::Failed, A::Submit, true, Ok(S::Submitted)),
            (S::Submitted, A::Accept, false, Ok(S::Accepted)),
            (S::Submitted, A::Fail, false, Ok(S::Failed)),
            (S::Planned, A::Cancel, false, Ok(S::Cancelled)),
            (S::Planned, A::Accept, false, Err("illegal_transition")),
            (S::Accepted, A::Fail, false, Err("illegal_transition")),
            (S::Accepted, A::Cancel, false, Err("illegal_transition")),
            (S::Cancelled, A::Submit, true, Err("illegal_transition")),
            (S::Submitted, A::Submit, true, Err("illegal_transition")),
        ];
        for (from, action, evidence, want) in cases {
            let got = from.apply(*action, *evidence).map_err(|e| e.code);
            assert_eq!(got, *want, "{from:?} --{action:?}-->");
        }
        assert!(S::Planned.is_open() && S::Submitted.is_open() && !S::Failed.is_open() && !S::Accepted.is_open());
    }

    #[test]
    fn money_is_released_only_for_accepted_milestones_within_budget() {
        let cases: &[(S, i64, i64, i64, Option<&str>)] = &[
            (S::Accepted, 100_000, 0, 100_000, None),
            (S::Accepted, 100_000, 60_000, 40_000, None),
            (S::Accepted, 100_000, 60_000, 40_001, Some("exceeds_budget")),
            (S::Accepted, 100_000, 0, 0, Some("out_of_range")),
            (S::Submitted, 100_000, 0, 1, Some("milestone_not_accepted")),
            (S::Planned, 100_000, 0, 1, Some("milestone_not_accepted")),
            (S::Failed, 100_000, 0, 1, Some("milestone_not_accepted")),
        ];
        for (status, budget, released, amount, want) in cases {
            assert_eq!(check_release(*status, Yuan::new(*budget), Yuan::new(*released), Yuan::new(*amount)).err().map(|e| e.code), *want, "{status:?} {released}+{amount}/{budget}");
        }
    }

    fn plan_input() -> PlanInput {
        PlanInput {
            goal: "验证芯片在县级医院急诊场景下的检测一致性".into(),
            trl_target: 6,
            manager_name: "陈经理".into(),
            manager_phone: "13800000000".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2026-12-31".into(),
        }
    }

    #[test]
    fn plans_are_checked_field_by_field() {
        let four = Trl::parse(4).unwrap();
        assert!(plan_input().parse(four).is_ok());
        let cases: Vec<(PlanInput, &str, &str)> = vec![
            (PlanInput { goal: "短".into(), ..plan_input() }, "goal", "too_short"),
            (PlanInput { trl_target: 4, ..plan_input() }, "trl_target", "not_above_current"),
            (PlanInput { trl_target: 10, ..plan_input() }, "trl_target", "out_of_range"),
            (PlanInput { manager_name: String::new(), ..plan_input() }, "manager_name", "required"),
            (PlanInput { manager_phone: "12345".into(), ..plan_input() }, "manager_phone", "invalid_phone"),
            (PlanInput { starts_on: "2026/01/01".into(), ..plan_input() }, "starts_on", "invalid_date"),
            (PlanInput { ends_on: "2025-12-31".into(), ..plan_input() }, "ends_on", "before_start"),
        ];
        for (input, field, code) in cases {
            let errs = input.parse(four).expect_err(code);
            assert!(errs.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errs:?}");
        }
        assert!(PlanInput { manager_phone: "0577-88886666".into(), ..plan_input() }.parse(four).is_ok());
        // Every error at once.
        let all = PlanInput::default().parse(four).unwrap_err();
        assert!(all.len() >= 5, "{all:?}");
    }

    #[test]
    fn milestones_are_checked_against_their_plan() {
        let plan = plan_input().parse(Trl::parse(4).unwrap()).unwrap();
        let ok = MilestoneInput {
            kind: "scenario".into(),
            title: "急诊科比对验证".into(),
            goal: "200例样本一致率≥95%".into(),
            due_on: "2026-06-30".into(),
            budget_yuan: "300,000".into(),
        };
        let m = ok.parse(&plan).unwrap();
        assert_eq!((m.kind, m.budget_yuan), (MilestoneKind::Scenario, Yuan::new(300_000)));
        assert_eq!(MilestoneInput { kind: "成本验证".into(), ..ok.clone() }.parse(&plan).unwrap().kind, MilestoneKind::MarketCost);
        let cases: Vec<(MilestoneInput, &str, &str)> = vec![
            (MilestoneInput { kind: "magic".into(), ..ok.clone() }, "kind", "unknown_value"),
            (MilestoneInput { due_on: "2027-01-01".into(), ..ok.clone() }, "due_on", "outside_plan"),
            (MilestoneInput { budget_yuan: "-5".into(), ..ok.clone() }, "budget_yuan", "not_whole_yuan"),
            (MilestoneInput { title: String::new(), ..ok.clone() }, "title", "required"),
        ];
        for (input, field, code) in cases {
            let errs = input.parse(&plan).expect_err(code);
            assert!(errs.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errs:?}");
        }
    }

    #[test]
    fn reports_cover_every_milestone_and_recommend_within_reason() {
        let before = Trl::parse(4).unwrap();
        let ok = ReportInput {
            summary: "样机在急诊场景下检测一致率达到97%，具备中试条件".into(),
            findings: vec![Finding { milestone_id: 1, finding: "一致率97%，达标".into() }, Finding { milestone_id: 2, finding: "成本核算完成".into() }],
            trl_after: 6,
            recommendation: "go_pilot".into(),
        };
        let r = ok.parse(&[1, 2], before).unwrap();
        assert_eq!((r.trl_after.level(), r.recommendation), (6, Recommendation::GoPilot));
        let codes = |input: ReportInput, ids: &[i64], before: Trl| input.parse(ids, before).unwrap_err().into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert_eq!(codes(ok.clone(), &[1, 2, 3], before), ["finding_missing"]);
        assert_eq!(codes(ok.clone(), &[1], before), ["unknown_milestone"]);
        assert_eq!(codes(ReportInput { trl_after: 3, recommendation: "continue".into(), ..ok.clone() }, &[1, 2], before), ["below_before"]);
        assert_eq!(codes(ReportInput { trl_after: 3, ..ok.clone() }, &[1, 2], Trl::parse(2).unwrap()), ["trl_too_low"]);
        assert_eq!(codes(ReportInput { recommendation: "maybe".into(), ..ok.clone() }, &[1, 2], before), ["unknown_value"]);
        let mut dup = ok.clone();
        dup.findings.push(Finding { milestone_id: 1, finding: "重复结论".into() });
        assert_eq!(codes(dup, &[1, 2], before), ["duplicate"]);
    }
}
