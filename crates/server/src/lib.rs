#![doc = include_str!("../README.md")]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::todo)]

pub mod api;
pub mod auth;
mod error;
mod extract;
mod launch;
mod metrics;
mod middleware;
pub mod monitoring;
mod router;
mod state;
pub mod transparency;
pub mod ui;

pub use auth::oidc::{OidcClaim, OidcConfig};
pub use error::{ApiError, ErrorBody, ErrorCode, ServerError};
pub use extract::{ApiJson, ApiPath, ApiQuery};
pub use launch::{RunningServer, ServerConfig, TlsFiles, launch, serve_until};
pub use router::{api_routes, openapi, route_needs, router};
pub use state::AppState;
