//! Values read from the database and kept while a generation counter
//! ([`pocnet_store::tallies`]) says nothing they depend on changed: checking
//! costs one indexed read, rebuilding happens once per change, and every
//! server node sees the same generation, so none serves a stale value.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Values by key, each valid for the generation it was read at.
pub struct GenerationCache<K, V> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
}

impl<K: Eq + Hash, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash + Clone, V> GenerationCache<K, V> {
    /// The value kept for `key` if it was read at `generation`.
    pub fn get(&self, key: &K, generation: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|(g, _)| *g == generation).map(|(_, v)| v.clone())
    }

    /// Keeps `value`, read at `generation`, for `key`; drops what older generations left.
    pub fn put(&self, key: K, generation: i64, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|_, (g, _)| *g >= generation);
        entries.insert(key, (generation, value.clone()));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_for_its_generation() {
        let cache: GenerationCache<&str, i32> = GenerationCache::default();
        assert!(cache.get(&"all", 1).is_none());
        cache.put("all", 1, 10);
        cache.put("瑞安市", 1, 3);
        assert_eq!(cache.get(&"all", 1).as_deref(), Some(&10));
        assert!(cache.get(&"all", 2).is_none(), "a change makes it stale");
        cache.put("all", 2, 11);
        assert!(cache.get(&"瑞安市", 1).is_none(), "older generations are dropped");
        assert_eq!(cache.get(&"all", 2).as_deref(), Some(&11));
    }
}
