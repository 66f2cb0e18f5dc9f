//! The list of key PoC platform projects (重点推进项目清单, 004 二(二) “针对战略前沿、未来产业等领域，强化顶层
//! 设计，体系化布局，形成重点推进项目清单，‘成熟一个、启动一个’”): the platforms the bureau plans top-down,
//! each held in reserve until its builder meets the conditions of 004 二(四), then launched, and
//! finally built as a PoC center of the register — or taken off the list with the reason.

use crate::validation::{collect, multiline, text};
use crate::FieldError;

string_enum! {
    /// Which part of the plan's layout (004 二(三) 布局方向) a project belongs to.
    pub enum KeyCategory {
        /// 新建: a new platform in a future industry (脑机接口、具身智能、合成生物学、细胞与基因治疗、集成电路材料、
        /// 6G、硅光技术、第四代半导体…).
        FutureIndustry => ("future_industry", "未来产业新建"),
        /// 谋划储备: a platform planned in a frontier field (量子科技、时空信息、类器官与再生医学…).
        Frontier => ("frontier", "前沿科技谋划储备"),
        /// 改革提升: an existing platform whose operation is reformed (集成电路、生物医药、人工智能、绿色低碳…).
        Reform => ("reform", "现有平台改革提升"),
    }
}

string_enum! {
    /// Where a key project stands.
    pub enum KeyState {
        /// 储备: on the list, its builder not yet meeting every condition.
        Reserve => ("reserve", "谋划储备"),
        /// 启动建设: every condition met, launched (“成熟一个、启动一个”).
        Launched => ("launched", "启动建设"),
        /// 建成: the platform is built and runs as a PoC center of the register.
        Built => ("built", "已建成"),
        /// 调出清单: taken off the list, with the reason.
        Dropped => ("dropped", "调出清单"),
    }
}

string_enum! {
    /// A condition a builder meets before its platform is launched (004 二(四) 建设主体).
    pub enum Readiness {
        /// 专注细分领域的研究背景和试验条件.
        Conditions => ("conditions", "研究背景与试验条件"),
        /// 丰富的概念验证成果来源.
        Sources => ("sources", "概念验证成果来源"),
        /// 一定规模且来源稳定的概念验证资金（基金）.
        Funding => ("funding", "概念验证资金（基金）"),
        /// 合适的管理体系、服务流程和开放机制.
        Management => ("management", "管理体系、服务流程和开放机制"),
        /// 专业化、分工合理的运营团队.
        Team => ("team", "专业化运营团队"),
    }
}

string_enum! {
    /// A step on a key project.
    pub enum KeyAction {
        /// 启动建设.
        Launch => ("launch", "启动建设"),
        /// 认定建成 (linked to its center).
        Build => ("build", "认定建成"),
        /// 调出清单.
        Drop => ("drop", "调出清单"),
    }
}

/// Where `action` takes a key project in `state` — its builder named or not, `met` of the five
/// conditions met — or why it may not be taken: launching needs a builder meeting every condition
/// of 004 二(四) (“成熟一个、启动一个”); only a launched project is built; a project built or dropped
/// is settled.
pub fn next_state(state: KeyState, action: KeyAction, has_builder: bool, met: usize) -> Result<KeyState, String> {
    let all = Readiness::ALL.len();
    match (state, action) {
        (KeyState::Reserve, KeyAction::Launch) if !has_builder => Err("尚未确定建设主体，不能启动建设".into()),
        (KeyState::Reserve, KeyAction::Launch) if met >= all => Ok(KeyState::Launched),
        (KeyState::Reserve, KeyAction::Launch) => Err(format!("建设主体已具备{met}/{all}项条件，全部具备（成熟）后才能启动建设")),
        (KeyState::Launched, KeyAction::Build) => Ok(KeyState::Built),
        (KeyState::Reserve, KeyAction::Build) => Err("尚未启动建设，不能认定建成".into()),
        (KeyState::Reserve | KeyState::Launched, KeyAction::Drop) => Ok(KeyState::Dropped),
        (KeyState::Launched, KeyAction::Launch) => Err("已启动建设".into()),
        (s @ (KeyState::Built | KeyState::Dropped), a) => Err(format!("项目{}，不能再{}", s.label_zh(), a.label_zh())),
    }
}

/// A key project as typed (form or JSON).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawKeyProject<'a> {
    /// 项目名称, e.g. 脑机接口概念验证平台.
    pub title: &'a str,
    /// Category code.
    pub category: &'a str,
    /// 方向 (细分领域), e.g. 脑机接口.
    pub direction: &'a str,
    /// 建设目标与主要任务.
    pub goal: &'a str,
    /// 集聚区域, e.g. 张江科学城 (optional).
    pub area: &'a str,
    /// 计划投入（万元）, optional.
    pub budget_wan: &'a str,
}

/// A checked key project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProjectDraft {
    /// 项目名称, 2–60 characters.
    pub title: String,
    /// Category.
    pub category: KeyCategory,
    /// 方向, 2–30 characters.
    pub direction: String,
    /// 建设目标与主要任务, 10–2,000 characters.
    pub goal: String,
    /// 集聚区域, up to 30 characters.
    pub area: String,
    /// 计划投入, 万元 (0–100,000; 0 when not given).
    pub budget_wan: i64,
}

/// The most a plan's budget may say: 10 亿元 (the plan's largest support is 3,000 万, 004 五(二)).
pub const MAX_BUDGET_WAN: i64 = 100_000;

impl KeyProjectDraft {
    /// Checks every field, naming each that fails.
    pub fn parse(raw: &RawKeyProject<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = collect(&mut errors, text("title", "项目名称", raw.title, 2, 60));
        let category = collect(
            &mut errors,
            match KeyCategory::parse(raw.category.trim()) {
                Ok(c) => Ok(c),
                Err(_) if raw.category.trim().is_empty() => Err(FieldError::required("category", "布局类别")),
                Err(_) => Err(FieldError::unknown_value("category", "布局类别")),
            },
        );
        let direction = collect(&mut errors, text("direction", "方向", raw.direction, 2, 30));
        let goal = collect(&mut errors, multiline("goal", "建设目标与主要任务", raw.goal, 10, 2000));
        let area = collect(&mut errors, text("area", "集聚区域", raw.area, 0, 30));
        let budget_wan = collect(
            &mut errors,
            match raw.budget_wan.trim() {
                "" => Ok(0),
                b => match b.parse::<i64>() {
                    Ok(n) if (0..=MAX_BUDGET_WAN).contains(&n) => Ok(n),
                    _ => Err(FieldError::new("budget_wan", "out_of_range", format!("计划投入须为0至{MAX_BUDGET_WAN}万元的整数"))),
                },
            },
        );
        match (title, category, direction, goal, area, budget_wan) {
            (Some(title), Some(category), Some(direction), Some(goal), Some(area), Some(budget_wan)) if errors.is_empty() => {
                Ok(Self { title, category, direction, goal, area, budget_wan })
            }
            _ => Err(errors),
        }
    }
}

/// The conditions met, from the codes sent (unknown codes are refused, repeats count once).
pub fn parse_readiness(codes: &[String]) -> Result<Vec<Readiness>, FieldError> {
    let mut out: Vec<Readiness> = Vec::new();
    for c in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let r = Readiness::parse(c).map_err(|_| FieldError::unknown_value("readiness", "建设条件"))?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 004 二(二) “成熟一个、启动一个” with 二(四)'s five conditions.
    #[test]
    fn launch_build_and_drop() {
        use KeyAction as A;
        use KeyState as S;
        let cases: &[(S, A, usize, Result<S, &str>)] = &[
            (S::Reserve, A::Launch, 5, Ok(S::Launched)),
            (S::Reserve, A::Launch, 99, Err("建设主体")),
            (S::Reserve, A::Launch, 4, Err("4/5")),
            (S::Reserve, A::Launch, 0, Err("0/5")),
            (S::Reserve, A::Build, 5, Err("尚未启动")),
            (S::Launched, A::Build, 5, Ok(S::Built)),
            (S::Launched, A::Launch, 5, Err("已启动")),
            (S::Reserve, A::Drop, 0, Ok(S::Dropped)),
            (S::Launched, A::Drop, 5, Ok(S::Dropped)),
            (S::Built, A::Drop, 5, Err("已建成")),
            (S::Dropped, A::Launch, 5, Err("调出清单")),
        ];
        for (state, action, met, want) in cases {
            // 99 stands for “every condition met, but no builder named”.
            let (builder, met) = if *met == 99 { (false, 5) } else { (true, *met) };
            match (want, next_state(*state, *action, builder, met)) {
                (Ok(w), Ok(g)) => assert_eq!(*w, g, "{state:?} {action:?}"),
                (Err(part), Err(m)) => assert!(m.contains(part), "{state:?} {action:?}: {m}"),
                (w, g) => panic!("{state:?} {action:?} {met}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn draft_rules() {
        let ok = RawKeyProject { title: "脑机接口概念验证平台", category: "future_industry", direction: "脑机接口", goal: "建设侵入式与非侵入式脑机接口的原理验证与临床前验证能力", area: "张江科学城", budget_wan: "3000" };
        assert!(KeyProjectDraft::parse(&ok).is_ok());
        type Case = (&'static str, fn(&mut RawKeyProject<'static>), &'static str, &'static str);
        let cases: &[Case] = &[
            ("no title", |r| r.title = "", "title", "required"),
            ("unknown category", |r| r.category = "dream", "category", "unknown_value"),
            ("no category", |r| r.category = "", "category", "required"),
            ("short direction", |r| r.direction = "脑", "direction", "too_short"),
            ("short goal", |r| r.goal = "建设", "goal", "too_short"),
            ("budget too big", |r| r.budget_wan = "100001", "budget_wan", "out_of_range"),
            ("budget not a number", |r| r.budget_wan = "三千", "budget_wan", "out_of_range"),
        ];
        for (name, edit, field, code) in cases {
            let mut r = ok;
            edit(&mut r);
            let Err(es) = KeyProjectDraft::parse(&r) else { panic!("{name}: accepted") };
            assert!(es.iter().any(|e| e.field == *field && e.code == *code), "{name}: {es:?}");
        }
    }

    #[test]
    fn readiness_codes() {
        let codes = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(parse_readiness(&codes(&["team", "funding", "team", ""])).map(|r| r.len()), Ok(2));
        assert_eq!(parse_readiness(&codes(&["conditions", "sources", "funding", "management", "team"])).map(|r| r.len()), Ok(5));
        assert!(parse_readiness(&codes(&["luck"])).is_err());
    }
}
