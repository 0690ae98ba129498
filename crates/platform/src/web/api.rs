//! The JSON API's shared parts: the OpenAPI document (assembled from every module's paths), the
//! reader's own account, and the audit log for head-office admins. Errors are JSON with a stable
//! `code` (see `AppError::code`), rendered by the shell.

use super::ctx::Ctx;
use super::extract::QueryParams;
use super::{AppState, Guard, Route, openapi};
use crate::audit::{self, AuditFilter};
use crate::error::AppResult;
use crate::module::Module;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

pub fn module() -> Module {
    Module {
        routes: vec![
            Route::get("/api/openapi.json", Guard::Open, get(openapi)),
            Route::get("/api/v1/me", Guard::Open, get(me)),
            Route::get("/api/v1/audit", Guard::Reach, get(audit_api)),
        ],
        openapi: json!({
            "paths": {
                "/api/v1/me": {"get": {"summary": "The caller's account", "operationId": "me",
                    "responses": {"200": {"description": "Account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
                                  "401": {"$ref": "#/components/responses/Error"}}}},
                "/api/v1/audit": {"get": {"summary": "Audit log (head-office admins; others get 404)", "operationId": "auditLog",
                    "parameters": [
                        openapi::query("entity", json!({"type": "string"}), "organisation, person, wiki_page, …"),
                        openapi::query("actor", json!({"type": "string"}), "A login"),
                        openapi::query("action", json!({"type": "string"}), "create, update, archive, restore, …"),
                        openapi::query("record_id", openapi::optional_integer(), ""),
                        openapi::query("page", openapi::optional_integer(), "1-based: below 1 reads as 1")],
                    "responses": {"200": {"description": "Entries, newest first", "content": {"application/json": {"schema": {"type": "object",
                        "required": ["total", "page", "per_page", "items"], "properties": {"total": {"type": "integer"}, "page": {"type": "integer"},
                        "per_page": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}}}}},
                                  "401": {"$ref": "#/components/responses/Error"}}}}
            },
            "schemas": {
                "Me": {"type": "object", "required": ["user_id", "login", "org_id", "tier", "role"], "properties": {
                    "user_id": {"type": "integer"}, "login": {"type": "string"}, "display_name": {"type": "string"},
                    "org_id": {"type": "integer"}, "tier": {"type": "string", "enum": ["hq", "industrial", "enterprise", "partner"]},
                    "role": {"type": "string", "enum": ["viewer", "editor", "admin"]}, "csrf_token": {"type": "string"}}}
            }
        }),
        ..Module::new("api")
    }
}

/// Merges the modules' `paths` and `schemas` into one OpenAPI 3.1 document.
pub fn openapi_document(parts: &[Value]) -> Value {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "description": "Stable: not_found, unauthorized, forbidden, bad_request, validation_failed, version_conflict, too_many_requests, payload_too_large, csrf_rejected, internal"},
            "message": {"type": "string"}, "message_ja": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
                "field": {"type": "string"}, "row": {"type": "integer"}, "file": {"type": "string"},
                "message": {"type": "object", "required": ["ja", "en"], "properties": {"ja": {"type": "string"}, "en": {"type": "string"}}}}}},
            "yours": {"type": "object", "description": "On version_conflict: the record as the rejected change would have left it (same keys as current)"},
            "current": {"type": "object", "description": "On version_conflict: the record as stored"}}}}}),
    );
    schemas.insert(
        "Conflict".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message", "yours", "current"], "properties": {
            "code": {"const": "version_conflict"}, "message": {"type": "string"}, "message_ja": {"type": "string"},
            "yours": {"type": "object", "description": "The record as the rejected change would have left it; the same keys as current"},
            "current": {"type": "object", "description": "The record as stored now"}}}}}),
    );
    for p in parts {
        if let Some(m) = p.get("paths").and_then(Value::as_object) {
            paths.extend(m.clone());
        }
        if let Some(m) = p.get("schemas").and_then(Value::as_object) {
            schemas.extend(m.clone());
        }
    }
    for (_, item) in paths.iter_mut() {
        let Some(ops) = item.as_object_mut() else { continue };
        for (method, op) in ops.iter_mut() {
            complete_operation(method, op);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Kumiai API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Every response is filtered by the caller's reach. A record the caller may not see answers 404, exactly like a missing one."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token from `kumiai user token` or the account page"},
                "session": {"type": "apiKey", "in": "cookie", "name": "kumiai_session", "description": "Browser session; state changes also need the X-CSRF-Token header"}
            },
            "responses": {
                "Error": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "Conflict": {"description": "The change was based on an old version: both versions, in the same shape", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conflict"}}}}
            }
        }
    })
}

/// What every operation answers that the modules need not repeat: 400 for a malformed request
/// (path, query or body), 413 for a body over the limit, 401/403 for writes, the conflict
/// schema for 409. Reading is open to anonymous callers (reach decides what they get); writing
/// needs a token or a session.
fn complete_operation(method: &str, op: &mut Value) {
    let Some(o) = op.as_object_mut() else { return };
    let err = json!({"$ref": "#/components/responses/Error"});
    let responses = o.entry("responses").or_insert_with(|| json!({}));
    if let Some(r) = responses.as_object_mut() {
        r.entry("400").or_insert_with(|| err.clone());
        if method != "get" {
            r.entry("401").or_insert_with(|| err.clone());
            r.entry("403").or_insert_with(|| err.clone());
            r.entry("413").or_insert_with(|| err.clone());
            r.insert("409".into(), json!({"$ref": "#/components/responses/Conflict"}));
            r.entry("422").or_insert_with(|| err.clone());
        }
        r.entry("404").or_insert_with(|| err.clone());
    }
    if method == "get" && !o.contains_key("security") {
        o.insert("security".into(), json!([{}, {"bearer": []}, {"session": []}]));
    }
}

async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(state.openapi.clone())
}

async fn me(ctx: Ctx) -> AppResult<Json<Value>> {
    let a = ctx.account()?;
    Ok(Json(json!({
        "user_id": a.user_id, "login": a.login, "display_name": a.display_name, "org_id": a.org_id,
        "tier": a.tier.as_str(), "role": a.role.as_str(), "csrf_token": ctx.csrf,
    })))
}

async fn audit_api(ctx: Ctx, QueryParams(mut f): QueryParams<AuditFilter>) -> AppResult<Json<Value>> {
    super::admin::require_hq_admin(&ctx)?;
    f.check(&ctx.state.entities)?;
    let (entries, total) = audit::search(ctx.db(), &f).await?;
    Ok(Json(json!({"total": total, "page": f.paging().page, "per_page": audit::AUDIT_PAGE, "items": entries})))
}
