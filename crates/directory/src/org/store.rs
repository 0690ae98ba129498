//! Organisation storage and the rules that guard each write. Every read that returns records to a
//! reader filters with the reach layer; every write goes through `audit::insert` / `audit::update`.

use super::model::{COLS, Checked, Codes, ENTITY, FROM, OrgInput, OrgRef, Organisation, check_fields, check_refs};
use kumiai_core::{Access, OrgKind, Role, Viewer};
use kumiai_platform::audit::{self, Actor, UpdateError, Val};
use kumiai_platform::db::{Db, Total, Tx, bind_all, count_capped, like_pattern};
use kumiai_platform::reach::{self, can_edit, can_see, visible_sql};
use kumiai_platform::{AppError, AppResult, FieldError};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(AssertSqlSafe(format!("SELECT {COLS} FROM {FROM} WHERE o.id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn by_code(db: &Db, code: &str) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(AssertSqlSafe(format!("SELECT {COLS} FROM {FROM} WHERE o.code = $1")))
        .bind(code.trim().to_string())
        .fetch_optional(&db.pool)
        .await
}

/// The record and its access, or NotFound when it is missing or the viewer may not see it.
pub async fn load_visible(db: &Db, viewer: &Viewer, id: i64, now: i64) -> AppResult<(Organisation, Access)> {
    let org = get(db, id).await?.ok_or(AppError::NotFound)?;
    let access = org.access(reach::shares(db, ENTITY, id).await?);
    if !can_see(viewer, &access, now) {
        return Err(AppError::NotFound);
    }
    Ok((org, access))
}

async fn code_of(db: &Db, id: Option<i64>) -> sqlx::Result<Option<String>> {
    match id {
        None => Ok(None),
        Some(id) => sqlx::query_scalar("SELECT code FROM organisations WHERE id = $1").bind(id).fetch_optional(&db.pool).await,
    }
}

pub async fn codes(db: &Db, o: &Organisation, access: &Access) -> sqlx::Result<Codes> {
    let mut shared_with = vec![];
    for id in &access.shared_with {
        shared_with.extend(code_of(db, Some(*id)).await?);
    }
    Ok(Codes {
        parent: code_of(db, o.parent_id).await?,
        company: code_of(db, o.company_id).await?,
        scope: code_of(db, o.scope_org_id).await?,
        shared_with,
    })
}

/// Looks up `codes` as the viewer sees them, for reference checks.
pub async fn ref_map(db: &Db, viewer: &Viewer, codes: &[String], now: i64) -> sqlx::Result<HashMap<String, OrgRef>> {
    let mut out = HashMap::new();
    let vis = visible_sql(viewer, "o", ENTITY, now);
    for chunk in codes.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT o.code, o.kind, o.path, o.archived_at, CASE WHEN {vis} THEN 1 ELSE 0 END AS visible FROM organisations o WHERE o.code IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (String, String, String, Option<i64>, i64)>(AssertSqlSafe(sql));
        for c in chunk {
            q = q.bind(c.clone());
        }
        for (code, kind, path, archived, visible) in q.fetch_all(&db.pool).await? {
            if let Some(kind) = OrgKind::parse(&kind) {
                out.insert(code, OrgRef { kind, path: Some(path), visible: visible == 1, archived: archived.is_some() });
            }
        }
    }
    Ok(out)
}

pub fn referenced_codes(input: &OrgInput) -> Vec<String> {
    let mut v: Vec<String> = [&input.parent, &input.company, &input.scope].iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    v.extend(input.shared_codes());
    v
}

/// Resolves a code to an id inside the write transaction.
async fn id_of(tx: &mut Tx, code: &str) -> sqlx::Result<Option<(i64, String)>> {
    if code.trim().is_empty() {
        return Ok(None);
    }
    sqlx::query_as("SELECT id, path FROM organisations WHERE code = $1").bind(code.trim().to_string()).fetch_optional(&mut **tx).await
}

fn fields_of(input: &OrgInput, c: &Checked) -> Vec<(&'static str, Val)> {
    vec![
        ("code", input.code.trim().into()),
        ("name_ja", input.name_ja.trim().into()),
        ("name_kana", input.name_kana.trim().into()),
        ("name_en", input.name_en.trim().into()),
        ("sort_key", sort_key(&input.name_kana, &input.name_ja).into()),
        ("country", c.country.clone().into()),
        ("note", input.note.trim().into()),
        ("reach", c.reach.as_str().into()),
        ("embargo_until", c.embargo_until.into()),
    ]
}

/// What Japanese lists sort by: the reading, or the name when there is none.
pub fn sort_key(kana: &str, name: &str) -> String {
    if kana.trim().is_empty() { name.trim().to_string() } else { kana.trim().to_string() }
}

/// Whether the viewer may add an organisation of `kind` under `parent`.
fn may_create(viewer: &Viewer, kind: OrgKind, parent: Option<&OrgRef>, parent_owner: Option<&Access>, now: i64) -> bool {
    if !viewer.has_role(Role::Editor) {
        return false;
    }
    if viewer.is_hq() {
        return true;
    }
    match (kind, parent_owner) {
        (OrgKind::HeadOffice | OrgKind::IndustrialUnion, _) => false,
        (_, Some(access)) => parent.is_some() && can_edit(viewer, access, now),
        (_, None) => true,
    }
}

/// Creates an organisation inside `tx` after validation done by the caller (forms, API, import).
pub async fn insert_checked(tx: &mut Tx, actor: &Actor, owner_org: Option<i64>, input: &OrgInput, c: &Checked) -> AppResult<i64> {
    let parent = id_of(tx, &input.parent).await?;
    let company = id_of(tx, &input.company).await?.map(|p| p.0);
    let scope = id_of(tx, &input.scope).await?.map(|p| p.0);
    let mut fields = fields_of(input, c);
    fields.extend([
        ("kind", c.kind.as_str().into()),
        ("parent_id", parent.as_ref().map(|p| p.0).into()),
        ("company_id", company.into()),
        ("scope_org_id", scope.into()),
        ("owner_org_id", owner_org.into()),
        ("path", "".into()),
    ]);
    let snapshot = serde_json::to_value(input).unwrap_or_default();
    let id = audit::insert(tx, actor, ENTITY, "organisations", &fields, &snapshot).await?;
    let path = format!("{}{id}/", parent.map(|p| p.1).unwrap_or_else(|| "/".into()));
    // Unions own their own record; other kinds belong to whoever added them.
    let owner = if c.kind.tier().is_some_and(|t| t != kumiai_core::Tier::Partner) || owner_org.is_none() { Some(id) } else { owner_org };
    sqlx::query("UPDATE organisations SET path = $1, owner_org_id = $2 WHERE id = $3").bind(path).bind(owner).bind(id).execute(&mut **tx).await?;
    let mut shares = vec![];
    for code in input.shared_codes() {
        shares.extend(id_of(tx, &code).await?.map(|p| p.0));
    }
    reach::replace_shares(tx, ENTITY, id, &shares).await?;
    Ok(id)
}

fn code_taken() -> FieldError {
    FieldError::new("code", "この組織コードは既に使われています。", "This code is already in use.")
}

pub async fn create(db: &Db, viewer: &Viewer, input: &OrgInput, now: i64) -> AppResult<i64> {
    let c = check_fields(input).map_err(AppError::Validation)?;
    let refs = ref_map(db, viewer, &referenced_codes(input), now).await?;
    let mut errs = check_refs(input, &c, None, &|code| refs.get(code).cloned());
    if by_code(db, &input.code).await?.is_some() {
        errs.push(code_taken());
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let parent_access = match by_code(db, &input.parent).await? {
        Some(p) if !input.parent.trim().is_empty() => Some(p.access(reach::shares(db, ENTITY, p.id).await?)),
        _ => None,
    };
    if !may_create(viewer, c.kind, refs.get(input.parent.trim()), parent_access.as_ref(), now) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let id = insert_checked(&mut tx, &Actor::of(viewer), viewer.org_id(), input, &c).await?;
    tx.commit().await?;
    Ok(id)
}

/// Applies `input` to organisation `id` if `expected_version` is current. A new parent moves the
/// whole subtree. A stale version returns both versions as a conflict.
pub async fn update(db: &Db, viewer: &Viewer, id: i64, expected_version: i64, input: &OrgInput, now: i64) -> AppResult<i64> {
    let (org, access) = load_visible(db, viewer, id, now).await?;
    if !can_edit(viewer, &access, now) {
        return Err(AppError::Forbidden);
    }
    let before_codes = codes(db, &org, &access).await?;
    let before = org.snapshot(&before_codes);
    let mut input = input.clone();
    if input.kind.trim().is_empty() {
        input.kind = org.kind.clone();
    }
    let c = check_fields(&input).map_err(AppError::Validation)?;
    let refs = ref_map(db, viewer, &referenced_codes(&input), now).await?;
    let mut errs = check_refs(&input, &c, Some(&org.path), &|code| refs.get(code).cloned());
    if Some(c.kind) != org.kind() {
        errs.push(FieldError::new("kind", "種別は変更できません。新しい組織として登録してください。", "The kind cannot change; register a new organisation instead."));
    }
    if input.code.trim() != org.code && by_code(db, &input.code).await?.is_some() {
        errs.push(code_taken());
    }
    let moving = input.parent.trim() != before_codes.parent.as_deref().unwrap_or("");
    if moving && !viewer.is_hq() {
        // Moving needs edit rights on the destination too.
        if let Some(p) = by_code(db, &input.parent).await? {
            let pa = p.access(reach::shares(db, ENTITY, p.id).await?);
            if !can_edit(viewer, &pa, now) {
                errs.push(FieldError::new("parent", "移動先の組織を編集する権限がありません。", "You may not edit the destination organisation."));
            }
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let mut after = serde_json::to_value(&input).unwrap_or_default();
    after["archived"] = org.archived_at.is_some().into();
    let mut tx = db.begin().await?;
    match update_in_tx(&mut tx, &Actor::of(viewer), &org, &before, expected_version, &input, &c, moving).await {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(UpdateError::Stale(_)) => {
            drop(tx);
            let current = get(db, id).await?.ok_or(AppError::NotFound)?;
            let ca = current.access(reach::shares(db, ENTITY, id).await?);
            let cc = codes(db, &current, &ca).await?;
            Err(AppError::Conflict { yours: after, current: current.snapshot(&cc) })
        }
        Err(UpdateError::Db(e)) => Err(e.into()),
    }
}

/// Writes a validated change to `org` inside `tx` (forms, API and imports share it). A new parent
/// moves the whole subtree.
#[allow(clippy::too_many_arguments)]
pub async fn update_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Organisation,
    before: &serde_json::Value,
    expected_version: i64,
    input: &OrgInput,
    c: &Checked,
    moving: bool,
) -> Result<i64, UpdateError> {
    let id = org.id;
    let parent = id_of(tx, &input.parent).await?;
    let company = id_of(tx, &input.company).await?.map(|p| p.0);
    let scope = id_of(tx, &input.scope).await?.map(|p| p.0);
    let mut fields = fields_of(input, c);
    fields.extend([("company_id", company.into()), ("scope_org_id", scope.into())]);
    let new_path = moving.then(|| format!("{}{id}/", parent.as_ref().map(|p| p.1.clone()).unwrap_or_else(|| "/".into())));
    if let Some(np) = &new_path {
        fields.push(("parent_id", parent.as_ref().map(|p| p.0).into()));
        fields.push(("path", np.clone().into()));
    }
    let mut after = serde_json::to_value(input).unwrap_or_default();
    after["archived"] = org.archived_at.is_some().into();
    let action = if moving { "move" } else { "update" };
    let v = audit::update(tx, actor, ENTITY, "organisations", id, expected_version, &fields, action, before, &after).await?;
    if let Some(np) = new_path {
        // Descendants keep their place under the moved organisation.
        sqlx::query("UPDATE organisations SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path LIKE $3 AND id <> $4")
            .bind(np)
            .bind(org.path.len() as i64 + 1)
            .bind(format!("{}%", org.path))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    let mut shares = vec![];
    for code in input.shared_codes() {
        shares.extend(id_of(tx, &code).await?.map(|p| p.0));
    }
    reach::replace_shares(tx, ENTITY, id, &shares).await?;
    Ok(v)
}

/// Archives (`archive = true`) or restores an organisation. Nothing is deleted.
pub async fn set_archived(db: &Db, viewer: &Viewer, id: i64, expected_version: i64, archive: bool, now: i64) -> AppResult<i64> {
    let (org, access) = load_visible(db, viewer, id, now).await?;
    if !can_edit(viewer, &access, now) {
        return Err(AppError::Forbidden);
    }
    if archive {
        let active_children: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE parent_id = $1 AND archived_at IS NULL")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
        if active_children > 0 {
            return Err(AppError::Validation(vec![FieldError::new(
                "archived",
                format!("配下に{active_children}件の組織があります。先に移動するかアーカイブしてください。"),
                format!("{active_children} organisations sit under this one; move or archive them first."),
            )]));
        }
    }
    let codes = codes(db, &org, &access).await?;
    let before = org.snapshot(&codes);
    let mut after = before.clone();
    after["archived"] = archive.into();
    audit::set_marker(db, &Actor::of(viewer), ENTITY, "organisations", id, expected_version, "archived_at", archive, now, ("archive", "restore"), &before, &after).await
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub kind: String,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub parent: Option<i64>,
    pub country: String,
    /// "" = active only, "include" = all, "only" = archived only.
    pub archived: String,
    pub sort: String,
    pub dir: String,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub page: Option<i64>,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub per_page: Option<i64>,
}

impl ListQuery {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }
    pub fn per_page(&self) -> i64 {
        self.per_page.unwrap_or(50).clamp(1, 500)
    }
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct ListRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub name_ja: String,
    pub name_kana: String,
    pub name_en: String,
    pub country: String,
    pub reach: String,
    pub archived_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
    /// Only when the viewer may see the parent too.
    pub parent_id: Option<i64>,
    pub parent_name_ja: Option<String>,
    pub parent_name_en: Option<String>,
    pub members: Option<i64>,
    pub dues_paying: Option<i64>,
}

/// The WHERE clause (visibility and the list filters) and its bound values.
pub fn list_filter(db: &Db, viewer: &Viewer, q: &ListQuery, now: i64) -> (String, Vec<Val>) {
    let mut conds = vec![visible_sql(viewer, "o", ENTITY, now)];
    let mut binds: Vec<Val> = vec![];
    if !q.q.trim().is_empty() {
        binds.push(like_pattern(q.q.trim()).into());
        let il = db.ilike();
        conds.push(format!(
            "(o.name_ja {il} $1 ESCAPE '\\' OR o.name_kana {il} $1 ESCAPE '\\' OR o.name_en {il} $1 ESCAPE '\\' OR o.code {il} $1 ESCAPE '\\')"
        ));
    }
    if let Some(k) = OrgKind::parse(&q.kind) {
        conds.push(format!("o.kind = '{}'", k.as_str()));
    }
    if let Some(p) = q.parent {
        conds.push(format!("o.parent_id = {p}"));
    }
    if !q.country.trim().is_empty() {
        binds.push(q.country.trim().to_ascii_uppercase().into());
        conds.push(format!("o.country = ${}", binds.len()));
    }
    match q.archived.as_str() {
        "include" => {}
        "only" => conds.push("o.archived_at IS NOT NULL".into()),
        _ => conds.push("o.archived_at IS NULL".into()),
    }
    (conds.join(" AND "), binds)
}

/// One page of the organisations the viewer may see, with the total count under the same filter.
pub async fn list(db: &Db, viewer: &Viewer, q: &ListQuery, fiscal_year: i32, now: i64) -> sqlx::Result<(Vec<ListRow>, Total)> {
    let (filter, mut binds) = list_filter(db, viewer, q, now);
    let order = match q.sort.as_str() {
        "code" => "o.code",
        "kind" => "o.kind",
        "members" => "mc.members",
        "updated" => "o.updated_at",
        "country" => "o.country",
        // Japanese sorts by reading; a record without one sorts by its name.
        _ => "o.sort_key",
    };
    let dir = if q.dir == "desc" { "DESC" } else { "ASC" };
    // Unknown member counts go last either way (NULL ordering differs between the backends).
    let order_sql = if order == "mc.members" {
        format!("CASE WHEN mc.members IS NULL THEN 1 ELSE 0 END, mc.members {dir}, o.sort_key, o.id")
    } else {
        format!("{order} {dir}, o.id {dir}")
    };
    let parent_vis = visible_sql(viewer, "p", ENTITY, now);
    binds.push(i64::from(fiscal_year).into());
    let fy = format!("${}", binds.len());
    let sql = format!(
        "SELECT o.id, o.code, o.kind, o.name_ja, o.name_kana, o.name_en, o.country, o.reach, o.archived_at, o.version, o.updated_at, \
         CASE WHEN {parent_vis} THEN p.id END AS parent_id, CASE WHEN {parent_vis} THEN p.name_ja END AS parent_name_ja, \
         CASE WHEN {parent_vis} THEN p.name_en END AS parent_name_en, mc.members, mc.dues_paying \
         FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id \
         LEFT JOIN member_counts mc ON mc.org_id = o.id AND mc.fiscal_year = {fy} \
         WHERE {filter} ORDER BY {order_sql} LIMIT {} OFFSET {}",
        q.per_page(),
        (q.page() - 1) * q.per_page()
    );
    let rows = bind_all(sqlx::query_as::<_, ListRow>(AssertSqlSafe(sql)), &binds);
    let rows = rows.fetch_all(&db.pool).await?;
    // The count query has no fiscal-year placeholder (the last one).
    let total = count_capped(db, &format!("FROM organisations o WHERE {filter}"), &binds[..binds.len() - 1]).await?;
    Ok((rows, total))
}

/// The visible ancestors of an organisation, root first (hidden ones are left out, not named).
pub async fn visible_ancestors(db: &Db, viewer: &Viewer, org: &Organisation, now: i64) -> sqlx::Result<Vec<(i64, String, String)>> {
    let ids = org.ancestors();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT o.id, o.name_ja, o.name_en FROM organisations o WHERE o.id IN ({}) AND {} ORDER BY length(o.path)",
        list.join(", "),
        visible_sql(viewer, "o", ENTITY, now)
    );
    sqlx::query_as(AssertSqlSafe(sql)).fetch_all(&db.pool).await
}

/// The root of the union tree: the head office. The command line acts as its admin.
pub async fn head_office(db: &Db) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(AssertSqlSafe(format!("SELECT {COLS} FROM {FROM} WHERE o.kind = 'head_office' ORDER BY o.id LIMIT 1")))
        .fetch_optional(&db.pool)
        .await
}
