//! Login throttling per account and per address: at most `limit` failures within `window`, then
//! refusals until the oldest failure ages out. Kept in memory: one process serves a deployment.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Throttle {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Throttle {
        Throttle { limit, window, failures: Mutex::default() }
    }

    /// Seconds to wait if any of `keys` is over the limit.
    pub fn blocked(&self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap();
        keys.iter()
            .filter_map(|k| {
                let q = map.get_mut(k)?;
                while q.front().is_some_and(|t| now.duration_since(*t) > self.window) {
                    q.pop_front();
                }
                let oldest = *q.front()?;
                (q.len() >= self.limit).then(|| self.window.saturating_sub(now.duration_since(oldest)).as_secs() + 1)
            })
            .max()
    }

    pub fn fail(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap();
        if map.len() > 100_000 {
            // Bound memory under a spray of addresses: forget entries older than the window.
            let now = Instant::now();
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) <= self.window));
        }
        for k in keys {
            map.entry(k.clone()).or_default().push_back(Instant::now());
        }
    }

    pub fn succeed(&self, account_key: &str) {
        self.failures.lock().unwrap().remove(account_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_limit_and_per_key() {
        let t = Throttle::new(3, Duration::from_secs(60));
        let k = vec!["user:a".to_string(), "ip:1".to_string()];
        for _ in 0..3 {
            assert_eq!(t.blocked(&k), None);
            t.fail(&k);
        }
        assert!(t.blocked(&k).is_some());
        assert!(t.blocked(&["user:b".to_string()]).is_none());
        assert!(t.blocked(&["ip:1".to_string()]).is_some(), "the address is blocked for other accounts too");
        t.succeed("user:a");
        assert!(t.blocked(&["user:a".to_string()]).is_none());
    }
}
