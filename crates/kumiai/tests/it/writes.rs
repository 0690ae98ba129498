//! Writes: CSRF, login throttling, optimistic concurrency (two sessions, HTML and API), field
//! errors, audit and history, moves in the tree, archive/restore, API tokens, passwords.



use axum::http::StatusCode;
use crate::common::TestApp;

on_both_backends!(
    csrf_is_required_for_state_changes,
    login_is_throttled_per_account_and_address,
    concurrent_edits_conflict_instead_of_overwriting,
    api_conflict_returns_both_versions,
    invalid_form_shows_errors_by_the_fields,
    every_change_is_audited_and_the_log_is_hq_admin_only,
    moving_an_organisation_moves_its_subtree,
    archive_and_restore,
    member_counts_are_recorded_per_fiscal_year,
    api_tokens_authenticate_until_revoked,
    role_limits_what_a_user_may_change,
    session_cookies_are_httponly_samesite_and_secure_over_https,
);

fn field<'a>(body: &'a str, name: &str) -> &'a str {
    let key = format!("name=\"{name}\" value=\"");
    let i = body.find(&key).unwrap_or_else(|| panic!("no field {name}")) + key.len();
    &body[i..i + body[i..].find('"').unwrap()]
}

async fn csrf_is_required_for_state_changes(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    let id = app.org_id("E00001").await;
    let path = format!("/directory/organisations/{id}/counts");
    let no_token = s.post_raw(&path, &[("fiscal_year", "2026"), ("members", "10")], None).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let wrong = s.post_raw(&path, &[("fiscal_year", "2026"), ("members", "10")], Some("00000000000000000000000000000000")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // A page from another site, even with the right token in hand.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(&path)
        .header("host", "localhost")
        .header("origin", "https://evil.example")
        .header("cookie", s.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; "))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("_csrf={}&fiscal_year=2026&members=10", s.csrf)))
        .unwrap();
    assert_eq!(s.send(req).await.status, StatusCode::FORBIDDEN);
    let ok = s.post(&path, &[("fiscal_year", "2030"), ("members", "10")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member_counts WHERE org_id = $1 AND fiscal_year = 2030").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(n, 1, "only the request with a valid token wrote");
    // The login form too: a visitor without the form's token cannot log in (login CSRF).
    let mut v = app.session();
    assert_eq!(v.post_raw("/login", &[("login", "hq-admin"), ("password", kumiai_directory::demo::DEMO_PASSWORD)], None).await.status, StatusCode::FORBIDDEN);
}

async fn login_is_throttled_per_account_and_address(app: &TestApp) {
    let mut s = app.visitor().await;
    for _ in 0..5 {
        let r = s.post("/login", &[("login", "jaw-viewer"), ("password", "wrong password")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("ログイン名またはパスワードが違います"));
    }
    let blocked = s.post("/login", &[("login", "jaw-viewer"), ("password", kumiai_directory::demo::DEMO_PASSWORD)]).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS, "the right password is refused while throttled");
    // The address is throttled for other accounts too.
    let other = s.post("/login", &[("login", "ent-viewer"), ("password", kumiai_directory::demo::DEMO_PASSWORD)]).await;
    assert_eq!(other.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn concurrent_edits_conflict_instead_of_overwriting(app: &TestApp) {
    let id = app.org_id("E00001").await;
    let mut a = app.login("hq-editor").await;
    let mut b = app.login("jaw-editor").await;
    let edit = format!("/directory/organisations/{id}/edit");
    let form_a = a.get(&edit).await;
    let form_b = b.get(&edit).await;
    assert_eq!(form_a.status, StatusCode::OK);
    assert_eq!(form_b.status, StatusCode::OK, "the industrial union edits its enterprise union");
    let version = field(&form_a.body, "version").to_string();
    assert_eq!(version, field(&form_b.body, "version"));
    let base = |name: &str| {
        vec![
            ("version", version.clone()),
            ("code", "E00001".to_string()),
            ("kind", "enterprise_union".to_string()),
            ("parent", "JAW".to_string()),
            ("company", "C00001".to_string()),
            ("name_ja", name.to_string()),
            ("country", "JP".to_string()),
            ("reach", "affiliates".to_string()),
        ]
    };
    let fa = base("本部が直した名前労働組合");
    let fa: Vec<(&str, &str)> = fa.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = a.post(&edit, &fa).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let fb = base("産別が直した名前労働組合");
    let fb: Vec<(&str, &str)> = fb.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let second = b.post(&edit, &fb).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("産別が直した名前労働組合") && second.body.contains("本部が直した名前労働組合"), "the conflict page shows both versions");
    let stored: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, "本部が直した名前労働組合", "the first save stands");
    let updates: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'organisation' AND record_id = $1 AND action = 'update'")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(updates, 1);

    // Two forms of one version that change different fields: the second merges on its own.
    let (fa, fb) = (a.get(&edit).await, b.get(&edit).await);
    let version = field(&fa.body, "version").to_string();
    assert_eq!(version, field(&fb.body, "version"));
    let form = |extra: (&'static str, &'static str)| {
        let mut f = vec![("version", version.clone()), ("code", "E00001".to_string()), ("kind", "enterprise_union".to_string()), ("parent", "JAW".to_string()), ("company", "C00001".to_string()), ("name_ja", stored.clone()), ("country", "JP".to_string()), ("reach", "affiliates".to_string())];
        f.push((extra.0, extra.1.to_string()));
        f
    };
    let english = form(("name_en", "Merged Workers' Union"));
    let r = a.post(&edit, &english.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let note = form(("note", "産別が追記した備考"));
    let r = b.post(&edit, &note.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "a field only one side changed merges: {}", r.body);
    let (name_en, note): (String, String) = sqlx::query_as("SELECT name_en, note FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!((name_en.as_str(), note.as_str()), ("Merged Workers' Union", "産別が追記した備考"), "both changes kept");
}

async fn api_conflict_returns_both_versions(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    let id = app.org_id("E00002").await;
    let current = s.get(&format!("/api/v1/organisations/{id}")).await.json();
    let v = current["version"].as_i64().unwrap();
    let mut body = serde_json::json!({"version": v, "code": "E00002", "kind": "enterprise_union", "parent": current["parent"]["code"], "name_ja": "一回目", "reach": "affiliates"});
    let ok = s.json("PUT", &format!("/api/v1/organisations/{id}"), &body).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["version"], v + 1);
    body["name_ja"] = "二回目（古い版から）".into();
    let stale = s.json("PUT", &format!("/api/v1/organisations/{id}"), &body).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let e = stale.json();
    assert_eq!(e["error"]["code"], "version_conflict");
    assert_eq!(e["error"]["yours"]["name_ja"], "二回目（古い版から）");
    assert_eq!(e["error"]["current"]["name_ja"], "一回目");
}

async fn invalid_form_shows_errors_by_the_fields(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    s.get("/directory/organisations/new").await;
    let r = s
        .post("/directory/organisations/new", &[("code", "bad code!"), ("kind", "enterprise_union"), ("parent", "NOPE"), ("name_ja", ""), ("country", "JP"), ("reach", "affiliates")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, msg) in [("code", "「bad code!」：組織コードは32文字以内"), ("name_ja", "名称（日本語）を200文字以内で入力")] {
        let input = r.body.find(&format!("id=\"f-{field}\"")).unwrap_or_else(|| panic!("no input {field}"));
        let err = r.body.find(&format!("id=\"f-{field}-err\"")).unwrap_or_else(|| panic!("no error for {field}"));
        assert!(err > input && err - input < 700, "the error for {field} sits right after its input");
        assert!(r.body[err..].starts_with(&format!("id=\"f-{field}-err\">{msg}")), "{field}: {}", &r.body[err..err + 200]);
    }
    assert!(r.body.contains("value=\"bad code!\""), "what the user typed is kept");
    // Once the fields are fixed, the reference is checked and named.
    let r = s.post("/directory/organisations/new", &[("code", "NEW1"), ("kind", "enterprise_union"), ("parent", "NOPE"), ("name_ja", "新労組"), ("reach", "affiliates")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"f-parent-err\">組織コード「NOPE」が見つかりません"));
    // The API names the same fields.
    let api = s.json("POST", "/api/v1/organisations", &serde_json::json!({"code": "x y", "kind": "enterprise_union", "name_ja": ""})).await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = api.json()["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, ["code", "name_ja", "reach"], "a new record's reach is chosen, never defaulted");
}

async fn every_change_is_audited_and_the_log_is_hq_admin_only(app: &TestApp) {
    let mut s = app.login("jaw-editor").await;
    let r = s
        .json("POST", "/api/v1/organisations", &serde_json::json!({"code": "ENEW", "kind": "enterprise_union", "parent": "JAW", "name_ja": "監査テスト労組", "reach": "affiliates"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let detail = s.get(&format!("/directory/organisations/{id}")).await;
    assert!(detail.body.contains("変更履歴") && detail.body.contains("jaw-editor") && detail.body.contains("作成"), "the page shows its own history");
    // The history speaks the reader's words: labels, not column names; reach and kind in words;
    // only what changed; no versions.
    let v = s.get(&format!("/api/v1/organisations/{id}")).await.json()["version"].clone();
    let r = s.json("PUT", &format!("/api/v1/organisations/{id}"), &serde_json::json!({"version": v, "name_ja": "監査テスト労働組合"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = s.get(&format!("/directory/organisations/{id}")).await.body;
    let history = &page[page.find("class=\"history\"").unwrap()..];
    let history = &history[..history.find("</section>").unwrap()];
    for shown in ["更新", "名称", "<del>監査テスト労組</del>", "<ins>監査テスト労働組合</ins>", "傘下組合", "単組"] {
        assert!(history.contains(shown), "{shown} in {history}");
    }
    for hidden in ["name_ja", "version", "enterprise_union", "affiliates", ">update<", "<del></del>"] {
        assert!(!history.contains(hidden), "{hidden} in {history}");
    }
    let en = s.get_lang(&format!("/directory/organisations/{id}"), "en").await.body;
    assert!(en.contains("<th scope=\"row\">Name</th>") && en.contains("changed"), "English labels");
    let mut hq = app.login("hq-admin").await;
    let log = hq.get("/admin/audit?actor=jaw-editor").await;
    assert_eq!(log.status, StatusCode::OK);
    // The log names the record and links it, says what was done in words, and filters by module
    // and by day.
    assert!(log.body.contains(&format!("<a href=\"/directory/organisations/{id}\">組織「監査テスト労働組合」</a>")), "{}", log.body);
    assert!(log.body.contains(">作成<") && log.body.contains(">更新<") && !log.body.contains(">create<"));
    let today = kumiai_core::time::today();
    let tomorrow = today.tomorrow().unwrap();
    assert!(hq.get(&format!("/admin/audit?actor=jaw-editor&module=directory&from={today}&to={today}")).await.body.contains("監査テスト労働組合"));
    assert!(!hq.get("/admin/audit?actor=jaw-editor&module=wiki").await.body.contains("監査テスト"), "another module's entries only");
    assert!(!hq.get(&format!("/admin/audit?actor=jaw-editor&from={tomorrow}")).await.body.contains("監査テスト"), "from tomorrow: nothing yet");
    assert_eq!(hq.get("/admin/audit?from=2026-02-30").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(hq.get("/api/v1/audit?module=nothing").await.status, StatusCode::BAD_REQUEST);
    let api = hq.get("/api/v1/audit?entity=organisation&action=create&actor=jaw-editor").await.json();
    assert_eq!(api["total"], 1);
    assert_eq!(api["items"][0]["record_id"], id);
    for who in ["hq-editor", "jaw-admin", "ent-admin"] {
        let mut o = app.login(who).await;
        assert_eq!(o.get("/admin/audit").await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(o.get("/api/v1/audit").await.status, StatusCode::NOT_FOUND, "{who}");
    }
    // A reader who may not edit it sees who changed what and when, but not the old values.
    let mut v = app.login("ent-viewer").await;
    let page = v.get(&format!("/directory/organisations/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("変更履歴") && page.body.contains("jaw-editor"));
    assert!(!page.body.contains("<ins>") && !page.body.contains("<del>"), "values are for editors");
}

async fn moving_an_organisation_moves_its_subtree(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    let child = s
        .json("POST", "/api/v1/organisations", &serde_json::json!({"code": "E00001-SUB", "kind": "enterprise_union", "parent": "E00001", "name_ja": "支部労組", "reach": "affiliates"}))
        .await;
    assert_eq!(child.status, StatusCode::CREATED, "{}", child.body);
    let id = app.org_id("E00001").await;
    let detail = s.get(&format!("/directory/organisations/{id}")).await;
    let version = field(&detail.body, "version").to_string();
    let r = s.post(&format!("/directory/organisations/{id}/move"), &[("version", &version), ("parent", "JEIU")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let jeiu = app.org_id("JEIU").await;
    let hq = app.org_id("JCM").await;
    let sub = app.org_id("E00001-SUB").await;
    let path: String = sqlx::query_scalar("SELECT path FROM organisations WHERE id = $1").bind(sub).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(path, format!("/{hq}/{jeiu}/{id}/{sub}/"));
    // Moving under its own descendant is refused.
    let detail = s.get(&format!("/directory/organisations/{id}")).await;
    let version = field(&detail.body, "version").to_string();
    let r = s.post(&format!("/directory/organisations/{id}/move"), &[("version", &version), ("parent", "E00001-SUB")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("配下の組織の下には移せません"));
    // Reach follows the tree: the JAW officer lost sight of the moved subtree's Industrial-scoped records.
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE record_id = $1 AND action = 'move'").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(audit, 1);
}

async fn archive_and_restore(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    let jaw = app.org_id("JAW").await;
    let page = s.get(&format!("/directory/organisations/{jaw}")).await;
    let version = field(&page.body, "version").to_string();
    let refused = s.post(&format!("/directory/organisations/{jaw}/archive"), &[("version", &version)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "an organisation with active children stays");
    let id = app.org_id("E00003").await;
    let page = s.get(&format!("/directory/organisations/{id}")).await;
    let version = field(&page.body, "version").to_string();
    assert_eq!(s.post(&format!("/directory/organisations/{id}/archive"), &[("version", &version)]).await.status, StatusCode::SEE_OTHER);
    let list = s.get("/directory/organisations?q=E00003").await;
    assert!(!list.body.contains(&format!("/directory/organisations/{id}\"")), "archived records leave the default list");
    let list = s.get("/directory/organisations?q=E00003&archived=only").await;
    assert!(list.body.contains(&format!("/directory/organisations/{id}\"")));
    // The old version cannot restore it (the archive bumped it).
    assert_eq!(s.post(&format!("/directory/organisations/{id}/restore"), &[("version", &version)]).await.status, StatusCode::CONFLICT);
    let page = s.get(&format!("/directory/organisations/{id}")).await;
    let version = field(&page.body, "version").to_string();
    assert_eq!(s.post(&format!("/directory/organisations/{id}/restore"), &[("version", &version)]).await.status, StatusCode::SEE_OTHER);
    let archived: Option<i64> = sqlx::query_scalar("SELECT archived_at FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert!(archived.is_none());
}

async fn member_counts_are_recorded_per_fiscal_year(app: &TestApp) {
    let mut s = app.login("ent-editor").await;
    let id = app.org_id("E00001").await;
    let bad = s.post(&format!("/directory/organisations/{id}/counts"), &[("fiscal_year", "2029"), ("members", "100"), ("dues_paying", "150")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("会費納入人員が組合員数を超えています"));
    let ok = s.post(&format!("/directory/organisations/{id}/counts"), &[("fiscal_year", "2029"), ("members", "1,234"), ("dues_paying", "1200")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = s.get(&format!("/directory/organisations/{id}")).await;
    assert!(page.body.contains("2029年度") && page.body.contains("1,234"));
    // Changing an existing year needs its current version.
    let stale = s.json("PUT", &format!("/api/v1/organisations/{id}/member-counts"), &serde_json::json!({"fiscal_year": "2029", "members": "1300", "version": 99})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let counts = s.get(&format!("/api/v1/organisations/{id}/member-counts")).await.json();
    let row = counts["items"].as_array().unwrap().iter().find(|c| c["fiscal_year"] == 2029).unwrap().clone();
    let ok = s.json("PUT", &format!("/api/v1/organisations/{id}/member-counts"), &serde_json::json!({"fiscal_year": "2029", "members": "1300", "version": row["version"]})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    // Someone else's union is off limits.
    let other = app.org_id("E00002").await;
    let r = s.post(&format!("/directory/organisations/{other}/counts"), &[("fiscal_year", "2029"), ("members", "1")]).await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
}

async fn api_tokens_authenticate_until_revoked(app: &TestApp) {
    let mut s = app.login("jaw-viewer").await;
    s.get("/account").await;
    let r = s.post("/account/tokens", &[("label", "集計スクリプト")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let i = r.body.find("kumiai_").unwrap();
    let token: String = r.body[i..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let mut api = app.session();
    api.bearer = Some(token.clone());
    let me = api.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["login"], "jaw-viewer");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1").bind(token.clone()).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, 0, "tokens are stored hashed");
    let tid: i64 = sqlx::query_scalar("SELECT id FROM api_tokens ORDER BY id DESC LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(s.post(&format!("/account/tokens/{tid}/revoke"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(api.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    // Another user cannot revoke it (it answers as missing).
    let mut other = app.login("jaw-admin").await;
    assert_eq!(other.post(&format!("/account/tokens/{tid}/revoke"), &[]).await.status, StatusCode::NOT_FOUND);
}

async fn role_limits_what_a_user_may_change(app: &TestApp) {
    let id = app.org_id("E00001").await;
    let mut viewer = app.login("jaw-viewer").await;
    assert_eq!(viewer.get(&format!("/directory/organisations/{id}/edit")).await.status, StatusCode::FORBIDDEN);
    let r = viewer.json("POST", "/api/v1/organisations", &serde_json::json!({"code": "X1", "kind": "enterprise_union", "parent": "JAW", "name_ja": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An enterprise-union editor may not edit a sibling union it can see.
    let mut ent = app.login("ent-editor").await;
    let sibling = app.org_id("E00002").await;
    let r = ent.get(&format!("/directory/organisations/{sibling}/edit")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Passwords: a change ends the session.
    let mut p = app.login("partner-viewer").await;
    p.get("/account").await;
    let short = p.post("/account/password", &[("current", kumiai_directory::demo::DEMO_PASSWORD), ("new", "short"), ("confirm", "short")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("pw-new-err"));
    let ok = p.post("/account/password", &[("current", kumiai_directory::demo::DEMO_PASSWORD), ("new", "a much longer pass"), ("confirm", "a much longer pass")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(p.get("/account").await.status, StatusCode::SEE_OTHER, "the old session is gone");
    let mut again = app.session();
    assert_eq!(again.login("partner-viewer", "a much longer pass").await.status, StatusCode::SEE_OTHER);
}

async fn session_cookies_are_httponly_samesite_and_secure_over_https(app: &TestApp) {
    for (proto, secure) in [("http", false), ("https", true)] {
        let mut s = app.session();
        let page = s.get("/login").await;
        let csrf = s.csrf.clone();
        let cookies = s.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let _ = page;
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/login")
            .header("host", "localhost")
            .header("x-forwarded-proto", proto)
            .header("cookie", cookies)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("_csrf={csrf}&login=hq-viewer&password={}", kumiai_directory::demo::DEMO_PASSWORD)))
            .unwrap();
        let r = s.send(req).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let set: Vec<&str> = r.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).filter(|c| c.starts_with("kumiai_session=")).collect();
        assert_eq!(set.len(), 1);
        assert!(set[0].contains("HttpOnly") && set[0].contains("SameSite=Lax"), "{}", set[0]);
        assert_eq!(set[0].contains("Secure"), secure, "{proto}: {}", set[0]);
        let token = set[0].trim_start_matches("kumiai_session=").split(';').next().unwrap();
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id_hash = $1").bind(token.to_string()).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(stored, 0, "only a hash of the session id is stored");
    }
}
