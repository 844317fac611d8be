//! The formats crate's one integration-test binary: the public conformance suites in the
//! shared data folder (CycloneDX, SPDX, SWID, purl, OSV, KEV), read in place.

mod data;

mod cyclonedx_suite;
mod feeds;
mod spdx_suite;
mod swid_suite;
mod validate_suite;
mod vex;
