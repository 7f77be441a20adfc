//! A cache of computed series answers, keyed by athlete, data version and window.
//! Every write bumps the athlete's `data_version`, which is read fresh from the store
//! on each request, so a cached answer is never stale; several app servers each keep
//! their own cache and stay correct.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use jiff::civil::Date;

/// How many answers are kept; when full, the cache starts over.
const CAPACITY: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub athlete: String,
    pub data_version: i64,
    pub from: Option<Date>,
    pub to: Date,
}

/// Serialised series answers.
#[derive(Debug, Default)]
pub struct SeriesCache {
    answers: Mutex<HashMap<SeriesKey, Bytes>>,
}

impl SeriesCache {
    pub fn get(&self, key: &SeriesKey) -> Option<Bytes> {
        self.answers.lock().ok()?.get(key).cloned()
    }

    pub fn put(&self, key: SeriesKey, answer: Bytes) {
        if let Ok(mut answers) = self.answers.lock() {
            if answers.len() >= CAPACITY {
                answers.clear();
            }
            answers.insert(key, answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(version: i64) -> SeriesKey {
        SeriesKey {
            athlete: "p01".to_owned(),
            data_version: version,
            from: None,
            to: jiff::civil::date(2020, 3, 31),
        }
    }

    #[test]
    fn a_new_data_version_misses_the_cache() {
        let cache = SeriesCache::default();
        cache.put(key(1), Bytes::from_static(b"old"));

        assert_eq!(cache.get(&key(1)).as_deref(), Some(&b"old"[..]));
        assert_eq!(cache.get(&key(2)), None);
    }
}
