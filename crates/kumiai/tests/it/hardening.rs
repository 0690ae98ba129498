//! Writes keep what they are not given and the log keeps the row as stored; hostile input gets a
//! clear answer (control characters, full-width digits, huge bodies, forged forwarding headers),
//! and two writers racing for one code never see a server error.

use crate::common::{Backend, Fixture, Session, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use std::net::SocketAddr;

on_both_backends!(
    a_put_without_reach_keeps_it_on_every_entity,
    the_log_keeps_the_row_as_stored,
    control_characters_and_full_width_digits,
    oversized_bodies_get_413_with_the_limit,
    two_creates_of_one_code_race_to_one_winner,
);

async fn version(s: &mut Session, url: &str) -> i64 {
    s.get(url).await.json()["version"].as_i64().unwrap()
}

async fn stored_reach(app: &TestApp, table: &str, id: i64) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT reach FROM {table} WHERE id = $1"))).bind(id).fetch_one(&app.db.pool).await.unwrap()
}

/// The fuzzer's finding: a PUT with only the fields it changes used to reset reach to
/// affiliates (and wipe other omitted fields). Omitted fields now keep their stored values.
async fn a_put_without_reach_keeps_it_on_every_entity(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    // An organisation only the head office sees, and the head office itself (public).
    for code in ["E00014", "JCM"] {
        let id = app.org_id(code).await;
        let before = stored_reach(app, "organisations", id).await;
        let name_en: String = sqlx::query_scalar("SELECT name_en FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
        let url = format!("/api/v1/organisations/{id}");
        let v = version(&mut hq, &url).await;
        let r = hq.json("PUT", &url, &serde_json::json!({"version": v, "note": "PUTで備考だけ"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(stored_reach(app, "organisations", id).await, before, "{code}: reach unchanged");
        let now_en: String = sqlx::query_scalar("SELECT name_en FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(now_en, name_en, "{code}: other omitted fields unchanged");
    }
    assert_eq!(app.session().get(&format!("/api/v1/organisations/{}", app.org_id("JCM").await)).await.status, StatusCode::OK, "still public");
    assert_eq!(app.login("jaw-viewer").await.get(&format!("/api/v1/organisations/{}", app.org_id("E00014").await)).await.status, StatusCode::NOT_FOUND, "still hidden");
    // A person with a position in English: a PUT naming the Japanese position keeps the rest.
    let pid: i64 = sqlx::query_scalar("SELECT id FROM people WHERE reach = 'hq' AND position_en <> '' ORDER BY id LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    let url = format!("/api/v1/people/{pid}");
    let before: (String, String, Option<String>) = sqlx::query_as("SELECT name_latin, position_en, term_start FROM people WHERE id = $1").bind(pid).fetch_one(&app.db.pool).await.unwrap();
    let v = version(&mut hq, &url).await;
    let r = hq.json("PUT", &url, &serde_json::json!({"version": v, "position_ja": "副委員長"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(stored_reach(app, "people", pid).await, "hq");
    let after: (String, String, Option<String>) = sqlx::query_as("SELECT name_latin, position_en, term_start FROM people WHERE id = $1").bind(pid).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(after, before);
    // A head-office-only page: body alone.
    let memo = app.page_id("本部内メモ：定期協議の準備").await;
    let url = format!("/api/v1/wiki/pages/{memo}");
    let v = version(&mut hq, &url).await;
    let r = hq.json("PUT", &url, &serde_json::json!({"version": v, "title": "本部内メモ：定期協議の準備", "body": "x"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(stored_reach(app, "wiki_pages", memo).await, "hq");
    assert_eq!(app.login("ent-viewer").await.get(&url).await.status, StatusCode::NOT_FOUND, "still hidden from affiliates");
    // Emptying reach on purpose is refused, never taken as a default.
    let v = version(&mut hq, &url).await;
    for reach in [serde_json::json!(""), serde_json::Value::Null] {
        let r = hq.json("PUT", &url, &serde_json::json!({"version": v, "reach": reach})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["fields"][0]["field"], "reach");
    }
    // A PUT without a version is refused, naming it.
    let r = hq.json("PUT", &url, &serde_json::json!({"body": "y"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "version");
    // A field that does not exist is named, not ignored.
    let r = hq.json("PUT", &url, &serde_json::json!({"version": v, "reech": "public"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "reech");
}

/// The audit entry is the row as stored, not the request: reach appears as stored even when the
/// request did not name it.
async fn the_log_keeps_the_row_as_stored(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    let id = app.org_id("E00014").await;
    let url = format!("/api/v1/organisations/{id}");
    let v = version(&mut hq, &url).await;
    assert_eq!(hq.json("PUT", &url, &serde_json::json!({"version": v, "name_kana": "ろぐてすと"})).await.status, StatusCode::OK);
    let (before, after): (String, String) = sqlx::query_as("SELECT before_json, after_json FROM audit_log WHERE entity = 'organisation' AND record_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (before, after): (serde_json::Value, serde_json::Value) = (serde_json::from_str(&before).unwrap(), serde_json::from_str(&after).unwrap());
    let row: (String, String, String, i64) = sqlx::query_as("SELECT reach, name_kana, name_ja, version FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!((after["reach"].as_str().unwrap(), after["name_kana"].as_str().unwrap(), after["name_ja"].as_str().unwrap(), after["version"].as_i64().unwrap()), (row.0.as_str(), row.1.as_str(), row.2.as_str(), row.3));
    assert_eq!(before["reach"], "hq");
    assert_eq!(before["version"].as_i64().unwrap() + 1, row.3);
    // A page's entry too (the text lives in its revision).
    let memo = app.page_id("本部内メモ：定期協議の準備").await;
    let url = format!("/api/v1/wiki/pages/{memo}");
    let v = version(&mut hq, &url).await;
    assert_eq!(hq.json("PUT", &url, &serde_json::json!({"version": v, "body": "改訂"})).await.status, StatusCode::OK);
    let after: String = sqlx::query_scalar("SELECT after_json FROM audit_log WHERE entity = 'wiki_page' AND record_id = $1 ORDER BY id DESC LIMIT 1").bind(memo).fetch_one(&app.db.pool).await.unwrap();
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["reach"], "hq");
    assert_eq!(after["version"].as_i64().unwrap(), v + 1);
}

async fn control_characters_and_full_width_digits(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    for (field, value) in [("name_ja", "労組\u{1b}[31m"), ("name_en", "Union\u{7}"), ("code", "E\u{0}1"), ("name_kana", "ろうくみ\nあい")] {
        let mut body = serde_json::json!({"code": "CTRL1", "kind": "enterprise_union", "parent": "JAW", "name_ja": "制御文字労組", "reach": "affiliates"});
        body[field] = value.into();
        let r = hq.json("POST", "/api/v1/organisations", &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        let f = &r.json()["error"]["fields"][0];
        assert_eq!(f["field"], field);
        let shown = value.chars().find(|c| c.is_control()).unwrap().escape_unicode().to_string();
        assert!(f["message"]["en"].as_str().unwrap().contains(&shown), "the message shows the refused value: {f}");
    }
    // Full-width digits are digits; a refused value is quoted.
    let id = app.org_id("E00001").await;
    let r = hq.json("PUT", &format!("/api/v1/organisations/{id}/member-counts"), &serde_json::json!({"fiscal_year": "２０２９", "members": "１５，５００", "dues_paying": "１５０００"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m: i64 = sqlx::query_scalar("SELECT members FROM member_counts WHERE org_id = $1 AND fiscal_year = 2029").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(m, 15_500);
    // JSON numbers are numbers too, as the OpenAPI document allows.
    let r = hq.json("PUT", &format!("/api/v1/organisations/{id}/member-counts"), &serde_json::json!({"fiscal_year": 2030, "members": 16000, "dues_paying": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m: i64 = sqlx::query_scalar("SELECT members FROM member_counts WHERE org_id = $1 AND fiscal_year = 2030").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(m, 16_000);
    let r = hq.json("PUT", &format!("/api/v1/organisations/{id}/member-counts"), &serde_json::json!({"fiscal_year": "来年度", "members": "十五"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let msgs = r.body;
    assert!(msgs.contains("来年度") && msgs.contains("十五"), "{msgs}");
}

async fn oversized_bodies_get_413_with_the_limit(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    let huge = "あ".repeat(1_000_000);
    let r = hq.json("POST", "/api/v1/organisations", &serde_json::json!({"code": "BIG", "note": huge})).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let e = r.json();
    assert_eq!(e["error"]["code"], "payload_too_large");
    assert!(e["error"]["message"].as_str().unwrap().contains("2 MB") && e["error"]["message_ja"].as_str().unwrap().contains("2 MB"), "{e}");
    // A form larger than any form of Kumiai's.
    let form = hq.post("/directory/organisations/new", &[("code", "BIG"), ("note", &"x".repeat(5 * 1024 * 1024))]).await;
    assert_eq!(form.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(form.body.contains("4 MB"), "the page says the limit");
}

/// Two officers add the same code at the same moment: one wins, the other is told the code is
/// not available — never a server error.
async fn two_creates_of_one_code_race_to_one_winner(app: &TestApp) {
    let mut a = app.login("hq-editor").await;
    let mut b = app.login("jaw-editor").await;
    for n in 0..5 {
        let body = serde_json::json!({"code": format!("RACE{n}"), "kind": "enterprise_union", "parent": "JAW", "name_ja": "競争労組", "reach": "affiliates"});
        let (ra, rb) = tokio::join!(a.json("POST", "/api/v1/organisations", &body), b.json("POST", "/api/v1/organisations", &body));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY], "{} / {}", ra.body, rb.body);
        let loser = if ra.status == StatusCode::CREATED { rb } else { ra };
        assert_eq!(loser.json()["error"]["fields"][0]["field"], "code");
        let title = serde_json::json!({"title": format!("競争ページ{n}"), "reach": "affiliates", "body": "x"});
        let (ra, rb) = tokio::join!(a.json("POST", "/api/v1/wiki/pages", &title), b.json("POST", "/api/v1/wiki/pages", &title));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY], "{} / {}", ra.body, rb.body);
    }
}

/// Logins throttle per client address. Without a configured proxy the connection's peer is the
/// client, whatever `X-Forwarded-For` says; behind a trusted proxy, the right-most address it
/// did not add itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_are_trusted_only_from_configured_proxies() {
    // Each attempt names another login, so only the address can be what blocks it.
    let n = std::sync::atomic::AtomicUsize::new(0);
    let attempt = |s: &mut Session, peer: &str, forwarded: &str| {
        let login = format!("nobody{}", n.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let mut req = s
            .builder("POST", "/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", forwarded)
            .body(Body::from(format!("_csrf={}&login={login}&password=wrong", s.csrf)))
            .unwrap();
        req.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        req
    };
    // No proxy configured: rotating the header does not dodge the limit.
    let app = TestApp::spawn_with(Backend::Sqlite, Fixture::Empty).await.unwrap();
    let mut s = app.visitor().await;
    for i in 0..5 {
        let r = s.send(attempt(&mut s.clone(), "203.0.113.7:5000", &format!("198.51.100.{i}"))).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = s.send(attempt(&mut s.clone(), "203.0.113.7:5000", "198.51.100.99")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the peer is the client");
    // Nor can a client lock out another address by naming it.
    let r = s.send(attempt(&mut s.clone(), "203.0.113.8:5000", "203.0.113.7")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "another peer is not blocked by a forged header");

    // Behind a trusted proxy: the right-most untrusted entry is the client.
    let app = TestApp::spawn_configured(Backend::Sqlite, Fixture::Empty, kumiai::app::modules(), |c| {
        c.trusted_proxies = vec![kumiai_platform::config::IpNet::parse("10.0.0.0/8").unwrap()];
    })
    .await
    .unwrap();
    let mut s = app.visitor().await;
    for i in 0..5 {
        // The client forges entries on the left; the proxy appends the address it saw.
        let r = s.send(attempt(&mut s.clone(), "10.0.0.2:443", &format!("6.6.6.{i}, 192.0.2.50"))).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = s.send(attempt(&mut s.clone(), "10.0.0.2:443", "192.0.2.50, 10.0.0.9")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "192.0.2.50 is the client, behind two proxies");
    let r = s.send(attempt(&mut s.clone(), "10.0.0.2:443", "192.0.2.51")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "another client behind the same proxy is not blocked");
}
