//! The store's error type.

use chainward_core::model::InvalidValue;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No record with that id or name.
    #[error("{entity} {reference:?} not found")]
    NotFound {
        /// supplier, offering, service, …
        entity: &'static str,
        /// The id or name asked for.
        reference: String,
    },
    /// A unique name or identifier is taken, or a link would duplicate another.
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this (see the scope rules of [`crate::Store`]).
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// A value failed validation.
    #[error("invalid {0}")]
    Invalid(#[from] InvalidValue),
    /// The URL names no backend we have.
    #[error("unknown database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnknownScheme(String),
    /// The database cannot be reached or opened.
    #[error("cannot open the database at {url}: {reason}")]
    Unavailable {
        /// The URL, password removed.
        url: String,
        /// Why.
        reason: String,
    },
    /// Anything else the database said.
    #[error("database error: {0}")]
    Database(String),
}
