//! One database handle for both backends. SQL is written once, with `$n` placeholders (which the
//! SQLite driver accepts too), 64-bit integers for ids, flags and times, and TEXT for the rest:
//! the types `sqlx::Any` carries on both.

use crate::cache::Caches;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// What was read, kept until the next write (see `cache`).
    pub caches: Arc<Caches>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Db {
    /// Opens `url` (`sqlite://…` or `postgres://…`). SQLite gets WAL, foreign keys and a busy
    /// timeout on every connection, since PRAGMAs are per connection.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("unsupported database URL (use sqlite://FILE or postgres://…): {url}");
        };
        let max = if backend == Backend::Sqlite { 8 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a pooled connection before every use by default: a round trip per query
            // for a failure a query reports anyway.
            .test_before_acquire(false)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Ok(Db { pool, backend, caches: Arc::default() })
    }

    /// Commits a write transaction, then tells the caches. Every transaction that writes ends
    /// here (a tidy rule), so no cached value outlives the data it was read from.
    pub async fn commit(&self, tx: Tx) -> sqlx::Result<()> {
        tx.commit().await?;
        self.caches.changed();
        Ok(())
    }

    /// Runs one write outside a transaction (a session, a bookmark), then tells the caches.
    pub async fn execute<'q>(&self, q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>) -> sqlx::Result<sqlx::any::AnyQueryResult> {
        let r = q.execute(&self.pool).await?;
        self.caches.changed();
        Ok(r)
    }

    /// Follows writes by other processes (a `kumiai org import` beside the server): every
    /// change is audited, so a new audit entry means the caches are stale. Checked every 200 ms;
    /// the server's own writes tell the caches at once.
    pub fn watch_changes(&self) {
        let db = self.clone();
        tokio::spawn(async move {
            let mut seen: Option<i64> = None;
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            loop {
                tick.tick().await;
                let Ok(last) = sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetch_one(&db.pool).await else { continue };
                if seen.is_some_and(|s| s != last) {
                    db.caches.changed();
                }
                seen = Some(last);
            }
        });
    }

    /// A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so two
    /// writers queue on the busy timeout instead of one failing mid-transaction.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Refreshes the planners' statistics after a bulk load. On SQLite the histogram samples
    /// (`sqlite_stat4`, which the bundled SQLite gathers) are dropped again: with them, every
    /// statement whose parameters touch an indexed column is prepared anew each time it is run
    /// with new values, a cost the plans here do not repay. `sqlite_stat1` stays.
    pub async fn analyze(&self) -> sqlx::Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::raw_sql("ANALYZE").execute(&self.pool).await?;
                self.forget_samples().await
            }
            Backend::Postgres => sqlx::raw_sql("ANALYZE").execute(&self.pool).await.map(|_| ()),
        }
    }

    /// What a start does: SQLite folds a write-ahead log left by a process that did not close
    /// (a killed bulk load can leave hundreds of MB, which every reader would then consult), then
    /// refreshes only the stale statistics (cheaply) and drops the samples.
    pub async fn optimize(&self) -> sqlx::Result<()> {
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await?;
            sqlx::raw_sql("PRAGMA optimize=0x10002").execute(&self.pool).await?;
            self.forget_samples().await?;
        }
        Ok(())
    }

    async fn forget_samples(&self) -> sqlx::Result<()> {
        let has: Option<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat4'").fetch_optional(&self.pool).await?;
        if has.is_some() {
            // Statistics tables may be written directly; `ANALYZE sqlite_schema` reloads them.
            sqlx::raw_sql("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Closes every connection; on SQLite the last one folds the write-ahead log into the database
    /// file, so a command leaves one file behind rather than a log for the next start to read.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `LIKE` that ignores ASCII case on both backends.
    pub fn ilike(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        }
    }
}

/// If `e` is a unique-constraint violation, the constraint as the backend names it: "table.column"
/// in SQLite's message, the constraint name ("organisations_code_key") in PostgreSQL's.
pub fn unique_violation(e: &sqlx::Error) -> Option<String> {
    let sqlx::Error::Database(d) = e else { return None };
    if !d.is_unique_violation() {
        return None;
    }
    Some(format!("{} {}", d.constraint().unwrap_or(""), d.message()))
}

/// Conditions keeping a time column (Unix ms) within Japan-time days, both ends included.
pub fn within_days(column: &str, from: Option<jiff::civil::Date>, to: Option<jiff::civil::Date>) -> Vec<String> {
    let start = kumiai_core::time::day_start_ms;
    let mut conds = vec![];
    if let Some(d) = from {
        conds.push(format!("{column} >= {}", start(d)));
    }
    if let Some(d) = to {
        conds.push(format!("{column} < {}", start(d.tomorrow().unwrap_or(d))));
    }
    conds
}

/// Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`.
pub fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

use crate::audit::Val;
use sqlx::any::AnyArguments;

/// Binds `vals` in order to a `query_as`.
pub fn bind_all<'q, T>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Any, T, AnyArguments>,
    vals: &[Val],
) -> sqlx::query::QueryAs<'q, sqlx::Any, T, AnyArguments> {
    for v in vals {
        q = match v {
            Val::Int(i) => q.bind(*i),
            Val::Text(t) => q.bind(t.clone()),
        };
    }
    q
}

/// The cache key of a read: its SQL (which holds the reader's reach filter) and its parameters.
fn read_key(sql: &str, vals: &[Val]) -> String {
    let mut k = String::with_capacity(sql.len() + 16 * vals.len());
    k.push_str(sql);
    for v in vals {
        k.push('\u{1f}');
        match v {
            Val::Int(Some(i)) => k.push_str(&i.to_string()),
            Val::Text(Some(t)) => {
                k.push('\'');
                k.push_str(t);
            }
            Val::Int(None) | Val::Text(None) => k.push('-'),
        }
    }
    k
}

impl Db {
    /// The rows of a read, kept until the next write. The SQL must be all the read depends on
    /// besides `vals` (reach filters are: they are written out for their reader).
    pub async fn fetch_cached<T>(&self, sql: String, vals: &[Val]) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Clone + Send + Sync + Unpin + 'static,
    {
        let key = read_key(&sql, vals);
        // A row's text lives on the heap: 256 bytes each is a fair guess for these tables.
        let weigh = |rows: &Vec<T>| rows.len() * (std::mem::size_of::<T>() + 256);
        self.caches.current_weighed(key, weigh, || bind_all(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql)), vals).fetch_all(&self.pool)).await
    }

    /// One number (a count), kept until the next write.
    pub async fn scalar_cached(&self, sql: String, vals: &[Val]) -> sqlx::Result<i64> {
        let key = read_key(&sql, vals);
        self.caches.current(key, || bind_all_scalar(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), vals).fetch_one(&self.pool)).await
    }
}

/// Binds `vals` in order to a `query_scalar`.
pub fn bind_all_scalar<'q, T>(
    mut q: sqlx::query::QueryScalar<'q, sqlx::Any, T, AnyArguments>,
    vals: &[Val],
) -> sqlx::query::QueryScalar<'q, sqlx::Any, T, AnyArguments> {
    for v in vals {
        q = match v {
            Val::Int(i) => q.bind(*i),
            Val::Text(t) => q.bind(t.clone()),
        };
    }
    q
}

/// Paging for every list: any page number a query string carries gives a valid page (clamped to
/// 1..=[`MAX_PAGE`]), so the offset never overflows however large the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

/// Far beyond any real list (10,000 rows are counted, 500 at most shown per page).
pub const MAX_PAGE: i64 = 100_000;

impl Paging {
    pub fn new(page: Option<i64>, per_page: Option<i64>, default_per_page: i64, max_per_page: i64) -> Paging {
        Paging { page: page.unwrap_or(1).clamp(1, MAX_PAGE), per_page: per_page.unwrap_or(default_per_page).clamp(1, max_per_page.max(1)) }
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
    /// `LIMIT n OFFSET m`, from clamped numbers only.
    pub fn sql(&self) -> String {
        format!("LIMIT {} OFFSET {}", self.per_page, self.offset())
    }
}

/// A list's sort direction. Query strings say `asc`, `desc` or nothing (ascending); anything
/// else is a 400 that names the value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDir {
    #[default]
    #[serde(alias = "")]
    Asc,
    Desc,
}

impl SortDir {
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
    pub fn sql(self) -> &'static str {
        match self {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        }
    }
}

/// Which records a list shows by their archive state: active ones unless asked (`include`, `only`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Archived {
    #[default]
    #[serde(rename = "")]
    Active,
    Include,
    Only,
}

impl Archived {
    pub fn as_str(self) -> &'static str {
        match self {
            Archived::Active => "",
            Archived::Include => "include",
            Archived::Only => "only",
        }
    }
    /// The condition on `{alias}.archived_at`, if any.
    pub fn sql(self, alias: &str) -> Option<String> {
        match self {
            Archived::Active => Some(format!("{alias}.archived_at IS NULL")),
            Archived::Include => None,
            Archived::Only => Some(format!("{alias}.archived_at IS NOT NULL")),
        }
    }
}

/// A list's total: exact. Counting every visible row of a large table costs milliseconds, so a
/// count is read once per change and then kept (see `cache`); a list page does not count again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Total {
    pub count: i64,
}

impl Total {
    pub fn label(&self, lang: impl std::borrow::Borrow<kumiai_core::Lang>) -> String {
        let n = group_digits(self.count);
        match *lang.borrow() {
            kumiai_core::Lang::Ja => format!("{n} 件"),
            kumiai_core::Lang::En => format!("{n} items"),
        }
    }
    pub fn pages(&self, per_page: i64) -> i64 {
        ((self.count + per_page - 1) / per_page).max(1)
    }
}

/// `SELECT COUNT(*)` over `from_where` ("FROM … WHERE …"), kept until the next write.
pub async fn count(db: &Db, from_where: &str, binds: &[Val]) -> sqlx::Result<Total> {
    Ok(Total { count: db.scalar_cached(format!("SELECT COUNT(*) {from_where}"), binds).await? })
}

/// 1234567 → "1,234,567"
pub fn group_digits(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}
