//! The `chainward` command: parse arguments, open the store, call the library crates, map
//! the outcome to an exit code (0 ok, 1 negative verdict, 2 usage or input error) with the
//! error on stderr.

mod accounts;
mod args;
mod audit;
mod csv;
mod demo;
mod graph;
mod monitoring;
mod output;
mod progress;
mod registry;
mod sbom;
mod serve;

use std::process::ExitCode;

use anyhow::bail;
use chainward_core::access::Caller;
use clap::Parser;

use crate::args::{AuditCommand, Cli, Command, Format};

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Success: exit 0.
    Ok,
    /// A negative verdict (e.g. rows were skipped): exit 1.
    Negative,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CHAINWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,chainward=info,chainward_server=info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("chainward: error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Err(e) => {
            eprintln!("chainward: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let format = cli.format;
    if matches!(format, Format::Jsonl | Format::Csv)
        && !matches!(cli.command, Command::Audit(AuditCommand::Export { .. }))
    {
        bail!("--format jsonl and csv apply to `audit export` only; use table or json");
    }
    if format == Format::Sarif && !matches!(cli.command, Command::Scan(_)) {
        bail!("--format sarif applies to `scan` only; use table or json");
    }
    if let Command::Version(command) = cli.command {
        return monitoring::version(command);
    }
    if sbom::needs_no_store(&cli.command) {
        return sbom::run_offline(format, cli.command).await;
    }
    // Every change made from here is audited under the name of the person at the keyboard.
    let store =
        chainward_store::open(&cli.database).await?.with_caller(Caller::system(format!("cli:{}", login_name())));
    match cli.command {
        Command::Serve(args) => serve::run(store, args).await,
        Command::Demo(args::DemoCommand::Load) => demo::load(store, format).await,
        Command::Supplier(c) => registry::supplier(store, format, c).await,
        Command::Offering(c) => registry::offering(store, format, c).await,
        Command::Service(c) => registry::service(store, format, c).await,
        Command::Graph(c) => graph::run(store, format, c).await,
        Command::User(c) => accounts::user(store, format, c).await,
        Command::Token(c) => accounts::token(store, format, c).await,
        Command::Audit(c) => audit::run(store, format, c).await,
        Command::Sbom(c) => sbom::sbom(store, format, c).await,
        Command::Config(c) => sbom::config(store, format, c).await,
        Command::Feeds(c) => monitoring::feeds(store, format, c).await,
        Command::Scan(args) => monitoring::scan(store, format, args).await,
        Command::Findings(c) => monitoring::findings(store, format, c).await,
        Command::Vuln { id } => monitoring::vuln(store, format, id).await,
        Command::Vex(c) => monitoring::vex(store, format, c).await,
        Command::Purl(_) | Command::Version(_) => bail!("internal: this command runs without the database"),
    }
}

/// The operating system's name for the person running the command.
fn login_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .into_iter()
        .filter_map(|var| std::env::var(var).ok())
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}
