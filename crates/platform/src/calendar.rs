//! Keeps stored fiscal years true to the configured calendar. Years are stored as they are named
//! (2027 = 2027年度), so a change of naming (`KUMIAI_FISCAL_YEAR_NAMED_BY`) would otherwise move
//! every stored count to another year. At start-up, after the migrations, the naming the data was
//! written with is compared with the configured one and every column a module declares as a
//! fiscal year is relabelled in one audited transaction. A changed start month cannot be
//! reinterpreted safely and is refused while such data exists.

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::module::Module;
use kumiai_core::{FiscalCalendar, NamedBy};
use sqlx::AssertSqlSafe;

async fn setting(db: &Db, key: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key.to_string()).fetch_optional(&db.pool).await
}

/// What [`reconcile`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Relabelled {
    pub shift: i32,
    pub rows: u64,
}

pub async fn reconcile(db: &Db, calendar: FiscalCalendar, modules: &[Module]) -> anyhow::Result<Relabelled> {
    let columns: Vec<(&str, &str)> = modules.iter().flat_map(|m| m.fiscal_year_columns.iter().copied()).collect();
    for (t, c) in &columns {
        anyhow::ensure!(
            [t, c].iter().all(|s| s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')),
            "fiscal-year column {t}.{c} is not a plain name"
        );
    }
    let stored_naming = setting(db, "fiscal_year_named_by").await?.and_then(|v| NamedBy::parse(&v)).unwrap_or(NamedBy::Start);
    let stored_month = setting(db, "fiscal_start_month").await?.and_then(|v| v.parse::<i8>().ok());
    let mut rows_with_years = 0i64;
    for (t, c) in &columns {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL"))).fetch_one(&db.pool).await?;
        rows_with_years += n;
    }
    if let Some(m) = stored_month
        && m != calendar.start_month()
        && rows_with_years > 0
    {
        anyhow::bail!(
            "年度の開始月が {m} 月から {} 月に変わりましたが、保存済みの年度をそのまま読み替えることはできません（KUMIAI_FISCAL_START_MONTH を {m} に戻してください）。\n\
             The fiscal year's start month changed from {m} to {}; the {rows_with_years} stored fiscal years cannot be reinterpreted. Set KUMIAI_FISCAL_START_MONTH back to {m}.",
            calendar.start_month(),
            calendar.start_month()
        );
    }
    let shift = calendar.relabel_shift(stored_naming);
    let mut done = Relabelled { shift, rows: 0 };
    let mut tx = db.begin().await?;
    if shift != 0 {
        for (t, c) in &columns {
            // Two steps through negative numbers, so (org, year) stays unique at every row.
            let flip = sqlx::query(AssertSqlSafe(format!("UPDATE {t} SET {c} = -({c} + $1) WHERE {c} IS NOT NULL"))).bind(i64::from(shift)).execute(&mut *tx).await?;
            sqlx::query(AssertSqlSafe(format!("UPDATE {t} SET {c} = -{c} WHERE {c} < 0"))).execute(&mut *tx).await?;
            done.rows += flip.rows_affected();
        }
    }
    let before = serde_json::json!({"fiscal_year_named_by": stored_naming.as_str(), "fiscal_start_month": stored_month});
    let after = serde_json::json!({"fiscal_year_named_by": calendar.named_by().as_str(), "fiscal_start_month": calendar.start_month(), "years_shifted_by": shift, "rows": done.rows});
    let changed = stored_naming != calendar.named_by() || stored_month != Some(calendar.start_month());
    for (k, v) in [("fiscal_year_named_by", calendar.named_by().as_str().to_string()), ("fiscal_start_month", calendar.start_month().to_string())] {
        sqlx::query("DELETE FROM settings WHERE key = $1").bind(k).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)").bind(k).bind(v).execute(&mut *tx).await?;
    }
    if changed {
        audit::record(&mut tx, &Actor::system("calendar"), "settings", 0, "fiscal_calendar", Some(&before), Some(&after)).await?;
    }
    db.commit(tx).await?;
    if done.rows > 0 {
        tracing::info!(shift, rows = done.rows, "stored fiscal years relabelled for the configured naming");
    }
    Ok(done)
}
