//! Dynamic management after a year's result (动态管理，“有进有出”): what the
//! profile prescribes, proposed for the bureau to confirm one by one with a
//! reason — pocnet never changes a center's standing on its own.
//!
//! - Revocation after refusing the evaluation without good cause, or after
//!   `revoke_after_consecutive_unqualified` unqualified years in a row (000 四).
//! - Rectification (整改) after a first unqualified year where the profile
//!   grants it (003 六(三)); the next unqualified year revokes.
//! - A caution where an unqualified year has a consequence the next time.
//! - A reward for a grade at most once in a number of years (001 中试 四(14)),
//!   and the reason it is not proposed again within them.
//! - Support that follows the grade, declining for each consecutive year
//!   supported where the profile has 退坡 (001 概念验证 四; 004 五(二)(四)).

use super::plan::{Reward, Support};
use crate::policy::profile::Evaluation;
use serde::{Deserialize, Serialize};

/// The grade code that counts as unqualified (不合格).
pub const UNQUALIFIED: &str = "unqualified";

/// A year's result for one center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum YearOutcome {
    /// Evaluated, with the grade's code.
    Graded(String),
    /// Did not take part; `with_cause` when the bureau accepts the reason (正当理由).
    Refused {
        /// Whether the reason was accepted.
        with_cause: bool,
    },
}

impl YearOutcome {
    fn unqualified(&self) -> bool {
        matches!(self, YearOutcome::Graded(g) if g == UNQUALIFIED)
    }
}

/// An earlier year of the same center, as the records show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastYear {
    /// Evaluation year.
    pub year: i32,
    /// Its result, if it was evaluated.
    pub outcome: Option<YearOutcome>,
    /// Whether a reward was confirmed for it.
    pub rewarded: bool,
    /// Whether support was confirmed for it.
    pub supported: bool,
}

string_enum! {
    /// What the bureau is asked to confirm.
    pub enum ActionKind {
        /// 取消资格
        Revoke => ("revoke", "取消资格"),
        /// 限期整改
        Rectify => ("rectify", "限期整改"),
        /// 警示（再不合格的后果）
        Caution => ("caution", "警示"),
        /// 绩效奖励
        Reward => ("reward", "绩效奖励"),
        /// 奖励不予重复（期限内已奖励）
        RewardBarred => ("reward_barred", "期限内已奖励，不再奖励"),
        /// 专项支持/后补助
        Support => ("support", "专项支持"),
    }
}

impl ActionKind {
    /// Whether confirming it changes the center's standing (the others are recorded notices or grants).
    pub fn changes_status(self) -> bool {
        self == ActionKind::Revoke
    }
}

/// One proposed action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// What.
    pub kind: ActionKind,
    /// Article it rests on.
    pub article: String,
    /// Why, in Chinese, naming the years and grades.
    pub explanation: String,
    /// Amount, yuan (reward; support where the profile caps it).
    pub amount_yuan: Option<i64>,
    /// Rectification: the evaluation year by which it must be qualified.
    pub until_year: Option<i32>,
    /// Revocation: years the host may not apply again.
    pub bar_years: u32,
}

impl Proposal {
    fn new(kind: ActionKind, article: &str, explanation: String) -> Self {
        Self { kind, article: article.to_owned(), explanation, amount_yuan: None, until_year: None, bar_years: 0 }
    }
}

/// The actions `rules` prescribe for `year`'s `outcome`, given the center's earlier years.
pub fn propose(rules: &Evaluation, year: i32, outcome: &YearOutcome, history: &[PastYear]) -> Vec<Proposal> {
    let mut out = Vec::new();
    let past = |y: i32| history.iter().find(|p| p.year == y);
    match outcome {
        YearOutcome::Refused { with_cause: false } if rules.revoke_if_refused => {
            let mut p = Proposal::new(ActionKind::Revoke, &rules.article, format!("无正当理由不参加{year}年度绩效评价"));
            p.bar_years = rules.revocation_bar_years;
            out.push(p);
        }
        YearOutcome::Refused { with_cause: false } => out.push(Proposal::new(
            ActionKind::Caution,
            &rules.article,
            format!("无正当理由不参加{year}年度绩效评价（政策未规定取消资格，予以警示）"),
        )),
        YearOutcome::Refused { with_cause: true } => {}
        YearOutcome::Graded(_) if outcome.unqualified() => {
            let mut run = 1u32;
            while past(year - run as i32).and_then(|p| p.outcome.as_ref()).is_some_and(YearOutcome::unqualified) {
                run += 1;
            }
            let limit = rules.revoke_after_consecutive_unqualified;
            if limit > 0 && run >= limit {
                let years: Vec<String> = (0..run).rev().map(|k| (year - k as i32).to_string()).collect();
                let mut p = Proposal::new(ActionKind::Revoke, &rules.article, format!("连续{run}年绩效评价不合格（{}年度）", years.join("、")));
                p.bar_years = rules.revocation_bar_years;
                out.push(p);
            } else if rules.rectification_years > 0 {
                let until = year + rules.rectification_years as i32;
                let mut p = Proposal::new(
                    ActionKind::Rectify,
                    &rules.article,
                    format!("{year}年度绩效评价不合格，给予{}年整改；{until}年度评价仍不合格的取消资格", rules.rectification_years),
                );
                p.until_year = Some(until);
                out.push(p);
            } else if limit > 0 {
                out.push(Proposal::new(
                    ActionKind::Caution,
                    &rules.article,
                    format!("{year}年度绩效评价不合格；连续{limit}年不合格将取消资格（已连续{run}年）"),
                ));
            }
        }
        YearOutcome::Graded(_) => {}
    }
    if let (YearOutcome::Graded(grade), Some(reward)) = (outcome, rules.reward.as_ref()) {
        if *grade == reward.grade {
            out.push(reward_or_bar(reward, year, grade_label(rules, grade), history));
        }
    }
    if let (YearOutcome::Graded(grade), Some(support)) = (outcome, rules.support.as_ref()) {
        if support.grades.contains(grade) {
            out.push(support_for(support, year, grade_label(rules, grade), history));
        }
    }
    out
}

fn grade_label<'a>(rules: &'a Evaluation, code: &'a str) -> &'a str {
    rules.grades.iter().find(|g| g.code == code).map_or(code, |g| g.label.as_str())
}

fn reward_or_bar(reward: &Reward, year: i32, label: &str, history: &[PastYear]) -> Proposal {
    let window = reward.at_most_once_in_years as i32;
    let earlier = history.iter().filter(|p| p.rewarded && p.year < year && p.year > year - window).map(|p| p.year).max();
    match earlier {
        Some(y) => Proposal::new(
            ActionKind::RewardBarred,
            &reward.article,
            format!("{year}年度评价为{label}，但已于{y}年度获得奖励，{}年内最多奖励一次", reward.at_most_once_in_years),
        ),
        None => {
            let mut p = Proposal::new(ActionKind::Reward, &reward.article, format!("{year}年度评价为{label}"));
            p.amount_yuan = Some(reward.amount_yuan);
            p
        }
    }
}

fn support_for(support: &Support, year: i32, label: &str, history: &[PastYear]) -> Proposal {
    let mut run = 0u32;
    while history.iter().any(|p| p.year == year - 1 - run as i32 && p.supported) {
        run += 1;
    }
    let amount = support.cap_yuan.map(|cap| {
        let mut a = i128::from(cap);
        for _ in 0..run {
            a = a * i128::from(100 - support.decline_percent.min(100)) / 100;
        }
        i64::try_from(a).unwrap_or(cap)
    });
    let mut text = format!("{year}年度评价为{label}，按评价结果给予支持");
    if support.decline_percent > 0 && run > 0 {
        text.push_str(&format!("（已连续{run}年获支持，上限逐年退坡{}%）", support.decline_percent));
    }
    if amount.is_none() {
        text.push_str("，金额由主管部门确定");
    }
    let mut p = Proposal::new(ActionKind::Support, &support.article, text);
    p.amount_yuan = amount;
    p
}
