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
use kumiai_core::{OrgId, PersonId, time};
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
    Ok(Json(json!({"total": total.count, "total_is_lower_bound": total.capped, "page": paging.page, "per_page": paging.per_page, "fiscal_year": ctx.fiscal_year().0, "items": rows})))
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
    Ok(Json(json!({"total": total.count, "total_is_lower_bound": total.capped, "page": paging.page, "per_page": paging.per_page, "items": rows.iter().map(row_json).collect::<Vec<_>>()})))
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
    let err = json!({"$ref": "#/components/responses/Error"});
    let id_param = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let list_params = json!([
        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Name, reading or code contains"},
        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["head_office", "industrial_union", "enterprise_union", "company", "overseas_site", "overseas_union", "external_body"]}},
        {"name": "parent", "in": "query", "schema": {"type": "integer"}},
        {"name": "country", "in": "query", "schema": {"type": "string"}},
        {"name": "archived", "in": "query", "schema": {"type": "string", "enum": ["", "include", "only"]}},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["name", "code", "kind", "members", "country", "updated"]}},
        {"name": "dir", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}]);
    let people_params = json!([
        {"name": "q", "in": "query", "schema": {"type": "string"}},
        {"name": "org", "in": "query", "schema": {"type": "integer"}},
        {"name": "gender", "in": "query", "schema": {"type": "string", "enum": ["female", "male", "other", "unstated"]}},
        {"name": "archived", "in": "query", "schema": {"type": "string"}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}]);
    let str_props = |names: &[&str]| -> Value { Value::Object(names.iter().map(|n| (n.to_string(), json!({"type": "string"}))).collect()) };
    let org_fields = ["code", "kind", "parent", "company", "name_ja", "name_kana", "name_en", "country", "note", "reach", "scope", "embargo_until", "shared_with"];
    let person_fields = ["org", "name_kanji", "name_kana", "name_latin", "gender", "position_ja", "position_en", "term_start", "term_end", "email", "note", "reach", "scope", "embargo_until", "shared_with"];
    let mut org_update = str_props(&org_fields);
    org_update["version"] = json!({"type": "integer"});
    let mut person_update = str_props(&person_fields);
    person_update["version"] = json!({"type": "integer"});
    json!({
        "paths": {
            "/api/v1/organisations": {
                "get": {"summary": "List organisations the caller may see", "operationId": "listOrganisations", "parameters": list_params, "responses": {"200": ok("Page")}},
                "post": {"summary": "Create an organisation", "operationId": "createOrganisation", "requestBody": body("OrganisationInput"), "responses": {"201": ok("Organisation"), "403": err, "422": err}}},
            "/api/v1/organisations/{id}": {
                "get": {"summary": "One organisation", "operationId": "getOrganisation", "parameters": [id_param], "responses": {"200": ok("Organisation"), "404": err}},
                "put": {"summary": "Change an organisation (moving it if the parent changes)", "operationId": "updateOrganisation", "parameters": [id_param], "requestBody": body("OrganisationUpdate"),
                        "responses": {"200": ok("Organisation"), "404": err, "409": err, "422": err}}},
            "/api/v1/organisations/{id}/archive": {"post": {"summary": "Archive", "operationId": "archiveOrganisation", "parameters": [id_param], "requestBody": body("Version"), "responses": {"200": ok("Organisation"), "404": err, "409": err, "422": err}}},
            "/api/v1/organisations/{id}/restore": {"post": {"summary": "Restore", "operationId": "restoreOrganisation", "parameters": [id_param], "requestBody": body("Version"), "responses": {"200": ok("Organisation"), "404": err, "409": err}}},
            "/api/v1/organisations/{id}/member-counts": {
                "get": {"summary": "Member counts per fiscal year", "operationId": "getMemberCounts", "parameters": [id_param], "responses": {"200": {"description": "Counts"}, "404": err}},
                "put": {"summary": "Record one fiscal year's counts", "operationId": "putMemberCounts", "parameters": [id_param], "requestBody": body("MemberCountInput"), "responses": {"200": {"description": "Counts"}, "404": err, "409": err, "422": err}}},
            "/api/v1/people": {
                "get": {"summary": "List people the caller may see", "operationId": "listPeople", "parameters": people_params, "responses": {"200": ok("Page")}},
                "post": {"summary": "Add a person", "operationId": "createPerson", "requestBody": body("PersonInput"), "responses": {"201": ok("Person"), "403": err, "422": err}}},
            "/api/v1/people/{id}": {
                "get": {"summary": "One person", "operationId": "getPerson", "parameters": [id_param], "responses": {"200": ok("Person"), "404": err}},
                "put": {"summary": "Change a person", "operationId": "updatePerson", "parameters": [id_param], "requestBody": body("PersonUpdate"), "responses": {"200": ok("Person"), "404": err, "409": err, "422": err}}},
            "/api/v1/people/{id}/archive": {"post": {"summary": "Archive", "operationId": "archivePerson", "parameters": [id_param], "requestBody": body("Version"), "responses": {"200": ok("Person"), "404": err, "409": err}}},
            "/api/v1/people/{id}/restore": {"post": {"summary": "Restore", "operationId": "restorePerson", "parameters": [id_param], "requestBody": body("Version"), "responses": {"200": ok("Person"), "404": err, "409": err}}}
        },
        "schemas": {
            "Page": {"type": "object", "properties": {"total": {"type": "integer", "description": "Exact up to 10,000; beyond, 10,000 with total_is_lower_bound"}, "total_is_lower_bound": {"type": "boolean"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}},
            "Version": {"type": "object", "required": ["version"], "properties": {"version": {"type": "integer"}}},
            "OrganisationInput": {"type": "object", "required": ["code", "kind", "name_ja"], "properties": str_props(&org_fields),
                "description": "Other organisations are named by code. reach: hq | industrial | affiliates | public. embargo_until: 2026-03-12T10:00 (Japan time)."},
            "OrganisationUpdate": {"type": "object", "required": ["version", "code", "name_ja"], "properties": org_update},
            "Organisation": {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "kind": {"type": "string"}, "name_ja": {"type": "string"}, "version": {"type": "integer"}, "reach": {"type": "string"}}},
            "MemberCountInput": {"type": "object", "required": ["fiscal_year", "members"], "properties": {"fiscal_year": {"type": "string"}, "members": {"type": "string"}, "dues_paying": {"type": "string"}, "version": {"type": "integer"}}},
            "PersonInput": {"type": "object", "required": ["org", "name_kanji"], "properties": str_props(&person_fields)},
            "PersonUpdate": {"type": "object", "required": ["version", "org", "name_kanji"], "properties": person_update},
            "Person": {"type": "object", "properties": {"id": {"type": "integer"}, "name_kanji": {"type": "string"}, "version": {"type": "integer"}}}
        }
    })
}
