//! The router, built in one function from one route table, and the OpenAPI document.
//!
//! The table is also what [`api_routes`] lists, so a test can hold the routes the server
//! answers against the routes `/openapi.json` documents: a route added without
//! documentation fails it.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{Method, Uri};
use axum::routing::{MethodFilter, on};
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;

use crate::api::{audit, graph, monitoring, offerings, sboms, services, suppliers, system};
use crate::auth::{Need, Surface};
use crate::error::ApiError;
use crate::middleware;
use crate::state::AppState;
use crate::ui;

/// The documented API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "chainward",
        description = "The ICT supply-chain registry of chainward: suppliers, subcontractors, offerings, \
                       releases, internal services and the graph of dependence between them.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        suppliers::list_suppliers,
        suppliers::create_supplier,
        suppliers::get_supplier,
        suppliers::update_supplier,
        suppliers::delete_supplier,
        suppliers::list_supplier_subcontractors,
        suppliers::list_subcontracts,
        suppliers::create_subcontract,
        suppliers::delete_subcontract,
        offerings::list_offerings,
        offerings::create_offering,
        offerings::get_offering,
        offerings::update_offering,
        offerings::delete_offering,
        offerings::list_releases,
        offerings::create_release,
        offerings::delete_release,
        services::list_services,
        services::create_service,
        services::get_service,
        services::update_service,
        services::delete_service,
        graph::subcontractors,
        graph::dependents,
        graph::paths,
        graph::concentration,
        graph::spof,
        system::healthz,
        system::metrics,
        system::openapi,
        system::me,
        audit::list_audit,
        sboms::upload_sbom,
        sboms::validate_sbom,
        sboms::list_sboms,
        sboms::get_sbom,
        sboms::delete_sbom,
        sboms::sbom_content,
        sboms::sbom_components,
        sboms::sbom_quality,
        sboms::export_release,
        sboms::diff_releases,
        sboms::get_baseline,
        sboms::put_baseline,
        sboms::check_config,
        sboms::unmatched_suppliers,
        sboms::add_alias,
        sboms::list_aliases,
        sboms::delete_alias,
        sboms::dt_put_bom,
        sboms::dt_post_bom,
        sboms::dt_token,
        sboms::dt_event_token,
        monitoring::list_findings,
        monitoring::get_finding,
        monitoring::triage_findings,
        monitoring::get_vulnerability,
        monitoring::get_advisory,
        monitoring::feed_status,
        monitoring::import_osv,
        monitoring::import_kev,
        monitoring::import_vex,
        monitoring::export_vex,
        monitoring::scan,
        monitoring::finding_events,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "suppliers", description = "Suppliers and their subcontracting links"),
        (name = "offerings", description = "Products and services of suppliers, with releases"),
        (name = "services", description = "Our internal services and the offerings they use"),
        (name = "graph", description = "Questions to the supply-chain graph"),
        (name = "operations", description = "Health, metrics, this document, the caller and the audit log"),
        (name = "sboms", description = "SBOMs and SWID tags of offering releases, validation, export, diff, configuration baselines"),
        (name = "dependency-track", description = "Dependency-Track compatible BOM upload (X-Api-Key or Bearer)"),
        (name = "monitoring", description = "Vulnerability findings, VEX triage, advisories, feeds and CI scans"),
    )
)]
struct ApiDoc;

/// Declares the bearer-token scheme every API route uses.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("cw_…").build()),
        );
    }
}

/// The OpenAPI document of the API, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi).clone()
}

/// A router and the list of the routes in it, each with what it needs.
struct RouteTable {
    router: Router<AppState>,
    routes: Vec<(Method, &'static str, Need)>,
}

impl RouteTable {
    fn new() -> Self {
        RouteTable { router: Router::new(), routes: Vec::new() }
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, need: Need, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = match method {
            Method::GET => MethodFilter::GET,
            Method::POST => MethodFilter::POST,
            Method::PUT => MethodFilter::PUT,
            Method::DELETE => MethodFilter::DELETE,
            Method::PATCH => MethodFilter::PATCH,
            _ => MethodFilter::OPTIONS,
        };
        self.router = self.router.route(path, on(filter, handler));
        self.routes.push((method, path, need));
        self
    }

    /// Adds an upload route: the general body limit does not apply; the handler reads the
    /// upload in chunks and stops at the configured upload limit itself.
    fn add_upload<H, T>(mut self, method: Method, path: &'static str, need: Need, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = if method == Method::PUT { MethodFilter::PUT } else { MethodFilter::POST };
        self.router = self.router.route(path, on(filter, handler).layer(DefaultBodyLimit::disable()));
        self.routes.push((method, path, need));
        self
    }
}

/// Every route of the application, in one table, with what each needs (see
/// [`Need::allows`] for which roles have what).
fn route_table() -> RouteTable {
    use Method as M;
    use Need::*;
    RouteTable::new()
        // ---- JSON API (API tokens) ----
        .add(M::GET, "/api/v1/suppliers", ReadRegistry, suppliers::list_suppliers)
        .add(M::POST, "/api/v1/suppliers", ManageSuppliers, suppliers::create_supplier)
        .add(M::GET, "/api/v1/suppliers/{id}", ReadRegistry, suppliers::get_supplier)
        .add(M::PUT, "/api/v1/suppliers/{id}", EditSuppliers, suppliers::update_supplier)
        .add(M::DELETE, "/api/v1/suppliers/{id}", ManageSuppliers, suppliers::delete_supplier)
        .add(M::GET, "/api/v1/suppliers/{id}/subcontractors", ReadInternal, suppliers::list_supplier_subcontractors)
        .add(M::GET, "/api/v1/subcontracts", ReadInternal, suppliers::list_subcontracts)
        .add(M::POST, "/api/v1/subcontracts", ManageSuppliers, suppliers::create_subcontract)
        .add(M::DELETE, "/api/v1/subcontracts/{id}", ManageSuppliers, suppliers::delete_subcontract)
        .add(M::GET, "/api/v1/offerings", ReadRegistry, offerings::list_offerings)
        .add(M::POST, "/api/v1/offerings", EditSuppliers, offerings::create_offering)
        .add(M::GET, "/api/v1/offerings/{id}", ReadRegistry, offerings::get_offering)
        .add(M::PUT, "/api/v1/offerings/{id}", EditSuppliers, offerings::update_offering)
        .add(M::DELETE, "/api/v1/offerings/{id}", EditSuppliers, offerings::delete_offering)
        .add(M::GET, "/api/v1/offerings/{id}/releases", ReadRegistry, offerings::list_releases)
        .add(M::POST, "/api/v1/offerings/{id}/releases", EditSuppliers, offerings::create_release)
        .add(M::DELETE, "/api/v1/releases/{id}", EditSuppliers, offerings::delete_release)
        .add(M::GET, "/api/v1/services", ReadInternal, services::list_services)
        .add(M::POST, "/api/v1/services", EditServices, services::create_service)
        .add(M::GET, "/api/v1/services/{id}", ReadInternal, services::get_service)
        .add(M::PUT, "/api/v1/services/{id}", EditServices, services::update_service)
        .add(M::DELETE, "/api/v1/services/{id}", EditServices, services::delete_service)
        .add(M::GET, "/api/v1/graph/subcontractors/{supplier_id}", ReadInternal, graph::subcontractors)
        .add(M::GET, "/api/v1/graph/dependents/{id}", ReadInternal, graph::dependents)
        .add(M::GET, "/api/v1/graph/paths", ReadInternal, graph::paths)
        .add(M::GET, "/api/v1/graph/concentration", ReadInternal, graph::concentration)
        .add(M::GET, "/api/v1/graph/spof", ReadInternal, graph::spof)
        .add(M::GET, "/api/v1/me", SignedIn, system::me)
        .add(M::GET, "/api/v1/audit", ReadAudit, audit::list_audit)
        .add_upload(M::POST, "/api/v1/sboms", UploadEvidence, sboms::upload_sbom)
        .add_upload(M::POST, "/api/v1/sboms/validate", ReadRegistry, sboms::validate_sbom)
        .add(M::GET, "/api/v1/sboms", ReadRegistry, sboms::list_sboms)
        .add(M::GET, "/api/v1/sboms/{id}", ReadRegistry, sboms::get_sbom)
        .add(M::DELETE, "/api/v1/sboms/{id}", ManageSuppliers, sboms::delete_sbom)
        .add(M::GET, "/api/v1/sboms/{id}/content", ReadRegistry, sboms::sbom_content)
        .add(M::GET, "/api/v1/sboms/{id}/components", ReadRegistry, sboms::sbom_components)
        .add(M::GET, "/api/v1/sboms/{id}/quality", ReadRegistry, sboms::sbom_quality)
        .add(M::GET, "/api/v1/releases/{id}/sbom", ReadRegistry, sboms::export_release)
        .add(M::GET, "/api/v1/offerings/{id}/diff", ReadRegistry, sboms::diff_releases)
        .add(M::GET, "/api/v1/offerings/{id}/baseline", ReadRegistry, sboms::get_baseline)
        .add_upload(M::PUT, "/api/v1/offerings/{id}/baseline", SetRequirements, sboms::put_baseline)
        .add_upload(M::POST, "/api/v1/offerings/{id}/config-checks", UploadEvidence, sboms::check_config)
        .add(M::GET, "/api/v1/component-suppliers/unmatched", ReadInternal, sboms::unmatched_suppliers)
        .add(M::GET, "/api/v1/suppliers/{id}/aliases", ReadInternal, sboms::list_aliases)
        .add(M::POST, "/api/v1/suppliers/{id}/aliases", SetRequirements, sboms::add_alias)
        .add(M::DELETE, "/api/v1/supplier-aliases/{alias}", SetRequirements, sboms::delete_alias)
        .add_upload(M::PUT, "/api/v1/bom", UploadEvidence, sboms::dt_put_bom)
        .add_upload(M::POST, "/api/v1/bom", UploadEvidence, sboms::dt_post_bom)
        .add(M::GET, "/api/v1/bom/token/{uuid}", UploadEvidence, sboms::dt_token)
        .add(M::GET, "/api/v1/event/token/{uuid}", UploadEvidence, sboms::dt_event_token)
        .add(M::GET, "/api/v1/findings", ReadRegistry, monitoring::list_findings)
        .add(M::GET, "/api/v1/findings/{id}", ReadRegistry, monitoring::get_finding)
        .add(M::POST, "/api/v1/findings/triage", Triage, monitoring::triage_findings)
        .add(M::GET, "/api/v1/vulnerabilities/{id}", ReadRegistry, monitoring::get_vulnerability)
        .add(M::GET, "/api/v1/advisories/{id}", ReadRegistry, monitoring::get_advisory)
        .add(M::GET, "/api/v1/feeds", ReadInternal, monitoring::feed_status)
        .add_upload(M::POST, "/api/v1/feeds/osv", ManageFeeds, monitoring::import_osv)
        .add_upload(M::POST, "/api/v1/feeds/kev", ManageFeeds, monitoring::import_kev)
        .add_upload(M::POST, "/api/v1/releases/{id}/vex", Triage, monitoring::import_vex)
        .add(M::GET, "/api/v1/releases/{id}/vex", ReadRegistry, monitoring::export_vex)
        .add_upload(M::POST, "/api/v1/scan", ReadRegistry, monitoring::scan)
        .add(M::GET, "/api/v1/finding-events", ReadInternal, monitoring::finding_events)
        .add(M::GET, "/healthz", Public, system::healthz)
        .add(M::GET, "/metrics", Operate, system::metrics)
        .add(M::GET, "/openapi.json", Public, system::openapi)
        // ---- web UI (session cookie, CSRF-checked forms) ----
        .add(M::GET, "/static/app.css", Public, ui::stylesheet)
        .add(M::GET, "/static/app.js", Public, ui::script)
        .add(M::GET, "/login", Public, ui::login::show)
        .add(M::POST, "/login", Public, ui::login::submit)
        .add(M::GET, "/login/oidc", Public, ui::oidc::start)
        .add(M::GET, "/login/oidc/callback", Public, ui::oidc::callback)
        .add(M::POST, "/logout", SignedIn, ui::login::logout)
        .add(M::GET, "/setup", Public, ui::login::setup)
        .add(M::POST, "/setup", Public, ui::login::setup_submit)
        .add(M::GET, "/", ReadRegistry, ui::dashboard::show)
        .add(M::GET, "/search", ReadRegistry, ui::search::show)
        .add(M::GET, "/suppliers", ReadRegistry, ui::suppliers::list)
        .add(M::POST, "/suppliers", ManageSuppliers, ui::suppliers::create)
        .add(M::GET, "/suppliers/new", ManageSuppliers, ui::suppliers::new_form)
        .add(M::GET, "/suppliers/{id}", ReadRegistry, ui::suppliers::show)
        .add(M::POST, "/suppliers/{id}", EditSuppliers, ui::suppliers::update)
        .add(M::GET, "/suppliers/{id}/edit", EditSuppliers, ui::suppliers::edit_form)
        .add(M::POST, "/suppliers/{id}/delete", ManageSuppliers, ui::suppliers::delete)
        .add(M::GET, "/suppliers/{id}/chain.svg", ReadInternal, ui::suppliers::chain_svg)
        .add(M::POST, "/suppliers/{id}/subcontractors", ManageSuppliers, ui::suppliers::add_subcontractor)
        .add(M::POST, "/subcontracts/{id}/delete", ManageSuppliers, ui::suppliers::delete_subcontract)
        .add(M::GET, "/offerings", ReadRegistry, ui::offerings::list)
        .add(M::POST, "/offerings", EditSuppliers, ui::offerings::create)
        .add(M::GET, "/offerings/{id}", ReadRegistry, ui::offerings::show)
        .add(M::POST, "/offerings/{id}", EditSuppliers, ui::offerings::update)
        .add(M::POST, "/offerings/{id}/delete", EditSuppliers, ui::offerings::delete)
        .add(M::POST, "/offerings/{id}/releases", EditSuppliers, ui::offerings::add_release)
        .add(M::POST, "/releases/{id}/delete", EditSuppliers, ui::offerings::delete_release)
        .add(M::GET, "/sboms/validate", ReadRegistry, ui::sboms::validate_form)
        .add_upload(M::POST, "/sboms/validate", ReadRegistry, ui::sboms::validate)
        .add(M::GET, "/offerings/{id}/sboms/new", UploadEvidence, ui::sboms::new_form)
        .add_upload(M::POST, "/offerings/{id}/sboms", UploadEvidence, ui::sboms::upload)
        .add(M::GET, "/sboms/{id}", ReadRegistry, ui::sboms::show)
        .add(M::GET, "/sboms/{id}/content", ReadRegistry, ui::sboms::content)
        .add(M::POST, "/sboms/{id}/delete", ManageSuppliers, ui::sboms::delete)
        .add(M::GET, "/releases/{id}", ReadRegistry, ui::sboms::release)
        .add(M::GET, "/releases/{id}/export", ReadRegistry, ui::sboms::export)
        .add(M::GET, "/offerings/{id}/diff", ReadRegistry, ui::sboms::diff)
        .add(M::GET, "/releases/{id}/vex", ReadRegistry, ui::findings::vex_download)
        .add_upload(M::POST, "/releases/{id}/vex", Triage, ui::findings::vex_upload)
        .add(M::GET, "/findings", ReadRegistry, ui::findings::list)
        .add(M::POST, "/findings/triage", Triage, ui::findings::triage)
        .add(M::GET, "/findings/{id}", ReadRegistry, ui::findings::show)
        .add(M::GET, "/vulnerabilities/{id}", ReadRegistry, ui::vulnerabilities::show)
        .add(M::GET, "/feeds", ReadInternal, ui::feeds::show)
        .add_upload(M::POST, "/feeds/osv", ManageFeeds, ui::feeds::upload_osv)
        .add_upload(M::POST, "/feeds/kev", ManageFeeds, ui::feeds::upload_kev)
        .add(M::GET, "/feeds/imports/{id}", ReadInternal, ui::feeds::report)
        .add(M::GET, "/offerings/{id}/baseline", ReadRegistry, ui::baselines::show)
        .add_upload(M::POST, "/offerings/{id}/baseline", SetRequirements, ui::baselines::set)
        .add_upload(M::POST, "/offerings/{id}/config-checks", UploadEvidence, ui::baselines::check)
        .add(M::GET, "/component-suppliers", ReadInternal, ui::component_suppliers::list)
        .add(M::POST, "/component-suppliers/aliases", SetRequirements, ui::component_suppliers::add_alias)
        .add(M::POST, "/component-suppliers/aliases/delete", SetRequirements, ui::component_suppliers::delete_alias)
        .add(M::GET, "/services", ReadInternal, ui::services::list)
        .add(M::POST, "/services", EditServices, ui::services::create)
        .add(M::GET, "/services/new", EditServices, ui::services::new_form)
        .add(M::GET, "/services/{id}", ReadInternal, ui::services::show)
        .add(M::POST, "/services/{id}/delete", EditServices, ui::services::delete)
        .add(M::GET, "/services/{id}/dependencies.svg", ReadInternal, ui::services::dependencies_svg)
        .add(M::GET, "/import", ManageSuppliers, ui::import::form)
        .add_upload(M::POST, "/import", ManageSuppliers, ui::import::upload)
        .add(M::GET, "/audit", ReadAudit, ui::audit::list)
        .add(M::GET, "/audit/export", ReadAudit, ui::audit::export)
        .add(M::GET, "/account", SignedIn, ui::account::show)
        .add(M::POST, "/account/password", SignedIn, ui::account::change_password)
        .add(M::POST, "/account/tokens", SignedIn, ui::account::create_token)
        .add(M::POST, "/account/tokens/{id}/revoke", SignedIn, ui::account::revoke_token)
        .add(M::GET, "/admin/users", ManageUsers, ui::admin::users)
        .add(M::POST, "/admin/users", ManageUsers, ui::admin::create_user)
        .add(M::GET, "/admin/users/{id}", ManageUsers, ui::admin::user)
        .add(M::POST, "/admin/users/{id}", ManageUsers, ui::admin::update_user)
        .add(M::POST, "/admin/users/{id}/password", ManageUsers, ui::admin::reset_password)
        .add(M::POST, "/admin/tokens", ManageUsers, ui::admin::create_token)
        .add(M::POST, "/admin/tokens/{id}/revoke", ManageUsers, ui::admin::revoke_token)
}

/// Every route with what it needs, for the guard and the route × role matrix test.
pub fn route_needs() -> Vec<(Method, &'static str, Need)> {
    route_table().routes
}

/// Every API route the router answers (`/api/…`, `/healthz`, `/metrics`,
/// `/openapi.json`), as (method, path template in OpenAPI syntax).
pub fn api_routes() -> Vec<(Method, &'static str)> {
    route_table()
        .routes
        .into_iter()
        .filter(|(_, path, _)| Surface::of(path) == Surface::Api)
        .map(|(method, path, _)| (method, path))
        .collect()
}

async fn no_route(method: Method, uri: Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if Surface::of(uri.path()) == Surface::Ui {
        return ui::PageError(ApiError::NotFound(format!("no page at {}", uri.path()))).into_response();
    }
    ApiError::NotFound(format!("no route for {method} {}; the API is described at /openapi.json", uri.path()))
        .into_response()
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not take {method}; the API is described at /openapi.json", uri.path()))
}

/// The whole application: API and UI routes, operational endpoints, fallbacks for unknown
/// routes and methods, and the middleware (authorization of every matched route, body
/// limit, request timeout, security headers, metrics, tracing). `hsts` adds
/// Strict-Transport-Security (when serving TLS).
pub fn router(state: AppState, hsts: bool) -> Router {
    let max_body_bytes = state.max_body_bytes();
    // Layers added later wrap the earlier ones: metrics see the final status, security
    // headers land on every response, timeouts included. The guard is a route layer: it
    // runs after routing, knows the matched route, and runs before any extractor.
    route_table()
        .router
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::guard::authorize))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::timeout))
        .layer(axum::middleware::from_fn_with_state(hsts, middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::record_metrics))
        // Server errors are logged by ApiError, with their cause; the trace layer only
        // records them at debug level so nothing is logged twice.
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(Level::DEBUG)))
        .with_state(state)
}
