//! Changes as clients send them. One rule for every entity, in forms and in the API: a change
//! names the fields it changes and keeps every other field as stored (PATCH semantics). A `PUT`
//! without `reach` never widens or narrows a record; a form without a field never wipes it.

use crate::error::{AppError, AppResult, FieldError, body_rejection};
use crate::web::extract::BODY_LIMIT;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use kumiai_core::Msg;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The version a change is based on, as archive, restore and delete forms send it.
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct VersionForm {
    pub version: i64,
}

/// The fields a request names, from a JSON object or a form.
#[derive(Clone, Debug, Default)]
pub struct Patch {
    fields: Map<String, Value>,
}

/// A save based on an older version, merged field by field: the writer's value where they changed
/// a field since `base` (what their form showed), the current value everywhere else. Fields both
/// sides changed, to different values, are a real conflict: their names come back instead.
pub fn merge3<T: serde::Serialize + serde::de::DeserializeOwned>(base: &T, yours: &T, current: &T) -> Result<T, Vec<String>> {
    let as_map = |v: &T| serde_json::to_value(v).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default();
    let (base, yours, mut merged) = (as_map(base), as_map(yours), as_map(current));
    let mut both = vec![];
    for (key, mine) in &yours {
        let was = base.get(key);
        if was == Some(mine) {
            continue;
        }
        match merged.get(key) {
            Some(now) if now != mine && Some(now) != was => both.push(key.clone()),
            _ => {
                merged.insert(key.clone(), mine.clone());
            }
        }
    }
    if !both.is_empty() {
        return Err(both);
    }
    serde_json::from_value(Value::Object(merged)).map_err(|e| vec![e.to_string()])
}

/// Keys that travel with a change but are not fields of the record.
const CONTROL_KEYS: [&str; 3] = ["version", "_csrf", "_do"];

impl Patch {
    pub fn from_map(fields: Map<String, Value>) -> Patch {
        Patch { fields }
    }
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Patch {
        Patch { fields: pairs.into_iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect() }
    }
    /// What the form's button asked for (`_do`: "preview", "changes"), or "" to save.
    pub fn asked(&self) -> &str {
        self.fields.get("_do").and_then(|v| v.as_str()).unwrap_or("")
    }
    /// Whether the request names `key`.
    pub fn names(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }
    /// The version the change is based on; required to change a stored record.
    pub fn version(&self) -> AppResult<i64> {
        let v = self.fields.get("version");
        let n = match v {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => crate::text::parse_int(s),
            _ => None,
        };
        n.ok_or_else(|| {
            let shown = v.map(|v| v.to_string()).unwrap_or_default();
            AppError::Validation(vec![if shown.is_empty() {
                FieldError::new("version", "変更の元にした版（version）を指定してください。", "Give the version the change is based on (version).")
            } else {
                FieldError::refused("version", &shown, "版（version）は整数です。", "The version is a whole number.")
            }])
        })
    }
    /// `base` with the named fields replaced. Values are text (numbers are taken as their digits,
    /// `null` as empty, a list of codes as a comma-separated list); a name `base` does not have is
    /// an error that names it.
    pub fn apply<T: Serialize + DeserializeOwned>(&self, base: &T) -> AppResult<T> {
        let mut merged = match serde_json::to_value(base) {
            Ok(Value::Object(m)) => m,
            _ => return Err(AppError::Internal(anyhow::anyhow!("a patch applies to a record's fields"))),
        };
        let mut errs = vec![];
        for (k, v) in &self.fields {
            if CONTROL_KEYS.contains(&k.as_str()) {
                continue;
            }
            if !merged.contains_key(k) {
                errs.push(FieldError::refused(k.clone(), k, "この項目はありません。", "There is no such field."));
                continue;
            }
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Null => String::new(),
                Value::Array(items) if items.iter().all(|i| i.is_string() || i.is_number()) => {
                    items.iter().map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string())).collect::<Vec<_>>().join(",")
                }
                other => {
                    errs.push(FieldError::refused(k.clone(), &other.to_string(), "文字で指定してください。", "Give this field as text."));
                    continue;
                }
            };
            merged.insert(k.clone(), Value::String(text));
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        serde_json::from_value(Value::Object(merged)).map_err(|e| AppError::BadRequest(Msg::new(format!("内容を読めません：{e}"), format!("Cannot read the fields: {e}"))))
    }
}

impl<S: Send + Sync> FromRequest<S> for Patch {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            let v: Value = match axum::Json::<Value>::from_request(req, state).await {
                Ok(axum::Json(v)) => v,
                Err(e) => return Err(body_rejection(e.status(), &e.body_text(), BODY_LIMIT, ("JSONの本文", "JSON body"))),
            };
            return match v {
                Value::Object(fields) => Ok(Patch { fields }),
                _ => Err(AppError::BadRequest(Msg::new("JSONの本文はオブジェクト（{…}）にしてください。", "The JSON body must be an object ({…})."))),
            };
        }
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(pairs)) => Ok(Patch { fields: pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect() }),
            Err(e) => Err(body_rejection(e.status(), &e.body_text(), BODY_LIMIT, ("フォームの内容", "form"))),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn stale_saves_merge_what_only_one_side_changed() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
        struct F {
            name: String,
            note: String,
            reach: String,
        }
        let base = F { name: "金属労協".into(), note: "".into(), reach: "hq".into() };
        let theirs = F { note: "出典を追記".into(), ..base.clone() };
        let mine = F { name: "全日本金属産業労働組合協議会".into(), ..base.clone() };
        assert_eq!(merge3(&base, &mine, &theirs).unwrap(), F { name: mine.name.clone(), note: theirs.note.clone(), reach: "hq".into() });
        let clash = F { name: "JCM".into(), ..theirs.clone() };
        assert_eq!(merge3(&base, &mine, &clash).unwrap_err(), ["name"]);
        let same = F { name: mine.name.clone(), ..theirs.clone() };
        assert_eq!(merge3(&base, &mine, &same).unwrap(), same, "the same change on both sides is no conflict");
    }

    use super::*;

    #[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
    #[serde(default)]
    struct Input {
        name: String,
        reach: String,
        shared_with: String,
    }

    #[test]
    fn omitted_fields_keep_their_stored_values() {
        let stored = Input { name: "金属労協".into(), reach: "hq".into(), shared_with: "TEAM".into() };
        let p = Patch::from_map(serde_json::json!({"version": 3, "name": "JCM"}).as_object().unwrap().clone());
        assert_eq!(p.version().unwrap(), 3);
        assert_eq!(p.apply(&stored).unwrap(), Input { name: "JCM".into(), ..stored.clone() }, "reach stays hq");
        let lists = Patch::from_map(serde_json::json!({"shared_with": ["TEAM", "FSPMI"], "reach": null}).as_object().unwrap().clone());
        assert_eq!(lists.apply(&stored).unwrap(), Input { shared_with: "TEAM,FSPMI".into(), reach: String::new(), ..stored.clone() });
        let AppError::Validation(errs) = Patch::from_pairs([("nmae", "x")]).apply(&stored).unwrap_err() else { panic!() };
        assert_eq!(errs[0].field, "nmae");
        assert!(Patch::default().version().is_err(), "a change must say which version it is based on");
        assert!(Patch::from_pairs([("version", "２")]).version().is_ok_and(|v| v == 2));
    }
}
