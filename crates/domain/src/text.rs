//! Text as it is stored and compared. Every typed or imported string is
//! normalised to Unicode NFC, and characters a reader cannot see or that
//! reorder what is shown are refused: zero-width characters made
//! `瓯江\u{200B}理工大学` a look-alike of 瓯江理工大学 that slipped past the
//! same-unit conflict check, and bidi overrides make a name read backwards.
//! Names of units are compared on a folded form ([`comparable`]), so full-
//! width and half-width brackets, case and spacing do not make two units.

use unicode_normalization::UnicodeNormalization;

/// A character that is refused in any text, with what it is.
pub fn forbidden(c: char) -> Option<&'static str> {
    match c {
        '\n' | '\r' | '\t' => None,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' => Some("零宽字符"),
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' => Some("文字方向控制符"),
        '\u{2028}' | '\u{2029}' => Some("行或段落分隔符"),
        '\u{00AD}' | '\u{2061}'..='\u{2064}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => Some("不可见字符"),
        '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}' => Some("不可见字符"),
        c if c.is_control() => Some("控制字符"),
        _ => None,
    }
}

/// A refused character found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// The character.
    pub ch: char,
    /// What it is (Chinese).
    pub kind: &'static str,
}

impl Refused {
    /// The Chinese message for a field labelled `label`.
    pub fn message(&self, label: &str) -> String {
        format!("{label}含有{}（U+{:04X}），请删除后重新输入", self.kind, u32::from(self.ch))
    }
}

/// NFC form of `raw`, or the first refused character. Line breaks and tabs
/// pass (multi-line fields); single-line fields refuse them on their own.
pub fn normalise(raw: &str) -> Result<String, Refused> {
    if let Some((ch, kind)) = raw.chars().find_map(|c| forbidden(c).map(|k| (c, k))) {
        return Err(Refused { ch, kind });
    }
    Ok(raw.nfc().collect())
}

/// The form two names are compared on: compatibility-folded (NFKC: full-width
/// letters, digits and brackets become ASCII), lower-case, without spaces or
/// characters one cannot see. Stored text predating the rules may hold them.
pub fn comparable(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace() && forbidden(*c).is_none()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_reordering_characters_are_refused() {
        // (input, refused character or the NFC result)
        let cases: [(&str, Result<&str, char>); 11] = [
            ("瓯江理工大学", Ok("瓯江理工大学")),
            ("第一行\n第二行\t制表", Ok("第一行\n第二行\t制表")),
            ("e\u{0301}", Ok("\u{00E9}")), // NFC composes
            ("瓯江\u{200B}理工大学", Err('\u{200B}')),
            ("瓯江\u{200D}理工", Err('\u{200D}')),
            ("\u{FEFF}瓯江", Err('\u{FEFF}')),
            ("abc\u{202E}fdp.exe", Err('\u{202E}')),
            ("名称\u{2066}x\u{2069}", Err('\u{2066}')),
            ("一\u{2028}二", Err('\u{2028}')),
            ("响\u{0007}铃", Err('\u{0007}')),
            ("软\u{00AD}连字符", Err('\u{00AD}')),
        ];
        for (raw, want) in cases {
            assert_eq!(normalise(raw).map_err(|r| r.ch), want.map(str::to_owned), "{raw:?}");
        }
        let r = normalise("瓯江\u{200B}理工大学").err();
        assert_eq!(r.map(|r| r.message("单位名称")).as_deref(), Some("单位名称含有零宽字符（U+200B），请删除后重新输入"));
    }

    #[test]
    fn names_compare_on_the_folded_form() {
        let same = [
            ("瑞安市科学技术局（测试）", "瑞安市科学技术局(测试)"),
            ("瓯江理工大学", " 瓯江 理工大学 "),
            ("瓯江理工大学", "瓯江\u{200B}理工大学"),
            ("ABC 研究院", "abc研究院"),
            ("ＡＢＣ研究院", "abc研究院"),
        ];
        for (a, b) in same {
            assert_eq!(comparable(a), comparable(b), "{a} = {b}");
        }
        assert_ne!(comparable("瓯江理工大学"), comparable("瓯江理工学院"));
    }
}
