//! `serve`: the web UI and HTTP API until Ctrl-C or SIGTERM.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chainward_server::{OidcConfig, ServerConfig, TlsFiles};
use chainward_store::Store;

use crate::Outcome;
use crate::args::ServeArgs;

/// Runs the server; with `--demo` the demo organisation and accounts are loaded first.
///
/// Without an admin account the server logs a one-time set-up link (and refuses a
/// non-loopback address); the log goes to standard error.
pub async fn run(store: Arc<dyn Store>, args: ServeArgs) -> Result<Outcome> {
    let config = config(&args)?;
    if args.demo {
        if !args.listen.ip().is_loopback() {
            bail!(
                "--demo serves on a loopback address only (127.0.0.1): the demo passwords are published, \
                 so anyone who reached {} could log in as admin",
                args.listen
            );
        }
        let report = crate::demo::import(store.as_ref()).await?;
        tracing::info!(changed = report.n_changed(), "demo organisation loaded");
        let logins = crate::demo::users(store.as_ref()).await?;
        crate::demo::sboms(store.as_ref()).await?;
        let scheme = if config.tls.is_some() { "https" } else { "http" };
        let text = format!("{}\nopen {scheme}://{}/ and log in\n", crate::demo::logins_table(&logins), args.listen);
        crate::output::print(crate::args::Format::Table, &(), || text)?;
    }
    if !args.listen.ip().is_loopback()
        && let Some(username) = crate::demo::account_with_published_password(store.as_ref()).await?
    {
        bail!(
            "refusing to listen on {}: the demo account {username} still has its published password; \
             reset it with `chainward user passwd {username}` or disable it with `chainward user disable {username}`",
            args.listen
        );
    }
    chainward_server::serve_until(config, store, shutdown_signal()).await?;
    Ok(Outcome::Ok)
}

/// The server's settings from the command line.
fn config(args: &ServeArgs) -> Result<ServerConfig> {
    let mut config = ServerConfig { listen: args.listen, ..ServerConfig::default() };
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        config.tls = Some(TlsFiles { cert: cert.clone(), key: key.clone() });
    }
    if args.secure_cookies {
        config.secure_cookies = Some(true);
    }
    if let Some(bytes) = args.max_upload_bytes {
        config.max_upload_bytes = bytes;
    }
    if let (Some(issuer), Some(client_id), Some(secret_file), Some(redirect_url)) =
        (&args.oidc_issuer, &args.oidc_client_id, &args.oidc_client_secret_file, &args.oidc_redirect_url)
    {
        let client_secret = std::fs::read_to_string(secret_file)
            .with_context(|| format!("cannot read the OpenID Connect client secret from {}", secret_file.display()))?
            .trim()
            .to_owned();
        config.oidc = Some(OidcConfig {
            issuer: issuer.clone(),
            client_id: client_id.clone(),
            client_secret,
            redirect_url: redirect_url.clone(),
            claim: args.oidc_claim,
            label: args.oidc_label.clone(),
        });
    }
    Ok(config)
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
