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

/// `kumiai minwage import` refuses a bad file whole, naming each problem, and imports a good one;
/// `kumiai minwage report` writes the documented JSON (docs/minwage-report.md), CSV and .xlsx.
#[test]
fn minwage_import_and_report() {
    let d = tempdir("minwage");
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "fiscal_year,prefecture_code,industry,hourly_yen,previous_hourly_yen,effective_date,status\n2025,99,電機,1200,,,revised\n2025,23,電機,12,,,revised\n2025,23,自動車,1200,,2025-03-01,revised\n2025,13,電機,1300,,,revised\n2025,13,電機,1300,,,revised\n").unwrap();
    let o = kumiai(&d, &["minwage", "import", "--kind", "industry", bad.to_str().unwrap()]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    for needle in ["bad.csv:2 [prefecture_code]", "bad.csv:3 [hourly_yen]", "bad.csv:4 [effective_date]", "bad.csv:6 [fiscal_year, prefecture_code, industry]", "nothing was saved"] {
        assert!(t.contains(needle), "{needle} in {t}");
    }
    let good = d.join("good.csv");
    std::fs::write(&good, "fiscal_year,prefecture_code,prefecture,industry,hourly_yen,previous_hourly_yen,effective_date,covered_workers,status,note\n2025,23,愛知,電機,1190,1120,2025-12-01,1000,revised,\n2025,23,愛知,鉄鋼,1100,1100,,,unchanged,\n2025,13,東京,自動車,1300,,2026-01-01,,revised,\n").unwrap();
    let o = kumiai(&d, &["minwage", "import", "--kind", "industry", good.to_str().unwrap()]);
    assert!(o.status.success() && text(&o).contains("created 3"), "{}", text(&o));
    let o = kumiai(&d, &["minwage", "report", "--year", "2025", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let w = v["wages"].as_array().unwrap();
    assert_eq!(w.len(), 3);
    let aichi = w.iter().find(|x| x["industry"] == "電機").unwrap();
    for (k, want) in [("raise_yen", serde_json::json!(70)), ("regional_hourly_yen", serde_json::json!(1140)), ("regional_raise_yen", serde_json::json!(63)), ("gap_yen", serde_json::json!(50)), ("below_regional", serde_json::json!(false)), ("raise_at_least_regional", serde_json::json!(true))] {
        assert_eq!(aichi[k], want, "{k}");
    }
    let tokyo = w.iter().find(|x| x["industry"] == "自動車").unwrap();
    assert!(tokyo["raise_yen"].is_null() && tokyo["raise_at_least_regional"].is_null() && tokyo["previous_hourly_yen"].is_null(), "unknown is null: {tokyo}");
    assert_eq!((v["summary"]["count"].as_i64(), v["summary"]["revised"].as_i64(), v["summary"]["raise_at_least_regional"].as_i64(), v["summary"]["below_regional"].as_i64()), (Some(3), Some(2), Some(1), Some(1)));
    let o = kumiai(&d, &["minwage", "report", "--year", "2025", "--format", "csv"]);
    let csv = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(csv.contains("gap_yen") && csv.contains(",-40,"), "{csv}");
    let x = d.join("r.xlsx");
    let o = kumiai(&d, &["minwage", "report", "--year", "2025", "--format", "xlsx", "--output", x.to_str().unwrap()]);
    assert!(o.status.success() && std::fs::read(&x).unwrap().starts_with(b"PK"));
}
