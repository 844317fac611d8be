//! End-to-end tests of the `chainward` binary: the real executable, a real SQLite file (and
//! PostgreSQL when `CHAINWARD_TEST_POSTGRES` is set), the demo organisation, CSV files.

// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod monitoring;
mod sbom;

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

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_chainward"));
        command.args(args).env("CHAINWARD_DATABASE", &self.database).env("USER", "tester").current_dir(&self.dir);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs with `input` on standard input.
    fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
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

    // The demo advisory: axios 1.6.2 in Field Service App 2.8.0 is affected (matched when
    // the SBOM was ingested), 2.9.2 upgraded past the fix; a reload adds nothing.
    let findings = s.json(&["findings", "list", "--offering", "Field Service App"]);
    let found: Vec<(String, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["release_version"].as_str().unwrap().to_owned(), f["purl"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(found, [("2.8.0".to_owned(), "pkg:npm/axios@1.6.2".to_owned())], "{findings:#}");
    assert_eq!(findings[0]["vulnerability"], "CVE-2024-39338");
    assert_eq!(findings[0]["severity"], "high");

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
    let Some(pg) = PgDatabase::create("demo") else { return };
    demo_stories(&Scratch::with_database("pg", pg.url.clone()));
}

/// A database of its own on the PostgreSQL server `CHAINWARD_TEST_POSTGRES` names, dropped
/// at the end; `None` (and a note) when the variable is not set.
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(story: &str) -> Option<PgDatabase> {
        let Ok(admin) = std::env::var("CHAINWARD_TEST_POSTGRES") else {
            eprintln!("CHAINWARD_TEST_POSTGRES is not set: the PostgreSQL run of the {story} story is skipped");
            return None;
        };
        let name = format!("chainward_cli_{}", uuid_like().replace('-', "_"));
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
        let db = PgDatabase { url: format!("{base}/{name}"), admin, name };
        psql(&db.admin, &format!("CREATE DATABASE {}", db.name));
        Some(db)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // No assertion here: a failed drop must not turn a failing test into an abort.
        let sql = format!("DROP DATABASE {} WITH (FORCE)", self.name);
        let _ = Command::new("psql").args([self.admin.as_str(), "-qc", &sql]).status();
    }
}

fn psql(url: &str, sql: &str) {
    let status = Command::new("psql").args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql]).status().unwrap();
    assert!(status.success(), "psql {sql}");
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
fn offerings_of_the_same_name_are_told_apart_by_their_supplier() {
    let s = Scratch::new("same-name");
    for supplier in ["Acme Cloud", "Other Cloud"] {
        s.ok(&["supplier", "add", supplier, "--kind", "cloud-service-provider"]);
        s.ok(&["offering", "add", "Portal", "--supplier", supplier, "--kind", "software"]);
    }
    let out = s.run(&["offering", "add", "portal", "--supplier", "Acme Cloud", "--kind", "software"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the supplier has an offering named \"Portal\" already"));
    // A bare name two suppliers offer is refused with a hint; the qualified name works.
    let out = s.run(&["offering", "show", "Portal"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("write it as \"Supplier / Portal\""), "{stderr}");
    assert_eq!(s.json(&["offering", "show", "other cloud / portal"])["supplier_name"], "Other Cloud");
    s.ok(&["offering", "release", "Acme Cloud / Portal", "1.0"]);
    s.ok(&["service", "add", "Shop", "--criticality", "1", "--uses", "Acme Cloud / Portal=Other Cloud / Portal"]);
    let deps = s.json(&["graph", "dependents", "Acme Cloud / Portal"]);
    assert_eq!(names(&deps, "name"), ["Shop"]);
    let out = s.run(&["graph", "dependents", "Portal"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is ambiguous"));
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
        &["user", "add", "--help"],
        &["token", "create", "--help"],
        &["audit", "--help"],
        &["audit", "verify", "--help"],
    ] {
        let out = s.ok(args);
        assert!(out.contains("Usage:"), "{args:?}");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn get(url: &str, bearer: Option<&str>) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, response))
}

#[test]
fn serve_demo_answers_healthz_and_the_api_with_a_token() {
    let s = Scratch::new("serve");
    let token =
        s.json(&["token", "create", "--name", "test", "--role", "auditor"])["secret"].as_str().unwrap().to_owned();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let stdout = std::fs::File::create(s.dir.join("stdout.txt")).unwrap();
    let mut child =
        s.command(&["serve", "--demo", "--listen", &listen]).stdout(stdout).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut health = None;
    while Instant::now() < deadline {
        if let Some(r) = get(&format!("http://{listen}/healthz"), None) {
            health = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let anonymous = get(&format!("http://{listen}/api/v1/suppliers?limit=5"), None);
    let suppliers = get(&format!("http://{listen}/api/v1/suppliers?limit=5"), Some(&token));
    let _ = child.kill();
    let _ = child.wait();
    let printed = std::fs::read_to_string(s.dir.join("stdout.txt")).unwrap();
    for login in ["admin", "demo-admin-password", "demo-supplier-password", "Nimbus Cloud"] {
        assert!(printed.contains(login), "{login} missing from the demo logins: {printed}");
    }
    assert_eq!(anonymous.map(|(status, _)| status), Some(401));
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

#[test]
fn user_add_list_passwd_disable_and_enable() {
    let s = Scratch::new("users");
    // The documented first run: a generated one-time password, shown once.
    let out = s.ok(&["user", "add", "--role", "admin", "alice"]);
    assert!(out.contains("created user alice (admin"), "{out}");
    let first = out.lines().last().unwrap().trim().to_owned();
    assert_eq!(first.len(), 23, "{out}");
    let listed = s.json(&["user", "list"]);
    assert_eq!(listed[0]["username"], "alice");
    assert_eq!(listed[0]["role"], "admin");
    assert_eq!(listed[0]["must_change_password"], true);
    let table = s.ok(&["user", "list"]);
    assert!(table.contains("must change password") && !table.contains(&first), "{table}");

    // A password from standard input is checked against the policy and need not be changed.
    let out = s.run_with_stdin(&["user", "add", "bob", "--role", "analyst", "--password-stdin"], "short\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12"));
    let out = s.run_with_stdin(
        &["user", "add", "bob", "--role", "analyst", "--password-stdin", "--format", "json"],
        "a sound passphrase\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bob: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((bob["user"]["must_change_password"].as_bool(), bob["one_time_password"].as_str()), (Some(false), None));

    // A supplier account needs its supplier; nobody else may have one.
    let out = s.run(&["user", "add", "carol", "--role", "supplier"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("supplier"));
    s.ok(&["supplier", "add", "Acme Cloud", "--kind", "cloud-service-provider"]);
    s.ok(&["user", "add", "carol", "--role", "supplier", "--supplier", "acme cloud"]);
    let out = s.run(&["user", "add", "dave", "--role", "analyst", "--supplier", "Acme Cloud"]);
    assert_eq!(out.status.code(), Some(2));
    let out = s.run(&["user", "add", "ALICE", "--role", "auditor"]);
    assert_eq!(out.status.code(), Some(2), "usernames are unique regardless of case");

    // An admin reset: a new one-time password that must be changed.
    let reset = s.json(&["user", "passwd", "bob"]);
    let second = reset["one_time_password"].as_str().unwrap();
    assert_eq!(second.len(), 23);
    assert_eq!(reset["user"]["must_change_password"], true);
    let out = s.run(&["user", "passwd", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("user list"));

    // The only admin cannot be disabled; others can, and be enabled again.
    let out = s.run(&["user", "disable", "alice"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only enabled admin"));
    s.ok(&["user", "disable", "bob"]);
    let users = s.json(&["user", "list"]);
    let bob = users.as_array().unwrap().iter().find(|u| u["username"] == "bob").unwrap();
    assert_eq!(bob["disabled"], true);
    s.ok(&["user", "enable", "bob"]);
    let users = s.json(&["user", "list"]);
    let bob = users.as_array().unwrap().iter().find(|u| u["username"] == "bob").unwrap();
    assert_eq!(bob["disabled"], false);
    assert!(s.ok(&["user", "list"]).contains("Acme Cloud"), "the supplier account shows its supplier");
}

#[test]
fn token_create_prints_its_secret_once_and_list_never_shows_it() {
    let s = Scratch::new("tokens");
    s.ok(&["supplier", "add", "Acme Cloud", "--kind", "cloud-service-provider"]);
    let out = s.ok(&["token", "create", "--name", "ci-upload", "--role", "analyst", "--expires-days", "30"]);
    let secret = out.lines().find_map(|l| l.trim().strip_prefix("cw_")).map(|rest| format!("cw_{rest}")).unwrap();
    assert_eq!(secret.len(), 67, "{out}");
    let created = s.json(&["token", "create", "--name", "portal", "--role", "supplier", "--supplier", "Acme Cloud"]);
    let supplier_secret = created["secret"].as_str().unwrap().to_owned();
    assert!(supplier_secret.starts_with("cw_"));
    assert!(created["token"]["supplier"].is_string(), "{created}");

    let table = s.ok(&["token", "list"]);
    let json = s.ok(&["token", "list", "--format", "json"]);
    let audit = s.ok(&["audit", "export"]);
    for shown in [&table, &json, &audit] {
        assert!(!shown.contains(&secret) && !shown.contains(&supplier_secret), "a secret leaked: {shown}");
    }
    assert!(table.contains(&format!("{}…", &secret[..10])), "the prefix is listed: {table}");
    assert!(table.contains("ci-upload") && table.contains("Acme Cloud"), "{table}");

    // Tokens stay within their user's rights.
    s.ok(&["user", "add", "bob", "--role", "procurement"]);
    s.ok(&["token", "create", "--name", "bob-read", "--role", "auditor", "--user", "bob"]);
    s.ok(&["token", "create", "--name", "bob-own", "--role", "procurement", "--user", "bob"]);
    let out = s.run(&["token", "create", "--name", "bob-admin", "--role", "admin", "--user", "bob"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("may have the role procurement"));
    let out = s.run(&["token", "create", "--name", "no-supplier", "--role", "supplier"]);
    assert_eq!(out.status.code(), Some(2), "a supplier token needs a supplier");
    let bobs = s.json(&["token", "list", "--user", "bob"]);
    assert_eq!(names(&bobs, "name").len(), 2, "{bobs}");

    // Revoked by id or by the listed prefix; a revoked token stays listed.
    let id = created["token"]["id"].as_str().unwrap();
    s.ok(&["token", "revoke", id]);
    s.ok(&["token", "revoke", &format!("{}…", &secret[..10])]);
    let tokens = s.json(&["token", "list"]);
    let revoked = tokens.as_array().unwrap().iter().filter(|t| t["revoked_at"].is_string()).count();
    assert_eq!(revoked, 2, "{tokens}");
    assert!(s.ok(&["token", "list"]).contains("revoked"));
}

/// Makes changes, verifies, then tampers with the log through `sql` (run by the database's
/// own client) and verifies again.
fn audit_tamper_story(s: &Scratch, sql: &dyn Fn(&'static str)) {
    s.ok(&["supplier", "add", "Acme Cloud", "--kind", "cloud-service-provider"]);
    s.ok(&["supplier", "add", "Sub Co", "--kind", "hosting"]);
    s.ok(&["offering", "add", "Acme Mail", "--supplier", "Acme Cloud", "--kind", "cloud-service"]);
    s.ok(&["user", "add", "--role", "admin", "alice"]);
    let entries = s.json(&["audit", "list"]);
    assert!(entries["total"].as_u64().unwrap() >= 4, "{entries}");
    let mine = s.json(&["audit", "list", "--actor", "cli:tester", "--entity", "supplier"]);
    assert_eq!(mine["total"], 2, "the command line acts as cli:$USER: {mine}");

    let out = s.ok(&["audit", "verify"]);
    assert!(out.starts_with("audit log intact: "), "{out}");
    let verdict = s.json(&["audit", "verify"]);
    assert_eq!(verdict["first_break"], Value::Null);
    assert!(verdict["head_hash"].as_str().unwrap().len() == 64, "{verdict}");

    // An entry edited in the database.
    sql("UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2");
    let out = s.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("entry 2 was altered"), "{text}");
    let out = s.run(&["audit", "verify", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["first_break"], serde_json::json!({"problem": "altered", "seq": 2}));

    // Put back, the entry verifies again: the check is on the content.
    sql("UPDATE audit_log SET actor = 'cli:tester' WHERE seq = 2");
    s.ok(&["audit", "verify"]);

    // An entry deleted from the database.
    sql("DELETE FROM audit_log WHERE seq = 2");
    let out = s.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("removed before entry 3 (entry 2 was expected)"), "{text}");
}

fn sqlite_exec(database: &str, sql: &'static str) {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut connection = sqlx::SqliteConnection::connect(database).await.unwrap();
        sqlx::query(sql).execute(&mut connection).await.unwrap();
        connection.close().await.unwrap();
    });
}

#[test]
fn audit_verify_detects_an_entry_edited_or_deleted_in_the_database_on_sqlite() {
    let s = Scratch::new("audit");
    let database = s.database.clone();
    audit_tamper_story(&s, &|sql| sqlite_exec(&database, sql));
}

#[test]
fn audit_verify_detects_an_entry_edited_or_deleted_in_the_database_on_postgres() {
    let Some(pg) = PgDatabase::create("audit tampering") else { return };
    let s = Scratch::with_database("audit-pg", pg.url.clone());
    audit_tamper_story(&s, &|sql| psql(&pg.url, sql));
}

#[test]
fn audit_export_writes_every_entry_oldest_first_as_jsonl_or_csv() {
    let s = Scratch::new("audit-export");
    for i in 0..5 {
        s.ok(&["supplier", "add", &format!("Supplier {i}"), "--kind", "hosting"]);
    }
    let jsonl = s.ok(&["audit", "export"]);
    let seqs: Vec<i64> =
        jsonl.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    let file = s.dir.join("audit.csv");
    s.ok(&["audit", "export", "--format", "csv", "--output", file.to_str().unwrap()]);
    let csv = std::fs::read_to_string(&file).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("seq,at,actor,action,entity,entity_id,before,after,prev_hash,hash"));
    assert!(lines.next().unwrap().starts_with("1,"), "{csv}");
    assert_eq!(csv.lines().count(), 6);
    // JSON Lines and CSV are for the export only.
    let out = s.run(&["supplier", "list", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("audit export"));
}

#[test]
fn demo_creates_one_account_of_every_role() {
    let s = Scratch::new("demo-users");
    let loaded = s.json(&["demo", "load"]);
    assert_eq!(loaded["users"].as_array().unwrap().len(), 5, "{loaded}");
    let users = s.json(&["user", "list"]);
    let mut roles: Vec<(String, String)> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["username"].as_str().unwrap().to_owned(), u["role"].as_str().unwrap().to_owned()))
        .collect();
    roles.sort();
    let expected: Vec<(String, String)> = ["admin", "analyst", "auditor", "procurement", "supplier"]
        .iter()
        .map(|r| (r.to_string(), r.to_string()))
        .collect();
    assert_eq!(roles, expected);
    for u in users.as_array().unwrap() {
        assert_eq!(u["must_change_password"], false, "{u}");
    }
    let supplier = users.as_array().unwrap().iter().find(|u| u["role"] == "supplier").unwrap();
    let nimbus = s.json(&["supplier", "show", "Nimbus Cloud"]);
    assert_eq!(supplier["supplier"], nimbus["id"]);
    // Again: nothing changes, and the table says the accounts existed.
    let again = s.ok(&["demo", "load"]);
    assert!(again.contains("existed already"), "{again}");
    assert_eq!(s.json(&["user", "list"]).as_array().unwrap().len(), 5);
}

#[test]
fn serve_refuses_a_non_loopback_address_until_an_admin_exists_and_while_demo_passwords_work() {
    let s = Scratch::new("serve-refuse");
    let out = s.run(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("chainward user add --role admin"), "{err}");
    // The demo's published passwords never leave the machine.
    let out = s.run(&["serve", "--demo", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    // Nor do they after `demo load`, until the demo accounts are reset or disabled.
    s.ok(&["demo", "load"]);
    let out = s.run(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the demo account admin still has its published password"), "{err}");
    // TLS needs both files.
    let out = s.run(&["serve", "--tls-cert", "cert.pem"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"));
}
