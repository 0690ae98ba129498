//! A person's positions over time: each position and organisation the record has held, with its
//! term, from the record's audited history (a new term or a new post is an edit of the person).
//! An organisation the reader may not see is left unnamed.

use super::{ENTITY, Person};
use crate::reference;
use kumiai_core::{Lang, OrgId, Viewer};
use kumiai_platform::Visible;
use kumiai_platform::db::Db;

/// One position held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub position: String,
    pub org: Option<(OrgId, String)>,
    /// "YYYY-MM-DD", empty when not recorded.
    pub start: String,
    pub end: String,
}

/// The positions `person` has held, newest first; the current one is the first.
pub async fn of(db: &Db, viewer: &Viewer, person: &Visible<Person>, lang: Lang, now: i64) -> sqlx::Result<Vec<Held>> {
    let entries = kumiai_platform::audit::history(db, ENTITY, person.id.get()).await?;
    // (position ja, position en, organisation, start, end) as each version had them, oldest first.
    let mut seen: Vec<(String, String, Option<i64>, String, String)> = vec![];
    let mut snapshots: Vec<serde_json::Value> = entries.iter().rev().filter_map(|e| e.after_json.as_deref()).filter_map(|s| serde_json::from_str(s).ok()).collect();
    snapshots.push(serde_json::json!({"position_ja": person.position_ja, "position_en": person.position_en, "org_id": person.org_id, "term_start": person.term_start, "term_end": person.term_end}));
    for v in snapshots {
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let held = (text("position_ja"), text("position_en"), v.get("org_id").and_then(|x| x.as_i64()), text("term_start"), text("term_end"));
        if held.0.is_empty() && held.1.is_empty() {
            continue;
        }
        // A later version of the same post (its end date filled in) replaces the earlier one.
        match seen.last_mut() {
            Some(last) if last.0 == held.0 && last.2 == held.2 && last.3 == held.3 => *last = held,
            _ => seen.push(held),
        }
    }
    let ids: Vec<OrgId> = seen.iter().filter_map(|h| h.2).map(OrgId).collect();
    let names = reference::names(db, viewer, &ids, now).await?;
    Ok(seen
        .into_iter()
        .rev()
        .map(|(ja, en, org, start, end)| Held {
            position: if lang == Lang::En && !en.is_empty() { en } else { ja },
            org: org.and_then(|id| names.iter().find(|n| n.id.get() == id)).map(|n| (n.id, n.name(lang).to_string())),
            start,
            end,
        })
        .collect())
}
