//! SBOM ingest as every door does it (the API, the Dependency-Track compatible upload, the
//! portal's upload page and `chainward sbom ingest`): read and validate the bytes off the
//! async threads, find the offering (and, if asked, create it), pick the release, score the
//! quality and store everything in one transaction.

use std::sync::Arc;

use chainward_core::model::{Offering, OfferingData, OfferingKind, SupplierData, SupplierKind};
use chainward_core::sbom::quality::quality;
use chainward_formats::sbom::{LoadConfig, Loaded, Problem, SbomError, load};
use chainward_store::sbom::{IngestReport, SbomIngest, ValidationSummary};
use chainward_store::{Store, StoreError};
use serde::Serialize;

use crate::error::ApiError;

/// How many of the worst components the stored quality report lists.
pub const QUALITY_WORST: usize = 20;

/// What to ingest an SBOM as.
#[derive(Debug, Clone, Default)]
pub struct IngestRequest {
    /// The offering: its name, `Supplier / Offering`, or its id.
    pub offering: String,
    /// The release version; default the version of the SBOM's subject.
    pub release: Option<String>,
    /// The supplier, to tell offerings of the same name apart or to create the offering.
    pub supplier: Option<String>,
    /// The file name the SBOM came in.
    pub file_name: Option<String>,
    /// Create the offering (under `supplier`, or the caller's own supplier) when missing.
    pub create_offering: bool,
    /// Refuse documents with validation errors instead of storing them with their problems.
    pub strict: bool,
}

/// What an ingest did: the store's report and the validation problems.
#[derive(Debug, Clone, Serialize)]
pub struct IngestOutcome {
    /// What was stored.
    #[serde(flatten)]
    pub report: IngestReport,
    /// Whether an offering was created for this upload.
    pub offering_created: bool,
    /// Validation problems (the first 1,000).
    pub problems: Vec<Problem>,
    /// What matching the release against the stored advisories found.
    pub findings: chainward_store::monitoring::MatchOutcome,
}

/// Why an ingest failed.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The bytes are not a document we can read.
    #[error("{code}: {0}", code = .0.code())]
    Unreadable(#[from] SbomError),
    /// Strict ingest and the document has validation errors.
    #[error("the SBOM has {n_errors} validation errors, the first: {first}")]
    Invalid {
        /// How many.
        n_errors: usize,
        /// The first, as `code at path: message`.
        first: String,
        /// All problems.
        problems: Vec<Problem>,
    },
    /// The request cannot be carried out as asked.
    #[error("{0}")]
    Request(String),
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<IngestError> for ApiError {
    fn from(error: IngestError) -> Self {
        match error {
            IngestError::Unreadable(SbomError::TooLarge { .. }) => ApiError::PayloadTooLarge(error.to_string()),
            IngestError::Unreadable(_) | IngestError::Request(_) => ApiError::BadRequest(error.to_string()),
            IngestError::Invalid { .. } => ApiError::Invalid { field: "bom".into(), message: error.to_string() },
            IngestError::Store(store) => ApiError::from(store),
        }
    }
}

/// Reads and validates `bytes` on the blocking pool (large documents take CPU time).
pub async fn load_blocking(bytes: Arc<Vec<u8>>, config: LoadConfig) -> Result<Loaded, SbomError> {
    tokio::task::spawn_blocking(move || load(&bytes, &config))
        .await
        .unwrap_or_else(|_| Err(SbomError::Structure("the reader stopped unexpectedly".into())))
}

/// Ingests `bytes` as `request` says, for the caller of `store`.
pub async fn ingest(
    store: &dyn Store,
    bytes: Vec<u8>,
    request: IngestRequest,
    config: LoadConfig,
) -> Result<IngestOutcome, IngestError> {
    // A file name is a label, from the client: keep it short.
    let mut request = request;
    request.file_name = request.file_name.map(|name| name.trim().chars().take(255).collect());
    let bytes = Arc::new(bytes);
    let loaded = load_blocking(bytes.clone(), config).await?;
    let n_errors = loaded.n_errors();
    let n_warnings = loaded.n_warnings();
    let problems: Vec<Problem> = loaded.read.problems.iter().take(1000).cloned().collect();
    if request.strict && n_errors > 0 {
        let first = problems
            .iter()
            .find(|p| p.severity == chainward_formats::sbom::Severity::Error)
            .map(|p| format!("{} at {}: {}", p.code, p.path, p.message))
            .unwrap_or_default();
        return Err(IngestError::Invalid { n_errors, first, problems });
    }
    let sbom = loaded.read.sbom;
    let (offering, offering_created) = find_or_create_offering(store, &request).await?;
    let release_version = match request.release.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(release) => release.to_owned(),
        None => sbom
            .metadata
            .subject
            .and_then(|i| sbom.components.get(i))
            .and_then(|c| c.version.clone())
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| {
                IngestError::Request(
                    "the SBOM does not say which version it describes; name the release (--release, projectVersion)"
                        .into(),
                )
            })?,
    };
    let report_quality = quality(&sbom, QUALITY_WORST);
    let validation = ValidationSummary {
        n_errors: n_errors as u64,
        n_warnings: n_warnings as u64,
        problems: serde_json::to_value(&problems).unwrap_or_default(),
    };
    let content = Arc::try_unwrap(bytes).unwrap_or_else(|shared| (*shared).clone());
    let report = store
        .ingest_sbom(SbomIngest {
            offering: offering.id,
            release_version,
            file_name: request.file_name.clone(),
            content,
            sbom,
            validation,
            quality: Some(report_quality),
        })
        .await?;
    // New SBOMs are matched at ingest: the release's findings are current when this returns.
    let findings = crate::monitoring::match_release(store, report.sbom.release).await?;
    Ok(IngestOutcome { report, offering_created, problems, findings })
}

async fn find_or_create_offering(store: &dyn Store, request: &IngestRequest) -> Result<(Offering, bool), IngestError> {
    let name = request.offering.trim();
    if name.is_empty() {
        return Err(IngestError::Request("name the offering the SBOM belongs to (--offering, projectName)".into()));
    }
    let reference = match request.supplier.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(supplier) if !name.contains(" / ") => format!("{supplier} / {name}"),
        _ => name.to_owned(),
    };
    match store.find_offering(&reference).await {
        Ok(offering) => return Ok((offering, false)),
        Err(StoreError::NotFound { .. }) if request.create_offering => {}
        Err(error) => return Err(error.into()),
    }
    let supplier = match (request.supplier.as_deref(), store.caller().supplier_scope()) {
        (_, Some(own)) => own,
        (Some(supplier), None) => store.find_supplier(supplier).await?.id,
        (None, None) => unassigned_supplier(store).await?,
    };
    let data = OfferingData { supplier, name: name.to_owned(), kind: OfferingKind::Software, description: None };
    Ok((store.create_offering(data).await?, true))
}

/// The supplier that offerings created by uploads without a supplier go under, for review.
pub const UNASSIGNED_SUPPLIER: &str = "Unassigned (SBOM uploads)";

async fn unassigned_supplier(store: &dyn Store) -> Result<chainward_core::model::SupplierId, IngestError> {
    match store.find_supplier(UNASSIGNED_SUPPLIER).await {
        Ok(supplier) => Ok(supplier.id),
        Err(StoreError::NotFound { .. }) => {
            let mut data = SupplierData::named(UNASSIGNED_SUPPLIER, SupplierKind::SoftwareVendor);
            data.description = Some(
                "Offerings created by SBOM uploads that named no supplier (Dependency-Track autoCreate); move them \
                 to their real supplier."
                    .into(),
            );
            Ok(store.create_supplier(data).await?.id)
        }
        Err(error) => Err(error.into()),
    }
}

/// The export formats of a release's SBOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CycloneDX 1.6 JSON.
    CycloneDx,
    /// SPDX 2.3 JSON.
    Spdx,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cyclonedx" | "cdx" | "cyclonedx-json" => Ok(ExportFormat::CycloneDx),
            "spdx" | "spdx-json" => Ok(ExportFormat::Spdx),
            other => Err(format!("unknown export format {other:?}; expected cyclonedx or spdx")),
        }
    }
}

/// An exported SBOM: bytes, media type and a file name.
#[derive(Debug, Clone)]
pub struct Export {
    /// The document.
    pub bytes: Vec<u8>,
    /// Its media type.
    pub media_type: &'static str,
    /// A file name for downloads.
    pub file_name: String,
}

/// Exports the latest SBOM of a release as CycloneDX 1.6 or SPDX 2.3 JSON.
pub async fn export_release(
    store: &dyn Store,
    release: chainward_core::model::ReleaseId,
    format: ExportFormat,
    now: time::OffsetDateTime,
) -> Result<Export, ApiError> {
    let Some(found) = store.release_sbom(release).await? else {
        return Err(ApiError::NotFound(format!("release {release} has no SBOM yet; upload one first")));
    };
    let stem = file_stem(&format!("{}-{}", found.summary.offering_name, found.release.data.version));
    Ok(match format {
        ExportFormat::CycloneDx => Export {
            bytes: chainward_formats::sbom::cyclonedx::write_json_1_6(&found.sbom),
            media_type: "application/vnd.cyclonedx+json; version=1.6",
            file_name: format!("{stem}.cdx.json"),
        },
        ExportFormat::Spdx => {
            let namespace = format!("https://chainward.invalid/spdx/{}/{}", found.summary.offering, found.summary.id);
            let created = now
                .replace_nanosecond(0)
                .unwrap_or(now)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            Export {
                bytes: chainward_formats::sbom::spdx::write_json_2_3(&found.sbom, &namespace, &created),
                media_type: "application/spdx+json",
                file_name: format!("{stem}.spdx.json"),
            }
        }
    })
}

fn file_stem(text: &str) -> String {
    let stem: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' }).collect();
    stem.chars().take(100).collect()
}

/// The difference between the latest SBOMs of two releases of an offering.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseDiff {
    /// The older release's version.
    pub from: String,
    /// The newer release's version.
    pub to: String,
    /// The difference.
    #[serde(flatten)]
    pub diff: chainward_core::sbom::diff::SbomDiff,
}

/// Compares the latest SBOMs of the releases `from` and `to` of `offering`.
pub async fn diff_releases(
    store: &dyn Store,
    offering: chainward_core::model::OfferingId,
    from: &str,
    to: &str,
) -> Result<ReleaseDiff, ApiError> {
    let releases = store.list_releases(offering).await?;
    let find = |version: &str| {
        releases
            .iter()
            .find(|r| r.data.version == version.trim())
            .map(|r| r.id)
            .ok_or_else(|| ApiError::NotFound(format!("the offering has no release {:?}", version.trim())))
    };
    let (from_id, to_id) = (find(from)?, find(to)?);
    let components = |found: Option<chainward_store::sbom::ReleaseSbom>, version: &str| {
        found
            .map(|f| f.sbom.described_components().map(|(_, c)| c.clone()).collect::<Vec<_>>())
            .ok_or_else(|| ApiError::NotFound(format!("release {version:?} has no SBOM yet")))
    };
    let old = components(store.release_sbom(from_id).await?, from)?;
    let new = components(store.release_sbom(to_id).await?, to)?;
    Ok(ReleaseDiff {
        from: from.trim().to_owned(),
        to: to.trim().to_owned(),
        diff: chainward_core::sbom::diff::diff(&old, &new),
    })
}

/// Reads a baseline (YAML or JSON) and sets it on an offering; returns it with its rules.
pub async fn set_baseline(
    store: &dyn Store,
    offering: chainward_core::model::OfferingId,
    source: &[u8],
) -> Result<chainward_store::sbom::StoredBaseline, ApiError> {
    let baseline = chainward_formats::baseline::read_baseline(source)
        .map_err(|e| ApiError::Invalid { field: "baseline".into(), message: format!("{}: {e}", e.code()) })?;
    let text = String::from_utf8_lossy(source).into_owned();
    Ok(store.set_baseline(offering, &baseline.name, &text, baseline.rules.len() as u64).await?)
}

/// Checks a configuration (JSON, YAML or TOML; `file_name`'s extension is the hint)
/// against an offering's baseline and records the result.
pub async fn check_config(
    store: &dyn Store,
    offering: chainward_core::model::OfferingId,
    config: &[u8],
    file_name: Option<&str>,
) -> Result<chainward_store::sbom::ConfigCheck, ApiError> {
    let Some(stored) = store.get_baseline(offering).await? else {
        return Err(ApiError::NotFound("the offering has no configuration baseline; set one first".into()));
    };
    let baseline = chainward_formats::baseline::read_baseline(stored.source.as_bytes())
        .map_err(|e| ApiError::internal(format!("the stored baseline no longer reads: {e}")))?;
    let hint = file_name.and_then(|f| f.rsplit_once('.')).map(|(_, ext)| ext);
    let value = chainward_formats::baseline::read_config(config, hint)
        .map_err(|e| ApiError::Invalid { field: "config".into(), message: format!("{}: {e}", e.code()) })?;
    let report = chainward_core::baseline::check(&baseline, &value);
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(config));
    let check = chainward_store::sbom::NewConfigCheck {
        offering,
        file_name: file_name.map(str::to_owned),
        sha256,
        passed: report.passed as u64,
        failed: report.failed as u64,
        report: serde_json::to_value(&report).map_err(ApiError::internal)?,
    };
    Ok(store.record_config_check(check).await?)
}
