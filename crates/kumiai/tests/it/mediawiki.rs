//! MediaWiki import: MediaWiki's own example export (a real file nobody in this project wrote)
//! and a Japanese export of our own (schema 0.11, .bz2, Japanese namespace names, footnotes,
//! templates, a table and a redirect). Full history keeps authors, times and summaries; a second
//! run changes nothing; a run stopped half way resumes.



use crate::common::TestApp;
use kumiai_core::{Reach, Viewer};
use kumiai_platform::Visible;
use kumiai_wiki::mediawiki::import;
use kumiai_wiki::model::Page;
use std::io::Write;

/// A page by title (as titles compare: case and width ignored), as the system sees it.
async fn page(app: &TestApp, title: &str) -> Visible<Page> {
    kumiai_wiki::store::find_by_title(&app.db, &Viewer::system(), title, kumiai_core::time::now_ms()).await.unwrap().unwrap_or_else(|| panic!("no page {title}"))
}

on_both_backends!(renders_a_real_mediawikis_export_without_escaped_tags, imports_files_and_talk_pages, imports_mediawikis_own_example, imports_japanese_history_idempotently, imports_a_real_wikipedia_export, a_damaged_dump_is_an_error);

fn data(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&app.db.pool).await.unwrap()
}

/// The export of a wiki made with Debian's MediaWiki (tests/data/mediawiki-test, see its README):
/// inline HTML, tables in lists, nested and with attributes. Every page as a reader gets it.
async fn renders_a_real_mediawikis_export_without_escaped_tags(app: &TestApp) {
    let export = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/mediawiki-test/export.xml");
    let rep = import::run(&app.db, &Viewer::system(), &export, Reach::Public, |_| {}).await.unwrap();
    assert!(rep.pages_created >= 18, "{}", rep.text());
    // Its eleven templates are read and expanded; the one call to a template that does not exist
    // is reported by name, and nothing else.
    assert_eq!(rep.templates.len(), 11, "{}", rep.text());
    let mut missing: Vec<&str> = rep.unconverted.iter().map(|(_, w)| w.as_str()).filter(|w| w.contains("template")).collect();
    missing.dedup();
    assert_eq!(missing, ["template {{出典の明記}}"], "{}", rep.text());
    let ids: Vec<i64> = sqlx::query_scalar("SELECT p.id FROM wiki_pages p JOIN wiki_import_revisions i ON i.page_id = p.id WHERE p.redirect_to IS NULL GROUP BY p.id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(ids.len() >= 18);
    let mut anon = app.visitor().await;
    let (mut kbd, mut tables) = (0, 0);
    // MediaWiki's own rendering of each page, by title: a help page that writes `&lt;kbd&gt;` to
    // show the tag shows it as text there too, and may here, no more often.
    let rendered = export.parent().unwrap().join("rendered");
    let index: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(rendered.join("index.json")).unwrap()).unwrap();
    let theirs = |title: &str| -> String {
        let file = index.iter().find(|p| p["title"] == title).and_then(|p| p["html_file"].as_str()).unwrap_or_else(|| panic!("MediaWiki rendered no {title}"));
        std::fs::read_to_string(rendered.join(file)).unwrap()
    };
    for id in ids {
        let page = anon.get(&format!("/wiki/page/{id}")).await;
        assert_eq!(page.status, axum::http::StatusCode::OK);
        let body = &page.body[page.body.find("<article").unwrap()..page.body.find("</article>").unwrap()];
        let title: String = sqlx::query_scalar("SELECT title FROM wiki_pages WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
        let mediawiki = theirs(&title);
        for tag in ["kbd", "code", "pre", "blockquote", "sup", "sub", "table", "tr", "td", "th", "li", "ul", "ol", "span", "div", "ruby", "br", "small", "big", "u", "s", "del", "ins", "abbr", "q", "cite", "mark", "dl", "dd", "dt", "var", "samp", "tt"] {
            for form in [format!("&lt;{tag}&gt;"), format!("&lt;{tag} "), format!("&lt;/{tag}&gt;"), format!("&#60;{tag}")] {
                assert!(body.matches(&form).count() <= mediawiki.matches(&form).count(), "page {title} shows {form} as text: {body}");
            }
        }
        assert!(!body.contains("TOC__") && !body.contains("TOC\\_"), "page {id} shows a behaviour switch: {body}");
        kbd += body.matches("<kbd").count();
        tables += body.matches("<div class=\"table-wrap\"><table").count();
    }
    // The infobox template with a nested number template, as MediaWiki rendered it (rendered/JAM.html).
    let jam = page(app, "JAM").await;
    let html = anon.get(&format!("/wiki/page/{}", jam.id)).await.body;
    let text = html.split('<').map(|s| s.split_once('>').map_or(s, |(_, t)| t)).collect::<String>();
    for shown in ["正式名称", "ものづくり産業労働組合", "370,000人（2024年時点）", "Japanese Association of Metal, Machinery, and Manufacturing Workers"] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    assert!(!html.contains("〔テンプレート"), "{html}");
    // A category page's text is shown above the category's list, with its links.
    let category = anon.get("/wiki?category=%E9%87%91%E5%B1%9E%E5%8A%B4%E5%8D%94").await.body;
    let about = category.find("category-about").expect("a description");
    assert!(category[about..].contains("<abbr title=\"Japan Council of Metalworkers' Unions\">JCM</abbr>") || category[about..].contains("<abbr title=\"Japan Council of Metalworkers&#39; Unions\">JCM</abbr>") || category[about..].contains("JCM</abbr>"), "{category}");
    assert!(category.contains("href=\"/wiki?category=%E6%98%A5%E5%AD%A3%E7%94%9F%E6%B4%BB%E9%97%98%E4%BA%89\""), "[[:カテゴリ:春季生活闘争]] links the category: {category}");
    assert!(category[about..].contains("国際連帯"), "its pages are listed after it");
    assert!(kbd >= 20, "keys, written as <kbd> or through the キー template, render as keys: {kbd}");
    assert!(tables >= 8, "tables render as tables, each in a scrolling box: {tables}");
}

/// The same export with MediaWiki's images directory, as `importImages.php` takes it: file pages
/// with their files (and a file's older version), figures in the text, missing files reported by
/// name, talk pages as discussions. Files and discussions keep their page's reach; a second run
/// adds nothing.
async fn imports_files_and_talk_pages(app: &TestApp) {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/mediawiki-test");
    let options = || import::Options { reach: Reach::Public, images: Some(kumiai_wiki::mediawiki::files::Images::open(&dir.join("images"), &app.config.data_dir).unwrap()) };
    let rep = import::run_with(&app.db, &Viewer::system(), &dir.join("export.xml"), &options(), |_| {}).await.unwrap();
    let text = rep.text();
    assert_eq!(rep.files_attached, 6, "five files and the older version of one: {text}");
    let missing: Vec<&str> = rep.missing_files.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(missing, ["2023春闘まとめ.pdf", "存在しない写真.jpg"], "{text}");
    assert!(text.contains("存在しない写真.jpg: shown on / 使っているページ: 労働安全衛生"), "{text}");
    assert_eq!(rep.comments_imported, 8, "{text}");
    assert!(rep.talk_pages_refused.is_empty(), "{text}");
    assert!(rep.other_namespaces.iter().any(|(ns, t)| *ns == 3 && t == "利用者・トーク:鈴木"), "user talk pages are not pages' discussions: {text}");

    // A figure with its caption, served through the file's page.
    let mut anon = app.visitor().await;
    let kinzoku = page(app, "金属労協").await;
    let html = anon.get(&format!("/wiki/page/{}", kinzoku.id)).await.body;
    let src = "/wiki/file/%E6%98%A5%E9%97%98%E9%9B%86%E4%BC%9A2024.jpg";
    assert!(html.contains("<figure class=\"thumb float-right\">") && html.contains(&format!("src=\"{src}\"")), "{html}");
    let photo = anon.get(src).await;
    assert_eq!((photo.status, photo.headers["content-type"].to_str().unwrap()), (axum::http::StatusCode::OK, "image/jpeg"));
    assert!(photo.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    let safety = page(app, "労働安全衛生").await;
    assert!(anon.get(&format!("/wiki/page/{}", safety.id)).await.body.contains("〔ファイル:存在しない写真.jpg〕"), "a missing file shows as its name");
    // The re-uploaded file: both versions on its page, the newer one shown.
    let graph = page(app, "ファイル:賃上げ推移.png").await;
    let versions = kumiai_wiki::attachments::of_page(&app.db, &graph).await.unwrap();
    assert_eq!(versions.iter().map(|a| (a.size, a.uploaded_by.as_str())).collect::<Vec<_>>(), [(2981, "mediawiki:田中"), (3208, "mediawiki:鈴木")]);
    assert_eq!(versions[0].created_at, kumiai_core::time::parse_ms("2024-02-15T02:00:00Z").unwrap(), "the upload's date is kept");
    assert_eq!(anon.get("/wiki/file/%E8%B3%83%E4%B8%8A%E3%81%92%E6%8E%A8%E7%A7%BB.png").await.bytes.len(), 3208);

    // The talk page as the page's discussion: topics, replies under what they answer, signers and times.
    let shunto = page(app, "春季生活闘争").await;
    let html = anon.get(&format!("/wiki/page/{}", shunto.id)).await.body;
    let talk = &html[html.find("id=\"discussion\"").expect("a discussion")..];
    assert!(talk.contains("<h3>2024年の表の数値について</h3>") && talk.contains("<strong>鈴木</strong>"), "{talk}");
    assert!(talk.contains("comment depth-1") && talk.contains("comment depth-2"), "replies are indented: {talk}");
    assert!(talk.contains("2024-04-05 10:00"), "dated by the signature, in Japan time: {talk}");
    assert!(!talk.contains("[[利用者:") && !talk.contains("(JST)"), "signatures become the comment's author and date: {talk}");
    assert!(!talk.contains("name=\"body\""), "an anonymous reader does not comment");

    // Files and discussions follow their pages' reach.
    let mut editor = app.login("hq-editor").await;
    let v = graph.version.to_string();
    let r = editor.post(&format!("/wiki/page/{}/edit", graph.id), &[("version", &v), ("title", &graph.title), ("kind", "topic"), ("reach", "hq"), ("body", &graph.body)]).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(anon.get("/wiki/file/%E8%B3%83%E4%B8%8A%E3%81%92%E6%8E%A8%E7%A7%BB.png").await.status, axum::http::StatusCode::NOT_FOUND);
    let html = anon.get(&format!("/wiki/page/{}", shunto.id)).await.body;
    assert!(html.contains("〔ファイル:賃上げ推移.png〕") && !html.contains("%E8%B3%83%E4%B8%8A%E3%81%92%E6%8E%A8%E7%A7%BB.png"), "a hidden file is only its name");
    assert!(editor.get(&format!("/wiki/page/{}", shunto.id)).await.body.contains("/wiki/file/%E8%B3%83%E4%B8%8A%E3%81%92%E6%8E%A8%E7%A7%BB.png"));

    // Commenting: signed in, on a page the reader may see; replies must be to this page's comments.
    let mut viewer = app.login("partner-viewer").await;
    let r = viewer.post(&format!("/wiki/page/{}/discussion", shunto.id), &[("topic", "English summary"), ("body", "Could someone add an English summary?")]).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    let html = viewer.get(&format!("/wiki/page/{}", shunto.id)).await.body;
    assert!(html.contains("<h3>English summary</h3>") && html.contains("<strong>partner-viewer</strong>"), "{html}");
    let other: i64 = sqlx::query_scalar("SELECT MIN(id) FROM wiki_comments WHERE page_id <> $1").bind(shunto.id).fetch_one(&app.db.pool).await.unwrap();
    let r = viewer.post(&format!("/wiki/page/{}/discussion", shunto.id), &[("reply_to", &other.to_string()), ("body", "x")]).await;
    assert_eq!(r.status, axum::http::StatusCode::BAD_REQUEST, "a reply to another page's comment is refused");
    let r = anon.post(&format!("/wiki/page/{}/discussion", shunto.id), &[("body", "spam")]).await;
    assert!(r.status == axum::http::StatusCode::FORBIDDEN || r.location.as_deref().is_some_and(|l| l.starts_with("/login")), "{}", r.status);
    let hidden = page(app, "ファイル:賃上げ推移.png").await;
    let r = viewer.post(&format!("/wiki/page/{}/discussion", hidden.id), &[("body", "見えないページ")]).await;
    assert_eq!(r.status, axum::http::StatusCode::NOT_FOUND, "a page the reader may not see has no discussion for them");
    let audited = count(app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'wiki_comment' AND action = 'create'").await;
    assert_eq!(audited, count(app, "SELECT COUNT(*) FROM wiki_comments").await, "every comment is audited");
    assert_eq!(count(app, "SELECT COUNT(*) FROM wiki_comments WHERE import_key LIKE 'mediawiki:%'").await, 8);

    let again = import::run_with(&app.db, &Viewer::system(), &dir.join("export.xml"), &options(), |_| {}).await.unwrap();
    assert_eq!((again.files_attached, again.comments_imported, again.revisions_imported), (0, 0, 0), "{}", again.text());

    // The report waits on the head office's admins' dashboard, and opens for them alone.
    let path = rep.default_path(&app.config.data_dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, rep.text()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut admin = app.login("hq-admin").await;
    let home = admin.get("/").await.body;
    assert!(home.contains("MediaWiki 取り込みの報告") && home.contains(&format!("/wiki/import-reports/{name}")) && home.contains("files missing"), "{home}");
    let report = admin.get(&format!("/wiki/import-reports/{name}")).await;
    assert!(report.status.is_success() && report.body.contains("存在しない写真.jpg"));
    assert_eq!(admin.get("/wiki/import-reports/..%2Fsecret.txt").await.status, axum::http::StatusCode::NOT_FOUND);
    for who in ["hq-editor", "jaw-admin"] {
        let mut s = app.login(who).await;
        assert!(!s.get("/").await.body.contains("取り込みの報告"), "{who}");
        assert_eq!(s.get(&format!("/wiki/import-reports/{name}")).await.status, axum::http::StatusCode::FORBIDDEN, "{who}");
    }
}

async fn imports_mediawikis_own_example(app: &TestApp) {
    let viewer = Viewer::system();
    let rep = import::run(&app.db, &viewer, &data("mediawiki-export-demo.xml.gz"), Reach::Affiliates, |_| {}).await.unwrap();
    assert_eq!((rep.pages_created, rep.revisions_imported), (2, 3), "the article and the file page");
    assert!(rep.other_namespaces.is_empty(), "{}", rep.text());
    assert_eq!(rep.comments_imported, 1, "the unsigned talk page is one comment of its last editor");
    assert_eq!(rep.missing_files.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), ["Some_image.jpg"], "no images directory: the file is named");
    let page = self::page(app, "Page title").await;
    let revs = kumiai_wiki::store::history(&app.db, &page).await.unwrap();
    // Listed out of order in the file; kept in time order here, with their authors and summaries.
    assert_eq!(revs.iter().rev().map(|r| (r.summary.as_str(), r.author.as_str())).collect::<Vec<_>>(), [("new!", "mediawiki:10.0.0.2"), ("I have just one thing to say!", "mediawiki:Foobar")]);
    assert_eq!(page.body.trim(), "A bunch of [[text]] here.");
    assert_eq!(revs.last().unwrap().created_at, kumiai_core::time::parse_ms("2001-01-15T13:10:27Z").unwrap(), "the original time is kept");
    let talk = kumiai_wiki::discussion::threads(&app.db, &page).await.unwrap();
    let c = &talk[0].comments[0].comment;
    assert_eq!((c.author.as_str(), c.body.trim(), c.created_at), ("10.0.0.2", "WHYD YOU LOCK PAGE??!!! i was editing that jerk", kumiai_core::time::parse_ms("2001-01-15T14:03:00Z").unwrap()));
    let again = import::run(&app.db, &viewer, &data("mediawiki-export-demo.xml.gz"), Reach::Affiliates, |_| {}).await.unwrap();
    assert_eq!((again.pages_created, again.revisions_imported, again.revisions_skipped, again.comments_imported), (0, 0, 3, 0));
}

fn revision(id: i64, ts: &str, user: &str, comment: &str, text: &str) -> String {
    let esc = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!("<revision><id>{id}</id><timestamp>{ts}</timestamp><contributor><username>{user}</username><id>1</id></contributor><comment>{comment}</comment><model>wikitext</model><format>text/x-wiki</format><text xml:space=\"preserve\">{esc}</text></revision>")
}

fn japanese_dump(pages: &[&str]) -> String {
    format!(
        "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\" version=\"0.11\" xml:lang=\"ja\"><siteinfo><sitename>JCMpedia</sitename><dbname>jcmpedia</dbname></siteinfo>{}</mediawiki>",
        pages.join("")
    )
}

fn team_page() -> String {
    format!(
        "<page><title>TEAMタイ金属労連</title><ns>0</ns><id>1</id>{}{}{}</page>",
        revision(11, "2019-04-01T09:00:00Z", "yamada", "新規作成", "'''TEAM''' はタイの労組。"),
        revision(12, "2020-06-01T09:00:00Z", "hq-editor", "経緯を追加", "'''TEAM''' はタイの労組。\n== 経緯 ==\n[[タイの紛争]]で協力した。<ref>2020年の定期協議</ref>\n<references/>"),
        revision(
            13,
            "2021-02-01T09:00:00Z",
            "yamada",
            "表と分類",
            "'''TEAM''' はタイの労組。\n== 経緯 ==\n[[タイの紛争]]で協力した。<ref>2020年の定期協議</ref>\n{{労組情報|国=タイ}}\n{| class=\"wikitable\"\n! 年 !! 出来事\n|-\n| 2020 || 定期協議\n|}\n[[カテゴリ:タイ]]\n<references/>"
        ),
    )
}

fn other_pages() -> String {
    format!(
        // The half-width redirect comes first and is the same title here: it must not take the
        // article's place. The last redirect points outside the file.
        "<page><title>ﾀｲの紛争</title><ns>0</ns><id>5</id><redirect title=\"タイの紛争\" />{}</page>\
         <page><title>タイの紛争</title><ns>0</ns><id>2</id>{}</page><page><title>タイ紛争</title><ns>0</ns><id>3</id><redirect title=\"タイの紛争\" />{}</page><page><title>カテゴリ:タイ</title><ns>14</ns><id>4</id>{}</page>\
         <page><title>古い題名</title><ns>0</ns><id>6</id>{}</page>",
        revision(51, "2019-12-31T00:00:00Z", "yamada", "", "#転送 [[タイの紛争]]"),
        revision(21, "2020-01-01T00:00:00Z", "yamada", "", "現地法人での紛争。[[TEAMタイ金属労連]]と協力。"),
        revision(31, "2020-01-02T00:00:00Z", "yamada", "", "#転送 [[タイの紛争]]"),
        revision(41, "2020-01-03T00:00:00Z", "yamada", "", "タイ関係のページ。"),
        revision(61, "2020-01-04T00:00:00Z", "yamada", "", "#REDIRECT [[存在しないページ]]"),
    )
}

fn bz2(dir: &std::path::Path, name: &str, xml: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut enc = bzip2::write::BzEncoder::new(std::fs::File::create(&path).unwrap(), bzip2::Compression::best());
    enc.write_all(xml.as_bytes()).unwrap();
    enc.finish().unwrap();
    path
}

async fn imports_japanese_history_idempotently(app: &TestApp) {
    let viewer = Viewer::system();
    let dir = app.config.data_dir.clone();
    // Stopped half way: only the first page made it.
    let partial = bz2(&dir, "partial.xml.bz2", &japanese_dump(&[&team_page()]));
    let first = import::run(&app.db, &viewer, &partial, Reach::Public, |_| {}).await.unwrap();
    assert_eq!((first.pages_created, first.revisions_imported), (1, 3));
    let full = bz2(&dir, "full.xml.bz2", &japanese_dump(&[&team_page(), &other_pages()]));
    let rest = import::run(&app.db, &viewer, &full, Reach::Public, |_| {}).await.unwrap();
    assert_eq!((rest.pages_created, rest.revisions_imported, rest.revisions_skipped, rest.redirects), (4, 4, 3, 1), "{}", rest.text());
    assert_eq!(rest.same_title_redirects, [("ﾀｲの紛争".to_string(), "タイの紛争".to_string())]);
    assert_eq!(rest.dangling_redirects, [("古い題名".to_string(), "存在しないページ".to_string())]);
    assert!(rest.refused.is_empty(), "{:?}", rest.refused);
    assert!(rest.text().contains("古い題名 → 存在しないページ"));
    assert!(rest.other_namespaces.is_empty(), "the category page is the category's description: {:?}", rest.other_namespaces);
    assert!(first.unconverted.iter().any(|(t, w)| t == "TEAMタイ金属労連" && w.contains("労組情報")), "{:?}", first.unconverted);
    let pages_before = count(app, "SELECT COUNT(*) FROM wiki_pages").await;
    let revisions_before = count(app, "SELECT COUNT(*) FROM wiki_revisions").await;
    let again = import::run(&app.db, &viewer, &full, Reach::Public, |_| {}).await.unwrap();
    assert_eq!((again.pages_created, again.pages_updated, again.revisions_imported, again.redirects), (0, 0, 0, 0));
    assert_eq!(count(app, "SELECT COUNT(*) FROM wiki_pages").await, pages_before, "running it again changes nothing");
    assert_eq!(count(app, "SELECT COUNT(*) FROM wiki_revisions").await, revisions_before);
    // The converted page renders, links and footnotes work, history is there.
    let team = page(app, "TEAMタイ金属労連").await;
    assert!(team.body.contains("## 経緯") && team.body.contains("<td>\n\n2020\n\n</td>") && team.body.contains("[^1]: 2020年の定期協議"), "{}", team.body);
    assert_eq!(kumiai_wiki::store::history(&app.db, &team).await.unwrap().len(), 3);
    // Each MediaWiki revision maps to the revision made from it, with its date and author, and that
    // revision's one audit entry names the same author (the later ones are written together).
    let mapped: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT i.mw_revision_id, r.created_at, r.author, a.actor FROM wiki_import_revisions i JOIN wiki_revisions r ON r.id = i.revision_id \
         JOIN audit_log a ON a.entity = 'wiki_revision' AND a.record_id = r.id AND a.action = 'create' WHERE i.mw_page_id = 1 ORDER BY i.mw_revision_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let at = |s: &str| kumiai_core::time::parse_ms(s).unwrap();
    let got: Vec<(i64, i64, bool)> = mapped.iter().map(|(mw, when, author, actor)| (*mw, *when, author == actor)).collect();
    assert_eq!(got, [(11, at("2019-04-01T09:00:00Z"), true), (12, at("2020-06-01T09:00:00Z"), true), (13, at("2021-02-01T09:00:00Z"), true)]);
    assert!(mapped[1].2.ends_with("hq-editor") && mapped[2].2.ends_with("yamada"), "{mapped:?}");
    let mut anon = app.visitor().await;
    let page = anon.get(&format!("/wiki/page/{}", team.id)).await.body;
    let dispute = self::page(app, "タイの紛争").await;
    assert!(page.contains(&format!("href=\"/wiki/page/{}\"", dispute.id)) && page.contains("<div class=\"table-wrap\"><table") && page.contains("〔テンプレート: 労組情報|国=タイ〕"), "{page}");
    let redirect = self::page(app, "タイ紛争").await;
    assert_eq!(redirect.redirect_to, Some(dispute.id));
    let category = anon.get("/wiki?category=%E3%82%BF%E3%82%A4").await.body;
    assert!(category.contains("TEAMタイ金属労連") && category.contains("タイ関係のページ。"), "the list under its description: {category}");
}

/// A cut-off or corrupted download ends the import with an error naming the damage; it never
/// hangs, and never passes for the end of the file.
async fn a_damaged_dump_is_an_error(app: &TestApp) {
    let dir = app.config.data_dir.clone();
    let whole = std::fs::read(bz2(&dir, "whole.xml.bz2", &japanese_dump(&[&team_page(), &other_pages()]))).unwrap();
    let cut = dir.join("cut.xml.bz2");
    std::fs::write(&cut, &whole[..whole.len() * 2 / 3]).unwrap();
    let err = import::run(&app.db, &Viewer::system(), &cut, Reach::Public, |_| {}).await.expect_err("a truncated file is an error");
    assert!(format!("{err:#}").contains("bzip2"), "{err:#}");
    assert_eq!(count(app, "SELECT COUNT(*) FROM wiki_import_revisions").await, 0, "nothing of the damaged block was imported");
    let xml = dir.join("cut.xml");
    std::fs::write(&xml, &japanese_dump(&[&team_page()])[..200]).unwrap();
    let err = import::run(&app.db, &Viewer::system(), &xml, Reach::Public, |_| {}).await.expect_err("cut XML is an error");
    assert!(format!("{err:#}").contains("XML"), "{err:#}");
}

/// 206 real Wikipedia pages (tests/data/README.md): every article arrives, case-variant redirects
/// do not take an article's title, comments vanish, and a second run changes nothing.
async fn imports_a_real_wikipedia_export(app: &TestApp) {
    let viewer = Viewer::system();
    let rep = import::run(&app.db, &viewer, &data("enwiki-excerpt.xml.bz2"), Reach::Affiliates, |_| {}).await.unwrap();
    // 189 articles and a project page (Wikipedia:…), imported under its title.
    assert_eq!((rep.pages_created, rep.revisions_imported, rep.redirects), (191, 191, 10), "{}", rep.text());
    assert_eq!((rep.same_title_redirects.len(), rep.dangling_redirects.len(), rep.other_namespaces.len()), (14, 76, 0), "the project page is a redirect to an article not in the excerpt");
    assert_eq!(rep.refused.len(), 1, "only Abel, a second redirect under the same title: {:?}", rep.refused);
    assert!(rep.unconverted.iter().any(|(t, w)| t == "Andorra" && w.starts_with("template {{Infobox country")), "templates are listed");
    let andorra = page(app, "AndorrA").await;
    assert_eq!((andorra.title.as_str(), andorra.redirect_to), ("Andorra", None), "the article, not the redirect listed before it");
    assert!(andorra.body.contains("Principality of Andorra") && andorra.body.contains("## History"), "{}", &andorra.body[..2000.min(andorra.body.len())]);
    assert_eq!(count(app, "SELECT COUNT(*) FROM wiki_pages WHERE body LIKE '%<!--%'").await, 0, "MediaWiki comments are not shown");
    let revisions = count(app, "SELECT COUNT(*) FROM wiki_revisions").await;
    let again = import::run(&app.db, &viewer, &data("enwiki-excerpt.xml.bz2"), Reach::Affiliates, |_| {}).await.unwrap();
    assert_eq!((again.pages_created, again.pages_updated, again.revisions_imported, again.revisions_skipped), (0, 0, 0, 191));
    assert_eq!(count(app, "SELECT COUNT(*) FROM wiki_revisions").await, revisions);
}
