//! Outcomes of a verification (验证成效): what a verified result achieved,
//! each with its date and evidence. They drive the registry's computed facts
//! (样品化/产品化, 落地转化, Urumqi's five conditions of 003 四(二)6).

string_enum! {
    /// A kind of outcome.
    pub enum OutcomeKind {
        /// 样品化（原型、工程样机、小试）
        Prototype => ("prototype", "样品化"),
        /// 产品化
        Product => ("product", "产品化"),
        /// 在本市落地转化
        LandedTransfer => ("landed_transfer", "落地转化"),
        /// 以服务合同方式获得概念验证服务收入
        ServiceContract => ("service_contract", "服务合同收入"),
        /// 样机/中试后申请专利或拥有有效知识产权
        PatentAfterPrototype => ("patent_after_prototype", "样机后专利"),
        /// 获得股权融资
        EquityFinancing => ("equity_financing", "股权融资"),
        /// 技术许可、转让或合作开发
        LicenceTransfer => ("licence_transfer", "许可/转让/合作开发"),
        /// 创办（孵化）科技型企业
        CompanyIncubated => ("company_incubated", "孵化企业"),
    }
}

impl OutcomeKind {
    /// Whether the outcome is one of the five conditions a completed
    /// verification must meet to count in Urumqi (003 四(二)6 (1)–(5)).
    /// (2) asks for a prototype *and* a patent: the outcome
    /// `patent_after_prototype` records exactly that pair.
    pub fn meets_urumqi_condition(self) -> bool {
        matches!(
            self,
            OutcomeKind::ServiceContract
                | OutcomeKind::PatentAfterPrototype
                | OutcomeKind::EquityFinancing
                | OutcomeKind::LicenceTransfer
                | OutcomeKind::CompanyIncubated
        )
    }

    /// Whether the outcome counts as 样品化或产品化 (000 二(二)).
    pub fn is_prototype_or_product(self) -> bool {
        matches!(self, OutcomeKind::Prototype | OutcomeKind::Product)
    }

    /// Whether the outcome carries an amount in yuan.
    pub fn has_amount(self) -> bool {
        matches!(self, OutcomeKind::ServiceContract | OutcomeKind::EquityFinancing | OutcomeKind::LicenceTransfer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_urumqi_conditions() {
        let cases = [
            (OutcomeKind::Prototype, false, true),
            (OutcomeKind::Product, false, true),
            (OutcomeKind::LandedTransfer, false, false),
            (OutcomeKind::ServiceContract, true, false),
            (OutcomeKind::PatentAfterPrototype, true, false),
            (OutcomeKind::EquityFinancing, true, false),
            (OutcomeKind::LicenceTransfer, true, false),
            (OutcomeKind::CompanyIncubated, true, false),
        ];
        for (kind, urumqi, proto) in cases {
            assert_eq!(kind.meets_urumqi_condition(), urumqi, "{kind}");
            assert_eq!(kind.is_prototype_or_product(), proto, "{kind}");
        }
    }
}
