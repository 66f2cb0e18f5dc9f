//! What a center's records show for one evaluation year (年度运行数据): each
//! figure a [`Metric`] the platform computes from its own records over the
//! year's data window — never retyped by the center. A center may correct a
//! figure in its annual report, with a reason; the correction is shown beside
//! the computed value.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

string_enum! {
    /// A figure computed from records over an evaluation window.
    pub enum Metric {
        /// Results taken into the center's library in the window (服务项目，入库受理).
        ServiceProjects => ("service_projects", "服务项目数"),
        /// Verification reports the center issued in the window (完成验证).
        VerifiedProjects => ("verified_projects", "完成验证项目数"),
        /// Prototype outcomes achieved in the window (样品化).
        PrototypeOutcomes => ("prototype_outcomes", "样品化成果数"),
        /// Product outcomes achieved in the window (产品化).
        ProductOutcomes => ("product_outcomes", "产品化成果数"),
        /// Results landed in the city in the window (落地转化).
        LandedTransfers => ("landed_transfers", "落地转化项目数"),
        /// Licences, transfers or joint development in the window.
        LicenceTransfers => ("licence_transfers", "许可/转让/合作开发数"),
        /// Companies founded (incubated) in the window (孵化企业).
        CompaniesIncubated => ("companies_incubated", "孵化企业数"),
        /// Equity financing raised by the center's projects in the window, yuan.
        FinancingYuan => ("financing_yuan", "股权融资额（元）"),
        /// Service-contract income in the window, yuan (服务收入).
        ServiceIncomeYuan => ("service_income_yuan", "服务合同收入（元）"),
        /// Special funds (专项资金) recorded for the year, yuan (资金投入).
        SpecialFundsYuan => ("special_funds_yuan", "专项资金投入（元）"),
        /// Members of the service team at the window's end.
        ServiceStaff => ("service_staff", "服务人员数"),
        /// Advisory experts at the window's end (顾问专家团队).
        AdvisoryExperts => ("advisory_experts", "顾问专家数"),
        /// Original value of the equipment at the window's end, yuan.
        EquipmentValueYuan => ("equipment_value_yuan", "仪器设备原值（元）"),
        /// Results handed off to pilot platforms in the window (推送中试).
        HandoffsSent => ("handoffs_sent", "推送中试项目数"),
        /// Hand-offs a pilot platform accepted in the window (承接中试).
        HandoffsAccepted => ("handoffs_accepted", "承接中试项目数"),
        /// Returns the center realised in the window, yuan (中心收益: 转化收益、股权等, 000 二(四), 004 四(二)).
        ReturnsYuan => ("returns_yuan", "中心实现收益（元）"),
        /// Investments investors made in the window in projects the center verified, yuan (路演对接, 000 二(十一)).
        InvestedYuan => ("invested_yuan", "对接投资额（元）"),
        /// Pilot reports a pilot platform issued in the window (出具中试报告, 001 中试 16).
        PilotReports => ("pilot_reports", "出具中试报告数"),
        /// Fees of the pilot milestones a platform completed in the window, yuan (中试服务收入, 001 中试 8).
        PilotFeesYuan => ("pilot_fees_yuan", "中试服务收入（元）"),
        /// Places of a platform's lines, equipment and environments booked, day by day, within the
        /// window (中试资源使用, in place-days: one line for one day is one).
        PilotPlaceDays => ("pilot_place_days", "中试资源预约使用（个·天）"),
    }
}

impl Metric {
    /// Whether the figure is an amount of money in yuan.
    pub fn is_yuan(self) -> bool {
        matches!(self, Metric::FinancingYuan | Metric::ServiceIncomeYuan | Metric::SpecialFundsYuan | Metric::EquipmentValueYuan | Metric::ReturnsYuan | Metric::InvestedYuan | Metric::PilotFeesYuan)
    }
}

/// One center's figures for one window, by metric (a metric absent reads 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFigures(pub BTreeMap<Metric, i64>);

impl YearFigures {
    /// The figure of `metric` (0 when the records show none).
    pub fn get(&self, metric: Metric) -> i64 {
        self.0.get(&metric).copied().unwrap_or(0)
    }

    /// Sets a figure.
    pub fn set(&mut self, metric: Metric, value: i64) {
        self.0.insert(metric, value);
    }

    /// These figures with `corrections` applied (a corrected figure replaces the computed one).
    pub fn corrected(&self, corrections: &[Correction]) -> Self {
        let mut out = self.clone();
        for c in corrections.iter().filter(|c| c.accepted) {
            out.set(c.metric, c.value);
        }
        out
    }
}

/// A center's correction of a computed figure in its annual report (更正), with
/// its reason; the bureau may refuse it at review, and then the computed figure counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Correction {
    /// The figure corrected.
    pub metric: Metric,
    /// The value the center reports.
    pub value: i64,
    /// Why the records are incomplete or wrong.
    pub reason: String,
    /// Whether it counts (true until the bureau refuses it).
    #[serde(default = "yes")]
    pub accepted: bool,
}

fn yes() -> bool {
    true
}
