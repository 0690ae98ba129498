//! Lists: sorted by reading, paged, filtered, and totals capped so large tables stay fast.



use axum::http::StatusCode;
use crate::common::TestApp;
use kumiai_platform::db::{COUNT_CAP, Total, count_capped};

on_both_backends!(lists_sort_page_and_filter, totals_are_exact_below_the_cap);

async fn lists_sort_page_and_filter(app: &TestApp) {
    let mut s = app.login("hq-viewer").await;
    let api = s.get("/api/v1/organisations?per_page=20").await.json();
    let keys: Vec<String> = api["items"].as_array().unwrap().iter().map(|o| o["name_kana"].as_str().unwrap().to_string()).collect();
    let stored: Vec<String> = sqlx::query_scalar("SELECT sort_key FROM organisations WHERE archived_at IS NULL ORDER BY sort_key, id LIMIT 20")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let shown: Vec<String> = keys.iter().zip(&stored).map(|(k, s)| if k.is_empty() { s.clone() } else { k.clone() }).collect();
    assert_eq!(shown, stored, "sorted by reading (or name when there is none)");
    let p1 = s.get("/api/v1/organisations?per_page=20&page=1").await.json();
    let p2 = s.get("/api/v1/organisations?per_page=20&page=2").await.json();
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
    assert_eq!(p1["total"], p2["total"]);
    let desc = s.get("/api/v1/organisations?sort=members&dir=desc&kind=enterprise_union&per_page=5").await.json();
    let members: Vec<i64> = desc["items"].as_array().unwrap().iter().map(|o| o["members"].as_i64().unwrap()).collect();
    assert!(members.windows(2).all(|w| w[0] >= w[1]), "{members:?}");
    let th = s.get("/api/v1/organisations?country=th").await.json();
    assert!(th["items"].as_array().unwrap().iter().all(|o| o["country"] == "TH"));
    assert!(th["total"].as_i64().unwrap() > 0);
    let page = s.get("/directory/organisations?kind=industrial_union").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("5 件"), "five industrial unions");
    // People by gender.
    let women = s.get("/api/v1/people?gender=female&per_page=500").await.json();
    assert!(women["items"].as_array().unwrap().iter().all(|p| p["gender"] == "female"));
}

async fn totals_are_exact_below_the_cap(app: &TestApp) {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(count_capped(&app.db, "FROM organisations o", &[]).await.unwrap(), Total { count: n, capped: false });
    let big = count_capped(&app.db, "FROM organisations a CROSS JOIN organisations b CROSS JOIN organisations c", &[]).await.unwrap();
    assert!(n * n * n > COUNT_CAP);
    assert_eq!(big, Total { count: COUNT_CAP, capped: true });
    assert_eq!(big.label(kumiai_core::Lang::Ja), "10,000 件以上");
    assert_eq!(big.pages(50), 201, "one page beyond the cap is offered");
}
