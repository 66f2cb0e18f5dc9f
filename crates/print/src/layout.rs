//! Line breaking and table columns, measured by a width function so the rules
//! can be tested without a font. Chinese breaks between any two characters
//! except where 避头尾 (GB/T 15834 practice) forbids: a closing mark never
//! starts a line and an opening mark never ends one; a run of Latin letters
//! and digits ("2027", "PostgreSQL", "85.00") stays whole unless it alone is
//! wider than the line.

/// Marks that must not start a line (they hang at the end of the previous one).
const NO_START: &str = "，。、；：？！）》」』】〕〉”’…%‰,.;:?!)]}·";
/// Marks that must not end a line (they move to the next one).
const NO_END: &str = "（《「『【〔〈“‘([{";

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Cuts a paragraph into tokens: a Latin run, one space, or one other character.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let latin = c.is_ascii_graphic() || !is_cjk(c) && !c.is_whitespace() && !NO_START.contains(c) && !NO_END.contains(c);
        match (latin, start) {
            (true, None) => start = Some(i),
            (true, Some(_)) => {}
            (false, s) => {
                if let Some(s) = s {
                    out.push(&text[s..i]);
                    start = None;
                }
                out.push(&text[i..i + c.len_utf8()]);
            }
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Breaks `text` into lines no wider than `full` (as `width` measures), the
/// first line of each paragraph `indent` narrower, keeping explicit line
/// breaks. Never returns an empty list.
pub fn break_lines(text: &str, full: f32, indent: f32, width: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = 0.0;
        let mut max = full - indent;
        for tok in tokens(para) {
            let tw = width(tok);
            let hangs = tok.chars().all(|c| NO_START.contains(c));
            if w + tw <= max || line.is_empty() && tw <= max || hangs && !line.is_empty() {
                if !(line.is_empty() && tok.trim().is_empty()) {
                    line.push_str(tok);
                    w += tw;
                }
                continue;
            }
            if tw > max {
                // A run wider than the line: break it between characters.
                for c in tok.chars() {
                    let mut buf = [0u8; 4];
                    let cw = width(c.encode_utf8(&mut buf));
                    if w + cw > max && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        w = 0.0;
                        max = full;
                    }
                    line.push(c);
                    w += cw;
                }
                continue;
            }
            // Break before `tok`; an opening mark at the end of the line goes with it.
            let mut carry = String::new();
            while let Some(last) = line.chars().last().filter(|c| NO_END.contains(*c)) {
                line.pop();
                carry.insert(0, last);
                if line.is_empty() {
                    break;
                }
            }
            if line.is_empty() {
                line = carry;
                line.push_str(tok);
                w = width(&line);
                continue;
            }
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
            max = full;
            line = carry;
            if !tok.trim().is_empty() {
                line.push_str(tok);
            }
            w = width(&line);
        }
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// Column widths for a table `available` wide: each column's natural width
/// (its widest cell on one line) when they all fit, stretched to fill the width;
/// otherwise every column keeps at least its `least` (its widest unbreakable
/// token) and the rest is shared in proportion to what each would still need,
/// a long column's need counted up to 45 % of the width (so one long text does
/// not squeeze the others to their least).
pub fn column_widths(natural: &[f32], least: &[f32], available: f32) -> Vec<f32> {
    let total: f32 = natural.iter().sum();
    if natural.is_empty() {
        return Vec::new();
    }
    if total <= available {
        let scale = if total > 0.0 { available / total } else { 1.0 };
        return natural.iter().map(|w| w * scale).collect();
    }
    let floor: Vec<f32> = least.iter().zip(natural).map(|(l, n)| l.min(*n)).collect();
    let floor_sum: f32 = floor.iter().sum();
    if floor_sum >= available {
        return floor.iter().map(|w| w * available / floor_sum.max(f32::EPSILON)).collect();
    }
    let cap = available * 0.45;
    let want: Vec<f32> = natural.iter().zip(&floor).map(|(n, f)| (n.min(cap) - f).max(0.0)).collect();
    let want_sum: f32 = want.iter().sum::<f32>().max(f32::EPSILON);
    let spare = available - floor_sum;
    floor.iter().zip(&want).map(|(f, w)| f + spare * w / want_sum).collect()
}

/// The widest token of `text` (what a column must at least hold), by `width`.
pub fn widest_token(text: &str, width: &dyn Fn(&str) -> f32) -> f32 {
    tokens(text).into_iter().map(width).fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one unit wide.
    fn unit(s: &str) -> f32 {
        s.chars().count() as f32
    }

    #[test]
    fn lines_break_between_hanzi_and_obey_the_forbidden_marks() {
        // (text, width, lines)
        let cases: &[(&str, f32, &[&str])] = &[
            ("概念验证中心", 4.0, &["概念验证", "中心"]),
            // A closing mark hangs on the line it follows rather than starting the next.
            ("概念验证，中心", 4.0, &["概念验证，", "中心"]),
            // An opening mark moves to the next line with what it opens.
            ("建成市《方案》", 4.0, &["建成市", "《方案》"]),
            // A number stays whole.
            ("到2027年", 4.0, &["到", "2027", "年"]),
            ("共85.00分", 6.0, &["共85.00", "分"]),
            // A run longer than the line is cut between characters.
            ("ABCDEFGH", 3.0, &["ABC", "DEF", "GH"]),
            // Explicit breaks are kept; an empty text is one empty line.
            ("甲\n乙", 10.0, &["甲", "乙"]),
            ("", 10.0, &[""]),
            // Spaces at a break are dropped.
            ("ab cd ef", 5.0, &["ab cd", "ef"]),
        ];
        for (text, max, want) in cases {
            let got = break_lines(text, *max, 0.0, &unit);
            assert_eq!(got, want.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{text} in {max}");
        }
    }

    #[test]
    fn no_line_is_wider_than_asked_except_for_a_hanging_mark() {
        let text = "浙江省现代化中试平台建设实施方案（2025-2027年）提出，到2027年认定省级中试平台20个以上。";
        for max in [3.0, 5.0, 8.0, 13.0] {
            for line in break_lines(text, max, 0.0, &unit) {
                let hang = line.chars().last().is_some_and(|c| NO_START.contains(c)) as u8 as f32;
                assert!(unit(&line) <= max + hang, "{line} > {max}");
            }
        }
    }

    #[test]
    fn the_first_line_of_a_paragraph_is_indented() {
        assert_eq!(break_lines("一二三四五六七\n八九十", 4.0, 2.0, &unit), vec!["一二", "三四五六", "七", "八九", "十"]);
    }

    #[test]
    fn columns_fit_the_width() {
        // Fits: stretched in proportion.
        assert_eq!(column_widths(&[10.0, 30.0], &[2.0, 2.0], 80.0), vec![20.0, 60.0]);
        // Too wide: each keeps its least, the rest is shared by need.
        let w = column_widths(&[50.0, 10.0, 100.0], &[10.0, 10.0, 20.0], 100.0);
        assert!((w.iter().sum::<f32>() - 100.0).abs() < 1e-3, "{w:?}");
        assert!(w[1] >= 10.0 - 1e-3 && w[0] >= 10.0 && w[2] >= w[0], "{w:?}");
        // A long column does not squeeze a short one to its least.
        let w = column_widths(&[40.0, 400.0], &[10.0, 10.0], 200.0);
        assert!(w[0] >= 39.0, "{w:?}");
        // Even the least does not fit: scaled down.
        let w = column_widths(&[70.0, 50.0], &[60.0, 40.0], 50.0);
        assert_eq!(w, vec![30.0, 20.0]);
        assert!(column_widths(&[], &[], 10.0).is_empty());
    }
}
