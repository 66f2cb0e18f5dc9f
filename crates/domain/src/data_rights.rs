//! Data rights (数据确权, 000 二(十) “存证、确权、登记”; 001 概念验证 13): who holds
//! the rights to a data set produced in verification — the research unit, the
//! center, the enterprise, per their agreement — with shares in percent where the
//! agreement gives them (all or none, summing to 100).

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

string_enum! {
    /// A holder's part in the work.
    pub enum HolderRole {
        /// 成果完成单位 / 研究单位.
        ResearchUnit => ("research_unit", "研究单位"),
        /// 概念验证中心.
        Center => ("center", "概念验证中心"),
        /// 企业.
        Enterprise => ("enterprise", "企业"),
        /// 其他.
        Other => ("other", "其他权利人"),
    }
}

/// One rights holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RightsHolder {
    /// The holder's name (a unit).
    pub name: String,
    /// Its part.
    pub role: HolderRole,
    /// Its share in percent, where the agreement gives shares.
    pub share_percent: Option<u8>,
}

/// Checks a set of holders: at least one, at most 20, names given (≤ 100 characters) and not
/// repeated, shares given for all or none and then summing to 100.
pub fn check_holders(holders: &[RightsHolder]) -> Result<Vec<RightsHolder>, FieldError> {
    if holders.is_empty() || holders.len() > 20 {
        return Err(FieldError::new("holders", "holders_count", "请填写1至20个权利人"));
    }
    let mut out: Vec<RightsHolder> = Vec::with_capacity(holders.len());
    for h in holders {
        let name = h.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(FieldError::new("holders", "holder_name", "每个权利人须有名称（100字以内）"));
        }
        if out.iter().any(|o| o.name == name) {
            return Err(FieldError::new("holders", "holder_repeated", format!("权利人“{name}”重复")));
        }
        out.push(RightsHolder { name: name.to_owned(), role: h.role, share_percent: h.share_percent });
    }
    let given = out.iter().filter(|h| h.share_percent.is_some()).count();
    if given != 0 && given != out.len() {
        return Err(FieldError::new("holders", "shares_partial", "份额须全部填写或全部不填"));
    }
    if given > 0 && out.iter().map(|h| u32::from(h.share_percent.unwrap_or(0))).sum::<u32>() != 100 {
        return Err(FieldError::new("holders", "shares_sum", "各权利人份额之和须为100%"));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn h(name: &str, role: HolderRole, share: Option<u8>) -> RightsHolder {
        RightsHolder { name: name.to_owned(), role, share_percent: share }
    }

    #[test]
    fn role_codes_round_trip_as_the_api_spells_them() {
        for r in HolderRole::ALL {
            assert_eq!(HolderRole::parse(r.as_str()), Ok(*r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::Value::String(r.as_str().to_owned()));
        }
        assert!(HolderRole::parse("owner").is_err());
    }

    #[test]
    fn holders_follow_the_agreement_rules() {
        use HolderRole::*;
        let cases: Vec<(Vec<RightsHolder>, Result<usize, &str>)> = vec![
            (vec![h("温州大学", ResearchUnit, None)], Ok(1)),
            (vec![h("温州大学", ResearchUnit, Some(60)), h("新能源材料中心", Center, Some(10)), h("瑞安锂电", Enterprise, Some(30))], Ok(3)),
            (vec![], Err("holders_count")),
            (vec![h(" ", ResearchUnit, None)], Err("holder_name")),
            (vec![h("温州大学", ResearchUnit, None), h("温州大学", Center, None)], Err("holder_repeated")),
            (vec![h("温州大学", ResearchUnit, Some(60)), h("瑞安锂电", Enterprise, None)], Err("shares_partial")),
            (vec![h("温州大学", ResearchUnit, Some(60)), h("瑞安锂电", Enterprise, Some(30))], Err("shares_sum")),
        ];
        for (holders, want) in cases {
            match (check_holders(&holders), want) {
                (Ok(v), Ok(n)) => assert_eq!(v.len(), n),
                (Err(e), Err(code)) => assert_eq!(e.code, code, "{holders:?}"),
                (got, want) => panic!("{holders:?}: {got:?} vs {want:?}"),
            }
        }
    }
}
