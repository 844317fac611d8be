//! The identity of a component across SBOMs: the purl without the qualifiers that only say
//! where a package came from, else the CPE, else supplier + name + version. Components of
//! every SBOM are merged by it, so that later analysis (vulnerability matching, end of life)
//! runs once per distinct package version.

use sha2::{Digest, Sha256};

use crate::model::ComponentId;
use crate::purl::Purl;
use crate::sbom::Component;

/// The identity key of a component: `purl:<canonical purl without non-identity qualifiers>`,
/// `cpe:<cpe as written, lower case>`, or `name:<supplier>|<group/name>|<version>` (lower
/// case, trimmed). A purl that does not parse falls through to the next rule.
pub fn identity(component: &Component) -> String {
    if let Some(purl) = component.purl.as_deref().and_then(|p| Purl::parse(p.trim()).ok()) {
        return format!("purl:{}", purl.identity());
    }
    if let Some(cpe) = component.cpe.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        return format!("cpe:{}", cpe.to_lowercase());
    }
    let supplier = component.supplier.as_deref().or(component.manufacturer.as_deref()).unwrap_or("");
    format!(
        "name:{}|{}|{}",
        supplier.trim().to_lowercase(),
        component.display_name().trim().to_lowercase(),
        component.version.as_deref().unwrap_or("").trim().to_lowercase()
    )
}

/// The stable id of the distinct component with identity `identity`: a UUID (version 8
/// layout) taken from the SHA-256 of the identity, so every store derives the same id
/// without a lookup.
pub fn component_id(identity: &str) -> ComponentId {
    let digest = Sha256::digest(identity.as_bytes());
    let mut bytes = [0u8; 16];
    for (slot, byte) in bytes.iter_mut().zip(digest.iter()) {
        *slot = *byte;
    }
    ComponentId(uuid::Builder::from_custom_bytes(bytes).into_uuid())
}

/// The id of a component as it would be stored.
pub fn id_of(component: &Component) -> ComponentId {
    component_id(&identity(component))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(purl: Option<&str>, cpe: Option<&str>, name: &str, version: Option<&str>) -> Component {
        Component {
            purl: purl.map(str::to_owned),
            cpe: cpe.map(str::to_owned),
            name: name.to_owned(),
            version: version.map(str::to_owned),
            ..Component::default()
        }
    }

    #[test]
    fn purl_wins_then_cpe_then_supplier_name_version() {
        let with_purl = component(Some("pkg:npm/lodash@4.17.21"), Some("cpe:2.3:a:x:y"), "lodash", Some("4.17.21"));
        assert!(identity(&with_purl).starts_with("purl:pkg:npm/lodash@4.17.21"));
        let with_cpe = component(None, Some("CPE:2.3:A:X:Y:1"), "y", Some("1"));
        assert_eq!(identity(&with_cpe), "cpe:cpe:2.3:a:x:y:1");
        let plain = component(None, None, "Thing", Some("1.0"));
        assert_eq!(identity(&plain), "name:|thing|1.0");
    }

    #[test]
    fn ids_are_stable_and_differ_by_identity() {
        assert_eq!(component_id("purl:pkg:npm/a@1"), component_id("purl:pkg:npm/a@1"));
        assert_ne!(component_id("purl:pkg:npm/a@1"), component_id("purl:pkg:npm/a@2"));
    }
}
