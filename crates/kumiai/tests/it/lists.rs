//! Lists: sorted by reading, paged, filtered; totals exact, kept between writes and never stale.



use axum::http::StatusCode;
use crate::common::TestApp;
use kumiai_platform::db::{Total, count};

on_both_backends!(lists_sort_page_and_filter, totals_are_exact_and_follow_writes, filters_take_words_in_any_order_and_short_forms, past_positions_are_marked_and_kept_out_of_the_current_list);

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

async fn totals_are_exact_and_follow_writes(app: &TestApp) {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(count(&app.db, "FROM organisations o", &[]).await.unwrap(), Total { count: n });
    let big = count(&app.db, "FROM organisations a CROSS JOIN organisations b", &[]).await.unwrap();
    assert_eq!(big, Total { count: n * n }, "no cap");
    assert_eq!(Total { count: 12_345 }.label(kumiai_core::Lang::Ja), "12,345 件");
    assert_eq!(Total { count: 101 }.pages(50), 3);
    // The total a list shows is kept between writes, and a write is seen at once.
    let mut hq = app.login("hq-editor").await;
    let before = hq.get("/api/v1/organisations?per_page=1").await.json()["total"].as_i64().unwrap();
    assert_eq!(hq.get("/api/v1/organisations?per_page=1").await.json()["total"].as_i64().unwrap(), before);
    let body = serde_json::json!({"code": "E77001", "kind": "enterprise_union", "parent": "JAW", "name_ja": "総数確認労働組合", "reach": "affiliates"});
    assert_eq!(hq.json("POST", "/api/v1/organisations", &body).await.status, StatusCode::CREATED);
    assert_eq!(hq.get("/api/v1/organisations?per_page=1").await.json()["total"].as_i64().unwrap(), before + 1);
    let page = hq.get("/directory/organisations?q=総数確認").await;
    assert!(page.body.contains("総数確認労働組合") && page.body.contains("1 件"), "the list follows the write");
}

/// 東海 精機, 精機 東海 and 東海精機労組 all find 東海精機労働組合 (an enterprise union of the demo
/// federation), in the list and in search.
async fn filters_take_words_in_any_order_and_short_forms(app: &TestApp) {
    let (id, name): (i64, String) = sqlx::query_as("SELECT id, name_ja FROM organisations WHERE kind = 'enterprise_union' AND name_ja LIKE '____%労働組合' ORDER BY id LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let stem = name.strip_suffix("労働組合").unwrap();
    let first: String = stem.chars().take(2).collect();
    let rest: String = stem.chars().skip(2).collect();
    let mut s = app.login("hq-viewer").await;
    let enc = |q: &str| form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    for q in [format!("{first} {rest}"), format!("{rest}　{first}"), format!("{stem}労組"), format!("{rest} 労組")] {
        let found = s.get(&format!("/api/v1/organisations?q={}&per_page=500", enc(&q))).await.json();
        assert!(found["items"].as_array().unwrap().iter().any(|o| o["id"] == id), "{q} finds {name}: {found}");
        assert!(found["items"].as_array().unwrap().iter().all(|o| o["name_ja"].as_str().unwrap().contains(&rest)), "{q}: only names with every word");
    }
    let hits = s.get(&format!("/api/v1/search?q={}", enc(&format!("{stem}労組")))).await.json();
    assert!(hits["hits"].as_array().unwrap().iter().any(|h| h["title"].as_str().unwrap().starts_with(stem)), "search too: {hits}");
}

/// A person whose term has ended is a past position: out of the people list's default "current"
/// view, marked as past where shown; the API lists everyone unless asked.
async fn past_positions_are_marked_and_kept_out_of_the_current_list(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    for (name, end) in [("任期 終了子", "2020-08-31"), ("任期 現任子", "2099-08-31")] {
        let r = s.json("POST", "/api/v1/people", &serde_json::json!({"org": "E00001", "name_kanji": name, "reach": "affiliates", "position_ja": "執行委員", "term_start": "2018-09-01", "term_end": end})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let q = "/directory/people?q=%E4%BB%BB%E6%9C%9F";
    let current = s.get(q).await.body;
    assert!(current.contains("任期 現任子") && !current.contains("任期 終了子"), "current holders by default");
    let past = s.get(&format!("{q}&tenure=past")).await.body;
    assert!(past.contains("任期 終了子") && !past.contains("任期 現任子") && past.contains("class=\"badge past\""), "past ones, marked");
    let all = s.get(&format!("{q}&tenure=all")).await.body;
    assert!(all.contains("任期 終了子") && all.contains("任期 現任子"));
    assert_eq!(all.matches("class=\"badge past\"").count(), 1);
    let api = s.get("/api/v1/people?q=%E4%BB%BB%E6%9C%9F").await.json();
    assert_eq!(api["total"], 2, "the API lists both unless asked: {api}");
    assert_eq!(s.get("/api/v1/people?q=%E4%BB%BB%E6%9C%9F&tenure=current").await.json()["total"], 1);
    assert_eq!(s.get("/directory/people?tenure=someday").await.status, StatusCode::BAD_REQUEST);
}
