//! The knowledge base as each tier meets it: pages at their reach, links to hidden pages as plain
//! text, revisions, diffs, revert, rename with redirect, delete and restore, conflicts, categories
//! and "what links here" filtered, and search finding pages by reach.



use axum::http::StatusCode;
use crate::common::{Session, TestApp};

on_both_backends!(pages_follow_reach_everywhere, revisions_diff_revert_rename_delete, edit_conflicts_keep_both_texts, recent_changes_watch_list_and_feed, recent_changes_in_time_order_paged_and_filtered, browser_line_endings_are_not_changes, preview_and_changes_save_nothing, english_copies_are_marked_stale, attachments_follow_their_page);

async fn page_id(app: &TestApp, title: &str) -> i64 {
    app.page_id(title).await
}

fn version_of(body: &str) -> String {
    let key = "name=\"version\" value=\"";
    let i = body.find(key).unwrap() + key.len();
    body[i..i + body[i..].find('"').unwrap()].to_string()
}

async fn pages_follow_reach_everywhere(app: &TestApp) {
    let team = page_id(app, "TEAM（タイ）").await; // public
    let dispute = page_id(app, "タイの労使紛争の記録").await; // affiliates
    let memo = page_id(app, "本部内メモ：定期協議の準備").await; // head office only
    for (who, sees_dispute, sees_memo) in [("anonymous", false, false), ("partner-viewer", false, false), ("ent-viewer", true, false), ("hq-viewer", true, true)] {
        let mut s: Session = if who == "anonymous" { app.visitor().await } else { app.login(who).await };
        assert_eq!(s.get(&format!("/wiki/page/{team}")).await.status, StatusCode::OK, "{who}");
        assert_eq!(s.get(&format!("/wiki/page/{dispute}")).await.status == StatusCode::OK, sees_dispute, "{who}");
        assert_eq!(s.get(&format!("/wiki/page/{memo}")).await.status == StatusCode::OK, sees_memo, "{who}");
        assert_eq!(s.get(&format!("/api/v1/wiki/pages/{memo}")).await.status == StatusCode::OK, sees_memo, "{who} API");
        // On the public page, the link to the dispute record is a link only for those who see it.
        let page = s.get(&format!("/wiki/page/{team}")).await.body;
        assert_eq!(page.contains(&format!("href=\"/wiki/page/{dispute}\"")), sees_dispute, "{who} link");
        assert!(page.contains("タイの労使紛争の記録"), "the words stay as text");
        assert!(page.contains("<strong>「友誼組織」</strong>"), "CJK emphasis");
        // Index, category, what-links-here and the API list filter the same way.
        let index = s.get("/wiki").await.body;
        assert_eq!(index.contains("本部内メモ"), sees_memo, "{who} index");
        let cat = s.get("/wiki?category=%E3%82%BF%E3%82%A4").await.body;
        assert!(cat.contains("TEAM（タイ）"));
        assert_eq!(cat.contains("タイの労使紛争の記録"), sees_dispute, "{who} category");
        let here = s.get(&format!("/wiki/page/{team}/links")).await.body;
        assert_eq!(here.contains("本部内メモ"), sees_memo, "{who} what links here");
        let api = s.get("/api/v1/wiki/pages").await.json();
        assert_eq!(api["items"].as_array().unwrap().iter().any(|p| p["id"] == memo), sees_memo, "{who} API list");
        // Search as well (the index is built from the same pages).
        let hits = s.get("/api/v1/search?q=%E5%AE%9A%E6%9C%9F%E5%8D%94%E8%AD%B0%E3%81%AE%E6%BA%96%E5%82%99").await.json();
        assert_eq!(hits["hits"].as_array().unwrap().iter().any(|h| h["url"] == format!("/wiki/page/{memo}")), sees_memo, "{who} search");
    }
    // The infobox shows the directory record's facts.
    let mut hq = app.login("hq-viewer").await;
    let page = hq.get(&format!("/wiki/page/{team}")).await.body;
    assert!(page.contains("class=\"infobox\"") && page.contains("TEAM（タイ電機"), "infobox from the directory");
    assert!(page.contains("class=\"toc\""), "table of contents");
}

async fn revisions_diff_revert_rename_delete(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    s.get("/wiki/new").await;
    let r = s.post("/wiki/new", &[("title", "改訂テスト"), ("kind", "topic"), ("reach", "affiliates"), ("body", "一行目\n団体交渉は決裂した。\n")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = page_id(app, "改訂テスト").await;
    let form = s.get(&format!("/wiki/page/{id}/edit")).await.body;
    let v = version_of(&form);
    let r = s
        .post(&format!("/wiki/page/{id}/edit"), &[("version", &v), ("title", "改訂テスト"), ("kind", "topic"), ("reach", "affiliates"), ("body", "一行目\n団体交渉は妥結した。\n"), ("summary", "妥結")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let history = s.get(&format!("/wiki/page/{id}/history")).await.body;
    assert!(history.contains("妥結") && history.matches("/revisions/").count() == 2);
    let diff = s.get(&format!("/wiki/page/{id}/diff")).await.body;
    assert!(diff.contains("団体交渉は<del>決裂</del>した。") && diff.contains("団体交渉は<ins>妥結</ins>した。"), "{diff}");
    // Revert to the first revision: a third revision with the first text.
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM wiki_revisions WHERE page_id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    let v = version_of(&s.get(&format!("/wiki/page/{id}")).await.body);
    assert_eq!(s.post(&format!("/wiki/page/{id}/revert"), &[("version", &v), ("rev", &first.to_string())]).await.status, StatusCode::SEE_OTHER);
    let body: String = sqlx::query_scalar("SELECT body FROM wiki_pages WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert!(body.contains("決裂"));
    assert_eq!(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM wiki_revisions WHERE page_id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap(), 3);
    // Rename: the old title redirects.
    let v = version_of(&s.get(&format!("/wiki/page/{id}/edit")).await.body);
    let r = s.post(&format!("/wiki/page/{id}/edit"), &[("version", &v), ("title", "改訂テスト（新）"), ("kind", "topic"), ("reach", "affiliates"), ("body", &body)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let redirect = page_id(app, "改訂テスト").await;
    assert_ne!(redirect, id);
    let go = s.get(&format!("/wiki/page/{redirect}")).await;
    assert_eq!(go.location.as_deref(), Some(format!("/wiki/page/{id}").as_str()));
    // A reader who cannot see the target gets nothing from the redirect either.
    let mut partner = app.login("partner-viewer").await;
    assert_eq!(partner.get(&format!("/wiki/page/{redirect}")).await.status, StatusCode::NOT_FOUND);
    // Delete and restore: gone for readers, kept for editors, nothing lost.
    let v = version_of(&s.get(&format!("/wiki/page/{id}")).await.body);
    let refused = s.post(&format!("/wiki/page/{id}/delete"), &[("version", &v), ("reason", " ")]).await;
    assert!(refused.body.contains("削除の理由を300文字以内で書いてください"), "a reason is asked for: {}", refused.status);
    assert_eq!(s.post(&format!("/wiki/page/{id}/delete"), &[("version", &v), ("reason", "重複したページ")]).await.status, StatusCode::SEE_OTHER);
    let mut reader = app.login("jaw-viewer").await;
    assert_eq!(reader.get(&format!("/wiki/page/{id}")).await.status, StatusCode::NOT_FOUND);
    let deleted = s.get(&format!("/wiki/page/{id}")).await.body;
    assert!(deleted.contains("このページは削除されています") && deleted.contains("理由：重複したページ"), "the reason is shown");
    let mut admin = app.login("hq-admin").await;
    let log = admin.get(&format!("/api/v1/audit?entity=wiki_page&record_id={id}&action=delete")).await.json();
    assert!(log["items"][0]["after_json"].as_str().unwrap().contains("重複したページ"), "and kept in the audit log: {log}");
    let v = version_of(&s.get(&format!("/wiki/page/{id}")).await.body);
    assert_eq!(s.post(&format!("/wiki/page/{id}/restore"), &[("version", &v)]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(reader.get(&format!("/wiki/page/{id}")).await.status, StatusCode::OK);
}

async fn edit_conflicts_keep_both_texts(app: &TestApp) {
    let id = page_id(app, "国際枠組み協定（GFA）").await;
    let mut a = app.login("hq-editor").await;
    let mut b = app.login("hq-admin").await;
    let va = version_of(&a.get(&format!("/wiki/page/{id}/edit")).await.body);
    let vb = version_of(&b.get(&format!("/wiki/page/{id}/edit")).await.body);
    let save = |v: String, text: &'static str| {
        vec![("version", v), ("title", "国際枠組み協定（GFA）".to_string()), ("kind", "topic".to_string()), ("reach", "public".to_string()), ("body", text.to_string())]
    };
    let fa = save(va, "一人目の変更");
    let fa: Vec<(&str, &str)> = fa.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(a.post(&format!("/wiki/page/{id}/edit"), &fa).await.status, StatusCode::SEE_OTHER);
    let fb = save(vb, "二人目の変更");
    let fb: Vec<(&str, &str)> = fb.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post(&format!("/wiki/page/{id}/edit"), &fb).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("<del>一</del>人目の変更") && r.body.contains("<ins>二</ins>人目の変更"), "both texts, as a diff: {}", r.body);
    // The second writer keeps what they typed, sees the text both changed by its label, and can
    // save theirs or go back to the page.
    assert!(r.body.contains(">二人目の変更</textarea>"), "the input is kept in the form");
    assert!(r.body.contains("<th scope=\"row\">本文</th>") && r.body.contains(&format!("href=\"/wiki/page/{id}\">保存せずにページに戻る")));
    let v_now = version_of(&r.body);
    assert_eq!(b.post(&format!("/wiki/page/{id}/edit"), &[("version", &v_now), ("title", "国際枠組み協定（GFA）"), ("kind", "topic"), ("reach", "public"), ("body", "二人目の変更")]).await.status, StatusCode::SEE_OTHER);
    // A field only one side changed merges on its own: one renames, the other edits the text.
    let va = version_of(&a.get(&format!("/wiki/page/{id}/edit")).await.body);
    let vb = version_of(&b.get(&format!("/wiki/page/{id}/edit")).await.body);
    let renamed = a.post(&format!("/wiki/page/{id}/edit"), &[("version", &va), ("title", "国際枠組み協定"), ("kind", "topic"), ("reach", "public"), ("body", "二人目の変更")]).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let merged = b.post(&format!("/wiki/page/{id}/edit"), &[("version", &vb), ("title", "国際枠組み協定（GFA）"), ("kind", "topic"), ("reach", "public"), ("body", "三人目の追記")]).await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let (title, body): (String, String) = sqlx::query_as("SELECT title, body FROM wiki_pages WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!((title.as_str(), body.as_str()), ("国際枠組み協定", "三人目の追記"), "both changes kept");
    let api = b.json("PUT", &format!("/api/v1/wiki/pages/{id}"), &serde_json::json!({"version": 1, "title": "国際枠組み協定（GFA）", "body": "x"})).await;
    assert_eq!(api.status, StatusCode::CONFLICT);
    assert_eq!(api.json()["error"]["current"]["body"], "三人目の追記");
}

async fn recent_changes_watch_list_and_feed(app: &TestApp) {
    let memo = page_id(app, "本部内メモ：定期協議の準備").await;
    let dispute = page_id(app, "タイの労使紛争の記録").await;
    let mut partner = app.login("partner-viewer").await;
    let recent = partner.get("/wiki/recent").await.body;
    assert!(recent.contains("TEAM（タイ）") && !recent.contains("本部内メモ") && !recent.contains("タイの労使紛争の記録"));
    let mut hq = app.login("hq-viewer").await;
    assert!(hq.get("/wiki/recent").await.body.contains("本部内メモ"));
    // An enterprise-union officer watches the dispute record and takes a feed address.
    let mut ent = app.login("ent-viewer").await;
    assert_eq!(ent.post(&format!("/wiki/page/{memo}/watch"), &[]).await.status, StatusCode::NOT_FOUND, "cannot watch a hidden page");
    assert_eq!(ent.post(&format!("/wiki/page/{dispute}/watch"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(ent.get("/wiki/watchlist").await.body.contains("タイの労使紛争の記録"));
    let issued = ent.post("/wiki/feed-token", &[]).await.body;
    let i = issued.find("/wiki/feed.atom?token=").unwrap();
    let url: String = issued[i..].chars().take_while(|c| *c != '<').collect();
    let mut reader = app.session();
    let feed = reader.get(&url).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.headers["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    assert!(feed.body.contains("<title>タイの労使紛争の記録</title>") && feed.body.contains("経緯を補足"));
    // The head office narrows the page to itself: it leaves the feed at once.
    let mut editor = app.login("hq-editor").await;
    let v = version_of(&editor.get(&format!("/wiki/page/{dispute}/edit")).await.body);
    let body: String = sqlx::query_scalar("SELECT body FROM wiki_pages WHERE id = $1").bind(dispute).fetch_one(&app.db.pool).await.unwrap();
    let r = editor.post(&format!("/wiki/page/{dispute}/edit"), &[("version", &v), ("title", "タイの労使紛争の記録"), ("kind", "dispute"), ("reach", "hq"), ("body", &body)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let feed = reader.get(&url).await;
    assert!(!feed.body.contains("タイの労使紛争の記録"), "{}", feed.body);
    assert_eq!(reader.get("/wiki/feed.atom?token=00000000").await.status, StatusCode::NOT_FOUND);
}

/// The times in a list of changes, top to bottom ("2026-11-24 11:06" sorts as text).
fn times(body: &str) -> Vec<String> {
    let re = |s: &str| s.len() == 16 && s.as_bytes()[4] == b'-' && s.as_bytes()[10] == b' ';
    body.split("<td>").filter_map(|c| c.split('<').next()).filter(|c| re(c)).map(str::to_string).collect()
}

async fn recent_changes_in_time_order_paged_and_filtered(app: &TestApp) {
    // An old wiki's history arrives after today's pages: higher ids, older times.
    let revs: String = (0..60)
        .map(|i| {
            let minor = if i % 10 == 5 { "<minor/>" } else { "" };
            format!(
                "<revision><id>{}</id><timestamp>2019-{:02}-{:02}T03:00:00Z</timestamp><contributor><username>old-{}</username><id>1</id></contributor>{minor}<comment>旧版{i}</comment><text xml:space=\"preserve\">版 {i}</text></revision>",
                100 + i,
                1 + i / 28,
                1 + i % 28,
                if i % 2 == 0 { "yamada" } else { "suzuki" }
            )
        })
        .collect();
    let xml = format!("<mediawiki version=\"0.11\"><siteinfo><dbname>old</dbname></siteinfo><page><title>古い記録</title><ns>0</ns><id>1</id>{revs}</page></mediawiki>");
    let path = app.config.data_dir.join("old.xml");
    std::fs::write(&path, xml).unwrap();
    kumiai_wiki::mediawiki::import::run(&app.db, &kumiai_core::Viewer::system(), &path, kumiai_core::Reach::Public, |_| {}).await.unwrap();
    let mut hq = app.login("hq-viewer").await;
    let first = hq.get("/wiki/recent").await.body;
    let t = times(&first);
    assert_eq!(t.len(), 50, "a page of 50");
    assert!(t.windows(2).all(|w| w[0] >= w[1]), "newest first: {t:?}");
    assert!(!t[0].starts_with("2019"), "today's pages come before the imported history");
    assert!(first.contains("rel=\"next\""));
    // Page two carries on where page one stopped.
    let second = times(&hq.get("/wiki/recent?page=2").await.body);
    assert!(!second.is_empty() && t.last().unwrap() >= &second[0]);
    // Filters: dates, author, minor edits, new pages; the next-page link keeps them.
    let old = hq.get("/wiki/recent?from=2019-01-01&to=2019-12-31").await.body;
    assert_eq!(times(&old).len(), 50);
    assert!(times(&old).iter().all(|t| t.starts_with("2019")));
    assert!(old.contains("href=\"/wiki/recent?from=2019-01-01&#38;to=2019-12-31&#38;page=2\""), "filters kept in the pager: {}", &old[old.find("pager").unwrap()..]);
    let feb = times(&hq.get("/wiki/recent?from=2019-02-01&to=2019-02-28").await.body);
    assert_eq!(feb.len(), 28, "{feb:?}");
    let yamada = hq.get("/wiki/recent?author=YAMADA&from=2019-01-01").await.body;
    assert_eq!(times(&yamada).len(), 30, "author, any case");
    assert!(!yamada.contains("old-suzuki"));
    let minor = hq.get("/wiki/recent?minor=only").await.body;
    assert_eq!(times(&minor).len(), 6);
    assert!(minor.contains("旧版5<") || minor.contains("旧版5\n") || minor.contains("旧版5</td>"), "{minor}");
    let hidden = hq.get("/wiki/recent?minor=hide&from=2019-01-01&to=2019-12-31&page=2").await.body;
    assert_eq!(times(&hidden).len(), 4, "54 not minor: 50 + 4");
    let new = hq.get("/wiki/recent?kind=new&from=2019-01-01&to=2019-12-31").await.body;
    assert_eq!(times(&new).len(), 1);
    assert!(new.contains("旧版0<"));
    // Bad values are named.
    let bad = hq.get("/wiki/recent?from=2019-13-01").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("2019-13-01"));
    assert_eq!(hq.get("/wiki/recent?kind=delete").await.status, StatusCode::BAD_REQUEST);
    // A partner sees none of it where the page is not public.
    let mut partner = app.login("partner-viewer").await;
    assert_eq!(times(&partner.get("/wiki/recent?from=2019-01-01&to=2019-12-31").await.body).len(), 50, "the old page is public");
}

async fn browser_line_endings_are_not_changes(app: &TestApp) {
    let mut s = app.login("hq-editor").await;
    s.get("/wiki/new").await;
    let r = s.post("/wiki/new", &[("title", "改行テスト"), ("kind", "topic"), ("reach", "affiliates"), ("body", "一行目\r\n二行目\r\n三行目\r\n")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = page_id(app, "改行テスト").await;
    let stored: String = sqlx::query_scalar("SELECT body FROM wiki_pages WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(stored, "一行目\n二行目\n三行目\n");
    let v = version_of(&s.get(&format!("/wiki/page/{id}/edit")).await.body);
    let r = s
        .post(&format!("/wiki/page/{id}/edit"), &[("version", &v), ("title", "改行テスト"), ("kind", "topic"), ("reach", "affiliates"), ("body", "一行目\r\n二行目です\r\n三行目\r\n"), ("minor", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let diff = s.get(&format!("/wiki/page/{id}/diff")).await.body;
    assert_eq!(diff.matches("class=\"del\"").count(), 1, "one line changed: {diff}");
    assert_eq!(diff.matches("class=\"ins\"").count(), 1);
    // The same text sent again with browser line breaks is no change at all.
    let v = version_of(&s.get(&format!("/wiki/page/{id}/edit")).await.body);
    s.post(&format!("/wiki/page/{id}/edit"), &[("version", &v), ("title", "改行テスト"), ("kind", "topic"), ("reach", "affiliates"), ("body", "一行目\r\n二行目です\r\n三行目\r\n")]).await;
    assert_eq!(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM wiki_revisions WHERE page_id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap(), 2);
    // The edit was marked minor, and the history says so.
    assert!(s.get(&format!("/wiki/page/{id}/history")).await.body.contains("class=\"minor\""));
    let r = s.post(&format!("/wiki/page/{id}/edit"), &[("version", &v), ("title", "改行テスト"), ("kind", "topic"), ("reach", "affiliates"), ("body", "x"), ("minor", "perhaps")]).await;
    assert!(r.body.contains("perhaps"), "an unreadable yes/no is named: {}", r.body);
}

async fn preview_and_changes_save_nothing(app: &TestApp) {
    let id = page_id(app, "TEAM（タイ）").await;
    let mut s = app.login("hq-editor").await;
    let page = s.get(&format!("/wiki/page/{id}")).await.body;
    let tools = page.find("class=\"page-tools\"").expect("edit and history at the top");
    assert!(tools < page.find("<article").unwrap() && page[tools..].starts_with(&format!("class=\"page-tools\" aria-label=\"ページの操作\"><a href=\"/wiki/page/{id}/edit\">")));
    let form = s.get(&format!("/wiki/page/{id}/edit")).await.body;
    assert!(form.contains("書き方（MediaWiki との対応）") && form.contains("name=\"_do\" value=\"preview\""));
    let v = version_of(&form);
    let before: (String, i64) = sqlx::query_as("SELECT body, version FROM wiki_pages WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    let text = format!("{}\r\n追記：**新しい段落**と[[タイの労使紛争の記録]]。\r\n", before.0);
    let fields = |asked: &'static str| vec![("version", v.clone()), ("title", "TEAM（タイ）".to_string()), ("kind", "union".to_string()), ("reach", "public".to_string()), ("body", text.clone()), ("_do", asked.to_string())];
    let preview = s.post(&format!("/wiki/page/{id}/edit"), &fields("preview").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("プレビューです") && preview.body.contains("<strong>新しい段落</strong>"), "rendered");
    assert!(preview.body.contains("追記：**新しい段落**"), "what was typed stays in the form");
    let changes = s.post(&format!("/wiki/page/{id}/edit"), &fields("changes").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert!(changes.body.contains("class=\"ins\"") && !changes.body.contains("class=\"del\""), "one line added, none removed");
    let after: (String, i64) = sqlx::query_as("SELECT body, version FROM wiki_pages WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(before, after, "nothing saved");
    // A new page can be previewed too.
    s.get("/wiki/new").await;
    let r = s.post("/wiki/new", &[("title", "下書き"), ("kind", "topic"), ("reach", "hq"), ("body", "# 見出し"), ("_do", "preview")]).await;
    assert!(r.body.contains("プレビューです") && r.body.contains("<h1 id=\"h-見出し\">"), "{}", r.status);
    assert!(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM wiki_pages WHERE title = '下書き'").fetch_one(&app.db.pool).await.unwrap() == 0);
}

async fn english_copies_are_marked_stale(app: &TestApp) {
    let master = page_id(app, "人権デュー・ディリジェンス").await;
    let mut s = app.login("hq-editor").await;
    let form = s.get(&format!("/wiki/page/{master}/translate")).await;
    assert!(form.body.contains("人権デュー・ディリジェンス (English)"), "prefilled from the master");
    let r = s
        .post("/wiki/new", &[("title", "Human rights due diligence"), ("kind", "topic"), ("reach", "public"), ("master", &master.to_string()), ("body", "Companies identify and address their human-rights impacts.")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let copy = page_id(app, "Human rights due diligence").await;
    let mut anon = app.visitor().await;
    assert!(anon.get(&format!("/wiki/page/{master}")).await.body.contains(&format!("href=\"/wiki/page/{copy}\"")), "the master links its copy");
    let page = anon.get(&format!("/wiki/page/{copy}")).await.body;
    assert!(page.contains("English copy of") && !page.contains("has changed since"), "fresh copy");
    // The master changes: the copy says so and links the master's diff since.
    let v = version_of(&s.get(&format!("/wiki/page/{master}/edit")).await.body);
    let r = s.post(&format!("/wiki/page/{master}/edit"), &[("version", &v), ("title", "人権デュー・ディリジェンス"), ("kind", "topic"), ("reach", "public"), ("body", "企業が人権への負の影響を特定し、防止・軽減する手続き。改訂。")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = anon.get(&format!("/wiki/page/{copy}")).await.body;
    assert!(page.contains("has changed since"), "{page}");
    let i = page.find(&format!("/wiki/page/{master}/diff?from=")).expect("a link to the master's diff");
    let link: String = page[i..].chars().take_while(|c| *c != '"').collect::<String>().replace("&amp;", "&");
    let diff = anon.get(&link).await;
    assert_eq!(diff.status, StatusCode::OK);
    assert!(diff.body.contains("改訂"));
    // Updating the copy brings it up to date.
    let v = version_of(&s.get(&format!("/wiki/page/{copy}/edit")).await.body);
    let r = s.post(&format!("/wiki/page/{copy}/edit"), &[("version", &v), ("title", "Human rights due diligence"), ("kind", "topic"), ("reach", "public"), ("body", "Updated.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!anon.get(&format!("/wiki/page/{copy}")).await.body.contains("has changed since"));
    // One copy per master.
    let again = s.post("/wiki/new", &[("title", "HRDD again"), ("reach", "public"), ("master", &master.to_string()), ("body", "x")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("既に英語版があります"));
}

/// An upload as the page's form sends it: the CSRF token first, then the file.
fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XattX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(s: &mut Session, page: i64, name: &str, bytes: &[u8]) -> crate::common::Reply {
    let (ctype, body) = multipart(&s.csrf.clone(), name, bytes);
    let cookies = s.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/wiki/page/{page}/attachments"))
        .header("host", "localhost")
        .header("cookie", cookies)
        .header("content-type", ctype)
        .body(axum::body::Body::from(body))
        .unwrap();
    s.send(req).await
}

async fn attachments_follow_their_page(app: &TestApp) {
    let memo = page_id(app, "本部内メモ：定期協議の準備").await; // head office only
    let mut editor = app.login("hq-editor").await;
    editor.get(&format!("/wiki/page/{memo}")).await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-demo-bytes";
    let r = upload(&mut editor, memo, "議題案.png", png).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = upload(&mut editor, memo, "同じ内容.png", png).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let bad = upload(&mut editor, memo, "evil.png", b"<html><script>alert(1)</script>").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("添付できない種類"));
    let page = editor.get(&format!("/wiki/page/{memo}")).await.body;
    let i = page.find("/wiki/attachments/").unwrap();
    let url: String = page[i..].chars().take_while(|c| *c != '"').collect();
    let mut hq = app.login("hq-viewer").await;
    let file = hq.get(&url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers["content-type"], "image/png");
    assert_eq!(file.bytes, png);
    for who in ["ent-viewer", "jaw-admin", "partner-viewer"] {
        let mut s = app.login(who).await;
        assert_eq!(s.get(&url).await.status, StatusCode::NOT_FOUND, "{who} must not get a hidden page's file");
    }
    assert_eq!(app.session().get(&url).await.status, StatusCode::NOT_FOUND);
    // Stored once by content.
    let shas: Vec<String> = sqlx::query_scalar("SELECT DISTINCT sha256 FROM wiki_attachments WHERE page_id = $1").bind(memo).fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(shas.len(), 1);
    let files = std::fs::read_dir(app.config.data_dir.join("attachments").join(&shas[0][..2])).unwrap().count();
    assert_eq!(files, 1);
    // Someone who may not edit the page cannot attach to it.
    let mut viewer = app.login("hq-viewer").await;
    viewer.get(&format!("/wiki/page/{memo}")).await;
    assert_eq!(upload(&mut viewer, memo, "x.pdf", b"%PDF-1.4").await.status, StatusCode::FORBIDDEN);
}
