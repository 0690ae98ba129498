//! Choosing organisations and people by name: the suggestions behind every organisation and
//! person field. Words in any order and the short form 労組 find a union; what the reader may not
//! see is neither suggested nor named when its code is asked for.

use crate::common::TestApp;

on_both_backends!(pickers_suggest_by_name_within_reach);

async fn pickers_suggest_by_name_within_reach(app: &TestApp) {
    let (hidden_id, hidden_code) = app.org_where("o.code = 'E00014'").await;
    let hidden_name: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE id = $1").bind(hidden_id).fetch_one(&app.db.pool).await.unwrap();
    let (_, visible_name): (i64, String) = sqlx::query_as("SELECT id, name_ja FROM organisations WHERE code = 'E00001'").fetch_one(&app.db.pool).await.unwrap();

    let mut hq = app.login("hq-viewer").await;
    let labels = |v: serde_json::Value| -> Vec<(String, String)> { v.as_array().unwrap().iter().map(|c| (c["value"].as_str().unwrap().to_string(), c["label"].as_str().unwrap().to_string())).collect() };
    // A name's words in another order, with the short form of 労働組合.
    let words: Vec<&str> = visible_name.split("労働組合").collect();
    let query = format!("{} 労組", words[0]);
    let found = labels(hq.get(&format!("/pick/organisations?q={}", kumiai_platform::text::percent_encode(&query))).await.json());
    assert!(found.iter().any(|(code, name)| code == "E00001" && *name == visible_name), "{query}: {found:?}");
    assert!(found.len() <= 12);
    let named = labels(hq.get(&format!("/pick/organisations?codes=E00001,{hidden_code}")).await.json());
    assert_eq!(named.len(), 2, "the head office sees both: {named:?}");

    // An enterprise union's officer: the hidden organisation is neither suggested nor named.
    let mut ent = app.login("ent-viewer").await;
    let found = labels(ent.get(&format!("/pick/organisations?q={}", kumiai_platform::text::percent_encode(&hidden_name))).await.json());
    assert!(found.iter().all(|(code, _)| *code != hidden_code), "{found:?}");
    let named = labels(ent.get(&format!("/pick/organisations?codes=E00001,{hidden_code}")).await.json());
    assert_eq!(named.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), ["E00001"], "a hidden code is not named");
    // English readers get English names.
    let en = hq.get_lang("/pick/organisations?q=JAW", "en").await.json();
    assert!(en.as_array().unwrap().iter().any(|c| c["label"].as_str().unwrap().contains("Automobile")), "{en}");

    // People by name; the form sends the id.
    let (pid, kanji): (i64, String) = sqlx::query_as("SELECT id, name_kanji FROM people WHERE reach = 'public' ORDER BY id LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    let family = kanji.split_whitespace().next().unwrap().to_string();
    let people = labels(hq.get(&format!("/directory/pick/people?q={}", kumiai_platform::text::percent_encode(&family))).await.json());
    assert!(people.iter().any(|(id, name)| *id == pid.to_string() && *name == kanji), "{people:?}");
    let named = labels(hq.get(&format!("/directory/pick/people?codes={pid}")).await.json());
    assert_eq!(named, [(pid.to_string(), kanji.clone())]);
    let mut anon = app.visitor().await;
    let (secret, secret_name): (i64, String) = sqlx::query_as("SELECT id, name_kanji FROM people WHERE reach = 'hq' ORDER BY id LIMIT 1").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(anon.get(&format!("/directory/pick/people?codes={secret}")).await.json(), serde_json::json!([]));
    let found = anon.get(&format!("/directory/pick/people?q={}", kumiai_platform::text::percent_encode(&secret_name))).await.json();
    assert!(found.as_array().unwrap().iter().all(|c| c["value"] != secret.to_string()), "{found}");
}
