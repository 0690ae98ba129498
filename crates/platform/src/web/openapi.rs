//! Building blocks for the modules' OpenAPI fragments, so that every module describes the same
//! things (paths ids, paging, reach fields, create and change bodies) in the same words. The
//! shell completes each operation with the answers every route gives (see
//! `api::complete_operation`).

use kumiai_core::Reach;
use serde_json::{Map, Value, json};

/// `{"$ref": "#/components/schemas/<name>"}`.
pub fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A required JSON request body of schema `name`.
pub fn body(name: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema(name)}}})
}

/// A JSON answer of schema `name`.
pub fn answer(description: &str, name: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema(name)}}})
}

/// The `{id}` path parameter: a record's id, a positive whole number.
pub fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}})
}

/// An optional query parameter.
pub fn query(name: &str, schema: Value, description: &str) -> Value {
    let mut p = json!({"name": name, "in": "query", "schema": schema});
    if !description.is_empty() {
        p["description"] = json!(description);
    }
    p
}

/// An optional whole number in a query string; empty reads as absent, as an HTML form sends it.
pub fn optional_integer() -> Value {
    json!({"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 0}]})
}

/// One of `codes`, or empty for "any".
pub fn optional_choice(codes: &[&str]) -> Value {
    let mut all = vec![""];
    all.extend_from_slice(codes);
    json!({"type": "string", "enum": all})
}

/// `page` (and `per_page` up to `max_per_page`, when the list lets callers choose). A page past
/// the end answers an empty list; a number too large to be a page is clamped, never an error.
pub fn paging_params(max_per_page: Option<i64>) -> Vec<Value> {
    let mut v = vec![query("page", optional_integer(), "1-based: below 1 reads as 1; past the last page the list is empty")];
    if let Some(max) = max_per_page {
        v.push(query("per_page", optional_integer(), &format!("1 to {max}: values outside read as the nearest")));
    }
    v
}

/// A page of a list: `items` of schema `item`.
pub fn page_of(item: &str) -> Value {
    json!({"type": "object", "required": ["total", "page", "per_page", "items"], "properties": {
        "total": {"type": "integer", "description": "Exact"},
        "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "items": {"type": "array", "items": schema(item)}}})
}

/// Text, or `null` for "none".
pub fn nullable(schema: Value) -> Value {
    json!({"anyOf": [schema, {"type": "null"}]})
}

/// The reach values, as the API writes and reads them.
pub fn reach_enum() -> Value {
    json!({"type": "string", "enum": Reach::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()})
}

/// The fields every reach-governed record takes on input: reach, subtree, embargo, shares.
/// Organisations are named by code; the stand-in for a hidden organisation keeps it.
pub fn reach_input_properties() -> Map<String, Value> {
    let mut m = Map::new();
    let mut reach = reach_enum();
    reach["description"] = json!("Who may see the record: hq | industrial | affiliates | public");
    m.insert("reach".into(), reach);
    m.insert("scope".into(), json!({"type": "string", "description": "Code of the organisation whose subtree may see the record; empty for all"}));
    m.insert("embargo_until".into(), json!({"type": "string", "description": "Japan time, 2026-03-12T10:00; empty for none"}));
    m.insert("shared_with".into(), json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "description": "Organisation codes, comma-separated or as a list"}));
    m
}

/// The pair of input schemas for one entity. `<name>Input` creates: `required` names the fields
/// a create needs (reach among them: a record never gets a reach nobody chose). `<name>Change`
/// changes: only `version` is required, and every field it does not name keeps its stored value.
/// A change that names a field the record does not have is refused (422).
pub fn input_schemas(name: &str, properties: Map<String, Value>, required: &[&str], description: &str) -> [(String, Value); 2] {
    let mut create = json!({"type": "object", "required": required, "properties": properties.clone()});
    if !description.is_empty() {
        create["description"] = json!(description);
    }
    let mut change_props = properties;
    for v in change_props.values_mut() {
        // A change may clear a field with null.
        *v = nullable(v.clone());
    }
    change_props.insert("version".into(), json!({"type": "integer", "description": "The version the change is based on"}));
    let change = json!({"type": "object", "required": ["version"], "properties": change_props, "additionalProperties": false,
        "description": "PATCH semantics: fields not named keep their stored values; reach never changes unless named"});
    [(format!("{name}Input"), create), (format!("{name}Change"), change)]
}

/// `{"type": "string"}` for each name.
pub fn strings(names: &[&str]) -> Map<String, Value> {
    names.iter().map(|n| (n.to_string(), json!({"type": "string"}))).collect()
}
