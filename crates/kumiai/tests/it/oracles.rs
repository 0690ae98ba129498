//! Existence oracles: a record a reader may not see must answer exactly like one that does not
//! exist, on every path that could give it away — a taken code or title, a filter by id, a code
//! in an edit form or a history, a count of children, a sibling English copy, a redirect's target.
//! Each case runs as every tier that may not see the planted record.

use crate::common::{Session, TestApp};
use axum::http::StatusCode;
use kumiai_platform::orgs::HIDDEN_ORG;

on_both_backends!(
    taken_codes_and_titles_answer_the_same_whoever_has_them,
    filters_by_hidden_ids_act_like_missing_ids,
    edit_forms_and_histories_keep_hidden_references_unnamed,
    counts_and_siblings_say_nothing_of_hidden_records,
    a_public_redirect_does_not_name_a_hidden_target,
);

const NON_HQ_EDITORS: [&str; 3] = ["partner-editor", "ent-editor", "jaw-editor"];
const NON_HQ: [&str; 4] = ["anonymous", "partner-viewer", "ent-viewer", "jaw-viewer"];

async fn session(app: &TestApp, who: &str) -> Session {
    if who == "anonymous" { app.visitor().await } else { app.login(who).await }
}

fn error_fields(r: &crate::common::Reply) -> Vec<(String, String)> {
    r.json()["error"]["fields"].as_array().map(|a| a.iter().map(|f| (f["field"].as_str().unwrap().to_string(), f["message"]["en"].as_str().unwrap().to_string())).collect()).unwrap_or_default()
}

async fn taken_codes_and_titles_answer_the_same_whoever_has_them(app: &TestApp) {
    // E00014 and the memo are the head office's alone; E00001 and TEAM（タイ） everyone's below it.
    let hidden_title = "本部内メモ：定期協議の準備";
    // Who may not create learns nothing: the same refusal for a hidden, a visible and a free code.
    for who in ["partner-viewer", "ent-viewer", "jaw-viewer"] {
        let mut s = app.login(who).await;
        let answers: Vec<StatusCode> = futures_join(&mut s, ["E00014", "E00001", "FREE-CODE-1"]).await;
        assert_eq!(answers, [StatusCode::FORBIDDEN; 3], "{who}");
        for title in [hidden_title, "TEAM（タイ）", "まだない題名"] {
            let r = s.json("POST", "/api/v1/wiki/pages", &serde_json::json!({"title": title, "reach": "affiliates", "body": "x"})).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {title}");
        }
    }
    // An editor is told a taken code is not available, in the same words whoever has it.
    let mut jaw = app.login("jaw-editor").await;
    let org = |code: &str| serde_json::json!({"code": code, "kind": "enterprise_union", "parent": "JAW", "name_ja": "新しい労組", "reach": "affiliates"});
    let hidden = jaw.json("POST", "/api/v1/organisations", &org("E00014")).await;
    let visible = jaw.json("POST", "/api/v1/organisations", &org("E00001")).await;
    assert_eq!((hidden.status, visible.status), (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(error_fields(&hidden), error_fields(&visible), "a hidden and a visible holder answer alike");
    assert_eq!(error_fields(&hidden)[0].0, "code");
    assert_eq!(jaw.json("POST", "/api/v1/organisations", &org("FREE-CODE-1")).await.status, StatusCode::CREATED);
    // The form too.
    jaw.get("/directory/organisations/new").await;
    let form = |code: &'static str| vec![("code", code), ("kind", "enterprise_union"), ("parent", "JAW"), ("name_ja", "新しい労組"), ("reach", "affiliates")];
    let h = jaw.post("/directory/organisations/new", &form("E00014")).await;
    let v = jaw.post("/directory/organisations/new", &form("E00001")).await;
    let msg = |body: &str| body.split("id=\"f-code-err\">").nth(1).and_then(|r| r.split('<').next()).unwrap_or_default().to_string();
    assert_eq!(msg(&h.body), msg(&v.body));
    assert!(!msg(&h.body).is_empty());
    // Titles: the same for every tier's editors.
    for who in NON_HQ_EDITORS {
        let mut s = app.login(who).await;
        let page = |title: &str| serde_json::json!({"title": title, "reach": "affiliates", "body": "x"});
        let h = s.json("POST", "/api/v1/wiki/pages", &page(hidden_title)).await;
        let v = s.json("POST", "/api/v1/wiki/pages", &page("TEAM（タイ）")).await;
        assert_eq!((h.status, v.status), (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY), "{who}");
        assert_eq!(error_fields(&h), error_fields(&v), "{who}");
    }
}

/// Three creates by a viewer, one per code.
async fn futures_join(s: &mut Session, codes: [&str; 3]) -> Vec<StatusCode> {
    let mut out = vec![];
    for code in codes {
        let r = s.json("POST", "/api/v1/organisations", &serde_json::json!({"code": code, "kind": "enterprise_union", "parent": "JAW", "name_ja": "x", "reach": "affiliates"})).await;
        out.push(r.status);
    }
    out
}

async fn filters_by_hidden_ids_act_like_missing_ids(app: &TestApp) {
    let hidden = app.org_id("E00014").await;
    let missing = 987_654_321;
    // People of the hidden union whom affiliates may see: the filter must not find them.
    let visible_people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE org_id = $1 AND reach IN ('affiliates', 'public')").bind(hidden).fetch_one(&app.db.pool).await.unwrap();
    assert!(visible_people > 0, "the fixture has people an enterprise union sees in the hidden union");
    let mut hq = app.login("hq-editor").await;
    let r = hq.json("POST", "/api/v1/organisations", &serde_json::json!({"code": "E00014-PUB", "kind": "enterprise_union", "parent": "E00014", "name_ja": "公開の支部", "reach": "public"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for who in NON_HQ {
        let mut s = session(app, who).await;
        let norm = |body: &str, id: i64| body.replace(&format!("={id}"), "=ID").replace(&format!("\"{id}\""), "\"ID\"").replace(&format!("%3D{id}"), "%3DID");
        for (path, key) in [("/api/v1/organisations?parent=", "total"), ("/api/v1/people?org=", "total"), ("/api/v1/search?q=%E5%85%AC%E9%96%8B&org=", "total")] {
            let h = s.get(&format!("{path}{hidden}")).await;
            let m = s.get(&format!("{path}{missing}")).await;
            assert_eq!(h.status, m.status, "{who} {path}");
            assert_eq!(h.json()[key], 0, "{who} {path}{hidden}: {}", h.body);
            assert_eq!(norm(&h.body, hidden), norm(&m.body, missing), "{who} {path}");
        }
        for path in ["/directory/organisations?parent=", "/directory/people?org="] {
            let h = s.get(&format!("{path}{hidden}")).await;
            let m = s.get(&format!("{path}{missing}")).await;
            assert_eq!(norm(&h.body, hidden), norm(&m.body, missing), "{who} {path}");
        }
    }
    // The head office's filter finds the public branch.
    assert_eq!(hq.get(&format!("/api/v1/organisations?parent={hidden}")).await.json()["total"], 1);
}

async fn edit_forms_and_histories_keep_hidden_references_unnamed(app: &TestApp) {
    // E00005 is linked to C00005, a company only the head office sees.
    let e5 = app.org_id("E00005").await;
    let company = app.org_id("C00005").await;
    let mut s = app.login("jaw-editor").await;
    let parent: String = sqlx::query_scalar("SELECT p.code FROM organisations o JOIN organisations p ON p.id = o.parent_id WHERE o.id = $1").bind(e5).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(parent, "JAW", "the fixture puts E00005 under JAW");
    let form = s.get(&format!("/directory/organisations/{e5}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("C00005"), "the hidden company's code is not shown");
    assert!(form.body.contains(&format!("value=\"{HIDDEN_ORG}\"")), "the company field says it cannot be seen");
    // Saved as a browser sends the form back (a new name; the company field as shown), the
    // hidden company stays linked.
    let stored: (i64, String, String, String) = sqlx::query_as("SELECT version, reach, country, name_kana FROM organisations WHERE id = $1").bind(e5).fetch_one(&app.db.pool).await.unwrap();
    let version = stored.0.to_string();
    let pairs = [
        ("version", version.as_str()),
        ("code", "E00005"),
        ("kind", "enterprise_union"),
        ("parent", "JAW"),
        ("company", HIDDEN_ORG),
        ("name_ja", "改名した労働組合"),
        ("name_kana", stored.3.as_str()),
        ("country", stored.2.as_str()),
        ("reach", stored.1.as_str()),
        ("scope", ""),
        ("embargo_until", ""),
        ("shared_with", ""),
        ("note", ""),
    ];
    let r = s.post(&format!("/directory/organisations/{e5}/edit"), &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let linked: Option<i64> = sqlx::query_scalar("SELECT company_id FROM organisations WHERE id = $1").bind(e5).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(linked, Some(company), "kept as stored");
    // The page's history shows the change to its editors, the company as one they cannot see.
    let page = s.get(&format!("/directory/organisations/{e5}")).await.body;
    assert!(page.contains("改名した労働組合") && !page.contains("C00005"));
    // The API keeps it too when a PUT names only the name.
    let v = s.get(&format!("/api/v1/organisations/{e5}")).await.json();
    assert!(v["company"].is_null());
    let r = s.json("PUT", &format!("/api/v1/organisations/{e5}"), &serde_json::json!({"version": v["version"], "name_ja": "再改名した労働組合"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let linked: Option<i64> = sqlx::query_scalar("SELECT company_id FROM organisations WHERE id = $1").bind(e5).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(linked, Some(company));
    // A stale save shows both versions without the hidden code either.
    let stale = s.json("PUT", &format!("/api/v1/organisations/{e5}"), &serde_json::json!({"version": 1, "name_ja": "古い版から"})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let e = stale.json();
    assert!(!stale.body.contains("C00005"), "{}", stale.body);
    assert_eq!(e["error"]["current"]["company_id"], HIDDEN_ORG);
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&e["error"]["yours"]), keys(&e["error"]["current"]), "both versions have the same shape");

    // A visible branch under a hidden one: its parent is hidden from JAW, in the form and the move form.
    let mut hq = app.login("hq-editor").await;
    let r = hq.json("POST", "/api/v1/organisations", &serde_json::json!({"code": "E00002-HQ-V", "kind": "enterprise_union", "parent": "E00002-HQ", "name_ja": "公開支部労組", "reach": "affiliates"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let branch = r.json()["id"].as_i64().unwrap();
    let page = s.get(&format!("/directory/organisations/{branch}")).await.body;
    assert!(!page.contains("E00002-HQ\"") && page.contains(HIDDEN_ORG), "the move form keeps the parent unnamed");
    let v = s.get(&format!("/api/v1/organisations/{branch}")).await.json()["version"].clone();
    let r = s.json("PUT", &format!("/api/v1/organisations/{branch}"), &serde_json::json!({"version": v, "note": "産別が追記"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let path: String = sqlx::query_scalar("SELECT path FROM organisations WHERE id = $1").bind(branch).fetch_one(&app.db.pool).await.unwrap();
    assert!(path.contains(&format!("/{}/", app.org_id("E00002-HQ").await)), "not moved: {path}");
}

async fn counts_and_siblings_say_nothing_of_hidden_records(app: &TestApp) {
    // E00002's only child is E00002-HQ, which JAW cannot see: archiving it says nothing of that child.
    let e2 = app.org_id("E00002").await;
    let mut jaw = app.login("jaw-editor").await;
    let v = jaw.get(&format!("/api/v1/organisations/{e2}")).await.json()["version"].clone();
    let r = jaw.json("POST", &format!("/api/v1/organisations/{e2}/archive"), &serde_json::json!({"version": v})).await;
    assert_eq!(r.status, StatusCode::OK, "no count of hidden children: {}", r.body);
    let child_active: Option<i64> = sqlx::query_scalar("SELECT archived_at FROM organisations WHERE code = 'E00002-HQ'").fetch_one(&app.db.pool).await.unwrap();
    assert!(child_active.is_none(), "the hidden child is untouched");
    // The head office, which sees the child, is asked to move or archive it first.
    let e3 = app.org_id("E00003").await;
    let mut hq = app.login("hq-editor").await;
    let c = hq.json("POST", "/api/v1/organisations", &serde_json::json!({"code": "E00003-C", "kind": "enterprise_union", "parent": "E00003", "name_ja": "子労組", "reach": "hq"})).await;
    assert_eq!(c.status, StatusCode::CREATED);
    let v = hq.get(&format!("/api/v1/organisations/{e3}")).await.json()["version"].clone();
    let r = hq.json("POST", &format!("/api/v1/organisations/{e3}/archive"), &serde_json::json!({"version": v})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("1 organisations sit under this one"));

    // JAW's own page has an English copy only the head office sees: JAW may still start one.
    let master = app.page_id("自動車総連の国際連帯活動").await;
    let page = jaw.get(&format!("/wiki/page/{master}")).await.body;
    assert!(page.contains(&format!("/wiki/page/{master}/translate")), "the translate link is offered");
    assert!(!page.contains("JAW's international solidarity"), "the hidden copy is not named");
    let r = jaw.json("POST", "/api/v1/wiki/pages", &serde_json::json!({"title": "JAW international solidarity", "reach": "affiliates", "master": master.to_string(), "body": "Our own translation."})).await;
    assert_eq!(r.status, StatusCode::CREATED, "no 'already has an English copy': {}", r.body);
    // Now a copy JAW sees exists: that one is named, and a third is refused.
    let again = jaw.json("POST", "/api/v1/wiki/pages", &serde_json::json!({"title": "JAW solidarity 3", "reach": "affiliates", "master": master.to_string(), "body": "x"})).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_public_redirect_does_not_name_a_hidden_target(app: &TestApp) {
    let redirect = app.page_id("定期協議の記録").await;
    let target = app.page_id("定期協議の記録（本部）").await;
    for who in NON_HQ {
        let mut s = session(app, who).await;
        let api = s.get(&format!("/api/v1/wiki/pages/{redirect}")).await;
        assert_eq!(api.status, StatusCode::OK, "{who}: the redirect itself is public");
        let v = api.json();
        assert!(v["redirect"].as_bool().unwrap() && v["redirect_to"].is_null(), "{who}: {v}");
        assert!(!api.body.contains(&format!("\"redirect_to\":{target}")));
        assert_eq!(s.get(&format!("/wiki/page/{redirect}")).await.status, StatusCode::NOT_FOUND, "{who}: it leads nowhere they may go");
    }
    let mut hq = app.login("hq-viewer").await;
    assert_eq!(hq.get(&format!("/api/v1/wiki/pages/{redirect}")).await.json()["redirect_to"], target);
}
