//! Migrations, owned by the module whose tables they create. Each module lists its steps; each step
//! has one SQL text per backend. Applied steps are recorded per (module, version), so modules number
//! their steps independently and a new module plugs in by adding its list.

use crate::db::{Backend, Db};
use sqlx::AssertSqlSafe;

pub struct Migration {
    pub module: &'static str,
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Applies every step not yet recorded, each in its own transaction, in the order given.
pub async fn run(db: &Db, steps: &[&Migration]) -> anyhow::Result<usize> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version BIGINT NOT NULL, \
         name TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (module, version))",
    )
    .execute(&db.pool)
    .await?;
    let mut applied = 0;
    for m in steps {
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE module = $1 AND version = $2")
            .bind(m.module)
            .bind(m.version)
            .fetch_optional(&db.pool)
            .await?;
        if done.is_some() {
            continue;
        }
        let sql = match db.backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let mut tx = db.begin().await?;
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .map_err(|e| anyhow::anyhow!("migration {}/{} {}: {e}", m.module, m.version, m.name))?;
        sqlx::query("INSERT INTO schema_migrations (module, version, name, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.module)
            .bind(m.version)
            .bind(m.name)
            .bind(kumiai_core::time::now_ms())
            .execute(&mut *tx)
            .await?;
        db.commit(tx).await?;
        tracing::info!(module = m.module, version = m.version, name = m.name, "migration applied");
        applied += 1;
    }
    Ok(applied)
}

/// Every registered module's migrations, in dependency order (not list order).
pub async fn run_modules(db: &Db, modules: &[crate::module::Module]) -> anyhow::Result<usize> {
    let steps: Vec<&Migration> = crate::module::ordered(modules)?.into_iter().flat_map(|m| m.migrations.iter()).collect();
    run(db, &steps).await
}

/// The platform's own tables: the organisation tree, accounts, sessions, tokens, audit, shares, settings.
pub static PLATFORM: &[Migration] = &[
    Migration {
        module: "platform",
        version: 1,
        name: "accounts, sessions, tokens, audit, shares",
        sqlite: include_str!("../migrations/sqlite/0001_platform.sql"),
        postgres: include_str!("../migrations/postgres/0001_platform.sql"),
    },
    Migration {
        module: "platform",
        version: 2,
        name: "settings (fiscal-year naming), token versions",
        sqlite: include_str!("../migrations/sqlite/0002_settings.sql"),
        postgres: include_str!("../migrations/postgres/0002_settings.sql"),
    },
];
