//! How stored values read to people: times in Beijing time
//! (`2026-12-01 19:05`), file sizes in KB/MB, and the Chinese names of audit
//! actions and record types — users never see an internal code, English or
//! a raw time stamp.

use crate::library::pipeline::ResultAction;
use crate::recognition::ReviewAction;
use chrono::{DateTime, FixedOffset, Utc};

/// A stored UTC time (RFC 3339) in Beijing time, to the minute; a value
/// that is not a time is shown as it is (a day stays a day).
pub fn beijing_time(stored: &str) -> String {
    let Some(beijing) = FixedOffset::east_opt(8 * 3600) else {
        return stored.to_owned();
    };
    match DateTime::parse_from_rfc3339(stored.trim()) {
        Ok(t) => t.with_timezone(&beijing).format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => stored.to_owned(),
    }
}

/// An instant in Beijing time, to the minute (`2026-12-01 19:05`), as
/// [`beijing_time`] shows a stored one.
pub fn beijing(t: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(beijing) => t.with_timezone(&beijing).format("%Y-%m-%d %H:%M").to_string(),
        None => t.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A size in bytes as people read it: 字节 below 1 KB, then KB and MB (1 KB = 1,024 bytes).
pub fn file_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    match bytes {
        b if b < KB => format!("{} 字节", b.max(0)),
        b if b < MB => format!("{:.1} KB", b as f64 / KB as f64),
        b => format!("{:.1} MB", b as f64 / MB as f64),
    }
}

/// The Chinese name of an audit action code (`result.milestone.step`,
/// `application.propose`, …); `其他操作` for a code this build does not know.
pub fn audit_action(code: &str) -> String {
    let fixed = match code {
        "session.login" => "登录",
        "session.logout" => "退出登录",
        "user.create" => "新增账号",
        "user.update" => "修改账号",
        "user.password_change" => "修改密码",
        "organisation.create" => "新增单位",
        "organisation.update" => "修改单位",
        "demo.load" => "载入演示数据",
        "synthetic.generate" => "生成合成数据",
        "expert.create" => "新增专家",
        "expert.update" => "修改专家信息",
        "expert.activate" => "恢复专家参评",
        "expert.deactivate" => "暂停专家参评",
        "expert.blacklist" => "列入专家黑名单",
        "expert.unblacklist" => "移出专家黑名单",
        "center.create" => "登记中心",
        "center.update" => "修改中心信息",
        "center.staff.add" => "添加服务人员",
        "center.equipment.add" => "添加仪器设备",
        "center.finance.add" => "添加资金记录",
        "center.advisor.add" => "添加顾问专家",
        "center.declare" => "作出承诺声明",
        "center.file.remove" => "删除档案记录",
        "center.document.attach" => "上传证明材料",
        "center.change_report" => "报告重大变化",
        "center.change_decision" => "决定重大变化报告",
        "center.recognize" | "recognize" => "认定（列入名单）",
        "center.regrade" | "regrade" => "调整级别或阶段",
        "center.reevaluate" | "reevaluate" => "中试平台复评",
        "center.revoke" => "撤销资格",
        "center.terminate" => "资格终止（依托单位注销）",
        "call.publish" => "发布申报通知",
        "application.create" => "创建申报",
        "application.rename" => "修改申报名称",
        "application.site_visit" => "记录现场考察",
        "application.panel.assign" => "邀请评审专家",
        "application.panel.no_conflict" => "专家声明无利益冲突",
        "application.panel.recuse" => "专家申请回避",
        "application.panel.decline" => "专家谢绝评审",
        "application.panel.score" => "专家评分",
        "objection.file" => "提出公示异议",
        "objection.resolve" => "处理公示异议",
        "assignment.preview" => "预览智能组建专家组",
        "assignment.adjust" => "调整专家组",
        "assignment.confirm" => "确认专家组并发出邀请",
        "result.submit" => "登记科技成果",
        "result.import" => "批量导入科技成果",
        "result.secret_view" => "查看商业秘密",
        "result.panel.assign" => "邀请遴选专家",
        "result.panel.declare" => "遴选专家作出声明",
        "result.panel.score" => "遴选专家评分",
        "result.plan.save" => "保存验证方案",
        "result.milestone.add" => "添加里程碑",
        "result.milestone.step" => "办理里程碑验收",
        "result.milestone.release" => "拨付里程碑资金",
        "result.outcome.add" => "登记验证成效",
        "result.report.issue" => "出具验证报告",
        "result.report.accept" => "互认验证报告",
        "result.handoff.send" => "移交中试平台",
        "result.handoff.respond" => "中试平台答复移交",
        "result.handoff.feedback" => "中试平台反馈进展",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_owned();
    }
    if let Some(step) = code.strip_prefix("application.").and_then(|s| ReviewAction::parse(s).ok()) {
        return format!("申报办理：{}", step.label_zh());
    }
    if let Some(step) = code.strip_prefix("result.").and_then(|s| ResultAction::parse(s).ok()) {
        return format!("项目库办理：{}", step.label_zh());
    }
    "其他操作".to_owned()
}

/// The Chinese name of an audit record type (`organisation`, `result`, …).
pub fn record_type(code: &str) -> &'static str {
    match code {
        "organisation" => "单位",
        "user" => "账号",
        "dataset" => "数据集",
        "expert" => "专家",
        "center" => "中心",
        "call" => "申报通知",
        "application" => "申报",
        "result" | "research_result" => "科技成果",
        "assignment" | "assignment_run" => "专家组分配",
        "session" => "会话",
        _ => "记录",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_beijing_time() {
        let cases = [
            ("2026-12-01T11:05:00Z", "2026-12-01 19:05"),
            ("2026-12-01T16:30:00Z", "2026-12-02 00:30"),
            ("2026-12-01T16:30:00.123456Z", "2026-12-02 00:30"),
            ("2026-12-01T19:05:00+08:00", "2026-12-01 19:05"),
            ("2026-12-08", "2026-12-08"),
            ("", ""),
        ];
        for (stored, shown) in cases {
            assert_eq!(beijing_time(stored), shown, "{stored}");
            if let Ok(t) = DateTime::parse_from_rfc3339(stored) {
                assert_eq!(beijing(t.with_timezone(&Utc)), shown, "typed {stored}");
            }
        }
    }

    #[test]
    fn sizes_read_in_kb_and_mb() {
        let cases = [(0, "0 字节"), (1023, "1023 字节"), (1024, "1.0 KB"), (1536, "1.5 KB"), (1024 * 1024 - 1, "1024.0 KB"), (1024 * 1024, "1.0 MB"), (10 * 1024 * 1024 + 512 * 1024, "10.5 MB"), (-5, "0 字节")];
        for (bytes, shown) in cases {
            assert_eq!(file_size(bytes), shown, "{bytes}");
        }
    }

    #[test]
    fn audit_actions_and_types_read_in_chinese() {
        let cases = [
            ("session.login", "登录"),
            ("result.milestone.step", "办理里程碑验收"),
            ("application.propose", "申报办理：列入拟入选名单"),
            ("application.county_approve", "申报办理：审核通过并推荐"),
            ("result.admit", "项目库办理：准予入库"),
            ("center.revoke", "撤销资格"),
            ("center.recognize", "认定（列入名单）"),
            ("something.new", "其他操作"),
        ];
        for (code, label) in cases {
            assert_eq!(audit_action(code), label, "{code}");
        }
        // Every step of both workflows has a name.
        for a in ReviewAction::ALL {
            assert!(!audit_action(&format!("application.{a}")).starts_with("其他"), "{a}");
        }
        for a in ResultAction::ALL {
            assert!(!audit_action(&format!("result.{a}")).starts_with("其他"), "{a}");
        }
        for code in ["organisation", "user", "center", "application", "result", "research_result", "expert", "call"] {
            assert!(record_type(code).chars().all(|c| !c.is_ascii_alphabetic()), "{code}");
        }
        assert_eq!(record_type("unknown"), "记录");
    }
}
