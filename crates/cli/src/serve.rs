//! `serve`: the HTTP API (and later the web UI) until Ctrl-C or SIGTERM.

use std::sync::Arc;

use anyhow::Result;
use chainward_server::ServerConfig;
use chainward_store::Store;

use crate::Outcome;
use crate::args::ServeArgs;

/// Runs the server; with `--demo` the demo organisation is loaded first.
pub async fn run(store: Arc<dyn Store>, args: ServeArgs) -> Result<Outcome> {
    if args.demo {
        let report = crate::demo::import(store.as_ref()).await?;
        tracing::info!(changed = report.n_changed(), "demo organisation loaded");
    }
    let config = ServerConfig { listen: args.listen, ..ServerConfig::default() };
    chainward_server::serve_until(config, store, shutdown_signal()).await?;
    Ok(Outcome::Ok)
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
