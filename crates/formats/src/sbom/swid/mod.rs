//! ISO/IEC 19770-2 software identification (SWID) tags: one `<SoftwareIdentity>` per piece
//! of software, as installers (rpm2swidtag, OneGet) and vendors write them.
//!
//! A tag is read as one component ([`read_tag`]); a folder of tags as one SBOM with one
//! component per primary tag, supplemental and patch tags attached to the tag they name
//! ([`read_tags`]); [`read_file`] takes the bytes of one file, including the rpm repository
//! wrapper `<swidtags>` that holds several tags.
//!
//! Mapping (the tag has no SBOM of its own, so this is chainward's choice):
//! - `tagId` is the component's reference and SWID tag id, `name` and `version` as written;
//! - the supplier is the `softwareCreator` entity (the NTIA mapping), else the `licensor`,
//!   else the `distributor`; the publisher is the `distributor`; every entity is also kept
//!   as a `swid:<role>` property (`name (regid)`); `tagCreator`s are the document authors;
//! - `Meta` attributes are properties under their own names, `Meta/@summary` is also the
//!   description; `Link`s are external references (kind = `rel`, url = `href`); a link
//!   `requires` or `component` to another tag of the folder is a dependency edge;
//! - `Payload` and `Evidence` list files, not the component: their hashes are not the
//!   component's (the count of files is the `swid:files` property);
//! - XML signatures are not verified here (`swid:signed` says one is present).
//!
//! Versions: `2015` for tags in the ISO/IEC 19770-2:2015 namespace; `2015-draft` for the
//! pre-final tags (OneGet, 2014) that use that namespace but spell `tagId` as `uniqueId`;
//! `2009` for the 2009 namespace, which is detected but not read (its structure is
//! entirely different and no public tag of it was at hand to test with).
//!
//! The OneGet JSON-LD forms (`SimpleTag.json`) are refused with "SWID JSON-LD is not
//! supported": they are a draft serialization that was never standardised (the standard's
//! non-XML form is CoSWID, RFC 9393, in CBOR), its three samples disagree on the context,
//! and nothing in chainward's inputs produces them.

mod read;

#[cfg(test)]
mod tests;

pub use read::{detect, parse_xml, read_file, read_tag, read_tags};
