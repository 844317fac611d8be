//! Vulnerabilities: the OSV advisory model every feed is read into (`osv`), CVSS base
//! scores (`cvss`), the match index from packages to advisories (`matching`), and VEX
//! triage statements (`vex`).

pub mod cvss;
pub mod matching;
pub mod osv;
pub mod vex;
