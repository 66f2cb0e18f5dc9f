//! The public service map (服务地图, 004 四(一)): the network's public centers
//! and pilot platforms by county-level region, laid out as tiles roughly where
//! the regions lie (north up), so a visitor sees where to go and follows a
//! region to its centers' public cards.

use crate::center::CenterKind;
use crate::region::Region;

/// Each region's tile: (region, column, row). 市本级 and 市外 stand apart on the right.
pub const TILES: [(Region, u32, u32); 14] = [
    (Region::Yongjia, 1, 0),
    (Region::Yueqing, 2, 0),
    (Region::Lucheng, 1, 1),
    (Region::Longwan, 2, 1),
    (Region::Dongtou, 3, 1),
    (Region::Wencheng, 0, 2),
    (Region::Ouhai, 1, 2),
    (Region::Ruian, 2, 2),
    (Region::Taishun, 0, 3),
    (Region::Pingyang, 1, 3),
    (Region::Longgang, 2, 3),
    (Region::Cangnan, 1, 4),
    (Region::City, 4, 3),
    (Region::Outside, 4, 4),
];

/// A region's tile with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    /// Region.
    pub region: Region,
    /// Column (0 = west).
    pub col: u32,
    /// Row (0 = north).
    pub row: u32,
    /// Proof-of-concept centers.
    pub poc: usize,
    /// Pilot platforms.
    pub pilot: usize,
}

/// Every region's tile, once, with how many of `centers` (region, kind) lie in it.
pub fn tiles(centers: &[(Region, CenterKind)]) -> Vec<Tile> {
    let mut out: Vec<Tile> = Vec::new();
    for (region, col, row) in TILES {
        if out.iter().any(|t| t.region == region) {
            continue;
        }
        let here = centers.iter().filter(|(r, _)| *r == region);
        let poc = here.clone().filter(|(_, k)| *k == CenterKind::PocCenter).count();
        let pilot = here.filter(|(_, k)| *k == CenterKind::PilotPlatform).count();
        out.push(Tile { region, col, row, poc, pilot });
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_one_tile_and_no_two_share_a_place() {
        let t = tiles(&[]);
        assert_eq!(t.len(), Region::ALL.len(), "one tile per region");
        for r in Region::ALL {
            assert!(t.iter().any(|x| x.region == *r), "{r:?} has a tile");
        }
        for (i, a) in t.iter().enumerate() {
            for b in &t[i + 1..] {
                assert!((a.col, a.row) != (b.col, b.row), "{:?} and {:?} overlap", a.region, b.region);
            }
        }
    }

    #[test]
    fn counts_fall_on_their_region_by_kind() {
        let t = tiles(&[(Region::Ruian, CenterKind::PocCenter), (Region::Ruian, CenterKind::PilotPlatform), (Region::Ruian, CenterKind::PocCenter), (Region::Lucheng, CenterKind::PocCenter)]);
        let ruian = t.iter().find(|x| x.region == Region::Ruian).unwrap();
        assert_eq!((ruian.poc, ruian.pilot), (2, 1));
        assert_eq!(t.iter().map(|x| x.poc + x.pilot).sum::<usize>(), 4);
    }
}
