//! Extractors whose rejections are `AppError`s, so a malformed form, JSON body, query or path gets
//! the same bilingual error (JSON under /api, a page elsewhere) as everything else, and a body
//! over the limit is a 413 that says the limit.

use crate::error::{AppError, body_rejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use kumiai_core::Msg;
use serde::de::DeserializeOwned;

/// axum's default limit for JSON and form bodies (`DefaultBodyLimit`), unless a route sets another.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(body_rejection(e.status(), &e.body_text(), BODY_LIMIT, ("JSONの本文", "JSON body"))),
        }
    }
}

pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(FormBody(v)),
            Err(e) => Err(body_rejection(e.status(), &e.body_text(), BODY_LIMIT, ("フォームの内容", "form"))),
        }
    }
}

/// Query-string parameters; a malformed query is a bilingual 400 like any other error.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(QueryParams(v)),
            Err(e) => Err(AppError::BadRequest(Msg::new(format!("URLの条件を読めません：{}", e.body_text()), format!("Cannot read the query: {}", e.body_text())))),
        }
    }
}

/// Path parameters (typed ids): `/api/v1/organisations/abc` is a bilingual 400, JSON under /api.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PathParams(v)),
            Err(e) => Err(AppError::BadRequest(Msg::new(
                format!("URLのIDを読めません（数字で指定してください）：{}", e.body_text()),
                format!("Cannot read the id in the URL (it is a number): {}", e.body_text()),
            ))),
        }
    }
}

/// For `Option<i64>` query fields: an empty value (`?parent=`) means none, as a form sends it;
/// full-width digits are read as digits.
pub fn empty_as_none<'de, D: serde::Deserializer<'de>, T: From<i64>>(d: D) -> Result<Option<T>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => crate::text::parse_int(v).map(|n| Some(T::from(n))).ok_or_else(|| serde::de::Error::custom(format!("'{}' is not a number", crate::text::quote_value(v)))),
    }
}

/// For enum query fields (`?kind=`, `?gender=`): empty means none; a value that is not one of
/// the type's codes is a 400 that names it.
pub fn blank_as_none<'de, D: serde::Deserializer<'de>, T: TryFrom<String, Error: std::fmt::Display>>(d: D) -> Result<Option<T>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    match s.map(|s| s.trim().to_string()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => T::try_from(v).map(Some).map_err(serde::de::Error::custom),
    }
}

/// For text fields that hold numbers (`"members": 15500` or `"members": "１５５００"`): a JSON
/// number is taken as its digits and `null` as empty, so the field's own validation sees text and
/// names the value it refuses.
pub fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Text(String),
        Number(serde_json::Number),
        Nothing(()),
    }
    Ok(match serde::Deserialize::deserialize(d)? {
        Loose::Text(s) => s,
        Loose::Number(n) => n.to_string(),
        Loose::Nothing(()) => String::new(),
    })
}

/// A day typed in a list filter ("2026-03-12"): empty is none; anything else that is not a date
/// is a 400 that names it. `what` is the filter's name, (Japanese, English).
pub fn parse_day(value: &str, what: (&str, &str)) -> Result<Option<jiff::civil::Date>, AppError> {
    match value.trim() {
        "" => Ok(None),
        d => kumiai_core::time::parse_date(d).map(Some).ok_or_else(|| {
            let d = crate::text::quote_value(d);
            AppError::BadRequest(Msg::new(format!("{}「{d}」を日付（2026-03-12 の形）として読めません。", what.0), format!("Cannot read the {} '{d}' as a date (like 2026-03-12).", what.1)))
        }),
    }
}
