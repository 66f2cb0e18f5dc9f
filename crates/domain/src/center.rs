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
    /// Whether the public list of recognized centers shows this stage.
    pub fn is_public(self) -> bool {
        matches!(self, CenterStage::Recognized | CenterStage::KeyCultivation)
    }
}
