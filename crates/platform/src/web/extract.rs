//! Body extractors whose rejections are `AppError`s, so a malformed form or JSON body gets the same
//! bilingual error (JSON under /api, a page elsewhere) as everything else.

use crate::error::AppError;
use axum::extract::{FromRequest, Request};
use kumiai_core::Msg;
use serde::de::DeserializeOwned;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(AppError::BadRequest(Msg::new(format!("JSONの本文を読めません：{}", e.body_text()), format!("Cannot read the JSON body: {}", e.body_text())))),
        }
    }
}

pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(FormBody(v)),
            Err(e) => Err(AppError::BadRequest(Msg::new(format!("フォームの内容を読めません：{}", e.body_text()), format!("Cannot read the form: {}", e.body_text())))),
        }
    }
}

/// Query-string parameters; a malformed query is a bilingual 400 like any other error.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(QueryParams(v)),
            Err(e) => Err(AppError::BadRequest(Msg::new(format!("URLの条件を読めません：{}", e.body_text()), format!("Cannot read the query: {}", e.body_text())))),
        }
    }
}

/// For `Option<i64>` query fields: an empty value (`?parent=`) means none, as a form sends it.
pub fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}
