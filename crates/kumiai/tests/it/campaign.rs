//! The wage round: answers imported all or nothing, stored through the audited path at their
//! reach, tallied as JCM does, and tallied again "as of" a moment before a correction.

use crate::common::TestApp;
use axum::http::StatusCode;
use kumiai_campaign::{answers, store, tally::BaseUp};
use kumiai_core::Viewer;

on_both_backends!(answers_import_tally_and_tally_as_of, answers_files_and_templates_on_the_web, entry_by_union_and_industrial_union_with_conflicts, bulletins_publish_at_their_lift_time, the_board_follows_answers_as_they_arrive, campaign_records_are_searched_within_reach);

fn rows(text: &str) -> (Vec<String>, Vec<(usize, Vec<String>)>) {
    let t = kumiai_directory::io::Table::read("answers.csv", text.as_bytes()).unwrap();
    (t.headers, t.rows)
}

async fn answers_import_tally_and_tally_as_of(app: &TestApp) {
    let system = Viewer::system();
    let now = kumiai_core::time::now_ms;
    let round = store::create(&app.db, &system, 2030, Some(12_000), "2030-03-13").await.unwrap();
    assert!(store::create(&app.db, &system, 2030, None, "").await.is_err(), "one round per spring");
    let demo = store::by_year(&app.db, 2025).await.unwrap().expect("the demo has the 2025 round");
    let t = store::tally(&app.db, &system, &demo, None, now()).await.unwrap().all.overall;
    assert!(t.registered >= 10 && t.answered < t.registered && t.won_base_up < t.answered, "every kind of answer in the demo: {t:?}");
    assert!(t.base_up_avg_yen.is_some_and(|y| (8_000..=15_000).contains(&y)), "{t:?}");
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM organisations WHERE kind = 'enterprise_union' AND archived_at IS NULL ORDER BY code LIMIT 4").fetch_all(&app.db.pool).await.unwrap();
    // Four unions: 12,000 won (1,000人, headline); not calculable (300人); none (299人); 9,001 won (999人).
    let csv = format!(
        "union_code,members,headline,base_up_demand_yen,base_up_state,base_up_won_yen,bonus_months\n\
         {},1000,yes,15000,won,12000,5.2\n{},300,,,not_calculable,,\n{},299,,,none,,\n{},999,,12000,won,9001,4.8\n",
        codes[0], codes[1], codes[2], codes[3]
    );
    let (h, r) = rows(&csv);
    let file = answers::read(&h, &r).unwrap();
    let rep = store::import(&app.db, &system, &round, &file, now()).await.unwrap().unwrap();
    assert_eq!((rep.created, rep.updated), (4, 0));
    let t = store::tally(&app.db, &system, &round, None, now()).await.unwrap();
    let all = &t.all.overall;
    assert_eq!((all.registered, all.answered, all.won_base_up, all.base_up_avg_yen), (4, 4, 3, Some(10_501)), "(12,000 + 9,001) / 2 = 10,500.5 → 10,501");
    assert_eq!((all.base_up_demand_avg_yen, all.bonus_months_avg), (Some(13_500), Some(5.0)));
    assert_eq!(t.headline.overall.base_up_avg_yen, Some(12_000));
    assert_eq!((t.all.by_size_band["300-999"].registered, t.all.by_size_band["-299"].won_base_up), (2, 0), "300 and 999 in the middle band; 299 below");
    let before = now();
    std::thread::sleep(std::time::Duration::from_millis(5));

    // A late correction: a new version; the tally as of before it is unchanged.
    let corrected = csv.replace(",won,9001,", ",won,10001,");
    let (h, r) = rows(&corrected);
    let rep = store::import(&app.db, &system, &round, &answers::read(&h, &r).unwrap(), now()).await.unwrap().unwrap();
    assert_eq!((rep.created, rep.updated, rep.unchanged), (0, 1, 3));
    assert_eq!(store::tally(&app.db, &system, &round, None, now()).await.unwrap().all.overall.base_up_avg_yen, Some(11_001));
    assert_eq!(store::tally(&app.db, &system, &round, Some(before), now()).await.unwrap().all.overall.base_up_avg_yen, Some(10_501), "as of before the correction");
    assert_eq!(store::tally(&app.db, &system, &round, Some(before - 60_000_000), now()).await.unwrap().all.overall.registered, 0, "as of before any answer");

    // The industrial union's Excel template, pre-filled with what its unions answered, imports
    // back as it is: nothing changes.
    let (name, template) = store::template_rows(&app.db, &system, &round, "JAW", now()).await.unwrap();
    assert_eq!(name, "自動車総連");
    let jaw_answered = template.iter().filter(|r| !r.state.is_empty()).count();
    assert!(jaw_answered >= 1 && template.len() > jaw_answered, "answered and unanswered unions: {template:?}");
    let bytes = kumiai_campaign::template::workbook(&name, 2030, &template).unwrap();
    let t = kumiai_directory::io::Table::read("template.xlsx", &bytes).unwrap();
    let back = answers::read(&t.headers, &t.rows).unwrap();
    let rep = store::import(&app.db, &system, &round, &back, now()).await.unwrap().unwrap();
    assert_eq!((rep.created, rep.updated, rep.unchanged), (0, 0, jaw_answered));

    // A bad file: nothing stored, each problem named.
    let bad = format!("union_code,base_up_state,base_up_won_yen\n{},won,8000\nNOSUCH,won,8000\n", codes[0]);
    let (h, r) = rows(&bad);
    let problems = store::import(&app.db, &system, &round, &answers::read(&h, &r).unwrap(), now()).await.unwrap().unwrap_err();
    assert_eq!((problems[0].row, problems[0].column.as_str()), (3, "union_code"));
    let stored: i64 = sqlx::query_scalar("SELECT base_up_won_yen FROM campaign_answers WHERE union_code = $1 AND campaign_id = $2").bind(codes[0].clone()).bind(round.id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, 12_000, "nothing of the bad file was written");

    // Raw answers keep their reach: an anonymous reader sees none and tallies nothing.
    assert!(store::answers(&app.db, &Viewer::anonymous(), &round, now()).await.unwrap().is_empty());
    assert!(store::tally(&app.db, &Viewer::anonymous(), &round, None, now()).await.is_err());
    assert_eq!(kumiai_campaign::model::base_up("won", Some(1)), BaseUp::Won(1));

    // The round's page and the dashboard panel: the head office's; nobody else's.
    let mut hq = app.login("hq-viewer").await;
    let page = hq.get("/campaign/2025").await;
    assert_eq!(page.status, axum::http::StatusCode::OK, "{}", page.body);
    let demo_tally = store::tally(&app.db, &system, &demo, None, now()).await.unwrap();
    let avg = kumiai_platform::db::group_digits(demo_tally.all.overall.base_up_avg_yen.unwrap());
    assert!(page.body.contains(&format!("<strong>{avg}</strong>")) && page.body.contains("14891") && page.body.contains("<svg class=\"chart\""), "the tally, 2024's published figure and the chart: {}", page.body);
    assert_eq!(page.body.matches("<svg class=\"chart\"").count(), 3, "by year, by size band, demanded against won");
    assert!(page.body.contains("as_of=2025-03-12T12:00"), "the cut-offs link to the tally as of then");
    let at_noon = hq.get("/campaign/2025?as_of=2025-03-12T12:00").await;
    assert!(at_noon.status == axum::http::StatusCode::OK && at_noon.body.contains("2025-03-12 12:00"), "{}", at_noon.body);
    assert!(hq.get("/").await.body.contains("2030年闘争"), "the head office's dashboard shows the newest round");
    for who in ["ent-viewer", "jaw-admin"] {
        let mut s = app.login(who).await;
        assert_eq!(s.get("/campaign/2025").await.status, axum::http::StatusCode::NOT_FOUND, "{who}");
        let home = s.get("/").await.body;
        assert!(!home.contains("ベア平均") && home.contains("/campaign/2030/answers"), "{who}: where to enter answers, not the tally: {home}");
    }
    assert_eq!(app.visitor().await.get("/campaign/2025").await.status, axum::http::StatusCode::NOT_FOUND);
}

fn version_in(body: &str) -> String {
    let at = body.find("name=\"version\" value=\"").expect("a version field") + "name=\"version\" value=\"".len();
    body[at..].chars().take_while(|c| c.is_ascii_digit()).collect()
}

/// An enterprise union's officer enters its demand, then its answer; its industrial union
/// corrects the answer from a form opened before the union's next save: different fields merge,
/// the same field is a conflict showing both versions. Bad input names the field; tiers that may
/// not see the answer get nothing.
async fn entry_by_union_and_industrial_union_with_conflicts(app: &TestApp) {
    let system = Viewer::system();
    store::create(&app.db, &system, 2031, Some(12_000), "2031-03-12").await.unwrap();
    let url = "/campaign/2031/answers/E00001";
    let save = "/campaign/2031/answers/E00001/edit";
    let mut ent = app.login("ent-editor").await;
    let form = ent.get(url).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(version_in(&form.body), "0");
    let r = ent.post(save, &[("version", "0"), ("base_up_demand_yen", "13,000")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = ent.post(save, &[("version", "1"), ("base_up_state", "won"), ("base_up_won_yen", "11000"), ("answered_at", "2031-03-12T10:30")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut jaw = app.login("jaw-editor").await;
    let opened = version_in(&jaw.get(url).await.body);
    assert_eq!(opened, "2");
    // The union adds its bonus meanwhile; the industrial union corrects the amount: both kept.
    assert_eq!(ent.post(save, &[("version", "2"), ("bonus_months", "5.1")]).await.status, StatusCode::SEE_OTHER);
    let r = jaw.post(save, &[("version", &opened), ("base_up_won_yen", "11500")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "a change to another field merges: {}", r.body);
    let round = store::by_year(&app.db, 2031).await.unwrap().unwrap();
    let now = kumiai_core::time::now_ms();
    let stored = store::answers(&app.db, &system, &round, now).await.unwrap();
    assert_eq!((stored[0].base_up_won_yen, stored[0].bonus_centimonths, stored[0].base_up_demand_yen, stored[0].version), (Some(11_500), Some(510), Some(13_000), 4));
    // Both change the amount from version 4: the second save is a conflict with both versions.
    assert_eq!(ent.post(save, &[("version", "4"), ("base_up_won_yen", "11600")]).await.status, StatusCode::SEE_OTHER);
    let clash = jaw.post(save, &[("version", "4"), ("base_up_won_yen", "11700")]).await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.body);
    assert!(clash.body.contains("11600") && clash.body.contains("11700") && clash.body.contains("ベア獲得額"), "both versions shown, the field by its name: {}", clash.body);
    // Bad input: named by field, nothing saved.
    let bad = ent.post(save, &[("version", "5"), ("base_up_state", "none"), ("base_up_won_yen", "3000"), ("bonus_months", "13")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("獲得額があります") && bad.body.contains("0〜12か月"), "{}", bad.body);
    assert_eq!(store::answers(&app.db, &system, &round, now).await.unwrap()[0].version, 5);
    // The round's other items: only those it tracks, one "item: answer" a line.
    store::set_schedule(&app.db, &system, &round, "2031-02-18", "2031-03-12T12:00", "労働時間,企業内最低賃金").await.unwrap();
    let form = ent.get(url).await;
    assert!(form.body.contains("f-other_items") && form.body.contains("労働時間、企業内最低賃金"), "{}", form.body);
    let unknown = ent.post(save, &[("version", "5"), ("other_items", "休日: 1日増")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("休日") && unknown.body.contains("この闘争の項目ではありません"), "{}", unknown.body);
    let r = ent.post(save, &[("version", "5"), ("other_items", "労働時間：年間所定1,950時間\n企業内最低賃金: ")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = store::answers(&app.db, &system, &round, now).await.unwrap().remove(0);
    assert_eq!((a.other_items.as_str(), a.version), ("労働時間: 年間所定1,950時間", 6), "normalised, the empty answer dropped");
    // Only the union, its industrial union and the head office see the answer.
    assert!(app.login("jaw-viewer").await.get(url).await.body.contains("11600"), "the industrial union's viewers see the answer");
    for who in ["partner-editor"] {
        assert_eq!(app.login(who).await.get(url).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    assert_ne!(app.session().get(url).await.status, StatusCode::OK);
    // The industrial union's list holds the union, the union's own list only itself.
    let list = jaw.get("/campaign/2031/answers").await;
    assert!(list.body.contains("E00001") && list.body.contains("回答済み"), "{}", list.body);
}

/// A bulletin freezes the tally: a draft only the head office sees, approved before it can be
/// scheduled, embargoed until its lift time and public after it: the aggregates for everyone,
/// the union-by-union figures for affiliates only, in the page, the workbook and the feed.
async fn bulletins_publish_at_their_lift_time(app: &TestApp) {
    let system = Viewer::system();
    let round = store::create(&app.db, &system, 2032, Some(12_000), "2032-03-12").await.unwrap();
    let (h, r) = rows("union_code,base_up_state,base_up_won_yen\nE00001,won,12001\n");
    store::import(&app.db, &system, &round, &answers::read(&h, &r).unwrap(), kumiai_core::time::now_ms()).await.unwrap().unwrap();
    let union_name: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00001'").fetch_one(&app.db.pool).await.unwrap();
    let mut hq = app.login("hq-editor").await;
    let r = hq.post("/campaign/2032/bulletins", &[("title", "速報テスト甲"), ("commentary", "大手の回答。"), ("union_reach", "affiliates")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let url = "/campaign/2032/bulletins/1";
    let mut anon = app.session();
    let mut jaw = app.login("jaw-viewer").await;
    let mut partner = app.login("partner-editor").await;
    let hidden = |who: &str, r: &crate::common::Reply| assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} sees a bulletin before its lift: {}", r.body);
    hidden("anonymous", &anon.get(url).await);
    hidden("jaw", &jaw.get(url).await);
    let v = version_in(&hq.get(url).await.body);
    assert_eq!(hq.post(&format!("{url}/schedule"), &[("version", &v), ("lift_at", "2099-01-01T00:00")]).await.status, StatusCode::BAD_REQUEST, "not approved yet");
    assert_eq!(hq.post(&format!("{url}/approve"), &[("version", &v)]).await.status, StatusCode::SEE_OTHER);
    let v = version_in(&hq.get(url).await.body);
    assert_eq!(hq.post(&format!("{url}/schedule"), &[("version", &v), ("lift_at", "2099-01-01T00:00")]).await.status, StatusCode::SEE_OTHER);
    hidden("anonymous", &anon.get(url).await);
    hidden("jaw", &jaw.get(url).await);
    assert!(!anon.get("/campaign/bulletins.atom").await.body.contains("速報テスト甲"), "not in the feed before the lift");
    // A correction after the bulletin was taken changes the round, not the bulletin.
    let (h, r) = rows("union_code,base_up_state,base_up_won_yen\nE00001,won,9999\n");
    store::import(&app.db, &system, &round, &answers::read(&h, &r).unwrap(), kumiai_core::time::now_ms()).await.unwrap().unwrap();
    // Lifted: moved to a time already past.
    let v = version_in(&hq.get(url).await.body);
    let past = kumiai_core::time::format_input_ms(kumiai_core::time::now_ms() - 180_000);
    assert_eq!(hq.post(&format!("{url}/schedule"), &[("version", &v), ("lift_at", &past)]).await.status, StatusCode::SEE_OTHER);
    let public = anon.get(url).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("12,001") && !public.body.contains("9,999"), "the frozen aggregate: {}", public.body);
    assert!(!public.body.contains(&union_name), "no union-by-union figures for the public");
    assert!(anon.get(url).await.body.contains("12,001"), "served again (from the cache)");
    let en = anon.get_lang(url, "en").await;
    assert!(en.body.contains("Headline unions") && en.body.contains("12,001"), "in English too: {}", en.body);
    assert!(jaw.get(url).await.body.contains(&union_name), "affiliates see the union lines");
    assert!(!partner.get(url).await.body.contains(&union_name), "partners are not affiliates");
    assert!(anon.get("/campaign/bulletins.atom").await.body.contains("速報テスト甲"));
    let x = anon.get(&format!("{url}/xlsx")).await;
    assert_eq!(x.status, StatusCode::OK);
    let book = kumiai_directory::io::Table::read("b.xlsx", &x.bytes).unwrap();
    assert!(book.rows.iter().any(|(_, cells)| cells.iter().any(|c| c == "12001")), "{:?}", book.rows);
    // The PDF: typeset (when the binary has PDF output and the fonts are installed).
    let pdf = anon.get(&format!("{url}/pdf")).await;
    if cfg!(feature = "pdf") && std::path::Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists() {
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
        assert!(pdf.bytes.starts_with(b"%PDF-") && pdf.headers[axum::http::header::CONTENT_TYPE] == "application/pdf");
        if let Ok(dir) = std::env::var("KUMIAI_ARTIFACTS") {
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(std::path::Path::new(&dir).join("bulletin.pdf"), &pdf.bytes);
        }
    }
    let hidden_pdf = anon.get("/campaign/2032/bulletins/99/pdf").await;
    assert_eq!(hidden_pdf.status, StatusCode::NOT_FOUND);
}

/// The answer-day board: the head office's alone; its event stream sends a fresh board after an
/// answer arrives, within a second; a client that does not ask for a stream gets one event.
async fn the_board_follows_answers_as_they_arrive(app: &TestApp) {
    use futures_util::StreamExt;
    let system = Viewer::system();
    let round = store::create(&app.db, &system, 2033, None, "").await.unwrap();
    for who in ["jaw-admin", "ent-admin"] {
        assert_eq!(app.login(who).await.get("/campaign/2033/board").await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(app.login(who).await.get("/campaign/2033/board/events").await.status, StatusCode::NOT_FOUND, "{who}");
    }
    let mut hq = app.login("hq-viewer").await;
    let page = hq.get("/campaign/2033/board").await;
    assert!(page.body.contains("data-live=\"/campaign/2033/board/events\"") && page.body.contains("http-equiv=\"refresh\""), "{}", page.body);
    let once = hq.get("/campaign/2033/board/events").await;
    assert!(once.body.starts_with("data: ") && once.body.ends_with("\n\n"), "one event: {}", once.body);
    let req = hq.builder("GET", "/campaign/2033/board/events").header(axum::http::header::ACCEPT, "text/event-stream").body(axum::body::Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut events = resp.into_body().into_data_stream();
    let first = String::from_utf8(events.next().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(!first.contains("12,001"), "nothing arrived yet: {first}");
    let (h, r) = rows("union_code,base_up_state,base_up_won_yen\nE00001,won,12001\n");
    store::import(&app.db, &system, &round, &answers::read(&h, &r).unwrap(), kumiai_core::time::now_ms()).await.unwrap().unwrap();
    let next = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        loop {
            let chunk = String::from_utf8(events.next().await.unwrap().unwrap().to_vec()).unwrap();
            if chunk.contains("12,001") {
                return chunk;
            }
        }
    })
    .await
    .expect("the board shows the answer within a second");
    let name: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00001'").fetch_one(&app.db.pool).await.unwrap();
    assert!(next.contains("12,001") && next.contains(&name), "the union by its name: {next}");
}

/// An industrial union takes its template and uploads answers on the web; a bad file imports
/// nothing and names each problem (unknown union, a state outside the list, a won amount with
/// state none, an amount of 12,000,000, a duplicate union) by file, row and column.
async fn answers_files_and_templates_on_the_web(app: &TestApp) {
    let system = Viewer::system();
    let round = store::create(&app.db, &system, 2034, None, "").await.unwrap();
    let mut jaw = app.login("jaw-editor").await;
    let page = jaw.get("/campaign/2034/import").await;
    assert!(page.body.contains("/campaign/2034/template/JAW"), "its own template: {}", page.body);
    let t = jaw.get("/campaign/2034/template/JAW").await;
    assert_eq!(t.status, StatusCode::OK);
    let table = kumiai_directory::io::Table::read("t.xlsx", &t.bytes).unwrap();
    assert!(table.rows.iter().any(|(_, c)| c.iter().any(|x| x == "E00001")), "its unions pre-filled");
    assert_eq!(app.login("ent-editor").await.get("/campaign/2034/template/JAW").await.status, StatusCode::NOT_FOUND, "not an enterprise union's");
    let bad = "union_code,base_up_state,base_up_won_yen\nNOPE1,won,9000\nE00001,maybe,\nE00002,none,3000\nE00003,won,12000000\nE00001,won,1000\n";
    let r = jaw.upload("/campaign/2034/import", &[], "answers.csv", bad.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for needle in ["answers.csv", "maybe", "12000000", "重複", "base_up_won_yen", "NOPE1"] {
        assert!(r.body.contains(needle), "{needle}: {}", r.body);
    }
    assert!(store::answers(&app.db, &system, &round, kumiai_core::time::now_ms()).await.unwrap().is_empty(), "nothing imported");
    assert!(r.body.contains("名簿にありません"), "the unknown union in the same report: {}", r.body);
    let good = jaw.upload("/campaign/2034/import", &[], "answers.csv", "組合コード,ベア回答,ベア獲得額\nE00001,獲得,10500\n".as_bytes()).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    assert_eq!(store::answers(&app.db, &system, &round, kumiai_core::time::now_ms()).await.unwrap()[0].base_up_won_yen, Some(10_500));
}

/// Answers and bulletins in the platform search, each at its reach: a bulletin under embargo is
/// found by the head office alone, a lifted one by everyone; a union's answer by the head office,
/// the union and its industrial union, by nobody else.
async fn campaign_records_are_searched_within_reach(app: &TestApp) {
    use crate::common::search_titles as titles;
    let embargoed = |t: &[String]| t.iter().any(|x| x.contains("最終集計"));
    let lifted = |t: &[String]| t.iter().any(|x| x.contains("12時時点"));
    let mut hq = app.login("hq-viewer").await;
    assert!(embargoed(&titles(&mut hq, "最終集計", embargoed).await), "the head office finds the bulletin under embargo");
    let mut anon = app.session();
    assert!(!embargoed(&titles(&mut anon, "最終集計", |_| false).await), "nobody else finds it before the lift");
    assert!(lifted(&titles(&mut anon, "12時時点", lifted).await), "a lifted bulletin is public");
    let union: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00001'").fetch_one(&app.db.pool).await.unwrap();
    let answer = |t: &[String]| t.iter().any(|x| x.contains(&union) && x.contains("要求・回答"));
    for (who, sees) in [("hq-viewer", true), ("jaw-viewer", true), ("ent-viewer", true), ("partner-viewer", false), ("anonymous", false)] {
        let mut s = if who == "anonymous" { app.session() } else { app.login(who).await };
        let t = titles(&mut s, &union, |t| answer(t) == sees).await;
        assert_eq!(answer(&t), sees, "{who}: {t:?}");
    }
}
