//! People storage. Like organisations: reads go through the reach layer, writes through the
//! audited, versioned path. A person's organisation is named only where the reader may see it.

use super::{CheckedPerson, ENTITY, Person, PersonCodes, PersonInput, PersonRow, check_fields, person_cols};
use crate::Key;
use crate::org::{self, store::ref_map};
use kumiai_core::{OrgId, PersonId, Role, Viewer};
use kumiai_platform::audit::{self, Actor, UpdateError, Val};
use kumiai_platform::db::{Archived, Db, Paging, SortDir, Total, Tx, count, like_pattern};
use kumiai_platform::orgs::{HIDDEN_ORG, visible_codes};
use kumiai_platform::reach::{self, VisibleFilter};
use kumiai_platform::web::Patch;
use kumiai_platform::{AppError, AppResult, FieldError, Visible};

pub(crate) async fn get(db: &Db, id: PersonId) -> sqlx::Result<Option<Person>> {
    kumiai_platform::record::fetch::<Person>(db, id.get(), &Key(())).await
}

pub async fn load_visible(db: &Db, viewer: &Viewer, id: PersonId, now: i64) -> AppResult<Visible<Person>> {
    reach::load_visible::<Person>(db, viewer, id.get(), now).await
}

/// The organisations `p` refers to as `viewer` may see them (hidden ones as [`HIDDEN_ORG`]).
pub async fn codes(db: &Db, viewer: &Viewer, p: &Visible<Person>, now: i64) -> sqlx::Result<PersonCodes> {
    let shared = p.access().map(|a| a.shared_with.clone()).unwrap_or_default();
    let mut ids: Vec<OrgId> = [Some(p.org_id), p.scope_org_id].into_iter().flatten().collect();
    ids.extend(&shared);
    let seen = visible_codes(db, viewer, &ids, now).await?;
    let code = |id: OrgId| seen.get(&id).cloned().unwrap_or_else(|| HIDDEN_ORG.to_string());
    let mut shared_with: Vec<String> = shared.iter().filter_map(|i| seen.get(i).cloned()).collect();
    if shared.iter().any(|i| !seen.contains_key(i)) {
        shared_with.push(HIDDEN_ORG.to_string());
    }
    Ok(PersonCodes { org: code(p.org_id), scope: p.scope_org_id.map(code), shared_with })
}

/// The form as it was at `version` (from the audit log), for merging a stale save.
async fn base_input(db: &Db, viewer: &Viewer, p: &Visible<Person>, version: i64, now: i64) -> sqlx::Result<Option<PersonInput>> {
    let Some(snapshot) = kumiai_platform::audit::snapshot_at(db, ENTITY, p.id.get(), version).await? else { return Ok(None) };
    let mut v = serde_json::Value::Object(snapshot);
    kumiai_platform::orgs::present_refs(db, viewer, &mut [&mut v], <Person as kumiai_platform::Record>::ORG_REFS, now).await?;
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    Ok(Some(normal(&PersonInput {
        org: text("org_id"),
        name_kanji: text("name_kanji"),
        name_kana: text("name_kana"),
        name_latin: text("name_latin"),
        gender: text("gender"),
        position_ja: text("position_ja"),
        position_en: text("position_en"),
        term_start: text("term_start"),
        term_end: text("term_end"),
        email: text("email"),
        note: text("note"),
        reach: text("reach"),
        scope: text("scope_org_id"),
        embargo_until: text("embargo_until").replacen(' ', "T", 1),
        shared_with: text("shared_with"),
    })))
}

/// The shared-with codes in one order, so that order alone is no change.
fn normal(i: &PersonInput) -> PersonInput {
    PersonInput { shared_with: crate::org::model::sorted_codes(&i.shared_with), ..i.clone() }
}

fn missing(field: &str, code: &str) -> FieldError {
    FieldError::new(field, format!("組織コード「{code}」が見つかりません。"), format!("No organisation with code '{code}'."))
}

/// Validates `input` for `viewer`; for a change, `current` is the person as stored (references
/// left at the stand-in for a hidden organisation keep what is stored). Returns the checked
/// fields and the person's organisation as the viewer sees it (for edit rights), if it changes
/// or is new.
pub(crate) async fn validate(db: &Db, viewer: &Viewer, input: &PersonInput, current: Option<&Person>, now: i64) -> AppResult<(CheckedPerson, Option<Visible<org::Organisation>>)> {
    let c = check_fields(input).map_err(AppError::Validation)?;
    let kept = |v: &str| current.is_some() && v.trim() == HIDDEN_ORG;
    let mut codes: Vec<String> = [&input.org, &input.scope].iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty() && !kept(s)).collect();
    codes.extend(input.shared_codes());
    let refs = ref_map(db, viewer, &codes, now).await?;
    let mut errs = vec![];
    for (field, code) in [("org", input.org.trim()), ("scope", input.scope.trim())] {
        if !code.is_empty() && !kept(code) && !refs.get(code).is_some_and(|r| r.visible) {
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
    let org = if kept(&input.org) {
        None
    } else {
        match org::store::by_code(db, &input.org).await? {
            Some(o) => Some(org::store::load_visible(db, viewer, o.id, now).await?),
            None => return Err(AppError::Validation(vec![missing("org", input.org.trim())])),
        }
    };
    Ok((c, org))
}

async fn resolve(tx: &mut Tx, code: &str) -> sqlx::Result<Option<OrgId>> {
    if code.trim().is_empty() {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1").bind(code.trim().to_string()).fetch_optional(&mut **tx).await
}

fn fields_of(i: &PersonInput, c: &CheckedPerson) -> Vec<(&'static str, Val)> {
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

/// The organisation, subtree and shares the input names, resolved in the write transaction;
/// for a change, stand-ins keep what `current` has and `hidden_shares` stay.
async fn refs_in_tx(tx: &mut Tx, i: &PersonInput, current: Option<&Person>, hidden_shares: &[OrgId]) -> sqlx::Result<(Option<OrgId>, Option<OrgId>, Vec<OrgId>)> {
    let kept = |v: &str| current.is_some() && v.trim() == HIDDEN_ORG;
    let org_id = match current {
        Some(p) if kept(&i.org) => Some(p.org_id),
        _ => resolve(tx, &i.org).await?,
    };
    let scope = match current {
        Some(p) if kept(&i.scope) => p.scope_org_id,
        _ => resolve(tx, &i.scope).await?,
    };
    let mut shares = hidden_shares.to_vec();
    for code in i.shared_codes() {
        shares.extend(resolve(tx, &code).await?);
    }
    Ok((org_id, scope, shares))
}

/// Inserts a validated person in `tx` (also used by imports and the demo).
pub(crate) async fn insert_checked(tx: &mut Tx, actor: &Actor, i: &PersonInput, c: &CheckedPerson) -> AppResult<Person> {
    let (org_id, scope, shares) = refs_in_tx(tx, i, None, &[]).await?;
    let org_id = org_id.ok_or(AppError::NotFound)?;
    let mut fields = fields_of(i, c);
    fields.extend([("org_id", org_id.into()), ("owner_org_id", org_id.into()), ("scope_org_id", scope.into())]);
    Ok(audit::insert::<Person>(tx, actor, &fields, Some(&shares)).await?)
}

pub async fn create(db: &Db, viewer: &Viewer, input: &PersonInput, now: i64) -> AppResult<Visible<Person>> {
    if !viewer.has_role(Role::Editor) {
        return Err(AppError::Forbidden);
    }
    let (c, org) = validate(db, viewer, input, None, now).await?;
    if !org.is_some_and(|o| o.can_edit(viewer, now)) {
        return Err(AppError::Validation(vec![FieldError::new("org", "この組織に人物を登録する権限がありません。", "You may not add people to this organisation.")]));
    }
    let mut tx = db.begin().await?;
    let p = insert_checked(&mut tx, &Actor::of(viewer), input, &c).await?;
    db.commit(tx).await?;
    load_visible(db, viewer, p.id, now).await
}

/// The shares of `p` the viewer cannot see: a change by that viewer keeps them.
async fn hidden_shares(db: &Db, viewer: &Viewer, p: &Visible<Person>, now: i64) -> sqlx::Result<Vec<OrgId>> {
    let shared = p.access().map(|a| a.shared_with.clone()).unwrap_or_default();
    let seen = visible_codes(db, viewer, &shared, now).await?;
    Ok(shared.into_iter().filter(|i| !seen.contains_key(i)).collect())
}

/// Applies the fields `patch` names to person `id`; every other field keeps its stored value.
pub async fn update(db: &Db, viewer: &Viewer, id: PersonId, patch: &Patch, now: i64) -> AppResult<Visible<Person>> {
    let p = load_visible(db, viewer, id, now).await?;
    if !p.can_edit(viewer, now) {
        return Err(AppError::Forbidden);
    }
    let mut expected_version = patch.version()?;
    let stored = PersonInput::from_record(&p, &codes(db, viewer, &p, now).await?);
    let mut input: PersonInput = patch.apply(&stored)?;
    // Saved by someone else since this form was opened: what only one side changed merges on its
    // own; fields both changed go on to the conflict page.
    if expected_version != p.version
        && let Some(base) = base_input(db, viewer, &p, expected_version, now).await?
        && let Ok(merged) = kumiai_platform::web::forms::merge3(&base, &normal(&input), &normal(&stored))
    {
        input = merged;
        expected_version = p.version;
    }
    if input == stored {
        return if expected_version == p.version { Ok(p) } else { Err(audit::conflict::<Person>(db, viewer, id.get(), &[], None, expected_version, now).await) };
    }
    let (c, new_org) = validate(db, viewer, &input, Some(&p), now).await?;
    if let Some(o) = &new_org
        && o.id != p.org_id
        && !o.can_edit(viewer, now)
    {
        return Err(AppError::Validation(vec![FieldError::new("org", "移動先の組織を編集する権限がありません。", "You may not edit the destination organisation.")]));
    }
    let hidden = hidden_shares(db, viewer, &p, now).await?;
    let mut tx = db.begin().await?;
    match update_in_tx(&mut tx, &Actor::of(viewer), &p, expected_version, &input, &c, &hidden).await {
        Ok(_) => {
            db.commit(tx).await?;
            load_visible(db, viewer, id, now).await
        }
        Err((e, fields, shares)) => {
            drop(tx);
            Err(audit::answer::<Person>(e, db, viewer, id.get(), &fields, Some(&shares), expected_version, now).await)
        }
    }
}

type Failed = (UpdateError, Vec<(&'static str, Val)>, Vec<OrgId>);

/// Writes a validated change to person `p` inside `tx` (forms, API and imports share it).
pub(crate) async fn update_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    p: &Person,
    expected_version: i64,
    input: &PersonInput,
    c: &CheckedPerson,
    hidden_shares: &[OrgId],
) -> Result<Person, Failed> {
    let (org_id, scope_id, shares) = match refs_in_tx(tx, input, Some(p), hidden_shares).await {
        Ok(r) => r,
        Err(e) => return Err((e.into(), vec![], vec![])),
    };
    let Some(org_id) = org_id else { return Err((UpdateError::Db(sqlx::Error::RowNotFound), vec![], vec![])) };
    let mut fields = fields_of(input, c);
    fields.extend([("org_id", org_id.into()), ("owner_org_id", org_id.into()), ("scope_org_id", scope_id.into())]);
    match audit::update(tx, actor, p, expected_version, &fields, Some(&shares), "update").await {
        Ok(after) => Ok(after),
        Err(e) => Err((e, fields, shares)),
    }
}

pub async fn set_archived(db: &Db, viewer: &Viewer, id: PersonId, expected_version: i64, archive: bool, now: i64) -> AppResult<Person> {
    audit::set_marker::<Person>(db, viewer, id.get(), expected_version, "archived_at", archive, ("archive", "restore"), &[], now).await
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PeopleQuery {
    pub q: String,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub org: Option<OrgId>,
    #[serde(deserialize_with = "kumiai_platform::web::blank_as_none", default)]
    pub gender: Option<kumiai_core::Gender>,
    pub archived: Archived,
    /// Current holders of a position, those whose term has ended, or both (the default for the API
    /// and exports; the web list starts with the current ones).
    #[serde(deserialize_with = "kumiai_platform::web::blank_as_none", default)]
    pub tenure: Option<Tenure>,
    pub sort: PersonSort,
    pub dir: SortDir,
    /// The reader's language: an English reader's list sorts by Latin name (set by the page).
    #[serde(skip)]
    pub lang: kumiai_core::Lang,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub page: Option<i64>,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub per_page: Option<i64>,
}

/// Whether a person's term has ended (`term_end` before today, Japan time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tenure {
    Current,
    Past,
    All,
}

impl Tenure {
    pub fn as_str(self) -> &'static str {
        match self {
            Tenure::Current => "current",
            Tenure::Past => "past",
            Tenure::All => "all",
        }
    }
}

impl TryFrom<String> for Tenure {
    type Error = String;
    fn try_from(s: String) -> Result<Tenure, String> {
        [Tenure::Current, Tenure::Past, Tenure::All].into_iter().find(|t| t.as_str() == s).ok_or_else(|| format!("'{}' is not current, past or all", kumiai_platform::text::quote_value(&s)))
    }
}

/// The orders a list of people comes in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PersonSort {
    #[default]
    #[serde(alias = "")]
    Name,
    Position,
    Term,
    Updated,
}

impl PersonSort {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonSort::Name => "name",
            PersonSort::Position => "position",
            PersonSort::Term => "term",
            PersonSort::Updated => "updated",
        }
    }
}

impl PeopleQuery {
    /// The gender filter as a query string writes it ("" for all).
    pub fn tenure_code(&self) -> &'static str {
        self.tenure.map(Tenure::as_str).unwrap_or("")
    }
    pub fn gender_code(&self) -> &'static str {
        self.gender.map(kumiai_core::Gender::as_str).unwrap_or("")
    }
    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.per_page, 50, 500)
    }
}

/// The columns of [`PersonRow`]: the person, and their organisation's code and names where
/// `org_filter` lets the viewer see it.
fn row_select(org_filter: &VisibleFilter) -> String {
    let v = org_filter.sql();
    format!(
        "SELECT {}, CASE WHEN {v} THEN o.code END AS org_code, CASE WHEN {v} THEN o.name_ja END AS org_name_ja, CASE WHEN {v} THEN o.name_en END AS org_name_en \
         FROM people x JOIN organisations o ON o.id = x.org_id LEFT JOIN organisations ow ON ow.id = x.owner_org_id",
        person_cols!()
    )
}

pub async fn list(db: &Db, viewer: &Viewer, q: &PeopleQuery, now: i64) -> sqlx::Result<(Vec<Visible<PersonRow>>, Total)> {
    let f = reach::filter(viewer, "x", ENTITY, now);
    let of = reach::filter(viewer, "o", org::ENTITY, now);
    let mut conds = vec![f.sql().to_string()];
    let mut binds: Vec<Val> = vec![];
    // Each word, in any order (山田 一郎 finds 山田 一郎 and 一郎 山田).
    let il = db.ilike();
    for word in q.q.split_whitespace().take(8) {
        binds.push(like_pattern(word).into());
        let n = binds.len();
        conds.push(format!(
            "(x.name_kanji {il} ${n} ESCAPE '\\' OR x.name_kana {il} ${n} ESCAPE '\\' OR x.name_latin {il} ${n} ESCAPE '\\' OR x.position_ja {il} ${n} ESCAPE '\\')"
        ));
    }
    if let Some(o) = q.org {
        // An organisation the viewer may not see filters like one that does not exist.
        if org::store::is_visible(db, viewer, o, now).await? {
            conds.push(format!("x.org_id = {o}"));
        } else {
            conds.push("1 = 0".into());
        }
    }
    if let Some(g) = q.gender {
        conds.push(format!("x.gender = '{}'", g.as_str()));
    }
    conds.extend(q.archived.sql("x"));
    // Dates are stored as "YYYY-MM-DD", which compare as text.
    let today = kumiai_core::time::day_of_ms(now);
    match q.tenure.unwrap_or(Tenure::All) {
        Tenure::Current => conds.push(format!("(x.term_end IS NULL OR x.term_end = '' OR x.term_end >= '{today}')")),
        Tenure::Past => conds.push(format!("(x.term_end IS NOT NULL AND x.term_end <> '' AND x.term_end < '{today}')")),
        Tenure::All => {}
    }
    let filter = conds.join(" AND ");
    let order = match q.sort {
        PersonSort::Position => "x.position_ja",
        PersonSort::Term => "x.term_start",
        PersonSort::Updated => "x.updated_at",
        PersonSort::Name => "x.sort_key",
    };
    let dir = q.dir.sql();
    let order = if q.sort == PersonSort::Name && q.lang == kumiai_core::Lang::En {
        format!("CASE WHEN x.name_latin = '' THEN 1 ELSE 0 END, LOWER(x.name_latin) {dir}, x.sort_key")
    } else {
        order.to_string()
    };
    let sql = format!("{} WHERE {filter} ORDER BY {order} {dir}, x.id {dir} {}", row_select(&of), q.paging().sql());
    let rows: Vec<PersonRow> = db.fetch_cached(sql, &binds).await?;
    of.vouch(rows.iter().filter(|r| r.org_code.is_some()).map(|r| r.org_id.get()));
    let total = count(db, &format!("FROM people x WHERE {filter}"), &binds).await?;
    Ok((f.admit(rows), total))
}

/// The person's organisation code and name as the viewer may see them (for a person's page).
pub async fn row(db: &Db, viewer: &Viewer, p: &Visible<Person>, now: i64) -> sqlx::Result<Visible<PersonRow>> {
    let f = reach::filter(viewer, "x", ENTITY, now);
    let of = reach::filter(viewer, "o", org::ENTITY, now);
    let sql = format!("{} WHERE x.id = $1", row_select(&of));
    let r: PersonRow = db.fetch_cached(sql, &[p.id.get().into()]).await?.pop().ok_or(sqlx::Error::RowNotFound)?;
    if r.org_code.is_some() {
        of.vouch([r.org_id.get()]);
    }
    Ok(f.admit_one(r))
}
