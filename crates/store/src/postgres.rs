//! The PostgreSQL backend: a connection pool, the schema in `migrations/postgres/`. The
//! queries are the shared ones of [`crate::shared::store_impl`].

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};

use chainward_core::access::Caller;

use crate::{Result, StoreError};

/// How long connecting may take before the database counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A store in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Who the queries run for (see [`crate::Store`]).
    caller: Caller,
}

impl PgStore {
    /// Connects (failing within a few seconds when the server does not answer) and brings
    /// the schema up to date. `shown` is the URL without its password, for errors.
    pub(crate) async fn open(url: &str, shown: &str) -> Result<Self> {
        let unavailable = |reason: String| StoreError::Unavailable { url: shown.to_owned(), reason };
        let options: PgConnectOptions =
            url.parse().map_err(|e: sqlx::Error| unavailable(format!("bad PostgreSQL URL: {e}")))?;
        // One plain connection first: the pool would retry a refused connection until its
        // timeout, while a single attempt fails at once with the server's (or the OS's) reason.
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
            .await
            .map_err(|_| unavailable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())))?
            .map_err(|e| unavailable(e.to_string()))?;
        probe.close().await.map_err(|e| unavailable(e.to_string()))?;
        let connect = PgPoolOptions::new().max_connections(10).acquire_timeout(CONNECT_TIMEOUT).connect_with(options);
        let pool = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| unavailable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())))?
            .map_err(|e| unavailable(e.to_string()))?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| unavailable(format!("cannot bring the schema up to date: {e}")))?;
        Ok(PgStore { pool, caller: Caller::system("system") })
    }
}

crate::shared::store_impl!(
    PgStore,
    sqlx::Postgres,
    sqlx::PgConnection,
    crate::Backend::Postgres,
    "BEGIN",
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    " FOR UPDATE",
    false
);
