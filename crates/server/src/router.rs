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

use crate::api::{graph, offerings, services, suppliers, system};
use crate::error::ApiError;
use crate::middleware;
use crate::state::AppState;

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
    ),
    tags(
        (name = "suppliers", description = "Suppliers and their subcontracting links"),
        (name = "offerings", description = "Products and services of suppliers, with releases"),
        (name = "services", description = "Our internal services and the offerings they use"),
        (name = "graph", description = "Questions to the supply-chain graph"),
        (name = "operations", description = "Health, metrics and this document"),
    )
)]
struct ApiDoc;

/// The OpenAPI document of the API, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi).clone()
}

/// A router and the list of the routes in it.
struct RouteTable {
    router: Router<AppState>,
    routes: Vec<(Method, &'static str)>,
}

impl RouteTable {
    fn new() -> Self {
        RouteTable { router: Router::new(), routes: Vec::new() }
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
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
        self.routes.push((method, path));
        self
    }
}

/// Every route of the application, in one table.
fn route_table() -> RouteTable {
    use Method as M;
    RouteTable::new()
        .add(M::GET, "/api/v1/suppliers", suppliers::list_suppliers)
        .add(M::POST, "/api/v1/suppliers", suppliers::create_supplier)
        .add(M::GET, "/api/v1/suppliers/{id}", suppliers::get_supplier)
        .add(M::PUT, "/api/v1/suppliers/{id}", suppliers::update_supplier)
        .add(M::DELETE, "/api/v1/suppliers/{id}", suppliers::delete_supplier)
        .add(M::GET, "/api/v1/suppliers/{id}/subcontractors", suppliers::list_supplier_subcontractors)
        .add(M::GET, "/api/v1/subcontracts", suppliers::list_subcontracts)
        .add(M::POST, "/api/v1/subcontracts", suppliers::create_subcontract)
        .add(M::DELETE, "/api/v1/subcontracts/{id}", suppliers::delete_subcontract)
        .add(M::GET, "/api/v1/offerings", offerings::list_offerings)
        .add(M::POST, "/api/v1/offerings", offerings::create_offering)
        .add(M::GET, "/api/v1/offerings/{id}", offerings::get_offering)
        .add(M::PUT, "/api/v1/offerings/{id}", offerings::update_offering)
        .add(M::DELETE, "/api/v1/offerings/{id}", offerings::delete_offering)
        .add(M::GET, "/api/v1/offerings/{id}/releases", offerings::list_releases)
        .add(M::POST, "/api/v1/offerings/{id}/releases", offerings::create_release)
        .add(M::DELETE, "/api/v1/releases/{id}", offerings::delete_release)
        .add(M::GET, "/api/v1/services", services::list_services)
        .add(M::POST, "/api/v1/services", services::create_service)
        .add(M::GET, "/api/v1/services/{id}", services::get_service)
        .add(M::PUT, "/api/v1/services/{id}", services::update_service)
        .add(M::DELETE, "/api/v1/services/{id}", services::delete_service)
        .add(M::GET, "/api/v1/graph/subcontractors/{supplier_id}", graph::subcontractors)
        .add(M::GET, "/api/v1/graph/dependents/{id}", graph::dependents)
        .add(M::GET, "/api/v1/graph/paths", graph::paths)
        .add(M::GET, "/api/v1/graph/concentration", graph::concentration)
        .add(M::GET, "/api/v1/graph/spof", graph::spof)
        .add(M::GET, "/healthz", system::healthz)
        .add(M::GET, "/metrics", system::metrics)
        .add(M::GET, "/openapi.json", system::openapi)
}

/// Every route the router answers, as (method, path template in OpenAPI syntax).
pub fn api_routes() -> Vec<(Method, &'static str)> {
    route_table().routes
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no route for {method} {}; the API is described at /openapi.json", uri.path()))
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not take {method}; the API is described at /openapi.json", uri.path()))
}

/// The whole application: API routes, operational endpoints, JSON fallbacks for unknown
/// routes and methods, and the middleware (body limit, request timeout, security headers,
/// metrics, tracing).
pub fn router(state: AppState) -> Router {
    let max_body_bytes = state.max_body_bytes();
    // Layers added later wrap the earlier ones: metrics see the final status, security
    // headers land on every response, timeouts included.
    route_table()
        .router
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::timeout))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::record_metrics))
        // Server errors are logged by ApiError, with their cause; the trace layer only
        // records them at debug level so nothing is logged twice.
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(Level::DEBUG)))
        .with_state(state)
}
