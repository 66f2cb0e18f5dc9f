//! Proof-of-concept centers (概念验证中心) and pilot-scale platforms (中试平台).
//! Issue 3 adds the recognition workflow; these are the registry's vocabularies.

string_enum! {
    /// What a registered platform is.
    pub enum CenterKind {
        /// 概念验证中心
        PocCenter => ("poc_center", "概念验证中心"),
        /// 中试平台
        PilotPlatform => ("pilot_platform", "中试平台"),
    }
}

string_enum! {
    /// Level of recognition (级别).
    pub enum CenterLevel {
        /// 市级
        Municipal => ("municipal", "市级"),
        /// 省级
        Provincial => ("provincial", "省级"),
        /// 国家级
        National => ("national", "国家级"),
    }
}

string_enum! {
    /// Stage of a center (阶段): applying → creating → recognized → key cultivation.
    pub enum CenterStage {
        /// 申报中（已登记，尚未列入创建名单或认定）
        Applying => ("applying", "申报中"),
        /// 创建中
        Creating => ("creating", "创建中"),
        /// 已认定
        Recognized => ("recognized", "已认定"),
        /// 重点培育
        KeyCultivation => ("key_cultivation", "重点培育"),
    }
}

impl CenterStage {
    /// Whether the public registry shows this stage: the published creation
    /// list (发布创建名单, 003 五(一)5) as well as the recognized centers, each
    /// with its stage.
    pub fn is_public(self) -> bool {
        matches!(self, CenterStage::Creating | CenterStage::Recognized | CenterStage::KeyCultivation)
    }

    /// Whether this stage holds a recognition (已认定 or 重点培育, which follows it).
    /// Counting a center as recognized also needs a recognition on record and
    /// an active status: see [`counts_as_recognized`].
    pub fn is_recognized(self) -> bool {
        matches!(self, CenterStage::Recognized | CenterStage::KeyCultivation)
    }
}

/// Whether a center counts as recognized in every figure the platform shows
/// (home page, dashboard, center page): a recognized stage, a recognition on
/// record (a date of recognition — a center merely put in cultivation without
/// one is not), and still active (not revoked, not terminated).
pub fn counts_as_recognized(stage: CenterStage, recognized_on: Option<&str>, active: bool) -> bool {
    stage.is_recognized() && recognized_on.is_some_and(|d| !d.is_empty()) && active
}

/// Whether the bureau may move a center to `to` by a regrade: only a center
/// with a recognition on record may be recognized or in key cultivation — a
/// stage is a record of the procedure, not a declaration.
pub fn regrade_allowed(to: CenterStage, recognized: bool) -> bool {
    match to {
        CenterStage::Applying | CenterStage::Creating => true,
        CenterStage::Recognized | CenterStage::KeyCultivation => recognized,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 10 (counts): revoked, terminated and merely cultivated-but-unrecognized
    /// centers are not recognized; the creation list is public (003 五(一)5).
    #[test]
    fn who_counts_as_recognized() {
        let cases = [
            (CenterStage::Recognized, Some("2026-01-05"), true, true),
            (CenterStage::KeyCultivation, Some("2026-01-05"), true, true),
            (CenterStage::Recognized, Some("2026-01-05"), false, false),
            (CenterStage::KeyCultivation, None, true, false),
            (CenterStage::Creating, Some("2026-01-05"), true, false),
            (CenterStage::Applying, None, true, false),
        ];
        for (stage, on, active, want) in cases {
            assert_eq!(counts_as_recognized(stage, on, active), want, "{stage:?} {on:?} {active}");
        }
        assert!(CenterStage::Creating.is_public());
        assert!(!CenterStage::Applying.is_public());
        assert!(!regrade_allowed(CenterStage::KeyCultivation, false));
        assert!(regrade_allowed(CenterStage::KeyCultivation, true));
        assert!(regrade_allowed(CenterStage::Creating, false));
    }
}
