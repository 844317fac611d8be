//! SBOM stories, on both backends: ingest in one transaction, components merged by identity
//! across SBOMs, the model rebuilt exactly, supplier aliases linking stored components,
//! supplier scope, and nothing half-written when an ingest fails.

use chainward_core::model::*;
use chainward_core::sbom::{Component, Dependency, DocumentKind, Encoding, Hash, HashAlgorithm, Sbom, SbomFormat};
use chainward_store::sbom::{SbomFilter, SbomIngest, ValidationSummary};
use chainward_store::{Page, StoreError};

use super::{Db, as_supplier, two_suppliers};

/// A CycloneDX-shaped model: `app` depending on the packages, each `(name, version, supplier)`.
fn sbom(packages: &[(&str, &str, &str)]) -> Sbom {
    let mut components = vec![Component {
        name: "app".into(),
        version: Some("1.0".into()),
        subject_only: true,
        location: "/metadata/component".into(),
        ..Component::default()
    }];
    for (i, (name, version, supplier)) in packages.iter().enumerate() {
        components.push(Component {
            name: (*name).into(),
            version: Some((*version).into()),
            purl: Some(format!("pkg:npm/{name}@{version}?repository_url=https://r{i}.example")),
            supplier: (!supplier.is_empty()).then(|| (*supplier).to_owned()),
            hashes: vec![Hash { algorithm: HashAlgorithm::Sha256, value: format!("{:064x}", i + 1) }],
            location: format!("/components/{i}"),
            ..Component::default()
        });
    }
    let dependencies = (1..components.len()).map(|to| Dependency { from: 0, to }).collect();
    let mut sbom = Sbom {
        kind: DocumentKind { format: SbomFormat::CycloneDx, encoding: Encoding::Json, spec_version: "1.6".into() },
        components,
        dependencies,
        ..Sbom::default()
    };
    sbom.metadata.subject = Some(0);
    sbom.metadata.timestamp = Some("2026-12-01T00:00:00Z".into());
    sbom
}

fn ingest(offering: OfferingId, release: &str, sbom: Sbom) -> SbomIngest {
    let quality = Some(chainward_core::sbom::quality::quality(&sbom, 5));
    SbomIngest {
        offering,
        release_version: release.into(),
        file_name: Some("bom.json".into()),
        content: format!("{{\"release\": \"{release}\"}}").into_bytes(),
        sbom,
        validation: ValidationSummary::default(),
        quality,
    }
}

pub(crate) async fn sbom_ingest_merges_components_and_rebuilds_the_model(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let first = sbom(&[("left-pad", "1.3.0", "Acme Cloud, Inc."), ("lodash", "4.17.21", "Unknown Org")]);
    let report = store.ingest_sbom(ingest(t.edge.id, "1.0", first.clone())).await.unwrap();
    assert!(!report.release_created, "release 1.0 exists");
    assert_eq!(report.sbom.n_components, 2, "the subject-only entry is not counted");
    assert_eq!(report.sbom.n_dependencies, 2);
    assert_eq!(report.n_new_components, 3);
    // "Acme Cloud, Inc." is the registered "Acme Cloud"; "Unknown Org" is for review.
    assert_eq!(report.linked_suppliers.len(), 1);
    assert_eq!(report.linked_suppliers[0].supplier, t.acme.id);
    assert_eq!(report.unmatched_suppliers.len(), 1);
    assert_eq!(report.unmatched_suppliers[0].name, "Unknown Org");

    // The same packages again (other repository_url qualifiers) under a new release: no new
    // distinct components; the release is created.
    let second = sbom(&[("left-pad", "1.3.0", ""), ("lodash", "4.17.21", "Unknown Org")]);
    let report2 = store.ingest_sbom(ingest(t.edge.id, "1.1", second)).await.unwrap();
    assert!(report2.release_created);
    assert_eq!(report2.n_new_components, 0);

    // The model comes back exactly, and the original bytes are kept.
    let quality = store.sbom_quality(report.sbom.id).await.unwrap().unwrap();
    assert_eq!(quality, chainward_core::sbom::quality::quality(&first, 5), "the report is stored as computed");
    assert_eq!(report.sbom.quality_score, Some(quality.score));
    let rebuilt = store.stored_sbom(report.sbom.id).await.unwrap();
    assert_eq!(rebuilt, first);
    assert_eq!(store.sbom_content(report.sbom.id).await.unwrap(), b"{\"release\": \"1.0\"}".to_vec());
    let found = store.sbom_components(report.sbom.id, Some("LODASH"), Page::default()).await.unwrap();
    assert_eq!(found.total, 1);
    let listed =
        store.list_sboms(&SbomFilter { offering: Some(t.edge.id), release: None }, Page::default()).await.unwrap();
    assert_eq!(listed.total, 2);

    // An alias links what is stored already and leaves the review list.
    assert_eq!(store.unmatched_suppliers(10).await.unwrap().first().map(|u| u.n_sboms), Some(2));
    store.add_supplier_alias(t.rival.id, "Unknown Org").await.unwrap();
    assert!(store.unmatched_suppliers(10).await.unwrap().is_empty());
    let page = store.sbom_components(report.sbom.id, Some("lodash"), Page::default()).await.unwrap();
    assert_eq!(page.items[0].supplier, Some(t.rival.id));
    assert!(matches!(store.add_supplier_alias(t.acme.id, "unknown org").await, Err(StoreError::Conflict(_))));

    // Deleting a document removes its rows, not the shared distinct components.
    store.delete_sbom(report2.sbom.id).await.unwrap();
    assert!(matches!(store.get_sbom(report2.sbom.id).await, Err(StoreError::NotFound { .. })));
    let again = store.ingest_sbom(ingest(t.edge.id, "1.2", sbom(&[("left-pad", "1.3.0", "")]))).await.unwrap();
    assert_eq!(again.n_new_components, 0);
}

pub(crate) async fn sbom_scope_and_failed_ingest_write_nothing(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let theirs = store.ingest_sbom(ingest(t.rival_db.id, "2.0", sbom(&[("a", "1", "")]))).await.unwrap();
    let portal = as_supplier(&store, t.acme.id);
    // Another supplier's offering and documents answer as if they did not exist.
    assert!(matches!(
        portal.ingest_sbom(ingest(t.rival_db.id, "2.0", sbom(&[("b", "1", "")]))).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(portal.get_sbom(theirs.sbom.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(portal.sbom_content(theirs.sbom.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(portal.release_sbom(t.rival_release.id).await, Err(StoreError::NotFound { .. })));
    assert_eq!(portal.list_sboms(&SbomFilter::default(), Page::default()).await.unwrap().total, 0);
    assert!(matches!(portal.unmatched_suppliers(10).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(portal.add_supplier_alias(t.acme.id, "Acme").await, Err(StoreError::Forbidden(_))));
    // Its own: fine.
    let own = portal.ingest_sbom(ingest(t.edge.id, "1.0", sbom(&[("c", "1", "")]))).await.unwrap();
    assert_eq!(portal.list_sboms(&SbomFilter::default(), Page::default()).await.unwrap().total, 1);
    assert_eq!(own.sbom.supplier, t.acme.id);

    // A failing ingest (an invalid release version) leaves no release, document or component.
    let before = store.list_releases(t.edge.id).await.unwrap().len();
    let failed = store.ingest_sbom(ingest(t.edge.id, "", sbom(&[("never-stored", "9", "")]))).await;
    assert!(failed.is_err());
    assert_eq!(store.list_releases(t.edge.id).await.unwrap().len(), before);
    assert_eq!(store.list_sboms(&SbomFilter::default(), Page::default()).await.unwrap().total, 2);
}
