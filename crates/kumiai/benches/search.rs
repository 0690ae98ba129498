//! `cargo bench -p kumiai --bench search`: Kumiai's search index (IPADIC morphology + bigrams, reach
//! filter in the query) next to SQLite FTS5 with the trigram tokenizer, over the same real Japanese
//! corpus in the same run (Debian's manpages-ja, manpages-ja-dev and libreoffice-help-ja; fetch it
//! with bench/corpus.sh). Prints indexing rate, index size, peak memory, and p50/p99 latency of the
//! fixed query set in bench/search-queries.txt as an affiliate reader (top 10 with snippets + total).

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/fts.rs"]
mod fts;

use kumiai_core::{Access, Account, OrgId, Reach, Role, Tier, UserId, Viewer};
use kumiai_search::{Document, SearchIndex, SearchQuery};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p).map(|d| d.flatten().map(|e| if e.path().is_dir() { dir_size(&e.path()) } else { e.metadata().map(|m| m.len()).unwrap_or(0) }).sum()).unwrap_or(0)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok())))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// `KUMIAI_BENCH_PAGES=100000`: that many pages cut from the corpus's own paragraphs (about
/// 1,500 characters each, windows shifted per page), standing in for a 100,000-page wiki.
fn scaled(corpus: Vec<(String, String)>, pages: usize) -> Vec<(String, String)> {
    let paragraphs: Vec<(usize, Vec<&str>)> = corpus.iter().enumerate().map(|(i, (_, b))| (i, b.split("\n\n").filter(|p| p.trim().len() > 40).collect())).collect();
    let mut out = Vec::with_capacity(pages);
    for n in 0..pages {
        let (doc, paras) = &paragraphs[n % paragraphs.len()];
        if paras.is_empty() {
            out.push((format!("{} ({n})", corpus[*doc].0), corpus[*doc].1.chars().take(1500).collect()));
            continue;
        }
        let start = (n / paragraphs.len() * 3) % paras.len();
        let mut body = String::new();
        for p in paras.iter().cycle().skip(start) {
            if body.chars().count() > 1500 {
                break;
            }
            body.push_str(p);
            body.push_str("\n\n");
        }
        out.push((format!("{} ({n})", corpus[*doc].0), body));
    }
    out
}

fn main() {
    let docs: Vec<(String, String)> = corpus::load().into_iter().map(|d| (d.title, d.body)).collect();
    let docs = match std::env::var("KUMIAI_BENCH_PAGES").ok().and_then(|v| v.parse().ok()) {
        Some(n) => scaled(docs, n),
        None => docs,
    };
    let chars: usize = docs.iter().map(|d| d.1.chars().count()).sum();
    let queries: Vec<String> = include_str!("../../../bench/search-queries.txt").lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
    let work = std::env::temp_dir().join(format!("kumiai-search-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let dict = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp/ipadic");
    let seg = kumiai_search::dictionary::open(&dict, Path::new(kumiai_search::dictionary::DEFAULT_SOURCE)).expect("IPADIC");
    println!("corpus: {} documents, {:.1} M characters (Debian manpages-ja, manpages-ja-dev, libreoffice-help-ja)", docs.len(), chars as f64 / 1e6);

    // Kumiai's index.
    let (index, _) = SearchIndex::open(&work.join("kumiai"), seg).unwrap();
    let t = Instant::now();
    for (i, (title, body)) in docs.iter().enumerate() {
        let access = Access { reach: Reach::Public, scope_org: None, embargo_until: None, owner_org: OrgId(1), owner_path: vec![OrgId(1)], shared_with: vec![] };
        index
            .upsert(&Document { key: format!("man:{i}"), module: "wiki".into(), kind: "topic".into(), title: title.clone(), body: body.clone(), url: String::new(), org_id: None, year: None, updated_at: 0, access })
            .unwrap();
    }
    index.commit(1).unwrap();
    let k_index_s = t.elapsed().as_secs_f64();
    let k_size = dir_size(&work.join("kumiai"));
    let k_rss = peak_rss_mib();

    // SQLite FTS5, trigram tokenizer, same documents.
    let fts_path = work.join("fts.db");
    let t = Instant::now();
    let fts = fts::Fts::build(&fts_path, &docs);
    let f_index_s = t.elapsed().as_secs_f64();
    let f_size = std::fs::metadata(&fts_path).map(|m| m.len()).unwrap_or(0);

    let reader = Viewer::new(Some(Account { user_id: UserId(9), login: "ent".into(), display_name: "ent".into(), org_id: OrgId(20), org_path: vec![OrgId(1), OrgId(2), OrgId(20)], tier: Tier::Enterprise, role: Role::Viewer }));
    let (mut k_lat, mut f_lat) = (vec![], vec![]);
    let (mut k_found, mut f_found) = (0usize, 0usize);
    let mut slowest: Vec<(f64, &str)> = vec![];
    for q in &queries {
        for run in 0..20 {
            let t = Instant::now();
            let r = index.search(&reader, &SearchQuery { text: q.clone(), limit: 10, facets: true, ..Default::default() }, 0).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            k_lat.push(ms);
            slowest.push((ms, q.as_str()));
            if run == 0 && r.total > 0 {
                k_found += 1;
            }
            let t = Instant::now();
            let (_, n) = fts.search(q, 10);
            f_lat.push(t.elapsed().as_secs_f64() * 1000.0);
            if run == 0 && n > 0 {
                f_found += 1;
            }
        }
    }
    let (kp50, kp99, fp50, fp99) = (percentile(&mut k_lat.clone(), 0.5), percentile(&mut k_lat, 0.99), percentile(&mut f_lat.clone(), 0.5), percentile(&mut f_lat, 0.99));
    println!("| | Kumiai (tantivy, IPADIC + bigrams, reach filter) | SQLite FTS5 trigram | ratio (Kumiai / FTS5) |");
    println!("|---|---|---|---|");
    println!("| index build | {:.2} s ({:.0} docs/s) | {:.2} s ({:.0} docs/s) | {:.2} |", k_index_s, docs.len() as f64 / k_index_s, f_index_s, docs.len() as f64 / f_index_s, k_index_s / f_index_s);
    println!("| index size | {:.1} MiB | {:.1} MiB (with stored text) | {:.2} |", k_size as f64 / 1048576.0, f_size as f64 / 1048576.0, k_size as f64 / f_size as f64);
    println!("| query p50 ({} queries × 20) | {:.3} ms | {:.3} ms | {:.2} |", queries.len(), kp50, fp50, kp50 / fp50);
    println!("| query p99 | {:.3} ms | {:.3} ms | {:.2} |", kp99, fp99, kp99 / fp99);
    println!("| queries with any hit | {k_found} / {} | {f_found} / {} | |", queries.len(), queries.len());
    println!("peak RSS of the bench process after indexing: {k_rss:.0} MiB");
    slowest.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    slowest.dedup_by(|a, b| a.1 == b.1);
    println!("slowest Kumiai queries: {}", slowest.iter().take(6).map(|(ms, q)| format!("{q} {ms:.1} ms")).collect::<Vec<_>>().join(", "));
    let _ = std::fs::remove_dir_all(&work);
}
