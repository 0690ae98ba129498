//! Keeps the index in step with the database. Every write in Kumiai is audited, so the audit log
//! is the feed: a background task reads entries past the index's saved position (at most 500 ms
//! behind), asks the module that owns each entity (its `Source`) for the record's current
//! document, and commits the new position with the changes. A missing or outdated index is
//! rebuilt from all sources.

use crate::index::{SearchIndex, Writing};
use kumiai_core::Lang;
use kumiai_platform::audit;
use kumiai_platform::search::Source;
use kumiai_platform::{Config, Db, memory};
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
            let peak = memory::rss_kib();
            // What building took is given back: the writer's indexing memory (reindex renewed
            // it), the allocator's freed pages, the dictionary pages indexing read (measured in
            // docs/benchmarks.md).
            memory::give_back();
            memory::release_mapped(&config.dictionary_dir);
            tracing::info!(documents = n, rss_kib_building = peak, rss_kib_now = memory::rss_kib(), "search index built");
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
        self.index.renew_writer(Writing::Build)?;
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
        self.index.renew_writer(Writing::Follow)?;
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

