//! Member counts as the federation uses them: an industrial union's own figure beside the sum of
//! its unions' counts (only those the reader sees), a year-by-year chart, a grid that records a
//! whole industrial union's year at once (all or nothing, full-width digits accepted, a change
//! made meanwhile detected), its .xlsx template imported back by the industrial union's admin,
//! a source address as a link, and a person's positions over time.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

on_both_backends!(counts_roll_up_chart_and_enter_in_bulk, positions_show_over_time);

/// The enterprise unions under `code` with their counts for `fy` (all of them, unfiltered).
async fn unions(app: &TestApp, code: &str, fy: i64) -> Vec<(i64, String, Option<i64>)> {
    let path: String = sqlx::query_scalar("SELECT path FROM organisations WHERE code = $1").bind(code.to_string()).fetch_one(&app.db.pool).await.unwrap();
    sqlx::query_as("SELECT e.id, e.code, c.members FROM organisations e LEFT JOIN member_counts c ON c.org_id = e.id AND c.fiscal_year = $2 WHERE e.kind = 'enterprise_union' AND e.archived_at IS NULL AND e.path LIKE $1 ORDER BY e.id")
        .bind(format!("{path}%"))
        .bind(fy)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

fn digits(n: i64) -> String {
    kumiai_platform::db::group_digits(n)
}

async fn counts_roll_up_chart_and_enter_in_bulk(app: &TestApp) {
    let fy = i64::from(app.state.config.calendar.year_of(kumiai_core::time::today()).0);
    let jaw = app.org_id("JAW").await;
    let mut hq = app.login("hq-viewer").await;
    let page = hq.get(&format!("/directory/organisations/{jaw}")).await.body;
    // The unions' sum beside JAW's own figure, with the difference, for JAW's latest year.
    let (year, own): (i64, i64) = sqlx::query_as("SELECT fiscal_year, members FROM member_counts WHERE org_id = $1 ORDER BY fiscal_year DESC LIMIT 1").bind(jaw).fetch_one(&app.db.pool).await.unwrap();
    let all = unions(app, "JAW", year).await;
    let sum: i64 = all.iter().filter_map(|u| u.2).sum();
    let reporting = all.iter().filter(|u| u.2.is_some()).count();
    let counts = &page[page.find("id=\"counts\"").unwrap()..];
    let body = &counts[counts.find(&format!("<th scope=\"row\">{year}年度</th>")).expect("the year's row")..];
    let row = &body[..body.find("</tr>").unwrap()];
    let mut expected = vec![digits(own), format!("{reporting} / {}", all.len())];
    if reporting > 0 {
        expected.extend([digits(sum), digits(own - sum)]);
    }
    for shown in expected {
        assert!(row.contains(&shown) || row.contains(&format!("+{shown}")), "{shown} in {row}");
    }
    // The source of the figure, named in the note, is a link.
    let note: String = sqlx::query_scalar("SELECT note FROM organisations WHERE id = $1").bind(jaw).fetch_one(&app.db.pool).await.unwrap();
    if let Some(at) = note.find("http") {
        let url: String = note[at..].chars().take_while(|c| !c.is_whitespace() && *c != ')' && *c != '（').collect();
        assert!(page.contains(&format!("<a href=\"{url}\" rel=\"noopener noreferrer external\">")), "{url} links: {page}");
    }

    // The grid: an industrial union's editor records last year for all its unions at once.
    let mut editor = app.login("jaw-editor").await;
    let last = fy - 1;
    let grid = editor.get(&format!("/directory/organisations/{jaw}/counts/grid?year={last}")).await;
    assert_eq!(grid.status, StatusCode::OK, "{}", grid.body);
    let before = unions(app, "JAW", last).await;
    let shown: Vec<&(i64, String, Option<i64>)> = before.iter().filter(|u| grid.body.contains(&format!("name=\"m{}\"", u.0))).collect();
    assert!(shown.len() >= 2, "{}", grid.body);
    let (a, b) = (shown[0].0, shown[1].0);
    // The versions the grid was opened at, as the browser sends them back.
    let version = |html: &str, id: i64| html.split(&format!("name=\"v{id}\" value=\"")).nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
    let (va, vb) = (version(&grid.body, a), version(&grid.body, b));
    // One bad row: nothing saved, what was typed stays, the error names the union.
    let r = editor.post(&format!("/directory/organisations/{jaw}/counts/grid"), &[("year", &last.to_string()), (&format!("m{a}"), "１２，３４５"), (&format!("m{b}"), "たくさん")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"１２，３４５\"") && r.body.contains(&shown[1].1) && r.body.contains("たくさん"), "{}", r.body);
    assert_eq!(unions(app, "JAW", last).await, before, "nothing was saved");
    let r = editor.post(&format!("/directory/organisations/{jaw}/counts/grid"), &[("year", &last.to_string()), (&format!("m{a}"), "１２，３４５"), (&format!("v{a}"), &va), (&format!("m{b}"), "900"), (&format!("d{b}"), "880"), (&format!("v{b}"), &vb)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = unions(app, "JAW", last).await;
    assert_eq!(after.iter().find(|u| u.0 == a).unwrap().2, Some(12_345), "full-width digits and separators are read");
    assert_eq!(after.iter().find(|u| u.0 == b).unwrap().2, Some(900));
    // A count changed since the grid was opened is not overwritten.
    let stale = editor.get(&format!("/directory/organisations/{jaw}/counts/grid?year={last}")).await.body;
    let version_a = version(&stale, a);
    let mut hq_editor = app.login("hq-editor").await;
    let r = hq_editor.post(&format!("/directory/organisations/{jaw}/counts/grid"), &[("year", &last.to_string()), (&format!("m{a}"), "12000"), (&format!("v{a}"), &version_a)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = editor.post(&format!("/directory/organisations/{jaw}/counts/grid"), &[("year", &last.to_string()), (&format!("m{a}"), "13000"), (&format!("v{a}"), &version_a)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("ほかの人が変更しました"), "{}", r.body);
    assert_eq!(unions(app, "JAW", last).await.iter().find(|u| u.0 == a).unwrap().2, Some(12_000));
    // Two years of sums: the trend chart, JAW's figure and its unions' sum.
    let page = hq.get(&format!("/directory/organisations/{jaw}")).await.body;
    assert!(page.contains("<svg class=\"chart\"") && page.matches("<polyline").count() >= 1 && page.contains("単組の合計"), "{page}");
    // Another industrial union's editor may not open JAW's grid.
    let mut other = app.login("ent-editor").await;
    assert_eq!(other.get(&format!("/directory/organisations/{jaw}/counts/grid")).await.status, StatusCode::FORBIDDEN);

    // The .xlsx template, filled in and imported back by JAW's admin.
    let mut admin = app.login("jaw-admin").await;
    let xlsx = admin.get(&format!("/directory/organisations/{jaw}/counts/template.xlsx?year={last}")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let table = kumiai_directory::io::Table::read("t.xlsx", &xlsx.bytes).unwrap();
    assert_eq!(table.headers, ["組織コード", "名称", "年度", "組合員数", "会費納入人員"]);
    let r = upload(&mut admin, "counts", "t.xlsx", &xlsx.bytes).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the template imports back: {}", r.body);
    // A union outside JAW in the file is refused by name and row; nothing is written.
    let (outside,): (String,) = sqlx::query_as("SELECT code FROM organisations WHERE kind = 'enterprise_union' AND path NOT LIKE (SELECT path FROM organisations WHERE code = 'JAW') || '%' AND reach IN ('public', 'affiliates') LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let csv = format!("組織コード,年度,組合員数\n{},{last},100\n{outside},{last},100\n", all[0].1);
    let r = upload(&mut admin, "counts", "t.csv", csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("<td class=\"num\">3</td>") && r.body.contains("権限がありません"), "{}", r.body);
    assert_ne!(unions(app, "JAW", last).await.iter().find(|u| u.1 == all[0].1).unwrap().2, Some(100), "nothing written");
    // People too: within JAW's tree, not outside it.
    let csv = format!("所属組織,氏名,情報到達範囲\n{},取込 一郎,affiliates\n{outside},取込 二郎,affiliates\n", all[0].1);
    let r = upload(&mut admin, "people", "p.csv", csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("<td class=\"num\">3</td>") && r.body.contains("権限がありません"), "{}", r.body);
    let csv = format!("所属組織,氏名,情報到達範囲\n{},取込 一郎,affiliates\n", all[0].1);
    assert_eq!(upload(&mut admin, "people", "p.csv", csv.as_bytes()).await.status, StatusCode::SEE_OTHER);
}

/// Posts a member-count file to the import page, as a browser does.
async fn upload(s: &mut crate::common::Session, sheet: &str, name: &str, bytes: &[u8]) -> crate::common::Reply {
    let boundary = "XkumiaiX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"sheet\"\r\n\r\n{sheet}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
        s.csrf
    )
    .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let cookies = s.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let req = Request::builder()
        .method("POST")
        .uri("/directory/import")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    s.send(req).await
}

async fn positions_show_over_time(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    let r = s.json("POST", "/api/v1/people", &serde_json::json!({"org": "JAW", "name_kanji": "経歴 太郎", "reach": "affiliates", "position_ja": "書記長", "term_start": "2022-09-01", "term_end": "2024-08-31"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let version = r.json()["version"].as_i64().unwrap();
    let r = s.json("PUT", &format!("/api/v1/people/{id}"), &serde_json::json!({"version": version, "position_ja": "会長", "term_start": "2024-09-01", "term_end": "", "org": "E00001"})).await;
    assert!(r.status.is_success(), "{}", r.body);
    let page = s.get(&format!("/directory/people/{id}")).await.body;
    let positions = &page[page.find("id=\"positions\"").expect("positions over time")..];
    let (now, before) = (positions.find("会長").unwrap(), positions.find("書記長").unwrap());
    assert!(now < before && positions.contains("2022-09-01 – 2024-08-31"), "newest first, with terms: {positions}");
    let union: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00001'").fetch_one(&app.db.pool).await.unwrap();
    assert!(positions.contains(&union) && positions.contains("自動車総連"), "each post with its organisation: {positions}");
    // The history names organisations, not codes or ids.
    let history = &page[page.find("class=\"history").expect("a history")..];
    assert!(history.contains("自動車総連 (JAW)") && history.contains(&format!("{union} (E00001)")), "{history}");
}
