//! Starting and stopping the server: [`ServerConfig`], [`launch`] for tests and embedding
//! (port 0 picks a free port) and [`serve_until`] for the command line.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chainward_store::Store;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::ServerError;
use crate::router::router;
use crate::state::AppState;

/// How the server listens and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The address to listen on; must be a loopback address until the API has access
    /// control. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// The largest request body accepted, in bytes; larger bodies get 413.
    pub max_body_bytes: usize,
    /// How long one request may take before it is answered with 503.
    pub request_timeout: Duration,
}

impl Default for ServerConfig {
    /// 127.0.0.1:8080, 2 MiB bodies, 30 s per request.
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            max_body_bytes: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// A server running on a task of its own.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    handle: JoinHandle<Result<(), ServerError>>,
}

impl RunningServer {
    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, for clients.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets requests in flight finish, and waits.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        // The receiver is gone only if the server already stopped; waiting tells why.
        let RunningServer { shutdown, handle, .. } = self;
        let _ = shutdown.send(());
        handle.await.map_err(|e| ServerError::Task(e.to_string()))?
    }

    /// Waits until the server stops (by [`RunningServer::shutdown`] or an error).
    pub async fn wait(self) -> Result<(), ServerError> {
        self.handle.await.map_err(|e| ServerError::Task(e.to_string()))?
    }
}

/// Refuses non-loopback addresses, then binds.
async fn bind(listen: SocketAddr) -> Result<(TcpListener, SocketAddr), ServerError> {
    // Until the API has authentication (bearer tokens, roles), anyone who can reach the
    // port can change the registry, so only this machine may reach it.
    if !listen.ip().is_loopback() {
        return Err(ServerError::NotLoopback { addr: listen });
    }
    let listener = TcpListener::bind(listen).await.map_err(|source| ServerError::Bind { addr: listen, source })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind { addr: listen, source })?;
    Ok((listener, addr))
}

async fn serve(
    listener: TcpListener,
    config: &ServerConfig,
    store: Arc<dyn Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let app = router(AppState::new(store, config));
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await.map_err(ServerError::Serve)
}

/// Binds `config.listen` and serves on a task of its own; returns once the port is bound.
pub async fn launch(config: ServerConfig, store: Arc<dyn Store>) -> Result<RunningServer, ServerError> {
    let (listener, addr) = bind(config.listen).await?;
    let (shutdown, signal) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        serve(listener, &config, store, async move {
            // A dropped sender stops the server too: nobody is left to stop it otherwise.
            let _ = signal.await;
        })
        .await
    });
    tracing::info!(%addr, "listening");
    Ok(RunningServer { addr, shutdown, handle })
}

/// Binds `config.listen` and serves until `shutdown` completes (for instance on ctrl-c),
/// then lets requests in flight finish.
pub async fn serve_until(
    config: ServerConfig,
    store: Arc<dyn Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let (listener, addr) = bind(config.listen).await?;
    tracing::info!(%addr, "listening");
    serve(listener, &config, store, shutdown).await
}
