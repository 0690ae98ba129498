//! The architecture's rules, checked on the source tree (in the spirit of rust-analyzer's tidy).
//! Each check is a plain function over (path, text); the tests run it on the real tree, where it
//! must find nothing, and on a planted defect, where it must find it.
//!
//! - Writes (`INSERT`/`UPDATE`/`DELETE`) go through the audited write path, but for a short list
//!   of tables that hold no records (below, each with its reason).
//! - A module names only its own tables (the directory also the organisation tree it owns).
//! - Reach marks (the old per-request flag, the ledger) stay in the platform and core.
//! - Page and API handlers hold no SQL; `Viewer::system()` is never built in one.
//! - The `kumiai` crate names module crates only in `app::modules()`.
//! - Every write tells the read caches (`Db::commit`, `Db::execute`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Files = Vec<(String, String)>;

fn crates_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `crates/*/src`, as (path from `crates/`, text).
fn sources() -> Files {
    let mut out = vec![];
    fn walk(dir: &Path, base: &Path, out: &mut Files) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, base, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let base = crates_dir();
    for c in std::fs::read_dir(&base).unwrap().flatten() {
        let src = c.path().join("src");
        if src.is_dir() {
            walk(&src, &base, &mut out);
        }
    }
    out.sort();
    out
}

/// Tables each crate creates in its migrations.
fn table_owners() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in std::fs::read_dir(crates_dir()).unwrap().flatten() {
        let dir = c.path().join("migrations/sqlite");
        let Ok(files) = std::fs::read_dir(&dir) else { continue };
        let krate = c.file_name().to_string_lossy().to_string();
        for f in files.flatten() {
            let sql = std::fs::read_to_string(f.path()).unwrap();
            for rest in sql.split("CREATE TABLE ").skip(1) {
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                out.insert(name, krate.clone());
            }
        }
    }
    out
}

/// The string literals of a Rust source, comments left out (enough of a lexer for this code base).
fn literals(src: &str) -> Vec<String> {
    let b = src.as_bytes();
    let (mut i, mut out) = (0, vec![]);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') || (b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'')) => {
                // A char literal such as '"' or '\''.
                i += if b[i + 1] == b'\\' { 4 } else { 3 };
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                out.push(String::from_utf8_lossy(&b[start..i.min(b.len())]).into_owned());
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// (keyword, table) for every SQL write in the literals: `INSERT INTO t`, `UPDATE t`, `DELETE FROM t`
/// (`{}` or `{table}` for a table the code fills in).
fn writes(src: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![];
    for lit in literals(src) {
        for (kw, key) in [("INSERT INTO ", "INSERT"), ("UPDATE ", "UPDATE"), ("DELETE FROM ", "DELETE")] {
            for rest in lit.split(kw).skip(1) {
                let table: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '{' | '}')).collect();
                if !table.is_empty() && (kw != "UPDATE " || rest.contains(" SET ")) {
                    out.push((key, table));
                }
            }
        }
    }
    out
}

/// Writes allowed outside `platform/src/audit.rs`: (file, table, why).
const WRITE_ALLOWED: &[(&str, &str, &str)] = &[
    ("platform/src/accounts/mod.rs", "sessions", "sessions are credentials, not records"),
    ("platform/src/accounts/mod.rs", "api_tokens", "a token's last use, at most once a minute"),
    ("platform/src/reach.rs", "record_shares", "written by the audited path, in the change's transaction"),
    ("platform/src/migrate.rs", "schema_migrations", "the migrations' own bookkeeping"),
    ("platform/src/db.rs", "sqlite_stat4", "planner statistics, not records"),
    ("platform/src/calendar.rs", "settings", "the calendar the stored years are named by"),
    ("platform/src/calendar.rs", "{t}", "relabelling fiscal years when the naming changes (audited as one entry)"),
    ("directory/src/org/store.rs", "organisations", "materialised paths follow an audited move"),
    ("wiki/src/store.rs", "wiki_links", "derived from the audited revision's text"),
    ("wiki/src/store.rs", "wiki_categories", "derived from the audited revision's text"),
    ("wiki/src/changes.rs", "wiki_watch", "a reader's own bookmarks"),
    ("wiki/src/changes.rs", "wiki_feed_tokens", "credentials (the issue is audited)"),
    ("wiki/src/mediawiki/import.rs", "wiki_import_revisions", "the import's map, in the transaction of the audited revision"),
    ("campaign/src/bulletins.rs", "campaign_bulletin_lines", "frozen with the audited bulletin in its transaction; their reach follows its audited state"),
];

fn check_writes(files: &Files) -> Vec<String> {
    let mut bad = vec![];
    for (path, text) in files {
        if path == "platform/src/audit.rs" {
            continue;
        }
        for (kw, table) in writes(text) {
            if !WRITE_ALLOWED.iter().any(|(f, t, _)| path == f && table == *t) {
                bad.push(format!("{path}: {kw} {table} outside the audited write path"));
            }
        }
    }
    bad
}

/// Every write tells the read caches (`platform::cache`): transactions end in `Db::commit`, and a
/// single write outside one goes through `Db::execute`. Committing or writing on the pool
/// directly would leave cached values older than the data.
fn check_cache_coherence(files: &Files) -> Vec<String> {
    let mut bad = vec![];
    for (path, text) in files {
        if matches!(path.as_str(), "platform/src/db.rs" | "platform/src/migrate.rs") {
            continue;
        }
        for needle in ["tx.commit()", ".execute(&db.pool)", ".execute(&self.pool)", ".execute(&ctx.db().pool)", ".execute(&state.db.pool)"] {
            if text.contains(needle) {
                bad.push(format!("{path}: {needle} bypasses the caches (use Db::commit or Db::execute)"));
            }
        }
    }
    bad
}

/// Tables named in SQL (after FROM, JOIN, INTO, UPDATE) in a source.
fn tables_named(src: &str) -> Vec<String> {
    let mut out = vec![];
    for lit in literals(src) {
        for kw in ["FROM ", "JOIN ", "INTO ", "UPDATE "] {
            for rest in lit.split(kw).skip(1) {
                let t: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !t.is_empty() {
                    out.push(t);
                }
            }
        }
    }
    out
}

fn check_tables(files: &Files, owners: &BTreeMap<String, String>) -> Vec<String> {
    let mut bad = vec![];
    for (path, text) in files {
        let krate = path.split('/').next().unwrap_or("");
        if matches!(krate, "platform" | "core" | "kumiai") {
            continue;
        }
        for t in tables_named(text) {
            let Some(owner) = owners.get(&t) else { continue };
            // The organisation tree's table sits in the platform's migration; its records are the directory's.
            let own = owner == krate || (krate == "directory" && t == "organisations");
            if !own {
                bad.push(format!("{path}: names {t}, a table of {owner}; use that module's public API"));
            }
        }
    }
    bad
}

/// The per-request "reach was checked" call that `Visible<T>` replaced, spelled in two parts so
/// that `grep -rn` for it outside the platform finds nothing but real uses.
const OLD_MARK: &str = concat!("mark", "_checked");

fn check_reach_marks(files: &Files) -> Vec<String> {
    let mut bad = vec![];
    for (path, text) in files {
        let inside = path.starts_with("platform/") || path.starts_with("core/");
        for needle in [OLD_MARK, ".ledger()", "note_decision"] {
            if (needle == OLD_MARK || !inside) && text.contains(needle) {
                bad.push(format!("{path}: {needle} outside the reach layer"));
            }
        }
    }
    bad
}

/// Page and API handlers: files with handlers (a `ctx: Ctx` parameter).
fn check_handlers(files: &Files) -> Vec<String> {
    let mut bad = vec![];
    for (path, text) in files {
        if !text.contains("ctx: Ctx") {
            continue;
        }
        if text.contains("sqlx::") {
            bad.push(format!("{path}: a handler file runs SQL; move it to the module's store"));
        }
        for lit in literals(text) {
            let l = lit.to_ascii_uppercase();
            if (l.starts_with("SELECT ") || l.starts_with("INSERT ") || l.starts_with("UPDATE ") || l.starts_with("DELETE ")) && lit.contains('{') {
                bad.push(format!("{path}: SQL assembled in a handler: {}", &lit[..lit.len().min(60)]));
            }
        }
        if text.contains("Viewer::system()") {
            bad.push(format!("{path}: Viewer::system() built in a handler file"));
        }
    }
    bad
}

const MODULE_CRATES: [&str; 5] = ["kumiai_directory", "kumiai_wiki", "kumiai_search", "kumiai_campaign", "kumiai_minwage"];

/// The `kumiai` crate wires modules in one place: `app::modules()`. The search index service
/// (`kumiai_search::Search`) is started by `app::start` as infrastructure.
fn check_registration(files: &Files) -> Vec<String> {
    let mut bad = vec![];
    for (path, text) in files {
        if !path.starts_with("kumiai/src/") {
            continue;
        }
        let body = if path == "kumiai/src/app.rs" {
            let start = text.find("pub fn modules()").unwrap_or(0);
            let end = text[start..].find("\n}\n").map(|e| start + e).unwrap_or(start);
            format!("{}{}", &text[..start], &text[end..]).replace("kumiai_search::Search", "")
        } else {
            text.clone()
        };
        for m in MODULE_CRATES {
            if body.contains(m) {
                bad.push(format!("{path}: names {m} outside app::modules()"));
            }
        }
    }
    bad
}

#[test]
fn the_tree_keeps_the_architecture() {
    let files = sources();
    assert!(files.len() > 50, "found the sources: {}", files.len());
    let owners = table_owners();
    assert_eq!(owners.get("member_counts").map(String::as_str), Some("directory"));
    assert_eq!(owners.get("wiki_pages").map(String::as_str), Some("wiki"));
    let mut bad = check_writes(&files);
    bad.extend(check_tables(&files, &owners));
    bad.extend(check_reach_marks(&files));
    bad.extend(check_handlers(&files));
    bad.extend(check_registration(&files));
    bad.extend(check_cache_coherence(&files));
    assert!(bad.is_empty(), "the architecture's rules are broken:\n{}", bad.join("\n"));
}

/// Each check finds the defect it guards against when one is planted.
#[test]
fn each_check_finds_a_planted_defect() {
    let owners = table_owners();
    let file = |p: &str, t: &str| vec![(p.to_string(), t.to_string())];
    assert_eq!(check_writes(&file("wiki/src/store.rs", r#"sqlx::query("UPDATE wiki_pages SET version = version + 1 WHERE id = $1")"#)).len(), 1);
    assert_eq!(check_writes(&file("directory/src/people/store.rs", r#"sqlx::query("DELETE FROM people WHERE id = $1")"#)).len(), 1);
    assert!(check_writes(&file("wiki/src/store.rs", r#"// UPDATE wiki_pages SET x"#)).is_empty(), "comments are not code");
    assert_eq!(check_tables(&file("wiki/src/store.rs", r#"format!("SELECT o.code FROM organisations o WHERE {}")"#), &owners).len(), 1);
    assert_eq!(check_tables(&file("search/src/web.rs", r#""SELECT id FROM audit_log""#), &owners).len(), 1);
    assert!(check_tables(&file("directory/src/org/store.rs", r#""SELECT id FROM organisations""#), &owners).is_empty());
    assert_eq!(check_reach_marks(&file("wiki/src/pages/mod.rs", &format!("ctx.viewer.{OLD_MARK}();"))).len(), 1);
    assert_eq!(check_reach_marks(&file("directory/src/pages/orgs.rs", "ctx.viewer.ledger().note_decision();")).len(), 2);
    assert_eq!(check_handlers(&file("wiki/src/pages/changes.rs", r#"async fn h(ctx: Ctx) { let sql = format!("SELECT * FROM wiki_pages WHERE {}", x); sqlx::query(&sql); }"#)).len(), 2);
    assert_eq!(check_handlers(&file("directory/src/api.rs", "async fn h(ctx: Ctx) { let v = Viewer::system(); }")).len(), 1);
    assert_eq!(check_registration(&file("kumiai/src/cli.rs", "use kumiai_wiki::store;")).len(), 1);
    assert_eq!(check_cache_coherence(&file("wiki/src/store.rs", "let mut tx = db.begin().await?; tx.commit().await?;")).len(), 1);
    assert_eq!(check_cache_coherence(&file("wiki/src/changes.rs", r#"sqlx::query("DELETE FROM wiki_watch").execute(&db.pool).await?;"#)).len(), 1);
    assert!(check_registration(&file("kumiai/src/app.rs", "pub fn modules() -> Vec<Module> {\n    vec![kumiai_wiki::module()]\n}\n")).is_empty());
}
