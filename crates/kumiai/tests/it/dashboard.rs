//! The home page as a dashboard, per tier: the head office sees member counts due by industrial
//! union, an industrial union its own unions still due, an enterprise union its own record, a
//! partner (in English) what is shared with it; everyone the changes they may see. Counts and
//! names come through reach: no panel names or counts what its reader may not see.

use crate::common::TestApp;

on_both_backends!(home_is_a_dashboard_per_tier);

/// The enterprise unions under an industrial union, and those with a count for `fy` (as stored, all of them).
async fn due(app: &TestApp, iu_code: &str, fy: i64) -> (i64, i64) {
    let path: String = sqlx::query_scalar("SELECT path FROM organisations WHERE code = $1").bind(iu_code.to_string()).fetch_one(&app.db.pool).await.unwrap();
    let under = "kind = 'enterprise_union' AND archived_at IS NULL AND path LIKE $1";
    let all: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM organisations WHERE {under}"))).bind(format!("{path}%")).fetch_one(&app.db.pool).await.unwrap();
    let reported: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM organisations o WHERE {under} AND EXISTS (SELECT 1 FROM member_counts c WHERE c.org_id = o.id AND c.fiscal_year = $2)")))
        .bind(format!("{path}%"))
        .bind(fy)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (all, all - reported)
}

/// The text of the dashboard panel titled `title` (tags dropped), if there is one.
fn panel(body: &str, title: &str) -> Option<String> {
    let at = body.find(&format!("<h2>{title}"))?;
    let end = body[at..].find("</section>").map_or(body.len(), |e| at + e);
    Some(body[at..end].split('<').map(|s| s.split_once('>').map_or(s, |(_, t)| t)).collect::<Vec<_>>().join(" "))
}

async fn home_is_a_dashboard_per_tier(app: &TestApp) {
    let fy = i64::from(app.state.config.calendar.year_of(kumiai_core::time::today()).0);
    // Titles of the head office's own pages: no other tier's home may name one.
    let hq_only: Vec<String> = sqlx::query_scalar("SELECT title FROM wiki_pages WHERE reach = 'hq'").fetch_all(&app.db.pool).await.unwrap();
    assert!(!hq_only.is_empty());
    let names_hq_page = |home: &str| hq_only.iter().find(|t| home.contains(t.as_str())).cloned();
    let newest: String = sqlx::query_scalar("SELECT title FROM wiki_revisions ORDER BY created_at DESC, id DESC LIMIT 1").fetch_one(&app.db.pool).await.unwrap();

    // The head office: every industrial union, with its unions and how many are due.
    let mut hq = app.login("hq-viewer").await;
    let home = hq.get("/").await.body;
    let counts = panel(&home, "組合員数の報告").unwrap_or_else(|| panic!("a counts panel: {home}"));
    let (all, due_jaw) = due(app, "JAW", fy).await;
    assert!(all > 0 && counts.contains("自動車総連"), "{counts}");
    let row = &counts[counts.find("自動車総連").unwrap()..];
    let numbers: Vec<i64> = row.split_whitespace().filter_map(|w| w.parse().ok()).take(3).collect();
    assert_eq!(numbers, [all, all - due_jaw, due_jaw], "unions, reported, due: {row}");
    assert!(panel(&home, "JCMpedia の最近の変更").is_some_and(|p| p.contains(&newest)), "the newest change first");
    assert!(panel(&home, "ウォッチリスト").is_some());

    // An industrial union: its own row and its unions still due, by name; no other union's row.
    let mut jaw = app.login("jaw-viewer").await;
    let home = jaw.get("/").await.body;
    let counts = panel(&home, "組合員数の報告").unwrap_or_else(|| panic!("{home}"));
    assert!(counts.contains("自動車総連") && !counts.contains("電機連合"), "{counts}");
    // Of its unions, those it may see (the head office may see more): the sums agree, and the
    // unions still due are named when there are any.
    let row = &counts[counts.find("自動車総連").unwrap()..];
    let seen: Vec<i64> = row.split_whitespace().filter_map(|w| w.parse().ok()).take(3).collect();
    assert!(seen[0] <= all && seen[0] == seen[1] + seen[2], "{row}");
    assert_eq!(counts.contains("まだ報告のない単組"), seen[2] > 0, "{counts}");
    assert_eq!(counts.contains("すべての単組が報告済みです"), seen[2] == 0, "{counts}");
    assert_eq!(names_hq_page(&home), None, "no head-office page in an industrial union's home");

    // An enterprise union: its own record and this year's count or what is due.
    let mut ent = app.login("ent-viewer").await;
    let home = ent.get("/").await.body;
    let own = panel(&home, "自組織").unwrap_or_else(|| panic!("{home}"));
    let name: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE code = 'E00001'").fetch_one(&app.db.pool).await.unwrap();
    assert!(own.contains(&name) && (own.contains("人") || own.contains("まだ報告されていません")), "{own}");
    assert!(panel(&home, "組合員数の報告").is_none(), "an enterprise union sees no federation-wide counts");

    // A partner, in English: what is shared with it, nothing of the head office's.
    let mut partner = app.login("partner-viewer").await;
    let home = partner.get_lang("/", "en").await.body;
    let shared = panel(&home, "Shared with you").unwrap_or_else(|| panic!("{home}"));
    assert_eq!(names_hq_page(&home), None, "{shared}");
    assert!(panel(&home, "Your organisation").is_some_and(|p| p.contains("TEAM")), "{home}");
    assert!(panel(&home, "Member counts").is_none());

    // Anonymous: public changes only, no counts, no watch list.
    let mut anon = app.visitor().await;
    let home = anon.get("/").await.body;
    assert!(panel(&home, "JCMpedia の最近の変更").is_some() && panel(&home, "ウォッチリスト").is_none() && panel(&home, "組合員数の報告").is_none(), "{home}");
    assert_eq!(names_hq_page(&home), None);
}
