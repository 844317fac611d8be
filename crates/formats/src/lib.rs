#![doc = include_str!("../README.md")]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::todo)]

pub mod baseline;
pub mod csv;
pub mod feeds;
pub mod json;
pub mod json_schema;
pub mod sarif;
pub mod sbom;
pub mod schemas;
pub mod vex;
pub mod xsd;
