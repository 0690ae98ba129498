//! What the directory gives the search index: one document per organisation and per person, with
//! the record's own reach. A person's document never contains their organisation's name (that
//! organisation may be hidden from someone who may see the person); the organisation facet is
//! resolved through the reach layer at query time instead.

use crate::counts::{self, MemberCount};
use crate::org::{self, Organisation, store as org_store};
use crate::people::{self, store as people_store};
use kumiai_core::{Lang, OrgId, OrgKind, PersonId};
use kumiai_platform::db::Db;
use kumiai_platform::reach;
use kumiai_platform::record::fetch;
use kumiai_platform::search::{BoxFuture, Document, Source, batch_by_id};
use kumiai_platform::{Reachable, Record};
use std::sync::Arc;

fn join(parts: &[&str]) -> String {
    parts.iter().filter(|s| !s.trim().is_empty()).copied().collect::<Vec<_>>().join("\n")
}

pub async fn organisation_document(db: &Db, id: OrgId) -> anyhow::Result<Option<Document>> {
    let Some(o) = org_store::get(db, id).await? else { return Ok(None) };
    if o.archived_at.is_some() {
        return Ok(None);
    }
    let access = o.access(reach::shares(db, org::ENTITY, id.get()).await?);
    Ok(Some(Document {
        key: format!("{}:{id}", org::ENTITY),
        module: "directory".into(),
        kind: o.kind.as_str().into(),
        title: o.name_ja.clone(),
        body: join(&[&o.name_kana, &o.name_en, &o.code, &o.country, &o.note]),
        url: format!("/directory/organisations/{id}"),
        // Faceted under the organisation it belongs to (an enterprise union under its industrial
        // union, a site under its company); the facet's name is checked against reach at query time.
        org_id: o.parent_id.or(o.company_id),
        year: None,
        updated_at: o.updated_at,
        access,
    }))
}

pub async fn person_document(db: &Db, id: PersonId) -> anyhow::Result<Option<Document>> {
    let Some(p) = people_store::get(db, id).await? else { return Ok(None) };
    if p.archived_at.is_some() {
        return Ok(None);
    }
    let access = p.access(reach::shares(db, people::ENTITY, id.get()).await?);
    Ok(Some(Document {
        key: format!("{}:{id}", people::ENTITY),
        module: "directory".into(),
        kind: "person".into(),
        title: p.name_kanji.clone(),
        body: join(&[&p.name_kana, &p.name_latin, &p.position_ja, &p.position_en, &p.note]),
        url: format!("/directory/people/{id}"),
        org_id: Some(p.org_id),
        year: None,
        updated_at: p.updated_at,
        access,
    }))
}

fn label(kind: &str, lang: Lang) -> Option<String> {
    match (OrgKind::parse(kind), kind) {
        (Some(k), _) => Some(k.label(lang).to_string()),
        (None, "person") => Some(lang.t("人物", "Person").to_string()),
        _ => None,
    }
}

pub struct Organisations;

impl Source for Organisations {
    fn module(&self) -> &'static str {
        "directory"
    }
    fn module_label(&self, lang: Lang) -> &'static str {
        lang.t("組織・人物", "Directory")
    }
    fn kind_label(&self, kind: &str, lang: Lang) -> Option<String> {
        label(kind, lang)
    }
    fn entities(&self) -> &'static [&'static str] {
        &[org::ENTITY, counts::ENTITY]
    }

    fn documents<'a>(&'a self, db: &'a Db, entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move {
            // A member count's change is its organisation's.
            let org_id = if entity == counts::ENTITY {
                match fetch::<MemberCount>(db, id, &crate::Key(())).await? {
                    Some(c) => c.org_id,
                    None => return Ok(vec![]),
                }
            } else {
                OrgId(id)
            };
            // A move changes the subtree's paths, not its documents: only this record is rewritten.
            Ok(vec![(format!("{}:{org_id}", org::ENTITY), organisation_document(db, org_id).await?)])
        })
    }

    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(db, Organisation::TABLE, " AND archived_at IS NULL", after_id, limit, move |id| organisation_document(db, OrgId(id))))
    }
}

pub struct People;

impl Source for People {
    fn module(&self) -> &'static str {
        "directory"
    }
    fn module_label(&self, lang: Lang) -> &'static str {
        lang.t("組織・人物", "Directory")
    }
    fn kind_label(&self, kind: &str, lang: Lang) -> Option<String> {
        label(kind, lang)
    }
    fn entities(&self) -> &'static [&'static str] {
        &[people::ENTITY]
    }

    fn documents<'a>(&'a self, db: &'a Db, _entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move { Ok(vec![(format!("{}:{id}", people::ENTITY), person_document(db, PersonId(id)).await?)]) })
    }

    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(db, people::Person::TABLE, " AND archived_at IS NULL", after_id, limit, move |id| person_document(db, PersonId(id))))
    }
}

/// The directory's sources.
pub fn sources() -> Vec<Arc<dyn Source>> {
    vec![Arc::new(Organisations), Arc::new(People)]
}
