//! End-to-end tests of the `chainward` binary: the real executable, a real SQLite file (and
//! PostgreSQL when `CHAINWARD_TEST_POSTGRES` is set), the demo organisation, CSV files.

// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A scratch folder with its own database, removed at the end.
struct Scratch {
    dir: PathBuf,
    database: String,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("chainward-cli-{name}-{}", uuid_like()));
        std::fs::create_dir_all(&dir).unwrap();
        let database = format!("sqlite://{}", dir.join("chainward.db").display());
        Scratch { dir, database }
    }

    fn with_database(name: &str, database: String) -> Scratch {
        let mut s = Scratch::new(name);
        s.database = database;
        s
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_chainward"))
            .args(args)
            .env("CHAINWARD_DATABASE", &self.database)
            .current_dir(&self.dir)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(0), "chainward {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("{}-{nanos}", std::process::id())
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v[field].as_str().unwrap_or_default().to_owned()).collect()
}

fn path_names(path: &Value) -> String {
    path.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect::<Vec<_>>().join(" -> ")
}

/// The demo stories, on whichever database the scratch names.
fn demo_stories(s: &Scratch) {
    let loaded = s.json(&["demo", "load"]);
    assert!(loaded["counts"]["suppliers"]["created"].as_u64() == Some(30), "{loaded}");
    let again = s.json(&["demo", "load"]);
    for (table, c) in again["counts"].as_object().unwrap() {
        assert_eq!((c["created"].as_u64(), c["updated"].as_u64()), (Some(0), Some(0)), "{table} changed on reload");
    }

    // Who depends on Nimbus Cloud, directly or through any chain, and why.
    let dependents = s.json(&["graph", "dependents", "Nimbus Cloud"]);
    let services = names(&dependents, "name");
    for expected in ["Payroll", "Customer CRM", "General Ledger", "Data Warehouse", "Smart Meter Fleet", "Online Shop"]
    {
        assert!(services.contains(&expected.to_owned()), "{expected} missing from {services:?}");
    }
    assert!(!services.contains(&"Document Printing".to_owned()), "{services:?}");
    let payroll = dependents.as_array().unwrap().iter().find(|d| d["name"] == "Payroll").unwrap();
    assert_eq!(path_names(&payroll["path"]), "Payroll -> PeopleFirst Payroll -> PeopleFirst HR -> Nimbus Cloud");
    let table = s.ok(&["graph", "dependents", "Nimbus Cloud"]);
    assert!(table.contains("Payroll -> PeopleFirst Payroll -> PeopleFirst HR -> Nimbus Cloud"), "{table}");

    // The deliberate single points of failure.
    let spof = s.json(&["graph", "spof"]);
    let found: Vec<String> = spof
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}: {} ({})",
                r["service"].as_str().unwrap(),
                r["node"]["name"].as_str().unwrap(),
                r["reason"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "Identity and Access: Identra SSO (no-alternative)",
        "Payroll: PeopleFirst Payroll (no-alternative)",
        "Branch Network: Atlantic Subsea Cable (shared-by-all-alternatives)",
        "Online Shop: Nimbus Cloud (shared-by-all-alternatives)",
        "Partner API Gateway: Rackworks Hardware (shared-by-all-alternatives)",
    ] {
        assert!(found.contains(&expected.to_owned()), "{expected} not in {found:#?}");
    }
    assert!(!found.iter().any(|f| f.starts_with("Corporate Email: Mailstream")), "{found:#?}");
    // Only the uppermost shared node is named: Siliconia sits beneath the shared Rackworks.
    assert!(!found.iter().any(|f| f.starts_with("Partner API Gateway: Siliconia")), "{found:#?}");
    assert_eq!(found.iter().filter(|f| f.starts_with("Branch Network:")).count(), 1, "{found:#?}");

    // Fourth parties, three deep.
    let subs = s.json(&["graph", "subcontractors", "Harbor Hosting"]);
    let kernel = subs.as_array().unwrap().iter().find(|r| r["name"] == "Kernel Forge").unwrap();
    assert_eq!(kernel["depth"], 3);
    assert_eq!(
        path_names(&kernel["path"]),
        "Harbor Hosting -> FirstLine Helpdesk -> DeepFix Engineering -> Kernel Forge"
    );

    // Concentration: the hidden fourth parties lead (every chain of 14 services reaches
    // Kernel Forge, through Nimbus and through Harbor's support desks), and Nimbus Cloud
    // is the sub-processor of all seven SaaS suppliers that run on it.
    let conc = s.json(&["graph", "concentration", "--limit", "40"]);
    let top = &conc[0];
    assert_eq!(
        (top["supplier"]["name"].as_str(), top["n_services"].as_u64()),
        (Some("Kernel Forge"), Some(14)),
        "{conc}"
    );
    let nimbus = conc.as_array().unwrap().iter().find(|c| c["supplier"]["name"] == "Nimbus Cloud").unwrap();
    assert_eq!(nimbus["n_upstream_suppliers"], 7, "{nimbus}");
    let limited = s.json(&["graph", "concentration", "--limit", "3"]);
    assert_eq!(limited.as_array().unwrap().len(), 3);

    let paths = s.json(&["graph", "path", "Online Shop", "Siliconia Components", "--from-kind", "service"]);
    assert_eq!(paths["paths"].as_array().unwrap().len(), 2, "{paths}");

    // A name that is both a service and an offering must be disambiguated.
    let out = s.run(&["graph", "dependents", "Claims Portal"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--kind"));
}

#[test]
fn demo_answers_the_control_questions_on_sqlite() {
    demo_stories(&Scratch::new("demo"));
}

#[test]
fn demo_answers_the_control_questions_on_postgres() {
    let Ok(admin) = std::env::var("CHAINWARD_TEST_POSTGRES") else {
        eprintln!("CHAINWARD_TEST_POSTGRES is not set: the PostgreSQL run of the CLI stories is skipped");
        return;
    };
    let db = format!("chainward_cli_{}", uuid_like().replace('-', "_"));
    let psql = |sql: &str| {
        let status = Command::new("psql").args([admin.as_str(), "-qc", sql]).status().unwrap();
        assert!(status.success(), "psql {sql}");
    };
    psql(&format!("CREATE DATABASE {db}"));
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    let scratch = Scratch::with_database("pg", format!("{base}/{db}"));
    demo_stories(&scratch);
    drop(scratch);
    psql(&format!("DROP DATABASE {db} WITH (FORCE)"));
}

const SUPPLIERS_CSV: &str = "\u{feff}name;kind;tier;country;vat\n\
Acme Hosting;hosting;1;DE;DE123456789\n\
\"Beta; Software\";software-vendor;2;FR;\n\
Gamma Telecom;telecommunications;7;IT;\n\
Delta Devices;hardware-vendor;3;NL;\n";

#[test]
fn csv_import_with_one_bad_row_writes_nothing_and_skip_bad_writes_the_rest() {
    let s = Scratch::new("csv");
    let file = s.file("suppliers.csv", SUPPLIERS_CSV);
    let out = s.run(&["supplier", "import", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 4, column tier"), "{err}");
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(s.json(&["supplier", "list"])["total"], 0);

    let out = s.run(&["supplier", "import", &file, "--skip-bad", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["written"], true);
    assert_eq!(report["problems"].as_array().unwrap().len(), 1);
    assert_eq!(report["problems"][0]["line"], 4);
    let listed = names(&s.json(&["supplier", "list"])["items"], "name");
    assert_eq!(listed, ["Acme Hosting", "Beta; Software", "Delta Devices"]);

    // The same file again, fixed: only the fixed row is new; the rest is unchanged.
    let fixed = s.file("fixed.csv", &SUPPLIERS_CSV.replace(";7;", ";2;"));
    let report = s.json(&["supplier", "import", &fixed]);
    assert_eq!(report["counts"]["suppliers"]["created"], 1, "{report}");
    assert_eq!(report["counts"]["suppliers"]["unchanged"], 3, "{report}");
}

#[test]
fn csv_export_reimports_into_a_fresh_database_unchanged() {
    let a = Scratch::new("export-a");
    a.ok(&["demo", "load"]);
    let b = Scratch::new("export-b");
    let mut files = Vec::new();
    for (command, table) in [
        ("supplier", "suppliers"),
        ("supplier", "subcontracts"),
        ("offering", "offerings"),
        ("offering", "releases"),
        ("service", "services"),
        ("service", "service-uses"),
    ] {
        let path = b.dir.join(format!("{table}.csv")).display().to_string();
        a.ok(&[command, "export", "--table", table, "--output", &path]);
        files.push((command, path));
    }
    for (command, path) in &files {
        b.ok(&[command, "import", path]);
    }
    for (command, table) in [("supplier", "suppliers"), ("offering", "offerings"), ("service", "service-uses")] {
        let left = a.ok(&[command, "export", "--table", table]);
        let right = b.ok(&[command, "export", "--table", table]);
        assert_eq!(left, right, "{table} differs after the round trip");
    }
    let spof_a = a.ok(&["graph", "spof"]);
    assert_eq!(spof_a, b.ok(&["graph", "spof"]));
}

#[test]
fn registry_commands_add_show_list_and_delete() {
    let s = Scratch::new("crud");
    let created = s.json(&[
        "supplier",
        "add",
        "Acme Cloud",
        "--kind",
        "cloud-service-provider",
        "--tier",
        "1",
        "--country",
        "de",
    ]);
    assert_eq!(created["country"], "DE");
    s.ok(&["supplier", "add", "Sub Co", "--kind", "hosting"]);
    s.ok(&["supplier", "link", "Acme Cloud", "Sub Co", "--scope", "hosting", "--handles-our-data"]);
    s.ok(&["offering", "add", "Acme Mail", "--supplier", "Acme Cloud", "--kind", "cloud-service"]);
    s.ok(&["offering", "release", "Acme Mail", "2.1", "--date", "2026-01-31"]);
    s.ok(&["service", "add", "Email", "--criticality", "2", "--uses", "Acme Mail"]);
    let shown = s.json(&["supplier", "show", "acme cloud"]);
    assert_eq!(shown["subcontractors"][0]["supplier"], "Sub Co");
    assert_eq!(shown["offerings"][0]["name"], "Acme Mail");
    let offering = s.json(&["offering", "show", "Acme Mail"]);
    assert_eq!(offering["used_by"][0], "Email");
    assert_eq!(offering["releases"][0]["version"], "2.1");
    let deps = s.json(&["graph", "dependents", "Sub Co"]);
    assert_eq!(path_names(&deps[0]["path"]), "Email -> Acme Mail -> Acme Cloud -> Sub Co");
    // Updates: an alternative removes the single point of failure; unlinking cuts the chain.
    s.ok(&["supplier", "add", "Other Cloud", "--kind", "cloud-service-provider"]);
    s.ok(&["offering", "add", "Other Mail", "--supplier", "Other Cloud", "--kind", "software"]);
    s.ok(&["offering", "update", "Other Mail", "--kind", "cloud-service", "--description", "standby"]);
    assert_eq!(s.json(&["offering", "show", "Other Mail"])["kind"], "cloud-service");
    assert_eq!(s.json(&["graph", "spof"]).as_array().unwrap().len(), 1);
    s.ok(&["service", "update", "Email", "--rto-hours", "4", "--uses", "Acme Mail=Other Mail"]);
    assert_eq!(s.json(&["service", "show", "Email"])["rto_hours"], 4);
    assert_eq!(s.json(&["graph", "spof"]), serde_json::json!([]));
    let unchanged = s.ok(&["service", "update", "Email", "--rto-hours", "4"]);
    assert!(unchanged.starts_with("unchanged"), "{unchanged}");
    s.ok(&["supplier", "unlink", "Acme Cloud", "Sub Co"]);
    assert_eq!(s.json(&["graph", "dependents", "Sub Co"]), serde_json::json!([]));
    s.ok(&["supplier", "link", "Acme Cloud", "Sub Co", "--scope", "hosting"]);

    let table = s.ok(&["supplier", "list", "--tier", "1"]);
    assert!(table.contains("Acme Cloud") && !table.contains("Sub Co"), "{table}");
    s.ok(&["supplier", "delete", "Acme Cloud"]);
    assert_eq!(
        names(&s.json(&["offering", "list"])["items"], "name"),
        ["Other Mail"],
        "Acme Mail went with Acme Cloud"
    );
}

#[test]
fn bad_input_exits_2_with_the_reason_on_stderr() {
    let s = Scratch::new("bad");
    let cases: &[(&[&str], &str)] = &[
        (&["supplier", "add", "X", "--kind", "vendor"], "software-vendor"),
        (&["supplier", "add", "X", "--kind", "hosting", "--tier", "9"], "tier"),
        (&["supplier", "add", "X", "--kind", "hosting", "--lei", "123"], "lei"),
        (&["supplier", "show", "nobody"], "not found"),
        (&["graph", "dependents", "nobody"], "nothing named"),
        (&["--database", "mysql://x/y", "supplier", "list"], "unknown database URL"),
        (&["supplier", "import", "/nonexistent/file.csv"], "cannot read"),
    ];
    for (args, needle) in cases {
        let out = s.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let wrong_headers = s.file("wrong.csv", "naam,soort\nx,y\n");
    let out = s.run(&["supplier", "import", &wrong_headers]);
    assert_eq!(out.status.code(), Some(2));
    let out = s.run(&["--database", "postgres://nobody@127.0.0.1:1/none", "supplier", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
}

#[test]
fn help_is_available_everywhere() {
    let s = Scratch::new("help");
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["demo", "load", "--help"],
        &["supplier", "--help"],
        &["supplier", "import", "--help"],
        &["offering", "--help"],
        &["service", "add", "--help"],
        &["graph", "--help"],
        &["graph", "spof", "--help"],
    ] {
        let out = s.ok(args);
        assert!(out.contains("Usage:"), "{args:?}");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn get(url: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, response))
}

#[test]
fn serve_demo_answers_healthz_and_the_api() {
    let s = Scratch::new("serve");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chainward"))
        .args(["serve", "--demo", "--listen", &listen])
        .env("CHAINWARD_DATABASE", &s.database)
        .current_dir(&s.dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut health = None;
    while Instant::now() < deadline {
        if let Some(r) = get(&format!("http://{listen}/healthz")) {
            health = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let suppliers = get(&format!("http://{listen}/api/v1/suppliers?limit=5"));
    let _ = child.kill();
    let _ = child.wait();
    let (status, _) = health.expect("the server never answered /healthz");
    assert_eq!(status, 200);
    let (status, body) = suppliers.unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("\"total\":30"), "{body}");
}

#[test]
fn the_default_database_is_chainward_db_in_the_current_folder() {
    let s = Scratch::new("default");
    let out = Command::new(env!("CARGO_BIN_EXE_chainward"))
        .args(["supplier", "list"])
        .env_remove("CHAINWARD_DATABASE")
        .current_dir(&s.dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(Path::new(&s.dir).join("chainward.db").is_file());
}
