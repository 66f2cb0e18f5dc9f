//! The search index (检索索引): one tantivy index of every searchable record's
//! public face — results, demands, centers, platforms, experts, equipment,
//! reports — each with the keys of who may see it, so a query returns only what
//! its caller may read. Titles and bodies are cut finely when indexed; a query
//! is cut coarsely, each word (and, at a lower weight, the dictionary words
//! inside it) sought in titles (weighted double) and bodies, with filters by
//! kind, field, region, stage and TRL. Trade secrets are never handed to it.
//!
//! Speed for broad words (issue 15): the words are ranked by block-max WAND with
//! the filters checked on each candidate, so blocks of postings that cannot enter
//! the page are skipped; the total is counted one by one only up to
//! [`COUNT_BOUND`] (beyond, it is a lower bound, exact on request); and the first
//! page of a query is kept per index generation ([`SearchIndex::search_cached`]).

use crate::cache::{Key, PageCache};
use crate::filter_cache::{Allowed, FilterCache, FilterKey};
use crate::snippet;
use crate::tokenizer::{Cut, Segmenter};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::SeqCst};
use std::sync::Mutex;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, EnableScoring, Occur, Query as TantivyQuery, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, Value, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{BitSet, DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher, TantivyDocument, Term, TERMINATED};

/// The tokenizer name the text fields are indexed with.
const FINE: &str = "zh_fine";

/// Hits counted one by one before the total becomes a lower bound (“1,000+”).
pub const COUNT_BOUND: usize = 1000;

/// First pages kept (each some 10 KB at 20 hits).
const CACHED_PAGES: usize = 1024;

/// Filters kept (each a bit per record: 16 KB at 125,000 records).
const CACHED_FILTERS: usize = 256;

/// Why the index failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy refused.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory.
    #[error("search index directory: {0}")]
    Directory(String),
}

/// A record as the index holds it: its public face only.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// What it is (`result`, `demand`, `center`, `platform`, `expert`, `equipment`, `report`).
    pub kind: &'static str,
    /// Its id among its kind.
    pub id: i64,
    /// Title or name.
    pub title: String,
    /// Public text (summary, capabilities, keywords …).
    pub body: String,
    /// Field and sub-field codes.
    pub fields: Vec<String>,
    /// Region (county-level), if any.
    pub region: String,
    /// Stage or state code, if any.
    pub stage: String,
    /// Technology readiness level, 0 when none.
    pub trl: u64,
    /// Who may see it: `public`, `center:<id>`, `org:<id>`, `bureau` …
    pub visible_to: Vec<String>,
}

impl Doc {
    /// The key that names it in the index (`result:12`).
    pub fn key(&self) -> String {
        key(self.kind, self.id)
    }
}

fn key(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    /// The words typed (may be empty: filters alone).
    pub text: &'a str,
    /// Kinds wanted (empty: all).
    pub kinds: &'a [&'a str],
    /// A field or sub-field code.
    pub field: Option<&'a str>,
    /// A region.
    pub region: Option<&'a str>,
    /// A stage or state code.
    pub stage: Option<&'a str>,
    /// TRL from–to (included).
    pub trl: Option<(u64, u64)>,
    /// The caller's visibility keys; a record is found only if it carries one of them.
    pub visible: &'a [String],
    /// Page size.
    pub limit: usize,
    /// Hits skipped.
    pub offset: usize,
    /// Count every hit, however many (else the count stops past [`COUNT_BOUND`]).
    pub exact_total: bool,
}

/// A record found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Kind.
    pub kind: String,
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The best passage, HTML-escaped, the words found in `<b>`.
    pub snippet: String,
    /// BM25 score.
    pub score: f32,
}

/// A page of hits.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    /// How many records match in all when `total_exact`; otherwise a lower bound
    /// ([`COUNT_BOUND`], or more when the page reaches further).
    pub total: usize,
    /// Whether `total` is exact.
    pub total_exact: bool,
    /// This page, best first.
    pub items: Vec<Hit>,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    id: Field,
    title: Field,
    body: Field,
    field: Field,
    region: Field,
    stage: Field,
    trl: Field,
    visible: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(FINE).set_index_option(IndexRecordOption::WithFreqsAndPositions))
        .set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        field: b.add_text_field("field", STRING),
        region: b.add_text_field("region", STRING),
        stage: b.add_text_field("stage", STRING),
        trl: b.add_u64_field("trl", INDEXED | FAST),
        visible: b.add_text_field("visible", STRING),
    };
    (b.build(), fields)
}

/// The index with its writer and reader.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    segmenter: Segmenter,
    /// Each word of a synonym group with the group's other words.
    synonyms: std::collections::HashMap<String, Vec<String>>,
    /// The committed cursor, kept in memory (reading it from the index's meta file cost a file
    /// read and a JSON parse per query). Set once the commit is visible to searches.
    cursor: AtomicI64,
    /// Raised each time a commit becomes visible to searches.
    generation: AtomicU64,
    /// First pages of this generation.
    cache: PageCache,
    /// The records each filter lets through, per searcher generation.
    filter_cache: FilterCache,
}

impl SearchIndex {
    fn with_index(index: Index, fields: Fields, segmenter: Segmenter, threads: usize, heap: usize) -> Result<Self, SearchError> {
        index.tokenizers().register(FINE, TextAnalyzer::from(segmenter.tokenizer(Cut::Fine)));
        let writer = index.writer_with_num_threads(threads, heap)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let mut synonyms: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for group in crate::tokenizer::synonym_groups() {
            for w in &group {
                synonyms.entry(w.clone()).or_default().extend(group.iter().filter(|o| *o != w).cloned());
            }
        }
        let cursor = index.load_metas()?.payload.and_then(|p| p.parse().ok()).unwrap_or(0);
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            segmenter,
            synonyms,
            cursor: AtomicI64::new(cursor),
            generation: AtomicU64::new(0),
            cache: PageCache::new(CACHED_PAGES),
            filter_cache: FilterCache::new(CACHED_FILTERS),
        })
    }

    /// An index held in memory (tests): one indexing thread, the smallest arena.
    pub fn in_memory(segmenter: Segmenter) -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields, segmenter, 1, 15_000_000)
    }

    /// The index in `dir`, created if absent.
    pub fn open(dir: &Path, segmenter: Segmenter) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
        let index = Index::open_or_create(directory, schema)?;
        Self::with_index(index, fields, segmenter, 2, 100_000_000)
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds or replaces `docs` and deletes the records named in `gone` (kind, id), then commits
    /// — with `cursor`, the last outbox change the commit covers, when given — and makes the
    /// change visible to searches.
    pub fn apply(&self, docs: &[Doc], gone: &[(&str, i64)], cursor: Option<i64>) -> Result<(), SearchError> {
        let f = self.fields;
        let mut w = self.writer();
        for (kind, id) in gone {
            w.delete_term(Term::from_field_text(f.key, &key(kind, *id)));
        }
        for d in docs {
            w.delete_term(Term::from_field_text(f.key, &d.key()));
            w.add_document(self.document(d))?;
        }
        let mut prepared = w.prepare_commit()?;
        if let Some(c) = cursor {
            prepared.set_payload(&c.to_string());
        }
        prepared.commit()?;
        self.made_visible(cursor)?;
        drop(w);
        Ok(())
    }

    /// Adds `docs` without committing them: a rebuild's batches after [`Self::clear`] (no
    /// record is there to replace, so none is deleted first). The next [`Self::apply`]
    /// commits them; until then searches do not see them.
    pub fn add(&self, docs: &[Doc]) -> Result<(), SearchError> {
        let w = self.writer();
        for d in docs {
            w.add_document(self.document(d))?;
        }
        Ok(())
    }

    fn document(&self, d: &Doc) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, d.key());
        doc.add_text(f.kind, d.kind);
        doc.add_i64(f.id, d.id);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.body, &d.body);
        for code in &d.fields {
            doc.add_text(f.field, code);
        }
        doc.add_text(f.region, &d.region);
        doc.add_text(f.stage, &d.stage);
        doc.add_u64(f.trl, d.trl);
        for v in &d.visible_to {
            doc.add_text(f.visible, v);
        }
        doc
    }

    /// After a commit (the writer still held): searches see it, cached pages go, and only
    /// then does the cursor move — a query that finds the cursor past a change finds the
    /// change too.
    fn made_visible(&self, cursor: Option<i64>) -> Result<(), SearchError> {
        self.reader.reload()?;
        let generation = self.generation.fetch_add(1, SeqCst) + 1;
        self.cache.clear(generation);
        if let Some(c) = cursor {
            self.cursor.store(c, SeqCst);
        }
        Ok(())
    }

    /// The last outbox change the committed index covers (0 for a new index).
    pub fn cursor(&self) -> Result<i64, SearchError> {
        Ok(self.cursor.load(SeqCst))
    }

    /// Deletes every record (before a rebuild); the cursor goes back to 0.
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut w = self.writer();
        w.delete_all_documents()?;
        let mut prepared = w.prepare_commit()?;
        prepared.set_payload("0");
        prepared.commit()?;
        self.made_visible(Some(0))?;
        drop(w);
        Ok(())
    }

    /// How many records the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn term(&self, field: Field, value: &str) -> Box<dyn TantivyQuery> {
        Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
    }

    /// The words a query seeks with their weights: each coarse word (1), its synonyms
    /// (0.6) and the dictionary words inside it (0.5), each once at its best weight.
    fn query_words(&self, text: &str) -> Vec<(String, f32)> {
        let coarse = self.segmenter.terms(text, Cut::Coarse);
        let mut weighted: Vec<(String, f32)> = Vec::new();
        for word in &coarse {
            for w in self.segmenter.terms(word, Cut::Fine) {
                let weight = if coarse.contains(&w) { 1.0 } else { 0.5 };
                weighted.push((w, weight));
            }
            for s in self.synonyms.get(word).into_iter().flatten() {
                weighted.push((s.clone(), 0.6));
            }
        }
        weighted.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        weighted.dedup_by(|a, b| a.0 == b.0);
        weighted
    }

    /// The text part of a query: each sought word ([`Self::query_words`]) in titles
    /// (×2) and bodies at its weight; `None` when nothing was typed.
    fn text_query(&self, words: &[(String, f32)]) -> Option<Box<dyn TantivyQuery>> {
        let f = self.fields;
        if words.is_empty() {
            return None;
        }
        let mut shoulds: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for (w, weight) in words {
            let in_title = TermQuery::new(Term::from_field_text(f.title, w), IndexRecordOption::WithFreqs);
            let in_body = TermQuery::new(Term::from_field_text(f.body, w), IndexRecordOption::WithFreqs);
            shoulds.push((Occur::Should, Box::new(BoostQuery::new(Box::new(in_title), 2.0 * weight))));
            shoulds.push((Occur::Should, Box::new(BoostQuery::new(Box::new(in_body), *weight))));
        }
        Some(Box::new(BooleanQuery::new(shoulds)))
    }

    /// The filters of a query, each required: kind, field, region, stage, TRL and — always —
    /// one of the caller's keys.
    fn filters(&self, q: &Query<'_>) -> BooleanQuery {
        let f = self.fields;
        let mut musts: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        if !q.kinds.is_empty() {
            musts.push((Occur::Must, Box::new(BooleanQuery::new(q.kinds.iter().map(|k| (Occur::Should, self.term(f.kind, k))).collect()))));
        }
        for (field, value) in [(f.field, q.field), (f.region, q.region), (f.stage, q.stage)] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                musts.push((Occur::Must, self.term(field, v)));
            }
        }
        if let Some((from, to)) = q.trl {
            let range = RangeQuery::new(Bound::Included(Term::from_field_u64(f.trl, from)), Bound::Included(Term::from_field_u64(f.trl, to)));
            musts.push((Occur::Must, Box::new(range)));
        }
        // Nothing is found that the caller may not see.
        musts.push((Occur::Must, Box::new(BooleanQuery::new(q.visible.iter().map(|v| (Occur::Should, self.term(f.visible, v))).collect()))));
        BooleanQuery::new(musts)
    }

    /// Searches.
    pub fn search(&self, q: &Query<'_>) -> Result<Hits, SearchError> {
        self.run(q, self.query_words(q.text))
    }

    /// Searches as [`Self::search`] does, answering a first page (`offset` 0) from the pages
    /// kept for this generation of the index when the same query — same words, filters, page
    /// size and caller's keys — was answered since the last commit.
    pub fn search_cached(&self, q: &Query<'_>) -> Result<Hits, SearchError> {
        let words = self.query_words(q.text);
        if q.offset != 0 {
            return self.run(q, words);
        }
        let key = self.key(q, &words);
        // Read before the searcher: a page is never kept under a generation newer than the
        // one it was read from.
        let generation = self.generation.load(SeqCst);
        if let Some(hits) = self.cache.get(generation, &key) {
            return Ok(hits);
        }
        let hits = self.run(q, words)?;
        self.cache.put(generation, key, &hits);
        Ok(hits)
    }

    /// What names a first page in the cache: the words as sought (so spacing and case do
    /// not matter), the filters as applied, the page size and the caller's keys as a set.
    fn key(&self, q: &Query<'_>, words: &[(String, f32)]) -> Key {
        let FilterKey { kinds, filters, trl, visible } = filter_key(q);
        Key {
            words: words.iter().map(|(w, weight)| (w.clone(), weight.to_bits())).collect(),
            kinds,
            filters,
            trl,
            visible,
            limit: q.limit.clamp(1, 200),
            exact_total: q.exact_total,
        }
    }

    fn run(&self, q: &Query<'_>, words: Vec<(String, f32)>) -> Result<Hits, SearchError> {
        let f = self.fields;
        let filters = self.filters(q);
        let text = self.text_query(&words);
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 200);
        let allowed = self.filter_cache.get_or_read(searcher.generation().generation_id(), &filter_key(q), || read_allowed(&searcher, &filters))?;
        let bound = if q.exact_total { usize::MAX } else { COUNT_BOUND };
        let (top, (mut total, mut total_exact)) = match &text {
            Some(t) => {
                let top = top_filtered(&searcher, t.as_ref(), &allowed, q.offset + limit)?.into_iter().skip(q.offset).collect();
                (top, bounded_count(&searcher, t.as_ref(), &allowed, bound)?)
            }
            None => {
                // Filters alone: every record they let through, equal in score, in index order.
                let whole = BooleanQuery::new(vec![(Occur::Must, Box::new(filters.clone())), (Occur::Must, Box::new(AllQuery))]);
                let top = searcher.search(&whole, &TopDocs::with_limit(limit).and_offset(q.offset).order_by_score())?;
                (top, bounded_count(&searcher, &AllQuery, &allowed, bound)?)
            }
        };
        let top: Vec<(Score, DocAddress)> = top;
        if !total_exact {
            // A page that is not full ends the list; a full one shows how far it reaches at least.
            let reached = q.offset + top.len();
            if !top.is_empty() && top.len() < limit {
                (total, total_exact) = (reached, true);
            } else {
                total = total.max(reached);
            }
        }
        let sought: Vec<String> = words.into_iter().map(|(w, _)| w).collect();
        let mut items = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |field: Field| doc.get_first(field).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let id = doc.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or_default();
            let (title, body) = (text_of(f.title), text_of(f.body));
            let body_lower = body.to_lowercase();
            let in_body = sought.iter().any(|w| body_lower.contains(w.as_str()));
            let snippet = snippet::highlight(if in_body || !sought.iter().any(|w| title.to_lowercase().contains(w.as_str())) { &body } else { &title }, &sought, 120);
            items.push(Hit { kind: text_of(f.kind), id, title, snippet, score });
        }
        Ok(Hits { total, total_exact, items })
    }

    /// The segmenter the index cuts with (a demand's words for matching).
    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// The index itself (for a rebuild's writer settings or inspection).
    pub fn inner(&self) -> &Index {
        &self.index
    }
}

/// A hit's place in the ranking: the higher score first, then the earlier address — a
/// total order, so the pages of one query neither overlap nor leave a gap.
#[derive(Clone, Copy, PartialEq)]
struct Ranked {
    score: Score,
    address: DocAddress,
}

impl Eq for Ranked {}

impl Ord for Ranked {
    /// Greater is better.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.address.cmp(&self.address))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The `k` best hits of `text` among the records `filter` lets through, best first. The
/// words are ranked by block-max WAND (a block of postings whose best possible score cannot
/// beat the k-th hit so far is skipped) and each candidate is checked against the filter as
/// it comes, in increasing document order — so a broad word costs what its best blocks
/// cost, not what all its postings do. A hit whose score ties the k-th comes later in the
/// order and is rightly left out.
fn top_filtered(searcher: &Searcher, text: &dyn TantivyQuery, allowed: &Allowed, k: usize) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let text = text.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut best: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
    let mut threshold = Score::MIN;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        if allowed.segments.get(ord).is_none_or(|s| s.len() == 0) {
            continue;
        }
        let segment_ord = u32::try_from(ord).unwrap_or(u32::MAX);
        let alive = reader.alive_bitset();
        let from = threshold;
        text.for_each_pruning(from, reader, &mut |doc, score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) || !allowed.contains(ord, doc) {
                return threshold;
            }
            best.push(Reverse(Ranked { score, address: DocAddress::new(segment_ord, doc) }));
            if best.len() > k {
                best.pop();
            }
            if best.len() == k {
                if let Some(Reverse(worst)) = best.peek() {
                    threshold = worst.score;
                }
            }
            threshold
        })?;
    }
    let mut ranked: Vec<Ranked> = best.into_iter().map(|Reverse(r)| r).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    Ok(ranked.into_iter().map(|r| (r.score, r.address)).collect())
}

/// The records `filter` lets through, one bitset per segment (deleted ones included: the
/// searches check them apart).
fn read_allowed(searcher: &Searcher, filter: &dyn TantivyQuery) -> tantivy::Result<Allowed> {
    let weight = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut segments = Vec::with_capacity(searcher.segment_readers().len());
    for reader in searcher.segment_readers() {
        let mut set = BitSet::with_max_value(reader.max_doc());
        let mut docs = weight.scorer(reader, 1.0)?;
        let mut doc = docs.doc();
        while doc != TERMINATED {
            set.insert(doc);
            doc = docs.advance();
        }
        segments.push(set);
    }
    Ok(Allowed { segments })
}

/// What names a query's filters in the filter cache: kinds and keys as sets.
fn filter_key(q: &Query<'_>) -> FilterKey {
    let given = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
    let mut kinds: Vec<String> = q.kinds.iter().map(|k| (*k).to_owned()).collect();
    kinds.sort();
    kinds.dedup();
    let mut visible = q.visible.to_vec();
    visible.sort();
    visible.dedup();
    FilterKey { kinds, filters: [given(q.field), given(q.region), given(q.stage)], trl: q.trl, visible }
}

/// How many records match `text` among those `allowed`, counted one by one without scores
/// up to `bound`: `(n, true)` when n ≤ `bound`, else `(bound, false)` — a lower bound.
fn bounded_count(searcher: &Searcher, text: &dyn TantivyQuery, allowed: &Allowed, bound: usize) -> tantivy::Result<(usize, bool)> {
    let weight = text.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut n = 0;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        if allowed.segments.get(ord).is_none_or(|s| s.len() == 0) {
            continue;
        }
        let mut docs = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = docs.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) && allowed.contains(ord, doc) {
                n += 1;
                if n > bound {
                    return Ok((bound, false));
                }
            }
            doc = docs.advance();
        }
    }
    Ok((n, true))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn result(id: i64, title: &str, body: &str, field: &str, trl: u64, visible: &[&str]) -> Doc {
        Doc {
            kind: "result",
            id,
            title: title.into(),
            body: body.into(),
            fields: vec![field.into()],
            region: "瑞安市".into(),
            stage: "admitted".into(),
            trl,
            visible_to: visible.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn index() -> SearchIndex {
        let i = SearchIndex::in_memory(Segmenter::shipped()).unwrap();
        i.apply(
            &[
                result(1, "高镍三元前驱体连续共沉淀工艺", "面向动力电池正极材料的前驱体制备", "new_energy", 4, &["public"]),
                result(2, "硅碳复合负极材料预锂化工艺", "提升首次效率的负极预锂化", "new_energy", 5, &["public"]),
                result(3, "多联检化学发光微流控检测芯片", "体外诊断芯片，前驱体无关", "life_health", 6, &["center:7"]),
                result(4, "焊接机器人离线编程系统", "工业机器人焊接路径规划", "smart_equipment", 7, &["public"]),
            ],
            &[],
            Some(7),
        )
        .unwrap();
        i
    }

    fn ids(h: &Hits) -> Vec<i64> {
        h.items.iter().map(|x| x.id).collect()
    }

    fn public() -> Vec<String> {
        vec!["public".to_owned()]
    }

    #[test]
    fn a_word_inside_a_longer_word_finds_it_and_is_highlighted() {
        let i = index();
        let v = public();
        let h = i.search(&Query { text: "前驱体", visible: &v, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&h), vec![1], "the center-only record stays hidden");
        assert!(h.items[0].snippet.contains("<b>前驱体</b>"), "{}", h.items[0].snippet);
        let h = i.search(&Query { text: "高镍三元", visible: &v, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&h), vec![1]);
        let h = i.search(&Query { text: "机器人", visible: &v, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&h), vec![4]);
    }

    #[test]
    fn filters_and_visibility_narrow_and_the_title_weighs_more() {
        let i = index();
        let both = vec!["public".to_owned(), "center:7".to_owned()];
        let h = i.search(&Query { text: "前驱体", visible: &both, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&h), vec![1, 3], "in the title before in the body");
        let h = i.search(&Query { text: "", field: Some("new_energy"), visible: &both, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(h.total, 2);
        let h = i.search(&Query { text: "", trl: Some((6, 9)), visible: &both, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(h.total, 2);
        let h = i.search(&Query { text: "工艺", kinds: &["demand"], visible: &both, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(h.total, 0);
        let h = i.search(&Query { text: "前驱体", visible: &[], limit: 10, ..Default::default() }).unwrap();
        assert_eq!(h.total, 0, "a caller with no key sees nothing");
    }

    #[test]
    fn a_synonym_finds_what_the_word_itself_does_not() {
        let i = index();
        let v = public();
        // 动力电池 is in result 1's body; the query says 锂电.
        let h = i.search(&Query { text: "锂电", visible: &v, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&h), vec![1]);
        assert!(h.items[0].snippet.contains("<b>动力电池</b>"), "{}", h.items[0].snippet);
        // 机械臂 finds the 工业机器人 result.
        let h = i.search(&Query { text: "机械臂", visible: &v, limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&h), vec![4]);
    }

    #[test]
    fn a_record_is_replaced_not_doubled_and_can_be_removed() {
        let i = index();
        let v = public();
        assert_eq!(i.cursor().unwrap(), 7, "the commit carries the outbox cursor");
        i.apply(&[result(1, "高镍三元前驱体喷雾干燥工艺", "改进", "new_energy", 5, &["public"])], &[], Some(9)).unwrap();
        assert_eq!(i.cursor().unwrap(), 9);
        let h = i.search(&Query { text: "前驱体", visible: &v, limit: 10, ..Default::default() }).unwrap();
        assert_eq!((h.total, h.items[0].title.as_str()), (1, "高镍三元前驱体喷雾干燥工艺"));
        i.apply(&[], &[("result", 1)], None).unwrap();
        assert_eq!(i.search(&Query { text: "前驱体", visible: &v, limit: 10, ..Default::default() }).unwrap().total, 0);
        assert_eq!(i.len(), 3);
    }

    #[test]
    fn a_rebuilds_batches_are_seen_once_committed() {
        let i = index();
        let v = public();
        i.clear().unwrap();
        i.add(&[result(1, "高镍三元前驱体连续共沉淀工艺", "前驱体", "new_energy", 4, &["public"])]).unwrap();
        i.add(&[result(2, "三元前驱体废料回收", "前驱体", "new_energy", 4, &["public"])]).unwrap();
        assert_eq!(i.search(&Query { text: "前驱体", visible: &v, limit: 10, ..Default::default() }).unwrap().total, 0, "not yet committed");
        i.apply(&[], &[], Some(12)).unwrap();
        assert_eq!(i.search(&Query { text: "前驱体", visible: &v, limit: 10, ..Default::default() }).unwrap().total, 2);
        assert_eq!((i.len(), i.cursor().unwrap()), (2, 12));
    }

    /// 1,500 results about 储能 with varied words (so varied scores), a quarter of them seen
    /// only by `center:7`.
    fn broad() -> SearchIndex {
        let i = SearchIndex::in_memory(Segmenter::shipped()).unwrap();
        let docs: Vec<Doc> = (1..=1500)
            .map(|n| {
                let title = if n % 7 == 0 { format!("储能电池系统{n}") } else { format!("电池管理平台{n}") };
                let body = format!("{}面向电网的方案{n}", "储能".repeat(1 + (n % 5) as usize));
                result(n, &title, &body, "new_energy", 1 + (n % 9) as u64, if n % 4 == 0 { &["center:7"] } else { &["public"] })
            })
            .collect();
        i.apply(&docs, &[], Some(1)).unwrap();
        i
    }

    #[test]
    fn the_count_stops_past_the_bound_unless_asked_and_pages_neither_overlap_nor_skip() {
        let i = broad();
        let both = vec!["public".to_owned(), "center:7".to_owned()];
        let q = Query { text: "储能", visible: &both, limit: 20, ..Default::default() };
        let h = i.search(&q).unwrap();
        assert_eq!((h.total, h.total_exact), (COUNT_BOUND, false), "1,000+");
        let exact = i.search(&Query { exact_total: true, ..q.clone() }).unwrap();
        assert_eq!((exact.total, exact.total_exact), (1500, true));
        assert_eq!(ids(&h), ids(&exact), "the same first page either way");
        let public = public();
        let h = i.search(&Query { visible: &public, ..q.clone() }).unwrap();
        assert_eq!((h.total, h.total_exact), (COUNT_BOUND, false));
        let h = i.search(&Query { visible: &public, trl: Some((9, 9)), ..q.clone() }).unwrap();
        let nines = (1..=1500).filter(|n| n % 4 != 0 && n % 9 == 8).count();
        assert_eq!((h.total, h.total_exact), (nines, true), "under the bound, exact");
        // The last page, past the bound, is exact; a full page past it says how far it reaches.
        let last = i.search(&Query { offset: 1490, ..q.clone() }).unwrap();
        assert_eq!((last.items.len(), last.total, last.total_exact), (10, 1500, true));
        let deep = i.search(&Query { offset: 1200, ..q.clone() }).unwrap();
        assert_eq!((deep.total, deep.total_exact), (1220, false));
        // Paged by 7 or read at once: the same order, every record once.
        let all = i.search(&Query { limit: 200, ..q.clone() }).unwrap();
        let paged: Vec<i64> = (0..29).flat_map(|page| ids(&i.search(&Query { limit: 7, offset: page * 7, ..q.clone() }).unwrap())).collect();
        assert_eq!(paged[..200], ids(&all)[..]);
    }

    #[test]
    fn the_filtered_ranking_is_the_whole_querys_ranking() {
        // Block-max WAND with the filters checked per candidate must rank as scoring every
        // hit of the whole query does (the filters choose, the words alone score).
        let i = broad();
        let keys = vec!["center:7".to_owned()];
        for (text, trl) in [("储能", None), ("储能 电池", Some((3, 7))), ("电网", Some((9, 9)))] {
            let q = Query { text, visible: &keys, trl, limit: 60, ..Default::default() };
            let words = i.query_words(text);
            let filters = tantivy::query::ConstScoreQuery::new(Box::new(i.filters(&q)), 0.0);
            let whole = BooleanQuery::new(vec![(Occur::Must, i.text_query(&words).unwrap()), (Occur::Must, Box::new(filters))]);
            let searcher = i.reader.searcher();
            let every = searcher.search(&whole, &TopDocs::with_limit(60).order_by_score()).unwrap();
            let scores: Vec<f32> = i.search(&q).unwrap().items.iter().map(|h| h.score).collect();
            assert_eq!(scores.len(), every.len(), "{text}");
            // The same sums, added in another order.
            assert!(scores.iter().zip(&every).all(|(a, (b, _))| (a - b).abs() < 1e-4), "{text}: {scores:?} {every:?}");
        }
    }

    #[test]
    fn a_cached_first_page_goes_with_the_next_commit_and_is_never_shared_across_keys() {
        let i = index();
        let public = public();
        let both = vec!["public".to_owned(), "center:7".to_owned()];
        let q = Query { text: "前驱体", visible: &public, limit: 10, ..Default::default() };
        assert_eq!(ids(&i.search_cached(&q).unwrap()), vec![1]);
        assert_eq!(ids(&i.search_cached(&Query { text: " 前驱体 ", ..q.clone() }).unwrap()), vec![1], "the same words, the same page");
        assert_eq!(i.cache.len(), 1);
        // Other keys: their own entry, with what they may see.
        assert_eq!(ids(&i.search_cached(&Query { visible: &both, ..q.clone() }).unwrap()), vec![1, 3]);
        assert_eq!(ids(&i.search_cached(&q).unwrap()), vec![1], "the center-only record stays hidden");
        assert_eq!(i.cache.len(), 2);
        // A change committed after the page was cached is found by the next query.
        i.apply(&[result(5, "三元前驱体废料回收", "前驱体", "new_energy", 5, &["public"])], &[], Some(8)).unwrap();
        assert_eq!(i.cache.len(), 0);
        let mut now = ids(&i.search_cached(&q).unwrap());
        now.sort_unstable();
        assert_eq!(now, vec![1, 5]);
        i.apply(&[], &[("result", 5)], Some(9)).unwrap();
        assert_eq!(ids(&i.search_cached(&q).unwrap()), vec![1]);
    }
}
