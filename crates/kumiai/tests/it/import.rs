//! Spreadsheet import and export: a Shift_JIS CSV as Excel writes it imports; a file with one bad
//! row imports nothing and names the row and column; Kumiai's own exports (.xlsx, UTF-8 and
//! Shift_JIS CSV) import back as a no-op; formulas never reach Excel.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kumiai_core::Viewer;
use kumiai_directory::io::{Sheet, Table, import};

on_both_backends!(
    shift_jis_csv_imports,
    one_bad_row_imports_nothing,
    xlsx_export_imports_back_as_a_no_op,
    shift_jis_round_trip_changes_nothing,
    csv_exports_neutralise_formulas,
    web_import_reports_rows,
    counts_and_people_import
);

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&app.db.pool).await.unwrap()
}

fn sjis(text: &str) -> Vec<u8> {
    let (b, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    b.into_owned()
}

async fn shift_jis_csv_imports(app: &TestApp) {
    // Japanese headers, CRLF, a child listed before its parent, 髙 and ① (CP932-only characters).
    let csv = "組織コード,種別,上部組織,名称,よみ,国,公開範囲\r\n\
               SJ-2,単組,SJ-1,髙松精機支部労働組合①,たかまつせいきしぶ,JP,傘下組合\r\n\
               SJ-1,単組,JAM,髙松精機労働組合,たかまつせいき,JP,affiliates\r\n";
    let table = Table::read("組織一覧.csv", &sjis(csv)).unwrap();
    let viewer = Viewer::system();
    let rep = import::run(&app.db, &viewer, Sheet::Organisations, &table, kumiai_core::time::now_ms()).await.unwrap();
    assert_eq!((rep.created, rep.updated), (2, 0));
    let child = kumiai_directory::reference::org_by_code(&app.db, &viewer, "SJ-2", kumiai_core::time::now_ms()).await.unwrap();
    assert_eq!(child.name_ja, "髙松精機支部労働組合①");
    let parent = app.org_id("SJ-1").await;
    assert_eq!(child.parent_id, Some(kumiai_core::OrgId(parent)));
    assert!(child.path.ends_with(&format!("/{parent}/{}/", child.id)));
    assert_eq!(count(app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'organisation' AND actor = 'system' AND action = 'create'").await, 2);
}

async fn one_bad_row_imports_nothing(app: &TestApp) {
    let before = count(app, "SELECT COUNT(*) FROM organisations").await;
    let csv = "code,kind,parent,name_ja,reach\n\
               OK-1,enterprise_union,JAW,良い労組,affiliates\n\
               BAD-2,enterprise_union,NOWHERE,悪い労組,affiliates\n\
               OK-3,enterprise_union,JAW,良い労組三,secret\n";
    let table = Table::read("upload.csv", csv.as_bytes()).unwrap();
    let viewer = Viewer::system();
    let err = import::run(&app.db, &viewer, Sheet::Organisations, &table, kumiai_core::time::now_ms()).await.err().unwrap();
    let kumiai_platform::AppError::Validation(errs) = err else { panic!("expected validation errors") };
    let located: Vec<(String, usize, String)> = errs.iter().map(|e| (e.file.clone().unwrap(), e.row.unwrap(), e.field.clone())).collect();
    assert_eq!(located, [("upload.csv".into(), 3, "parent".into()), ("upload.csv".into(), 4, "reach".into())]);
    assert!(errs[0].message.ja.contains("NOWHERE") && errs[0].message.en.contains("NOWHERE"));
    assert_eq!(count(app, "SELECT COUNT(*) FROM organisations").await, before, "nothing was written");
    // A missing required column fails the whole file at row 1.
    let table = Table::read("nohead.csv", "code,name_ja\nX,y\n".as_bytes()).unwrap();
    let err = import::run(&app.db, &viewer, Sheet::Organisations, &table, kumiai_core::time::now_ms()).await.err().unwrap();
    let kumiai_platform::AppError::Validation(errs) = err else { panic!() };
    assert_eq!((errs[0].row, errs[0].field.as_str()), (Some(1), "kind"));
}

async fn xlsx_export_imports_back_as_a_no_op(app: &TestApp) {
    let mut s = app.login("hq-admin").await;
    let x = s.get("/directory/export/organisations.xlsx?archived=include").await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.bytes.starts_with(b"PK"));
    let table = Table::read("export.xlsx", &x.bytes).unwrap();
    let total = count(app, "SELECT COUNT(*) FROM organisations").await as usize;
    assert_eq!(table.rows.len(), total);
    let viewer = Viewer::system();
    let versions = count(app, "SELECT CAST(SUM(version) AS BIGINT) FROM organisations").await;
    let log = count(app, "SELECT COUNT(*) FROM audit_log").await;
    let rep = import::run(&app.db, &viewer, Sheet::Organisations, &table, kumiai_core::time::now_ms()).await.unwrap();
    assert_eq!((rep.created, rep.updated, rep.unchanged), (0, 0, total), "every row matched and changed nothing");
    assert_eq!(count(app, "SELECT CAST(SUM(version) AS BIGINT) FROM organisations").await, versions, "no version moved");
    assert_eq!(count(app, "SELECT COUNT(*) FROM audit_log").await, log, "nothing was written to the log");
    // One real change among them is the only write.
    let mut table = table;
    let name_col = table.headers.iter().position(|h| h == "名称").unwrap();
    let row = table.rows.iter_mut().find(|(_, cells)| cells[0] == "E00003").unwrap();
    row.1[name_col] = "改称した労働組合".into();
    let rep = import::run(&app.db, &viewer, Sheet::Organisations, &table, kumiai_core::time::now_ms()).await.unwrap();
    assert_eq!((rep.created, rep.updated, rep.unchanged), (0, 1, total - 1));
    let paths_ok = count(app, "SELECT COUNT(*) FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.parent_id IS NOT NULL AND o.path NOT LIKE p.path || '%'").await;
    assert_eq!(paths_ok, 0, "the tree is intact");
    // UTF-8 CSV with a BOM and a Shift_JIS CSV download too.
    let csv = s.get("/directory/export/organisations.csv").await;
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"));
    let sj = s.get("/directory/export/organisations.csv?encoding=sjis").await;
    assert_eq!(sj.status, StatusCode::OK, "{}", sj.body);
    let t = Table::read("sj.csv", &sj.bytes).unwrap();
    assert_eq!(t.headers[0], "組織コード");
}

/// 〜, − and ¥ have no Shift_JIS form of their own: Excel writes ～, － and \\. Reading such a file
/// back must not change the stored text.
async fn shift_jis_round_trip_changes_nothing(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    let id = app.org_id("E00004").await;
    let v: i64 = sqlx::query_scalar("SELECT version FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    let note = "営業時間 9時〜17時、差額 −500円、¥1,000 まで";
    let r = s.json("PUT", &format!("/api/v1/organisations/{id}"), &serde_json::json!({"version": v, "note": note})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sj = s.get("/directory/export/organisations.csv?encoding=sjis&archived=include").await;
    assert_eq!(sj.status, StatusCode::OK);
    let table = Table::read("sj.csv", &sj.bytes).unwrap();
    assert!(table.sjis);
    let note_col = table.headers.iter().position(|h| h == "備考").unwrap();
    let cell = &table.rows.iter().find(|(_, c)| c[0] == "E00004").unwrap().1[note_col];
    assert_ne!(cell, note, "the file holds the Shift_JIS forms");
    let rep = import::run(&app.db, &Viewer::system(), Sheet::Organisations, &table, kumiai_core::time::now_ms()).await.unwrap();
    assert_eq!(rep.updated, 0, "{rep:?}");
    let stored: String = sqlx::query_scalar("SELECT note FROM organisations WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, note, "〜 − ¥ are kept as they were");
}

/// A person's note that Excel would run as a formula is written as text, and reads back unchanged.
async fn csv_exports_neutralise_formulas(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    let evil = "=HYPERLINK(\"http://evil.example/\",\"詳細\")";
    let r = s.json("POST", "/api/v1/people", &serde_json::json!({"org": "E00001", "name_kanji": "数式 太郎", "reach": "affiliates", "note": evil})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let csv = s.get("/directory/export/people.csv?q=%E6%95%B0%E5%BC%8F").await;
    assert!(csv.body.contains("'=HYPERLINK"), "{}", csv.body);
    assert!(!csv.body.contains(",=HYPERLINK") && !csv.body.contains("\"=HYPERLINK"), "no cell starts with =");
    let table = Table::read("p.csv", &csv.bytes).unwrap();
    let note = table.headers.iter().position(|h| h == "備考").unwrap();
    assert_eq!(table.rows[0].1[note], evil, "the import takes the apostrophe off again");
}

async fn web_import_reports_rows(app: &TestApp) {
    let mut s = app.login("hq-admin").await;
    let page = s.get("/directory/import").await;
    assert_eq!(page.status, StatusCode::OK);
    let boundary = "XkumiaiX";
    // The token travels in the form (first field), never in the URL.
    let body = |csv: &str, csrf: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"sheet\"\r\n\r\norganisations\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"web.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
        )
    };
    assert!(page.body.contains("action=\"/directory/import\"") && !page.body.contains("_csrf="), "the form carries no token in its URL");
    let send = |csv: String, query: &str, cookies: String| {
        Request::builder()
            .method("POST")
            .uri(format!("/directory/import{query}"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, cookies)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(csv))
            .unwrap()
    };
    let cookies = s.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let csrf = s.csrf.clone();
    let in_url = s.send(send(body("code,kind,parent,name_ja,reach\nW1,enterprise_union,JAW,ウェブ労組,affiliates\n", ""), &format!("?_csrf={csrf}"), cookies.clone())).await;
    assert_eq!(in_url.status, StatusCode::FORBIDDEN, "a token in the URL is not accepted");
    let bad = s.send(send(body("code,kind,parent,name_ja,reach\nW1,enterprise_union,JAW,,affiliates\n", &csrf), "", cookies.clone())).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("<td>web.csv</td><td class=\"num\">2</td><td>name_ja</td>"), "{}", bad.body);
    let good = s.send(send(body("code,kind,parent,name_ja,reach\nW1,enterprise_union,JAW,ウェブ労組,affiliates\n", &csrf), "", cookies.clone())).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    app.org_id("W1").await;
    // An industrial union's admins import people and member counts; other officers nothing.
    let mut jaw = app.login("jaw-admin").await;
    let page = jaw.get("/directory/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"counts\"") && page.body.contains("value=\"people\"") && !page.body.contains("value=\"organisations\""), "{}", page.body);
    let jaw_cookies = jaw.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let refused = jaw.send(send(body("code,kind,parent,name_ja,reach\nW2,enterprise_union,JAW,ウェブ労組2,affiliates\n", &jaw.csrf.clone()), "", jaw_cookies)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "organisations are the head office's to import");
    let mut ent = app.login("ent-admin").await;
    assert_eq!(ent.get("/directory/import").await.status, StatusCode::FORBIDDEN);
}

async fn counts_and_people_import(app: &TestApp) {
    let viewer = Viewer::system();
    let now = kumiai_core::time::now_ms();
    let counts = Table::read("counts.csv", "組織コード,年度,組合員数,会費納入人員\nE00001,2031年度,\"1,500\",1480\nE00002,2031,900,\n".as_bytes()).unwrap();
    let rep = import::run(&app.db, &viewer, Sheet::Counts, &counts, now).await.unwrap();
    assert_eq!(rep.created, 2);
    let again = import::run(&app.db, &viewer, Sheet::Counts, &counts, now).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2), "the same counts again write nothing");
    let m: i64 = sqlx::query_scalar("SELECT members FROM member_counts mc JOIN organisations o ON o.id = mc.org_id WHERE o.code = 'E00001' AND fiscal_year = 2031")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(m, 1500);
    let people = Table::read("people.csv", "所属組織,氏名,よみ,性別,任期開始,任期終了,公開範囲\nE00001,新井 花子,あらい はなこ,女性,2026-09-01,2028-08-31,傘下組合\nE00001,山田 一郎,やまだ,男性,2028-09-01,2026-08-31,傘下組合\n".as_bytes()).unwrap();
    let err = import::run(&app.db, &viewer, Sheet::People, &people, now).await.err().unwrap();
    let kumiai_platform::AppError::Validation(errs) = err else { panic!() };
    assert_eq!((errs[0].row, errs[0].field.as_str()), (Some(3), "任期終了"));
    assert_eq!(count(app, "SELECT COUNT(*) FROM people WHERE name_kanji = '新井 花子'").await, 0);
}
