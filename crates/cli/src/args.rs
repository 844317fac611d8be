//! The command line: every command, option and help text. Scripts depend on these names.

use std::net::SocketAddr;
use std::path::PathBuf;

use chainward_core::model::{DataAccess, OfferingKind, Role, SupplierKind, SupplierStatus, Tier};
use chainward_server::OidcClaim;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// chainward: the ICT supply chain under ISO/IEC 27001:2022 control 5.21.
#[derive(Debug, Parser)]
#[command(name = "chainward", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "First run: `chainward user add --role admin NAME` creates the first admin account \
(its one-time password is printed), then `chainward serve`.\n\n\
Every change made from the command line is written to the audit log as `cli:$USER`.\n\n\
Exit codes: 0 ok, 1 negative verdict (e.g. rows skipped, audit log broken), 2 usage or input error.")]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "CHAINWARD_DATABASE", default_value = "sqlite://./chainward.db")]
    pub database: String,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// JSON for scripts.
    Json,
    /// JSON Lines, one entry a line (`audit export` only).
    Jsonl,
    /// Comma-separated values (`audit export` only).
    Csv,
    /// SARIF 2.1.0 (`scan` only).
    Sarif,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web UI and HTTP API.
    Serve(ServeArgs),
    /// The demo organisation.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Suppliers and their subcontractors.
    #[command(subcommand)]
    Supplier(SupplierCommand),
    /// Offerings (products and services of suppliers) and their releases.
    #[command(subcommand)]
    Offering(OfferingCommand),
    /// Our internal services and the offerings they use.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// Questions to the supply-chain graph.
    #[command(subcommand)]
    Graph(GraphCommand),
    /// Local accounts: people who log in to the web UI.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for scripts and integrations (`Authorization: Bearer cw_…`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// The tamper-evident audit log of every change.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// SBOMs and SWID tags: validate, ingest, quality, diff, export (see docs/sbom.md).
    #[command(subcommand)]
    Sbom(SbomCommand),
    /// Package URLs.
    #[command(subcommand)]
    Purl(PurlCommand),
    /// Secure configuration baselines of offerings.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Version ordering per ecosystem (see docs/monitoring.md). Needs no database.
    #[command(subcommand)]
    Version(VersionCommand),
    /// Advisory feeds: OSV and the CISA KEV catalogue.
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Matches an SBOM (any supported format) against the stored advisories without storing
    /// it: the CI gate. `--format table|json|sarif`.
    #[command(after_help = "Exit codes: 0 no finding at or above --fail-on (or no --fail-on), \
1 a finding at or above it, 2 unreadable SBOM or other error.\n\n\
JSON contract: {n_components, n_matchable, n_advisories, findings: [{purl, name, version, id, \
vulnerability, aliases, verdict, reason, severity, cvss_score, cvss_vector, kev, summary, fixed}]}.")]
    Scan(ScanArgs),
    /// Vulnerability findings of offering releases and their VEX triage.
    #[command(subcommand)]
    Findings(FindingsCommand),
    /// A vulnerability by any of its ids: advisories, KEV entry, affected releases.
    Vuln {
        /// CVE, GHSA or the feed's id.
        id: String,
    },
    /// VEX documents: apply one to a release's findings, or export a release's decisions.
    #[command(subcommand)]
    Vex(VexCommand),
}

#[derive(Debug, Subcommand)]
pub enum SbomCommand {
    /// Validates an SBOM or SWID tag (format and version detected from the content) against
    /// the official schema of its version and the semantic checks. Needs no database.
    #[command(after_help = "Exit codes: 0 valid, 1 invalid (problems listed with code and path), \
2 unreadable (not JSON/XML/tag-value, unknown format, too large).")]
    Validate {
        /// The document; a folder is read as a set of SWID tags.
        file: PathBuf,
        /// Skip the schema and run only the reader and semantic checks.
        #[arg(long)]
        no_schema: bool,
    },
    /// Stores an SBOM under a release of an offering: the document (bytes and SHA-256 kept as
    /// evidence), its components (merged with every other SBOM's by identity) and edges.
    Ingest {
        /// The document.
        file: PathBuf,
        /// The offering: name, `Supplier / Offering` or id.
        #[arg(long)]
        offering: String,
        /// The release version (default: the version of the SBOM's subject).
        #[arg(long)]
        release: Option<String>,
        /// The offering's supplier, to tell offerings of the same name apart, or to create it.
        #[arg(long)]
        supplier: Option<String>,
        /// Create the offering (under --supplier) when it does not exist.
        #[arg(long)]
        create_offering: bool,
        /// Refuse a document with validation errors instead of storing it with them.
        #[arg(long)]
        strict: bool,
    },
    /// Scores an SBOM against the NTIA minimum elements and the CISA 2025 additions. Needs no
    /// database.
    Quality {
        /// The document.
        file: PathBuf,
        /// How many of the worst components to list.
        #[arg(long, default_value_t = 10)]
        worst: usize,
    },
    /// Compares two SBOM files, or two releases of an offering (--offering, --from, --to):
    /// added, removed, version-changed, and same name and version with a different hash
    /// (possible tampering; exit 1).
    Diff {
        /// The older and the newer document (omit with --offering).
        #[arg(num_args = 0..=2)]
        files: Vec<PathBuf>,
        /// The offering whose releases to compare.
        #[arg(long, requires_all = ["from", "to"])]
        offering: Option<String>,
        /// The older release.
        #[arg(long)]
        from: Option<String>,
        /// The newer release.
        #[arg(long)]
        to: Option<String>,
    },
    /// Exports the latest SBOM of a release as CycloneDX 1.6 JSON or SPDX 2.3 JSON.
    Export {
        /// The offering.
        #[arg(long)]
        offering: String,
        /// The release.
        #[arg(long)]
        release: String,
        /// `cyclonedx` or `spdx`.
        #[arg(long = "as", default_value = "cyclonedx")]
        export_as: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Lists the stored SBOMs (of one offering).
    List {
        /// Only this offering's.
        #[arg(long)]
        offering: Option<String>,
    },
    /// Supplier names in stored SBOM components that match no registered supplier or alias.
    Unmatched,
    /// Adds an alias under which SBOMs name a registered supplier.
    Alias {
        /// The registered supplier (name or id).
        supplier: String,
        /// The name SBOMs use for it.
        alias: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PurlCommand {
    /// Parses, validates and canonicalises a package URL; prints its parts and canonical form.
    Parse {
        /// The package URL.
        purl: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Checks a configuration (JSON, YAML or TOML) against an offering's baseline (stored
    /// with `config baseline`), or against a baseline file (--baseline; needs no database).
    /// Exit 1 when a rule fails.
    Check {
        /// The configuration file.
        file: PathBuf,
        /// The offering whose baseline applies (the check is recorded).
        #[arg(long, required_unless_present = "baseline", conflicts_with = "baseline")]
        offering: Option<String>,
        /// A baseline file instead of a stored one (nothing is recorded).
        #[arg(long)]
        baseline: Option<PathBuf>,
    },
    /// Sets (replaces) the baseline of an offering from a YAML or JSON file.
    Baseline {
        /// The offering.
        #[arg(long)]
        offering: String,
        /// The baseline file.
        file: PathBuf,
    },
}

/// `serve`.
#[derive(Debug, Args)]
#[command(after_help = "A non-loopback --listen address is refused until an admin account exists \
(create one with `chainward user add --role admin NAME`), and while a demo account still has its \
published password. Without an admin, a one-time set-up link is written to the log instead.")]
pub struct ServeArgs {
    /// Address to listen on; a non-loopback address needs an admin account first.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo organisation and the demo accounts first (idempotent; loopback only,
    /// since the demo passwords are published).
    #[arg(long)]
    pub demo: bool,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Mark cookies `Secure` even on plain HTTP (behind a TLS-terminating proxy). By
    /// default they are when serving HTTPS or listening on a non-loopback address.
    #[arg(long)]
    pub secure_cookies: bool,
    /// The largest CSV upload accepted, in bytes (default 64 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_upload_bytes: Option<usize>,
    /// Offer sign-in through this OpenID Connect provider (its issuer URL) beside local
    /// passwords; needs --oidc-client-id, --oidc-client-secret-file and --oidc-redirect-url.
    #[arg(
        long,
        value_name = "URL",
        requires_all = ["oidc_client_id", "oidc_client_secret_file", "oidc_redirect_url"]
    )]
    pub oidc_issuer: Option<String>,
    /// Our client id at the OpenID Connect provider.
    #[arg(long, value_name = "ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// A file holding our client secret at the provider (never on the command line, where
    /// other users could read it).
    #[arg(long, value_name = "FILE", requires = "oidc_issuer")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// This server's `/login/oidc/callback` as the provider and browsers see it, e.g.
    /// https://chainward.example.com/login/oidc/callback (registered at the provider).
    #[arg(long, value_name = "URL", requires = "oidc_issuer")]
    pub oidc_redirect_url: Option<String>,
    /// Which ID-token claim names the local account: preferred_username (matched against
    /// usernames) or email (against accounts' e-mail addresses).
    #[arg(long, value_name = "CLAIM", default_value = "preferred_username", requires = "oidc_issuer")]
    pub oidc_claim: OidcClaim,
    /// The text of the sign-in button.
    #[arg(long, value_name = "TEXT", default_value = "Sign in with single sign-on", requires = "oidc_issuer")]
    pub oidc_label: String,
}

/// `demo …`.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Load the demo organisation and one demo account of every role (idempotent).
    #[command(after_help = "The demo accounts, for a local demo only: admin / demo-admin-password, \
analyst / demo-analyst-password, procurement / demo-procurement-password, auditor / \
demo-auditor-password, supplier / demo-supplier-password (the supplier Nimbus Cloud). Accounts \
that exist already are left as they are.")]
    Load,
}

/// `user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; without --password-stdin a one-time password is generated, printed
    /// once, and must be changed at the first login.
    #[command(after_help = "First run: `chainward user add --role admin alice` creates the first admin.")]
    Add {
        /// Login name: letters, digits, `.`, `_`, `-`, `@`.
        username: String,
        /// admin, analyst, procurement, auditor or supplier.
        #[arg(long, value_parser = parse::<Role>)]
        role: Role,
        /// The supplier a `supplier` account belongs to (id, name, LEI, DUNS or VAT).
        #[arg(long)]
        supplier: Option<String>,
        /// Shown name (the username when absent).
        #[arg(long)]
        display_name: Option<String>,
        /// E-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Reset a password: a one-time password is generated, printed once, and must be changed
    /// at the next login. The account's sessions end.
    Passwd {
        /// Login name.
        username: String,
        /// Read the new password from the first line of standard input instead (no change
        /// is then required at the next login).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: it cannot log in, and its sessions and tokens stop working.
    Disable {
        /// Login name.
        username: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// Login name.
        username: String,
    },
}

/// `token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token; its secret is printed once and never again (only its prefix is
    /// listed).
    #[command(after_help = "A token for a user has that user's role, or auditor (read-only) when the \
user is not a supplier. A supplier token is confined to one supplier.")]
    Create {
        /// What it is for, e.g. ci-upload.
        #[arg(long)]
        name: String,
        /// admin, analyst, procurement, auditor or supplier.
        #[arg(long, value_parser = parse::<Role>)]
        role: Role,
        /// The supplier a `supplier` token is confined to (id, name, LEI, DUNS or VAT).
        #[arg(long)]
        supplier: Option<String>,
        /// The account the token acts for (a service token when absent).
        #[arg(long)]
        user: Option<String>,
        /// Days until it stops working (never when absent).
        #[arg(long, value_name = "N")]
        expires_days: Option<u32>,
    },
    /// List tokens (prefixes only).
    List {
        /// Only this account's tokens.
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a token; it stays listed, marked revoked.
    Revoke {
        /// The token's id (or its listed prefix, when only one token has it).
        id: String,
    },
}

/// `audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain: exit 0 when intact, 1 with the first break when an entry was
    /// edited, removed or inserted in the database.
    Verify,
    /// Write every entry, oldest first, as JSON Lines (`--format jsonl`, the default) or CSV
    /// (`--format csv`).
    Export {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List entries, newest first.
    List {
        /// Only this actor, e.g. user:alice, token:ci-upload, cli:root.
        #[arg(long)]
        actor: Option<String>,
        /// Only this kind of thing, e.g. supplier, offering, user, token.
        #[arg(long)]
        entity: Option<String>,
        /// Only this thing's id.
        #[arg(long)]
        entity_id: Option<String>,
        /// Only this action, e.g. create, update, delete, login-failed.
        #[arg(long)]
        action: Option<String>,
        /// Most entries printed (at most 1000).
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

/// Fields of a supplier given on the command line.
#[derive(Debug, Args)]
pub struct SupplierFields {
    /// Criticality tier, 1 (most critical) to 4.
    #[arg(long)]
    pub tier: Option<Tier>,
    /// Life cycle status.
    #[arg(long, value_parser = parse::<SupplierStatus>)]
    pub status: Option<SupplierStatus>,
    /// Most sensitive data it can reach: none, internal, confidential, personal-data.
    #[arg(long, value_parser = parse::<DataAccess>)]
    pub data_access: Option<DataAccess>,
    /// ISO 3166-1 alpha-2 country code.
    #[arg(long)]
    pub country: Option<String>,
    /// Legal Entity Identifier.
    #[arg(long)]
    pub lei: Option<String>,
    /// D-U-N-S number.
    #[arg(long)]
    pub duns: Option<String>,
    /// VAT number with country prefix.
    #[arg(long)]
    pub vat: Option<String>,
    /// Web site.
    #[arg(long)]
    pub website: Option<String>,
    /// Free text.
    #[arg(long)]
    pub description: Option<String>,
    /// Security / PSIRT e-mail.
    #[arg(long)]
    pub security_email: Option<String>,
    /// Incident notification e-mail.
    #[arg(long)]
    pub incident_email: Option<String>,
}

/// `supplier …`.
#[derive(Debug, Subcommand)]
pub enum SupplierCommand {
    /// Register a supplier.
    Add {
        /// Name (unique).
        name: String,
        /// What it provides, e.g. cloud-service-provider, software-vendor, hosting.
        #[arg(long, value_parser = parse::<SupplierKind>)]
        kind: SupplierKind,
        /// Other fields.
        #[command(flatten)]
        fields: SupplierFields,
    },
    /// Change a supplier's fields.
    Update {
        /// Id, name, LEI, DUNS or VAT number.
        supplier: String,
        /// New kind.
        #[arg(long, value_parser = parse::<SupplierKind>)]
        kind: Option<SupplierKind>,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// Other fields.
        #[command(flatten)]
        fields: SupplierFields,
    },
    /// List suppliers.
    List(SupplierListArgs),
    /// Show one supplier with its offerings, subcontractors and owners.
    Show {
        /// Id, name, LEI, DUNS or VAT number.
        supplier: String,
    },
    /// Delete a supplier with its offerings and links.
    Delete {
        /// Id, name, LEI, DUNS or VAT number.
        supplier: String,
    },
    /// Remove a subcontracting link.
    Unlink {
        /// The supplier.
        supplier: String,
        /// The subcontractor.
        subcontractor: String,
    },
    /// Record that a supplier subcontracts to another.
    Link {
        /// The supplier.
        supplier: String,
        /// The subcontractor.
        subcontractor: String,
        /// What is subcontracted.
        #[arg(long)]
        scope: String,
        /// Since when (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// The subcontractor handles our data.
        #[arg(long)]
        handles_our_data: bool,
    },
    /// Import suppliers and subcontracting links from CSV files (see docs/csv.md).
    Import(ImportArgs),
    /// Export suppliers or subcontracting links as CSV.
    Export(ExportArgs<SupplierTable>),
}

/// `supplier list` filters.
#[derive(Debug, Args)]
pub struct SupplierListArgs {
    /// Name contains.
    #[arg(long)]
    pub q: Option<String>,
    /// Kind.
    #[arg(long, value_parser = parse::<SupplierKind>)]
    pub kind: Option<SupplierKind>,
    /// Status.
    #[arg(long, value_parser = parse::<SupplierStatus>)]
    pub status: Option<SupplierStatus>,
    /// Tier.
    #[arg(long)]
    pub tier: Option<Tier>,
    /// Country.
    #[arg(long)]
    pub country: Option<String>,
    /// Page.
    #[command(flatten)]
    pub page: PageArgs,
}

/// Pagination.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    /// Most rows to print (at most 1000).
    #[arg(long, default_value_t = 1000)]
    pub limit: u64,
}

/// CSV import.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV files; the table of each is recognised from its header row. All files are
    /// written in one transaction.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write the good rows and report the bad ones (exit 1) instead of writing nothing.
    #[arg(long)]
    pub skip_bad: bool,
}

/// CSV export.
#[derive(Debug, Args)]
pub struct ExportArgs<T: ValueEnum + Clone + Send + Sync + 'static> {
    /// Which table.
    #[arg(long, value_enum)]
    pub table: Option<T>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Tables of the supplier commands.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SupplierTable {
    /// Suppliers (the default).
    Suppliers,
    /// Subcontracting links.
    Subcontracts,
}

/// Tables of the offering commands.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OfferingTable {
    /// Offerings (the default).
    Offerings,
    /// Releases.
    Releases,
}

/// Tables of the service commands.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ServiceTable {
    /// Services (the default).
    Services,
    /// Which offerings each service uses, with alternatives.
    ServiceUses,
}

/// `offering …`.
#[derive(Debug, Subcommand)]
pub enum OfferingCommand {
    /// Register an offering of a supplier.
    Add {
        /// Name (unique at the supplier; other suppliers may use it too).
        name: String,
        /// The supplier (id, name, LEI, DUNS or VAT).
        #[arg(long)]
        supplier: String,
        /// software, hardware, firmware, cloud-service, managed-service, hosting or support.
        #[arg(long, value_parser = parse::<OfferingKind>)]
        kind: OfferingKind,
        /// Free text.
        #[arg(long)]
        description: Option<String>,
    },
    /// Change an offering's fields.
    Update {
        /// Id or name; `"Supplier / Name"` where several suppliers offer one of that name.
        offering: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New supplier (id, name, LEI, DUNS or VAT).
        #[arg(long)]
        supplier: Option<String>,
        /// New kind.
        #[arg(long, value_parser = parse::<OfferingKind>)]
        kind: Option<OfferingKind>,
        /// New description.
        #[arg(long)]
        description: Option<String>,
    },
    /// List offerings.
    List {
        /// Name contains.
        #[arg(long)]
        q: Option<String>,
        /// Only this supplier's.
        #[arg(long)]
        supplier: Option<String>,
        /// Kind.
        #[arg(long, value_parser = parse::<OfferingKind>)]
        kind: Option<OfferingKind>,
        /// Page.
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show an offering with its releases and the services that use it.
    Show {
        /// Id or name; `"Supplier / Name"` where several suppliers offer one of that name.
        offering: String,
    },
    /// Delete an offering.
    Delete {
        /// Id or name; `"Supplier / Name"` where several suppliers offer one of that name.
        offering: String,
    },
    /// Record a release of an offering.
    Release {
        /// Id or name; `"Supplier / Name"` where several suppliers offer one of that name.
        offering: String,
        /// The release's version.
        #[arg(value_name = "VERSION")]
        release: String,
        /// Release date (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
    },
    /// Import offerings and releases from CSV files.
    Import(ImportArgs),
    /// Export offerings or releases as CSV.
    Export(ExportArgs<OfferingTable>),
}

/// `service …`.
#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Register an internal service.
    Add {
        /// Name (unique).
        name: String,
        /// Criticality tier 1 to 4.
        #[arg(long)]
        criticality: Tier,
        /// Owner.
        #[arg(long)]
        owner: Option<String>,
        /// Owner's e-mail.
        #[arg(long)]
        owner_email: Option<String>,
        /// Recovery time objective in hours.
        #[arg(long)]
        rto_hours: Option<u32>,
        /// An offering it uses, with alternatives after `=` separated by `|`:
        /// `--uses "Identra SSO"` or `--uses "Mailstream Email=PostBeacon Mail"`. Repeatable.
        /// Where several suppliers offer one of a name, write `Supplier / Name`.
        #[arg(long)]
        uses: Vec<String>,
    },
    /// Change a service's fields; `--uses` replaces everything it uses.
    Update {
        /// Id or name.
        service: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// Criticality tier 1 to 4.
        #[arg(long)]
        criticality: Option<Tier>,
        /// Owner.
        #[arg(long)]
        owner: Option<String>,
        /// Owner's e-mail.
        #[arg(long)]
        owner_email: Option<String>,
        /// Recovery time objective in hours.
        #[arg(long)]
        rto_hours: Option<u32>,
        /// What it uses, as for `service add`; when given, replaces the whole list.
        #[arg(long)]
        uses: Vec<String>,
    },
    /// List services.
    List {
        /// Name contains.
        #[arg(long)]
        q: Option<String>,
        /// Criticality.
        #[arg(long)]
        criticality: Option<Tier>,
        /// Only services that use this offering.
        #[arg(long)]
        uses: Option<String>,
        /// Page.
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a service with what it uses.
    Show {
        /// Id or name.
        service: String,
    },
    /// Delete a service.
    Delete {
        /// Id or name.
        service: String,
    },
    /// Import services and service uses from CSV files.
    Import(ImportArgs),
    /// Export services or service uses as CSV.
    Export(ExportArgs<ServiceTable>),
}

/// Which kind of node a name refers to, when names collide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NodeKindArg {
    /// A supplier.
    Supplier,
    /// An offering.
    Offering,
    /// An internal service.
    Service,
}

/// `graph …`.
#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// The subcontractors of a supplier (fourth parties and beyond).
    Subcontractors {
        /// Supplier id, name, LEI, DUNS or VAT.
        supplier: String,
        /// How many links deep.
        #[arg(long, default_value_t = 10)]
        depth: u32,
    },
    /// Everything that depends on a supplier, offering or service, with the path that explains it.
    Dependents {
        /// Id or name.
        node: String,
        /// What the name refers to, if it names more than one kind of thing.
        #[arg(long, value_enum)]
        kind: Option<NodeKindArg>,
        /// List dependent suppliers and offerings too, not only internal services.
        #[arg(long)]
        all: bool,
    },
    /// Every simple path from one node to another along dependencies.
    Path {
        /// From (a service, offering or supplier).
        from: String,
        /// To.
        to: String,
        /// What `from` refers to.
        #[arg(long, value_enum)]
        from_kind: Option<NodeKindArg>,
        /// What `to` refers to.
        #[arg(long, value_enum)]
        to_kind: Option<NodeKindArg>,
        /// Longest path in links.
        #[arg(long, default_value_t = 12)]
        max_depth: u32,
        /// Most paths listed.
        #[arg(long, default_value_t = 100)]
        max_paths: usize,
    },
    /// Suppliers shared by the most chains.
    Concentration {
        /// How many to list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Internal services that fail when one offering or supplier fails.
    Spof,
}

/// Parses any of the domain's `FromStr` values for clap, keeping the domain's message.
fn parse<T: std::str::FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn every_command_is_well_formed() {
        // clap checks names, conflicts and defaults of every subcommand here, not only of
        // the ones a test happens to run.
        Cli::command().debug_assert();
    }
}

#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Compares two versions in an ecosystem's ordering and prints `<`, `=` or `>`; with
    /// `--stdin`, reads one `A B` pair a line and prints one answer a line.
    #[command(after_help = "Ecosystems: npm, cargo/crates.io, hex, semver, go, pypi, maven, nuget, \
gem/rubygems, composer/packagist, deb/debian/ubuntu, rpm/redhat, apk/alpine, cran, hackage, pub, generic; \
OSV ecosystem names (`Debian:12`) work too.\n\n\
Exit codes: 0 compared, 2 unknown ecosystem or a version that does not parse (with --stdin: \
the line's answer is `error: …` on stdout and the exit code is 2 at the end).")]
    Cmp {
        /// The ecosystem.
        ecosystem: String,
        /// The first version.
        #[arg(required_unless_present = "stdin")]
        a: Option<String>,
        /// The second version.
        #[arg(required_unless_present = "stdin")]
        b: Option<String>,
        /// Read `A B` pairs from standard input, one a line.
        #[arg(long, conflicts_with_all = ["a", "b"])]
        stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Imports a feed from a file, a folder (OSV) or an http(s) URL: new and newer advisories
    /// are stored and the packages they name re-matched; single bad records are reported
    /// and the rest imported.
    #[command(after_help = "Exit codes: 0 imported, 1 imported but some records were refused, \
2 the source is unreadable.")]
    Import {
        /// `osv` (a zip of one JSON per advisory, or a folder of them) or `kev` (CISA KEV JSON or CSV).
        #[arg(value_enum)]
        feed: FeedKind,
        /// The file, folder or URL.
        source: String,
        /// Largest download, in bytes.
        #[arg(long, default_value_t = 2 * 1024 * 1024 * 1024)]
        max_download_bytes: u64,
    },
    /// What the store holds of the feeds, and the latest imports.
    Status,
}

/// A feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FeedKind {
    /// OSV advisories.
    Osv,
    /// The CISA Known Exploited Vulnerabilities catalogue.
    Kev,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The SBOM.
    pub file: PathBuf,
    /// Exit 1 when an affected finding is at least this severe (`low` … `critical`), or in
    /// the KEV catalogue (`kev`). Findings without a severity count for `low` only.
    #[arg(long, value_parser = ["low", "medium", "high", "critical", "kev"])]
    pub fail_on: Option<String>,
    /// Also list findings that could not be evaluated and components without a version.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum FindingsCommand {
    /// Lists findings, most urgent first.
    List {
        /// Only this offering's (name, `Supplier / Offering` or id).
        #[arg(long)]
        offering: Option<String>,
        /// Only this release of --offering.
        #[arg(long, requires = "offering")]
        release: Option<String>,
        /// At least this severity: low, medium, high, critical.
        #[arg(long)]
        severity: Option<String>,
        /// Only findings in the KEV catalogue.
        #[arg(long)]
        kev: bool,
        /// Only this triage state.
        #[arg(long)]
        status: Option<String>,
        /// Only this verdict: affected, not_evaluable, unknown_version.
        #[arg(long)]
        verdict: Option<String>,
        /// Text in the component or vulnerability.
        #[arg(long)]
        search: Option<String>,
        /// Also findings the latest match no longer produces (fixed by an upgrade, advisory
        /// withdrawn).
        #[arg(long)]
        all: bool,
        /// Most findings to list.
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// One finding and its triage history.
    Show {
        /// The finding's id.
        id: uuid::Uuid,
    },
    /// Records a VEX triage decision for findings.
    Triage {
        /// The findings' ids.
        #[arg(required = true)]
        ids: Vec<uuid::Uuid>,
        /// under_investigation, affected, fixed or not_affected.
        #[arg(long)]
        status: String,
        /// Required with not_affected: component_not_present, vulnerable_code_not_present,
        /// vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary,
        /// inline_mitigations_already_exist.
        #[arg(long)]
        justification: Option<String>,
        /// With affected: can_not_fix, will_not_fix, update, rollback, workaround_available.
        #[arg(long)]
        response: Option<String>,
        /// Why.
        #[arg(long)]
        detail: Option<String>,
        /// Also every other release of the offering with the same package version.
        #[arg(long)]
        all_releases: bool,
    },
    /// Re-matches a release (or every release) against the stored advisories now.
    Rematch {
        /// The offering.
        #[arg(long)]
        offering: String,
        /// The release.
        #[arg(long)]
        release: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum VexCommand {
    /// Applies a CycloneDX VEX, OpenVEX or CSAF VEX document to a release's findings.
    Import {
        /// The document.
        file: PathBuf,
        /// The offering.
        #[arg(long)]
        offering: String,
        /// The release.
        #[arg(long)]
        release: String,
    },
    /// Writes a release's triage decisions as CycloneDX VEX or OpenVEX.
    Export {
        /// The offering.
        #[arg(long)]
        offering: String,
        /// The release.
        #[arg(long)]
        release: String,
        /// cyclonedx or openvex.
        #[arg(long = "as", default_value = "cyclonedx")]
        export_as: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}
