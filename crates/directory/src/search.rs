//! What the directory gives the search index: one document per organisation and per person, with
//! the record's own reach. A person's document never contains their organisation's name (that
//! organisation may be hidden from someone who may see the person); the organisation facet is
//! resolved through the reach layer at query time instead.

use crate::org::{self, store as org_store};
use crate::people::{self, store as people_store};
use kumiai_core::{Account, Role, Tier, Viewer};
use kumiai_platform::db::Db;
use kumiai_platform::reach;
use kumiai_search::{BoxFuture, Document, Source, batch_by_id};

fn all_seeing() -> Viewer {
    Viewer::new(Some(Account { user_id: 0, login: "search".into(), display_name: "search".into(), org_id: 0, org_path: vec![], tier: Tier::Hq, role: Role::Viewer }))
}

fn join(parts: &[&str]) -> String {
    parts.iter().filter(|s| !s.trim().is_empty()).copied().collect::<Vec<_>>().join("\n")
}

pub async fn organisation_document(db: &Db, id: i64) -> anyhow::Result<Option<Document>> {
    let Some(o) = org_store::get(db, id).await? else { return Ok(None) };
    if o.archived_at.is_some() {
        return Ok(None);
    }
    let access = o.access(reach::shares(db, org::ENTITY, id).await?);
    Ok(Some(Document {
        key: format!("{}:{id}", org::ENTITY),
        module: "directory".into(),
        kind: o.kind.clone(),
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

pub async fn person_document(db: &Db, id: i64) -> anyhow::Result<Option<Document>> {
    let Ok((p, access)) = people_store::load_visible(db, &all_seeing(), id, kumiai_core::time::now_ms()).await else { return Ok(None) };
    if p.archived_at.is_some() {
        return Ok(None);
    }
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

pub struct Organisations;

impl Source for Organisations {
    fn entities(&self) -> &'static [&'static str] {
        &[org::ENTITY, crate::counts::ENTITY]
    }

    fn documents<'a>(&'a self, db: &'a Db, entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move {
            // A member count's change is its organisation's.
            let org_id = if entity == crate::counts::ENTITY {
                match sqlx::query_scalar::<_, i64>("SELECT org_id FROM member_counts WHERE id = $1").bind(id).fetch_optional(&db.pool).await? {
                    Some(o) => o,
                    None => return Ok(vec![]),
                }
            } else {
                id
            };
            // A move changes the subtree's paths, not its documents: only this record is rewritten.
            Ok(vec![(format!("{}:{org_id}", org::ENTITY), organisation_document(db, org_id).await?)])
        })
    }

    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(db, "organisations", " AND archived_at IS NULL", after_id, limit, move |id| organisation_document(db, id)))
    }
}

pub struct People;

impl Source for People {
    fn entities(&self) -> &'static [&'static str] {
        &[people::ENTITY]
    }

    fn documents<'a>(&'a self, db: &'a Db, _entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move { Ok(vec![(format!("{}:{id}", people::ENTITY), person_document(db, id).await?)]) })
    }

    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(db, "people", " AND archived_at IS NULL", after_id, limit, move |id| person_document(db, id)))
    }
}

/// The directory's sources, for the app to hand to the search service.
pub fn sources() -> Vec<std::sync::Arc<dyn Source>> {
    vec![std::sync::Arc::new(Organisations), std::sync::Arc::new(People)]
}
