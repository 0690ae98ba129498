//! Pages read once and kept (`platform::cache`), pages a cache in front may keep, and views that
//! never write: what is kept never shows more than the reader may see now.

use crate::common::{Backend, TestApp};
use axum::http::{StatusCode, header};
use axum::body::Body;

on_both_backends!(
    anonymous_pages_carry_no_cookie_and_revalidate,
    a_link_becomes_text_when_its_target_is_narrowed,
    views_never_write,
    api_tokens_note_their_use_once_a_minute
);

async fn create_page(s: &mut crate::common::Session, title: &str, body: &str, reach: &str) -> (i64, i64) {
    let r = s.json("POST", "/api/v1/wiki/pages", &serde_json::json!({"title": title, "body": body, "reach": reach})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    (v["id"].as_i64().unwrap(), v["version"].as_i64().unwrap())
}

async fn anonymous_pages_carry_no_cookie_and_revalidate(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    let (id, version) = create_page(&mut hq, "キャッシュ確認", "公開の本文。", "public").await;
    let url = format!("/wiki/page/{id}");
    let mut anon = app.session();
    let first = anon.get(&url).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.headers.get(header::SET_COOKIE).is_none(), "no cookie before a form needs one: {:?}", first.headers);
    assert!(first.headers[header::CACHE_CONTROL].to_str().unwrap().contains("public"), "{:?}", first.headers);
    assert!(first.headers[header::VARY].to_str().unwrap().contains("Cookie"));
    let etag = first.headers[header::ETAG].to_str().unwrap().to_string();
    // Asked again with its tag: 304 and no body.
    let req = |tag: &str| axum::http::Request::builder().uri(&url).header(header::HOST, "localhost").header(header::IF_NONE_MATCH, tag).body(Body::empty()).unwrap();
    let again = anon.send(req(&etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty() && again.headers.get(header::SET_COOKIE).is_none());
    assert_eq!(anon.send(req("\"another\"")).await.status, StatusCode::OK);
    // After a change the old tag gets the new page.
    let r = hq.json("PUT", &format!("/api/v1/wiki/pages/{id}"), &serde_json::json!({"version": version, "body": "書き直した本文。"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let changed = anon.send(req(&etag)).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert!(changed.body.contains("書き直した本文") && changed.headers[header::ETAG] != etag.as_str());
    // A page with a form sets the form token's cookie and is never stored.
    let login = anon.get("/login").await;
    assert!(login.headers.get_all(header::SET_COOKIE).iter().any(|c| c.to_str().unwrap().starts_with("kumiai_pre=")));
    assert_eq!(login.headers[header::CACHE_CONTROL], "no-store");
    assert!(login.headers.get(header::ETAG).is_none());
    // With that cookie the visitor can log in (the token in the form matches).
    assert_eq!(anon.login("hq-viewer", kumiai_directory::demo::DEMO_PASSWORD).await.status, StatusCode::SEE_OTHER);
    // A logged-in reader's page is theirs alone.
    let mine = hq.get(&url).await;
    assert_eq!(mine.headers[header::CACHE_CONTROL], "no-store");
    assert!(mine.headers.get(header::ETAG).is_none());
    // So is the first page after logging out: it tells this visitor alone that they are out.
    anon.get("/").await; // the logged-in session's form token
    assert_eq!(anon.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    let out = anon.get(&url).await;
    assert!(out.body.contains("ログアウトしました"), "{}", out.body);
    assert_eq!(out.headers[header::CACHE_CONTROL], "no-store");
    assert!(out.headers.get(header::ETAG).is_none());
    let after = anon.get(&url).await;
    assert!(!after.body.contains("ログアウトしました") && after.headers.get(header::ETAG).is_some(), "then public again");
}

async fn a_link_becomes_text_when_its_target_is_narrowed(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    let (target, target_version) = create_page(&mut hq, "リンク先の記録", "いずれ本部限定にする。", "public").await;
    let (linking, linking_version) = create_page(&mut hq, "リンク元の記録", "詳しくは [[リンク先の記録]] を参照。", "public").await;
    let url = format!("/wiki/page/{linking}");
    let link = format!("href=\"/wiki/page/{target}\"");
    let mut anon = app.session();
    let mut ent = app.login("ent-viewer").await;
    for s in [&mut anon, &mut ent] {
        let page = s.get(&url).await;
        assert!(page.body.contains(&link), "visible target, a link: {}", page.body);
    }
    let r = hq.json("PUT", &format!("/api/v1/wiki/pages/{target}"), &serde_json::json!({"version": target_version, "reach": "hq"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for s in [&mut anon, &mut ent] {
        let page = s.get(&url).await;
        assert!(!page.body.contains(&link), "the kept render no longer links for this reader");
        assert!(page.body.contains("リンク先の記録"), "the words stay");
        let api = s.get(&format!("/api/v1/wiki/pages/{linking}")).await.json();
        assert!(!api["html"].as_str().unwrap().contains(&link));
    }
    assert!(hq.get(&url).await.body.contains(&link), "the head office still follows it");
    let stored: i64 = sqlx::query_scalar("SELECT version FROM wiki_pages WHERE id = $1").bind(linking).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, linking_version, "the linking page was not saved again");
}

async fn views_never_write(app: &TestApp) {
    let mut anon = app.session();
    let mut ent = app.login("ent-viewer").await;
    let page = app.page_id("TEAM（タイ）").await;
    let org = app.org_id("JAW").await;
    let paths = [
        "/".to_string(),
        "/directory/organisations".into(),
        format!("/directory/organisations/{org}"),
        "/directory/people".into(),
        "/wiki".into(),
        format!("/wiki/page/{page}"),
        format!("/wiki/page/{page}/history"),
        "/search?q=TEAM".into(),
        format!("/api/v1/organisations/{org}"),
        format!("/api/v1/wiki/pages/{page}"),
    ];
    // Every write moves the caches' epoch (Db::commit, Db::execute, a tidy rule); views must
    // leave it where it is.
    let before = app.db.caches.epoch();
    for _ in 0..3 {
        for p in &paths {
            for s in [&mut anon, &mut ent] {
                let r = s.get(p).await;
                assert!(r.status.is_success(), "{p}: {}", r.status);
            }
        }
    }
    assert_eq!(app.db.caches.epoch(), before, "a page view wrote");
}

async fn api_tokens_note_their_use_once_a_minute(app: &TestApp) {
    let mut s = app.login("jaw-viewer").await;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'jaw-viewer'").fetch_one(&app.db.pool).await.unwrap();
    let token = kumiai_platform::accounts::issue_token(&app.db, &kumiai_platform::audit::Actor::system("test"), kumiai_core::UserId(user), "test").await.unwrap();
    s.cookies.clear();
    s.bearer = Some(token);
    assert_eq!(s.get("/api/v1/me").await.status, StatusCode::OK);
    let used = || async { sqlx::query_scalar::<_, Option<i64>>("SELECT last_used_at FROM api_tokens WHERE user_id = $1").bind(user).fetch_one(&app.db.pool).await.unwrap() };
    let first = used().await.expect("the first use is noted");
    // What a write would leave: an audit entry, or a new version of the token. (Not the cache
    // epoch: the change watcher may still be catching up with the token's issue.)
    let written = || async {
        sqlx::query_as::<_, (i64, i64)>("SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_log), (SELECT version FROM api_tokens WHERE user_id = $1)")
            .bind(user)
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let before = written().await;
    for _ in 0..5 {
        assert_eq!(s.get("/api/v1/me").await.status, StatusCode::OK);
    }
    assert_eq!(used().await, Some(first), "noted at most once a minute");
    assert_eq!(written().await, before, "and nothing else was written");
}

/// A write by another process (a command beside the server) reaches the server's caches through
/// the audit log within a moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_write_reaches_the_caches() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let id = app.page_id("TEAM（タイ）").await;
    let url = format!("/wiki/page/{id}");
    let mut anon = app.session();
    assert_eq!(anon.get(&url).await.status, StatusCode::OK);
    // A second handle on the same database, with caches of its own, as `kumiai` on the command
    // line would open.
    let other = kumiai_platform::Db::connect(&app.config.database_url).await.unwrap();
    let version: i64 = sqlx::query_scalar("SELECT version FROM wiki_pages WHERE id = $1").bind(id).fetch_one(&other.pool).await.unwrap();
    let patch = kumiai_platform::web::Patch::from_map(serde_json::json!({"version": version, "reach": "hq"}).as_object().unwrap().clone());
    kumiai_wiki::store::save(&other, &kumiai_core::Viewer::system(), kumiai_core::PageId(id), &patch, kumiai_core::time::now_ms()).await.unwrap();
    let mut status = StatusCode::OK;
    for _ in 0..50 {
        status = anon.get(&url).await.status;
        if status == StatusCode::NOT_FOUND {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, StatusCode::NOT_FOUND, "the narrowed page is hidden within 2.5 s");
    app.cleanup().await;
}
