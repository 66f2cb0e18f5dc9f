//! Subsidies and rewards (财政补助与奖励) as each profile's data: 001 中试 四(14) — a newly
//! recognized provincial pilot platform a one-off subsidy by its new equipment of at most
//! 1000万元, 3000万元 on upgrade to national level, 100万元 for an 优秀 year at most once in three
//! years; 004 五(二) — new platforms up to 3000万元, 后补助 ≤ 300万元 a year for self-built
//! platforms with an outstanding evaluation (declining, 五(四) 退坡, through the evaluation's
//! support); 001 概念验证 四 — provincial support by last year's service evaluation; 000 五(二)
//! — 市级概念验证中心由财政给予补助. pocnet proposes what a center is entitled to from its
//! records; the bureau approves an amount within the cap; payments never exceed it.

use serde::{Deserialize, Serialize};

string_enum! {
    /// What entitles a center to a programme's money.
    pub enum GrantTrigger {
        /// Recognized in the year (新认定).
        Recognized => ("recognized", "新认定"),
        /// Raised to national level (升级为国家级).
        UpgradedNational => ("upgraded_national", "升级为国家级"),
        /// A reward the bureau confirmed after the year's evaluation (绩效奖励).
        EvaluationReward => ("evaluation_reward", "年度绩效奖励"),
        /// Support the bureau confirmed after the year's evaluation (专项支持、后补助; 退坡 applied there).
        EvaluationSupport => ("evaluation_support", "绩效专项支持"),
    }
}

string_enum! {
    /// How the amount is found.
    pub enum GrantBasis {
        /// By the center's new equipment (原值), up to the cap.
        NewEquipment => ("new_equipment", "按新投入设备核定"),
        /// The cap itself (a fixed award).
        Fixed => ("fixed", "定额"),
        /// The amount the bureau confirmed on the management action, up to the cap.
        Action => ("action", "按动态管理确认金额"),
        /// Set by the bureau within the cap (the policy names no amount).
        Bureau => ("bureau", "由主管部门核定"),
    }
}

/// One programme of a profile (`[[funding]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantProgramme {
    /// Stable code, unique in the profile.
    pub code: String,
    /// Chinese name.
    pub label: String,
    /// What entitles.
    pub trigger: GrantTrigger,
    /// How the amount is found.
    pub basis: GrantBasis,
    /// Most it pays a center for one year, yuan (absent: the policy names none).
    #[serde(default)]
    pub cap_yuan: Option<i64>,
    /// At most once within this many years (1: once a year); 0: once only.
    pub once_in_years: u32,
    /// Article.
    pub article: String,
    /// How the wording is read.
    pub reading: String,
}

impl GrantProgramme {
    /// Problems of the programme, in English for `pocnet policy check`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let name = &self.code;
        if self.article.trim().is_empty() {
            out.push(format!("funding {name}: article is empty (every grant cites its article)"));
        }
        if self.reading.trim().is_empty() {
            out.push(format!("funding {name}: reading is empty (say how the wording is read)"));
        }
        if self.cap_yuan.is_some_and(|c| c <= 0) {
            out.push(format!("funding {name}: cap_yuan must be positive"));
        }
        if matches!(self.basis, GrantBasis::Fixed | GrantBasis::NewEquipment) && self.cap_yuan.is_none() {
            out.push(format!("funding {name}: a {} amount needs cap_yuan", self.basis.as_str()));
        }
        let evaluation = matches!(self.trigger, GrantTrigger::EvaluationReward | GrantTrigger::EvaluationSupport);
        if evaluation != (self.basis == GrantBasis::Action) && !(evaluation && self.basis == GrantBasis::Bureau) {
            out.push(format!("funding {name}: an evaluation trigger takes its amount from the action (basis = \"action\" or \"bureau\"), and only it"));
        }
        out
    }
}

/// What the records say about a center for one programme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GrantFacts {
    /// The original value of its equipment on record, yuan.
    pub equipment_yuan: i64,
    /// The amount on the confirmed management action, if any.
    pub action_yuan: Option<i64>,
}

/// The amount pocnet proposes, or `None` when the bureau sets it.
pub fn proposed_amount(p: &GrantProgramme, facts: GrantFacts) -> Option<i64> {
    let capped = |v: i64| p.cap_yuan.map_or(v, |c| v.min(c));
    match p.basis {
        GrantBasis::NewEquipment => Some(capped(facts.equipment_yuan.max(0))).filter(|v| *v > 0),
        GrantBasis::Fixed => p.cap_yuan,
        GrantBasis::Action => facts.action_yuan.map(capped).filter(|v| *v > 0),
        GrantBasis::Bureau => None,
    }
}

/// Whether the bureau may approve `amount` under the programme's cap.
pub fn check_amount(p: &GrantProgramme, amount: i64) -> Result<(), String> {
    if amount <= 0 {
        return Err("核定金额须大于0".into());
    }
    match p.cap_yuan {
        Some(cap) if amount > cap => Err(format!("核定金额超过上限{}（{}）", crate::money::wan(cap), p.article)),
        _ => Ok(()),
    }
}

/// Whether a grant for `year` is allowed given the years the center already holds one of the
/// same programme (approved or paid): once only, or at most once within `once_in_years`.
pub fn once_rule(p: &GrantProgramme, year: i32, held: &[i32]) -> Result<(), String> {
    let others = held.iter().filter(|y| **y != year);
    match p.once_in_years {
        0 => match others.min() {
            Some(y) => Err(format!("“{}”只能享受一次，{y}年已获得（{}）", p.label, p.article)),
            None => Ok(()),
        },
        n => match others.filter(|y| (year - **y).unsigned_abs() < n).max() {
            Some(y) => Err(format!("“{}”{n}年内最多一次，{y}年已获得（{}）", p.label, p.article)),
            None => Ok(()),
        },
    }
}

string_enum! {
    /// Where a grant stands.
    pub enum GrantState {
        /// 待核定.
        Proposed => ("proposed", "待核定"),
        /// 已核定 (with the amount), paid in one or more payments.
        Approved => ("approved", "已核定"),
        /// 不予支持, with the reason.
        Refused => ("refused", "不予支持"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme(trigger: GrantTrigger, basis: GrantBasis, cap: Option<i64>, once: u32) -> GrantProgramme {
        GrantProgramme { code: "x".into(), label: "测试资金".into(), trigger, basis, cap_yuan: cap, once_in_years: once, article: "四(14)".into(), reading: "原文".into() }
    }

    /// 001 中试 四(14): 新认定 ≤1000万 by new equipment; 国家级 3000万; 优秀 100万 three-yearly.
    /// 004 五(二): 后补助 ≤300万/年 (the confirmed, declined amount); 000 五(二): the bureau sets it.
    #[test]
    fn the_amount_follows_the_records_within_the_cap() {
        use GrantBasis::*;
        use GrantTrigger::*;
        let cases = [
            (programme(Recognized, NewEquipment, Some(10_000_000), 0), GrantFacts { equipment_yuan: 6_500_000, action_yuan: None }, Some(6_500_000)),
            (programme(Recognized, NewEquipment, Some(10_000_000), 0), GrantFacts { equipment_yuan: 14_000_000, action_yuan: None }, Some(10_000_000)),
            (programme(Recognized, NewEquipment, Some(10_000_000), 0), GrantFacts::default(), None),
            (programme(UpgradedNational, Fixed, Some(30_000_000), 0), GrantFacts::default(), Some(30_000_000)),
            (programme(EvaluationReward, Action, Some(1_000_000), 3), GrantFacts { equipment_yuan: 0, action_yuan: Some(1_000_000) }, Some(1_000_000)),
            (programme(EvaluationSupport, Action, Some(3_000_000), 1), GrantFacts { equipment_yuan: 0, action_yuan: Some(2_400_000) }, Some(2_400_000)),
            (programme(EvaluationSupport, Action, Some(3_000_000), 1), GrantFacts { equipment_yuan: 0, action_yuan: Some(5_000_000) }, Some(3_000_000)),
            (programme(EvaluationSupport, Action, None, 1), GrantFacts { equipment_yuan: 0, action_yuan: None }, None),
            (programme(Recognized, Bureau, None, 0), GrantFacts { equipment_yuan: 9_000_000, action_yuan: None }, None),
        ];
        for (p, facts, want) in cases {
            assert_eq!(proposed_amount(&p, facts), want, "{:?} {:?} {facts:?}", p.trigger, p.basis);
        }
        let p = programme(Recognized, NewEquipment, Some(10_000_000), 0);
        assert!(check_amount(&p, 10_000_000).is_ok());
        assert!(check_amount(&p, 10_000_001).is_err_and(|m| m.contains("1000万元")));
        assert!(check_amount(&p, 0).is_err());
        assert!(check_amount(&programme(Recognized, Bureau, None, 0), 50_000_000).is_ok(), "no cap named: the bureau decides");
    }

    /// 001 中试 四(14) “3年内最多奖励一次”; a once-only subsidy is once only; 后补助 once a year.
    #[test]
    fn once_in_years_and_once_only() {
        let reward = programme(GrantTrigger::EvaluationReward, GrantBasis::Action, Some(1_000_000), 3);
        let cases: [(i32, &[i32], bool); 6] = [(2026, &[], true), (2026, &[2025], false), (2026, &[2024], false), (2026, &[2023], true), (2026, &[2026], true), (2024, &[2026], false)];
        for (year, held, ok) in cases {
            assert_eq!(once_rule(&reward, year, held).is_ok(), ok, "{year} after {held:?}");
        }
        assert!(once_rule(&reward, 2026, &[2025]).is_err_and(|m| m.contains("3年内最多一次") && m.contains("2025")));
        let once = programme(GrantTrigger::Recognized, GrantBasis::NewEquipment, Some(10_000_000), 0);
        assert!(once_rule(&once, 2030, &[2020]).is_err_and(|m| m.contains("只能享受一次")));
        assert!(once_rule(&once, 2030, &[]).is_ok());
        let yearly = programme(GrantTrigger::EvaluationSupport, GrantBasis::Action, Some(3_000_000), 1);
        assert!(once_rule(&yearly, 2026, &[2025]).is_ok(), "后补助 each year");
    }

    #[test]
    fn a_programme_names_its_article_and_a_fitting_basis() {
        assert!(programme(GrantTrigger::Recognized, GrantBasis::NewEquipment, Some(1), 0).problems().is_empty());
        assert!(!programme(GrantTrigger::Recognized, GrantBasis::NewEquipment, None, 0).problems().is_empty(), "equipment needs a cap");
        assert!(!programme(GrantTrigger::Recognized, GrantBasis::Action, Some(1), 0).problems().is_empty(), "no action behind a recognition");
        assert!(!programme(GrantTrigger::EvaluationReward, GrantBasis::Fixed, Some(1), 3).problems().is_empty());
        let mut p = programme(GrantTrigger::EvaluationSupport, GrantBasis::Bureau, None, 1);
        assert!(p.problems().is_empty());
        p.article = String::new();
        assert!(!p.problems().is_empty());
    }
}
