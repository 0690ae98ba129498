//! Search as each tier meets it: results, totals, facets and suggestions only from what the reader
//! may see; the index follows writes within a second; hidden organisations never surface as facets.



use axum::http::StatusCode;
use crate::common::{Session, TestApp};
use std::time::{Duration, Instant};

on_both_backends!(search_respects_reach_per_tier, search_follows_writes, facets_never_name_hidden_organisations, suggestions_are_titles_holding_what_was_typed);

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn titles(s: &mut Session, q: &str) -> Vec<String> {
    let r = s.get(&format!("/api/v1/search?q={}", enc(q))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect()
}

/// Polls until `check` holds (the index follows the audit log every half second).
async fn eventually(s: &mut Session, q: &str, check: impl Fn(&[String]) -> bool) -> Vec<String> {
    let started = Instant::now();
    loop {
        let t = titles(s, q).await;
        if check(&t) || started.elapsed() > Duration::from_secs(5) {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn search_respects_reach_per_tier(app: &TestApp) {
    let hidden: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00014'").fetch_one(&app.db.pool).await.unwrap();
    let affiliates: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00001'").fetch_one(&app.db.pool).await.unwrap();
    let mut totals = vec![];
    for (who, sees_hidden, sees_affiliates) in [
        ("anonymous", false, false),
        ("partner-viewer", false, false),
        ("ent-viewer", false, true),
        ("jaw-viewer", false, true),
        ("hq-viewer", true, true),
    ] {
        let mut s = if who == "anonymous" { app.visitor().await } else { app.login(who).await };
        let found = titles(&mut s, &hidden).await;
        assert_eq!(found.contains(&hidden), sees_hidden, "{who}: {found:?}");
        let found = titles(&mut s, &affiliates).await;
        assert_eq!(found.contains(&affiliates), sees_affiliates, "{who}: {found:?}");
        let page = s.get(&format!("/search?q={}", enc(&hidden))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body.contains(&format!(">{hidden}</a>")), sees_hidden, "{who} page");
        let suggest = s.get(&format!("/api/v1/search/suggest?q={}", enc(&hidden))).await.json();
        assert_eq!(suggest.as_array().unwrap().iter().any(|h| h["title"] == hidden.as_str()), sees_hidden, "{who} suggest");
        totals.push(s.get("/api/v1/search?q=労働組合").await.json()["total"].as_i64().unwrap());
    }
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "wider tiers see at least as much: {totals:?}");
    assert!(totals[0] < totals[4]);
    // The bigram half finds part of a word: 精機 inside 東海精機労働組合.
    let mut hq = app.login("hq-viewer").await;
    assert!(titles(&mut hq, "精機").await.iter().any(|t| t.contains("精機")));
}

async fn search_follows_writes(app: &TestApp) {
    let mut editor = app.login("jaw-editor").await;
    let r = editor
        .json("POST", "/api/v1/organisations", &serde_json::json!({"code": "SRCH1", "kind": "enterprise_union", "parent": "JAW", "name_ja": "検索追従精密労働組合", "reach": "affiliates"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let mut ent = app.login("ent-viewer").await;
    let found = eventually(&mut ent, "検索追従", |t| !t.is_empty()).await;
    assert_eq!(found, ["検索追従精密労働組合"], "indexed within seconds of the write");
    // Narrowing its reach hides it from the enterprise union at once in the index too.
    let v = editor.get(&format!("/api/v1/organisations/{id}")).await.json()["version"].as_i64().unwrap();
    let r = editor
        .json("PUT", &format!("/api/v1/organisations/{id}"), &serde_json::json!({"version": v, "code": "SRCH1", "parent": "JAW", "name_ja": "検索追従精密労働組合", "reach": "industrial"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(eventually(&mut ent, "検索追従", |t| t.is_empty()).await.is_empty());
    let mut jaw = app.login("jaw-viewer").await;
    assert_eq!(titles(&mut jaw, "検索追従").await.len(), 1);
    // Archived records leave the index.
    let v = editor.get(&format!("/api/v1/organisations/{id}")).await.json()["version"].as_i64().unwrap();
    assert_eq!(editor.json("POST", &format!("/api/v1/organisations/{id}/archive"), &serde_json::json!({"version": v})).await.status, StatusCode::OK);
    assert!(eventually(&mut jaw, "検索追従", |t| t.is_empty()).await.is_empty());
}

async fn facets_never_name_hidden_organisations(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    let r = hq
        .json("POST", "/api/v1/people", &serde_json::json!({"org": "E00014", "name_kanji": "検索 公開太郎", "reach": "public", "position_ja": "書記長"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let hidden: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00014'").fetch_one(&app.db.pool).await.unwrap();
    let mut anon = app.visitor().await;
    let found = eventually(&mut anon, "公開太郎", |t| !t.is_empty()).await;
    assert_eq!(found, ["検索 公開太郎"]);
    let api = anon.get(&format!("/api/v1/search?q={}", enc("公開太郎"))).await;
    assert!(!api.body.contains(&hidden), "the hidden organisation is named nowhere: {}", api.body);
    assert!(api.json()["facets"]["organisation"].as_array().unwrap().is_empty());
    let page = anon.get(&format!("/search?q={}", enc("公開太郎"))).await;
    assert!(page.body.contains("検索 公開太郎") && !page.body.contains(&hidden));
    // The head office sees the organisation facet.
    let api = hq.get(&format!("/api/v1/search?q={}", enc("公開太郎"))).await.json();
    assert_eq!(api["facets"]["organisation"][0]["name"], hidden.as_str());
}

/// Suggestions are titles that hold what was typed, in any width or case (ﾀｲ is タイ); a page
/// that only mentions it in its text is no title suggestion.
async fn suggestions_are_titles_holding_what_was_typed(app: &TestApp) {
    let mut s = app.login("hq-viewer").await;
    for typed in ["ﾀｲ", "タイ", "ｔｅａｍ"] {
        let got = s.get(&format!("/api/v1/search/suggest?q={}", enc(typed))).await.json();
        let titles: Vec<&str> = got.as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap()).collect();
        assert!(!titles.is_empty(), "{typed}: some suggestion");
        let want = kumiai_platform::text::fold(typed).to_lowercase();
        assert!(titles.iter().all(|t| kumiai_platform::text::fold(t).to_lowercase().contains(&want)), "{typed}: {titles:?}");
        assert!(got.as_array().unwrap().iter().all(|h| h["url"].as_str().unwrap().starts_with('/')), "each with its page");
    }
    // 団体交渉 appears in the dispute record's text, not in any title.
    let body_only = s.get(&format!("/api/v1/search/suggest?q={}", enc("団体交渉"))).await.json();
    assert!(body_only.as_array().unwrap().iter().all(|h| h["title"].as_str().unwrap().contains("団体交渉")), "{body_only}");
}
