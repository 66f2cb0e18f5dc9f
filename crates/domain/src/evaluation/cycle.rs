//! The yearly cycle's records and their states: a round (one profile, one
//! year), each center's annual report (年度运行报告, 003 六(二)) and its
//! evaluation, and the dynamic-management actions the bureau decides.

use crate::center::CenterStage;
use crate::supervision::CenterStatus;
use chrono::NaiveDate;

/// Whether a center takes part in its profile's annual evaluation: active, on
/// the creation list or recognized (003 六(二): 创建（认定）概念验证中心每年应向
/// 市科技局报送年度运行报告; 000 四: 经认定的市级概念验证中心).
pub fn takes_part(status: CenterStatus, stage: CenterStage) -> bool {
    status == CenterStatus::Active && matches!(stage, CenterStage::Creating | CenterStage::Recognized | CenterStage::KeyCultivation)
}

string_enum! {
    /// Where an evaluation round stands.
    pub enum RoundState {
        /// Reports are filed and centers evaluated (报送与评价中).
        Open => ("open", "报送与评价中"),
        /// The results are public (已发布).
        Published => ("published", "已发布"),
    }
}

string_enum! {
    /// Where a center's annual report stands.
    pub enum ReportState {
        /// Being written (待报送).
        Draft => ("draft", "待报送"),
        /// Filed with the bureau (已报送).
        Submitted => ("submitted", "已报送"),
    }
}

string_enum! {
    /// Where a center's evaluation stands.
    pub enum EvaluationState {
        /// Awaiting scores or the bureau's grade (待评价).
        Pending => ("pending", "待评价"),
        /// The center did not take part (未参加评价).
        Refused => ("refused", "未参加评价"),
        /// The bureau set the grade (已审定).
        Graded => ("graded", "已审定"),
    }
}

string_enum! {
    /// Where a proposed action stands.
    pub enum ActionState {
        /// Proposed by pocnet, awaiting the bureau (待确认).
        Proposed => ("proposed", "待确认"),
        /// Confirmed by the bureau (已确认).
        Confirmed => ("confirmed", "已确认"),
        /// Not taken, with the bureau's reason (不予采纳).
        Dismissed => ("dismissed", "不予采纳"),
    }
}

/// The narrative sections of an annual report (003 六(二): 服务能力、服务成效、
/// 可持续发展能力、社会效益 … 及下一年度工作计划): code and label.
pub const SECTIONS: [(&str, &str); 5] = [
    ("capability", "服务能力"),
    ("effectiveness", "服务成效"),
    ("sustainability", "可持续发展能力"),
    ("social_benefit", "社会效益"),
    ("next_year_plan", "下一年度工作计划"),
];

/// Whether a report filed on `submitted_on` (or not yet, seen on `today`) is late for `due`.
pub fn late(due: NaiveDate, submitted_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    submitted_on.unwrap_or(today) > due
}

/// Why a round cannot be published yet, if any: every evaluation must be graded or refused.
pub fn unpublishable(pending: usize) -> Option<String> {
    (pending > 0).then(|| format!("尚有{pending}个中心的评价未审定等次，审定后方可发布"))
}
