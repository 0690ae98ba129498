//! One error type for every handler. A handler returns `Err(AppError)`; the response carries the
//! error as an extension, and the shell's error middleware renders it once: as JSON under `/api`,
//! as a page in the reader's language elsewhere. Hidden records and missing ones give the same
//! `NotFound`, so no response confirms that a record exists.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kumiai_core::Msg;
use serde::Serialize;

/// A validation problem, located as precisely as the input allows.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FieldError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    pub field: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError { file: None, row: None, field: field.into(), message: Msg::new(ja, en) }
    }
    /// An error about a value the user gave: the message quotes it (control characters made
    /// visible, long values shortened), so the user sees what was refused.
    pub fn refused(field: impl Into<String>, value: &str, ja: impl AsRef<str>, en: impl AsRef<str>) -> FieldError {
        let shown = crate::text::quote_value(value);
        FieldError::new(field, format!("「{shown}」：{}", ja.as_ref()), format!("'{shown}': {}", en.as_ref()))
    }
    pub fn at(mut self, file: &str, row: usize) -> FieldError {
        self.file = Some(file.to_string());
        self.row = Some(row);
        self
    }
}

#[derive(Debug)]
pub enum AppError {
    NotFound,
    /// Login needed (pages redirect to the login form, the API answers 401).
    Unauthorized,
    /// The reader sees the record but may not do this to it.
    Forbidden,
    BadRequest(Msg),
    Validation(Vec<FieldError>),
    /// A save based on an old version. Both versions go back to the client.
    Conflict {
        yours: serde_json::Value,
        current: serde_json::Value,
        /// (field, Japanese, English): what the conflict page calls the fields.
        labels: &'static [(&'static str, &'static str, &'static str)],
    },
    TooManyRequests(Msg),
    /// The request body is larger than the route accepts.
    TooLarge { limit_bytes: usize },
    Csrf,
    Internal(anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code API clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::BadRequest(_) => "bad_request",
            AppError::Validation(_) => "validation_failed",
            AppError::Conflict { .. } => "version_conflict",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::TooLarge { .. } => "payload_too_large",
            AppError::Csrf => "csrf_rejected",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn message(&self) -> Msg {
        match self {
            AppError::NotFound => Msg::new("ページが見つかりません。", "Not found."),
            AppError::Unauthorized => Msg::new("ログインしてください。", "Please log in."),
            AppError::Forbidden => Msg::new("この操作の権限がありません。", "You may not do this."),
            AppError::BadRequest(m) | AppError::TooManyRequests(m) => m.clone(),
            AppError::Validation(_) => Msg::new("入力に誤りがあります。", "Some input is invalid."),
            AppError::TooLarge { limit_bytes } => {
                let mb = crate::text::megabytes(*limit_bytes);
                Msg::new(format!("送信内容が大きすぎます（上限 {mb}）。"), format!("The request is too large (the limit is {mb})."))
            }
            AppError::Conflict { .. } => Msg::new(
                "他の人が先に変更を保存しました。両方の版を確認してください。",
                "Someone else saved a change first. Compare both versions.",
            ),
            AppError::Csrf => Msg::new(
                "フォームの有効期限が切れたか、別のサイトから送信されました。ページを開き直してください。",
                "The form expired or came from another site. Reload the page and try again.",
            ),
            AppError::Internal(_) => Msg::new("内部エラーが発生しました。", "Internal error."),
        }
    }

    pub fn json_body(&self) -> serde_json::Value {
        let mut err = serde_json::json!({
            "code": self.code(),
            "message": self.message().en,
            "message_ja": self.message().ja,
        });
        match self {
            AppError::Validation(fields) => err["fields"] = serde_json::to_value(fields).unwrap_or_default(),
            AppError::Conflict { yours, current, .. } => {
                err["yours"] = yours.clone();
                err["current"] = current.clone();
            }
            _ => {}
        }
        serde_json::json!({ "error": err })
    }
}

/// Carried on the response until the error middleware renders it.
#[derive(Clone)]
pub struct RenderError(pub std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %e, "internal error");
        }
        let mut resp = self.status().into_response();
        resp.extensions_mut().insert(RenderError(std::sync::Arc::new(self)));
        resp
    }
}

/// The status a body extractor refused with, as an `AppError`: 413 stays 413 (with the limit),
/// anything else is a bilingual 400 quoting the reason.
pub fn body_rejection(status: StatusCode, text: &str, limit_bytes: usize, what: (&str, &str)) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge { limit_bytes };
    }
    AppError::BadRequest(Msg::new(format!("{}を読めません：{text}", what.0), format!("Cannot read the {}: {text}", what.1)))
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// An error as the command line prints it: every field error with its file, row and column, in
/// both languages.
pub fn cli_error(e: AppError) -> anyhow::Error {
    match e {
        AppError::Validation(errs) => {
            let lines: Vec<String> = errs
                .iter()
                .map(|e| {
                    let at = match (&e.file, e.row) {
                        (Some(f), Some(r)) => format!("{f}:{r}: "),
                        (Some(f), None) => format!("{f}: "),
                        _ => String::new(),
                    };
                    let col = if e.field.is_empty() { String::new() } else { format!("[{}] ", e.field) };
                    format!("  {at}{col}{} / {}", e.message.ja, e.message.en)
                })
                .collect();
            anyhow::anyhow!("入力に誤りがあります。何も保存していません / Invalid input; nothing was saved:\n{}", lines.join("\n"))
        }
        AppError::Internal(e) => e,
        other => {
            let m = other.message();
            anyhow::anyhow!("{} / {} ({})", m.ja, m.en, other.code())
        }
    }
}
