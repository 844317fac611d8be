//! Matching components against OSV advisories, exactly and per ecosystem.
//!
//! - [`ecosystem`]: a package URL to the OSV package it names ([`package_for_purl`]), and
//!   the name normalisation both sides go through ([`normalise_osv_package`]).
//! - [`evaluate`]: whether one `affected[]` entry covers a version, after the OSV schema's
//!   "Evaluation" section, with the event versions parsed once ([`CompiledAffected`]).
//! - [`index`]: the [`AdvisoryIndex`] from packages to advisories, with alias groups, so
//!   one vulnerability reported by several feeds gives one [`Match`].
//!
//! Versions are ordered by the `chainward-versions` scheme of each ecosystem
//! (`Scheme::for_osv_ecosystem`); `SEMVER` ranges always use semver.

mod aliases;
pub mod ecosystem;
pub mod evaluate;
pub mod index;

pub use ecosystem::{PackageKey, component_version, distribution_family, normalise_osv_package, package_for_purl};
pub use evaluate::{AffectedBy, CompiledAffected, ComponentVersion, Verdict};
pub use index::{AdvisoryIndex, IndexStats, Match, may_match, packages_named_by};
