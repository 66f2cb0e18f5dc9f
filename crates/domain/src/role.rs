//! The roles a user account can hold (角色).

string_enum! {
    /// What an account may do; one role per account.
    pub enum Role {
        /// City/provincial S&T bureau staff (市科技局): calls, final review, recognition, evaluation.
        Bureau => ("bureau", "市科技局"),
        /// District/county S&T department (县级科技部门): first review in its own area.
        County => ("county", "县（市、区）科技部门"),
        /// Operator of a PoC center / pilot platform (依托单位).
        Center => ("center", "概念验证中心"),
        /// Member of the expert library (专家).
        Expert => ("expert", "评审专家"),
        /// Holder of a research result (科研人员).
        Researcher => ("researcher", "科研人员"),
        /// Fund, bank or investment institution (投资机构).
        Investor => ("investor", "投资机构"),
        /// Project manager (项目经理人, 004 三(三)(五)): carries the projects a platform assigns it.
        Manager => ("manager", "项目经理人"),
    }
}

impl Role {
    /// Whether this role administers the whole network (accounts, organisations, audit).
    pub fn is_bureau(self) -> bool {
        self == Role::Bureau
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_reject_unknown() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(*role));
        }
        assert!(Role::parse("admin").is_err());
        assert!(Role::parse("Bureau").is_err(), "codes are case-sensitive");
        assert_eq!(Role::ALL.len(), 7);
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(serde_json::to_string(&Role::County).ok().as_deref(), Some("\"county\""));
    }
}
