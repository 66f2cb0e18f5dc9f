//! Snippets (摘要高亮): the passage of a stored text around the first word of a
//! query found in it, HTML-escaped, each word found wrapped in `<b>`. Plain
//! substring search over the stored text: no second segmentation per hit (a
//! query's twenty hits cost twenty jieba cuts with tantivy's snippets, a third
//! of a query's time), and Chinese needs no word boundaries to find a word.

/// The passage of `text` (at most `max_chars` characters) around the first of `words`
/// found, the words found in `<b>`; the text's start when none is found.
pub fn highlight(text: &str, words: &[String], max_chars: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = text.to_lowercase().chars().collect();
    // Lower-casing keeps one char per char for the scripts we index; otherwise match as written.
    let hay = if lower.len() == chars.len() { &lower } else { &chars };
    let mut needles: Vec<Vec<char>> = words.iter().filter(|w| !w.is_empty()).map(|w| w.to_lowercase().chars().collect()).collect();
    needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let at = |i: usize| needles.iter().find(|n| hay.get(i..i + n.len()) == Some(n.as_slice())).map(Vec::len);
    let first = (0..hay.len()).find(|i| at(*i).is_some());
    let start = first.map_or(0, |f| f.saturating_sub(max_chars / 5));
    let end = (start + max_chars).min(chars.len());
    let mut out = String::with_capacity((end - start) * 4);
    let mut i = start;
    if start > 0 {
        out.push('…');
    }
    while i < end {
        match at(i) {
            Some(n) if i + n <= end => {
                out.push_str("<b>");
                escape(&chars[i..i + n], &mut out);
                out.push_str("</b>");
                i += n;
            }
            _ => {
                escape(&chars[i..=i], &mut out);
                i += 1;
            }
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape(cs: &[char], out: &mut String) {
    for c in cs {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(*c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn words_found_are_bold_the_longest_first_and_the_rest_escaped() {
        assert_eq!(highlight("高镍三元前驱体<工艺>", &w(&["前驱体"]), 100), "高镍三元<b>前驱体</b>&lt;工艺&gt;");
        assert_eq!(highlight("概念验证中心", &w(&["验证", "概念验证"]), 100), "<b>概念验证</b>中心");
        assert_eq!(highlight("Li-ion 电池", &w(&["li-ion"]), 100), "<b>Li-ion</b> 电池");
        assert_eq!(highlight("没有命中", &w(&["电池"]), 100), "没有命中");
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_word_found() {
        let text = format!("{}储能电站{}", "甲".repeat(200), "乙".repeat(200));
        let s = highlight(&text, &w(&["储能电站"]), 50);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<b>储能电站</b>"), "{s}");
        assert_eq!(s.chars().filter(|c| *c == '甲').count(), 10, "a fifth of the passage before the word");
    }
}
