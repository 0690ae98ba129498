//! Walks every registered route as each tier and checks that none answers successfully about a
//! record the tier may not see, and that the reach guard refuses a record-bearing route that never
//! asked the reach layer.

mod common;

use axum::http::{Method, StatusCode};
use axum::routing::get;
use common::TestApp;
use kumiai_platform::web::{Guard, Module, Route, build_router, route_table};

on_both_backends!(every_route_as_every_tier, openapi_lists_every_api_route, malformed_input_gets_a_bilingual_error);

async fn every_route_as_every_tier(app: &TestApp) {
    let hidden_org = app.org_id("E00014").await; // head office only
    let visible_org = app.org_id("E00001").await;
    let hidden_person: i64 = sqlx::query_scalar("SELECT id FROM people WHERE reach = 'hq' ORDER BY id LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    let hq_admin = kumiai_platform::accounts::by_login(&app.db, "hq-admin").await.unwrap().unwrap().id;
    let hidden_page: i64 = sqlx::query_scalar("SELECT id FROM wiki_pages WHERE reach = 'hq' ORDER BY id LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    let visible_page: i64 = sqlx::query_scalar("SELECT id FROM wiki_pages WHERE reach = 'public' ORDER BY id LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    let routes = route_table(&kumiai::app::modules());
    assert!(routes.len() > 40, "route table looks incomplete: {}", routes.len());
    let mut checked = 0;
    for who in ["anonymous", "partner-admin", "ent-admin", "jaw-admin", "hq-admin"] {
        let is_hq = who == "hq-admin";
        let mut s = if who == "anonymous" { app.visitor().await } else { app.login(who).await };
        for (method, path, guard) in &routes {
            // Each {id} is a record hidden from this tier (for the head office, one it sees).
            let hides = path.contains("{id}") && !is_hq;
            let id = if path.starts_with("/wiki/page") || path.starts_with("/api/v1/wiki") {
                if is_hq { visible_page } else { hidden_page }
            } else if path.starts_with("/directory/people") || path.starts_with("/api/v1/people") {
                if is_hq { visible_org } else { hidden_person }
            } else if path.starts_with("/admin/users") || path.starts_with("/account/tokens") {
                hq_admin
            } else if is_hq {
                visible_org
            } else {
                hidden_org
            };
            let url = path.replace("{id}", &id.to_string()).replace("{file}", "organisations.csv").replace("{rev}", "1");
            if url == "/logout" {
                continue; // would end the session the walk goes on with
            }
            let r = match *method {
                Method::GET => s.get(&url).await,
                Method::POST if url.starts_with("/api/") => s.json("POST", &url, &serde_json::json!({"version": 1})).await,
                Method::PUT => s.json("PUT", &url, &serde_json::json!({"version": 1})).await,
                _ => s.post(&url, &[("version", "1")]).await,
            };
            assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{who} {method} {url}: {}", r.body);
            if hides && !path.starts_with("/account/") && !path.starts_with("/admin/users") {
                assert!(
                    r.status == StatusCode::NOT_FOUND
                        || (who == "anonymous"
                            && (r.status == StatusCode::UNAUTHORIZED
                                || (r.status == StatusCode::SEE_OTHER && r.location.as_deref().unwrap_or("").starts_with("/login")))),
                    "{who} reached hidden record through {method} {url}: {} {}",
                    r.status,
                    r.body.chars().take(300).collect::<String>()
                );
            }
            if path.starts_with("/admin/") && !is_hq {
                assert!(!r.status.is_success() || *path == "/admin/users" || *path == "/admin/users/new", "{who} {method} {url}: {}", r.status);
            }
            if *guard == Guard::Open {
                assert!(!path.contains("{id}") || path.starts_with("/account/"), "open route with a record id: {path}");
            }
            checked += 1;
        }
    }
    assert!(checked > 200);
}

async fn openapi_lists_every_api_route(app: &TestApp) {
    let doc = app.session().get("/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path, _) in route_table(&kumiai::app::modules()) {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let op = &doc["paths"][path][method.as_str().to_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in /api/openapi.json");
        assert!(op["responses"].is_object(), "{method} {path} has no responses");
    }
}

async fn malformed_input_gets_a_bilingual_error(app: &TestApp) {
    let mut s = app.login("jaw-viewer").await;
    // An empty filter, as a GET form sends it, is no filter.
    assert_eq!(s.get("/directory/organisations?q=&parent=&page=").await.status, StatusCode::OK);
    let bad = s.get("/api/v1/organisations?page=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let e = bad.json();
    assert_eq!(e["error"]["code"], "bad_request");
    assert!(e["error"]["message_ja"].as_str().unwrap().contains("URL"));
    let mut hq = app.login("hq-editor").await;
    let broken = hq.json("POST", "/api/v1/organisations", &serde_json::json!("not an object")).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.json()["error"]["code"], "bad_request");
}

/// A module whose route shows "records" without asking the reach layer.
fn leaky_module() -> Module {
    Module {
        name: "leaky",
        migrations: &[],
        nav: vec![],
        routes: vec![
            Route::get("/leaky", Guard::Reach, get(|| async { "secret" })),
            Route::get("/open", Guard::Open, get(|| async { "fine" })),
        ],
        openapi: serde_json::json!({}),
    }
}

#[tokio::test]
async fn reach_guard_refuses_a_route_that_never_asked() {
    let app = TestApp::spawn_with(common::Backend::Sqlite, false).await.unwrap();
    let mut modules = kumiai::app::modules();
    modules.push(leaky_module());
    let (router, _) = build_router(app.db.clone(), app.config.clone(), modules, Default::default());
    let mut s = common::Session::new(router);
    let leak = s.get("/leaky").await;
    assert_eq!(leak.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!leak.body.contains("secret"));
    assert_eq!(s.get("/open").await.body, "fine");
    assert_eq!(app.session().get("/leaky").await.status, StatusCode::NOT_FOUND, "the real app has no such route");
}
