//! Objections to a public notice (公示异议). The policies keep them open to
//! anyone (Wenzhou 000 指引 三(四), Urumqi 003 五(一)); these limits only keep
//! one address from flooding a notice so that recognition stalls. The
//! numbers are the bureau's defaults (实施方案未规定，本局默认).

string_enum! {
    /// Where an objection stands (异议处理).
    pub enum ObjectionStatus {
        /// Filed, not yet looked into.
        Open => ("open", "待处理"),
        /// Found to hold (成立): the application cannot be approved.
        Upheld => ("upheld", "成立"),
        /// Found not to hold (不成立).
        Dismissed => ("dismissed", "不成立"),
    }
}

string_enum! {
    /// What the bureau finds when it looks into an objection.
    pub enum ObjectionFinding {
        /// 成立.
        Upheld => ("upheld", "成立"),
        /// 不成立.
        Dismissed => ("dismissed", "不成立"),
    }
}

impl ObjectionFinding {
    /// The status an objection gets with this finding.
    pub fn status(self) -> ObjectionStatus {
        match self {
            ObjectionFinding::Upheld => ObjectionStatus::Upheld,
            ObjectionFinding::Dismissed => ObjectionStatus::Dismissed,
        }
    }
}

/// Objections one address may file in an hour, over all notices.
pub const PER_ADDRESS_PER_HOUR: i64 = 5;
/// Objections one address may file against one notice in all.
pub const PER_ADDRESS_PER_NOTICE: i64 = 3;
/// Objections one notice takes in an hour, from everyone.
pub const PER_NOTICE_PER_HOUR: i64 = 60;

/// What has been filed already, as counted before a new objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Filed {
    /// Against this notice in the last hour, from anyone.
    pub on_notice_last_hour: i64,
    /// From this address in the last hour, against any notice.
    pub from_address_last_hour: i64,
    /// From this address against this notice, ever.
    pub from_address_on_notice: i64,
}

/// Whether one more objection may be filed; otherwise a stable code and the Chinese reason.
pub fn may_file(f: Filed) -> Result<(), (&'static str, String)> {
    if f.from_address_on_notice >= PER_ADDRESS_PER_NOTICE {
        return Err(("objection_limit", format!("同一网络地址对同一公示最多提出{PER_ADDRESS_PER_NOTICE}条异议；如有补充，请在已提出的异议中说明或联系市科技局")));
    }
    if f.from_address_last_hour >= PER_ADDRESS_PER_HOUR {
        return Err(("objection_rate", format!("同一网络地址一小时内最多提出{PER_ADDRESS_PER_HOUR}条异议，请稍后再试")));
    }
    if f.on_notice_last_hour >= PER_NOTICE_PER_HOUR {
        return Err(("notice_busy", "该公示一小时内收到的异议过多，请稍后再试".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_cannot_flood_a_notice() {
        let f = |n, a, an| Filed { on_notice_last_hour: n, from_address_last_hour: a, from_address_on_notice: an };
        let cases = [
            (f(0, 0, 0), None),
            (f(59, 4, 2), None),
            (f(0, 0, 3), Some("objection_limit")),
            (f(0, 5, 0), Some("objection_rate")),
            (f(60, 0, 0), Some("notice_busy")),
            (f(60, 5, 3), Some("objection_limit")),
        ];
        for (filed, want) in cases {
            assert_eq!(may_file(filed).err().map(|(c, _)| c), want, "{filed:?}");
        }
    }
}
