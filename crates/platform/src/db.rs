//! One database handle for both backends. SQL is written once, with `$n` placeholders (which the
//! SQLite driver accepts too), 64-bit integers for ids, flags and times, and TEXT for the rest:
//! the types `sqlx::Any` carries on both.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
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

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
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
        Ok(Db { pool, backend })
    }

    /// A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so two
    /// writers queue on the busy timeout instead of one failing mid-transaction.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
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

/// Counts stop here: beyond it a list says "10,000 or more". Exact totals below, and always fresh,
/// without scanning every visible row of a large table on every page view.
pub const COUNT_CAP: i64 = 10_000;

/// A list's total, possibly capped at [`COUNT_CAP`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Total {
    pub count: i64,
    /// True when there are more than `count` rows.
    pub capped: bool,
}

impl Total {
    pub fn label(&self, lang: impl std::borrow::Borrow<kumiai_core::Lang>) -> String {
        let n = group_digits(self.count);
        match (*lang.borrow(), self.capped) {
            (kumiai_core::Lang::Ja, false) => format!("{n} 件"),
            (kumiai_core::Lang::Ja, true) => format!("{n} 件以上"),
            (kumiai_core::Lang::En, false) => format!("{n} items"),
            (kumiai_core::Lang::En, true) => format!("{n}+ items"),
        }
    }
    /// Pages to offer; when capped, one more than the current page while pages are full.
    pub fn pages(&self, per_page: i64) -> i64 {
        ((self.count + per_page - 1) / per_page).max(1) + i64::from(self.capped)
    }
}

/// `SELECT COUNT(*)` over `from_where` ("FROM … WHERE …"), stopping at [`COUNT_CAP`] + 1 rows.
pub async fn count_capped(db: &Db, from_where: &str, binds: &[Val]) -> sqlx::Result<Total> {
    let sql = format!("SELECT COUNT(*) FROM (SELECT 1 AS one {from_where} LIMIT {}) AS capped", COUNT_CAP + 1);
    let n = bind_all_scalar(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), binds).fetch_one(&db.pool).await?;
    Ok(Total { count: n.min(COUNT_CAP), capped: n > COUNT_CAP })
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
