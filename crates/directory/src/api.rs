//! The directory's JSON API under /api/v1. Same stores, same rules as the pages: a record the
//! caller may not see is 404, a stale version is 409 with both versions, and a `PUT` changes only
//! the fields it names.

use crate::counts::{self, CountInput};
use crate::org::Organisation;
use crate::org::store::{self, ListQuery};
use crate::org::OrgInput;
use crate::people::store::{self as people_store, PeopleQuery};
use crate::people::{Person, PersonInput, PersonRow};
use axum::Json;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use kumiai_core::{Gender, OrgId, OrgKind, PersonId, time};
use kumiai_platform::web::{Ctx, Guard, JsonBody, Patch, PathParams, QueryParams, Route, VersionForm};
use kumiai_platform::{AppResult, Visible};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/organisations", Guard::Reach, get(list_orgs)),
        Route::post("/api/v1/organisations", Guard::Reach, post(create_org)),
        Route::get("/api/v1/organisations/{id}", Guard::Reach, get(get_org)),
        Route::put("/api/v1/organisations/{id}", Guard::Reach, put(update_org)),
        Route::post("/api/v1/organisations/{id}/archive", Guard::Reach, post(archive_org)),
        Route::post("/api/v1/organisations/{id}/restore", Guard::Reach, post(restore_org)),
        Route::get("/api/v1/organisations/{id}/member-counts", Guard::Reach, get(get_counts)),
        Route::put("/api/v1/organisations/{id}/member-counts", Guard::Reach, put(put_counts)),
        Route::get("/api/v1/people", Guard::Reach, get(list_people)),
        Route::post("/api/v1/people", Guard::Reach, post(create_person)),
        Route::get("/api/v1/people/{id}", Guard::Reach, get(get_person)),
        Route::put("/api/v1/people/{id}", Guard::Reach, put(update_person)),
        Route::post("/api/v1/people/{id}/archive", Guard::Reach, post(archive_person)),
        Route::post("/api/v1/people/{id}/restore", Guard::Reach, post(restore_person)),
    ]
}

/// An organisation as the API shows it. Linked organisations appear only where the caller may
/// see them; subtree, shares and embargo only to those who may edit it.
async fn org_json(ctx: &Ctx, o: &Visible<Organisation>) -> AppResult<Value> {
    let related = store::names(ctx.db(), &ctx.viewer, &[o.parent_id, o.company_id].into_iter().flatten().collect::<Vec<_>>(), ctx.now).await?;
    let link = |id: Option<OrgId>| id.and_then(|id| related.iter().find(|r| r.id == id)).map(|p| json!({"id": p.id, "code": p.code, "name_ja": p.name_ja}));
    let mut v = json!({
        "id": o.id, "code": o.code, "kind": o.kind, "name_ja": o.name_ja, "name_kana": o.name_kana, "name_en": o.name_en,
        "country": o.country, "note": o.note, "reach": o.reach, "archived": o.archived_at.is_some(), "version": o.version,
        "created_at": time::format_ms(o.created_at), "updated_at": time::format_ms(o.updated_at),
        "parent": link(o.parent_id), "company": link(o.company_id),
    });
    if o.can_edit(&ctx.viewer, ctx.now) {
        let codes = store::codes(ctx.db(), &ctx.viewer, o, ctx.now).await?;
        v["scope"] = json!(codes.scope);
        v["shared_with"] = json!(codes.shared_with);
        v["embargo_until"] = json!(o.embargo_until.map(time::format_input_ms));
    }
    Ok(v)
}

async fn list_orgs(ctx: Ctx, QueryParams(q): QueryParams<ListQuery>) -> AppResult<Json<Value>> {
    let (rows, total) = store::list(ctx.db(), &ctx.viewer, &q, ctx.fiscal_year().0, ctx.now).await?;
    let paging = q.paging();
    Ok(Json(json!({"total": total.count, "page": paging.page, "per_page": paging.per_page, "fiscal_year": ctx.fiscal_year().0, "items": rows})))
}

async fn get_org(ctx: Ctx, PathParams(id): PathParams<OrgId>) -> AppResult<Json<Value>> {
    let o = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    Ok(Json(org_json(&ctx, &o).await?))
}

async fn create_org(ctx: Ctx, JsonBody(input): JsonBody<OrgInput>) -> AppResult<(StatusCode, Json<Value>)> {
    ctx.account()?;
    let o = store::create(ctx.db(), &ctx.viewer, &input, ctx.now).await?;
    Ok((StatusCode::CREATED, Json(org_json(&ctx, &o).await?)))
}

/// Changes the fields the body names; every other field keeps its stored value.
async fn update_org(ctx: Ctx, PathParams(id): PathParams<OrgId>, patch: Patch) -> AppResult<Json<Value>> {
    ctx.account()?;
    let o = store::update(ctx.db(), &ctx.viewer, id, &patch, ctx.now).await?;
    Ok(Json(org_json(&ctx, &o).await?))
}

async fn archive_org(ctx: Ctx, PathParams(id): PathParams<OrgId>, JsonBody(v): JsonBody<VersionForm>) -> AppResult<Json<Value>> {
    ctx.account()?;
    store::set_archived(ctx.db(), &ctx.viewer, id, v.version, true, ctx.now).await?;
    get_org(ctx, PathParams(id)).await
}

async fn restore_org(ctx: Ctx, PathParams(id): PathParams<OrgId>, JsonBody(v): JsonBody<VersionForm>) -> AppResult<Json<Value>> {
    ctx.account()?;
    store::set_archived(ctx.db(), &ctx.viewer, id, v.version, false, ctx.now).await?;
    get_org(ctx, PathParams(id)).await
}

async fn get_counts(ctx: Ctx, PathParams(id): PathParams<OrgId>) -> AppResult<Json<Value>> {
    let o = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    Ok(Json(json!({"items": counts::of_org(ctx.db(), &o).await?})))
}

async fn put_counts(ctx: Ctx, PathParams(id): PathParams<OrgId>, JsonBody(input): JsonBody<CountInput>) -> AppResult<Json<Value>> {
    ctx.account()?;
    counts::save(ctx.db(), &ctx.viewer, id, &input, ctx.now).await?;
    get_counts(ctx, PathParams(id)).await
}

fn person_json(p: &Person, org: Option<(&str, Option<&str>)>) -> Value {
    json!({
        "id": p.id, "name_kanji": p.name_kanji, "name_kana": p.name_kana, "name_latin": p.name_latin, "gender": p.gender,
        "position_ja": p.position_ja, "position_en": p.position_en, "term_start": p.term_start, "term_end": p.term_end,
        "email": p.email, "note": p.note, "reach": p.reach, "archived": p.archived_at.is_some(), "version": p.version,
        "organisation": org.map(|(code, name)| json!({"id": p.org_id, "code": code, "name_ja": name})),
        "updated_at": time::format_ms(p.updated_at),
    })
}

fn row_json(r: &Visible<PersonRow>) -> Value {
    person_json(&r.person, r.org_code.as_deref().map(|c| (c, r.org_name_ja.as_deref())))
}

async fn list_people(ctx: Ctx, QueryParams(q): QueryParams<PeopleQuery>) -> AppResult<Json<Value>> {
    let (rows, total) = people_store::list(ctx.db(), &ctx.viewer, &q, ctx.now).await?;
    let paging = q.paging();
    Ok(Json(json!({"total": total.count, "page": paging.page, "per_page": paging.per_page, "items": rows.iter().map(row_json).collect::<Vec<_>>()})))
}

async fn person_reply(ctx: &Ctx, p: &Visible<Person>) -> AppResult<Json<Value>> {
    Ok(Json(row_json(&people_store::row(ctx.db(), &ctx.viewer, p, ctx.now).await?)))
}

async fn get_person(ctx: Ctx, PathParams(id): PathParams<PersonId>) -> AppResult<Json<Value>> {
    let p = people_store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    person_reply(&ctx, &p).await
}

async fn create_person(ctx: Ctx, JsonBody(input): JsonBody<PersonInput>) -> AppResult<(StatusCode, Json<Value>)> {
    ctx.account()?;
    let p = people_store::create(ctx.db(), &ctx.viewer, &input, ctx.now).await?;
    Ok((StatusCode::CREATED, person_reply(&ctx, &p).await?))
}

async fn update_person(ctx: Ctx, PathParams(id): PathParams<PersonId>, patch: Patch) -> AppResult<Json<Value>> {
    ctx.account()?;
    let p = people_store::update(ctx.db(), &ctx.viewer, id, &patch, ctx.now).await?;
    person_reply(&ctx, &p).await
}

async fn archive_person(ctx: Ctx, PathParams(id): PathParams<PersonId>, JsonBody(v): JsonBody<VersionForm>) -> AppResult<Json<Value>> {
    ctx.account()?;
    people_store::set_archived(ctx.db(), &ctx.viewer, id, v.version, true, ctx.now).await?;
    get_person(ctx, PathParams(id)).await
}

async fn restore_person(ctx: Ctx, PathParams(id): PathParams<PersonId>, JsonBody(v): JsonBody<VersionForm>) -> AppResult<Json<Value>> {
    ctx.account()?;
    people_store::set_archived(ctx.db(), &ctx.viewer, id, v.version, false, ctx.now).await?;
    get_person(ctx, PathParams(id)).await
}

/// The directory's part of /api/openapi.json.
pub fn openapi() -> Value {
    use kumiai_platform::web::openapi::{answer, body, id_param, input_schemas, nullable, optional_choice, optional_integer, page_of, paging_params, query, reach_enum, reach_input_properties, strings};
    let kinds: Vec<&str> = OrgKind::ALL.iter().map(|k| k.as_str()).collect();
    let genders: Vec<&str> = Gender::ALL.iter().map(|g| g.as_str()).collect();
    let archived = query("archived", json!({"type": "string", "enum": ["", "include", "only"]}), "Empty: active only");
    let dir = query("dir", json!({"type": "string", "enum": ["", "asc", "desc"]}), "");
    let mut list_params = vec![
        query("q", json!({"type": "string"}), "Name, reading or code contains"),
        query("kind", optional_choice(&kinds), ""),
        query("parent", optional_integer(), "Children of this organisation (none if the caller may not see it)"),
        query("country", json!({"type": "string"}), "ISO 3166 two-letter code"),
        archived.clone(),
        query("sort", json!({"type": "string", "enum": ["", "name", "code", "kind", "members", "country", "updated"]}), ""),
        dir.clone(),
    ];
    list_params.extend(paging_params(Some(500)));
    let mut people_params = vec![
        query("q", json!({"type": "string"}), "Name, reading or position contains"),
        query("org", optional_integer(), "People of this organisation (none if the caller may not see it)"),
        query("gender", optional_choice(&genders), ""),
        archived,
        query("tenure", json!({"type": "string", "enum": ["", "current", "past", "all"]}), "Whose term has not ended, has ended, or everyone (the default)"),
        query("sort", json!({"type": "string", "enum": ["", "name", "position", "term", "updated"]}), ""),
        dir,
    ];
    people_params.extend(paging_params(Some(500)));

    let mut org_in = strings(&["code", "parent", "company", "name_ja", "name_kana", "name_en", "country", "note"]);
    org_in.insert("kind".into(), json!({"type": "string", "enum": kinds}));
    org_in.extend(reach_input_properties());
    let mut person_in = strings(&["org", "name_kanji", "name_kana", "name_latin", "position_ja", "position_en", "term_start", "term_end", "email", "note"]);
    person_in.insert("gender".into(), json!({"type": "string", "enum": genders}));
    person_in.extend(reach_input_properties());
    let org_ref = json!({"type": "object", "required": ["id", "code"], "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name_ja": nullable(json!({"type": "string"}))}});
    let stamp = json!({"type": "string", "description": "Japan time, 2026-03-12 10:00"});
    let mut schemas = serde_json::Map::new();
    schemas.extend(input_schemas("Organisation", org_in, &["code", "kind", "name_ja", "reach"],
        "Other organisations are named by code. An enterprise union needs its industrial union as parent."));
    schemas.extend(input_schemas("Person", person_in, &["org", "name_kanji", "reach"], "org: the code of the person's organisation."));
    schemas["OrganisationInput"]["example"] = json!({"code": "E09001", "kind": "enterprise_union", "parent": "JAW", "name_ja": "見本金属労働組合", "name_kana": "みほんきんぞくろうどうくみあい", "reach": "affiliates"});
    schemas["OrganisationChange"]["example"] = json!({"version": 1, "name_en": "Sample Metal Workers' Union"});
    schemas["PersonInput"]["example"] = json!({"org": "JAW", "name_kanji": "見本 花子", "name_kana": "みほん はなこ", "position_ja": "書記長", "reach": "affiliates"});
    schemas.insert("Organisation".into(), json!({"type": "object",
        "required": ["id", "code", "kind", "name_ja", "name_kana", "name_en", "country", "note", "reach", "archived", "version", "created_at", "updated_at", "parent", "company"],
        "properties": {
            "id": {"type": "integer"}, "code": {"type": "string"}, "kind": {"type": "string", "enum": kinds},
            "name_ja": {"type": "string"}, "name_kana": {"type": "string"}, "name_en": {"type": "string"}, "country": {"type": "string"}, "note": {"type": "string"},
            "reach": reach_enum(), "archived": {"type": "boolean"}, "version": {"type": "integer"}, "created_at": stamp, "updated_at": stamp,
            "parent": nullable(org_ref.clone()), "company": nullable(org_ref.clone()),
            "scope": {"description": "Only for those who may edit it", "anyOf": [{"type": "string"}, {"type": "null"}]},
            "shared_with": {"type": "array", "items": {"type": "string"}, "description": "Only for those who may edit it"},
            "embargo_until": {"description": "Only for those who may edit it", "anyOf": [{"type": "string"}, {"type": "null"}]}}}));
    schemas.insert("OrganisationRow".into(), json!({"type": "object", "required": ["id", "code", "kind", "name_ja", "reach", "version"], "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "kind": {"type": "string", "enum": kinds}, "name_ja": {"type": "string"},
        "name_kana": {"type": "string"}, "name_en": {"type": "string"}, "country": {"type": "string"}, "reach": reach_enum(),
        "archived_at": nullable(json!({"type": "integer"})), "version": {"type": "integer"}, "updated_at": {"type": "integer", "description": "Unix milliseconds"},
        "parent_id": nullable(json!({"type": "integer"})), "parent_name_ja": nullable(json!({"type": "string"})), "parent_name_en": nullable(json!({"type": "string"})),
        "members": nullable(json!({"type": "integer"})), "dues_paying": nullable(json!({"type": "integer"}))}}));
    let mut org_page = page_of("OrganisationRow");
    org_page["properties"]["fiscal_year"] = json!({"type": "integer", "description": "The fiscal year whose member counts the rows show"});
    schemas.insert("OrganisationPage".into(), org_page);
    schemas.insert("Person".into(), json!({"type": "object",
        "required": ["id", "name_kanji", "name_kana", "name_latin", "gender", "position_ja", "position_en", "email", "note", "reach", "archived", "version", "organisation", "updated_at"],
        "properties": {
            "id": {"type": "integer"}, "name_kanji": {"type": "string"}, "name_kana": {"type": "string"}, "name_latin": {"type": "string"},
            "gender": {"type": "string", "enum": genders}, "position_ja": {"type": "string"}, "position_en": {"type": "string"},
            "term_start": nullable(json!({"type": "string"})), "term_end": nullable(json!({"type": "string"})),
            "email": {"type": "string"}, "note": {"type": "string"}, "reach": reach_enum(), "archived": {"type": "boolean"}, "version": {"type": "integer"},
            "organisation": nullable(org_ref), "updated_at": stamp}}));
    schemas.insert("PersonPage".into(), page_of("Person"));
    schemas.insert("Version".into(), json!({"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}}));
    let count_number = json!({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]});
    schemas.insert("MemberCountInput".into(), json!({"type": "object", "required": ["fiscal_year", "members"], "properties": {
        "fiscal_year": {"anyOf": [{"type": "integer"}, {"type": "string"}], "description": "2027, 2027年度, FY2027 or 令和9年度 (the federation's year)"},
        "members": count_number, "dues_paying": count_number,
        "version": {"type": "integer", "description": "The version the change is based on; omit for a year not yet recorded"}}}));
    schemas.insert("MemberCounts".into(), json!({"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object",
        "required": ["id", "org_id", "fiscal_year", "members", "version"], "properties": {
            "id": {"type": "integer"}, "org_id": {"type": "integer"}, "fiscal_year": {"type": "integer"}, "members": {"type": "integer"},
            "dues_paying": nullable(json!({"type": "integer"})), "version": {"type": "integer"}, "updated_at": {"type": "integer"}}}}}}));
    let id = id_param();
    json!({
        "paths": {
            "/api/v1/organisations": {
                "get": {"summary": "List organisations the caller may see", "operationId": "listOrganisations", "parameters": list_params, "responses": {"200": answer("A page of organisations", "OrganisationPage")}},
                "post": {"summary": "Create an organisation", "operationId": "createOrganisation", "requestBody": body("OrganisationInput"), "responses": {"201": answer("Created", "Organisation")}}},
            "/api/v1/organisations/{id}": {
                "get": {"summary": "One organisation", "operationId": "getOrganisation", "parameters": [id], "responses": {"200": answer("The organisation", "Organisation")}},
                "put": {"summary": "Change the named fields of an organisation (moving it if the parent changes)", "operationId": "updateOrganisation", "parameters": [id],
                        "requestBody": body("OrganisationChange"), "responses": {"200": answer("As stored", "Organisation")}}},
            "/api/v1/organisations/{id}/archive": {"post": {"summary": "Archive", "operationId": "archiveOrganisation", "parameters": [id], "requestBody": body("Version"), "responses": {"200": answer("As stored", "Organisation")}}},
            "/api/v1/organisations/{id}/restore": {"post": {"summary": "Restore", "operationId": "restoreOrganisation", "parameters": [id], "requestBody": body("Version"), "responses": {"200": answer("As stored", "Organisation")}}},
            "/api/v1/organisations/{id}/member-counts": {
                "get": {"summary": "Member counts per fiscal year", "operationId": "getMemberCounts", "parameters": [id], "responses": {"200": answer("Newest year first", "MemberCounts")}},
                "put": {"summary": "Record one fiscal year's counts", "operationId": "putMemberCounts", "parameters": [id], "requestBody": body("MemberCountInput"), "responses": {"200": answer("Newest year first", "MemberCounts")}}},
            "/api/v1/people": {
                "get": {"summary": "List people the caller may see", "operationId": "listPeople", "parameters": people_params, "responses": {"200": answer("A page of people", "PersonPage")}},
                "post": {"summary": "Add a person", "operationId": "createPerson", "requestBody": body("PersonInput"), "responses": {"201": answer("Created", "Person")}}},
            "/api/v1/people/{id}": {
                "get": {"summary": "One person", "operationId": "getPerson", "parameters": [id], "responses": {"200": answer("The person", "Person")}},
                "put": {"summary": "Change the named fields of a person", "operationId": "updatePerson", "parameters": [id], "requestBody": body("PersonChange"), "responses": {"200": answer("As stored", "Person")}}},
            "/api/v1/people/{id}/archive": {"post": {"summary": "Archive", "operationId": "archivePerson", "parameters": [id], "requestBody": body("Version"), "responses": {"200": answer("As stored", "Person")}}},
            "/api/v1/people/{id}/restore": {"post": {"summary": "Restore", "operationId": "restorePerson", "parameters": [id], "requestBody": body("Version"), "responses": {"200": answer("As stored", "Person")}}}
        },
        "schemas": schemas
    })
}
