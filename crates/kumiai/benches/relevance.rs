//! `cargo bench -p kumiai --bench relevance`: how well each search finds the judged answers of
//! bench/relevance.tsv in the real corpus of bench/corpus.sh. Reports recall@10 and MRR (mean
//! reciprocal rank of the first relevant document, 0 when none is in the top 10) for Kumiai's
//! index (IPADIC morphology + bigrams), the same index with bigrams only, and SQLite FTS5 trigram,
//! overall and per kind of query. `KUMIAI_RELEVANCE_VERBOSE=1` lists each query's first hits.

#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/fts.rs"]
mod fts;

use kumiai_core::{Access, Account, OrgId, Reach, Role, Tier, UserId, Viewer};
use kumiai_search::{Analysis, Document, SearchIndex, SearchQuery};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

struct Judged {
    query: String,
    relevant: HashSet<String>,
    kind: String,
}

fn judged() -> Vec<Judged> {
    include_str!("../../../bench/relevance.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() == 3, "bench/relevance.tsv: three tab-separated columns expected in {l:?}");
            Judged { query: cols[0].to_string(), relevant: cols[1].split_whitespace().map(str::to_string).collect(), kind: cols[2].to_string() }
        })
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Score {
    recall: f64,
    rr: f64,
    n: usize,
}

impl Score {
    fn add(&mut self, ranked: &[String], relevant: &HashSet<String>) {
        let found = ranked.iter().take(10).filter(|id| relevant.contains(*id)).count();
        self.recall += found as f64 / relevant.len() as f64;
        self.rr += ranked.iter().take(10).position(|id| relevant.contains(id)).map(|p| 1.0 / (p + 1) as f64).unwrap_or(0.0);
        self.n += 1;
    }
    fn show(&self) -> String {
        format!("{:.3} / {:.3}", self.recall / self.n as f64, self.rr / self.n as f64)
    }
}

fn main() {
    let docs = corpus::load();
    let queries = judged();
    let ids: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    for j in &queries {
        for r in &j.relevant {
            assert!(ids.contains(r.as_str()), "bench/relevance.tsv: {r} (query {}) is not a document of the corpus", j.query);
        }
    }
    println!("corpus: {} documents; {} judged queries", docs.len(), queries.len());

    let work = std::env::temp_dir().join(format!("kumiai-relevance-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let dict = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp/ipadic");
    let seg = kumiai_search::dictionary::open(&dict, Path::new(kumiai_search::dictionary::DEFAULT_SOURCE)).expect("IPADIC");
    let (index, _) = SearchIndex::open(&work.join("kumiai"), seg).unwrap();
    for (i, d) in docs.iter().enumerate() {
        let access = Access { reach: Reach::Public, scope_org: None, embargo_until: None, owner_org: OrgId(1), owner_path: vec![OrgId(1)], shared_with: vec![] };
        index
            .upsert(&Document { key: i.to_string(), module: "wiki".into(), kind: "topic".into(), title: d.title.clone(), body: d.body.clone(), url: String::new(), org_id: None, year: None, updated_at: 0, access })
            .unwrap();
    }
    index.commit(1).unwrap();
    let pairs: Vec<(String, String)> = docs.iter().map(|d| (d.title.clone(), d.body.clone())).collect();
    let fts = fts::Fts::build(&work.join("fts.db"), &pairs);

    let reader = Viewer::new(Some(Account { user_id: UserId(9), login: "ent".into(), display_name: "ent".into(), org_id: OrgId(20), org_path: vec![OrgId(1), OrgId(2), OrgId(20)], tier: Tier::Enterprise, role: Role::Viewer }));
    let kumiai = |q: &str, analysis: Analysis| -> Vec<String> {
        let r = index.search(&reader, &SearchQuery { text: q.to_string(), limit: 10, analysis, ..Default::default() }, 0).unwrap();
        r.hits.iter().map(|h| docs[h.key.parse::<usize>().unwrap()].id.clone()).collect()
    };
    let systems = ["Kumiai (IPADIC + bigrams)", "bigrams only", "SQLite FTS5 trigram"];
    let mut overall = [Score::default(); 3];
    let mut by_kind: BTreeMap<String, [Score; 3]> = BTreeMap::new();
    let verbose = std::env::var_os("KUMIAI_RELEVANCE_VERBOSE").is_some();
    let titles: HashMap<&str, &str> = docs.iter().map(|d| (d.id.as_str(), d.title.as_str())).collect();
    for j in &queries {
        let ranked = [kumiai(&j.query, Analysis::Combined), kumiai(&j.query, Analysis::BigramOnly), fts.search(&j.query, 10).0.iter().map(|rowid| docs[(*rowid - 1) as usize].id.clone()).collect()];
        for (s, r) in ranked.iter().enumerate() {
            overall[s].add(r, &j.relevant);
            by_kind.entry(j.kind.clone()).or_default()[s].add(r, &j.relevant);
        }
        if verbose {
            println!("\n{} ({}) — relevant: {:?}", j.query, j.kind, j.relevant);
            for (s, r) in ranked.iter().enumerate() {
                let marks: Vec<String> = r.iter().take(5).map(|id| format!("{}{} {}", if j.relevant.contains(id) { "✓" } else { "·" }, id, titles[id.as_str()].chars().take(24).collect::<String>())).collect();
                println!("  {:<26} {}", systems[s], marks.join(" | "));
            }
        }
    }
    println!("\nrecall@10 / MRR@10 over {} queries", queries.len());
    println!("| queries | {} | {} | {} |", systems[0], systems[1], systems[2]);
    println!("|---|---|---|---|");
    println!("| all ({}) | {} | {} | {} |", queries.len(), overall[0].show(), overall[1].show(), overall[2].show());
    for (kind, s) in &by_kind {
        println!("| {kind} ({}) | {} | {} | {} |", s[0].n, s[0].show(), s[1].show(), s[2].show());
    }
    let _ = std::fs::remove_dir_all(&work);
}
