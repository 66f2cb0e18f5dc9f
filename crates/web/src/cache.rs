//! Values read from the database and kept while a generation counter
//! ([`pocnet_store::tallies`]) says nothing they depend on changed: checking
//! costs one indexed read, rebuilding happens once per change, and every
//! server node sees the same generation, so none serves a stale value.
//! After a change, the first request rebuilds while those arriving meanwhile
//! wait for its value instead of rebuilding it too ([`GenerationCache::get_or_build`]).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Values by key, each valid for the generation it was read at.
pub struct GenerationCache<K, V> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
    /// Held while a value is rebuilt, so one request rebuilds and the others wait for it.
    building: tokio::sync::Mutex<()>,
}

impl<K: Eq + Hash, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()), building: tokio::sync::Mutex::new(()) }
    }
}

impl<K: Eq + Hash + Clone, V> GenerationCache<K, V> {
    /// The value kept for `key` if it was read at `generation`.
    pub fn get(&self, key: &K, generation: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key).filter(|(g, _)| *g == generation).map(|(_, v)| v.clone())
    }

    /// The value kept for `key` at `generation`, or the one `build` makes — built once
    /// however many requests ask at the same time.
    pub async fn get_or_build<E, F, Fut>(&self, key: K, generation: i64, build: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if let Some(hit) = self.get(&key, generation) {
            return Ok(hit);
        }
        let _building = self.building.lock().await;
        if let Some(hit) = self.get(&key, generation) {
            return Ok(hit);
        }
        let value = build().await?;
        Ok(self.put(key, generation, value))
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
#[allow(clippy::unwrap_used)]
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

    #[tokio::test]
    async fn requests_arriving_during_a_rebuild_wait_for_it_instead_of_rebuilding() {
        let cache: Arc<GenerationCache<(), usize>> = Arc::default();
        let builds = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (cache, builds) = (cache.clone(), builds.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_build((), 3, || async {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<_, ()>(builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1)
                    })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(*t.await.unwrap().unwrap(), 1, "every request got the one build");
        }
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
