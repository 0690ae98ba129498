//! What a module gives the full-text index, without depending on the index itself: documents with
//! their record's `Access`, and a [`Source`] that makes them. The index (`kumiai-search`) follows
//! the audit log and asks the source that owns each changed entity.

use crate::db::Db;
use kumiai_core::{Access, Lang, OrgId};
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One searchable record.
#[derive(Clone, Debug)]
pub struct Document {
    /// Unique across modules: "entity:id".
    pub key: String,
    pub module: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub url: String,
    /// The organisation the record is about (a facet).
    pub org_id: Option<OrgId>,
    pub year: Option<i64>,
    pub updated_at: i64,
    pub access: Access,
}

/// A module's contribution to the index.
pub trait Source: Send + Sync {
    /// The module the documents belong to (the `module` facet's value).
    fn module(&self) -> &'static str;
    /// The module's name as the search page shows it.
    fn module_label(&self, lang: Lang) -> &'static str;
    /// A label for one of the kinds this source gives its documents; None if the kind is not its own.
    fn kind_label(&self, kind: &str, lang: Lang) -> Option<String>;
    /// Audit-log entity names this source answers for.
    fn entities(&self) -> &'static [&'static str];
    /// The documents to write for a changed record: (key, document or None to remove). A change
    /// to one record may touch another's document (a member count changes its organisation's).
    fn documents<'a>(&'a self, db: &'a Db, entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>>;
    /// Every document, in batches after `after_id` (by the source's own ordering), for a rebuild.
    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>>;
}

/// A source's rebuild batch: the ids after `after_id` from the source's own `table` (`live`
/// filters out retired rows), each turned into its document. The next cursor is the last id while
/// batches are full.
pub async fn batch_by_id<F, Fut>(db: &Db, table: &str, live: &str, after_id: i64, limit: i64, document: F) -> anyhow::Result<(Vec<Document>, Option<i64>)>
where
    F: Fn(i64) -> Fut,
    Fut: Future<Output = anyhow::Result<Option<Document>>>,
{
    assert!(table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "table is a code constant");
    let sql = format!("SELECT id FROM {table} WHERE id > $1{live} ORDER BY id LIMIT $2");
    let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(after_id).bind(limit).fetch_all(&db.pool).await?;
    let mut docs = vec![];
    for id in &ids {
        docs.extend(document(*id).await?);
    }
    Ok((docs, (ids.len() as i64 == limit).then(|| ids.last().copied()).flatten()))
}
