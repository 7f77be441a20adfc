//! A cache of computed series answers, keyed by athlete, data version and window.
//! Every write bumps the athlete's `data_version`, which is read fresh from the store
//! on each request, so a cached answer is never stale; several app servers each keep
//! their own cache and stay correct.
//!
//! The cache is bounded by the bytes it holds, not by a count of answers: when a
//! new answer would take it over [`MAX_BYTES`], the oldest answers go first. One
//! answer covers at most ten years (`forma_core::overview::MAX_SERIES_DAYS`, about
//! 1.5 MB), so a client asking for many windows costs the server at most
//! [`MAX_BYTES`], never a copy per window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use jiff::civil::Date;

/// The most bytes of answers kept.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub athlete: String,
    pub data_version: i64,
    pub from: Option<Date>,
    pub to: Date,
}

/// Serialised series answers, oldest first out.
#[derive(Debug)]
pub struct SeriesCache {
    max_bytes: usize,
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    answers: HashMap<SeriesKey, Bytes>,
    /// Keys in the order they were put.
    order: VecDeque<SeriesKey>,
    bytes: usize,
}

impl Default for SeriesCache {
    fn default() -> Self {
        SeriesCache::with_max_bytes(MAX_BYTES)
    }
}

impl SeriesCache {
    /// A cache that holds at most `max_bytes` of answers.
    pub fn with_max_bytes(max_bytes: usize) -> SeriesCache {
        SeriesCache {
            max_bytes,
            kept: Mutex::default(),
        }
    }

    pub fn get(&self, key: &SeriesKey) -> Option<Bytes> {
        self.kept.lock().ok()?.answers.get(key).cloned()
    }

    /// Keeps `answer`, letting the oldest answers go while the cache would hold
    /// more than its bound. An answer over a quarter of the bound is not kept.
    pub fn put(&self, key: SeriesKey, answer: Bytes) {
        if answer.len() > self.max_bytes / 4 {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if let Some(old) = kept.answers.remove(&key) {
            kept.bytes -= old.len();
            kept.order.retain(|k| k != &key);
        }
        while kept.bytes + answer.len() > self.max_bytes {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(gone) = kept.answers.remove(&oldest) {
                kept.bytes -= gone.len();
            }
        }
        kept.bytes += answer.len();
        kept.order.push_back(key.clone());
        kept.answers.insert(key, answer);
    }

    /// The bytes of answers held now.
    pub fn bytes(&self) -> usize {
        self.kept.lock().map_or(0, |kept| kept.bytes)
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

    #[test]
    fn a_hundred_windows_of_ten_years_each_keep_the_cache_within_its_bytes() {
        let cache = SeriesCache::default();
        // About what a ten-year answer serialises to.
        let answer = Bytes::from(vec![b'x'; 1_500_000]);
        for day in 0..100 {
            let key = SeriesKey {
                to: jiff::civil::date(2020, 1, 1)
                    .checked_add(jiff::Span::new().days(day))
                    .expect("a day"),
                ..key(1)
            };
            cache.put(key.clone(), answer.clone());
            assert!(cache.bytes() <= MAX_BYTES, "{} bytes", cache.bytes());
            assert_eq!(cache.get(&key).map(|a| a.len()), Some(answer.len()));
        }
        assert!(
            cache.bytes() > MAX_BYTES - answer.len(),
            "the cache is used"
        );
        let first = SeriesKey {
            to: jiff::civil::date(2020, 1, 1),
            ..key(1)
        };
        assert_eq!(cache.get(&first), None, "the oldest answers went first");
    }

    #[test]
    fn the_same_key_again_replaces_its_answer_and_its_bytes() {
        let cache = SeriesCache::with_max_bytes(100);
        cache.put(key(1), Bytes::from_static(b"0123456789"));
        cache.put(key(1), Bytes::from_static(b"01234"));
        assert_eq!(cache.bytes(), 5);
        cache.put(key(2), Bytes::from(vec![0; 26]));
        assert_eq!(cache.bytes(), 5, "over a quarter of the bound: not kept");
    }
}
