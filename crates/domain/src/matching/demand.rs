//! An industry demand (产业需求): a technical problem an enterprise or a county
//! department needs solved, with its field, the readiness it needs, its budget,
//! where and by when. The bureau lists demands into the year's 重点产业需求清单
//! of their industry chain (002 三(九)).

use crate::money::{parse_yuan, Yuan};
use crate::region::Region;
use crate::research_result::Trl;
use crate::validation::{multiline, text};
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// Where a demand stands.
    pub enum DemandState {
        /// Published by its unit, awaiting the bureau's curation.
        Published => ("published", "已发布"),
        /// Listed by the bureau in the year's 重点产业需求清单.
        Listed => ("listed", "已入清单"),
        /// Met: a match landed, or its unit closed it as solved.
        Met => ("met", "已解决"),
        /// Withdrawn by its unit or taken down by the bureau.
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

impl DemandState {
    /// Whether matches may still be proposed and answered.
    pub fn open(self) -> bool {
        matches!(self, DemandState::Published | DemandState::Listed)
    }
}

/// A demand as typed (form or JSON).
#[derive(Debug, Clone, Default)]
pub struct RawDemand<'a> {
    /// 需求名称.
    pub title: &'a str,
    /// 技术难题描述.
    pub problem: &'a str,
    /// Field code.
    pub field: &'a str,
    /// Sub-field code ('' when none).
    pub sub_field: &'a str,
    /// 目标技术就绪度 (1–9).
    pub target_trl: &'a str,
    /// 预算（元）; empty = 面议.
    pub budget_yuan: &'a str,
    /// Region name.
    pub region: &'a str,
    /// 截止日期 (YYYY-MM-DD).
    pub deadline: &'a str,
}

/// A validated demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandDraft {
    /// 需求名称 (4–80 characters, one line).
    pub title: String,
    /// 技术难题描述 (20–4000 characters).
    pub problem: String,
    /// Field code (checked against the catalogue by the caller's `is_field`).
    pub field: String,
    /// Sub-field code ('' when none).
    pub sub_field: String,
    /// The readiness the demand needs (GB/T 22900-2022).
    pub target_trl: Trl,
    /// The budget, `None` when 面议.
    pub budget: Option<Yuan>,
    /// Where the demand is.
    pub region: Region,
    /// Answers are wanted by this day (today or later, within three years).
    pub deadline: NaiveDate,
}

impl DemandDraft {
    /// Validates every field, naming each that fails; `is_field(field, sub_field)`
    /// says whether the codes are in the catalogue (the sub-field may be '').
    pub fn parse(raw: &RawDemand<'_>, today: NaiveDate, is_field: impl Fn(&str, &str) -> bool) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = text("title", "需求名称", raw.title, 4, 80).map_err(|e| errors.push(e)).ok();
        let problem = multiline("problem", "技术难题描述", raw.problem, 20, 4000).map_err(|e| errors.push(e)).ok();
        let (field, sub_field) = (raw.field.trim(), raw.sub_field.trim());
        if field.is_empty() {
            errors.push(FieldError::required("field", "产业领域"));
        } else if !is_field(field, "") {
            errors.push(FieldError::unknown_value("field", "产业领域"));
        } else if !sub_field.is_empty() && !is_field(field, sub_field) {
            errors.push(FieldError::new("sub_field", "not_in_field", "细分领域不属于所选产业领域"));
        }
        let target_trl = match raw.target_trl.trim().parse::<i64>() {
            Ok(n) => Trl::parse(n).map_err(|_| errors.push(trl_error())).ok(),
            Err(_) => {
                errors.push(trl_error());
                None
            }
        };
        let budget = match raw.budget_yuan.trim() {
            "" => Some(None),
            b => match parse_yuan("budget_yuan", "预算", b) {
                Ok(y) if y.get() > 0 => Some(Some(y)),
                Ok(_) => {
                    errors.push(FieldError::new("budget_yuan", "not_positive", "预算须大于0元；面议请留空"));
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        let region = match raw.region.trim() {
            "" => {
                errors.push(FieldError::required("region", "所在地区"));
                None
            }
            r => Region::parse(r).map_err(|_| errors.push(FieldError::unknown_value("region", "所在地区"))).ok(),
        };
        let deadline = match NaiveDate::parse_from_str(raw.deadline.trim(), "%Y-%m-%d") {
            Ok(d) if d < today => {
                errors.push(FieldError::new("deadline", "in_past", "截止日期不能早于今天"));
                None
            }
            Ok(d) if d > today + chrono::Duration::days(3 * 366) => {
                errors.push(FieldError::new("deadline", "too_far", "截止日期不能晚于三年之后"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new("deadline", "bad_date", "截止日期格式应为 YYYY-MM-DD"));
                None
            }
        };
        match (title, problem, target_trl, budget, region, deadline) {
            (Some(title), Some(problem), Some(target_trl), Some(budget), Some(region), Some(deadline)) if errors.is_empty() => Ok(Self {
                title,
                problem,
                field: field.to_owned(),
                sub_field: sub_field.to_owned(),
                target_trl,
                budget,
                region,
                deadline,
            }),
            _ => Err(errors),
        }
    }
}

fn trl_error() -> FieldError {
    FieldError::new("target_trl", "out_of_range", "目标技术就绪度应为1至9的整数（GB/T 22900-2022）")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn good() -> RawDemand<'static> {
        RawDemand {
            title: "高镍正极材料循环寿命提升",
            problem: "现有高镍三元正极在高温循环500次后容量保持率不足80%，需要包覆或掺杂工艺方案。",
            field: "new_energy",
            sub_field: "",
            target_trl: "6",
            budget_yuan: "800000",
            region: "瑞安市",
            deadline: "2027-06-30",
        }
    }

    fn known(field: &str, sub: &str) -> bool {
        field == "new_energy" && (sub.is_empty() || sub == "battery")
    }

    #[test]
    fn a_good_demand_parses_and_an_empty_budget_is_negotiable() {
        let d = DemandDraft::parse(&good(), today(), known).unwrap();
        assert_eq!((d.target_trl.level(), d.budget.map(Yuan::get), d.region), (6, Some(800_000), Region::Ruian));
        let d = DemandDraft::parse(&RawDemand { budget_yuan: " ", ..good() }, today(), known).unwrap();
        assert_eq!(d.budget, None, "面议");
    }

    #[test]
    fn each_bad_field_is_named_with_its_rule() {
        let cases: &[(RawDemand<'static>, &str, &str)] = &[
            (RawDemand { title: "短", ..good() }, "title", "too_short"),
            (RawDemand { problem: "太短", ..good() }, "problem", "too_short"),
            (RawDemand { field: "", ..good() }, "field", "required"),
            (RawDemand { field: "space", ..good() }, "field", "unknown_value"),
            (RawDemand { sub_field: "robot", ..good() }, "sub_field", "not_in_field"),
            (RawDemand { target_trl: "10", ..good() }, "target_trl", "out_of_range"),
            (RawDemand { target_trl: "六", ..good() }, "target_trl", "out_of_range"),
            (RawDemand { budget_yuan: "0", ..good() }, "budget_yuan", "not_positive"),
            (RawDemand { region: "杭州市", ..good() }, "region", "unknown_value"),
            (RawDemand { deadline: "2026-12-01", ..good() }, "deadline", "in_past"),
            (RawDemand { deadline: "2031-01-01", ..good() }, "deadline", "too_far"),
            (RawDemand { deadline: "明年", ..good() }, "deadline", "bad_date"),
        ];
        for (raw, field, code) in cases {
            let errors = DemandDraft::parse(raw, today(), known).unwrap_err();
            assert!(errors.iter().any(|e| e.field == *field && e.code == *code), "{field}/{code}: {errors:?}");
        }
    }

    #[test]
    fn only_published_and_listed_demands_are_open() {
        let open: Vec<bool> = DemandState::ALL.iter().map(|s| s.open()).collect();
        assert_eq!(open, vec![true, true, false, false]);
    }
}
