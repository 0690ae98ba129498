//! Keeps the index in step with the database. Every write in Kumiai is audited, so the audit log
//! is the feed: a background task reads entries past the index's saved position (at most 500 ms
//! behind), asks the module that owns each entity (its `Source`) for the record's current
//! document, and commits the new position with the changes. A missing or outdated index is
//! rebuilt from all sources.

use crate::index::SearchIndex;
use kumiai_core::Lang;
use kumiai_platform::audit;
use kumiai_platform::search::Source;
use kumiai_platform::{Config, Db};
use std::sync::Arc;
use std::time::Duration;

pub struct Search {
    pub index: SearchIndex,
    sources: Vec<Arc<dyn Source>>,
    db: Db,
    lock: tokio::sync::Mutex<()>,
}

impl Search {
    /// Opens the dictionary and the index; rebuilds the index if it was missing or outdated.
    pub async fn open(db: Db, config: &Config, sources: Vec<Arc<dyn Source>>) -> anyhow::Result<Arc<Search>> {
        let (dict_dir, source_dir, index_dir) = (config.dictionary_dir.clone(), config.ipadic_source.clone(), config.search_dir());
        let (index, fresh) = tokio::task::spawn_blocking(move || -> anyhow::Result<(SearchIndex, bool)> {
            let seg = crate::dictionary::open(&dict_dir, &source_dir)?;
            SearchIndex::open(&index_dir, seg)
        })
        .await??;
        let search = Arc::new(Search { index, sources, db, lock: tokio::sync::Mutex::new(()) });
        if fresh {
            let n = search.reindex(|_| {}).await?;
            let peak = rss_kib();
            // What building took is given back: the writer's indexing memory, the allocator's
            // freed pages, the dictionary pages indexing read (measured in docs/benchmarks.md).
            search.index.renew_writer()?;
            release_freed_memory();
            release_mapped_pages(&config.dictionary_dir);
            tracing::info!(documents = n, rss_kib_building = peak, rss_kib_now = rss_kib(), "search index built");
        } else {
            search.catch_up().await?;
        }
        Ok(search)
    }

    fn source_for(&self, entity: &str) -> Option<&Arc<dyn Source>> {
        self.sources.iter().find(|s| s.entities().contains(&entity))
    }

    /// A module's name as its source gives it (the code when no source claims it).
    pub fn module_label(&self, module: &str, lang: Lang) -> String {
        self.sources.iter().find(|s| s.module() == module).map(|s| s.module_label(lang).to_string()).unwrap_or_else(|| module.to_string())
    }

    /// A kind's name as the source that indexes it gives it.
    pub fn kind_label(&self, kind: &str, lang: Lang) -> String {
        self.sources.iter().find_map(|s| s.kind_label(kind, lang)).unwrap_or_else(|| kind.to_string())
    }

    /// Applies audit entries past the saved position. Returns how many entries were read.
    pub async fn catch_up(&self) -> anyhow::Result<usize> {
        let _guard = self.lock.lock().await;
        let mut read = 0;
        loop {
            let from = self.index.position();
            let rows = audit::entries_after(&self.db, from, 500).await?;
            let Some(last) = rows.last().map(|r| r.0) else { return Ok(read) };
            read += rows.len();
            let mut seen = std::collections::HashSet::new();
            for (_, entity, id) in &rows {
                if !seen.insert((entity.clone(), *id)) {
                    continue;
                }
                if let Some(src) = self.source_for(entity) {
                    for (key, doc) in src.documents(&self.db, entity, *id).await? {
                        match doc {
                            Some(d) => self.index.upsert(&d)?,
                            None => self.index.delete(&key),
                        }
                    }
                }
            }
            self.index.commit(last)?;
        }
    }

    /// Rebuilds everything from the sources; `progress` gets the running count.
    pub async fn reindex(&self, progress: impl Fn(usize)) -> anyhow::Result<usize> {
        let _guard = self.lock.lock().await;
        let position = audit::last_id(&self.db).await?;
        self.index.clear()?;
        let mut n = 0;
        for src in &self.sources {
            let mut after = 0;
            loop {
                let (docs, next) = src.batch(&self.db, after, 1000).await?;
                for d in &docs {
                    self.index.upsert(d)?;
                }
                n += docs.len();
                progress(n);
                match next {
                    Some(a) => after = a,
                    None => break,
                }
            }
        }
        // Entries written during the rebuild are applied by the next catch-up.
        self.index.commit(position)?;
        Ok(n)
    }

    /// Follows the audit log every half second for as long as the process runs.
    pub fn spawn_follower(self: &Arc<Self>) {
        let s = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                if let Err(e) = s.catch_up().await {
                    tracing::error!(error = %e, "search index update failed");
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
    }
}

/// The process's resident size in KiB (0 where /proc is not there).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status").ok().and_then(|s| s.lines().find(|l| l.starts_with("VmRSS")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())).unwrap_or(0)
}

/// Indexing every record reads most of the dictionary through its memory map; searches then touch
/// only a little of it. The pages stay in the system's file cache; this drops them from the
/// process (they come back on the next read), so its size says what it really holds.
fn release_mapped_pages(dir: &std::path::Path) {
    #[cfg(target_os = "linux")]
    {
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
        let dir = dir.to_string_lossy();
        for line in maps.lines() {
            let mut f = line.split_whitespace();
            let (Some(range), Some(perms), Some(path)) = (f.next(), f.next(), f.nth(3)) else { continue };
            // Read-only file mappings only: nothing private is lost.
            if !path.starts_with(dir.as_ref()) || perms.contains('w') {
                continue;
            }
            let Some((a, b)) = range.split_once('-') else { continue };
            let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16)) else { continue };
            // SAFETY: the range is a read-only mapping of a file of ours; MADV_DONTNEED only drops
            // its resident pages, which the kernel reads back from the file when they are used.
            unsafe {
                libc::madvise(a as *mut libc::c_void, b - a, libc::MADV_DONTNEED);
            }
        }
    }
}

/// Returns the allocator's free pages to the system (glibc keeps them otherwise).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
