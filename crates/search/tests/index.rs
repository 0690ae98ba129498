//! The analysers and the index against IPADIC compiled from Debian's mecab-ipadic (built once into
//! the shared test directory). Reach in the index query agrees with `can_see` on every document.

use kumiai_core::{Access, Account, OrgId, Reach, Role, Tier, UserId, Viewer, reach::can_see};
use kumiai_search::{Document, SearchIndex, SearchQuery, Sort, dictionary, tokenize::MorphTokenizer};
use std::path::PathBuf;

fn segmenter() -> std::sync::Arc<lindera::segmenter::Segmenter> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ipadic");
    let source = std::env::var("KUMIAI_IPADIC_SOURCE").unwrap_or_else(|_| dictionary::DEFAULT_SOURCE.into());
    dictionary::open(&dir, std::path::Path::new(&source)).expect("IPADIC (run scripts/setup.sh)")
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kumiai-search-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn access(reach: Reach) -> Access {
    Access { reach, scope_org: None, embargo_until: None, owner_org: OrgId(1), owner_path: vec![OrgId(1)], shared_with: vec![] }
}

fn doc(key: &str, title: &str, body: &str, access: Access) -> Document {
    Document {
        key: key.into(),
        module: "wiki".into(),
        kind: "topic".into(),
        title: title.into(),
        body: body.into(),
        url: format!("/x/{key}"),
        org_id: None,
        year: Some(2025),
        updated_at: 0,
        access,
    }
}

fn hq() -> Viewer {
    Viewer::new(Some(Account { user_id: UserId(1), login: "hq".into(), display_name: "hq".into(), org_id: OrgId(1), org_path: vec![OrgId(1)], tier: Tier::Hq, role: Role::Viewer }))
}

#[test]
fn morphology_splits_compounds() {
    let m = MorphTokenizer::new(segmenter());
    assert_eq!(m.words("労使紛争の解決"), ["労使", "紛争", "の", "解決"]);
    assert!(m.words("関西国際空港").contains(&"空港".to_string()), "{:?}", m.words("関西国際空港"));
    assert_eq!(m.words("サーバー"), ["サーバ"], "long-vowel stem");
}

#[test]
fn japanese_search_finds_words_in_context_and_ranks_titles() {
    let (idx, fresh) = SearchIndex::open(&tempdir("ja"), segmenter()).unwrap();
    assert!(fresh);
    idx.upsert(&doc("a", "タイの労使紛争", "現地法人で労使紛争が起きた。団体交渉は決裂した。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("b", "東京都の会議", "東京都で定期協議を開いた。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("c", "インドネシア", "紛争はなかった。ヴァイオリンの演奏会。ＦＳＰＭＩと協議。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("d", "Global framework agreements", "Unions negotiated agreements with companies.", access(Reach::Public))).unwrap();
    idx.commit(7).unwrap();
    assert_eq!(idx.position(), 7);
    let find = |text: &str| -> Vec<String> {
        idx.search(&hq(), &SearchQuery { text: text.into(), limit: 10, ..Default::default() }, 0).unwrap().hits.into_iter().map(|h| h.key).collect()
    };
    assert_eq!(find("紛争"), ["a", "c"], "the title match ranks first");
    assert_eq!(find("労使"), ["a"]);
    assert_eq!(find("労使紛争"), ["a"]);
    assert_eq!(find("京都"), ["b"], "bigrams still find a name inside 東京都");
    assert_eq!(find("バイオリン"), ["c"], "ヴァ folds into バ");
    assert_eq!(find("fspmi"), ["c"], "full-width letters match");
    assert_eq!(find("agreement negotiating"), ["d"], "English stems");
    assert!(find("団体交渉 決裂").contains(&"a".to_string()));
    assert!(find("存在しない語").is_empty());
    let r = idx.search(&hq(), &SearchQuery { text: "紛争".into(), limit: 10, sort: Sort::Newest, facets: true, ..Default::default() }, 0).unwrap();
    assert_eq!(r.total, 2);
    assert!(r.hits.iter().any(|h| h.snippet.contains("<b>紛争</b>")), "{:?}", r.hits);
    assert_eq!(r.facets.year, [(2025, 2)]);
    // Replacing and deleting.
    idx.upsert(&doc("a", "タイの会議", "平穏。", access(Reach::Public))).unwrap();
    idx.delete("c");
    idx.commit(8).unwrap();
    assert!(find("紛争").is_empty());
}

#[test]
fn typed_sentences_inflections_and_half_width_kana() {
    let m = MorphTokenizer::new(segmenter());
    assert_eq!(m.words("変更しました")[..2], m.words("変更する")[..], "inflected verbs are indexed by their dictionary form");
    assert_eq!(m.content_words("ファイルの所有者を変更する"), ["ファイル", "所有", "者", "変更", "する"]);
    let (idx, _) = SearchIndex::open(&tempdir("sentence"), segmenter()).unwrap();
    idx.upsert(&doc("exact", "所有者の変更", "ファイルの所有者を変更する。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("apart", "chown", "ファイルの所有者とグループを変更します。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("partial", "ファイル", "ファイルの所有者を表示する。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("copy", "cp", "ファイルをコピーする。", access(Reach::Public))).unwrap();
    idx.commit(1).unwrap();
    let find = |text: &str| -> Vec<String> {
        idx.search(&hq(), &SearchQuery { text: text.into(), limit: 10, ..Default::default() }, 0).unwrap().hits.into_iter().map(|h| h.key).collect()
    };
    // Not a substring of "apart", yet all its content words are there, in another inflection;
    // "partial" lacks 変更. The exact phrase ranks first.
    assert_eq!(find("ファイルの所有者を変更する"), ["exact", "apart"]);
    assert_eq!(find("所有者を変更した"), ["exact", "apart"]);
    assert_eq!(find("ｺﾋﾟｰ"), ["copy"], "half-width kana with voiced marks");
    // The bigram-only baseline of the relevance benchmark keeps to exact substrings.
    let bigrams = idx.search(&hq(), &SearchQuery { text: "ファイルの所有者を変更する".into(), limit: 10, analysis: kumiai_search::Analysis::BigramOnly, ..Default::default() }, 0).unwrap();
    assert_eq!(bigrams.hits.iter().map(|h| h.key.as_str()).collect::<Vec<_>>(), ["exact"]);
}

#[test]
fn reach_in_the_query_agrees_with_can_see() {
    let (idx, _) = SearchIndex::open(&tempdir("reach"), segmenter()).unwrap();
    let now = 1_000_000;
    // Orgs: 1 HQ, 2 JAW (under 1), 3 DENKI (under 1), 20 under 2, 90 a partner.
    let mut all = vec![];
    let mut n = 0;
    for reach in Reach::ALL {
        for scope in [None, Some(2), Some(3), Some(20)] {
            for embargo in [None, Some(now + 1), Some(now - 1)] {
                for (owner, path, shared) in [(1, vec![1], vec![]), (20, vec![1, 2, 20], vec![]), (3, vec![1, 3], vec![90])] {
                    n += 1;
                    let ids = |v: Vec<i64>| v.into_iter().map(OrgId).collect::<Vec<_>>();
                    let a = Access { reach, scope_org: scope.map(OrgId), embargo_until: embargo, owner_org: OrgId(owner), owner_path: ids(path), shared_with: ids(shared) };
                    idx.upsert(&doc(&format!("k{n:03}"), "共通の題", "本文", a.clone())).unwrap();
                    all.push((format!("k{n:03}"), a));
                }
            }
        }
    }
    idx.commit(1).unwrap();
    let acct = |org: i64, path: Vec<i64>, tier: Tier| {
        Viewer::new(Some(Account { user_id: UserId(9), login: "v".into(), display_name: "v".into(), org_id: OrgId(org), org_path: path.into_iter().map(OrgId).collect(), tier, role: Role::Viewer }))
    };
    for v in [Viewer::anonymous(), Viewer::system(), hq(), acct(2, vec![1, 2], Tier::Industrial), acct(3, vec![1, 3], Tier::Industrial), acct(20, vec![1, 2, 20], Tier::Enterprise), acct(90, vec![90], Tier::Partner)] {
        let by_index = idx.visible_keys(&v, now).unwrap();
        let mut by_rule: Vec<String> = all.iter().filter(|(_, a)| can_see(&v, a, now)).map(|(k, _)| k.clone()).collect();
        by_rule.sort();
        assert_eq!(by_index, by_rule, "{:?}", v.account().map(|a| a.org_id));
        // Each hit carries the access it was indexed with, so it is checked against can_see again.
        let r = idx.search(&v, &SearchQuery { text: "共通".into(), limit: 100, ..Default::default() }, now).unwrap();
        let expected: std::collections::HashMap<&str, &Access> = all.iter().map(|(k, a)| (k.as_str(), a)).collect();
        for h in &r.hits {
            let a = expected[h.key.as_str()];
            assert_eq!((h.access.reach, h.access.scope_org, h.access.embargo_until, h.access.owner_org, &h.access.shared_with), (a.reach, a.scope_org, a.embargo_until, a.owner_org, &a.shared_with));
            assert!(can_see(&v, &h.access, now));
        }
        // Counts come from the same filtered query, whether or not facets are counted in the same pass.
        for facets in [false, true] {
            let r = idx.search(&v, &SearchQuery { text: "共通".into(), limit: 5, facets, ..Default::default() }, now).unwrap();
            assert_eq!(r.total, by_rule.len(), "facets={facets}");
            if facets {
                assert_eq!(r.facets.module.iter().map(|m| m.1 as usize).sum::<usize>(), by_rule.len());
            }
        }
    }
}

#[test]
fn facets_keep_their_names_after_a_restart() {
    let dir = tempdir("restart");
    {
        let (idx, _) = SearchIndex::open(&dir, segmenter()).unwrap();
        idx.upsert(&doc("a", "タイの労使紛争", "団体交渉は決裂した。", access(Reach::Public))).unwrap();
        idx.commit(1).unwrap();
    }
    // A new process opens the index it left: nothing is indexed again.
    let (idx, fresh) = SearchIndex::open(&dir, segmenter()).unwrap();
    assert!(!fresh);
    let r = idx.search(&hq(), &SearchQuery { text: "紛争".into(), limit: 10, facets: true, ..Default::default() }, 0).unwrap();
    assert_eq!(r.facets.kind, [("topic".to_string(), 1)]);
    assert_eq!(r.facets.module, [("wiki".to_string(), 1)]);
    // Filtering by the name a facet shows finds the documents.
    let r = idx.search(&hq(), &SearchQuery { text: "紛争".into(), limit: 10, kind: Some("topic".into()), ..Default::default() }, 0).unwrap();
    assert_eq!(r.total, 1);
}

#[test]
fn one_character_finds_it_inside_words_below_whole_words() {
    let (idx, _) = SearchIndex::open(&tempdir("kanji"), segmenter()).unwrap();
    idx.upsert(&doc("a", "球面の幾何", "球面と球体を扱う。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("b", "台風の目", "風が強い。", access(Reach::Public))).unwrap();
    idx.upsert(&doc("c", "投げる", "球を投げる。", access(Reach::Public))).unwrap();
    idx.commit(1).unwrap();
    let keys = |text: &str| -> Vec<String> { idx.search(&hq(), &SearchQuery { text: text.into(), limit: 10, ..Default::default() }, 0).unwrap().hits.into_iter().map(|h| h.key).collect() };
    assert_eq!(keys("球"), ["c", "a"], "the whole word first, then inside words");
    assert_eq!(keys("風"), ["b"]);
    assert_eq!(keys("球面"), ["a"], "two characters are a bigram as before");
    assert!(keys("渦").is_empty());
}
