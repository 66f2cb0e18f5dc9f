//! Organisations (单位): every account belongs to one. The organisation later
//! rules conflicts of interest and who sees what.

use crate::region::Region;
use crate::validation::{self, FieldError};

string_enum! {
    /// What kind of unit an organisation is.
    pub enum OrgKind {
        /// City/provincial S&T bureau (科技局).
        Bureau => ("bureau", "科技主管部门"),
        /// District/county S&T department (县级科技部门).
        CountyDepartment => ("county_department", "县（市、区）科技部门"),
        /// University (高校).
        University => ("university", "高校"),
        /// Research institute or new-type R&D institution (科研院所/新型研发机构).
        ResearchInstitute => ("research_institute", "科研院所"),
        /// Research hospital (研究型医院).
        Hospital => ("hospital", "医院"),
        /// Company (企业).
        Enterprise => ("enterprise", "企业"),
        /// Incubator (孵化器).
        Incubator => ("incubator", "孵化器"),
        /// Investment fund (投资机构).
        InvestmentFund => ("investment_fund", "投资机构"),
        /// Bank (银行).
        Bank => ("bank", "银行"),
        /// Insurer (保险机构): publishes 科技保险、中试险 (001 中试 15).
        Insurer => ("insurer", "保险机构"),
    }
}

/// A validated new or edited organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgDraft {
    /// Full name, unique in the network.
    pub name: String,
    /// Kind of unit.
    pub kind: OrgKind,
    /// Where it is (county-level region); decides which county department sees it.
    pub region: Region,
}

impl OrgDraft {
    /// Parses form or JSON input; reports the first broken rule.
    pub fn parse(name: &str, kind: &str, region: &str) -> Result<Self, FieldError> {
        let name = validation::text("name", "单位名称", name, 2, 100)?;
        let kind = OrgKind::parse(kind.trim()).map_err(|_| FieldError::unknown_value("kind", "单位类型"))?;
        let region = Region::parse(region.trim()).map_err(|_| FieldError::unknown_value("region", "所在地区"))?;
        Ok(Self { name, kind, region })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_rules() {
        type Case<'a> = (&'a str, &'a str, &'a str, Result<(), (&'a str, &'a str)>);
        let cases: &[Case] = &[
            ("瓯江理工大学", "university", "鹿城区", Ok(())),
            ("", "university", "鹿城区", Err(("name", "required"))),
            ("瓯江理工大学", "school", "鹿城区", Err(("kind", "unknown_value"))),
            ("瓯江理工大学", "university", "杭州市", Err(("region", "unknown_value"))),
        ];
        for (name, kind, region, want) in cases {
            match (want, OrgDraft::parse(name, kind, region)) {
                (Ok(()), Ok(d)) => assert_eq!(d.name, *name),
                (Err((field, code)), Err(e)) => assert_eq!((e.field.as_str(), e.code), (*field, *code)),
                (w, g) => panic!("{name}/{kind}/{region}: want {w:?}, got {g:?}"),
            }
        }
    }
}
