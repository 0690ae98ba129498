//! Walks every registered route as each tier, with the ids each module's descriptor names for
//! the walk: none answers successfully about a record the tier may not see, none fails with a
//! server error, every paged list survives any page number, and every API route is in the
//! OpenAPI document.

use crate::common::TestApp;
use axum::http::{Method, StatusCode};
use kumiai_platform::module::WalkTarget;
use kumiai_platform::web::{Guard, route_table};

on_both_backends!(every_route_as_every_tier, every_route_survives_any_page_number, openapi_lists_every_api_route, malformed_input_gets_a_bilingual_error);

/// Every module's walk targets.
async fn targets(app: &TestApp) -> Vec<WalkTarget> {
    let mut out = vec![];
    for m in kumiai::app::modules() {
        if let Some(walk) = m.walk {
            out.extend(walk(&app.db).await.unwrap());
        }
    }
    out
}

/// The route with its parameters filled: for the head office a record it sees, for everyone else
/// one hidden from them. Returns the URL and whether it names a record hidden from `who`.
fn fill(path: &str, targets: &[WalkTarget], is_hq: bool, hq_admin: i64) -> (String, bool) {
    let target = targets.iter().filter(|t| path.starts_with(t.route_prefix)).max_by_key(|t| t.route_prefix.len());
    let mut url = path.to_string();
    let mut hides = false;
    if let Some(t) = target {
        for (k, v) in if is_hq { &t.visible } else { &t.hidden } {
            url = url.replace(&format!("{{{k}}}"), v);
        }
        hides = !is_hq && path.contains("{id}");
    }
    // The remaining parameters are the viewer's own (accounts) or no record.
    let url = url.replace("{id}", &hq_admin.to_string()).replace("{rev}", "1").replace("{name}", "x").replace("{file}", "organisations.csv");
    (url, hides)
}

async fn every_route_as_every_tier(app: &TestApp) {
    let targets = targets(app).await;
    let hq_admin = kumiai_platform::accounts::by_login(&app.db, "hq-admin").await.unwrap().unwrap().id.get();
    let routes = route_table(&kumiai::app::modules());
    assert!(routes.len() > 40, "route table looks incomplete: {}", routes.len());
    let mut checked = 0;
    for who in ["anonymous", "partner-admin", "ent-admin", "jaw-admin", "hq-admin"] {
        let is_hq = who == "hq-admin";
        let mut s = if who == "anonymous" { app.visitor().await } else { app.login(who).await };
        for (method, path, guard) in &routes {
            let (url, hides) = fill(path, &targets, is_hq, hq_admin);
            if url == "/logout" {
                continue; // would end the session the walk goes on with
            }
            let r = match *method {
                Method::GET => s.get(&url).await,
                Method::POST if url.starts_with("/api/") => s.json("POST", &url, &serde_json::json!({"version": 1})).await,
                Method::PUT => s.json("PUT", &url, &serde_json::json!({"version": 1})).await,
                _ => s.post(&url, &[("version", "1")]).await,
            };
            assert!(!r.status.is_server_error(), "{who} {method} {url}: {} {}", r.status, r.body.chars().take(300).collect::<String>());
            // One term per concept (GLOSSARY.md): reach is 情報到達範囲 on every screen; and no
            // page is titled after the product twice.
            assert!(!r.body.contains("公開範囲") && !r.body.contains("<title>Kumiai — Kumiai"), "{who} {method} {url}: an old term or a doubled title");
            if hides {
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

/// `?page=` with the largest numbers a query can carry, on every GET route: clamped, never an
/// overflow (which used to close the connection with no answer).
async fn every_route_survives_any_page_number(app: &TestApp) {
    let targets = targets(app).await;
    let hq_admin = kumiai_platform::accounts::by_login(&app.db, "hq-admin").await.unwrap().unwrap().id.get();
    let mut s = app.login("hq-admin").await;
    let mut paged = 0;
    for (method, path, _) in route_table(&kumiai::app::modules()) {
        if method != Method::GET {
            continue;
        }
        let (url, _) = fill(path, &targets, true, hq_admin);
        for page in ["9223372036854775807", "4611686018427387904", "-9223372036854775808", "0"] {
            let sep = if url.contains('?') { '&' } else { '?' };
            let r = s.get(&format!("{url}{sep}page={page}&per_page={page}&q=a")).await;
            assert!(!r.status.is_server_error(), "GET {url} page={page}: {} {}", r.status, r.body.chars().take(200).collect::<String>());
            if r.status == StatusCode::OK && (r.body.contains("page") || r.body.contains("pager")) {
                paged += 1;
            }
        }
    }
    assert!(paged > 10, "the paged lists were reached ({paged})");
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
        assert!(op["responses"]["400"].is_object(), "{method} {path} does not document its 400 answer");
    }
    // Creating needs reach (nobody gets a reach they did not choose); changing needs only the
    // version, and every field a change leaves out keeps its value.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let inputs: Vec<&String> = schemas.keys().filter(|k| k.ends_with("Input") && schemas[k.as_str()]["properties"]["reach"].is_object()).collect();
    assert!(inputs.len() >= 3, "organisation, person and page inputs: {inputs:?}");
    for name in inputs {
        let required = &schemas[name.as_str()]["required"];
        assert!(required.as_array().unwrap().contains(&serde_json::json!("reach")), "{name} does not require reach: {required}");
        let change = &schemas[&name.replace("Input", "Change")];
        assert_eq!(change["required"], serde_json::json!(["version"]), "{name}'s change requires more than the version");
    }
    // Anonymous readers may read (reach decides what they get); writes name their answers.
    let get = &doc["paths"]["/api/v1/organisations"]["get"];
    assert!(get["security"].as_array().unwrap().contains(&serde_json::json!({})), "anonymous reading is documented");
    let put = &doc["paths"]["/api/v1/organisations/{id}"]["put"]["responses"];
    assert_eq!(put["409"]["$ref"], "#/components/responses/Conflict");
    assert_eq!(put["413"]["$ref"], "#/components/responses/Error");
}

async fn malformed_input_gets_a_bilingual_error(app: &TestApp) {
    let mut s = app.login("jaw-viewer").await;
    // An empty filter, as a GET form sends it, is no filter.
    assert_eq!(s.get("/directory/organisations?q=&parent=&page=").await.status, StatusCode::OK);
    // An option the list does not have is refused with its value, not silently ignored.
    for (url, value) in [("/api/v1/organisations?sort=bogus", "bogus"), ("/api/v1/people?gender=robot", "robot"), ("/api/v1/wiki/pages?kind=memo", "memo"), ("/api/v1/search?q=JAM&sort=oldest", "oldest")] {
        let r = s.get(url).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}");
        assert!(r.json()["error"]["message"].as_str().unwrap().contains(value), "{url}: {}", r.body);
    }
    let bad = s.get("/api/v1/organisations?page=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let e = bad.json();
    assert_eq!(e["error"]["code"], "bad_request");
    assert!(e["error"]["message_ja"].as_str().unwrap().contains("URL"));
    let mut hq = app.login("hq-editor").await;
    let broken = hq.json("POST", "/api/v1/organisations", &serde_json::json!("not an object")).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.json()["error"]["code"], "bad_request");
    // A path id that is not a number: a JSON 400, and no cookie, like every API error.
    let mut anon = app.session();
    let r = anon.get("/api/v1/organisations/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.headers.get("content-type").unwrap().to_str().unwrap().starts_with("application/json"), "{:?}", r.headers);
    assert_eq!(r.json()["error"]["code"], "bad_request");
    assert!(r.headers.get("set-cookie").is_none(), "the API sets no cookie: {:?}", r.headers.get("set-cookie"));
    // A method the route does not have, under /api: JSON too.
    let r = hq.json("DELETE", "/api/v1/organisations", &serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.json()["error"]["message_ja"].is_string());
}
