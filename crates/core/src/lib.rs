#![doc = include_str!("../README.md")]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::todo)]

pub mod access;
pub mod audit;
pub mod baseline;
pub mod batch;
pub mod demo;
pub mod graph;
pub mod model;
pub mod picture;
pub mod purl;
pub mod sbom;
pub mod vuln;

pub use model::*;
