//! An edit made from an older version of a page meets what others saved since. A field only one
//! side changed is merged on its own; a field both changed, differently, is a conflict that the
//! writer settles, with their input kept. The version they started from is read back from the
//! audit log (its snapshot, and the text of its revision).

use crate::model::{ENTITY, Page, PageInput};
use crate::store;
use kumiai_core::{RevisionId, Viewer};
use kumiai_platform::db::Db;
use kumiai_platform::{AppResult, Visible, audit};

/// A field both sides changed.
pub struct Conflict {
    pub field: &'static str,
    pub label: (&'static str, &'static str),
    pub yours: String,
    pub theirs: String,
}

pub struct Merge {
    /// The writer's input with the others' changes taken in where only they changed a field.
    pub merged: PageInput,
    pub conflicts: Vec<Conflict>,
}

/// The page's fields as a form holds them, with their labels.
const FIELDS: [(&str, &str, &str); 9] = [
    ("title", "題名", "Title"),
    ("kind", "種類", "Kind"),
    ("org", "名簿の組織", "Directory organisation"),
    ("person", "名簿の人物", "Directory person"),
    ("body", "本文", "Text"),
    ("reach", "情報到達範囲", "Reach"),
    ("scope", "範囲を限定する組織", "Limited to"),
    ("embargo_until", "解禁日時", "Embargo until"),
    ("shared_with", "共有先", "Shared with"),
];

fn field<'a>(i: &'a PageInput, name: &str) -> &'a str {
    match name {
        "title" => &i.title,
        "kind" => &i.kind,
        "org" => &i.org,
        "person" => &i.person,
        "body" => &i.body,
        "reach" => &i.reach,
        "scope" => &i.scope,
        "embargo_until" => &i.embargo_until,
        _ => &i.shared_with,
    }
}

fn set(i: &mut PageInput, name: &str, v: String) {
    match name {
        "title" => i.title = v,
        "kind" => i.kind = v,
        "org" => i.org = v,
        "person" => i.person = v,
        "body" => i.body = v,
        "reach" => i.reach = v,
        "scope" => i.scope = v,
        "embargo_until" => i.embargo_until = v,
        _ => i.shared_with = v,
    }
}

/// Merges `yours` (made from `base_version`) with `page` as it is now.
pub async fn merge(db: &Db, viewer: &Viewer, page: &Visible<Page>, base_version: i64, yours: &PageInput, now: i64) -> AppResult<Merge> {
    let current = store::input_of(db, viewer, page, now).await?;
    let base = audit::snapshot_at(db, ENTITY, page.id.get(), base_version).await?;
    // What the log knows of the base: its title, kind and reach, and its text. Fields it names by
    // id (organisations) count as changed by both when they differ now.
    let base_body = match base.as_ref().and_then(|b| b.get("revision_id")).and_then(serde_json::Value::as_i64) {
        Some(rev) => store::revision(db, page, RevisionId(rev)).await?.map(|r| r.body),
        None => None,
    };
    let base_value = |name: &str| -> Option<String> {
        match name {
            "body" => base_body.clone(),
            "title" | "kind" | "reach" => base.as_ref()?.get(name)?.as_str().map(str::to_string),
            _ => None,
        }
    };
    let mut merged = yours.clone();
    let mut conflicts = vec![];
    for (name, ja, en) in FIELDS {
        let (y, c) = (field(yours, name), field(&current, name));
        if y == c {
            continue;
        }
        match base_value(name) {
            // Only the writer changed it.
            Some(b) if b == c => {}
            // Only the others changed it: theirs stands.
            Some(b) if b == y => set(&mut merged, name, c.to_string()),
            _ => conflicts.push(Conflict { field: name, label: (ja, en), yours: y.to_string(), theirs: c.to_string() }),
        }
    }
    Ok(Merge { merged, conflicts })
}
