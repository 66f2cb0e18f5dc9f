//! Research results (科技成果) on their way through a center's project library.
//! These are the vocabularies; the state machine and verification live in
//! [`crate::library`].

use crate::validation::FieldError;

string_enum! {
    /// Where a result came from (成果来源).
    pub enum ResultSource {
        /// 高校
        University => ("university", "高校"),
        /// 科研院所
        ResearchInstitute => ("research_institute", "科研院所"),
        /// 医院
        Hospital => ("hospital", "医院"),
        /// 企业
        Enterprise => ("enterprise", "企业"),
        /// 推送清单 (大院名校推送)
        PushedList => ("pushed_list", "推送清单"),
        /// 县域挖掘
        CountyScouting => ("county_scouting", "县域挖掘"),
    }
}

string_enum! {
    /// Where a result stands in the pipeline.
    pub enum ResultState {
        /// 已提交
        Submitted => ("submitted", "已提交"),
        /// 遴选中
        Screening => ("screening", "入库遴选中"),
        /// 已入库
        Admitted => ("admitted", "已入库"),
        /// 未入库
        Rejected => ("rejected", "未入库"),
        /// 验证中
        Verifying => ("verifying", "验证中"),
        /// 验证完成
        Verified => ("verified", "验证完成"),
        /// 已移交中试
        HandedOff => ("handed_off", "已移交中试"),
        /// 已终止
        Stopped => ("stopped", "已终止"),
        /// 已撤回（成果方在遴选前撤回）
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

impl ResultState {
    /// Whether the result ever entered the project library (累计入库, 000 指引 二(二)
    /// "累计入库项目数量"): in it now, or stopped after admission (a project is
    /// stopped only once admitted). Every count of library projects uses this.
    pub fn ever_in_library(self) -> bool {
        self.in_library() || self == ResultState::Stopped
    }

    /// Whether investors see the result (its public summary): verification is done
    /// (验证完成, or handed off to pilot scale after it).
    pub fn verified_for_investors(self) -> bool {
        matches!(self, ResultState::Verified | ResultState::HandedOff)
    }

    /// Whether the result is in the center's project library (入库) in any later stage.
    pub fn in_library(self) -> bool {
        matches!(
            self,
            ResultState::Admitted | ResultState::Verifying | ResultState::Verified | ResultState::HandedOff
        )
    }
}

/// Technology-readiness level, GB/T 22900-2022 (技术就绪度, 1–9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Trl(u8);

impl Trl {
    /// Parses a level from 1 to 9.
    pub fn parse(level: i64) -> Result<Self, FieldError> {
        match u8::try_from(level) {
            Ok(l @ 1..=9) => Ok(Self(l)),
            _ => Err(FieldError::new("trl", "out_of_range", "技术就绪度须为1至9级")),
        }
    }

    /// The level.
    pub fn level(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trl_bounds() {
        for (l, ok) in [(0, false), (1, true), (9, true), (10, false), (-3, false)] {
            assert_eq!(Trl::parse(l).is_ok(), ok, "level {l}");
        }
    }

    #[test]
    fn library_membership() {
        let in_lib: Vec<_> = ResultState::ALL.iter().filter(|s| s.in_library()).collect();
        assert_eq!(in_lib.len(), 4);
        assert!(!ResultState::Rejected.in_library());
        // 累计入库 (000 指引 二(二)) counts a stopped project; the dashboard and the criteria agree.
        let ever: Vec<_> = ResultState::ALL.iter().filter(|s| s.ever_in_library()).map(|s| s.as_str()).collect();
        assert_eq!(ever, ["admitted", "verifying", "verified", "handed_off", "stopped"]);
    }
}
