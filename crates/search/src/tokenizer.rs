//! Word segmentation (分词) for Chinese search: jieba's dictionary with pocnet's
//! domain words added (`data/search/dictionary.txt`, and at run time each loaded
//! profile's catalogue labels), as a tantivy tokenizer.
//!
//! - [`Cut::Fine`] (index time) emits every word and, before it, every
//!   dictionary word of two characters or more inside it (jieba's search mode
//!   looks at two- and three-character parts only, so it misses 概念验证 in
//!   概念验证中心): 高镍三元前驱体 is indexed as 高镍, 三元, 高镍三元, 前驱, 前驱体 …,
//!   so each of them finds it.
//! - [`Cut::Coarse`] (query time) emits the longest words (jieba's precise
//!   mode): a query for 高镍三元前驱体 asks for 高镍三元 and 前驱体, not for
//!   every fragment.
//!
//! Latin letters are lower-cased; punctuation and spaces are not tokens.

use jieba_rs::Jieba;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use tantivy_tokenizer_api::{Token, TokenStream, Tokenizer};

/// The domain dictionary shipped with pocnet.
pub const DICTIONARY: &str = include_str!("../../../data/search/dictionary.txt");

/// The synonym groups shipped with pocnet (one group a line, words apart by spaces).
pub const SYNONYMS: &str = include_str!("../../../data/search/synonyms.txt");

/// The groups of [`SYNONYMS`], lower-cased.
pub fn synonym_groups() -> Vec<Vec<String>> {
    SYNONYMS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>())
        .filter(|g| g.len() > 1)
        .collect()
}

/// How finely text is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Every word and the dictionary words inside it (indexing).
    Fine,
    /// The longest words only (querying).
    Coarse,
}

/// jieba with the domain dictionary, shared (the dictionary is a few megabytes).
#[derive(Clone)]
pub struct Segmenter(Arc<Jieba>);

/// The segmenter with the shipped dictionary only, built once.
static SHIPPED: LazyLock<Segmenter> = LazyLock::new(|| Segmenter::with_words(std::iter::empty()));

/// A word of the domain dictionary's line: the word, its frequency.
fn entry(line: &str) -> Option<(&str, usize)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut parts = line.split_whitespace();
    let word = parts.next()?;
    let freq = parts.next().and_then(|f| f.parse().ok()).unwrap_or(10_000);
    Some((word, freq))
}

/// Whether a piece of text can be a token: it holds a letter, a digit or a hanzi.
fn is_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

impl Segmenter {
    /// The shipped dictionary (jieba's and pocnet's).
    pub fn shipped() -> Self {
        SHIPPED.clone()
    }

    /// The shipped dictionary plus `words` (e.g. the catalogue labels of the loaded profiles),
    /// each kept whole. Built once per set of words in a process (a dictionary takes tens of
    /// megabytes and a noticeable moment to build).
    pub fn with_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        static BUILT: LazyLock<Mutex<HashMap<Vec<String>, Segmenter>>> = LazyLock::new(Default::default);
        let mut key: Vec<String> = words.into_iter().map(|w| w.trim().to_owned()).filter(|w| w.chars().count() >= 2).collect();
        key.sort();
        key.dedup();
        let mut built = BUILT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = built.get(&key) {
            return s.clone();
        }
        let s = Self::build(&key);
        built.insert(key, s.clone());
        s
    }

    fn build(words: &[String]) -> Self {
        let mut jieba = Jieba::new();
        for (word, freq) in DICTIONARY.lines().filter_map(entry) {
            jieba.add_word(word, Some(freq), None);
        }
        for w in words {
            jieba.add_word(w, Some(10_000), None);
        }
        for group in synonym_groups() {
            for w in group.iter().filter(|w| w.chars().count() >= 2) {
                jieba.add_word(w, Some(10_000), None);
            }
        }
        Self(Arc::new(jieba))
    }

    /// The words of `text` as `(byte start, byte end, text)`, lower-cased, punctuation left out.
    pub fn words(&self, text: &str, cut: Cut) -> Vec<(usize, usize, String)> {
        let tokens = self.0.cut(text, true);
        let mut out: Vec<(usize, usize, String)> = Vec::with_capacity(tokens.len() * 2);
        for t in tokens {
            if !is_word(t.word) {
                continue;
            }
            // The word before the words inside it: token starts never go back
            // (tantivy's snippets assume it; a part first underflowed an offset).
            out.push((t.byte_start, t.byte_end, t.word.to_lowercase()));
            if cut == Cut::Fine {
                self.parts(t.word, t.byte_start, &mut out);
            }
        }
        out
    }

    /// The dictionary words strictly inside `word` (two characters or more), by start then length.
    fn parts(&self, word: &str, at: usize, out: &mut Vec<(usize, usize, String)>) {
        let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain([word.len()]).collect();
        let n = bounds.len() - 1;
        if !(3..=16).contains(&n) {
            return;
        }
        for i in 0..n {
            for j in (i + 2)..=n {
                if j - i == n {
                    continue;
                }
                let part = &word[bounds[i]..bounds[j]];
                if self.0.has_word(part) {
                    out.push((at + bounds[i], at + bounds[j], part.to_lowercase()));
                }
            }
        }
    }

    /// The words of `text` alone.
    pub fn terms(&self, text: &str, cut: Cut) -> Vec<String> {
        self.words(text, cut).into_iter().map(|(_, _, w)| w).collect()
    }

    /// A tantivy tokenizer cutting as `cut` says.
    pub fn tokenizer(&self, cut: Cut) -> ChineseTokenizer {
        ChineseTokenizer { segmenter: self.clone(), cut, token: Token::default() }
    }
}

/// The tantivy tokenizer of a [`Segmenter`].
#[derive(Clone)]
pub struct ChineseTokenizer {
    segmenter: Segmenter,
    cut: Cut,
    token: Token,
}

/// The tokens of one text.
pub struct ChineseTokenStream<'a> {
    words: std::vec::IntoIter<(usize, usize, String)>,
    position: usize,
    token: &'a mut Token,
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = ChineseTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChineseTokenStream<'a> {
        self.token.reset();
        ChineseTokenStream { words: self.segmenter.words(text, self.cut).into_iter(), position: 0, token: &mut self.token }
    }
}

impl TokenStream for ChineseTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to, text)) = self.words.next() else { return false };
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.position;
        self.token.position_length = 1;
        self.token.text = text;
        self.position += 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Token starts never go back (tantivy's snippet builder subtracts them and
    /// panicked on the demo's results when a word's parts came before the word).
    #[test]
    fn the_fine_cut_never_steps_back() {
        let s = Segmenter::shipped();
        let text = "高镍三元正极材料低成本共沉淀制备技术，面向概念验证中心的动力电池梯次利用";
        let starts: Vec<usize> = s.words(text, Cut::Fine).iter().map(|w| w.0).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
        assert!(starts.len() > s.words(text, Cut::Coarse).len(), "parts are there too");
    }

    /// The cuts the issue names (jieba's default cuts 概念验证 into 概念/验证 and 高镍三元
    /// into 高/镍/三元) and the domain's everyday words.
    #[test]
    fn domain_words_stay_whole_and_their_parts_are_indexed() {
        let s = Segmenter::shipped();
        // (text, coarse cut, words the fine cut must also hold)
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("概念验证中心", &["概念验证中心"], &["概念验证", "验证"]),
            ("高镍三元前驱体", &["高镍三元", "前驱体"], &["三元"]),
            ("硅碳负极材料预锂化工艺", &["硅碳负极", "材料", "预锂化", "工艺"], &["负极"]),
            ("中试平台", &["中试平台"], &["中试", "平台"]),
            ("人形机器人", &["人形机器人"], &["机器人"]),
        ];
        for (text, coarse, parts) in cases {
            assert_eq!(s.terms(text, Cut::Coarse), coarse.iter().map(|w| w.to_string()).collect::<Vec<_>>(), "{text}");
            let fine = s.terms(text, Cut::Fine);
            for w in coarse.iter().chain(parts.iter()) {
                assert!(fine.iter().any(|f| f == w), "{text}: fine cut {fine:?} lacks {w}");
            }
        }
    }

    #[test]
    fn latin_is_lower_cased_and_punctuation_is_no_token() {
        let s = Segmenter::shipped();
        assert_eq!(s.terms("低代码工业APP，快速开发！", Cut::Coarse), ["低代码", "工业", "app", "快速", "开发"]);
        assert!(s.terms("，。 ！", Cut::Fine).is_empty());
    }

    #[test]
    fn words_added_at_run_time_stay_whole() {
        let s = Segmenter::with_words(["瓯江口新区"]);
        assert_eq!(s.terms("瓯江口新区", Cut::Coarse), ["瓯江口新区"]);
    }

    #[test]
    fn the_tokenizer_gives_offsets_and_positions() {
        let mut t = Segmenter::shipped().tokenizer(Cut::Coarse);
        let text = "固态电池中试";
        let mut stream = t.token_stream(text);
        let mut got = Vec::new();
        while stream.advance() {
            let tok = stream.token();
            got.push((tok.text.clone(), text[tok.offset_from..tok.offset_to] == tok.text, tok.position));
        }
        assert_eq!(got, [("固态电池".to_owned(), true, 0), ("中试".to_owned(), true, 1)]);
    }
}
