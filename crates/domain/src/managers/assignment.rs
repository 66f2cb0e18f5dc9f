//! A project manager's assignment to one project of the library (项目经理人跟进项目): its log of
//! decisions, task breakdowns, progress and resource coordination, and the exit that ends it
//! (004 三(三) “贯穿于项目决策、推进和退出全流程”).

use crate::validation::{collect, multiline};
use crate::FieldError;

string_enum! {
    /// Where an assignment stands.
    pub enum AssignmentState {
        /// 跟进中: the manager carries the project.
        Active => ("active", "跟进中"),
        /// 已退出: the manager has left the project, with the route and reason.
        Exited => ("exited", "已退出"),
    }
}

string_enum! {
    /// What a log entry records (004 三(三) 任务分解、进度控制和资源协调, and the decisions between).
    pub enum EntryKind {
        /// 项目决策: go on, change course or pause, with the reasons.
        Decision => ("decision", "项目决策"),
        /// 任务分解: the work broken into tasks and owners.
        Task => ("task", "任务分解"),
        /// 进度控制: where the work stands against the plan.
        Progress => ("progress", "进度控制"),
        /// 资源协调: equipment, experts, capital or channels brought to the project.
        Resource => ("resource", "资源协调"),
    }
}

string_enum! {
    /// A decision the manager takes (项目决策).
    pub enum Decision {
        /// 继续推进.
        Advance => ("advance", "继续推进"),
        /// 调整技术或市场路线 (004 三(三) 聚焦“试错”和“路线”).
        Adjust => ("adjust", "调整路线"),
        /// 暂缓.
        Pause => ("pause", "暂缓推进"),
    }
}

string_enum! {
    /// How a manager leaves a project (退出).
    pub enum ExitRoute {
        /// 转入中试: the project moves on to a pilot platform.
        PilotHandoff => ("pilot_handoff", "转入中试"),
        /// 转化落地: licensed, transferred or a company founded.
        Transfer => ("transfer", "转化落地"),
        /// 获得投资: financed, the investor carries it on.
        Financed => ("financed", "获得投资"),
        /// 终止: verification showed it does not go on.
        Stopped => ("stopped", "终止验证"),
        /// 更换项目经理人: another manager takes over.
        Reassigned => ("reassigned", "更换项目经理人"),
    }
}

impl ExitRoute {
    /// Whether leaving this way counts as the project carried through to the market (the
    /// commercial side of the record): to pilot scale, transferred or financed.
    pub fn carried_through(self) -> bool {
        matches!(self, ExitRoute::PilotHandoff | ExitRoute::Transfer | ExitRoute::Financed)
    }
}

/// A log entry as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawEntry<'a> {
    /// Kind code.
    pub kind: &'a str,
    /// Decision code (a decision only).
    pub decision: &'a str,
    /// What was decided, broken down, reached or brought.
    pub body: &'a str,
}

/// A checked log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    /// Kind.
    pub kind: EntryKind,
    /// The decision, for a decision entry.
    pub decision: Option<Decision>,
    /// 内容, 2–1,000 characters.
    pub body: String,
}

impl EntryDraft {
    /// Checks every field, naming each that fails: a decision entry names its decision, others name none.
    pub fn parse(raw: &RawEntry<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = collect(
            &mut errors,
            match raw.kind.trim() {
                "" => Err(FieldError::required("kind", "记录类别")),
                k => EntryKind::parse(k).map_err(|_| FieldError::unknown_value("kind", "记录类别")),
            },
        );
        let decision = match (kind, raw.decision.trim()) {
            (Some(EntryKind::Decision), "") => {
                errors.push(FieldError::required("decision", "决策结论"));
                None
            }
            (Some(EntryKind::Decision), d) => collect(&mut errors, Decision::parse(d).map_err(|_| FieldError::unknown_value("decision", "决策结论"))),
            (_, "") | (None, _) => None,
            (Some(_), _) => {
                errors.push(FieldError::new("decision", "not_applicable", "只有“项目决策”记录填写决策结论"));
                None
            }
        };
        let body = collect(&mut errors, multiline("body", "记录内容", raw.body, 2, 1000));
        match (kind, body) {
            (Some(kind), Some(body)) if errors.is_empty() => Ok(Self { kind, decision, body }),
            _ => Err(errors),
        }
    }
}

/// A checked exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitDraft {
    /// How.
    pub route: ExitRoute,
    /// Why, 2–500 characters.
    pub reason: String,
}

impl ExitDraft {
    /// Checks the route and the reason.
    pub fn parse(route: &str, reason: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let route = collect(
            &mut errors,
            match route.trim() {
                "" => Err(FieldError::required("route", "退出方式")),
                r => ExitRoute::parse(r).map_err(|_| FieldError::unknown_value("route", "退出方式")),
            },
        );
        let reason = collect(&mut errors, multiline("reason", "退出说明", reason, 2, 500));
        match (route, reason) {
            (Some(route), Some(reason)) if errors.is_empty() => Ok(Self { route, reason }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 004 三(三): the log records decisions (with their conclusion), task breakdowns, progress and
    /// resource coordination.
    #[test]
    fn entry_rules() {
        type Want = Result<(EntryKind, Option<Decision>), (&'static str, &'static str)>;
        let cases: &[(&str, &str, &str, Want)] = &[
            ("decision", "adjust", "改走低温工艺路线", Ok((EntryKind::Decision, Some(Decision::Adjust)))),
            ("progress", "", "样机第二轮测试完成", Ok((EntryKind::Progress, None))),
            ("resource", " ", "对接中试平台一条产线", Ok((EntryKind::Resource, None))),
            ("decision", "", "继续", Err(("decision", "required"))),
            ("decision", "sell", "继续", Err(("decision", "unknown_value"))),
            ("task", "advance", "拆成三项任务", Err(("decision", "not_applicable"))),
            ("", "", "内容", Err(("kind", "required"))),
            ("gossip", "", "内容", Err(("kind", "unknown_value"))),
            ("progress", "", "好", Err(("body", "too_short"))),
        ];
        for (kind, decision, body, want) in cases {
            let got = EntryDraft::parse(&RawEntry { kind, decision, body });
            match (want, got) {
                (Ok((k, d)), Ok(e)) => assert_eq!((e.kind, e.decision), (*k, *d), "{kind} {decision}"),
                (Err((field, code)), Err(es)) => assert!(es.iter().any(|e| e.field == *field && e.code == *code), "{kind} {decision}: {es:?}"),
                (w, g) => panic!("{kind} {decision}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn exit_rules() {
        assert_eq!(ExitDraft::parse("pilot_handoff", "已移交中试平台").map(|e| e.route), Ok(ExitRoute::PilotHandoff));
        let fails = |r: Result<ExitDraft, Vec<FieldError>>, field: &str, code: &str| match r {
            Err(es) => assert!(es.iter().any(|e| e.field == field && e.code == code), "{es:?}"),
            Ok(e) => panic!("accepted {e:?}"),
        };
        fails(ExitDraft::parse("", "说明"), "route", "required");
        fails(ExitDraft::parse("vanished", "说明"), "route", "unknown_value");
        fails(ExitDraft::parse("stopped", ""), "reason", "required");
    }

    #[test]
    fn which_exits_carry_a_project_through() {
        let through: Vec<_> = ExitRoute::ALL.iter().filter(|r| r.carried_through()).collect();
        assert_eq!(through, [&ExitRoute::PilotHandoff, &ExitRoute::Transfer, &ExitRoute::Financed]);
    }
}
