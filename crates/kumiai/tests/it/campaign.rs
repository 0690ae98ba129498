//! The wage round: answers imported all or nothing, stored through the audited path at their
//! reach, tallied as JCM does, and tallied again "as of" a moment before a correction.

use crate::common::TestApp;
use kumiai_campaign::{answers, store, tally::BaseUp};
use kumiai_core::Viewer;

on_both_backends!(answers_import_tally_and_tally_as_of);

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
    assert!(hq.get("/").await.body.contains("2030年闘争"), "the head office's dashboard shows the newest round");
    for who in ["ent-viewer", "jaw-admin"] {
        let mut s = app.login(who).await;
        assert_eq!(s.get("/campaign/2025").await.status, axum::http::StatusCode::NOT_FOUND, "{who}");
        assert!(!s.get("/").await.body.contains("年闘争"), "{who}");
    }
    assert_eq!(app.visitor().await.get("/campaign/2025").await.status, axum::http::StatusCode::NOT_FOUND);
}
