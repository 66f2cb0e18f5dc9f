//! The lists built from the registry and the offers: Shanghai's 服务领域 list
//! (004 四(一): each field with the public centers and platforms serving it and
//! what they offer in it) and the coverage of the 验证能力互补清单 (000 二(九):
//! which region's centers offer a capability in which field — the gaps are
//! where a project must be verified jointly across regions). Pure over what
//! the caller reads once per change of the registry.

use pocnet_domain::center::CenterKind;
use pocnet_domain::region::Region;
use pocnet_domain::sharing::OfferKind;
use pocnet_store::centers::Center;
use serde::Serialize;

/// One field of the 服务领域 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ServiceField {
    /// Field code.
    pub field: String,
    /// Its label.
    pub label: String,
    /// Public proof-of-concept centers serving it.
    pub poc_centers: usize,
    /// Public pilot platforms serving it.
    pub pilot_platforms: usize,
    /// Listed offers in it, by kind, in [`OfferKind::ALL`]'s order.
    pub offers: Vec<usize>,
    /// The regions whose centers offer a capability in it.
    pub capability_regions: Vec<Region>,
}

/// The 服务领域 list: every field of the catalogue (in its order) with the
/// public centers serving it and the listed offers in it. `coverage` is
/// [`pocnet_store::sharing::offers::coverage`]'s (field, kind, region, count).
pub fn service_fields(catalogue: &[(String, String)], centers: &[Center], coverage: &[(String, String, Region, i64)]) -> Vec<ServiceField> {
    catalogue
        .iter()
        .map(|(code, label)| {
            let serving = centers.iter().filter(|c| c.is_public() && c.fields.contains(code));
            let (poc, pilot) = serving.fold((0, 0), |(p, q), c| if c.kind == CenterKind::PocCenter { (p + 1, q) } else { (p, q + 1) });
            let of_field: Vec<&(String, String, Region, i64)> = coverage.iter().filter(|(f, ..)| f == code).collect();
            let offers = OfferKind::ALL
                .iter()
                .map(|k| of_field.iter().filter(|(_, kind, ..)| kind == k.as_str()).map(|(.., n)| usize::try_from(*n).unwrap_or(0)).sum())
                .collect();
            let mut capability_regions: Vec<Region> =
                of_field.iter().filter(|(_, kind, ..)| kind == OfferKind::Capability.as_str()).map(|(_, _, r, _)| *r).collect();
            capability_regions.sort();
            capability_regions.dedup();
            ServiceField { field: code.clone(), label: label.clone(), poc_centers: poc, pilot_platforms: pilot, offers, capability_regions }
        })
        .collect()
}

/// The coverage table of the 验证能力互补清单: for each field, the capabilities
/// listed in each region (in [`Region::ALL`]'s order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CapabilityCoverage {
    /// The regions, the table's columns.
    pub regions: Vec<Region>,
    /// One row per field.
    pub rows: Vec<CoverageRow>,
}

/// A field's row of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    /// Field code.
    pub field: String,
    /// Its label.
    pub label: String,
    /// Capabilities listed in each region, in the table's region order.
    pub counts: Vec<usize>,
    /// Regions without one: where a project of this field is verified across regions (跨地区联合验证).
    pub gaps: usize,
}

/// The coverage table over `coverage`'s capability rows.
pub fn capability_coverage(catalogue: &[(String, String)], coverage: &[(String, String, Region, i64)]) -> CapabilityCoverage {
    let regions: Vec<Region> = Region::ALL.to_vec();
    let rows = catalogue
        .iter()
        .map(|(code, label)| {
            let counts: Vec<usize> = regions
                .iter()
                .map(|r| {
                    coverage
                        .iter()
                        .filter(|(f, k, reg, _)| f == code && k == OfferKind::Capability.as_str() && reg == r)
                        .map(|(.., n)| usize::try_from(*n).unwrap_or(0))
                        .sum()
                })
                .collect();
            let gaps = counts.iter().filter(|n| **n == 0).count();
            CoverageRow { field: code.clone(), label: label.clone(), counts, gaps }
        })
        .collect();
    CapabilityCoverage { regions, rows }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<(String, String)> {
        vec![("new_energy".into(), "新能源".into()), ("biomedicine".into(), "生物医药".into())]
    }

    fn coverage() -> Vec<(String, String, Region, i64)> {
        vec![
            ("new_energy".into(), "capability".into(), Region::Ruian, 2),
            ("new_energy".into(), "capability".into(), Region::Lucheng, 1),
            ("new_energy".into(), "instrument".into(), Region::Ruian, 3),
            ("biomedicine".into(), "scenario".into(), Region::Ouhai, 1),
        ]
    }

    #[test]
    fn the_coverage_table_counts_capabilities_by_region_and_names_the_gaps() {
        let t = capability_coverage(&catalogue(), &coverage());
        let ruian = t.regions.iter().position(|r| *r == Region::Ruian).unwrap();
        let lucheng = t.regions.iter().position(|r| *r == Region::Lucheng).unwrap();
        assert_eq!((t.rows[0].counts[ruian], t.rows[0].counts[lucheng]), (2, 1));
        assert_eq!(t.rows[0].gaps, t.regions.len() - 2, "every other region lacks a new-energy capability");
        assert_eq!(t.rows[1].gaps, t.regions.len(), "a scenario is not a capability");
    }

    #[test]
    fn the_service_field_list_sums_offers_by_kind_and_lists_capability_regions() {
        let rows = service_fields(&catalogue(), &[], &coverage());
        let kinds: Vec<&str> = OfferKind::ALL.iter().map(|k| k.as_str()).collect();
        let at = |k: &str| kinds.iter().position(|x| *x == k).unwrap();
        assert_eq!((rows[0].offers[at("capability")], rows[0].offers[at("instrument")]), (3, 3));
        let mut want = vec![Region::Lucheng, Region::Ruian];
        want.sort();
        assert_eq!(rows[0].capability_regions, want);
        assert_eq!(rows[1].offers[at("scenario")], 1);
        assert_eq!((rows[1].poc_centers, rows[1].pilot_platforms), (0, 0));
    }
}
