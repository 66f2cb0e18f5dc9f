//! Who may see a project's trade secrets (商业秘密). The owning center, the
//! project's researchers (its owner unit) and experts assigned to it after
//! they accept the confidentiality pledge see them, and so does an investor
//! whose interest the owner and the center accepted once it signs the pledge
//! (000 二(十一) 对接; issue 17), and so does the project manager the owning center assigned
//! while it carries the project (004 三(三)); everyone else — the bureau, county
//! departments, other centers, pilot platforms, other investors and the
//! public — sees the public summary only. Every view of a secret field
//! is audited by the caller.

string_enum! {
    /// How a viewer stands to a project.
    pub enum Standing {
        /// 承接中心（依托单位运营人员）
        OwningCenter => ("owning_center", "承接中心"),
        /// 成果方（所属单位科研人员）
        Researcher => ("researcher", "成果方"),
        /// 已签署保密承诺的评审专家
        PledgedExpert => ("pledged_expert", "已签署保密承诺的评审专家"),
        /// 已受邀但尚未声明的评审专家
        InvitedExpert => ("invited_expert", "尚未签署保密承诺的评审专家"),
        /// 对接获同意并已签署保密承诺的投资机构
        PledgedInvestor => ("pledged_investor", "已签署保密承诺的投资机构"),
        /// 平台指派、跟进中的项目经理人 (004 三(三))
        ProjectManager => ("project_manager", "项目经理人"),
        /// 科技主管部门（市局、县级）
        Authority => ("authority", "科技主管部门"),
        /// 其他中心、中试平台
        OtherCenter => ("other_center", "其他中心"),
        /// 投资机构与公众
        Public => ("public", "公众"),
    }
}

impl Standing {
    /// Whether this viewer sees the trade-secret fields.
    pub fn sees_secrets(self) -> bool {
        matches!(self, Standing::OwningCenter | Standing::Researcher | Standing::PledgedExpert | Standing::PledgedInvestor | Standing::ProjectManager)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owners_and_pledged_experts_see_secrets() {
        let cases = [
            (Standing::OwningCenter, true),
            (Standing::Researcher, true),
            (Standing::PledgedExpert, true),
            (Standing::InvitedExpert, false),
            (Standing::PledgedInvestor, true),
            (Standing::ProjectManager, true),
            (Standing::Authority, false),
            (Standing::OtherCenter, false),
            (Standing::Public, false),
        ];
        for (s, sees) in cases {
            assert_eq!(s.sees_secrets(), sees, "{s}");
        }
        assert_eq!(Standing::ALL.len(), cases.len(), "every standing is decided");
    }
}
