//! The state every handler shares: the store, the cached supply-chain graph and the
//! request metrics.
//!
//! The graph is built from [`Store::graph_input`] the first time a graph route asks for it
//! and then reused while the store's registry revision stays the same. The revision is
//! bumped by the database itself on every change, so writes by the CLI or by another
//! server instance are seen too. Building runs on the blocking pool, so a large registry
//! does not stall the async workers.

use std::sync::Arc;
use std::time::Duration;

use chainward_core::graph::ChainGraph;
use chainward_store::Store;
use tokio::sync::Mutex;

use crate::ServerConfig;
use crate::error::ApiError;
use crate::metrics::Metrics;

/// What the handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    graph: Arc<GraphCache>,
    metrics: Arc<Metrics>,
    max_body_bytes: usize,
    request_timeout: Duration,
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
        AppState {
            store,
            graph: Arc::new(GraphCache::default()),
            metrics: Arc::new(Metrics::default()),
            max_body_bytes: config.max_body_bytes,
            request_timeout: config.request_timeout,
        }
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// The supply-chain graph as of the last write through the API, built if needed.
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
