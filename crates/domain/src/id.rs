//! Record ids as types (编号): an `Id<of::Center>` cannot be passed where an
//! `Id<of::Application>` is wanted, yet each is the database's `BIGINT` and
//! the API's integer. `of` holds one marker per kind of record; the aliases
//! (`CenterId`, `ApplicationId` …) are what code names. (Issue 12 §3: the store's types
//! and signatures move onto these next; rows read them with `#[sqlx(try_from = "i64")]`.)

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The id of a record of kind `T` (a marker of [`of`]).
pub struct Id<T> {
    raw: i64,
    of: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// The id with this stored value.
    pub const fn new(raw: i64) -> Self {
        Self { raw, of: PhantomData }
    }

    /// The stored value (to bind in a query, to put in a link).
    pub const fn get(self) -> i64 {
        self.raw
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl<T> Eq for Id<T> {}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}

impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", std::any::type_name::<T>().rsplit("::").next().unwrap_or("Id"), self.raw)
    }
}

impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.fmt(f)
    }
}

impl<T> From<i64> for Id<T> {
    fn from(raw: i64) -> Self {
        Self::new(raw)
    }
}

impl<T> std::str::FromStr for Id<T> {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(Self::new)
    }
}

impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.raw)
    }
}

impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(Self::new)
    }
}

impl<T> utoipa::PartialSchema for Id<T> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        i64::schema()
    }
}

impl<T> utoipa::ToSchema for Id<T> {}

/// One marker per kind of record.
pub mod of {
    macro_rules! markers {
        ($($(#[$m:meta])* $name:ident),+ $(,)?) => {
            $( $(#[$m])* #[derive(Debug)] pub enum $name {} )+
        };
    }
    markers! {
        /// 单位 (organisation).
        Org,
        /// 账号 (account).
        User,
        /// 概念验证中心 / 中试平台.
        Center,
        /// 库内专家.
        Expert,
        /// 申报通知.
        Call,
        /// 申报.
        Application,
        /// 异议.
        Objection,
        /// 科技成果 (a project of the library).
        Result,
        /// 里程碑.
        Milestone,
        /// 移交中试.
        Handoff,
        /// 专家组分配方案.
        Run,
        /// 专家入库申请.
        Registration,
        /// 中心的证明材料.
        Document,
        /// 产业需求.
        Demand,
        /// 供需匹配（对接）.
        Match,
        /// 中心服务团队成员.
        Staff,
        /// 中心仪器设备.
        Equipment,
        /// 中心资金记录 (专项资金 or a fund).
        Finance,
        /// 现场考察.
        SiteVisit,
        /// 重大事项变更报告.
        ChangeReport,
        /// 撤销记录.
        Revocation,
        /// 验证成效.
        Outcome,
        /// 工作日历上传.
        CalendarUpload,
        /// 审计记录.
        AuditEvent,
        /// 年度绩效评价轮次.
        Round,
        /// 年度运行报告.
        AnnualReport,
        /// 一个中心的年度绩效评价.
        Evaluation,
        /// 动态管理处理建议.
        Action,
        /// 共享资源.
        Offer,
        /// 资源使用申请.
        ResourceRequest,
        /// 配套政策.
        PolicyItem,
        /// 创新券年度方案.
        VoucherScheme,
        /// 企业创新券额度.
        VoucherQuota,
        /// 创新券使用.
        VoucherUse,
        /// 路演.
        Roadshow,
        /// 投资意向.
        Interest,
    }
}

/// 单位.
pub type OrgId = Id<of::Org>;
/// 账号.
pub type UserId = Id<of::User>;
/// 中心或平台.
pub type CenterId = Id<of::Center>;
/// 库内专家.
pub type ExpertId = Id<of::Expert>;
/// 申报通知.
pub type CallId = Id<of::Call>;
/// 申报.
pub type ApplicationId = Id<of::Application>;
/// 异议.
pub type ObjectionId = Id<of::Objection>;
/// 科技成果.
pub type ResultId = Id<of::Result>;
/// 里程碑.
pub type MilestoneId = Id<of::Milestone>;
/// 移交.
pub type HandoffId = Id<of::Handoff>;
/// 分配方案.
pub type RunId = Id<of::Run>;
/// 专家入库申请.
pub type RegistrationId = Id<of::Registration>;
/// 证明材料.
pub type DocumentId = Id<of::Document>;
/// 服务团队成员.
pub type StaffId = Id<of::Staff>;
/// 仪器设备.
pub type EquipmentId = Id<of::Equipment>;
/// 资金记录.
pub type FinanceId = Id<of::Finance>;
/// 现场考察.
pub type SiteVisitId = Id<of::SiteVisit>;
/// 变更报告.
pub type ChangeReportId = Id<of::ChangeReport>;
/// 撤销记录.
pub type RevocationId = Id<of::Revocation>;
/// 验证成效.
pub type OutcomeId = Id<of::Outcome>;
/// 日历上传.
pub type CalendarUploadId = Id<of::CalendarUpload>;
/// 审计记录.
pub type AuditEventId = Id<of::AuditEvent>;
/// 年度绩效评价轮次.
pub type RoundId = Id<of::Round>;
/// 年度运行报告.
pub type AnnualReportId = Id<of::AnnualReport>;
/// 一个中心的年度绩效评价.
pub type EvaluationId = Id<of::Evaluation>;
/// 动态管理处理建议.
pub type ActionId = Id<of::Action>;
/// 产业需求 (需求清单).
pub type DemandId = Id<of::Demand>;
/// 供需匹配（精准对接清单）.
pub type MatchId = Id<of::Match>;
/// 共享资源（验证能力、仪器设备、中试线、试验环境、应用场景）.
pub type OfferId = Id<of::Offer>;
/// 资源使用申请.
pub type ResourceRequestId = Id<of::ResourceRequest>;
/// 配套政策.
pub type PolicyItemId = Id<of::PolicyItem>;
/// 创新券年度方案.
pub type VoucherSchemeId = Id<of::VoucherScheme>;
/// 企业的创新券年度额度 (申领额度).
pub type VoucherQuotaId = Id<of::VoucherQuota>;
/// 一次创新券使用 (申请使用 → 兑付).
pub type VoucherUseId = Id<of::VoucherUse>;
/// 路演.
pub type RoadshowId = Id<of::Roadshow>;
/// 投资机构对一个项目的意向 (表达意向 → 投资).
pub type InterestId = Id<of::Interest>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_number_on_the_wire() {
        let id = CenterId::new(42);
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("42"));
        assert_eq!(serde_json::from_str::<CenterId>("42").ok(), Some(id));
        assert_eq!("42".parse::<CenterId>().ok(), Some(id));
        assert_eq!((id.to_string(), format!("{id:?}")), ("42".to_owned(), "Center#42".to_owned()));
    }
}
