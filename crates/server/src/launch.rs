//! Starting and stopping the server: [`ServerConfig`], [`launch`] for tests and embedding
//! (port 0 picks a free port) and [`serve_until`] for the command line.
//!
//! The server refuses to listen on a non-loopback address until an admin account exists
//! (until then, whoever reaches the port first could claim the installation). With no
//! admin, start-up opens a one-time set-up link, written to the log. With certificate and
//! key files it serves HTTPS (rustls) and sends HSTS.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use chainward_store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::oidc::{Oidc, OidcConfig};
use crate::error::ServerError;
use crate::router::router;
use crate::state::AppState;

/// Certificate and key for HTTPS, as PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// How the server listens and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The address to listen on. A non-loopback address is refused until an admin
    /// account exists. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// The largest request body accepted, in bytes; larger bodies get 413.
    pub max_body_bytes: usize,
    /// The largest file upload (CSV import) accepted, in bytes.
    pub max_upload_bytes: usize,
    /// How long one request may take before it is answered with 503.
    pub request_timeout: Duration,
    /// A session unused this long ends.
    pub session_idle: time::Duration,
    /// A session ends this long after login, used or not.
    pub session_absolute: time::Duration,
    /// Whether cookies are marked `Secure`; by default when serving TLS or listening on a
    /// non-loopback address (behind a TLS-terminating proxy).
    pub secure_cookies: Option<bool>,
    /// Serve HTTPS with these files.
    pub tls: Option<TlsFiles>,
    /// Offer sign-in through this OpenID Connect provider beside local passwords.
    pub oidc: Option<OidcConfig>,
}

impl Default for ServerConfig {
    /// 127.0.0.1:8080, 2 MiB bodies, 64 MiB uploads, 30 s per request, sessions ending
    /// after 30 minutes unused or 12 hours, plain HTTP.
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            session_idle: time::Duration::minutes(30),
            session_absolute: time::Duration::hours(12),
            secure_cookies: None,
            tls: None,
            oidc: None,
        }
    }
}

/// A server running on a task of its own.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    tls: bool,
    setup_token: Option<String>,
    shutdown: oneshot::Sender<()>,
    handle: JoinHandle<Result<(), ServerError>>,
}

impl RunningServer {
    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` (or `https://`), for clients.
    pub fn base_url(&self) -> String {
        format!("{}://{}", if self.tls { "https" } else { "http" }, self.addr)
    }

    /// The first-run set-up link, when no admin existed at start.
    pub fn setup_url(&self) -> Option<String> {
        self.setup_token.as_ref().map(|t| format!("{}/setup?token={t}", self.base_url()))
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

/// A bound, ready server.
struct Bound {
    listener: std::net::TcpListener,
    addr: SocketAddr,
    state: AppState,
    tls: Option<RustlsConfig>,
    setup_token: Option<String>,
}

/// Checks the admin rule, loads TLS files, binds.
async fn bind(config: &ServerConfig, store: Arc<dyn Store>) -> Result<Bound, ServerError> {
    let admins = store.count_admins().await.map_err(|e| ServerError::Store(e.to_string()))?;
    if admins == 0 && !config.listen.ip().is_loopback() {
        return Err(ServerError::NotLoopback { addr: config.listen });
    }
    let tls = match &config.tls {
        Some(files) => Some(RustlsConfig::from_pem_file(&files.cert, &files.key).await.map_err(|e| {
            ServerError::Tls(format!("cannot load {} and {}: {e}", files.cert.display(), files.key.display()))
        })?),
        None => None,
    };
    // The provider is asked before binding: a wrong issuer stops start-up with its name.
    let oidc = match &config.oidc {
        Some(oidc) => {
            let oidc = Oidc::discover(oidc.clone()).await?;
            tracing::info!(issuer = %oidc.issuer(), "OpenID Connect sign-in offered");
            Some(Arc::new(oidc))
        }
        None => None,
    };
    let listener = std::net::TcpListener::bind(config.listen)
        .map_err(|source| ServerError::Bind { addr: config.listen, source })?;
    listener.set_nonblocking(true).map_err(|source| ServerError::Bind { addr: config.listen, source })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind { addr: config.listen, source })?;
    let state = AppState::new(store, config).with_oidc(oidc);
    let setup_token = (admins == 0).then(|| state.open_setup());
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, scheme, "listening");
    if let Some(token) = &setup_token {
        tracing::warn!(
            "no admin account exists: create one with `chainward user add --role admin NAME`, or open \
             {scheme}://{addr}/setup?token={token} (this link works once)"
        );
    }
    Ok(Bound { listener, addr, state, tls, setup_token })
}

async fn serve(bound: Bound, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServerError> {
    let Bound { listener, state, tls, .. } = bound;
    let hsts = tls.is_some();
    let app = router(state, hsts).into_make_service_with_connect_info::<SocketAddr>();
    let handle = Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    match tls {
        Some(tls) => axum_server::from_tcp_rustls(listener, tls)
            .map_err(ServerError::Serve)?
            .handle(handle)
            .serve(app)
            .await
            .map_err(ServerError::Serve),
        None => axum_server::from_tcp(listener)
            .map_err(ServerError::Serve)?
            .handle(handle)
            .serve(app)
            .await
            .map_err(ServerError::Serve),
    }
}

/// Binds `config.listen` and serves on a task of its own; returns once the port is bound.
pub async fn launch(config: ServerConfig, store: Arc<dyn Store>) -> Result<RunningServer, ServerError> {
    let bound = bind(&config, store).await?;
    let (addr, tls, setup_token) = (bound.addr, bound.tls.is_some(), bound.setup_token.clone());
    let (shutdown, signal) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        serve(bound, async move {
            // A dropped sender stops the server too: nobody is left to stop it otherwise.
            let _ = signal.await;
        })
        .await
    });
    Ok(RunningServer { addr, tls, setup_token, shutdown, handle })
}

/// Binds `config.listen` and serves until `shutdown` completes (for instance on ctrl-c),
/// then lets requests in flight finish.
pub async fn serve_until(
    config: ServerConfig,
    store: Arc<dyn Store>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let bound = bind(&config, store).await?;
    serve(bound, shutdown).await
}
