//! Transparency in the store: SBOM documents under offering releases (original bytes and
//! SHA-256 kept as evidence), the distinct components they list (merged by identity across
//! every SBOM), dependency edges, supplier aliases, Dependency-Track style upload tokens,
//! configuration baselines and the results of checks against them.
//!
//! The queries are written once in [`sbom_fns`], which [`crate::shared::store_impl`] expands
//! for each backend like the rest of the store.

use chainward_core::model::{OfferingId, Release, ReleaseId, SbomId, SupplierId};
use chainward_core::sbom::{Component, Dependency, DocumentKind, Metadata, Sbom};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// An SBOM to store under a release of an offering.
#[derive(Debug, Clone)]
pub struct SbomIngest {
    /// The offering.
    pub offering: OfferingId,
    /// The release version; created when missing.
    pub release_version: String,
    /// The file name it came in, if known.
    pub file_name: Option<String>,
    /// The original bytes, kept as evidence.
    pub content: Vec<u8>,
    /// The document as read.
    pub sbom: Sbom,
    /// Validation outcome.
    pub validation: ValidationSummary,
    /// The quality report, computed once here so that pages and the API read it instead of
    /// rebuilding the document.
    pub quality: Option<chainward_core::sbom::quality::Quality>,
}

/// What validation said of a stored document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidationSummary {
    /// Problems of severity error.
    pub n_errors: u64,
    /// Problems of severity warning.
    pub n_warnings: u64,
    /// The problems (at most the first 1,000), as the validator reports them.
    pub problems: serde_json::Value,
}

/// A stored SBOM document, without its bytes and components.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SbomSummary {
    /// Its id.
    pub id: SbomId,
    /// The release it belongs to.
    pub release: ReleaseId,
    /// That release's version.
    pub release_version: String,
    /// The offering.
    pub offering: OfferingId,
    /// The offering's name.
    pub offering_name: String,
    /// The offering's supplier.
    pub supplier: SupplierId,
    /// Format, encoding, spec version.
    pub kind: DocumentKind,
    /// The document's own serial number or namespace.
    pub serial_number: Option<String>,
    /// The file name it came in.
    pub file_name: Option<String>,
    /// SHA-256 of the original bytes, lower-case hex.
    pub sha256: String,
    /// Size of the original bytes.
    pub size_bytes: u64,
    /// Components described (the subject-only entry not counted).
    pub n_components: u64,
    /// Dependency edges.
    pub n_dependencies: u64,
    /// Validation errors.
    pub n_errors: u64,
    /// Validation warnings.
    pub n_warnings: u64,
    /// Quality score, 0–100.
    pub quality_score: Option<f64>,
    /// Who uploaded it (the audit actor).
    pub uploaded_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

/// What an ingest did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestReport {
    /// The stored document.
    pub sbom: SbomSummary,
    /// Whether the release was created by this ingest.
    pub release_created: bool,
    /// Distinct components this store had not seen before.
    pub n_new_components: u64,
    /// Component supplier names linked to registered suppliers: (name, supplier, how many).
    pub linked_suppliers: Vec<LinkedSupplier>,
    /// Component supplier names that match no registered supplier or alias, with how many
    /// components name them: for review (register the supplier or add an alias).
    pub unmatched_suppliers: Vec<UnmatchedSupplier>,
}

/// A component supplier name linked to a registered supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedSupplier {
    /// The name as the SBOM writes it.
    pub name: String,
    /// The registered supplier.
    pub supplier: SupplierId,
    /// Components naming it.
    pub n_components: u64,
}

/// A component supplier name that matches no registered supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedSupplier {
    /// The name as the SBOMs write it.
    pub name: String,
    /// Components naming it.
    pub n_components: u64,
    /// SBOM documents naming it.
    pub n_sboms: u64,
}

/// One component of a stored SBOM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredComponent {
    /// Its position in the document.
    pub position: u64,
    /// The distinct component it is.
    pub component: chainward_core::model::ComponentId,
    /// The registered supplier its supplier name links to.
    pub supplier: Option<SupplierId>,
    /// The component as read.
    pub data: Component,
}

/// Filters for listing SBOM documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SbomFilter {
    /// Only this offering's.
    pub offering: Option<OfferingId>,
    /// Only this release's.
    pub release: Option<ReleaseId>,
}

/// A supplier alias: another name under which SBOMs name a registered supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierAlias {
    /// The alias as entered.
    pub alias: String,
    /// The supplier.
    pub supplier: SupplierId,
}

/// The state of a Dependency-Track style upload token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BomUpload {
    /// The token.
    pub token: Uuid,
    /// `done` or `failed` (uploads are processed before the token is answered).
    pub status: String,
    /// The stored document, when done.
    pub sbom: Option<SbomId>,
    /// Why it failed.
    pub error: Option<String>,
}

/// A configuration baseline of an offering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredBaseline {
    /// The offering.
    pub offering: OfferingId,
    /// The baseline's name.
    pub name: String,
    /// Its source text (YAML or JSON) as uploaded.
    pub source: String,
    /// How many rules it has.
    pub n_rules: u64,
    /// Who set it.
    pub updated_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A configuration checked against an offering's baseline, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConfigCheck {
    /// The offering.
    pub offering: OfferingId,
    /// The configuration's file name, if known.
    pub file_name: Option<String>,
    /// SHA-256 of the configuration bytes.
    pub sha256: String,
    /// Rules passed.
    pub passed: u64,
    /// Rules failed.
    pub failed: u64,
    /// The full report as JSON.
    pub report: serde_json::Value,
}

/// A recorded configuration check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigCheck {
    /// Its id.
    pub id: Uuid,
    /// The offering.
    pub offering: OfferingId,
    /// File name.
    pub file_name: Option<String>,
    /// SHA-256 of the configuration.
    pub sha256: String,
    /// Rules passed.
    pub passed: u64,
    /// Rules failed.
    pub failed: u64,
    /// The report.
    pub report: serde_json::Value,
    /// Who checked.
    pub checked_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub checked_at: OffsetDateTime,
}

/// The document-level part of a stored SBOM (everything but components and edges), kept as
/// JSON beside the rows so that the model can be rebuilt exactly.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct DocumentHead {
    pub(crate) serial_number: Option<String>,
    pub(crate) document_version: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) metadata: Metadata,
}

/// Rebuilds a model from stored parts.
pub(crate) fn rebuild(
    kind: DocumentKind,
    head: DocumentHead,
    components: Vec<Component>,
    edges: Vec<Dependency>,
) -> Sbom {
    Sbom {
        kind,
        serial_number: head.serial_number,
        document_version: head.document_version,
        name: head.name,
        metadata: head.metadata,
        components,
        dependencies: edges,
    }
}

/// A release as [`crate::Store::release_sbom`] returns it: the latest document and the model
/// rebuilt from the stored rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseSbom {
    /// The release.
    pub release: Release,
    /// The latest document of the release.
    pub summary: SbomSummary,
    /// The model.
    pub sbom: Sbom,
}

/// The key under which a supplier name in an SBOM is compared with registered suppliers and
/// aliases: lower case, letters and digits only, single spaces, without a trailing legal
/// form (`Inc.`, `GmbH`, `Ltd`…), so that "Acme, Inc." and "ACME" meet.
pub fn supplier_key(name: &str) -> String {
    const LEGAL_FORMS: &[&str] = &[
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "srl",
        "spa",
        "oy",
        "ab",
        "as",
        "kg",
        "se",
        "pty",
        "lp",
        "llp",
    ];
    let cleaned: String =
        name.chars().map(|c| if c.is_alphanumeric() { c.to_lowercase().next().unwrap_or(c) } else { ' ' }).collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// The `LIKE` pattern (with `\` as escape) that finds `text` anywhere, case-folded.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Writes the SBOM half of the [`crate::Store`] implementation of a backend: inherent
/// methods of `$store` that the trait methods call.
macro_rules! sbom_fns {
    ($store:ident, $db:ty, $begin_write:literal, $begin_read:literal) => {
        #[derive(sqlx::FromRow)]
        struct SbomRec {
            id: Uuid,
            release_id: Uuid,
            release_version: String,
            offering_id: Uuid,
            offering_name: String,
            supplier_id: Uuid,
            format: String,
            encoding: String,
            spec_version: String,
            serial_number: Option<String>,
            file_name: Option<String>,
            sha256: String,
            size_bytes: i64,
            n_components: i64,
            n_dependencies: i64,
            n_errors: i64,
            n_warnings: i64,
            quality_score: Option<f64>,
            uploaded_by: String,
            uploaded_at: time::OffsetDateTime,
        }

        const SBOM_SELECT: &str = "SELECT d.id, d.release_id, r.version AS release_version, o.id AS offering_id, \
             o.name AS offering_name, o.supplier_id, d.format, d.encoding, d.spec_version, d.serial_number, \
             d.file_name, d.sha256, d.size_bytes, d.n_components, d.n_dependencies, d.n_errors, d.n_warnings, \
             d.quality_score, d.uploaded_by, d.uploaded_at \
             FROM sbom_documents d JOIN releases r ON r.id = d.release_id JOIN offerings o ON o.id = r.offering_id";

        fn sbom_summary(r: SbomRec) -> Result<SbomSummary> {
            let kind = chainward_core::sbom::DocumentKind {
                format: r.format.parse().map_err(|e: InvalidValue| StoreError::Database(e.reason))?,
                encoding: r.encoding.parse().map_err(|e: InvalidValue| StoreError::Database(e.reason))?,
                spec_version: r.spec_version,
            };
            Ok(SbomSummary {
                id: SbomId(r.id),
                release: ReleaseId(r.release_id),
                release_version: r.release_version,
                offering: OfferingId(r.offering_id),
                offering_name: r.offering_name,
                supplier: SupplierId(r.supplier_id),
                kind,
                serial_number: r.serial_number,
                file_name: r.file_name,
                sha256: r.sha256,
                size_bytes: count(r.size_bytes),
                n_components: count(r.n_components),
                n_dependencies: count(r.n_dependencies),
                n_errors: count(r.n_errors),
                n_warnings: count(r.n_warnings),
                quality_score: r.quality_score,
                uploaded_by: r.uploaded_by,
                uploaded_at: r.uploaded_at,
            })
        }

        fn n(value: u64) -> i64 {
            i64::try_from(value).unwrap_or(i64::MAX)
        }

        async fn sbom_by_id(c: &mut Conn, id: SbomId, reach: Option<Uuid>) -> R<SbomSummary> {
            let sql = format!("{SBOM_SELECT} WHERE d.id = $1 AND ($2 IS NULL OR o.supplier_id = $2)");
            let row: Option<SbomRec> =
                sqlx::query_as(AssertSqlSafe(sql)).bind(id.0).bind(reach).fetch_optional(&mut *c).await?;
            let row = row.ok_or_else(|| Fail::not_found("id", "sbom", id))?;
            Ok(sbom_summary(row)?)
        }

        /// Registered suppliers and aliases by [`supplier_key`].
        async fn supplier_keys(c: &mut Conn) -> R<HashMap<String, Uuid>> {
            let suppliers: Vec<(Uuid, String)> = sqlx::query_as("SELECT id, name FROM suppliers").fetch_all(&mut *c).await?;
            let aliases: Vec<(String, Uuid)> =
                sqlx::query_as("SELECT alias_key, supplier_id FROM supplier_aliases").fetch_all(&mut *c).await?;
            let mut keys = HashMap::with_capacity(suppliers.len() + aliases.len());
            for (id, name) in suppliers {
                keys.insert(supplier_key(&name), id);
            }
            for (key, id) in aliases {
                keys.insert(key, id);
            }
            Ok(keys)
        }

        async fn rebuild_sbom(c: &mut Conn, id: SbomId) -> R<Sbom> {
            let head: (String, String, String, String) = sqlx::query_as(
                "SELECT format, encoding, spec_version, metadata FROM sbom_documents WHERE id = $1",
            )
            .bind(id.0)
            .fetch_one(&mut *c)
            .await?;
            let bad = |e: String| Fail::from(StoreError::Database(format!("stored SBOM {id} is unreadable: {e}")));
            let kind = chainward_core::sbom::DocumentKind {
                format: head.0.parse().map_err(|e: InvalidValue| bad(e.reason))?,
                encoding: head.1.parse().map_err(|e: InvalidValue| bad(e.reason))?,
                spec_version: head.2,
            };
            let document: DocumentHead = serde_json::from_str(&head.3).map_err(|e| bad(e.to_string()))?;
            let rows: Vec<(String,)> =
                sqlx::query_as("SELECT data FROM sbom_components WHERE sbom_id = $1 ORDER BY position")
                    .bind(id.0)
                    .fetch_all(&mut *c)
                    .await?;
            let components = rows
                .into_iter()
                .map(|(data,)| serde_json::from_str(&data).map_err(|e| bad(e.to_string())))
                .collect::<R<Vec<chainward_core::sbom::Component>>>()?;
            let edges: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT from_position, to_position FROM sbom_dependencies WHERE sbom_id = $1 \
                 ORDER BY from_position, to_position",
            )
            .bind(id.0)
            .fetch_all(&mut *c)
            .await?;
            let dependencies = edges
                .into_iter()
                .filter_map(|(from, to)| {
                    Some(chainward_core::sbom::Dependency {
                        from: usize::try_from(from).ok()?,
                        to: usize::try_from(to).ok()?,
                    })
                })
                .collect();
            Ok(rebuild(kind, document, components, dependencies))
        }

        impl $store {
            async fn sbom_ingest(&self, ingest: SbomIngest) -> Result<IngestReport> {
                let reach = self.reach();
                let SbomIngest { offering, release_version, file_name, content, sbom, validation, quality } =
                    ingest;
                let release_data =
                    validate_release(ReleaseData { offering, version: release_version, released_on: None })?;
                let mut tx = self.pool.begin_with($begin_write).await?;
                let _offering = require_offering(&mut tx, offering, reach).await?;
                let (release, release_created) = match release_by_version(&mut tx, offering.0, &release_data.version).await? {
                    Some(release) => (release, false),
                    None => {
                        let (release, outcome, _) = save_release(&mut tx, release_data, reach).await?;
                        audit_save(&mut tx, &self.caller, "release", release.id, outcome, None, &release).await?;
                        (release, true)
                    }
                };
                let id = new_id();
                let now = now();
                let head = DocumentHead {
                    serial_number: sbom.serial_number.clone(),
                    document_version: sbom.document_version.clone(),
                    name: sbom.name.clone(),
                    metadata: sbom.metadata.clone(),
                };
                let head_json = serde_json::to_string(&head).map_err(|e| StoreError::Database(e.to_string()))?;
                let quality_score = quality.as_ref().map(|q| q.score);
                let quality_json =
                    serde_json::to_string(&quality).map_err(|e| StoreError::Database(e.to_string()))?;
                let problems_json =
                    serde_json::to_string(&validation.problems).map_err(|e| StoreError::Database(e.to_string()))?;
                let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&content));
                let mut edges: Vec<(i64, i64)> = sbom
                    .dependencies
                    .iter()
                    .filter(|d| d.from < sbom.components.len() && d.to < sbom.components.len())
                    .map(|d| (i64::try_from(d.from).unwrap_or(0), i64::try_from(d.to).unwrap_or(0)))
                    .collect();
                edges.sort_unstable();
                edges.dedup();
                sqlx::query(
                    "INSERT INTO sbom_documents (id, release_id, format, encoding, spec_version, serial_number, \
                     file_name, sha256, size_bytes, content, n_components, n_dependencies, n_errors, n_warnings, \
                     quality_score, quality, metadata, problems, uploaded_by, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
                )
                .bind(id)
                .bind(release.id.0)
                .bind(sbom.kind.format.as_str())
                .bind(sbom.kind.encoding.as_str())
                .bind(&sbom.kind.spec_version)
                .bind(&sbom.serial_number)
                .bind(&file_name)
                .bind(&sha256)
                .bind(i64::try_from(content.len()).unwrap_or(i64::MAX))
                .bind(&content)
                .bind(n(sbom.n_components() as u64))
                .bind(n(edges.len() as u64))
                .bind(n(validation.n_errors))
                .bind(n(validation.n_warnings))
                .bind(quality_score)
                .bind(&quality_json)
                .bind(&head_json)
                .bind(&problems_json)
                .bind(&self.caller.actor)
                .bind(now)
                .execute(&mut *tx)
                .await?;

                // Distinct components, by identity; new ones inserted, known ones kept.
                let keys = supplier_keys(&mut tx).await?;
                let mut linked: HashMap<(String, Uuid), u64> = HashMap::new();
                let mut unmatched: HashMap<String, (String, u64)> = HashMap::new();
                struct Row {
                    position: i64,
                    component: Uuid,
                    identity: String,
                    supplier_key: Option<String>,
                    supplier_id: Option<Uuid>,
                }
                let mut rows = Vec::with_capacity(sbom.components.len());
                for (position, component) in sbom.components.iter().enumerate() {
                    let identity = chainward_core::sbom::identity::identity(component);
                    let component_id = chainward_core::sbom::identity::component_id(&identity).0;
                    let supplier_name = component.supplier.as_deref().or(component.manufacturer.as_deref());
                    let (supplier_key_text, supplier_id) = match supplier_name.map(str::trim).filter(|s| !s.is_empty()) {
                        Some(name) => {
                            let key = supplier_key(name);
                            let id = keys.get(&key).copied();
                            match id {
                                Some(supplier) => *linked.entry((name.to_owned(), supplier)).or_default() += 1,
                                None => unmatched.entry(key.clone()).or_insert_with(|| (name.to_owned(), 0)).1 += 1,
                            }
                            (Some(key), id)
                        }
                        None => (None, None),
                    };
                    rows.push(Row {
                        position: i64::try_from(position).unwrap_or(i64::MAX),
                        component: component_id,
                        identity,
                        supplier_key: supplier_key_text,
                        supplier_id,
                    });
                }
                let mut seen = HashSet::with_capacity(rows.len());
                let mut n_new_components = 0u64;
                let distinct: Vec<(&Row, &chainward_core::sbom::Component)> = rows
                    .iter()
                    .zip(sbom.components.iter())
                    .filter(|(row, _)| seen.insert(row.component))
                    .collect();
                for chunk in distinct.chunks(1000) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO components (id, identity, name, version, purl, cpe, created_at) ",
                    );
                    insert.push_values(chunk, |mut b, (row, component)| {
                        b.push_bind(row.component)
                            .push_bind(row.identity.clone())
                            .push_bind(component.display_name())
                            .push_bind(component.version.clone())
                            .push_bind(component.purl.clone())
                            .push_bind(component.cpe.clone())
                            .push_bind(now);
                    });
                    insert.push(" ON CONFLICT (id) DO NOTHING");
                    n_new_components += insert.build().execute(&mut *tx).await?.rows_affected();
                }
                // Each component's JSON is made per chunk, so that memory holds one chunk's.
                for chunk in rows.chunks(1000).zip(sbom.components.chunks(1000)) {
                    let data = chunk
                        .1
                        .iter()
                        .map(serde_json::to_string)
                        .collect::<std::result::Result<Vec<String>, _>>()
                        .map_err(|e| StoreError::Database(e.to_string()))?;
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO sbom_components (sbom_id, position, component_id, name, version, purl, supplier, \
                         supplier_key, supplier_id, data) ",
                    );
                    insert.push_values(chunk.0.iter().zip(chunk.1.iter()).zip(data), |mut b, ((row, component), data)| {
                        b.push_bind(id)
                            .push_bind(row.position)
                            .push_bind(row.component)
                            .push_bind(component.display_name())
                            .push_bind(component.version.clone())
                            .push_bind(component.purl.clone())
                            .push_bind(component.supplier.clone().or_else(|| component.manufacturer.clone()))
                            .push_bind(row.supplier_key.clone())
                            .push_bind(row.supplier_id)
                            .push_bind(data);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                for chunk in edges.chunks(2000) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO sbom_dependencies (sbom_id, from_position, to_position) ",
                    );
                    insert.push_values(chunk, |mut b, (from, to)| {
                        b.push_bind(id).push_bind(*from).push_bind(*to);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                let summary = sbom_by_id(&mut tx, SbomId(id), reach).await?;
                append_audit(&mut tx, &self.caller, change("ingest", "sbom", id, None, Some(&summary))).await?;
                tx.commit().await?;

                let mut linked_suppliers: Vec<LinkedSupplier> = linked
                    .into_iter()
                    .filter(|((_, supplier), _)| reach.is_none() || reach == Some(*supplier))
                    .map(|((name, supplier), n_components)| LinkedSupplier {
                        name,
                        supplier: SupplierId(supplier),
                        n_components,
                    })
                    .collect();
                linked_suppliers.sort_by(|a, b| b.n_components.cmp(&a.n_components).then(a.name.cmp(&b.name)));
                let mut unmatched_suppliers: Vec<UnmatchedSupplier> = unmatched
                    .into_values()
                    .map(|(name, n_components)| UnmatchedSupplier { name, n_components, n_sboms: 1 })
                    .collect();
                unmatched_suppliers.sort_by(|a, b| b.n_components.cmp(&a.n_components).then(a.name.cmp(&b.name)));
                Ok(IngestReport { sbom: summary, release_created, n_new_components, linked_suppliers, unmatched_suppliers })
            }

            async fn sbom_list(&self, filter: &SbomFilter, page: Page) -> Result<Paged<SbomSummary>> {
                let reach = self.reach();
                let mut c = self.pool.acquire().await?;
                let condition = " WHERE ($1 IS NULL OR o.supplier_id = $1) AND ($2 IS NULL OR o.id = $2) \
                                 AND ($3 IS NULL OR r.id = $3)";
                let total: (i64,) = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM sbom_documents d JOIN releases r ON r.id = d.release_id \
                     JOIN offerings o ON o.id = r.offering_id{condition}"
                )))
                .bind(reach)
                .bind(filter.offering.map(|o| o.0))
                .bind(filter.release.map(|r| r.0))
                .fetch_one(&mut *c)
                .await?;
                let (limit, offset) = limit_offset(page);
                let rows: Vec<SbomRec> = sqlx::query_as(AssertSqlSafe(format!(
                    "{SBOM_SELECT}{condition} ORDER BY d.uploaded_at DESC, d.id DESC LIMIT $4 OFFSET $5"
                )))
                .bind(reach)
                .bind(filter.offering.map(|o| o.0))
                .bind(filter.release.map(|r| r.0))
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *c)
                .await?;
                let items = rows.into_iter().map(sbom_summary).collect::<Result<Vec<_>>>()?;
                Ok(Paged { items, total: count(total.0) })
            }

            async fn sbom_get(&self, id: SbomId) -> Result<SbomSummary> {
                let mut c = self.pool.acquire().await?;
                Ok(sbom_by_id(&mut c, id, self.reach()).await?)
            }

            async fn sbom_stored_problems(&self, id: SbomId) -> Result<serde_json::Value> {
                let mut c = self.pool.acquire().await?;
                sbom_by_id(&mut c, id, self.reach()).await?;
                let (problems,): (String,) = sqlx::query_as("SELECT problems FROM sbom_documents WHERE id = $1")
                    .bind(id.0)
                    .fetch_one(&mut *c)
                    .await?;
                serde_json::from_str(&problems)
                    .map_err(|e| StoreError::Database(format!("stored problems of SBOM {id} are unreadable: {e}")))
            }

            async fn sbom_bytes(&self, id: SbomId) -> Result<Vec<u8>> {
                let mut c = self.pool.acquire().await?;
                sbom_by_id(&mut c, id, self.reach()).await?;
                let (content,): (Vec<u8>,) = sqlx::query_as("SELECT content FROM sbom_documents WHERE id = $1")
                    .bind(id.0)
                    .fetch_one(&mut *c)
                    .await?;
                Ok(content)
            }

            async fn sbom_delete(&self, id: SbomId) -> Result<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let before = sbom_by_id(&mut tx, id, self.reach()).await?;
                sqlx::query("DELETE FROM sbom_documents WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
                append_audit(&mut tx, &self.caller, change("delete", "sbom", id, Some(&before), None)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn sbom_component_page(
                &self,
                id: SbomId,
                search: Option<&str>,
                page: Page,
            ) -> Result<Paged<StoredComponent>> {
                let mut c = self.pool.acquire().await?;
                sbom_by_id(&mut c, id, self.reach()).await?;
                let pattern = search.map(str::trim).filter(|s| !s.is_empty()).map(contains_pattern);
                let condition = " WHERE sbom_id = $1 AND ($2 IS NULL OR LOWER(name) LIKE $2 ESCAPE '\\' \
                                 OR LOWER(COALESCE(version, '')) LIKE $2 ESCAPE '\\' \
                                 OR LOWER(COALESCE(purl, '')) LIKE $2 ESCAPE '\\' \
                                 OR LOWER(COALESCE(supplier, '')) LIKE $2 ESCAPE '\\')";
                let total: (i64,) =
                    sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*) FROM sbom_components{condition}")))
                        .bind(id.0)
                        .bind(&pattern)
                        .fetch_one(&mut *c)
                        .await?;
                let (limit, offset) = limit_offset(page);
                let rows: Vec<(i64, Uuid, Option<Uuid>, String)> = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT position, component_id, supplier_id, data FROM sbom_components{condition} \
                     ORDER BY position LIMIT $3 OFFSET $4"
                )))
                .bind(id.0)
                .bind(&pattern)
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *c)
                .await?;
                let reach = self.reach();
                let items = rows
                    .into_iter()
                    .map(|(position, component, supplier, data)| {
                        let data = serde_json::from_str(&data).map_err(|e| StoreError::Database(e.to_string()))?;
                        // A supplier-scoped caller does not learn other suppliers' ids.
                        let supplier = supplier.filter(|s| reach.is_none() || reach == Some(*s)).map(SupplierId);
                        Ok(StoredComponent {
                            position: count(position),
                            component: ComponentId(component),
                            supplier,
                            data,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(Paged { items, total: count(total.0) })
            }

            async fn sbom_quality_report(
                &self,
                id: SbomId,
            ) -> Result<Option<chainward_core::sbom::quality::Quality>> {
                let mut c = self.pool.acquire().await?;
                sbom_by_id(&mut c, id, self.reach()).await?;
                let (text,): (String,) = sqlx::query_as("SELECT quality FROM sbom_documents WHERE id = $1")
                    .bind(id.0)
                    .fetch_one(&mut *c)
                    .await?;
                serde_json::from_str(&text).map_err(|e| StoreError::Database(format!("stored quality of {id}: {e}")))
            }

            async fn sbom_model(&self, id: SbomId) -> Result<Sbom> {
                let mut c = self.pool.acquire().await?;
                sbom_by_id(&mut c, id, self.reach()).await?;
                Ok(rebuild_sbom(&mut c, id).await?)
            }

            async fn sbom_of_release(&self, release: ReleaseId) -> Result<Option<ReleaseSbom>> {
                let reach = self.reach();
                let mut c = self.pool.acquire().await?;
                let release = require_release(&mut c, release, reach).await?;
                let latest: Option<(Uuid,)> = sqlx::query_as(
                    "SELECT id FROM sbom_documents WHERE release_id = $1 ORDER BY uploaded_at DESC, id DESC LIMIT 1",
                )
                .bind(release.id.0)
                .fetch_optional(&mut *c)
                .await?;
                let Some((id,)) = latest else { return Ok(None) };
                let summary = sbom_by_id(&mut c, SbomId(id), reach).await?;
                let sbom = rebuild_sbom(&mut c, SbomId(id)).await?;
                Ok(Some(ReleaseSbom { release, summary, sbom }))
            }

            async fn alias_add(&self, supplier: SupplierId, alias: &str) -> Result<SupplierAlias> {
                unscoped(&self.caller, "manage supplier aliases")?;
                let alias = alias.trim();
                let key = supplier_key(alias);
                if key.is_empty() || alias.chars().count() > 200 {
                    return Err(StoreError::Invalid(InvalidValue::new(
                        "alias",
                        "an alias needs letters or digits and at most 200 characters",
                    )));
                }
                let mut tx = self.pool.begin_with($begin_write).await?;
                if !exists(&mut tx, "suppliers", supplier.0).await? {
                    return Err(Fail::not_found("supplier", "supplier", supplier).into());
                }
                let taken: Option<(Uuid,)> = sqlx::query_as("SELECT supplier_id FROM supplier_aliases WHERE alias_key = $1")
                    .bind(&key)
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::Conflict(format!("the alias {alias:?} is taken already")));
                }
                sqlx::query("INSERT INTO supplier_aliases (alias_key, alias, supplier_id, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&key)
                    .bind(alias)
                    .bind(supplier.0)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                let record = SupplierAlias { alias: alias.to_owned(), supplier };
                // Components already stored under this name now link to the supplier.
                sqlx::query("UPDATE sbom_components SET supplier_id = $1 WHERE supplier_key = $2 AND supplier_id IS NULL")
                    .bind(supplier.0)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
                append_audit(&mut tx, &self.caller, change("create", "supplier-alias", &key, None, Some(&record))).await?;
                tx.commit().await?;
                Ok(record)
            }

            async fn alias_delete(&self, alias: &str) -> Result<()> {
                unscoped(&self.caller, "manage supplier aliases")?;
                let key = supplier_key(alias);
                let mut tx = self.pool.begin_with($begin_write).await?;
                let row: Option<(String, Uuid)> =
                    sqlx::query_as("SELECT alias, supplier_id FROM supplier_aliases WHERE alias_key = $1")
                        .bind(&key)
                        .fetch_optional(&mut *tx)
                        .await?;
                let (text, supplier) = row.ok_or_else(|| Fail::not_found("alias", "supplier alias", alias))?;
                sqlx::query("DELETE FROM supplier_aliases WHERE alias_key = $1").bind(&key).execute(&mut *tx).await?;
                let before = SupplierAlias { alias: text, supplier: SupplierId(supplier) };
                append_audit(&mut tx, &self.caller, change("delete", "supplier-alias", &key, Some(&before), None)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn alias_list(&self, supplier: Option<SupplierId>) -> Result<Vec<SupplierAlias>> {
                let reach = self.reach();
                let mut c = self.pool.acquire().await?;
                let rows: Vec<(String, Uuid)> = sqlx::query_as(
                    "SELECT alias, supplier_id FROM supplier_aliases WHERE ($1 IS NULL OR supplier_id = $1) \
                     AND ($2 IS NULL OR supplier_id = $2) ORDER BY alias_key",
                )
                .bind(supplier.map(|s| s.0))
                .bind(reach)
                .fetch_all(&mut *c)
                .await?;
                Ok(rows.into_iter().map(|(alias, s)| SupplierAlias { alias, supplier: SupplierId(s) }).collect())
            }

            async fn suppliers_unmatched(&self, limit: u64) -> Result<Vec<UnmatchedSupplier>> {
                unscoped(&self.caller, "review unmatched component suppliers")?;
                let mut c = self.pool.acquire().await?;
                let (limit, _) = limit_offset(Page { offset: 0, limit });
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(
                    "SELECT MIN(supplier), COUNT(*), COUNT(DISTINCT sbom_id) FROM sbom_components \
                     WHERE supplier_key IS NOT NULL AND supplier_key <> '' AND supplier_id IS NULL \
                     GROUP BY supplier_key ORDER BY COUNT(*) DESC, MIN(supplier) LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&mut *c)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(name, n_components, n_sboms)| UnmatchedSupplier {
                        name,
                        n_components: count(n_components),
                        n_sboms: count(n_sboms),
                    })
                    .collect())
            }

            async fn upload_record(&self, token: Uuid, outcome: std::result::Result<SbomId, String>) -> Result<()> {
                let mut c = self.pool.acquire().await?;
                let (status, sbom, error) = match outcome {
                    Ok(id) => ("done", Some(id.0), None),
                    Err(error) => ("failed", None, Some(error)),
                };
                sqlx::query(
                    "INSERT INTO bom_uploads (token, sbom_id, supplier_id, status, error, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token)
                .bind(sbom)
                .bind(self.reach())
                .bind(status)
                .bind(error)
                .bind(now())
                .execute(&mut *c)
                .await?;
                Ok(())
            }

            async fn upload_state(&self, token: Uuid) -> Result<BomUpload> {
                let mut c = self.pool.acquire().await?;
                let row: Option<(String, Option<Uuid>, Option<String>)> = sqlx::query_as(
                    "SELECT status, sbom_id, error FROM bom_uploads WHERE token = $1 \
                     AND ($2 IS NULL OR supplier_id = $2)",
                )
                .bind(token)
                .bind(self.reach())
                .fetch_optional(&mut *c)
                .await?;
                let (status, sbom, error) = row.ok_or_else(|| Fail::not_found("token", "upload", token))?;
                Ok(BomUpload { token, status, sbom: sbom.map(SbomId), error })
            }

            async fn baseline_set(&self, offering: OfferingId, name: &str, source: &str, n_rules: u64) -> Result<StoredBaseline> {
                unscoped(&self.caller, "set configuration baselines")?;
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_offering(&mut tx, offering, None).await?;
                let before = baseline_row(&mut tx, offering).await?;
                let record = StoredBaseline {
                    offering,
                    name: name.to_owned(),
                    source: source.to_owned(),
                    n_rules,
                    updated_by: self.caller.actor.clone(),
                    updated_at: now(),
                };
                sqlx::query(
                    "INSERT INTO config_baselines (offering_id, name, source, n_rules, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (offering_id) DO UPDATE SET name = excluded.name, \
                     source = excluded.source, n_rules = excluded.n_rules, updated_by = excluded.updated_by, \
                     updated_at = excluded.updated_at",
                )
                .bind(offering.0)
                .bind(&record.name)
                .bind(&record.source)
                .bind(n(n_rules))
                .bind(&record.updated_by)
                .bind(record.updated_at)
                .execute(&mut *tx)
                .await?;
                let action = if before.is_some() { "update" } else { "create" };
                append_audit(&mut tx, &self.caller, change(action, "baseline", offering, before.as_ref(), Some(&record)))
                    .await?;
                tx.commit().await?;
                Ok(record)
            }

            async fn baseline_get(&self, offering: OfferingId) -> Result<Option<StoredBaseline>> {
                let mut c = self.pool.acquire().await?;
                require_offering(&mut c, offering, self.reach()).await?;
                Ok(baseline_row(&mut c, offering).await?)
            }

            async fn config_check_record(&self, check: NewConfigCheck) -> Result<ConfigCheck> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_offering(&mut tx, check.offering, self.reach()).await?;
                let record = ConfigCheck {
                    id: new_id(),
                    offering: check.offering,
                    file_name: check.file_name,
                    sha256: check.sha256,
                    passed: check.passed,
                    failed: check.failed,
                    report: check.report,
                    checked_by: self.caller.actor.clone(),
                    checked_at: now(),
                };
                let report = serde_json::to_string(&record.report).map_err(|e| StoreError::Database(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO config_checks (id, offering_id, file_name, sha256, passed, failed, report, \
                     checked_by, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(record.id)
                .bind(record.offering.0)
                .bind(&record.file_name)
                .bind(&record.sha256)
                .bind(n(record.passed))
                .bind(n(record.failed))
                .bind(&report)
                .bind(&record.checked_by)
                .bind(record.checked_at)
                .execute(&mut *tx)
                .await?;
                let audited = serde_json::json!({
                    "offering": record.offering, "file_name": record.file_name, "sha256": record.sha256,
                    "passed": record.passed, "failed": record.failed,
                });
                append_audit(&mut tx, &self.caller, change("check", "config", record.id, None, Some(&audited))).await?;
                tx.commit().await?;
                Ok(record)
            }

            async fn config_check_list(&self, offering: OfferingId, limit: u64) -> Result<Vec<ConfigCheck>> {
                let mut c = self.pool.acquire().await?;
                require_offering(&mut c, offering, self.reach()).await?;
                let (limit, _) = limit_offset(Page { offset: 0, limit });
                let rows: Vec<(Uuid, Option<String>, String, i64, i64, String, String, time::OffsetDateTime)> =
                    sqlx::query_as(
                        "SELECT id, file_name, sha256, passed, failed, report, checked_by, checked_at \
                         FROM config_checks WHERE offering_id = $1 ORDER BY checked_at DESC, id DESC LIMIT $2",
                    )
                    .bind(offering.0)
                    .bind(limit)
                    .fetch_all(&mut *c)
                    .await?;
                rows.into_iter()
                    .map(|(id, file_name, sha256, passed, failed, report, checked_by, checked_at)| {
                        Ok(ConfigCheck {
                            id,
                            offering,
                            file_name,
                            sha256,
                            passed: count(passed),
                            failed: count(failed),
                            report: serde_json::from_str(&report).map_err(|e| StoreError::Database(e.to_string()))?,
                            checked_by,
                            checked_at,
                        })
                    })
                    .collect()
            }
        }

        async fn baseline_row(c: &mut Conn, offering: OfferingId) -> R<Option<StoredBaseline>> {
            let row: Option<(String, String, i64, String, time::OffsetDateTime)> = sqlx::query_as(
                "SELECT name, source, n_rules, updated_by, updated_at FROM config_baselines WHERE offering_id = $1",
            )
            .bind(offering.0)
            .fetch_optional(&mut *c)
            .await?;
            Ok(row.map(|(name, source, n_rules, updated_by, updated_at)| StoredBaseline {
                offering,
                name,
                source,
                n_rules: count(n_rules),
                updated_by,
                updated_at,
            }))
        }
    };
}
pub(crate) use sbom_fns;
