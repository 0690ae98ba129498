//! JCM's fiscal year is named by the year it ends in. A database written by an earlier Kumiai
//! (which named years by their start) is relabelled once, so no member count moves to another
//! year; the demo and the pages name today's year as JCM does.

use crate::common::{Backend, FreshDb, TestApp};
use kumiai::app;
use kumiai_core::{FiscalCalendar, NamedBy};
use kumiai_platform::migrate::{self, Migration};
use kumiai_platform::module::Module;

/// The migrations of the release before the naming changed: everything but the steps added since.
fn legacy_steps(modules: &[Module]) -> Vec<&'static Migration> {
    kumiai_platform::module::ordered(modules)
        .unwrap()
        .into_iter()
        .flat_map(|m| m.migrations.iter())
        .filter(|m| !(m.module == "platform" && m.version >= 2) && !(m.module == "wiki" && m.version >= 6))
        .collect()
}

async fn counts(db: &kumiai_platform::Db) -> Vec<(String, i64, i64)> {
    sqlx::query_as("SELECT o.code, c.fiscal_year, c.members FROM member_counts c JOIN organisations o ON o.id = c.org_id ORDER BY o.code, c.fiscal_year")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

/// An upgraded database: counts stored under the old naming (2025 = September 2025 – August
/// 2026) become 2026, each count keeps its period and members, twice opening changes nothing,
/// and going back to naming by start moves them back.
async fn upgrade_relabels_stored_years(backend: Backend) {
    let Some(fresh) = FreshDb::new(backend).await else { return };
    let modules = app::modules();
    let db = kumiai_platform::Db::connect(&fresh.config.database_url).await.unwrap();
    migrate::run(&db, &legacy_steps(&modules)).await.unwrap();
    // As the old release wrote them: a union with the counts of two consecutive years.
    let insert_org = "INSERT INTO organisations (code, kind, path, name_ja, reach, created_at, updated_at) VALUES ($1, $2, '/', $3, 'public', 0, 0) RETURNING id";
    let hq: i64 = sqlx::query_scalar(insert_org).bind("JCM").bind("head_office").bind("金属労協").fetch_one(&db.pool).await.unwrap();
    let u: i64 = sqlx::query_scalar(insert_org).bind("U1").bind("enterprise_union").bind("旧版労組").fetch_one(&db.pool).await.unwrap();
    for (org, fy, members) in [(hq, 2024, 2_007_000), (u, 2024, 1000), (u, 2025, 1100)] {
        sqlx::query("INSERT INTO member_counts (org_id, fiscal_year, members, created_at, updated_at) VALUES ($1, $2, $3, 0, 0)")
            .bind(org)
            .bind(fy)
            .bind(members)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    db.pool.close().await;

    // The new release, JCM's calendar by default.
    assert_eq!(fresh.config.calendar, FiscalCalendar::JCM);
    let db = app::open(&fresh.config, &modules).await.unwrap();
    let expected = vec![("JCM".to_string(), 2025, 2_007_000), ("U1".to_string(), 2025, 1000), ("U1".to_string(), 2026, 1100)];
    assert_eq!(counts(&db).await, expected, "each count keeps its period: the year is now named by its end");
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'settings' AND action = 'fiscal_calendar'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(logged, 1, "the relabelling is audited");
    db.pool.close().await;
    let db = app::open(&fresh.config, &modules).await.unwrap();
    assert_eq!(counts(&db).await, expected, "opening again changes nothing");
    db.pool.close().await;

    // An installation that names years by their start goes back.
    let mut by_start = fresh.config.clone();
    by_start.calendar = FiscalCalendar::new(9, NamedBy::Start).unwrap();
    let db = app::open(&by_start, &modules).await.unwrap();
    assert_eq!(counts(&db).await, vec![("JCM".to_string(), 2024, 2_007_000), ("U1".to_string(), 2024, 1000), ("U1".to_string(), 2025, 1100)]);
    db.pool.close().await;

    // A new start month cannot reinterpret stored years: a clear refusal, nothing changed.
    let mut april = fresh.config.clone();
    april.calendar = FiscalCalendar::new(4, NamedBy::End).unwrap();
    let err = app::open(&april, &modules).await.err().expect("refused").to_string();
    assert!(err.contains("KUMIAI_FISCAL_START_MONTH") && err.contains("開始月"), "{err}");
    let db = kumiai_platform::Db::connect(&fresh.config.database_url).await.unwrap();
    assert_eq!(counts(&db).await[0].1, 2024, "untouched");
    db.pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_relabels_stored_years_sqlite() {
    upgrade_relabels_stored_years(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_relabels_stored_years_postgres() {
    upgrade_relabels_stored_years(Backend::Postgres).await;
}

on_both_backends!(demo_counts_and_pages_name_years_as_jcm_does);

/// Today is 2026-11-29 when this was written: 2027年度 (September 2026 – August 2027). The demo's
/// dated counts sit in the year of their date: JCM's 2,007,000 as of September 2024 in 2025年度.
async fn demo_counts_and_pages_name_years_as_jcm_does(app: &TestApp) {
    let today = kumiai_core::time::today();
    let fy = FiscalCalendar::JCM.year_of(today);
    let mut s = app.visitor().await;
    let home = s.get("/").await.body;
    assert!(home.contains(&format!("<strong>{}年度</strong>", fy.0)), "{home}");
    if today < jiff::civil::date(2027, 9, 1) && today >= jiff::civil::date(2026, 9, 1) {
        assert!(home.contains("<strong>2027年度</strong>"));
    }
    let jcm: i64 = sqlx::query_scalar("SELECT c.fiscal_year FROM member_counts c JOIN organisations o ON o.id = c.org_id WHERE o.code = 'JCM'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(jcm, 2025, "2024-09 falls in 2025年度");
    let densen: i64 = sqlx::query_scalar("SELECT c.fiscal_year FROM member_counts c JOIN organisations o ON o.id = c.org_id WHERE o.code = 'JEIU'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(densen, 2025, "2025-01 falls in 2025年度");
    // 和暦 where the reader asks for it: the switch in the footer, remembered in a cookie.
    assert!(home.contains("/era?to=japanese"));
    let r = s.get("/era?to=japanese&back=/").await;
    assert_eq!(r.location.as_deref(), Some("/"));
    let home = s.get("/").await.body;
    assert!(home.contains(&format!("<strong>令和{}年度</strong>", fy.0 - 2018)), "{home}");
    let jcm_id = app.org_id("JCM").await;
    let page = s.get(&format!("/directory/organisations/{jcm_id}")).await.body;
    assert!(page.contains("令和7年度"), "2025年度 = 令和7年度 on the organisation's counts");
}
