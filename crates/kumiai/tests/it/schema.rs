//! The two backends' schemas stay equivalent: after all migrations, both have the same tables with
//! the same columns, types (as the integer/text classes the code uses) and nullability.



use crate::common::{Backend, Fixture, TestApp};
use std::collections::BTreeMap;

type Columns = BTreeMap<String, BTreeMap<String, (String, bool)>>;

fn class(t: &str) -> String {
    let t = t.to_ascii_lowercase();
    if t.contains("int") { "integer".into() } else if t.contains("char") || t == "text" { "text".into() } else { t }
}

async fn sqlite_columns(app: &TestApp) -> Columns {
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let mut out = Columns::new();
    for t in tables {
        let cols: Vec<(String, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}')")))
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        out.insert(t, cols.into_iter().map(|(n, ty, nn, pk)| (n, (class(&ty), nn == 1 || pk == 1))).collect());
    }
    out
}

async fn postgres_columns(app: &TestApp) -> Columns {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let mut out = Columns::new();
    for (t, c, ty, nullable) in rows {
        out.entry(t).or_default().insert(c, (class(&ty), nullable == "NO"));
    }
    out
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let Some(pg) = TestApp::spawn_with(Backend::Postgres, Fixture::Empty).await else { return };
    let lite = TestApp::spawn_with(Backend::Sqlite, Fixture::Empty).await.unwrap();
    let (a, b) = (sqlite_columns(&lite).await, postgres_columns(&pg).await);
    assert!(a.len() >= 8, "{:?}", a.keys());
    assert_eq!(a, b);
    pg.cleanup().await;
}
