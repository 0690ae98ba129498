//! Keeps the index in step with the database. Every write in Kumiai is audited, so the audit log
//! is the feed: a background task reads entries past the index's saved position (at most 500 ms
//! behind), asks the module that owns each entity for the record's current document, and commits
//! the new position with the changes. A missing or outdated index is rebuilt from all sources.

use crate::index::{Document, SearchIndex};
use kumiai_platform::{Config, Db};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A module's contribution to the index.
pub trait Source: Send + Sync {
    /// Audit-log entity names this source answers for.
    fn entities(&self) -> &'static [&'static str];
    /// The documents to write for a changed record: (key, document or None to remove). A change
    /// to one record may touch another's document (a member count changes its organisation's).
    fn documents<'a>(&'a self, db: &'a Db, entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>>;
    /// Every document, in batches after `after_id` (by the source's own ordering), for a rebuild.
    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>>;
}

/// A source's rebuild batch: the ids after `after_id` from `table` (`live` filters out retired
/// rows), each turned into its document. The next cursor is the last id while batches are full.
pub async fn batch_by_id<F, Fut>(db: &Db, table: &str, live: &str, after_id: i64, limit: i64, document: F) -> anyhow::Result<(Vec<Document>, Option<i64>)>
where
    F: Fn(i64) -> Fut,
    Fut: Future<Output = anyhow::Result<Option<Document>>>,
{
    let sql = format!("SELECT id FROM {table} WHERE id > $1{live} ORDER BY id LIMIT $2");
    let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(after_id).bind(limit).fetch_all(&db.pool).await?;
    let mut docs = vec![];
    for id in &ids {
        docs.extend(document(*id).await?);
    }
    Ok((docs, (ids.len() as i64 == limit).then(|| *ids.last().unwrap())))
}

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
            tracing::info!(documents = n, "search index built");
        } else {
            search.catch_up().await?;
        }
        Ok(search)
    }

    fn source_for(&self, entity: &str) -> Option<&Arc<dyn Source>> {
        self.sources.iter().find(|s| s.entities().contains(&entity))
    }

    /// Applies audit entries past the saved position. Returns how many entries were read.
    pub async fn catch_up(&self) -> anyhow::Result<usize> {
        let _guard = self.lock.lock().await;
        let mut read = 0;
        loop {
            let from = self.index.position();
            let rows: Vec<(i64, String, i64)> = sqlx::query_as("SELECT id, entity, record_id FROM audit_log WHERE id > $1 ORDER BY id LIMIT 500")
                .bind(from)
                .fetch_all(&self.db.pool)
                .await?;
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
        let position: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetch_one(&self.db.pool).await?;
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
