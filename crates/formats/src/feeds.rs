//! Vulnerability feeds: OSV advisories (`osv`: one record; `archive`: a zip dump or a
//! folder of records, streamed) and CISA's Known Exploited Vulnerabilities catalogue
//! (`kev`, JSON or CSV). Every reader is bounded and reports per record or per row.

pub mod archive;
pub mod kev;
pub mod osv;
