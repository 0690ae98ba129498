//! Partners read Kumiai in English: organisations sort by their English names, people show
//! their Latin names, JCMpedia lists each page under its English copy's title where there is
//! one (once), and a page with no English copy says so.

use crate::common::TestApp;

on_both_backends!(english_readers_get_english_names_and_copies);

fn unescape(s: &str) -> String {
    s.replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#38;", "&").replace("&#34;", "\"")
}

/// The texts of the first cell's links of a list's rows.
fn first_cells(body: &str) -> Vec<String> {
    let tbody = &body[body.find("<tbody>").expect("a list")..];
    let tbody = &tbody[..tbody.find("</tbody>").unwrap()];
    tbody
        .split("<tr>")
        .skip(1)
        .filter_map(|row| {
            let a = row.find("<a ")?;
            let start = row[a..].find('>')? + a + 1;
            let end = row[start..].find("</a>")? + start;
            Some(unescape(&row[start..end]))
        })
        .collect()
}

async fn english_readers_get_english_names_and_copies(app: &TestApp) {
    let mut s = app.login("hq-viewer").await;
    // Organisations by English name (those without one after them), case ignored.
    let body = s.get_lang("/directory/organisations?per_page=500&sort=name", "en").await.body;
    let names = first_cells(&body);
    let english: Vec<String> = sqlx::query_scalar("SELECT name_en FROM organisations WHERE name_en <> '' AND archived_at IS NULL").fetch_all(&app.db.pool).await.unwrap();
    let listed: Vec<&String> = names.iter().filter(|n| english.contains(&unescape(n))).collect();
    assert!(listed.len() > 5, "English names are shown: {names:?}");
    let mut sorted = listed.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(listed, sorted, "sorted by English name");
    let first_japanese = names.iter().position(|n| !english.contains(&unescape(n))).unwrap_or(names.len());
    assert!(names[first_japanese..].iter().all(|n| !english.contains(&unescape(n))), "names without an English form come last: {names:?}");

    // People by Latin name.
    let body = s.get_lang("/directory/people?per_page=500&sort=name", "en").await.body;
    let latin: Vec<String> = sqlx::query_scalar("SELECT name_latin FROM people WHERE name_latin <> ''").fetch_all(&app.db.pool).await.unwrap();
    let shown = first_cells(&body);
    let listed: Vec<&String> = shown.iter().filter(|n| latin.contains(n)).collect();
    assert!(!listed.is_empty(), "Latin names are shown: {shown:?}");
    let mut sorted = listed.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(listed, sorted);

    // JCMpedia: a master with an English copy is listed once, under the copy's title.
    let (master, copy_title): (String, String) = sqlx::query_as("SELECT m.title, c.title FROM wiki_pages c JOIN wiki_pages m ON m.id = c.master_id WHERE c.deleted_at IS NULL LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    let body = s.get_lang("/wiki", "en").await.body;
    let copy_html = kumiai_platform::text::escape_html(&copy_title);
    let once = body.matches(copy_html.as_str()).count() + body.matches(copy_title.as_str()).count();
    assert_eq!(once, 1, "the copy once, in its master's place: {body}");
    assert!(body.contains(&format!("<small lang=\"ja\">{master}</small>")), "with the Japanese title beside it");
    assert!(body.contains("(Japanese only)"), "a page with no English copy says so");
    let ja = s.get_lang("/wiki", "ja").await.body;
    assert!(ja.contains(&format!(">{master}</a>")) && !ja.contains("(Japanese only)"), "Japanese readers get the Japanese list");
    let plain = app.page_id("人権デュー・ディリジェンス").await;
    let has_copy: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wiki_pages WHERE master_id = $1").bind(plain).fetch_one(&app.db.pool).await.unwrap();
    let page = s.get_lang(&format!("/wiki/page/{plain}"), "en").await.body;
    assert_eq!(page.contains("This page is in Japanese only"), has_copy == 0, "{page}");
}
