//! Minimum wages: a regional and an industry file imported on the web give the hand-computed
//! gaps, inversions and raise comparisons in the page and the JSON; a bad file imports nothing and
//! names each problem; every record (wages, tracker notes, agreements, a year's results) reaches
//! only whom it may; the tracker records steps with the directory's people and detects stale saves.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::Value;

on_both_backends!(minimum_wages_are_searched_and_shown_within_reach, files_give_the_hand_computed_analysis, a_bad_file_imports_nothing_and_names_each_problem, minimum_wage_records_reach_only_whom_they_may, tracker_steps_and_agreements);

/// The report's line for (prefecture, industry).
fn line<'a>(report: &'a Value, pref: &str, industry: &str) -> &'a Value {
    report["wages"].as_array().unwrap().iter().find(|w| w["prefecture_code"] == pref && w["industry"] == industry).unwrap_or_else(|| panic!("no {pref} {industry} in {report}"))
}

/// Five hand-computed cases in FY2025 (regional: Aichi 1,077 → 1,140, Tokyo 1,226, Akita 951 →
/// 1,031, Hokkaido 1,075), all of 全電線 (DENSEN) so that union's summary is exactly theirs.
const INDUSTRY: &str = "年度,都道府県コード,都道府県,業種,正式名称,時間額,改正前の時間額,発効日,適用労働者数,改正状況,関係産別,備考\n\
2025,23,愛知県,精密,精密機械器具製造業,1190,1120,2025-12-01,1000,金額改正,DENSEN,\n\
2025,23,愛知県,非鉄,非鉄金属製造業,1100,1100,,3000,据置,DENSEN,\n\
2025,13,東京都,光学,光学機械器具製造業,1300,,2026-01-01,,金額改正,DENSEN,改正前は不明\n\
2025,05,秋田県,電線,電線・ケーブル製造業,1100,1040,2026-03-31,,金額改正,DENSEN,\n\
2025,01,北海道,計量器,計量器製造業,1200,,2026-01-15,,新設,DENSEN,\n";

async fn files_give_the_hand_computed_analysis(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    // The real regional file, imported as a user would: it matches the shipped figures.
    let regional = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../minwage/data/regional.csv")).unwrap();
    let r = hq.upload("/minwage/import", &[("kind", "regional")], "regional.csv", &regional).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = hq.get("/minwage").await;
    assert!(r.body.contains("regional.csv") && r.body.contains("329"), "the flash reports 329 rows created: {}", r.body.chars().take(3000).collect::<String>());
    // The industry file in Shift_JIS with Japanese headers, as Excel writes it.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(INDUSTRY);
    let r = hq.upload("/minwage/import", &[("kind", "industry"), ("reach", "public")], "tokutei.csv", &sjis).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let report = hq.get("/api/v1/minwage/2025/report").await.json();
    let a = line(&report, "23", "精密");
    assert_eq!((a["raise_yen"].as_i64(), a["regional_hourly_yen"].as_i64(), a["regional_raise_yen"].as_i64(), a["gap_yen"].as_i64()), (Some(70), Some(1140), Some(63), Some(50)));
    assert_eq!((a["below_regional"].as_bool(), a["raise_at_least_regional"].as_bool(), a["at_risk_next_year"].as_bool()), (Some(false), Some(true), Some(true)), "1,140 + 63 = 1,203 > 1,190");
    let b = line(&report, "23", "非鉄");
    assert_eq!((b["raise_yen"].as_i64(), b["gap_yen"].as_i64(), b["below_regional"].as_bool(), b["raise_at_least_regional"].as_bool()), (Some(0), Some(-40), Some(true), Some(false)), "unrevised, below: the regional wage applies");
    let c = line(&report, "13", "光学");
    assert!(c["previous_hourly_yen"].is_null() && c["raise_yen"].is_null() && c["raise_at_least_regional"].is_null(), "a missing previous amount stays unknown: {c}");
    assert_eq!((c["gap_yen"].as_i64(), c["below_regional"].as_bool()), (Some(74), Some(false)));
    let d = line(&report, "05", "電線");
    assert_eq!((d["effective_date"].as_str(), d["raise_yen"].as_i64(), d["regional_raise_yen"].as_i64(), d["raise_at_least_regional"].as_bool(), d["gap_yen"].as_i64()), (Some("2026-03-31"), Some(60), Some(80), Some(false), Some(69)), "FY2025 takes effect in March 2026");
    let e = line(&report, "01", "計量器");
    assert_eq!((e["status"].as_str(), e["raise_yen"].is_null(), e["gap_yen"].as_i64()), (Some("new"), true, Some(125)));
    let s = &report["by_industrial_union"]["DENSEN"];
    assert_eq!((s["count"].as_i64(), s["revised"].as_i64(), s["new"].as_i64(), s["unchanged"].as_i64()), (Some(5), Some(3), Some(1), Some(1)));
    assert_eq!((s["raise_at_least_regional"].as_i64(), s["below_regional"].as_i64(), s["at_risk_next_year"].as_i64()), (Some(1), Some(1), Some(2)));
    // (70 + 0 + 60) / 3; weighted (70×1,000 + 0×3,000) / 4,000; gaps (50 − 40 + 74 + 69 + 125) / 5; weighted (50×1,000 − 40×3,000) / 4,000.
    assert_eq!((s["avg_raise_yen"].as_f64(), s["weighted_avg_raise_yen"].as_f64(), s["avg_gap_yen"].as_f64(), s["weighted_avg_gap_yen"].as_f64()), (Some(43.3), Some(17.5), Some(55.6), Some(-17.5)));
    assert!(report["summary"]["count"].as_i64().unwrap() >= 5 && report["summary"]["below_regional"].is_i64());

    // The same figures in the browser: the table filtered to the union, its exports.
    let page = hq.get("/minwage/2025?iu=DENSEN&sort=-gap").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("5件"), "five wages listed");
    let order: Vec<usize> = ["計量器", "光学", "電線", "精密", "非鉄"].iter().map(|n| page.body.find(&format!(">{n}</a>")).unwrap_or_else(|| panic!("{n} missing"))).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "sorted by gap, largest first: {order:?}");
    assert!(page.body.contains("−40") && page.body.contains("+125") && page.body.contains("<svg"), "gaps and the map");
    // The summary tables sort too: by average gap, the lowest (the wages in danger) first.
    let by_gap = hq.get("/minwage/2025?gsort=gap").await.body;
    let at = |n: &str| by_gap.find(&format!("href=\"/minwage/industries/{}\"", kumiai_platform::text::percent_encode(n))).unwrap_or_else(|| panic!("{n} missing"));
    let order: Vec<usize> = ["非鉄", "精密", "電線", "光学", "計量器"].iter().map(|n| at(n)).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "−40, +50, +69, +74, +125: {order:?}");
    assert!(by_gap.contains("aria-sort=\"ascending\"><a href=\"/minwage/2025?") && by_gap.contains("gsort=gap#by-industry"));
    let csv = hq.get("/minwage/2025/wages.csv?iu=DENSEN").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 6, "header and five wages: {}", csv.body);
    assert!(csv.body.contains("2025,23,愛知県,非鉄,非鉄金属製造業,unchanged,1100,1100,0,1140,63,-40,true,false"), "{}", csv.body);
    let xlsx = hq.get("/minwage/2025/wages.xlsx?iu=DENSEN").await;
    assert!(xlsx.bytes.starts_with(b"PK"), "a workbook");
    // Importing the same file again changes nothing.
    let r = hq.upload("/minwage/import", &[("kind", "industry")], "tokutei.csv", &sjis).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(hq.get("/minwage").await.body.contains("変更なし5件"));
    // The series pages draw each prefecture's and industry's years.
    let p = hq.get("/minwage/prefectures/23").await;
    assert!(p.status == StatusCode::OK && p.body.matches("<svg class=\"chart\"").count() == 2, "two charts");
    assert_eq!(hq.get("/minwage/prefectures/48").await.status, StatusCode::NOT_FOUND);
    let series = hq.get("/minwage/prefectures/23?format=csv").await.body;
    assert!(series.lines().any(|l| l.starts_with("2025,1140,63,")), "the year's row as a file: {series}");
    assert_eq!(hq.get(&format!("/minwage/industries/{}", kumiai_platform::text::percent_encode("精密"))).await.status, StatusCode::OK);
    // An .xlsx file imports the same way (Tochigi: 1,004 → 1,068; 1,150 − 1,068 = 82).
    let headers = ["fiscal_year", "prefecture_code", "industry", "hourly_yen", "previous_hourly_yen", "effective_date", "status", "industrial_unions"];
    let row: Vec<String> = ["2025", "09", "工作機械", "1150", "1100", "2026-02-01", "revised", "DENSEN"].iter().map(|c| c.to_string()).collect();
    let book = kumiai_minwage::report::workbook(&[("industry", &headers, vec![row])]).unwrap();
    let r = hq.upload("/minwage/import", &[("kind", "industry")], "tokutei.xlsx", &book).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let x = hq.get("/api/v1/minwage/2025/report").await.json();
    let t = line(&x, "09", "工作機械");
    assert_eq!((t["raise_yen"].as_i64(), t["regional_raise_yen"].as_i64(), t["gap_yen"].as_i64(), t["raise_at_least_regional"].as_bool()), (Some(50), Some(64), Some(82), Some(false)));
}

async fn a_bad_file_imports_nothing_and_names_each_problem(app: &TestApp) {
    let mut hq = app.login("hq-editor").await;
    let before = hq.get("/api/v1/minwage/2025/report").await.json()["wages"].as_array().unwrap().len();
    let bad = "fiscal_year,prefecture_code,prefecture,industry,hourly_yen,previous_hourly_yen,effective_date,covered_workers,status,note\n\
               2025,48,,精密,1200,1150,2025-12-01,,revised,\n\
               2025,23,愛知県,精密,12,1150,2025-12-01,,revised,\n\
               2025,23,愛知県,光学,1200,1150,2025-03-31,,revised,\n\
               2025,13,東京都,精密,1300,1250,2026-01-01,,revised,\n\
               2025,13,東京都,精密,1300,1250,2026-01-01,,revised,\n";
    let r = hq.upload("/minwage/import", &[("kind", "industry")], "bad.csv", bad.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for (row, column, words) in [("2", "prefecture_code", "「48」"), ("3", "hourly_yen", "500〜5,000"), ("4", "effective_date", "2025年度"), ("6", "fiscal_year, prefecture_code, industry", "5行目と重複")] {
        let at = format!("<td>bad.csv</td><td class=\"num\">{row}</td><td>{column}</td>");
        let i = r.body.find(&at).unwrap_or_else(|| panic!("row {row} {column} not named: {}", r.body));
        assert!(r.body[i..].split("</tr>").next().unwrap().contains(words), "row {row}: {words}");
    }
    assert_eq!(hq.get("/api/v1/minwage/2025/report").await.json()["wages"].as_array().unwrap().len(), before, "nothing stored");
    // An industrial union that does not exist is named with its row; an odd encoding is refused.
    let r = hq.upload("/minwage/import", &[("kind", "industry")], "u.csv", "fiscal_year,prefecture_code,industry,hourly_yen,industrial_unions\n2025,23,精密,1200,NOPE\n".as_bytes()).await;
    assert!(r.body.contains("NOPE") && r.body.contains("<td>industrial_unions</td>"), "{}", r.body);
    let r = hq.upload("/minwage/import", &[("kind", "regional")], "x.csv", &[0xff, 0xfe, 0x00, 0x41, 0x81]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Huge numbers are refused, not wrapped.
    let r = hq.upload("/minwage/import", &[("kind", "regional")], "h.csv", "fiscal_year,prefecture_code,hourly_yen\n2025,13,99999999999999999999999\n".as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only the head office's editors import.
    let mut jaw = app.login("jaw-editor").await;
    assert_eq!(jaw.upload("/minwage/import", &[("kind", "industry")], "t.csv", INDUSTRY.as_bytes()).await.status, StatusCode::FORBIDDEN);
}

async fn minimum_wage_records_reach_only_whom_they_may(app: &TestApp) {
    let mut anon = app.visitor().await;
    let mut partner = app.login("partner-admin").await;
    let mut ent = app.login("ent-admin").await;
    let mut jaw = app.login("jaw-admin").await;
    let mut hq = app.login("hq-admin").await;
    // The analysis is the members'; a year's results are public once published, not before.
    let r = anon.get("/minwage/2025").await;
    assert!(r.status == StatusCode::UNAUTHORIZED || r.location.as_deref().is_some_and(|l| l.starts_with("/login")), "{}", r.status);
    assert_eq!(anon.get("/minwage/2024/results").await.status, StatusCode::OK);
    assert!(anon.get("/minwage/2024/results?format=xlsx").await.bytes.starts_with(b"PK"), "the published figures as a workbook");
    assert_eq!(anon.get("/minwage/2025/results?format=csv").await.status, StatusCode::NOT_FOUND);
    assert!(anon.get("/minwage").await.body.contains("/minwage/2024/results"));
    assert!(!anon.get("/minwage").await.body.contains("/minwage/2025/results"), "unpublished results are not listed");
    for s in [&mut anon, &mut partner, &mut ent, &mut jaw] {
        assert_eq!(s.get("/minwage/2025/results").await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(hq.get("/minwage/2025/results").await.status, StatusCode::OK);
    // A wage the head office keeps (the demo's new 蓄電池 wage under discussion): hidden like missing.
    let all = hq.get("/api/v1/minwage/2026/report").await.json();
    assert!(all["wages"].as_array().unwrap().iter().any(|w| w["industry"] == "蓄電池"));
    let id: i64 = hq.get("/minwage/2026?industry=%E8%93%84%E9%9B%BB%E6%B1%A0").await.body.split("/minwage/wages/").nth(1).and_then(|t| t.split('"').next()).and_then(|t| t.parse().ok()).expect("the wage's link");
    let enc = kumiai_platform::text::percent_encode("蓄電池");
    for s in [&mut partner, &mut ent, &mut jaw] {
        let mine = s.get("/api/v1/minwage/2026/report").await.json();
        assert!(mine["wages"].as_array().unwrap().iter().all(|w| w["industry"] != "蓄電池"), "hidden from the report");
        assert!(mine["by_industry"].get("蓄電池").is_none(), "and from its summaries");
        assert_eq!(s.get(&format!("/minwage/wages/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(s.get(&format!("/minwage/industries/{enc}")).await.status, StatusCode::NOT_FOUND);
        assert!(!s.get("/minwage/2026").await.body.contains("蓄電池"), "nor in the page's filters or tables");
        assert!(!s.get("/minwage").await.body.contains("蓄電池"));
        assert_eq!(s.post(&format!("/minwage/wages/{id}/steps/petition"), &[("due_date", "2026-12-01"), ("version", "0")]).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(hq.get(&format!("/minwage/wages/{id}")).await.status, StatusCode::OK);
    // Tracker notes reach the industrial unions and the head office, never the public.
    let noted = hq.get("/minwage/2026/tracker").await;
    let wage = noted.body.split("/minwage/wages/").nth(1).and_then(|t| t.split('"').next()).unwrap().to_string();
    let note = "使用者側が据置を主張";
    let with_note = {
        let mut found = None;
        for cand in noted.body.split("/minwage/wages/").skip(1).filter_map(|t| t.split('"').next()) {
            if hq.get(&format!("/minwage/wages/{cand}")).await.body.contains(note) {
                found = Some(cand.to_string());
                break;
            }
        }
        found.unwrap_or(wage)
    };
    assert!(jaw.get(&format!("/minwage/wages/{with_note}")).await.body.contains(note), "the industrial unions see the notes");
    for s in [&mut ent, &mut partner] {
        let r = s.get(&format!("/minwage/wages/{with_note}")).await;
        assert_eq!(r.status, StatusCode::OK, "the wage itself is public");
        assert!(!r.body.contains(note), "the notes are not");
    }
    assert_ne!(anon.get(&format!("/minwage/wages/{with_note}")).await.status, StatusCode::OK);
    // The same in the tracker's export.
    assert!(jaw.get("/minwage/2026/tracker.csv").await.body.contains(note));
    let theirs = ent.get("/minwage/2026/tracker.csv").await;
    assert!(theirs.status == StatusCode::OK && !theirs.body.contains(note) && theirs.body.lines().count() == 1, "only the header: {}", theirs.body);
    assert_ne!(anon.get("/minwage/2026/tracker.csv").await.status, StatusCode::OK);
    assert!(jaw.get("/minwage/2026/tracker").await.body.contains("遅れている段階"));
    assert!(!ent.get("/minwage/2026/tracker").await.body.contains("<td><span class=\"err\">2026-"), "no late steps shown to an enterprise union: it sees no steps");
    // Agreements: the union sees its own, a partner none.
    let xlsx = ent.get("/minwage/2025/agreements.xlsx").await;
    assert!(xlsx.status == StatusCode::OK && xlsx.bytes.starts_with(b"PK"));
    let own = ent.get("/minwage/2025/agreements").await;
    assert!(own.body.contains("(E00001)") && !own.body.contains("(E00002)"), "{}", own.body.chars().take(2000).collect::<String>());
    assert!(partner.get("/minwage/2025/agreements").await.body.contains("見られる協定はありません") || !partner.get("/minwage/2025/agreements").await.body.contains("(E0"));
    // Publishing is the head office's editors' alone.
    assert_eq!(jaw.post("/minwage/2025/results", &[("reach", "public")]).await.status, StatusCode::FORBIDDEN);
    let r = hq.post("/minwage/2025/results", &[("commentary", "2025年度の結果"), ("reach", "public")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let public = anon.get("/minwage/2025/results").await;
    assert!(public.status == StatusCode::OK && public.body.contains("2025年度の結果") && public.body.contains("<svg"));
    assert!(!public.body.contains("蓄電池"));
}

async fn tracker_steps_and_agreements(app: &TestApp) {
    let mut jaw = app.login("jaw-editor").await;
    let mut hq = app.login("hq-editor").await;
    // A 自動車 wage (JAW is concerned) and a 電機 one (it is not).
    let page = hq.get("/minwage/2026?industry=%E8%87%AA%E5%8B%95%E8%BB%8A").await.body;
    let car: String = page.split("/minwage/wages/").nth(1).and_then(|t| t.split('"').next()).unwrap().into();
    let page = hq.get("/minwage/2026?industry=%E9%9B%BB%E6%A9%9F").await.body;
    let elec: String = page.split("/minwage/wages/").nth(1).and_then(|t| t.split('"').next()).unwrap().into();
    assert_eq!(jaw.post(&format!("/minwage/wages/{elec}/steps/notice"), &[("due_date", "2026-12-01"), ("version", "1")]).await.status, StatusCode::FORBIDDEN);
    let form = jaw.get(&format!("/minwage/wages/{car}")).await.body;
    let version = |form: &str, step: &str| -> String {
        let at = form.find(&format!("/steps/{step}\"")).unwrap();
        form[at..].split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
    };
    let v = version(&form, "notice");
    // A person from the directory; a made-up id is refused.
    let person = hq.get("/directory/pick/people?q=%E6%9E%97").await.json();
    let pid = person[0]["value"].as_str().map(str::to_string).unwrap_or_default();
    let r = jaw.post(&format!("/minwage/wages/{car}/steps/notice"), &[("due_date", "2026-12-01"), ("person_id", "999999"), ("version", &v)]).await;
    assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("999999"), "{}", r.status);
    let r = jaw.post(&format!("/minwage/wages/{car}/steps/notice"), &[("due_date", "2026-12-01"), ("done_date", "2026-12-02"), ("person_id", &pid), ("note", "公示済み"), ("reach", "industrial"), ("version", &v)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = jaw.get(&format!("/minwage/wages/{car}")).await.body;
    assert!(after.contains("公示済み") && after.contains("2026-12-02"));
    // A stale save of the same step is a conflict, not an overwrite.
    let r = hq.post(&format!("/minwage/wages/{car}/steps/notice"), &[("due_date", "2026-12-10"), ("note", "古い版から"), ("version", &v)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body.chars().take(500).collect::<String>());
    assert!(jaw.get(&format!("/minwage/wages/{car}")).await.body.contains("公示済み"));
    // Bad dates are named.
    let v2 = version(&after, "notice");
    let r = jaw.post(&format!("/minwage/wages/{car}/steps/notice"), &[("due_date", "12/1"), ("version", &v2)]).await;
    assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("YYYY-MM-DD"));
    // A step shared with the affiliates stays so when a later save names no reach.
    let r = jaw.post(&format!("/minwage/wages/{car}/steps/notice"), &[("due_date", "2026-12-01"), ("done_date", "2026-12-02"), ("note", "傘下にも共有"), ("reach", "affiliates"), ("version", &v2)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let v3 = version(&jaw.get(&format!("/minwage/wages/{car}")).await.body, "notice");
    let r = jaw.post(&format!("/minwage/wages/{car}/steps/notice"), &[("due_date", "2026-12-01"), ("done_date", "2026-12-02"), ("note", "傘下にも共有（追記）"), ("version", &v3)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app.login("ent-viewer").await.get(&format!("/minwage/wages/{car}")).await.body.contains("傘下にも共有（追記）"), "the reach was kept");
    // A late step shows on the dashboard.
    let ve = version(&after, "effective");
    let r = jaw.post(&format!("/minwage/wages/{car}/steps/effective"), &[("due_date", "2026-01-01"), ("version", &ve)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(jaw.get("/minwage/2026/tracker").await.body.contains("<td><span class=\"err\">2026-01-01</span></td>"));

    // An agreement the wage round holds (entered through its API) is read from there and
    // converted at the target's hours; a higher target puts it below.
    let union = "E00001";
    let mut ent = app.login("ent-editor").await;
    let current = ent.get(&format!("/api/v1/campaign/2025/answers/{union}")).await.json();
    let v = current["version"].as_i64().unwrap_or(0);
    let r = ent.json("PUT", &format!("/api/v1/campaign/2025/answers/{union}"), &serde_json::json!({"version": v, "min_wage_monthly_yen": "193000"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = hq.get("/minwage/2025/agreements").await.body;
    let row = list.split("<tr>").skip(1).find(|r| r.contains(&format!("({union})"))).unwrap().to_string();
    assert!(row.contains("春闘の回答") && row.contains("193,000") && row.contains(">1,199<"), "193,000 / 161 h = 1,199 yen: {row}");
    assert!(row.contains("はい"), "below JCM's 1,200 yen an hour");
    let r = hq.post("/minwage/2025/agreements/target", &[("monthly_yen", "190,000"), ("hourly_yen", "1180"), ("monthly_hours", "160")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let row = hq.get("/minwage/2025/agreements").await.body.split("<tr>").skip(1).find(|r| r.contains(&format!("({union})"))).unwrap().to_string();
    assert!(row.contains(">1,206<") && row.contains("いいえ"), "193,000 / 160 h = 1,206 ≥ 1,180: {row}");
    let r = hq.post("/minwage/2025/agreements/target", &[("monthly_yen", "1"), ("hourly_yen", "1180"), ("monthly_hours", "160")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Industry wages are search documents at their own reach; the dashboard's panel is the head
/// office's and the industrial unions'.
async fn minimum_wages_are_searched_and_shown_within_reach(app: &TestApp) {
    use crate::common::search_titles as titles;
    let hidden = |t: &[String]| t.iter().any(|x| x.contains("蓄電池"));
    let public = |t: &[String]| t.iter().any(|x| x.contains("愛知県 電機 特定最低賃金"));
    let mut hq = app.login("hq-viewer").await;
    assert!(hidden(&titles(&mut hq, "蓄電池", hidden).await), "the head office finds its own wage");
    for who in ["jaw-viewer", "ent-viewer", "partner-viewer", "anonymous"] {
        let mut s = if who == "anonymous" { app.session() } else { app.login(who).await };
        assert!(!hidden(&titles(&mut s, "蓄電池", |_| false).await), "{who} does not find it");
        assert!(public(&titles(&mut s, "愛知県 電機", public).await), "{who} finds a public wage");
    }
    for (who, panel) in [("hq-viewer", true), ("jaw-viewer", true), ("ent-viewer", false), ("partner-viewer", false)] {
        let home = app.login(who).await.get("/").await.body;
        assert_eq!(home.contains("/minwage/2026/tracker"), panel, "{who}'s dashboard");
    }
}
