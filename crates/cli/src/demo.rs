//! `demo load`: the demo organisation into the database.

use std::sync::Arc;

use anyhow::{Result, bail};
use chainward_core::batch::{ImportMode, ImportReport};
use chainward_store::Store;

use crate::Outcome;
use crate::args::Format;
use crate::output::print;

/// Imports the demo organisation; running it again changes nothing.
pub async fn import(store: &dyn Store) -> Result<ImportReport> {
    let report = store.import(chainward_core::demo::organisation(), ImportMode::AllOrNothing).await?;
    if !report.problems.is_empty() {
        let list: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        bail!("the demo data does not fit this database:\n  {}", list.join("\n  "));
    }
    Ok(report)
}

/// Runs `demo load`.
pub async fn load(store: Arc<dyn Store>, format: Format) -> Result<Outcome> {
    let report = import(store.as_ref()).await?;
    print(format, &report, || crate::csv::summary(&report))?;
    Ok(Outcome::Ok)
}
