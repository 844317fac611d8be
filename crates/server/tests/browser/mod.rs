//! Browser tests: a real headless Chromium, driven over the W3C WebDriver protocol by
//! chromedriver, against servers started inside the test.
//!
//! They need Debian's `chromium` and `chromium-driver` packages; `CHAINWARD_CHROMIUM` and
//! `CHAINWARD_CHROMEDRIVER` override where they are looked for.

mod journey;
mod monitoring_journey;
mod sbom_journey;
mod self_test;
pub mod webdriver;
