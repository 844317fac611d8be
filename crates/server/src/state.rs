//! The state every handler shares: the store, the cached supply-chain graph and the
//! request metrics.
//!
//! The graph is built from [`Store::graph_input`] the first time a graph route asks for it
//! and then reused while the store's registry revision stays the same. The revision is
//! bumped by the database itself on every change, so writes by the CLI or by another
//! server instance are seen too. Building runs on the blocking pool, so a large registry
//! does not stall the async workers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use axum::http::Method;

use chainward_core::graph::ChainGraph;
use chainward_store::Store;
use tokio::sync::Mutex;

use crate::ServerConfig;
use crate::auth::Need;
use crate::auth::oidc::Oidc;
use crate::auth::secret;
use crate::auth::throttle::Throttle;
use crate::error::ApiError;
use crate::metrics::Metrics;

/// What the handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    graph: Arc<GraphCache>,
    metrics: Arc<Metrics>,
    max_body_bytes: usize,
    max_upload_bytes: usize,
    request_timeout: Duration,
    /// Route template → (method, need): looked up on every request.
    needs: Arc<HashMap<&'static str, Vec<(Method, Need)>>>,
    throttle: Arc<Throttle>,
    setup_token: Arc<StdMutex<Option<String>>>,
    session_idle: time::Duration,
    session_absolute: time::Duration,
    secure_cookies: bool,
    oidc: Option<Arc<Oidc>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.store.backend())
            .field("max_body_bytes", &self.max_body_bytes)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over `store`, with the limits of `config`.
    pub fn new(store: Arc<dyn Store>, config: &ServerConfig) -> Self {
        let mut needs: HashMap<&'static str, Vec<(Method, Need)>> = HashMap::new();
        for (method, path, need) in crate::router::route_needs() {
            needs.entry(path).or_default().push((method, need));
        }
        AppState {
            store,
            graph: Arc::new(GraphCache::default()),
            metrics: Arc::new(Metrics::default()),
            max_body_bytes: config.max_body_bytes,
            max_upload_bytes: config.max_upload_bytes,
            request_timeout: config.request_timeout,
            needs: Arc::new(needs),
            throttle: Arc::new(Throttle::default()),
            setup_token: Arc::new(StdMutex::new(None)),
            session_idle: config.session_idle,
            session_absolute: config.session_absolute,
            secure_cookies: config.secure_cookies.unwrap_or(config.tls.is_some() || !config.listen.ip().is_loopback()),
            oidc: None,
        }
    }

    /// The state with OpenID Connect sign-in through `oidc` (discovered already).
    pub fn with_oidc(self, oidc: Option<Arc<Oidc>>) -> Self {
        AppState { oidc, ..self }
    }

    /// The OpenID Connect provider, when sign-in through one is configured.
    pub(crate) fn oidc(&self) -> Option<&Oidc> {
        self.oidc.as_deref()
    }

    /// The unrestricted store, acting as the server itself. Only the guard and the login
    /// pages use it; handlers get the caller's store through [`crate::auth::Db`].
    pub(crate) fn system_store(&self) -> &dyn Store {
        &*self.store
    }

    /// What the route `path` (as matched) needs for `method`.
    pub(crate) fn need(&self, method: &Method, path: &str) -> Option<Need> {
        // HEAD is answered by GET routes.
        let method = if method == Method::HEAD { &Method::GET } else { method };
        self.needs.get(path)?.iter().find(|(m, _)| m == method).map(|(_, n)| *n)
    }

    /// Failed logins per client address.
    pub(crate) fn throttle(&self) -> &Throttle {
        &self.throttle
    }

    /// Opens the first-run set-up link and returns its token.
    pub fn open_setup(&self) -> String {
        let token = secret::random_hex(24);
        if let Ok(mut slot) = self.setup_token.lock() {
            *slot = Some(token.clone());
        }
        token
    }

    /// Whether `token` is the open set-up link's.
    pub(crate) fn setup_token_matches(&self, token: &str) -> bool {
        self.setup_token.lock().ok().and_then(|slot| slot.clone()).is_some_and(|t| secret::same(&t, token))
    }

    /// Takes the set-up link if `token` is its token: closes it in the same step, so of two
    /// requests with the same token only one gets `true`.
    pub(crate) fn take_setup(&self, token: &str) -> bool {
        let Ok(mut slot) = self.setup_token.lock() else { return false };
        if slot.as_deref().is_some_and(|t| secret::same(t, token)) {
            *slot = None;
            true
        } else {
            false
        }
    }

    /// Opens the set-up link again with the `token` [`AppState::take_setup`] took, after
    /// the first admin could not be created; a link opened since is kept.
    pub(crate) fn reopen_setup(&self, token: &str) {
        if let Ok(mut slot) = self.setup_token.lock()
            && slot.is_none()
        {
            *slot = Some(token.to_owned());
        }
    }

    /// A session unused this long ends.
    pub(crate) fn session_idle(&self) -> time::Duration {
        self.session_idle
    }

    /// A session ends this long after login, used or not.
    pub(crate) fn session_absolute(&self) -> time::Duration {
        self.session_absolute
    }

    /// Whether cookies get the `Secure` attribute.
    pub(crate) fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    /// The largest upload accepted, in bytes.
    pub fn max_upload_bytes(&self) -> usize {
        self.max_upload_bytes
    }

    /// The supply-chain graph of the whole registry, built if needed. Only routes that
    /// supplier-scoped callers cannot reach may use it.
    pub async fn graph(&self) -> Result<Arc<ChainGraph>, ApiError> {
        self.graph.get(&*self.store).await
    }

    /// The request metrics.
    pub(crate) fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The largest request body accepted, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// How long one request may take.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
}

/// The graph built for one registry revision.
struct BuiltGraph {
    revision: i64,
    graph: Arc<ChainGraph>,
}

/// A lazily built graph, tagged with the registry revision it was built from.
#[derive(Default)]
struct GraphCache {
    // An async mutex, so concurrent requests wait for one build instead of each building.
    built: Mutex<Option<BuiltGraph>>,
}

impl GraphCache {
    async fn get(&self, store: &dyn Store) -> Result<Arc<ChainGraph>, ApiError> {
        let mut built = self.built.lock().await;
        // Read the revision before the graph input: a write that lands in between makes
        // the next request rebuild once more, never serve a stale graph as fresh.
        let wanted = store.registry_revision().await?;
        if let Some(current) = built.as_ref().filter(|b| b.revision == wanted) {
            return Ok(Arc::clone(&current.graph));
        }
        let input = store.graph_input().await?;
        let graph = tokio::task::spawn_blocking(move || ChainGraph::build(input))
            .await
            .map_err(|e| ApiError::internal(format!("graph build task failed: {e}")))?
            .map_err(|e| ApiError::internal(format!("cannot build the supply-chain graph: {e}")))?;
        let graph = Arc::new(graph);
        *built = Some(BuiltGraph { revision: wanted, graph: Arc::clone(&graph) });
        Ok(graph)
    }
}
