//! Read caches, one set per database handle. Reads outnumber writes by orders of magnitude, and
//! on SQLite each query is a hand-off to the connection's thread and back, so what was read
//! once is kept until something changes.
//!
//! - **Current** values (a record, a list page, a session) are valid for one *epoch*. Every
//!   committed write moves the epoch on (`Db::commit`, `Db::changed`), and so does a write by
//!   another process, seen in the audit log (`watch_changes`). A value loaded while the epoch
//!   moved is not kept, so a reader never gets a value older than the last write it could see.
//! - **Lasting** values never go stale (the HTML of one revision of a page); they are only
//!   evicted for room.
//!
//! Reach is not cached: cached records are admitted per reader, exactly as freshly read ones.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Room for current values, by the estimate their readers give; past it they are all dropped
/// (the next reads refill them).
const CURRENT_BYTES: usize = 16 * 1024 * 1024;
/// Room for lasting values, by their own estimate of their size.
const LASTING_BYTES: usize = 16 * 1024 * 1024;

type Key = (TypeId, String);

#[derive(Default)]
pub struct Caches {
    epoch: AtomicU64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The epoch the values in `current` belong to.
    epoch: u64,
    current: HashMap<Key, Arc<dyn Any + Send + Sync>>,
    current_bytes: usize,
    lasting: HashMap<Key, (Arc<dyn Any + Send + Sync>, usize)>,
    lasting_bytes: usize,
}

impl Caches {
    /// Something was written: every current value is stale.
    pub fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves only a cache behind: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current value for `key`, loading it if this epoch has none. Its size is taken to be
    /// its inline size plus 256 bytes; [`Caches::current_weighed`] says better.
    pub async fn current<T, E, F, Fut>(&self, key: String, load: F) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.current_weighed(key, |_| std::mem::size_of::<T>() + 256, load).await
    }

    /// [`Caches::current`], with `weigh` estimating the bytes a value holds.
    pub async fn current_weighed<T, E, F, Fut>(&self, key: String, weigh: impl FnOnce(&T) -> usize, load: F) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let key = (TypeId::of::<T>(), key);
        let epoch = self.epoch();
        {
            let mut inner = self.lock();
            if inner.epoch != epoch {
                inner.current.clear();
                inner.current_bytes = 0;
                inner.epoch = epoch;
            }
            if let Some(v) = inner.current.get(&key).and_then(|v| v.downcast_ref::<T>()) {
                return Ok(v.clone());
            }
        }
        let value = load().await?;
        let mut inner = self.lock();
        // Written meanwhile: what was read may predate the write, so it is not kept.
        if inner.epoch == epoch && self.epoch() == epoch {
            let bytes = weigh(&value) + key.1.len() + 64;
            if inner.current_bytes + bytes > CURRENT_BYTES {
                inner.current.clear();
                inner.current_bytes = 0;
            }
            // Two readers may load the same value; the second one's replaces the first.
            if inner.current.insert(key, Arc::new(value.clone())).is_none() {
                inner.current_bytes += bytes;
            }
        }
        Ok(value)
    }

    /// A lasting value, if kept.
    pub fn lasting<T: Send + Sync + 'static>(&self, key: &str) -> Option<Arc<T>> {
        let inner = self.lock();
        let (v, _) = inner.lasting.get(&(TypeId::of::<T>(), key.to_string()))?;
        Arc::clone(v).downcast::<T>().ok()
    }

    /// Keeps a value that never goes stale; `bytes` is its size, for the room it takes.
    pub fn keep<T: Send + Sync + 'static>(&self, key: &str, value: Arc<T>, bytes: usize) {
        let mut inner = self.lock();
        if inner.lasting_bytes + bytes > LASTING_BYTES {
            // Dropping everything is crude but cheap, and the values are rebuilt on demand.
            inner.lasting.clear();
            inner.lasting_bytes = 0;
        }
        if let Some((_, old)) = inner.lasting.insert((TypeId::of::<T>(), key.to_string()), (value, bytes)) {
            inner.lasting_bytes -= old;
        }
        inner.lasting_bytes += bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn a_write_makes_current_values_stale() {
        let c = Caches::default();
        let load = |n: i64| async move { Ok::<_, ()>(n) };
        assert_eq!(block(c.current("k".into(), || load(1))), Ok(1));
        assert_eq!(block(c.current("k".into(), || load(2))), Ok(1), "kept within the epoch");
        c.changed();
        assert_eq!(block(c.current("k".into(), || load(3))), Ok(3), "reloaded after a write");
        // Another type under the same key is another value.
        assert_eq!(block(c.current("k".into(), || async { Ok::<_, ()>("text") })), Ok("text"));
    }

    #[test]
    fn a_value_read_while_something_was_written_is_not_kept() {
        let c = Caches::default();
        let v = block(c.current("k".into(), || async {
            c.changed();
            Ok::<_, ()>(1)
        }));
        assert_eq!(v, Ok(1));
        assert_eq!(block(c.current("k".into(), || async { Ok::<_, ()>(2) })), Ok(2));
        // Errors are not kept either.
        assert_eq!(block(c.current("e".into(), || async { Err::<i64, _>("down") })), Err("down"));
        assert_eq!(block(c.current("e".into(), || async { Ok::<_, &str>(5) })), Ok(5));
    }

    #[test]
    fn lasting_values_survive_writes_and_make_room() {
        let c = Caches::default();
        c.keep("r1", Arc::new(String::from("<p>x</p>")), 8);
        c.changed();
        assert_eq!(c.lasting::<String>("r1").as_deref().map(String::as_str), Some("<p>x</p>"));
        assert!(c.lasting::<i64>("r1").is_none(), "typed");
        c.keep("big", Arc::new(0u8), LASTING_BYTES);
        assert!(c.lasting::<String>("r1").is_none(), "evicted for room");
        assert!(c.lasting::<u8>("big").is_some());
    }
}
