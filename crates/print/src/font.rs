//! The font every printed document uses: Noto Sans SC Regular, subset and
//! shipped in `fonts/` (see its README), with the advance widths the layout
//! measures lines by. The subset has no layout tables, so a line's width is
//! exactly the sum of its characters' advances.

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

/// The font file.
pub static DATA: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-subset.otf");

/// Advance widths in ems by character, read once from the font's character map.
static ADVANCES: LazyLock<HashMap<char, f32>> = LazyLock::new(|| {
    let Ok(font) = FontRef::from_index(DATA, 0) else { return HashMap::new() };
    let upem = f32::from(font.head().map_or(1000, |h| h.units_per_em()));
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    font.charmap()
        .mappings()
        .filter_map(|(cp, gid)| Some((char::from_u32(cp)?, metrics.advance_width(gid)? / upem)))
        .collect()
});

/// The width of `c` in ems; a character the font lacks is measured as a full em (its box).
pub fn advance(c: char) -> f32 {
    ADVANCES.get(&c).copied().unwrap_or(1.0)
}

/// The width of `text` at `size` points.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars().map(advance).sum::<f32>() * size
}

/// Whether the font can print `c` (controls and spaces count as printable).
pub fn covers(c: char) -> bool {
    c.is_whitespace() || ADVANCES.contains_key(&c)
}

/// The characters of `text` the font cannot print, in order.
pub fn missing(text: &str) -> BTreeSet<char> {
    text.chars().filter(|c| !covers(*c)).collect()
}

/// The font's ascent (above the baseline) in ems, for placing a line's baseline.
pub const ASCENT: f32 = 0.88;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_prints_chinese_latin_and_the_domain_vocabulary() {
        for text in ["概念验证中心", "中试平台", "温州市科学技术局", "高镍三元前驱体", "乌鲁木齐", "ABC xyz 0123456789", "，。、；：？！（）《》“”"] {
            assert!(missing(text).is_empty(), "{text}: {:?}", missing(text));
        }
        assert_eq!(missing("𠀀a"), BTreeSet::from(['𠀀']), "a character beyond the subset is reported");
    }

    #[test]
    fn hanzi_are_one_em_and_latin_is_narrower() {
        assert!((advance('中') - 1.0).abs() < 1e-6);
        assert!(advance('i') < 0.5 && advance('i') > 0.1);
        assert!((width("中文", 10.0) - 20.0).abs() < 1e-4);
    }
}
