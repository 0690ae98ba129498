//! Reach as users meet it: the same URLs, as anonymous, a partner, an enterprise-union viewer, an
//! industrial-union viewer and the head office, in HTML and in the API; hidden records answer
//! exactly like missing ones; and the SQL filter agrees with the pure rule on every row.



use axum::http::StatusCode;
use crate::common::{Session, TestApp};
use kumiai_core::{Viewer, time::now_ms};
use kumiai_directory::org::{ENTITY, Organisation};
use kumiai_platform::reach;

on_both_backends!(tiers_see_exactly_what_reach_allows, hidden_answers_like_missing, sql_filter_agrees_with_rule, person_never_leaks_hidden_org);

const VIEWERS: [&str; 5] = ["anonymous", "partner-viewer", "ent-viewer", "jaw-viewer", "hq-viewer"];

async fn sessions(app: &TestApp) -> Vec<(&'static str, Session)> {
    let mut out = vec![];
    for v in VIEWERS {
        let s = if v == "anonymous" { app.session() } else { app.login(v).await };
        out.push((v, s));
    }
    out
}

async fn tiers_see_exactly_what_reach_allows(app: &TestApp) {
    let (scoped_id, scoped_code) = app.org_where("o.kind = 'enterprise_union' AND o.reach = 'industrial' AND o.scope_org_id IS NOT NULL").await;
    let scoped_in_jaw: bool = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM organisations o JOIN organisations s ON s.id = o.scope_org_id WHERE o.id = $1 AND s.code = 'JAW'")
        .bind(scoped_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        == 1;
    let (shared_id, shared_code) = app.org_where("o.id IN (SELECT record_id FROM record_shares r JOIN organisations p ON p.id = r.org_id WHERE p.code = 'TEAM')").await;
    // (code, id, who sees it: anonymous, partner, enterprise, industrial, hq)
    let cases: Vec<(String, i64, [bool; 5])> = vec![
        ("JCM".into(), app.org_id("JCM").await, [true, true, true, true, true]),
        ("E00001".into(), app.org_id("E00001").await, [false, false, true, true, true]),
        ("E00014".into(), app.org_id("E00014").await, [false, false, false, false, true]),
        (scoped_code, scoped_id, [false, false, false, scoped_in_jaw, true]),
        ("C00004".into(), app.org_id("C00004").await, [false, false, false, false, true]),
        (shared_code, shared_id, [false, true, false, true, true]),
        ("TEAM".into(), app.org_id("TEAM").await, [true, true, true, true, true]),
    ];
    for (i, (who, mut s)) in sessions(app).await.into_iter().enumerate() {
        for (code, id, sees) in &cases {
            let expect = sees[i];
            let page = s.get(&format!("/directory/organisations/{id}")).await;
            assert_eq!(page.status == StatusCode::OK, expect, "{who} HTML {code}: {}", page.status);
            let api = s.get(&format!("/api/v1/organisations/{id}")).await;
            assert_eq!(api.status == StatusCode::OK, expect, "{who} API {code}: {}", api.status);
            let list = s.get(&format!("/directory/organisations?q={code}&archived=include")).await;
            assert_eq!(list.status, StatusCode::OK);
            assert_eq!(list.body.contains(&format!("/directory/organisations/{id}\"")), expect, "{who} list {code}");
            let api_list = s.get(&format!("/api/v1/organisations?q={code}")).await.json();
            let listed = api_list["items"].as_array().unwrap().iter().any(|o| o["id"] == *id);
            assert_eq!(listed, expect, "{who} API list {code}");
            for ext in ["csv", "xlsx"] {
                let export = s.get(&format!("/directory/export/organisations.{ext}?q={code}")).await;
                assert_eq!(export.status, StatusCode::OK);
                if ext == "csv" {
                    assert_eq!(export.body.lines().any(|l| l.starts_with(&format!("{code},"))), expect, "{who} export {code}");
                }
            }
        }
    }
}

async fn hidden_answers_like_missing(app: &TestApp) {
    let hidden = app.org_id("E00014").await;
    for who in ["anonymous", "partner-viewer", "ent-viewer", "jaw-viewer"] {
        let mut s = if who == "anonymous" { app.visitor().await } else { app.login(who).await };
        for (path, missing) in [
            (format!("/directory/organisations/{hidden}"), "/directory/organisations/987654321".to_string()),
            (format!("/api/v1/organisations/{hidden}"), "/api/v1/organisations/987654321".to_string()),
            (format!("/api/v1/organisations/{hidden}/member-counts"), "/api/v1/organisations/987654321/member-counts".to_string()),
        ] {
            let a = s.get(&path).await;
            let b = s.get(&missing).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{who} {path}");
            assert_eq!(a.status, b.status);
            let norm = |body: &str, id: &str| body.replace(&format!("/{id}"), "/ID").replace(&format!("%2F{id}"), "%2FID");
            assert_eq!(norm(&a.body, &hidden.to_string()), norm(&b.body, "987654321"), "{who}: hidden and missing differ at {path}");
        }
        // Changing it answers the same way.
        let r = s.post(&format!("/directory/organisations/{hidden}/archive"), &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} archive hidden");
    }
}

/// Adds a company for every combination of reach, subtree, embargo and sharing, then checks that
/// every viewer's SQL-filtered list is exactly the rows `can_see` accepts.
async fn sql_filter_agrees_with_rule(app: &TestApp) {
    let now = now_ms();
    let jaw = app.org_id("JAW").await;
    let jeiu = app.org_id("JEIU").await;
    let ent = app.org_id("E00001").await;
    let team = app.org_id("TEAM").await;
    let hq = app.org_id("JCM").await;
    let mut n = 0;
    for reach in ["hq", "industrial", "affiliates", "public"] {
        for scope in [None, Some(jaw), Some(jeiu), Some(ent)] {
            for embargo in [None, Some(now + 3_600_000), Some(now - 3_600_000)] {
                for (share, owner) in [(None, hq), (Some(team), hq), (None, ent), (None, team)] {
                    n += 1;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO organisations (code, kind, path, name_ja, reach, scope_org_id, embargo_until, owner_org_id, created_at, updated_at) \
                         VALUES ($1, 'company', '/', $2, $3, $4, $5, $6, 0, 0) RETURNING id",
                    )
                    .bind(format!("MX{n}"))
                    .bind(format!("組合せ{n}"))
                    .bind(reach)
                    .bind(scope)
                    .bind(embargo)
                    .bind(owner)
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap();
                    if let Some(t) = share {
                        sqlx::query("INSERT INTO record_shares (entity, record_id, org_id) VALUES ($1, $2, $3)")
                            .bind(ENTITY)
                            .bind(id)
                            .bind(t)
                            .execute(&app.db.pool)
                            .await
                            .unwrap();
                    }
                }
            }
        }
    }
    let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id").fetch_all(&app.db.pool).await.unwrap();
    let mut viewers = vec![Viewer::anonymous(), Viewer::system()];
    for (login, ..) in kumiai_directory::demo::LOGINS {
        let u = kumiai_platform::accounts::by_login(&app.db, login).await.unwrap().unwrap();
        viewers.push(Viewer::new(u.account()));
    }
    for v in &viewers {
        let sql = format!("SELECT o.id FROM organisations o WHERE {} ORDER BY o.id", reach::filter(v, "o", ENTITY, now).sql());
        let by_sql: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(&app.db.pool).await.unwrap();
        // The rule: one record at a time through `can_see` (load_visible asks nothing else).
        let mut by_rule = vec![];
        for id in &all {
            if reach::load_visible::<Organisation>(&app.db, v, *id, now).await.is_ok() {
                by_rule.push(*id);
            }
        }
        assert_eq!(by_sql, by_rule, "viewer {:?}", v.account().map(|a| &a.login));
    }
    assert_eq!(n, 4 * 4 * 3 * 4);
}

async fn person_never_leaks_hidden_org(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    let r = hq
        .json("POST", "/api/v1/people", &serde_json::json!({"org": "E00014", "name_kanji": "公開 太郎", "reach": "public", "gender": "male"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let hidden_name: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00014'").fetch_one(&app.db.pool).await.unwrap();
    let mut anon = app.session();
    let page = anon.get(&format!("/directory/people/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("公開 太郎"));
    assert!(!page.body.contains(&hidden_name), "the hidden organisation's name leaked");
    let api = anon.get(&format!("/api/v1/people/{id}")).await.json();
    assert!(api["organisation"].is_null(), "{api}");
    let list = anon.get("/directory/people?q=公開").await;
    assert!(list.body.contains("公開 太郎") && !list.body.contains(&hidden_name));
}
