//! The SQLite backend: one file (or a private in-memory database), WAL journal, the schema
//! in `migrations/sqlite/`. The queries are the shared ones of [`crate::shared::store_impl`].

use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use chainward_core::access::Caller;

use crate::{Result, StoreError};

/// A store in a SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Who the queries run for (see [`crate::Store`]).
    caller: Caller,
}

/// Where the database is.
pub(crate) enum Location<'a> {
    /// A `sqlite:` URL (file or `:memory:`), as sqlx understands it.
    Url(&'a str),
    /// A bare file path.
    Path(&'a str),
}

/// The connection settings every SQLite connection gets: the one place the pragmas are set.
fn configured(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .synchronous(SqliteSynchronous::Normal)
}

impl SqliteStore {
    /// Opens (creating if missing) the database and brings its schema up to date.
    pub(crate) async fn open(url: &str, location: Location<'_>) -> Result<Self> {
        let unavailable = |reason: String| StoreError::Unavailable { url: url.to_owned(), reason };
        let (options, in_memory) = match location {
            Location::Url(u) => {
                let options: SqliteConnectOptions =
                    u.parse().map_err(|e: sqlx::Error| unavailable(format!("bad SQLite URL: {e}")))?;
                (options, u.contains(":memory:") || u.contains("mode=memory"))
            }
            Location::Path(p) => (SqliteConnectOptions::new().filename(p), false),
        };
        let pool_options = if in_memory {
            // The database lives as long as its connection: keep exactly one, forever.
            SqlitePoolOptions::new().max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(8)
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(configured(options))
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| unavailable(format!("cannot bring the schema up to date: {e}")))?;
        Ok(SqliteStore { pool, caller: Caller::system("system") })
    }
}

crate::shared::store_impl!(
    SqliteStore,
    sqlx::Sqlite,
    sqlx::SqliteConnection,
    crate::Backend::Sqlite,
    "BEGIN IMMEDIATE",
    "BEGIN",
    "",
    true
);
