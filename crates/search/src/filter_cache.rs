//! The filter cache (筛选位图缓存): the records a query's filters let through —
//! kinds, field, region, stage, TRL and, always, the caller's keys — read once
//! into one bitset per segment and kept for the searcher they were read from.
//!
//! Checking a candidate against the filters' query meant seeking a union of the
//! caller's keys, some of which (`bureau`, `verified`, `public`) carry most of
//! the index: a third of a query's time. Callers of one role ask with the same
//! keys, so the set is read once per searcher generation (every commit made
//! visible starts one) and a candidate costs one bit. Bounded: past its capacity
//! the set used longest ago goes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::BitSet;

/// What names a filter: everything that decides which records pass it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FilterKey {
    /// Kinds wanted, sorted (empty: all).
    pub(crate) kinds: Vec<String>,
    /// Field, region and stage filters (`None` when absent or empty).
    pub(crate) filters: [Option<String>; 3],
    /// TRL range.
    pub(crate) trl: Option<(u64, u64)>,
    /// The caller's visibility keys, sorted and once each.
    pub(crate) visible: Vec<String>,
}

/// The records a filter lets through: one bitset per segment, by segment ordinal.
pub(crate) struct Allowed {
    pub(crate) segments: Vec<BitSet>,
}

impl Allowed {
    /// Whether document `doc` of segment `segment` passes.
    pub(crate) fn contains(&self, segment: usize, doc: u32) -> bool {
        self.segments.get(segment).is_some_and(|s| doc < s.max_value() && s.contains(doc))
    }
}

struct Entry {
    allowed: Arc<Allowed>,
    used: u64,
}

struct Inner {
    /// The searcher generation the entries were read from.
    generation: u64,
    tick: u64,
    entries: HashMap<FilterKey, Entry>,
}

/// Filters of the current searcher generation, at most `capacity` of them (each a bit per record).
pub(crate) struct FilterCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

impl FilterCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { capacity, inner: Mutex::new(Inner { generation: 0, tick: 0, entries: HashMap::new() }) }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The set for `key` read from the searcher of `generation`: the kept one, or `read()`'s,
    /// then kept. Sets of an older generation go when a newer one is asked for; a set read
    /// from an older searcher than the cache's is handed back but not kept. Two callers
    /// asking at once may both read it (the lock is not held while reading).
    pub(crate) fn get_or_read<E>(&self, generation: u64, key: &FilterKey, read: impl FnOnce() -> Result<Allowed, E>) -> Result<Arc<Allowed>, E> {
        {
            let mut inner = self.inner();
            if generation > inner.generation {
                inner.generation = generation;
                inner.entries.clear();
            }
            if inner.generation == generation {
                inner.tick += 1;
                let tick = inner.tick;
                if let Some(e) = inner.entries.get_mut(key) {
                    e.used = tick;
                    return Ok(e.allowed.clone());
                }
            }
        }
        let allowed = Arc::new(read()?);
        let mut inner = self.inner();
        if inner.generation == generation && self.capacity > 0 {
            if inner.entries.len() >= self.capacity {
                if let Some(oldest) = inner.entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| k.clone()) {
                    inner.entries.remove(&oldest);
                }
            }
            inner.tick += 1;
            let used = inner.tick;
            inner.entries.insert(key.clone(), Entry { allowed: allowed.clone(), used });
        }
        Ok(allowed)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner().entries.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(visible: &str) -> FilterKey {
        FilterKey { kinds: Vec::new(), filters: [None, None, None], trl: None, visible: vec![visible.to_owned()] }
    }

    fn set(docs: &[u32]) -> Allowed {
        let mut s = BitSet::with_max_value(16);
        for d in docs {
            s.insert(*d);
        }
        Allowed { segments: vec![s] }
    }

    #[test]
    fn a_set_is_read_once_per_generation_and_key() {
        let cache = FilterCache::new(8);
        let mut reads = 0;
        for _ in 0..3 {
            let a = cache.get_or_read::<()>(1, &key("bureau"), || { reads += 1; Ok(set(&[1, 2])) }).unwrap();
            assert!(a.contains(0, 2) && !a.contains(0, 3) && !a.contains(1, 2));
        }
        assert_eq!(reads, 1, "the same key in the same generation is read once");
        let other = cache.get_or_read::<()>(1, &key("public"), || Ok(set(&[3]))).unwrap();
        assert!(other.contains(0, 3) && !other.contains(0, 1), "another caller's keys never share a set");
        // A new searcher generation reads again and drops the old sets.
        let fresh = cache.get_or_read::<()>(2, &key("bureau"), || Ok(set(&[5]))).unwrap();
        assert!(fresh.contains(0, 5) && !fresh.contains(0, 1));
        assert_eq!(cache.len(), 1);
        // A late reader of an older generation gets its own set, not kept.
        let late = cache.get_or_read::<()>(1, &key("bureau"), || Ok(set(&[7]))).unwrap();
        assert!(late.contains(0, 7));
        assert!(cache.get_or_read::<()>(2, &key("bureau"), || Ok(set(&[9]))).unwrap().contains(0, 5));
    }

    #[test]
    fn past_capacity_the_set_used_longest_ago_goes() {
        let cache = FilterCache::new(2);
        cache.get_or_read::<()>(1, &key("a"), || Ok(set(&[1]))).unwrap();
        cache.get_or_read::<()>(1, &key("b"), || Ok(set(&[2]))).unwrap();
        cache.get_or_read::<()>(1, &key("a"), || Ok(set(&[0]))).unwrap();
        cache.get_or_read::<()>(1, &key("c"), || Ok(set(&[3]))).unwrap();
        assert_eq!(cache.len(), 2);
        assert!(cache.get_or_read::<()>(1, &key("a"), || Ok(set(&[0]))).unwrap().contains(0, 1), "a was used last, kept");
        assert!(cache.get_or_read::<()>(1, &key("b"), || Ok(set(&[4]))).unwrap().contains(0, 4), "b went, read again");
    }
}
