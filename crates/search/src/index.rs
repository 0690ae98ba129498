//! The platform's one full-text index (tantivy). Every document carries its record's `Access`, and
//! every search runs with the reader's reach as part of the query itself, so hits, counts, facets
//! and snippets only ever come from documents the reader may see.

use crate::normalize::is_cjk;
use crate::tokenize::{BigramTokenizer, MorphTokenizer};
use kumiai_core::{Access, OrgId, Reach, Viewer};
use kumiai_platform::reach::{IndexReach, index_reach};
use lindera::segmenter::Segmenter;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentReader, TantivyDocument, Term};

/// Bumped when the schema or the analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: &str = "kumiai-search-4";

/// The writer's memory budget, per what it does.
#[derive(Clone, Copy, Debug)]
pub enum Writing {
    /// A rebuild: 50 MB, so fewer and larger segments.
    Build,
    /// Following changes: tantivy's minimum, 15 MB. tantivy sizes each new segment's term table
    /// from the budget, and the follower starts a segment with every commit (up to twice a
    /// second): at 50 MB that was a 12 MB table made and dropped each time, memory the allocator
    /// kept (docs/benchmarks.md, "Memory after load").
    Follow,
}

impl Writing {
    fn bytes(self) -> usize {
        match self {
            Writing::Build => 50_000_000,
            Writing::Follow => 15_000_000,
        }
    }
}

pub use kumiai_platform::search::Document;

/// The order of hits. Query strings say `relevance`, `newest` or nothing (relevance).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    #[serde(alias = "")]
    Relevance,
    Newest,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
        }
    }
}

/// Which analyses a query uses. Only `Combined` is offered to users; `BigramOnly` exists so the
/// relevance benchmark can measure what the morphological analysis adds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Analysis {
    #[default]
    Combined,
    BigramOnly,
}

#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    pub text: String,
    pub module: Option<String>,
    pub kind: Option<String>,
    pub org_id: Option<i64>,
    pub year: Option<i64>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Count facets (the search page and API do; title suggestions do not).
    pub facets: bool,
    pub analysis: Analysis,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub key: String,
    pub module: String,
    pub kind: String,
    pub title: String,
    pub url: String,
    /// HTML with `<b>` around matches; the text is escaped.
    pub snippet: String,
    pub updated_at: i64,
    pub score: f32,
    /// The document's access, read back from the index, so the hit is checked against `can_see`
    /// again before anyone is shown it.
    #[serde(skip)]
    pub access: Access,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Facets {
    pub module: Vec<(String, u64)>,
    pub kind: Vec<(String, u64)>,
    pub org_id: Vec<(i64, u64)>,
    pub year: Vec<(i64, u64)>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    module: Field,
    kind: Field,
    module_code: Field,
    kind_code: Field,
    title: Field,
    body: Field,
    title_ja: Field,
    body_ja: Field,
    title_en: Field,
    body_en: Field,
    url: Field,
    org_id: Field,
    year: Field,
    updated_at: Field,
    reach: Field,
    scope_org: Field,
    embargo_until: Field,
    owner_org: Field,
    shared_with: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let f = Fields {
        key: b.add_text_field("key", STRING | STORED),
        module: b.add_text_field("module", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        module_code: b.add_i64_field("module_code", FAST),
        kind_code: b.add_i64_field("kind_code", FAST),
        // Bigram fields are stored: they give snippets whose highlights are exact substrings.
        title: b.add_text_field("title", text("ja_bigram", true)),
        body: b.add_text_field("body", text("ja_bigram", true)),
        title_ja: b.add_text_field("title_ja", text("ja", false)),
        body_ja: b.add_text_field("body_ja", text("ja", false)),
        title_en: b.add_text_field("title_en", text("en_stem", false)),
        body_en: b.add_text_field("body_en", text("en_stem", false)),
        url: b.add_text_field("url", STORED),
        org_id: b.add_i64_field("org_id", INDEXED | FAST | STORED),
        year: b.add_i64_field("year", INDEXED | FAST | STORED),
        updated_at: b.add_i64_field("updated_at", FAST | STORED),
        // Stored as well as indexed: each hit's access is checked again when it is admitted.
        reach: b.add_text_field("reach", STRING | STORED),
        scope_org: b.add_i64_field("scope_org", INDEXED | STORED),
        embargo_until: b.add_i64_field("embargo_until", INDEXED | FAST | STORED),
        owner_org: b.add_i64_field("owner_org", INDEXED | STORED),
        shared_with: b.add_i64_field("shared_with", INDEXED | STORED),
    };
    (b.build(), f)
}

/// Facet code → name for the modules and kinds already in the index (from the fields' terms), so
/// that facets read as names after a restart too, not as codes.
fn stored_names(reader: &IndexReader, fields: &[Field]) -> anyhow::Result<HashMap<i64, String>> {
    let mut names = HashMap::new();
    for segment in reader.searcher().segment_readers() {
        for field in fields {
            let inverted = segment.inverted_index(*field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                if let Ok(name) = std::str::from_utf8(terms.key()) {
                    names.insert(code(name), name.to_string());
                }
            }
        }
    }
    Ok(names)
}

/// A stable small code for a facet string (module or kind), for the fast columns.
fn code(s: &str) -> i64 {
    // FNV-1a, folded to 62 bits: stable across runs and versions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 2) as i64
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    morph: MorphTokenizer,
    /// Facet code → name, for every module and kind ever indexed by this process.
    names: Mutex<HashMap<i64, String>>,
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates it. Returns whether it was (re)created empty, in which
    /// case the caller rebuilds it from the database.
    pub fn open(dir: &Path, segmenter: Arc<Segmenter>) -> anyhow::Result<(SearchIndex, bool)> {
        let (schema, fields) = schema();
        let version_file = dir.join("kumiai-version");
        let current = std::fs::read_to_string(&version_file).ok().as_deref() == Some(SCHEMA_VERSION);
        let (index, fresh) = if current {
            match Index::open_in_dir(dir) {
                Ok(i) => (i, false),
                Err(_) => (Self::create(dir, &schema)?, true),
            }
        } else {
            (Self::create(dir, &schema)?, true)
        };
        std::fs::write(&version_file, SCHEMA_VERSION)?;
        let morph = MorphTokenizer::new(segmenter);
        index.tokenizers().register("ja", morph.clone());
        index.tokenizers().register("ja_bigram", BigramTokenizer);
        index.tokenizers().register(
            "en_stem",
            TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).filter(Stemmer::default()).build(),
        );
        let writer = index.writer_with_num_threads(1, Writing::Follow.bytes())?;
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let names = Mutex::new(stored_names(&reader, &[fields.module, fields.kind])?);
        Ok((SearchIndex { index, reader, writer: Mutex::new(Some(writer)), fields, morph, names }, fresh))
    }

    fn create(dir: &Path, schema: &Schema) -> anyhow::Result<Index> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        Ok(Index::create_in_dir(dir, schema.clone())?)
    }

    /// The audit position the index has caught up to (saved with each commit).
    pub fn position(&self) -> i64 {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    fn to_tantivy(&self, d: &Document) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &d.key);
        doc.add_text(f.module, &d.module);
        doc.add_text(f.kind, &d.kind);
        doc.add_i64(f.module_code, code(&d.module));
        doc.add_i64(f.kind_code, code(&d.kind));
        for (a, b, c) in [(f.title, f.title_ja, f.title_en), (f.body, f.body_ja, f.body_en)] {
            let t = if a == f.title { &d.title } else { &d.body };
            doc.add_text(a, t);
            doc.add_text(b, t);
            doc.add_text(c, t);
        }
        doc.add_text(f.url, &d.url);
        doc.add_i64(f.org_id, d.org_id.map(OrgId::get).unwrap_or(0));
        doc.add_i64(f.year, d.year.unwrap_or(0));
        doc.add_i64(f.updated_at, d.updated_at);
        doc.add_text(f.reach, d.access.reach.as_str());
        doc.add_i64(f.scope_org, d.access.scope_org.map(OrgId::get).unwrap_or(0));
        doc.add_i64(f.embargo_until, d.access.embargo_until.unwrap_or(i64::MIN));
        doc.add_i64(f.owner_org, d.access.owner_org.get());
        for o in &d.access.shared_with {
            doc.add_i64(f.shared_with, o.get());
        }
        let mut names = self.names.lock().unwrap();
        names.insert(code(&d.module), d.module.clone());
        names.insert(code(&d.kind), d.kind.clone());
        doc
    }

    /// Replaces (or adds) a document. Visible to searches after the next [`commit`](Self::commit).
    pub fn upsert(&self, d: &Document) -> anyhow::Result<()> {
        let doc = self.to_tantivy(d);
        self.with_writer(|w| {
            w.delete_term(Term::from_field_text(self.fields.key, &d.key));
            w.add_document(doc)?;
            Ok(())
        })
    }

    pub fn delete(&self, key: &str) {
        self.with_writer(|w| w.delete_term(Term::from_field_text(self.fields.key, key)));
    }

    pub fn clear(&self) -> anyhow::Result<()> {
        self.with_writer(|w| w.delete_all_documents())?;
        Ok(())
    }

    /// Makes changes visible and records the audit position they reflect.
    pub fn commit(&self, position: i64) -> anyhow::Result<()> {
        self.with_writer(|w| -> anyhow::Result<()> {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&position.to_string());
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Starts a new writer for `writing`: the old one waits for its merges and takes the memory it
    /// indexed with along when it goes.
    pub fn renew_writer(&self, writing: Writing) -> anyhow::Result<()> {
        let mut slot = self.writer.lock().unwrap();
        if let Some(old) = slot.take() {
            old.wait_merging_threads()?;
        }
        *slot = Some(self.index.writer_with_num_threads(1, writing.bytes())?);
        Ok(())
    }

    /// Runs `f` with the writer (there is always one outside `renew_writer`).
    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> T) -> T {
        let mut slot = self.writer.lock().unwrap();
        f(slot.as_mut().expect("the index has a writer"))
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The reader's reach as a query: documents it may see (the SQL filter's twin; a test runs both).
    pub fn reach_filter(&self, viewer: &Viewer, now_ms: i64) -> Box<dyn Query> {
        let f = self.fields;
        let term_i = |field: Field, v: i64| -> Box<dyn Query> { Box::new(TermQuery::new(Term::from_field_i64(field, v), IndexRecordOption::Basic)) };
        let reach = |r: Reach| -> Box<dyn Query> { Box::new(TermQuery::new(Term::from_field_text(f.reach, r.as_str()), IndexRecordOption::Basic)) };
        let lifted: Box<dyn Query> = Box::new(RangeQuery::new(Bound::Unbounded, Bound::Included(Term::from_field_i64(f.embargo_until, kumiai_core::reach::embargo_clock(now_ms)))));
        let all = |qs: Vec<Box<dyn Query>>| -> Box<dyn Query> { Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Must, q)).collect())) };
        let any = |qs: Vec<Box<dyn Query>>| -> Box<dyn Query> { Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Should, q)).collect())) };
        match index_reach(viewer) {
            IndexReach::Everything => Box::new(AllQuery),
            IndexReach::Public => all(vec![reach(Reach::Public), term_i(f.scope_org, 0), lifted]),
            IndexReach::Member { org, reaches, path } => {
                let mut scopes = vec![term_i(f.scope_org, 0)];
                scopes.extend(path.iter().map(|o| term_i(f.scope_org, o.get())));
                let by_reach = all(vec![any(reaches.iter().map(|r| reach(*r)).collect()), any(scopes)]);
                any(vec![term_i(f.owner_org, org.get()), all(vec![lifted, any(vec![term_i(f.shared_with, org.get()), by_reach])])])
            }
        }
    }

    /// For each whitespace-separated word: a phrase in any of the analysed fields (morphological
    /// weighted highest, then bigrams, then English stems), or, when the word is a compound or a
    /// typed sentence (ファイルの所有者を変更する), all its content words anywhere in the document,
    /// which ranks below the exact phrase. All words must match.
    fn text_query(&self, text: &str, analysis: Analysis) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut musts: Vec<(Occur, Box<dyn Query>)> = vec![];
        for typed in text.split_whitespace() {
            let mut shoulds: Vec<(Occur, Box<dyn Query>)> = vec![];
            // The word as typed, and with a short form written out (労組 → 労働組合) or back.
            for spelling in kumiai_platform::text::spellings(typed) {
                let word = spelling.as_str();
                let mut add = |field: Field, tokens: Vec<String>, boost: f32| {
                    let terms: Vec<Term> = tokens.iter().map(|t| Term::from_field_text(field, t)).collect();
                    let q: Box<dyn Query> = match terms.len() {
                        0 => return,
                        1 => Box::new(TermQuery::new(terms[0].clone(), IndexRecordOption::WithFreqs)),
                        _ => Box::new(PhraseQuery::new(terms)),
                    };
                    shoulds.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
                };
                let morph = self.morph.words(word);
                let bi = BigramTokenizer::words(word);
                let en: Vec<String> = {
                    let mut a = self.index.tokenizers().get("en_stem").expect("registered");
                    let mut s = a.token_stream(word);
                    let mut v = vec![];
                    while s.advance() {
                        v.push(s.token().text.clone());
                    }
                    v
                };
                let combined = analysis == Analysis::Combined;
                if combined {
                    add(f.title_ja, morph.clone(), 6.0);
                    add(f.body_ja, morph, 3.0);
                }
                add(f.title, bi.clone(), 2.0);
                add(f.body, bi, 1.0);
                if combined && !word.chars().any(is_cjk) {
                    add(f.title_en, en.clone(), 2.0);
                    add(f.body_en, en, 1.0);
                }
                let content = if combined { self.morph.content_words(word) } else { vec![] };
                if content.len() >= 2 {
                    let each: Vec<(Occur, Box<dyn Query>)> = content.iter().map(|w| (Occur::Must, self.content_word_query(w))).collect();
                    shoulds.push((Occur::Should, Box::new(BooleanQuery::new(each))));
                }
            }
            if shoulds.is_empty() {
                continue;
            }
            musts.push((Occur::Must, Box::new(BooleanQuery::new(shoulds))));
        }
        (!musts.is_empty()).then(|| Box::new(BooleanQuery::new(musts)) as Box<dyn Query>)
    }

    /// One content word of a sentence query, as a morpheme in the title or body; weighted well
    /// below a whole-phrase match. (Term lookups only: a bigram phrase per word here doubled the
    /// p99 latency at 100,000 pages for no measured gain in recall.)
    fn content_word_query(&self, word: &str) -> Box<dyn Query> {
        let f = self.fields;
        let term = |field: Field, boost: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs)), boost)))
        };
        Box::new(BooleanQuery::new(vec![term(f.title_ja, 1.5), term(f.body_ja, 0.75)]))
    }

    pub fn search(&self, viewer: &Viewer, q: &SearchQuery, now_ms: i64) -> anyhow::Result<Results> {
        let f = self.fields;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(ConstScoreQuery::new(self.reach_filter(viewer, now_ms), 0.0)))];
        match self.text_query(&q.text, q.analysis) {
            Some(t) => parts.push((Occur::Must, t)),
            None => return Ok(Results::default()),
        }
        let mut narrowed = parts.iter().map(|(o, q)| (*o, q.box_clone())).collect::<Vec<_>>();
        let filter = |field: Field, v: &str| -> Box<dyn Query> { Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) };
        if let Some(m) = &q.module {
            narrowed.push((Occur::Must, filter(f.module, m)));
        }
        if let Some(k) = &q.kind {
            narrowed.push((Occur::Must, filter(f.kind, k)));
        }
        if let Some(o) = q.org_id {
            narrowed.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_i64(f.org_id, o), IndexRecordOption::Basic))));
        }
        if let Some(y) = q.year {
            narrowed.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_i64(f.year, y), IndexRecordOption::Basic))));
        }
        let query = BooleanQuery::new(narrowed);
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 100);
        let unfiltered = q.module.is_none() && q.kind.is_none() && q.org_id.is_none() && q.year.is_none();
        let top = TopDocs::with_limit(limit).and_offset(q.offset);
        // One pass over the matches: hits with the total, or, when no facet is chosen, hits with the
        // facet counts (whose module counts add up to the total, every document having a module).
        let (addresses, total, facets): (Vec<(f32, DocAddress)>, usize, FacetCounts) = match (q.sort, q.facets && unfiltered) {
            (Sort::Relevance, true) => {
                let (docs, fc) = searcher.search(&query, &(top.order_by_score(), FacetCollector))?;
                let n = fc.module.values().sum::<u64>() as usize;
                (docs, n, fc)
            }
            (Sort::Newest, true) => {
                let (docs, fc) = searcher.search(&query, &(top.order_by_fast_field::<i64>("updated_at", Order::Desc), FacetCollector))?;
                let n = fc.module.values().sum::<u64>() as usize;
                (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), n, fc)
            }
            (sort, with_facets) => {
                let (docs, n) = match sort {
                    Sort::Relevance => searcher.search(&query, &(top.order_by_score(), Count))?,
                    Sort::Newest => {
                        let (d, n) = searcher.search(&query, &(top.order_by_fast_field::<i64>("updated_at", Order::Desc), Count))?;
                        (d.into_iter().map(|(_, a)| (0.0, a)).collect(), n)
                    }
                };
                // Facets count the reader's matches before the facet filters, so each choice shows its size.
                let fc = if with_facets { searcher.search(&BooleanQuery::new(parts), &FacetCollector)? } else { FacetCounts::default() };
                (docs, n, fc)
            }
        };
        let mut snippets = SnippetGenerator::create(&searcher, &query, f.body)?;
        snippets.set_max_num_chars(160);
        let mut hits = vec![];
        for (score, addr) in addresses {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let s = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            // Snippets come from the first 16 KB: highlighting tokenizes the text, and a long page
            // would otherwise cost more than the search itself.
            let mut head = TantivyDocument::default();
            let body = s(f.body);
            let cut = body.char_indices().nth(16_000).map(|(i, _)| i).unwrap_or(body.len());
            head.add_text(f.body, &body[..cut]);
            let snippet = snippets.snippet_from_doc(&head);
            let html = if snippet.fragment().is_empty() { kumiai_platform::text::escape_html(&s(f.body).chars().take(160).collect::<String>()) } else { snippet.to_html() };
            let int = |field: Field| doc.get_first(field).and_then(|v| v.as_i64());
            let access = Access {
                // An unreadable reach is taken as the narrowest.
                reach: Reach::parse(&s(f.reach)).unwrap_or(Reach::Hq),
                scope_org: int(f.scope_org).filter(|o| *o != 0).map(OrgId),
                embargo_until: int(f.embargo_until).filter(|t| *t != i64::MIN),
                owner_org: OrgId(int(f.owner_org).unwrap_or(0)),
                owner_path: vec![],
                shared_with: doc.get_all(f.shared_with).filter_map(|v| v.as_i64()).map(OrgId).collect(),
            };
            hits.push(Hit {
                key: s(f.key),
                module: s(f.module),
                kind: s(f.kind),
                title: s(f.title),
                url: s(f.url),
                snippet: html,
                updated_at: int(f.updated_at).unwrap_or(0),
                score,
                access,
            });
        }
        let names = self.names.lock().unwrap();
        let name = |c: &i64| names.get(c).cloned().unwrap_or_else(|| c.to_string());
        let sorted = |m: HashMap<i64, u64>| {
            let mut v: Vec<(i64, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        };
        Ok(Results {
            total,
            hits,
            facets: Facets {
                module: sorted(facets.module).iter().map(|(c, n)| (name(c), *n)).collect(),
                kind: sorted(facets.kind).iter().map(|(c, n)| (name(c), *n)).collect(),
                org_id: sorted(facets.org).into_iter().filter(|(o, _)| *o != 0).take(20).collect(),
                year: sorted(facets.year).into_iter().filter(|(y, _)| *y != 0).collect(),
            },
        })
    }

    /// Keys of the documents `viewer` may see among all (for the agreement test with `can_see`).
    pub fn visible_keys(&self, viewer: &Viewer, now_ms: i64) -> anyhow::Result<Vec<String>> {
        let searcher = self.reader.searcher();
        let q = self.reach_filter(viewer, now_ms);
        let docs = searcher.search(&q, &TopDocs::with_limit(1_000_000).order_by_score())?;
        let mut keys = vec![];
        for (_, a) in docs {
            let d: TantivyDocument = searcher.doc(a)?;
            keys.push(d.get_first(self.fields.key).and_then(|v| v.as_str()).unwrap_or_default().to_string());
        }
        keys.sort();
        Ok(keys)
    }
}

#[derive(Default)]
struct FacetCounts {
    module: HashMap<i64, u64>,
    kind: HashMap<i64, u64>,
    org: HashMap<i64, u64>,
    year: HashMap<i64, u64>,
}

struct FacetCollector;

struct FacetSegment {
    columns: [tantivy::columnar::Column<i64>; 4],
    counts: FacetCounts,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegment;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let ff = segment.fast_fields();
        Ok(FacetSegment { columns: [ff.i64("module_code")?, ff.i64("kind_code")?, ff.i64("org_id")?, ff.i64("year")?], counts: FacetCounts::default() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut out = FacetCounts::default();
        for f in fruits {
            for (target, src) in [(&mut out.module, f.module), (&mut out.kind, f.kind), (&mut out.org, f.org), (&mut out.year, f.year)] {
                for (k, v) in src {
                    *target.entry(k).or_default() += v;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        let c = &mut self.counts;
        for (col, map) in self.columns.iter().zip([&mut c.module, &mut c.kind, &mut c.org, &mut c.year]) {
            if let Some(v) = col.first(doc) {
                *map.entry(v).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        self.counts
    }
}
