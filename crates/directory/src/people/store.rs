//! People storage. Like organisations: reads filter through the reach layer, writes go through the
//! audited, versioned path. The organisation's name is shown only if the reader may see it.

use super::{CheckedPerson, ENTITY, Person, PersonInput, check_fields};
use crate::org::{self, store::ref_map};
use kumiai_core::{Access, Role, Viewer};
use kumiai_platform::audit::{self, Actor, UpdateError, Val};
use kumiai_platform::db::{Db, Total, Tx, bind_all, count_capped, like_pattern};
use kumiai_platform::reach::{self, can_edit, can_see, visible_sql};
use kumiai_platform::{AppError, AppResult, FieldError};
use sqlx::AssertSqlSafe;

fn select(viewer: &Viewer, now: i64) -> String {
    let org_vis = visible_sql(viewer, "o", org::ENTITY, now);
    format!(
        "SELECT x.id, x.org_id, x.name_kanji, x.name_kana, x.name_latin, x.gender, x.position_ja, x.position_en, x.term_start, x.term_end, \
         x.email, x.note, x.reach, x.scope_org_id, x.embargo_until, x.owner_org_id, x.archived_at, x.version, x.created_at, x.updated_at, \
         ow.path AS owner_path, CASE WHEN {org_vis} THEN o.code END AS org_code, CASE WHEN {org_vis} THEN o.name_ja END AS org_name_ja, \
         CASE WHEN {org_vis} THEN o.name_en END AS org_name_en \
         FROM people x JOIN organisations o ON o.id = x.org_id LEFT JOIN organisations ow ON ow.id = x.owner_org_id"
    )
}

pub async fn load_visible(db: &Db, viewer: &Viewer, id: i64, now: i64) -> AppResult<(Person, Access)> {
    let sql = format!("{} WHERE x.id = $1", select(viewer, now));
    let p: Person = sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&db.pool).await?.ok_or(AppError::NotFound)?;
    let access = p.access(reach::shares(db, ENTITY, id).await?);
    if !can_see(viewer, &access, now) {
        return Err(AppError::NotFound);
    }
    Ok((p, access))
}

async fn code_of(db: &Db, id: i64) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT code FROM organisations WHERE id = $1").bind(id).fetch_one(&db.pool).await
}

/// The codes a person refers to: (organisation, subtree, shares).
pub async fn codes(db: &Db, p: &Person, access: &Access) -> sqlx::Result<(String, Option<String>, Vec<String>)> {
    let org = code_of(db, p.org_id).await?;
    let scope = match p.scope_org_id {
        Some(s) => Some(code_of(db, s).await?),
        None => None,
    };
    let mut shared = vec![];
    for id in &access.shared_with {
        shared.push(code_of(db, *id).await?);
    }
    Ok((org, scope, shared))
}

fn missing(field: &str, code: &str) -> FieldError {
    FieldError::new(field, format!("組織コード「{code}」が見つかりません。"), format!("No organisation with code '{code}'."))
}

/// Validates `input` for `viewer` and returns the organisation's access (for edit rights).
pub async fn validate(db: &Db, viewer: &Viewer, input: &PersonInput, now: i64) -> AppResult<(CheckedPerson, Access)> {
    let c = check_fields(input).map_err(AppError::Validation)?;
    let mut codes = vec![input.org.trim().to_string()];
    if !input.scope.trim().is_empty() {
        codes.push(input.scope.trim().to_string());
    }
    codes.extend(input.shared_codes());
    let refs = ref_map(db, viewer, &codes, now).await?;
    let mut errs = vec![];
    for (field, code) in [("org", input.org.trim()), ("scope", input.scope.trim())] {
        if !code.is_empty() && !refs.get(code).is_some_and(|r| r.visible) {
            errs.push(missing(field, code));
        }
    }
    for code in input.shared_codes() {
        if !refs.get(&code).is_some_and(|r| r.visible) {
            errs.push(missing("shared_with", &code));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let o = org::store::by_code(db, &input.org).await?.ok_or(AppError::NotFound)?;
    let oa = o.access(reach::shares(db, org::ENTITY, o.id).await?);
    Ok((c, oa))
}

async fn resolve(tx: &mut Tx, code: &str) -> sqlx::Result<Option<i64>> {
    if code.trim().is_empty() {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1").bind(code.trim().to_string()).fetch_optional(&mut **tx).await
}

fn fields_of<'a>(i: &'a PersonInput, c: &'a CheckedPerson) -> Vec<(&'static str, Val)> {
    vec![
        ("name_kanji", i.name_kanji.trim().into()),
        ("name_kana", i.name_kana.trim().into()),
        ("name_latin", i.name_latin.trim().into()),
        ("sort_key", crate::org::store::sort_key(&i.name_kana, &i.name_kanji).into()),
        ("gender", c.gender.as_str().into()),
        ("position_ja", i.position_ja.trim().into()),
        ("position_en", i.position_en.trim().into()),
        ("term_start", c.term_start.clone().into()),
        ("term_end", c.term_end.clone().into()),
        ("email", i.email.trim().into()),
        ("note", i.note.trim().into()),
        ("reach", c.reach.as_str().into()),
        ("embargo_until", c.embargo_until.into()),
    ]
}

/// Inserts a validated person in `tx` (also used by imports).
pub async fn insert_checked(tx: &mut Tx, actor: &Actor, i: &PersonInput, c: &CheckedPerson) -> AppResult<i64> {
    let org_id = resolve(tx, &i.org).await?.ok_or(AppError::NotFound)?;
    let scope = resolve(tx, &i.scope).await?;
    let mut fields = fields_of(i, c);
    fields.extend([("org_id", org_id.into()), ("owner_org_id", org_id.into()), ("scope_org_id", scope.into())]);
    let id = audit::insert(tx, actor, ENTITY, "people", &fields, &serde_json::to_value(i).unwrap_or_default()).await?;
    let mut shares = vec![];
    for code in i.shared_codes() {
        shares.extend(resolve(tx, &code).await?);
    }
    reach::replace_shares(tx, ENTITY, id, &shares).await?;
    Ok(id)
}

pub async fn create(db: &Db, viewer: &Viewer, input: &PersonInput, now: i64) -> AppResult<i64> {
    if !viewer.has_role(Role::Editor) {
        return Err(AppError::Forbidden);
    }
    let (c, org_access) = validate(db, viewer, input, now).await?;
    if !can_edit(viewer, &org_access, now) {
        return Err(AppError::Validation(vec![FieldError::new(
            "org",
            "この組織に人物を登録する権限がありません。",
            "You may not add people to this organisation.",
        )]));
    }
    let mut tx = db.begin().await?;
    let id = insert_checked(&mut tx, &Actor::of(viewer), input, &c).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(db: &Db, viewer: &Viewer, id: i64, expected_version: i64, input: &PersonInput, now: i64) -> AppResult<i64> {
    let (p, access) = load_visible(db, viewer, id, now).await?;
    if !can_edit(viewer, &access, now) {
        return Err(AppError::Forbidden);
    }
    let (org_code, scope, shared) = codes(db, &p, &access).await?;
    let before = p.snapshot(&org_code, scope.as_deref(), &shared);
    let (c, org_access) = validate(db, viewer, input, now).await?;
    if input.org.trim() != org_code && !can_edit(viewer, &org_access, now) {
        return Err(AppError::Validation(vec![FieldError::new("org", "移動先の組織を編集する権限がありません。", "You may not edit the destination organisation.")]));
    }
    let mut after = serde_json::to_value(input).unwrap_or_default();
    after["archived"] = p.archived_at.is_some().into();
    let mut tx = db.begin().await?;
    match update_in_tx(&mut tx, &Actor::of(viewer), &p, &before, expected_version, input, &c).await {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(UpdateError::Stale(_)) => {
            drop(tx);
            let (cur, ca) = load_visible(db, viewer, id, now).await?;
            let (oc, sc, sh) = codes(db, &cur, &ca).await?;
            Err(AppError::Conflict { yours: after, current: cur.snapshot(&oc, sc.as_deref(), &sh) })
        }
        Err(UpdateError::Db(e)) => Err(e.into()),
    }
}

/// Writes a validated change to person `p` inside `tx` (forms, API and imports share it).
pub async fn update_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    p: &Person,
    before: &serde_json::Value,
    expected_version: i64,
    input: &PersonInput,
    c: &CheckedPerson,
) -> Result<i64, UpdateError> {
    let org_id = resolve(tx, &input.org).await?.ok_or(UpdateError::Db(sqlx::Error::RowNotFound))?;
    let scope_id = resolve(tx, &input.scope).await?;
    let mut fields = fields_of(input, c);
    fields.extend([("org_id", org_id.into()), ("owner_org_id", org_id.into()), ("scope_org_id", scope_id.into())]);
    let mut after = serde_json::to_value(input).unwrap_or_default();
    after["archived"] = p.archived_at.is_some().into();
    let v = audit::update(tx, actor, ENTITY, "people", p.id, expected_version, &fields, "update", before, &after).await?;
    let mut shares = vec![];
    for code in input.shared_codes() {
        shares.extend(resolve(tx, &code).await?);
    }
    reach::replace_shares(tx, ENTITY, p.id, &shares).await?;
    Ok(v)
}

pub async fn set_archived(db: &Db, viewer: &Viewer, id: i64, expected_version: i64, archive: bool, now: i64) -> AppResult<i64> {
    let (p, access) = load_visible(db, viewer, id, now).await?;
    if !can_edit(viewer, &access, now) {
        return Err(AppError::Forbidden);
    }
    let (oc, sc, sh) = codes(db, &p, &access).await?;
    let before = p.snapshot(&oc, sc.as_deref(), &sh);
    let mut after = before.clone();
    after["archived"] = archive.into();
    audit::set_marker(db, &Actor::of(viewer), ENTITY, "people", id, expected_version, "archived_at", archive, now, ("archive", "restore"), &before, &after).await
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PeopleQuery {
    pub q: String,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub org: Option<i64>,
    pub gender: String,
    pub archived: String,
    pub sort: String,
    pub dir: String,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub page: Option<i64>,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub per_page: Option<i64>,
}

impl PeopleQuery {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }
    pub fn per_page(&self) -> i64 {
        self.per_page.unwrap_or(50).clamp(1, 500)
    }
}

pub async fn list(db: &Db, viewer: &Viewer, q: &PeopleQuery, now: i64) -> sqlx::Result<(Vec<Person>, Total)> {
    let mut conds = vec![visible_sql(viewer, "x", ENTITY, now)];
    let mut binds: Vec<Val> = vec![];
    if !q.q.trim().is_empty() {
        binds.push(like_pattern(q.q.trim()).into());
        let il = db.ilike();
        conds.push(format!(
            "(x.name_kanji {il} $1 ESCAPE '\\' OR x.name_kana {il} $1 ESCAPE '\\' OR x.name_latin {il} $1 ESCAPE '\\' OR x.position_ja {il} $1 ESCAPE '\\')"
        ));
    }
    if let Some(o) = q.org {
        conds.push(format!("x.org_id = {o}"));
    }
    if let Some(g) = kumiai_core::Gender::parse(&q.gender) {
        conds.push(format!("x.gender = '{}'", g.as_str()));
    }
    match q.archived.as_str() {
        "include" => {}
        "only" => conds.push("x.archived_at IS NOT NULL".into()),
        _ => conds.push("x.archived_at IS NULL".into()),
    }
    let filter = conds.join(" AND ");
    let order = match q.sort.as_str() {
        "position" => "x.position_ja",
        "term" => "x.term_start",
        "updated" => "x.updated_at",
        _ => "x.sort_key",
    };
    let dir = if q.dir == "desc" { "DESC" } else { "ASC" };
    let sql = format!(
        "{} WHERE {filter} ORDER BY {order} {dir}, x.id {dir} LIMIT {} OFFSET {}",
        select(viewer, now),
        q.per_page(),
        (q.page() - 1) * q.per_page()
    );
    let rows = bind_all(sqlx::query_as::<_, Person>(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?;
    let total = count_capped(db, &format!("FROM people x WHERE {filter}"), &binds).await?;
    Ok((rows, total))
}
