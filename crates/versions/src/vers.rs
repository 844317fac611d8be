//! `vers:` version range specifiers (package-url/vers-spec). PLACEHOLDER until the
//! parser and containment land.
