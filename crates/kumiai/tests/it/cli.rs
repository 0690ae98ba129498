//! The real binary: help in both languages, migrate, users and tokens, import errors with row
//! numbers and a non-zero exit, export, and an online backup that opens as a database.

use std::path::Path;
use std::process::{Command, Output};

fn kumiai(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kumiai"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("KUMIAI_DATABASE_URL")
        .env("KUMIAI_LOG", "error")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("kumiai-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn help_is_bilingual() {
    let d = tempdir("help");
    for args in [vec!["--help"], vec!["user", "--help"], vec!["org", "import", "--help"]] {
        let o = kumiai(&d, &args);
        assert!(o.status.success());
        let t = text(&o);
        assert!(t.contains("取り込") || t.contains("管理") || t.contains("金属労協"), "{t}");
        assert!(t.to_lowercase().contains("import") || t.contains("Manage") || t.contains("federation"), "{t}");
    }
}

#[test]
fn users_tokens_import_export_backup() {
    let d = tempdir("flow");
    let o = kumiai(&d, &["demo", "--no-serve"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("hq-admin"));
    let o = Command::new(env!("CARGO_BIN_EXE_kumiai"))
        .arg("--data-dir")
        .arg(&d)
        .args(["user", "add", "--login", "yamada", "--name", "山田 花子", "--org", "JAM", "--role", "editor"])
        .env("KUMIAI_PASSWORD", "correct horse battery")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let dup = Command::new(env!("CARGO_BIN_EXE_kumiai"))
        .arg("--data-dir")
        .arg(&d)
        .args(["user", "add", "--login", "yamada", "--name", "x", "--org", "JAM", "--password", "short"])
        .output()
        .unwrap();
    assert!(!dup.status.success());
    let t = text(&dup);
    assert!(t.contains("login") && t.contains("password") && t.contains("10"), "{t}");
    let list = text(&kumiai(&d, &["user", "list"]));
    assert!(list.contains("yamada") && list.contains("JAM"));
    let tok = kumiai(&d, &["user", "token", "yamada"]);
    assert!(tok.status.success());
    assert!(String::from_utf8_lossy(&tok.stdout).trim().starts_with("kumiai_"));
    assert!(kumiai(&d, &["user", "disable", "yamada"]).status.success());
    assert!(text(&kumiai(&d, &["user", "list"])).contains("disabled"));

    let bad = d.join("bad.csv");
    std::fs::write(&bad, "code,kind,parent,name_ja\nB1,enterprise_union,JAW,良い\nB2,enterprise_union,JAW,\n").unwrap();
    let o = kumiai(&d, &["org", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("bad.csv:3") && t.contains("name_ja") && t.contains("nothing was saved"), "{t}");

    let out = d.join("orgs.csv");
    let o = kumiai(&d, &["org", "export", out.to_str().unwrap(), "--encoding", "sjis"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = kumiai(&d, &["org", "import", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("created 0"), "{}", text(&o));

    let backup = d.join("copy.db");
    let o = kumiai(&d, &["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let copy_dir = tempdir("copy");
    std::fs::copy(&backup, copy_dir.join("kumiai.db")).unwrap();
    let l = text(&kumiai(&copy_dir, &["user", "list"]));
    assert!(l.contains("hq-admin") && l.contains("yamada"), "the copy is a complete database: {l}");
    assert!(!kumiai(&d, &["backup", backup.to_str().unwrap()]).status.success(), "never overwrites");
}

#[test]
fn a_missing_dictionary_is_a_clear_startup_error() {
    let d = tempdir("nodict");
    let o = Command::new(env!("CARGO_BIN_EXE_kumiai"))
        .arg("--data-dir")
        .arg(&d)
        .args(["search", "dictionary"])
        .env("KUMIAI_IPADIC_SOURCE", d.join("no-such-source"))
        .env("KUMIAI_DICTIONARY_DIR", d.join("dict"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("apt-get install mecab-ipadic") && t.contains("日本語辞書"), "{t}");
    // serve refuses to start the same way rather than running without Japanese analysis.
    let o = Command::new(env!("CARGO_BIN_EXE_kumiai"))
        .arg("--data-dir")
        .arg(&d)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("KUMIAI_IPADIC_SOURCE", d.join("no-such-source"))
        .env("KUMIAI_DICTIONARY_DIR", d.join("dict"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("mecab-ipadic"));
}

#[test]
fn mediawiki_import_needs_a_head_office_then_reports_and_repeats_as_a_no_op() {
    let d = tempdir("mediawiki");
    let dump = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mediawiki-export-demo.xml.gz");
    let dump = dump.to_str().unwrap();
    let report = d.join("report.txt");
    let args = ["wiki", "import-mediawiki", dump, "--report", report.to_str().unwrap()];
    // An empty installation has no organisation to own the pages: a clear error, nothing written.
    let o = kumiai(&d, &args);
    assert!(!o.status.success());
    assert!(text(&o).contains("本部") && text(&o).contains("org import"), "{}", text(&o));
    assert!(!report.exists());
    assert!(kumiai(&d, &["demo", "--no-serve"]).status.success());
    let o = kumiai(&d, &args);
    assert!(o.status.success(), "{}", text(&o));
    let first = std::fs::read_to_string(&report).unwrap();
    assert!(first.contains("revisions imported / 取り込んだ版: 3") && first.contains("議論に取り込んだコメント: 1") && first.contains("Some_image.jpg: no images directory"), "{first}");
    let o = kumiai(&d, &args);
    assert!(o.status.success(), "{}", text(&o));
    let again = std::fs::read_to_string(&report).unwrap();
    assert!(again.contains("revisions imported / 取り込んだ版: 0") && again.contains("取り込み済みの版: 3") && again.contains("議論に取り込んだコメント: 0"), "{again}");
}

/// `kumiai backup` on PostgreSQL runs pg_dump (the password in its environment, never printed)
/// and fails loudly when the dump does not happen, so a cron job notices.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_runs_pg_dump_or_fails() {
    let Some(fresh) = crate::common::FreshDb::new(crate::common::Backend::Postgres).await else { return };
    let url = fresh.config.database_url.clone();
    let d = tempdir("pgbackup");
    let run = |args: &[&str], url: &str| {
        Command::new(env!("CARGO_BIN_EXE_kumiai")).arg("--data-dir").arg(&d).arg("--database-url").arg(url).args(args).env("KUMIAI_LOG", "error").output().unwrap()
    };
    assert!(run(&["migrate"], &url).status.success());
    let file = d.join("kumiai.dump");
    let o = run(&["backup", file.to_str().unwrap()], &url);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::read(&file).unwrap().starts_with(b"PGDMP"), "a pg_dump custom-format file");
    let password = url.split("://").nth(1).and_then(|r| r.split('@').next()).and_then(|c| c.split_once(':')).map(|c| c.1.to_string());
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        assert!(!text(&o).contains(&format!(":{p}@")), "the password is not printed: {}", text(&o));
    }
    // Without pg_dump on the machine: a non-zero exit that says what to install and run.
    let o = Command::new(env!("CARGO_BIN_EXE_kumiai"))
        .arg("--data-dir")
        .arg(&d)
        .arg("--database-url")
        .arg(&url)
        .args(["backup", d.join("none.dump").to_str().unwrap()])
        .env("KUMIAI_LOG", "error")
        .env("PATH", &d)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("pg_dump --format=custom") && text(&o).contains("PostgreSQL"), "{}", text(&o));
    assert!(!d.join("none.dump").exists());
}
