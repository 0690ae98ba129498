//! The reference the search benchmarks measure against: SQLite FTS5 with the trigram tokenizer over
//! the same documents, queried the way an FTS5 user must: each whitespace-separated word a quoted
//! phrase (all must match), ranked by bm25 with the title weighted like Kumiai's; words shorter
//! than three characters cannot use the trigram index and fall back to LIKE.

use sqlx::AnyPool;
use std::path::Path;

pub struct Fts {
    pub pool: AnyPool,
    pub rt: tokio::runtime::Runtime,
}

impl Fts {
    pub fn build(path: &Path, docs: &[(String, String)]) -> Fts {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let pool = rt.block_on(async {
            sqlx::any::install_default_drivers();
            let pool = AnyPool::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
            sqlx::raw_sql("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'trigram')").execute(&pool).await.unwrap();
            let mut tx = pool.begin().await.unwrap();
            for (title, body) in docs {
                sqlx::query("INSERT INTO docs (title, body) VALUES ($1, $2)").bind(title.clone()).bind(body.clone()).execute(&mut *tx).await.unwrap();
            }
            tx.commit().await.unwrap();
            pool
        });
        Fts { pool, rt }
    }

    /// Top `limit` rowids (1-based insertion order) and the total count.
    pub fn search(&self, q: &str, limit: i64) -> (Vec<i64>, i64) {
        let words: Vec<&str> = q.split_whitespace().collect();
        let (long, short): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| w.chars().count() >= 3);
        let mut cond = vec![];
        let mut binds = vec![];
        if !long.is_empty() {
            cond.push(format!("docs MATCH ${}", binds.len() + 1));
            binds.push(long.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(" "));
        }
        for w in &short {
            // A subquery: SQLite cannot evaluate MATCH when it plans the LIKE as the table scan.
            cond.push(format!("rowid IN (SELECT rowid FROM docs WHERE title LIKE ${0} OR body LIKE ${0})", binds.len() + 1));
            binds.push(format!("%{w}%"));
        }
        if cond.is_empty() {
            return (vec![], 0);
        }
        // Only placeholders and fixed text go into the SQL; the words are bound.
        let filter = cond.join(" AND ");
        // bm25 needs a MATCH; with only LIKE words the order is the table's.
        let order = if long.is_empty() { "rowid" } else { "bm25(docs, 2.0, 1.0)" };
        let top = format!("SELECT rowid, snippet(docs, 1, '<b>', '</b>', '…', 16) FROM docs WHERE {filter} ORDER BY {order} LIMIT {limit}");
        let count = format!("SELECT COUNT(*) FROM docs WHERE {filter}");
        self.rt.block_on(async {
            let mut tq = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(top.clone()));
            let mut cq = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count.clone()));
            for b in &binds {
                tq = tq.bind(b.clone());
                cq = cq.bind(b.clone());
            }
            let rows = tq.fetch_all(&self.pool).await.unwrap();
            let n = cq.fetch_one(&self.pool).await.unwrap();
            (rows.into_iter().map(|r| r.0).collect(), n)
        })
    }
}
