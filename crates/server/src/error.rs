//! The one HTTP error type, [`ApiError`], and the start-up error, [`ServerError`].
//!
//! Every handler, extractor and middleware answers failures through [`ApiError`], so every
//! error response has the same JSON shape, `{"code", "message"}` (plus `field` for
//! validation failures). It is also the only place that logs failures: internal details go
//! to the server log, never to the client.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chainward_core::model::InvalidValue;
use chainward_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A stable, machine-readable error code; clients branch on it, not on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// 404: no such record or route.
    NotFound,
    /// 401: no valid credentials (an API token, or a session for the web UI).
    Unauthenticated,
    /// 403: the caller's role may not do this.
    Forbidden,
    /// 429: too many attempts; try again later.
    TooManyRequests,
    /// 422: a value failed validation; `field` names it.
    Invalid,
    /// 409: a unique name or identifier is taken.
    Conflict,
    /// 413: the request body is larger than the server accepts.
    PayloadTooLarge,
    /// 400: malformed JSON, query string or path parameter.
    BadRequest,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 503: the database is unreachable or the request took too long.
    Unavailable,
    /// 500: a fault of the server; the details are in its log.
    Internal,
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What kind of failure.
    pub code: ErrorCode,
    /// What went wrong, for people; lower case, and where possible says what to do next.
    pub message: String,
    /// For `invalid`: the field at fault, as the API spells it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Everything that can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No such record or route.
    #[error("{0}")]
    NotFound(String),
    /// No valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts.
    #[error("{0}")]
    TooManyRequests(String),
    /// A value failed validation.
    #[error("{message}")]
    Invalid {
        /// The field, as the API spells it.
        field: String,
        /// What is wrong with it (the field name included).
        message: String,
    },
    /// A unique name or identifier is taken, or a link would duplicate another.
    #[error("{0}")]
    Conflict(String),
    /// The request body is too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Malformed JSON, query string or path parameter.
    #[error("{0}")]
    BadRequest(String),
    /// The route exists, but not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The database is unavailable, or the request ran out of time. The message is shown
    /// to the client; `detail` goes to the log only.
    #[error("{message}")]
    Unavailable {
        /// What the client is told.
        message: String,
        /// What the log is told.
        detail: Option<String>,
    },
    /// A fault of the server; the text goes to the log only.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// A fault of the server, from anything that can be printed.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ApiError::Internal(detail.to_string())
    }

    /// A validation failure of a value the client sent in the body (422).
    pub fn invalid(value: InvalidValue) -> Self {
        ApiError::Invalid { field: value.field.to_owned(), message: value.to_string() }
    }

    /// A bad query or path value (400), with the field named in the message.
    pub fn bad_value(value: InvalidValue) -> Self {
        ApiError::BadRequest(value.to_string())
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::TooManyRequests(_) => ErrorCode::TooManyRequests,
            ApiError::Invalid { .. } => ErrorCode::Invalid,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            ApiError::BadRequest(_) => ErrorCode::BadRequest,
            ApiError::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            ApiError::Unavailable { .. } => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Writes the failures the operator must see to the log: server faults and an
    /// unavailable database. Client mistakes are not logged; they are the client's to fix.
    pub(crate) fn log(&self) {
        match self {
            ApiError::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            ApiError::Unavailable { message, detail } => {
                tracing::warn!(error = detail.as_deref().unwrap_or(message), "service unavailable");
            }
            _ => {}
        }
    }

    /// The body the client sees.
    pub fn body(&self) -> ErrorBody {
        let message = match self {
            ApiError::Internal(_) => "internal error, see the server log".to_owned(),
            other => other.to_string(),
        };
        let field = match self {
            ApiError::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        ErrorBody { code: self.code(), message, field }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        (self.status(), Json(self.body())).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => ApiError::NotFound(error.to_string()),
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::Forbidden(message) => ApiError::Forbidden(message),
            StoreError::Invalid(value) => ApiError::invalid(value),
            StoreError::Unavailable { .. } => ApiError::Unavailable {
                message: "the database is unavailable; try again later".to_owned(),
                detail: Some(error.to_string()),
            },
            StoreError::UnknownScheme(_) | StoreError::Database(_) => ApiError::internal(error),
        }
    }
}

/// Rejection texts of axum start with a capital letter; ours are lower case.
fn lower_first(text: String) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::PayloadTooLarge(
                "the request body is larger than the server accepts; send less per request".to_owned(),
            );
        }
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::BadRequest("send the body as JSON with `Content-Type: application/json`".to_owned())
            }
            other if other.status().is_server_error() => ApiError::internal(other.body_text()),
            other => ApiError::BadRequest(lower_first(other.body_text())),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(lower_first(rejection.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        if rejection.status().is_server_error() {
            ApiError::internal(rejection.body_text())
        } else {
            ApiError::BadRequest(lower_first(rejection.body_text()))
        }
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listen address is not a loopback address.
    #[error(
        "refusing to listen on {addr}: no admin account exists yet, so whoever reached the port first \
         could claim the installation; create one with `chainward user add --role admin NAME` (or \
         listen on 127.0.0.1 and use the set-up link), then listen on {addr}"
    )]
    NotLoopback {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}; is another server running there?")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The database could not be asked whether an admin exists.
    #[error("cannot read the accounts: {0}")]
    Store(String),
    /// The certificate or key could not be loaded.
    #[error("cannot serve HTTPS: {0}")]
    Tls(String),
    /// OpenID Connect is configured but cannot be used.
    #[error(transparent)]
    Oidc(#[from] crate::auth::oidc::OidcError),
    /// Serving failed.
    #[error("the server stopped with an error: {0}")]
    Serve(#[source] std::io::Error),
    /// The server task panicked or was cancelled.
    #[error("the server task ended abnormally: {0}")]
    Task(String),
}
