//! End to end in headless Chromium against the real server on a loopback port (Secure cookies
//! on, as in production): each tier logs in and sees what it may; an invalid form shows its error
//! by the field; two browsers race on one record and the second sees both versions. Screenshots of
//! the main pages go to $KUMIAI_ARTIFACTS/screenshots.



use crate::common::webdriver::{Browser, Driver};
use crate::common::{Backend, TestApp};

struct Server {
    base: String,
    team_page: i64,
    dispute_page: i64,
    hidden_id: i64,
    hidden_name: String,
    e1: i64,
    /// An enterprise union whose company only the head office may see.
    e5: i64,
}

/// Serves a fresh demo app on 127.0.0.1:0 from its own thread and runtime.
fn serve() -> Server {
    serve_with(false)
}

/// [`serve`], with the MediaWiki test export (tests/data/mediawiki-test) imported with its images.
fn serve_with(mediawiki: bool) -> Server {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
            if mediawiki {
                let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/mediawiki-test");
                let images = kumiai_wiki::mediawiki::files::Images::open(&dir.join("images"), &app.config.data_dir).unwrap();
                let options = kumiai_wiki::mediawiki::import::Options { reach: kumiai_core::Reach::Public, images: Some(images) };
                kumiai_wiki::mediawiki::import::run_with(&app.db, &kumiai_core::Viewer::system(), &dir.join("export.xml"), &options, |_| {}).await.unwrap();
            }
            // Cookie security as in production (automatic: Secure when the request came over HTTPS).
            assert_eq!(app.config.cookie_secure, None);
            let router = app.router.clone();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let hidden_id = app.org_id("E00014").await;
            let hidden_name: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE id = $1").bind(hidden_id).fetch_one(&app.db.pool).await.unwrap();
            let e1 = app.org_id("E00001").await;
            let e5 = app.org_id("E00005").await;
            let team_page = app.page_id("TEAM（タイ）").await;
            let dispute_page = app.page_id("タイの労使紛争の記録").await;
            tx.send(Server { base: format!("http://{}", listener.local_addr().unwrap()), team_page, dispute_page, hidden_id, hidden_name, e1, e5 }).unwrap();
            axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
            drop(app);
        });
    });
    rx.recv().unwrap()
}

fn login(b: &Browser, base: &str, who: &str) {
    b.goto(&format!("{base}/login"));
    b.fill_and_submit(&[("#login", who), ("#password", kumiai_directory::demo::DEMO_PASSWORD)], "form.form button[type=submit]");
    let text = b.wait_for_text(&format!("{who}（"));
    assert!(text.contains(who), "{who} is shown as logged in: {text}");
}

#[test]
fn tiers_forms_and_conflicts_in_chromium() {
    let Some(driver) = Driver::start() else { return };
    let s = serve();
    let base = s.base.as_str();

    // Anonymous, in Japanese: public records only.
    let anon = driver.session("ja");
    anon.goto(&format!("{base}/"));
    anon.screenshot("01-home-anonymous");
    anon.goto(&format!("{base}/directory/organisations"));
    let text = anon.text();
    assert!(text.contains("金属労協") && text.contains("自動車総連"));
    assert!(!text.contains(&s.hidden_name));
    anon.screenshot("02-organisations-anonymous");
    anon.goto(&format!("{base}/directory/organisations/{}", s.hidden_id));
    assert!(anon.text().contains("ページが見つかりません"));
    // Search as you type: half-width ﾀｲ suggests TEAM（タイ）; choosing it opens the page.
    anon.goto(&format!("{base}/search"));
    anon.find("input[data-suggest]").type_text("ﾀｲ");
    let started = std::time::Instant::now();
    let options = loop {
        let o = anon.script("return [...document.querySelectorAll('#kumiai-suggest option')].map(o => o.value)");
        if o.as_array().is_some_and(|a| !a.is_empty()) || started.elapsed() > std::time::Duration::from_secs(10) {
            break o;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(options.as_array().unwrap().iter().any(|o| o == "TEAM（タイ）"), "{options}");
    // What the browser does when an option is picked: the value becomes it, then `input`.
    anon.script("const i = document.querySelector('input[data-suggest]'); i.value = 'TEAM（タイ）'; i.dispatchEvent(new Event('input'));");
    let started = std::time::Instant::now();
    while !anon.url().ends_with(&format!("/wiki/page/{}", s.team_page)) && started.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(anon.url().ends_with(&format!("/wiki/page/{}", s.team_page)), "the chosen title's page opens: {}", anon.url());

    // Each tier: the head-office-only union is visible to the head office alone.
    for (who, sees) in [("partner-viewer", false), ("ent-viewer", false), ("jaw-viewer", false), ("hq-admin", true)] {
        let b = driver.session("ja");
        login(&b, base, who);
        b.goto(&format!("{base}/directory/organisations?q={}", s.hidden_name));
        assert_eq!(b.text().contains(&s.hidden_name), sees, "{who} list");
        b.goto(&format!("{base}/directory/organisations/{}", s.hidden_id));
        assert_eq!(!b.text().contains("ページが見つかりません"), sees, "{who} detail");
        b.goto(&format!("{base}/directory/organisations"));
        b.screenshot(&format!("03-organisations-{who}"));
        if who == "hq-admin" {
            b.goto(&format!("{base}/directory/organisations/{}", s.e1));
            b.screenshot("04-organisation-detail-hq");
            b.goto(&format!("{base}/directory/people"));
            b.screenshot("05-people-hq");
            b.goto(&format!("{base}/admin/users"));
            b.screenshot("06-admin-users");
            b.goto(&format!("{base}/admin/audit"));
            b.screenshot("07-audit-log");
            b.goto(&format!("{base}/directory/import"));
            b.screenshot("08-import");
            b.goto(&format!("{base}/account"));
            b.screenshot("09-account");
            b.goto(&format!("{base}/wiki/page/{}", s.team_page));
            assert!(b.text().contains("関係の経緯"));
            b.screenshot("15-wiki-page");
            b.goto(&format!("{base}/wiki/page/{}/diff", s.dispute_page));
            assert!(b.text().contains("ストライキを通告"));
            b.screenshot("16-wiki-diff");
            b.goto(&format!("{base}/wiki/page/{}/edit", s.dispute_page));
            b.screenshot("17-wiki-edit");
        }
    }

    // An invalid form: the error sits by its field, and what was typed stays.
    let editor = driver.session("ja");
    login(&editor, base, "hq-editor");
    editor.goto(&format!("{base}/directory/organisations/new"));
    editor.fill_and_submit(&[("#f-code", "bad code!"), ("#f-name_ja", ""), ("#f-parent", "JAW")], "form.form > button[type=submit]");
    editor.wait_for_text("入力に誤りがあります");
    let err = editor.find("#f-code-err").text();
    assert!(err.contains("組織コードは32文字以内"), "{err}");
    assert!(editor.find("#f-name_ja-err").text().contains("名称（日本語）"));
    assert!(editor.source().contains("value=\"bad code!\""));
    editor.screenshot("10-form-errors");

    // Two browsers edit the same union; the second save shows both versions.
    let other = driver.session("ja");
    login(&other, base, "jaw-editor");
    let edit = format!("{base}/directory/organisations/{}/edit", s.e1);
    editor.goto(&edit);
    other.goto(&edit);
    editor.fill_and_submit(&[("#f-name_ja", "本部の修正労働組合")], "form.form > button[type=submit]");
    assert!(editor.wait_for_text("保存しました").contains("保存しました"));
    other.fill_and_submit(&[("#f-name_ja", "産別の修正労働組合")], "form.form > button[type=submit]");
    let text = other.wait_for_text("編集の競合");
    assert!(text.contains("編集の競合"), "{text}");
    assert!(text.contains("本部の修正労働組合") && text.contains("産別の修正労働組合"));
    other.screenshot("11-edit-conflict");

    // A reference the editor may not see: the form shows the stand-in, never the code, and a
    // save keeps the stored company.
    other.goto(&format!("{base}/directory/organisations/{}/edit", s.e5));
    let form = other.source();
    assert!(form.contains(kumiai_platform::orgs::HIDDEN_ORG), "the stand-in is in the form");
    assert!(!form.contains("C00005"), "the hidden company's code is not");
    // Clicking scrolls the field into view for the screenshot.
    other.find("#f-company").click();
    other.screenshot("18-edit-hidden-reference");
    other.fill_and_submit(&[("#f-name_en", "Sample union, renamed")], "form.form > button[type=submit]");
    assert!(other.wait_for_text("保存しました").contains("保存しました"));

    // Years in 和暦, chosen from the footer: today (2026-11-29) is 2027年度 = 令和9年度.
    other.goto(&format!("{base}/directory/organisations/{}", s.e1));
    assert!(other.text().contains("2027年度"), "{}", other.text());
    other.find("footer a[href^='/era']").click();
    let text = other.wait_for_text("令和");
    assert!(text.contains("令和9年度"), "{text}");
    other.screenshot("19-detail-wareki");
    other.resize(390, 844);
    other.screenshot("20-detail-wareki-phone");

    // Search from the box in the header, as the head office and as an enterprise union.
    let hq = driver.session("ja");
    login(&hq, base, "hq-viewer");
    // Typing then Enter (WebDriver's U+E007) submits the search form without JavaScript.
    hq.find("header .site-search input").type_text(&format!("{}\u{E007}", s.hidden_name));
    let text = hq.wait_for_text("件");
    assert!(text.contains(&s.hidden_name), "the head office finds the HQ-only union: {text}");
    hq.goto(&format!("{base}/search?q=精機"));
    hq.wait_for_text("件");
    hq.screenshot("14-search-hq");
    let ent = driver.session("ja");
    login(&ent, base, "ent-viewer");
    ent.goto(&format!("{base}/search?q={}", s.hidden_name));
    let text = ent.wait_for_text("件");
    assert!(!text.contains(&format!("{}\n", s.hidden_name)) && text.contains("見つかりませんでした"), "{text}");

    // English, and a phone-width page.
    let en = driver.session("en");
    login(&en, base, "ent-viewer");
    en.goto(&format!("{base}/directory/organisations"));
    assert!(en.text().contains("Organisations"));
    en.screenshot("12-organisations-english");
    en.resize(390, 844);
    en.goto(&format!("{base}/directory/organisations/{}", s.e1));
    en.screenshot("13-detail-phone");
    // The language switch works without JavaScript.
    en.find("a.lang").click();
    assert!(en.wait_for_text("組織").contains("組織"));
}

/// At phone width (390 px) no main page scrolls sideways, in Japanese or English, anonymous or
/// as the head office; each is photographed.
#[test]
fn main_pages_fit_a_phone() {
    let Some(driver) = Driver::start() else { return };
    let s = serve();
    let base = s.base.as_str();
    let pages = [
        "/".to_string(),
        "/directory/organisations".into(),
        format!("/directory/organisations/{}", s.e1),
        "/directory/people".into(),
        "/wiki".into(),
        format!("/wiki/page/{}", s.team_page),
        format!("/wiki/page/{}/history", s.dispute_page),
        format!("/wiki/page/{}/diff", s.dispute_page),
        "/wiki/recent".into(),
        "/search?q=%E3%82%BF%E3%82%A4".into(),
        "/login".into(),
    ];
    let mut wide = vec![];
    for (lang, who) in [("ja", None), ("en", None), ("ja", Some("hq-admin"))] {
        let b = driver.session(lang);
        if let Some(w) = who {
            login(&b, base, w);
        }
        b.resize(390, 844);
        let mut list = pages.to_vec();
        if who.is_some() {
            list.extend([format!("/wiki/page/{}/edit", s.team_page), "/admin/audit".into(), "/admin/users".into(), format!("/directory/organisations/{}/edit", s.e1)]);
        }
        for p in &list {
            b.goto(&format!("{base}{p}"));
            let sizes = b.script("return [document.documentElement.scrollWidth, window.innerWidth]");
            let (scroll, inner) = (sizes[0].as_i64().unwrap_or(0), sizes[1].as_i64().unwrap_or(0));
            if scroll > inner {
                wide.push(format!("{lang} {} {p}: {scroll} > {inner}", who.unwrap_or("anonymous")));
            }
        }
        b.goto(&format!("{base}/search?q=%E3%82%BF%E3%82%A4"));
        b.screenshot(&format!("19-search-phone-{lang}-{}", who.unwrap_or("anonymous")));
        // The header leaves the phone's screen to the page: brand, menu and search in three rows.
        let header = b.script("return document.querySelector('header.top').getBoundingClientRect().height").as_f64().unwrap_or(0.0);
        // (190 px before; a signed-in officer's name takes a row of its own.)
        let most = if who.is_some() { 170.0 } else { 130.0 };
        assert!(header <= most, "{lang} {who:?}: the header is {header} px high");
    }
    assert!(wide.is_empty(), "pages wider than the phone: {wide:#?}");
}

/// The imported MediaWiki export as its readers see it: figures load through their file pages,
/// the talk page is the page's discussion, and an officer opens a topic and replies in the
/// browser. Desktop and phone, Japanese and English, photographed.
#[test]
fn imported_files_and_discussions_in_chromium() {
    let Some(driver) = Driver::start() else { return };
    let s = serve_with(true);
    let base = s.base.as_str();
    let anon = driver.session("ja");
    anon.goto(&format!("{base}/wiki?category=%E9%87%91%E5%B1%9E%E5%8A%B4%E5%8D%94"));
    let kinzoku = anon.script("return [...document.querySelectorAll('a')].find(a => a.textContent.trim() === '金属労協' && a.href.includes('/wiki/page/')).getAttribute('href')");
    let kinzoku = kinzoku.as_str().expect("金属労協 is listed in its category").to_string();
    anon.goto(&format!("{base}{kinzoku}"));
    // Every image of the page loaded (through /wiki/file/…, after its file page's reach check).
    // (Lazy images load once near the screen: ask for them now, and wait for them.)
    anon.script("document.querySelectorAll('.wiki-body img').forEach(i => i.loading = 'eager')");
    let mut loaded = vec![];
    for _ in 0..50 {
        loaded = anon.script("return [...document.querySelectorAll('.wiki-body img')].map(i => i.complete && i.naturalWidth > 0)").as_array().cloned().unwrap_or_default();
        if loaded.iter().all(|l| l.as_bool() == Some(true)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(loaded.len() >= 2 && loaded.iter().all(|l| l.as_bool() == Some(true)), "logo and photograph load: {loaded:?}");
    assert!(anon.exists("figure.thumb figcaption"), "the photograph is a figure with its caption");
    anon.screenshot("21-wiki-imported-figure");

    let editor = driver.session("ja");
    login(&editor, base, "hq-editor");
    editor.goto(&format!("{base}/search?q=%E6%98%A5%E5%AD%A3%E7%94%9F%E6%B4%BB%E9%97%98%E4%BA%89"));
    let shunto = editor.script("return [...document.querySelectorAll('a')].find(a => a.textContent.trim() === '春季生活闘争' && a.href.includes('/wiki/page/')).getAttribute('href')");
    let shunto = format!("{base}{}", shunto.as_str().expect("春季生活闘争 is found"));
    editor.goto(&shunto);
    let talk = editor.find("#discussion").text();
    assert!(talk.contains("2024年の表の数値について") && talk.contains("鈴木") && talk.contains("Partner"), "the imported talk page: {talk}");
    editor.fill_and_submit(&[("#topic", "2025年の表"), ("#topic-body", "2025年の数値は集計後に追記します。")], "form.new-topic button[type=submit]");
    let text = editor.wait_for_text("集計後に追記します");
    assert!(text.contains("hq-editor"), "the comment is signed: {text}");
    // A reply under it, through its own form.
    let reply = editor.script("const d = [...document.querySelectorAll('details.reply')].pop(); d.open = true; return d.id");
    let id = reply.as_str().unwrap().to_string();
    editor.fill_and_submit(&[(&format!("#{id} textarea"), "返信の試験です。")], &format!("#{id} button[type=submit]"));
    editor.wait_for_text("返信の試験です");
    let depth = editor.script("return [...document.querySelectorAll('.comment')].find(c => c.textContent.includes('返信の試験です')).className");
    assert_eq!(depth.as_str(), Some("comment depth-1"), "the reply sits under the comment it answers");
    editor.goto(&format!("{shunto}#discussion"));
    editor.screenshot("22-wiki-discussion");
    editor.resize(390, 844);
    editor.goto(&format!("{shunto}#discussion"));
    let sizes = editor.script("return [document.documentElement.scrollWidth, window.innerWidth]");
    assert!(sizes[0].as_i64() <= sizes[1].as_i64(), "the page with figures and a discussion fits a phone: {sizes:?}");
    editor.screenshot("22-wiki-discussion-phone");

    let en = driver.session("en");
    en.resize(390, 844);
    en.goto(&format!("{shunto}#discussion"));
    assert!(en.find("#discussion").text().contains("Discussion"));
    en.screenshot("23-wiki-discussion-phone-en");
}

/// The home page's dashboard for each tier, photographed at desk and phone width; none scrolls
/// sideways on a phone.
#[test]
fn dashboards_per_tier_in_chromium() {
    let Some(driver) = Driver::start() else { return };
    let s = serve();
    let base = s.base.as_str();
    for (who, lang, width) in [("hq-admin", "ja", 1280), ("jaw-editor", "ja", 390), ("ent-viewer", "ja", 1280), ("partner-viewer", "en", 390), ("hq-viewer", "en", 390)] {
        let b = driver.session(lang);
        login(&b, base, who);
        b.resize(width, 900);
        b.goto(&format!("{base}/"));
        assert!(b.exists(".dashboard .panel"), "{who} has a dashboard");
        let sizes = b.script("return [document.documentElement.scrollWidth, window.innerWidth]");
        assert!(sizes[0].as_i64() <= sizes[1].as_i64(), "{who} at {width}: {sizes:?}");
        b.screenshot(&format!("24-home-{who}-{lang}-{width}"));
        if who == "hq-admin" {
            b.goto(&format!("{base}/campaign/2025"));
            assert!(b.exists("svg.chart"), "the round's tally and chart");
            b.screenshot("28-campaign-round");
        }
    }
}

/// Organisations are chosen by name: typing part of a name lists matches, choosing one fills the
/// field; several can be chosen for sharing; the saved record has them.
#[test]
fn organisations_are_chosen_by_name_in_chromium() {
    let Some(driver) = Driver::start() else { return };
    let s = serve();
    let base = s.base.as_str();
    let b = driver.session("ja");
    login(&b, base, "hq-editor");
    b.goto(&format!("{base}/directory/organisations/new"));
    b.script("document.getElementById('f-kind').value = 'enterprise_union'");
    let pick = |field: &str, typed: &str, wanted: &str| {
        let input = b.find(&format!("#{field}"));
        input.click();
        input.type_text(typed);
        let mut options = String::new();
        for _ in 0..50 {
            options = b.script(&format!("return [...document.querySelectorAll('#{field}-choices li')].map(li => li.textContent).join('|')")).as_str().unwrap_or("").to_string();
            if options.contains(wanted) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert!(options.contains(wanted), "{typed} → {options}");
        b.script(&format!("const li = [...document.querySelectorAll('#{field}-choices li')].find(li => li.textContent.includes('{wanted}')); li.dispatchEvent(new MouseEvent('mousedown', {{bubbles: true}}))"));
    };
    pick("f-parent", "自動車", "自動車総連");
    b.screenshot("25-picker-chosen");
    pick("f-shared_with", "TEAM", "TEAM");
    pick("f-shared_with", "FSPMI", "FSPMI");
    let sent = b.script("return [document.getElementById('f-parent-value').value, document.getElementById('f-shared_with-value').value]");
    assert_eq!(sent, serde_json::json!(["JAW", "TEAM,FSPMI"]), "the form sends codes nobody typed");
    let chips = b.script("return [...document.querySelectorAll('.picked li')].map(li => li.firstChild.textContent)");
    assert!(chips.to_string().contains("自動車総連"), "chosen ones show by name: {chips}");
    b.find("#f-shared_with").click();
    b.find("#f-shared_with").type_text("Indo");
    b.wait_for_text("FSPMI");
    b.screenshot("25-picker-open");
    b.script("document.getElementById('f-shared_with').value = ''");
    b.fill_and_submit(&[("#f-code", "E09999"), ("#f-name_ja", "選択テスト労働組合")], "form.form > button[type=submit]");
    let text = b.wait_for_text("選択テスト労働組合");
    assert!(text.contains("自動車総連"), "saved under the chosen parent: {text}");
}

/// An industrial union's counts beside its unions' sum, the trend chart and the grid, at desk and
/// phone width; none scrolls sideways on a phone.
#[test]
fn member_counts_in_chromium() {
    let Some(driver) = Driver::start() else { return };
    let s = serve();
    let base = s.base.as_str();
    let b = driver.session("ja");
    login(&b, base, "jaw-editor");
    b.goto(&format!("{base}/directory/organisations?q=%E8%87%AA%E5%8B%95%E8%BB%8A%E7%B7%8F%E9%80%A3"));
    let jaw = b.script("return [...document.querySelectorAll('a')].find(a => a.textContent.trim() === '自動車総連' && /organisations\\/\\d+$/.test(a.href)).getAttribute('href')");
    let jaw = format!("{base}{}", jaw.as_str().expect("自動車総連 is listed"));
    b.goto(&format!("{jaw}/counts/grid"));
    assert!(b.exists("form.counts-grid input[inputmode=numeric]"));
    b.screenshot("27-counts-grid");
    b.resize(390, 844);
    b.goto(&format!("{jaw}/counts/grid"));
    let sizes = b.script("return [document.documentElement.scrollWidth, window.innerWidth]");
    assert!(sizes[0].as_i64() <= sizes[1].as_i64(), "{sizes:?}");
    b.screenshot("27-counts-grid-phone");
    b.resize(1280, 900);
    b.goto(&format!("{jaw}#counts"));
    b.screenshot("26-org-counts-rollup");
}

/// The wage round as its users go through it: an enterprise union's officer enters its demand and
/// its answer; its industrial union corrects the answer from a form the union saved over
/// meanwhile (the conflict page shows both); the head office drafts, approves and schedules a
/// bulletin; before the lift an anonymous reader finds nothing, after it the aggregates and no
/// union-by-union figures.
#[test]
fn wage_round_in_chromium() {
    let Some(driver) = Driver::start() else { return };
    let s = serve();
    let base = s.base.as_str();
    let form = format!("{base}/campaign/2025/answers/E00001");
    let ent = driver.session("ja");
    login(&ent, base, "ent-editor");
    ent.goto(&format!("{base}/"));
    ent.goto(&format!("{base}/campaign/2025/answers"));
    assert!(ent.find("table.list").text().contains("E00001"), "the union's own line");
    ent.goto(&form);
    ent.fill_and_submit(&[("#f-base_up_demand_yen", "14000")], "form.form button[type=submit]");
    ent.wait_for_text("保存しました");
    ent.goto(&form); // a fresh page, so the next "saved" is the next save's
    ent.script("document.getElementById('f-base_up_state').value = 'won'");
    ent.fill_and_submit(&[("#f-base_up_won_yen", "12345"), ("#f-answered_at", "2025-03-12T10:05")], "form.form button[type=submit]");
    ent.wait_for_text("保存しました");
    ent.screenshot("29-campaign-entry-union");

    // The industrial union opens the form; the union saves first; both changed the amount.
    let jaw = driver.session("ja");
    login(&jaw, base, "jaw-editor");
    jaw.goto(&form);
    ent.goto(&form);
    ent.fill_and_submit(&[("#f-base_up_won_yen", "12400")], "form.form button[type=submit]");
    ent.wait_for_text("保存しました");
    jaw.fill_and_submit(&[("#f-base_up_won_yen", "12500")], "form.form button[type=submit]");
    let conflict = jaw.wait_for_text("12400");
    assert!(conflict.contains("12500"), "both versions on the conflict page: {conflict}");
    jaw.screenshot("29-campaign-entry-conflict");
    jaw.goto(&form);
    jaw.fill_and_submit(&[("#f-base_up_won_yen", "12500")], "form.form button[type=submit]");
    jaw.wait_for_text("保存しました");
    jaw.resize(390, 844);
    jaw.goto(&form);
    let sizes = jaw.script("return [document.documentElement.scrollWidth, window.innerWidth]");
    assert!(sizes[0].as_i64() <= sizes[1].as_i64(), "the answer form fits a phone: {sizes:?}");
    jaw.screenshot("29-campaign-entry-phone");

    // The head office drafts, approves and schedules a bulletin.
    let hq = driver.session("ja");
    login(&hq, base, "hq-editor");
    hq.goto(&format!("{base}/campaign/2025/bulletins"));
    hq.fill_and_submit(&[("#f-title", "ブラウザ試験の速報"), ("#f-commentary", "試験の解説です。")], "section form button[type=submit]");
    hq.wait_for_text("速報の下書きを作りました");
    let url = hq.script("return location.pathname").as_str().unwrap().to_string();
    hq.screenshot("30-bulletin-draft");
    hq.fill_and_submit(&[], "form[action$='/approve'] button[type=submit]");
    hq.wait_for_text("承認済み");
    hq.script("document.getElementById('f-lift_at').value = '2099-03-12T14:00'");
    hq.fill_and_submit(&[], "form[action$='/schedule'] button[type=submit]");
    hq.wait_for_text("2099-03-12 14:00");
    hq.screenshot("30-bulletin-scheduled");

    let anon = driver.session("en");
    anon.resize(390, 844);
    anon.goto(&format!("{base}{url}"));
    assert!(!anon.find("main").text().contains("ブラウザ試験の速報"), "nothing before the lift");
    // The lift moved to a time already past: published.
    let past = kumiai_core::time::format_input_ms(kumiai_core::time::now_ms() - 180_000);
    hq.script(&format!("document.getElementById('f-lift_at').value = '{past}'"));
    hq.fill_and_submit(&[], "form[action$='/schedule'] button[type=submit]");
    // The page after the save shows the new lift time (the state read the same before it).
    hq.wait_for_text(&past.replacen('T', " ", 1));
    anon.goto(&format!("{base}{url}"));
    let text = anon.find("main").text();
    anon.screenshot("31-bulletin-public-phone-en");
    let html = anon.script("return document.querySelector('main').innerHTML");
    assert!(text.contains("ブラウザ試験の速報") && text.contains("Headline unions"), "the aggregates after the lift: {text} {html}");
    assert!(!text.contains("By union"), "no union-by-union figures for the public");
    let sizes = anon.script("return [document.documentElement.scrollWidth, window.innerWidth]");
    assert!(sizes[0].as_i64() <= sizes[1].as_i64(), "the bulletin fits a phone: {sizes:?}");
    anon.screenshot("31-bulletin-public-phone-en");
    let member = driver.session("ja");
    login(&member, base, "jaw-viewer");
    member.goto(&format!("{base}{url}"));
    assert!(member.find("main").text().contains("組合別"), "affiliates see the union lines");
    member.screenshot("31-bulletin-affiliate");

    // The answer-day board follows an answer as it arrives, without a reload.
    let board = driver.session("ja");
    login(&board, base, "hq-viewer");
    board.goto(&format!("{base}/campaign/2025/board"));
    board.script("window.kumiaiMarker = 1");
    ent.goto(&form);
    ent.fill_and_submit(&[("#f-base_up_won_yen", "12600")], "form.form button[type=submit]");
    ent.wait_for_text("保存しました");
    board.wait_for_text("12,600");
    assert_eq!(board.script("return window.kumiaiMarker || 0").as_i64(), Some(1), "updated in place, not reloaded");
    board.screenshot("32-answer-day-board");
}

#[test]
fn minimum_wages_in_chromium() {
    let Some(driver) = Driver::start() else { return };
    let s = serve();
    let base = s.base.as_str();
    // The head office's analysis at desktop width: a map of all 47 prefectures, each a link, with
    // its legend; the table sorts and filters.
    let hq = driver.session("ja");
    login(&hq, base, "hq-editor");
    hq.goto(&format!("{base}/minwage/2025"));
    assert_eq!(hq.script("return document.querySelectorAll('svg.tile-map a').length").as_i64(), Some(47), "every prefecture is clickable");
    let map = hq.find("svg.tile-map").text();
    assert!(map.contains("平均で地域別を下回る") && map.contains("データなし") && map.contains("愛知"), "legend and names: {map}");
    hq.screenshot("33-minwage-map-desktop");
    hq.goto(&format!("{base}/minwage/2025?colour=status"));
    assert!(hq.find("svg.tile-map").text().contains("すべて地域別以上に引上げ"));
    hq.screenshot("33-minwage-map-status");
    hq.find("th[aria-sort] a[href*='sort=gap']").click();
    hq.wait_for_text("絞り込み");
    assert_eq!(hq.script("return document.querySelector('th a[href*=\"sort=-gap\"]').parentElement.getAttribute('aria-sort')").as_str(), Some("ascending"));
    hq.script("document.getElementById('f-only').value = 'below'");
    hq.fill_and_submit(&[], "form.filters button[type=submit]");
    for _ in 0..100 {
        if hq.url().contains("only=below") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(hq.url().contains("only=below"));
    hq.wait_for_text("絞り込み");
    let cells: Vec<String> = hq.script("return [...document.querySelectorAll('#wages ~ div table.list tbody tr td:nth-child(6), section table.list tbody tr td:nth-child(6)')].map(c => c.textContent)").as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("").to_string()).collect();
    assert!(!cells.is_empty() && cells.iter().any(|c| c.starts_with('−')), "gaps below zero listed: {cells:?}");
    // A prefecture on the map opens its series: the regional wage against its industry wages.
    hq.goto(&format!("{base}/minwage/2025"));
    hq.script("document.querySelector('svg.tile-map a[href=\"/minwage/prefectures/23\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))");
    hq.wait_for_text("都道府県コード 23");
    assert_eq!(hq.script("return document.querySelectorAll('svg.chart polyline').length").as_i64().map(|n| n >= 3), Some(true), "the charts' lines");
    hq.screenshot("34-minwage-prefecture-chart");
    hq.goto(&format!("{base}/minwage/2026/tracker"));
    assert!(hq.find("main").text().contains("遅れている段階"));
    hq.screenshot("35-minwage-tracker");

    // At phone width, in English: the map and the charts fit.
    let jaw = driver.session("en");
    login(&jaw, base, "jaw-viewer");
    jaw.resize(390, 844);
    for (url, shot) in [("/minwage/2025", "33-minwage-map-phone-en"), ("/minwage/industries/%E9%9B%BB%E6%A9%9F", "34-minwage-industry-chart-phone-en"), ("/minwage/2026/tracker", "35-minwage-tracker-phone-en")] {
        jaw.goto(&format!("{base}{url}"));
        let sizes = jaw.script("return [document.documentElement.scrollWidth, window.innerWidth, (document.querySelector('svg.tile-map, svg.chart') || {getBoundingClientRect: () => ({width: 0})}).getBoundingClientRect().width]");
        assert!(sizes[0].as_i64() <= sizes[1].as_i64(), "{url} fits a phone: {sizes:?}");
        assert!(sizes[2].as_f64().unwrap_or(0.0) > 300.0, "{url}: the figure uses the width: {sizes:?}");
        jaw.screenshot(shot);
    }
    assert!(jaw.find("main").text().contains("Late steps"));
    // The public results, as an anonymous reader on a phone.
    let anon = driver.session("ja");
    anon.resize(390, 844);
    anon.goto(&format!("{base}/minwage/2024/results"));
    assert!(anon.find("main").text().contains("デモ用の例示値"), "the demo says its industry figures are illustrative");
    assert_eq!(anon.script("return document.querySelectorAll('svg.tile-map a').length").as_i64(), Some(47));
    anon.screenshot("36-minwage-results-public-phone");
    anon.goto(&format!("{base}/minwage/2025/results"));
    assert!(!anon.find("main").text().contains("2025年度の結果"), "not yet published");
}
