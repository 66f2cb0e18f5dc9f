//! The first-page cache (首页缓存): the first page of a query, kept for the index
//! generation it was read from — every commit the index makes visible starts a new
//! generation and empties the cache — keyed by the query as the index reads it
//! (its sought words, filters and page size) *and* the caller's visibility keys,
//! so two callers share an entry only when they may see exactly the same records.
//! Bounded: past its capacity the entry used longest ago goes.

use crate::index::Hits;
use std::collections::HashMap;
use std::sync::Mutex;

/// What names a cached first page: everything that decides its hits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// The sought words with their weights' bits, sorted (see `SearchIndex::query_words`).
    pub(crate) words: Vec<(String, u32)>,
    /// Kinds wanted, sorted (empty: all).
    pub(crate) kinds: Vec<String>,
    /// Field, region and stage filters (`None` when absent or empty).
    pub(crate) filters: [Option<String>; 3],
    /// TRL range.
    pub(crate) trl: Option<(u64, u64)>,
    /// The caller's visibility keys, sorted and once each.
    pub(crate) visible: Vec<String>,
    /// Page size (as clamped by the search).
    pub(crate) limit: usize,
    /// Whether the total was counted exactly.
    pub(crate) exact_total: bool,
}

struct Entry {
    hits: Hits,
    used: u64,
}

struct Inner {
    /// The generation the entries were read from.
    generation: u64,
    /// A clock for "used longest ago".
    tick: u64,
    entries: HashMap<Key, Entry>,
}

/// First pages of the current generation, at most `capacity` of them.
pub(crate) struct PageCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

impl PageCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { capacity, inner: Mutex::new(Inner { generation: 0, tick: 0, entries: HashMap::new() }) }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The page cached for `key` in `generation`, if any. A newer generation than the
    /// cache's empties it.
    pub(crate) fn get(&self, generation: u64, key: &Key) -> Option<Hits> {
        let mut inner = self.inner();
        if inner.generation != generation {
            if generation > inner.generation {
                inner.generation = generation;
                inner.entries.clear();
            }
            return None;
        }
        inner.tick += 1;
        let tick = inner.tick;
        let entry = inner.entries.get_mut(key)?;
        entry.used = tick;
        Some(entry.hits.clone())
    }

    /// Keeps `hits`, read from `generation`, for `key` — unless a newer generation has begun
    /// meanwhile (the page may be stale). Past capacity the entry used longest ago goes.
    pub(crate) fn put(&self, generation: u64, key: Key, hits: &Hits) {
        if self.capacity == 0 {
            return;
        }
        let mut inner = self.inner();
        if generation < inner.generation {
            return;
        }
        if generation > inner.generation {
            inner.generation = generation;
            inner.entries.clear();
        }
        if inner.entries.len() >= self.capacity && !inner.entries.contains_key(&key) {
            // A scan of at most `capacity` entries, only when a new page is kept.
            if let Some(oldest) = inner.entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| k.clone()) {
                inner.entries.remove(&oldest);
            }
        }
        inner.tick += 1;
        let used = inner.tick;
        inner.entries.insert(key, Entry { hits: hits.clone(), used });
    }

    /// Forgets every page (a new generation has begun).
    pub(crate) fn clear(&self, generation: u64) {
        let mut inner = self.inner();
        if generation > inner.generation {
            inner.generation = generation;
        }
        inner.entries.clear();
    }

    /// How many pages are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner().entries.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(word: &str, visible: &[&str]) -> Key {
        Key {
            words: vec![(word.to_owned(), 1.0f32.to_bits())],
            kinds: Vec::new(),
            filters: [None, None, None],
            trl: None,
            visible: visible.iter().map(|v| (*v).to_owned()).collect(),
            limit: 20,
            exact_total: false,
        }
    }

    fn hits(total: usize) -> Hits {
        Hits { total, total_exact: true, items: Vec::new() }
    }

    #[test]
    fn a_page_is_kept_for_its_generation_only() {
        let c = PageCache::new(4);
        c.put(1, key("储能", &["bureau"]), &hits(3));
        assert_eq!(c.get(1, &key("储能", &["bureau"])).map(|h| h.total), Some(3));
        assert_eq!(c.get(1, &key("储能", &["public"])), None, "other keys, other entry");
        assert_eq!(c.get(2, &key("储能", &["bureau"])), None, "a new generation empties the cache");
        assert_eq!(c.len(), 0);
        c.put(1, key("储能", &["bureau"]), &hits(3));
        assert_eq!(c.len(), 0, "a page read from an older generation is not kept");
    }

    #[test]
    fn past_capacity_the_page_used_longest_ago_goes() {
        let c = PageCache::new(2);
        c.put(1, key("a", &["bureau"]), &hits(1));
        c.put(1, key("b", &["bureau"]), &hits(2));
        assert!(c.get(1, &key("a", &["bureau"])).is_some());
        c.put(1, key("c", &["bureau"]), &hits(3));
        assert_eq!(c.len(), 2);
        assert!(c.get(1, &key("b", &["bureau"])).is_none(), "b was used longest ago");
        assert!(c.get(1, &key("a", &["bureau"])).is_some() && c.get(1, &key("c", &["bureau"])).is_some());
    }
}
