//! Integration tests of the HTTP API and the web UI: each test starts the real server with
//! `launch` on 127.0.0.1:0 over a private in-memory SQLite store (or PostgreSQL, for the
//! access tests, when `CHAINWARD_TEST_POSTGRES` is set) and talks to it over HTTP with an
//! admin API token, unless it says otherwise.

mod access;
mod browser;
mod findings_pages;
mod monitoring_api;
mod oidc;
mod pages;
mod registry_pages;
mod sbom_api;
mod sbom_pages;

use std::collections::BTreeSet;
use std::sync::Arc;

use chainward_server::{RunningServer, ServerConfig, ServerError, api_routes, launch};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A running server and a client for it (carrying an admin API token).
struct Harness {
    server: RunningServer,
    client: Client,
}

/// Creates a service API token with `role` (and supplier scope) directly in the store and
/// returns its secret.
async fn make_token(
    store: &dyn chainward_store::Store,
    name: &str,
    role: chainward_core::model::Role,
    supplier: Option<chainward_core::model::SupplierId>,
) -> Result<String, Box<dyn std::error::Error>> {
    use chainward_server::auth::secret;
    let token = secret::new_token();
    store
        .create_token(chainward_core::access::NewToken {
            name: name.to_owned(),
            user: None,
            role,
            supplier,
            token_hash: secret::digest(&token),
            prefix: token.chars().take(10).collect(),
            expires_at: None,
        })
        .await?;
    Ok(token)
}

/// A client that sends `token` as bearer on every request.
fn client_with(token: &str) -> Result<Client, Box<dyn std::error::Error>> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse()?);
    Ok(Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build()?)
}

impl Harness {
    async fn start() -> Result<Harness, Box<dyn std::error::Error>> {
        Harness::start_with(ServerConfig::default()).await
    }

    async fn start_with(config: ServerConfig) -> Result<Harness, Box<dyn std::error::Error>> {
        let store = chainward_store::open("sqlite::memory:").await?;
        Harness::start_on(config, store).await
    }

    async fn start_on(
        config: ServerConfig,
        store: Arc<dyn chainward_store::Store>,
    ) -> Result<Harness, Box<dyn std::error::Error>> {
        let config = ServerConfig { listen: "127.0.0.1:0".parse()?, ..config };
        let server = launch(config, Arc::clone(&store)).await?;
        // No proxy: the environment's proxy settings must not catch loopback requests.
        let token = make_token(&*store, "test-admin", chainward_core::model::Role::Admin, None).await?;
        let client = client_with(&token)?;
        Ok(Harness { server, client })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    async fn get(&self, path: &str) -> Result<Response, reqwest::Error> {
        self.client.get(self.url(path)).send().await
    }

    async fn send(&self, method: Method, path: &str, body: &Value) -> Result<Response, reqwest::Error> {
        self.client.request(method, self.url(path)).json(body).send().await
    }

    /// Sends and expects `status`; returns the JSON body (null for an empty one).
    async fn expect(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        status: StatusCode,
    ) -> Result<Value, String> {
        let request = self.client.request(method.clone(), self.url(path));
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        let response = request.send().await.map_err(|e| e.to_string())?;
        let got = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if got != status {
            return Err(format!("{method} {path}: expected {status}, got {got}: {text}"));
        }
        if text.is_empty() { Ok(Value::Null) } else { serde_json::from_str(&text).map_err(|e| format!("{e}: {text}")) }
    }

    async fn create(&self, path: &str, body: Value) -> Result<Value, String> {
        self.expect(Method::POST, path, Some(&body), StatusCode::CREATED).await
    }

    async fn stop(self) -> TestResult {
        self.server.shutdown().await?;
        Ok(())
    }
}

fn id_of(record: &Value) -> String {
    record["id"].as_str().unwrap_or_default().to_owned()
}

fn supplier(name: &str) -> Value {
    json!({"name": name, "kind": "software-vendor"})
}

/// Asserts an error body: its code, and words its message must contain.
fn assert_error(body: &Value, code: &str, words: &[&str]) {
    assert_eq!(body["code"], code, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    for word in words {
        assert!(message.contains(word), "{message:?} should mention {word:?}");
    }
}

#[tokio::test]
async fn healthz_answers_ok_with_security_headers() -> TestResult {
    let h = Harness::start().await?;
    let response = h.get("/healthz").await?;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(response.json::<Value>().await?, json!({"status": "ok"}));
    assert_eq!(headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    h.stop().await
}

#[tokio::test]
async fn openapi_documents_exactly_the_routes_the_router_answers() -> TestResult {
    let h = Harness::start().await?;
    let doc: Value = h.get("/openapi.json").await?.json().await?;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", doc["openapi"]);
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let routed: BTreeSet<(String, String)> =
        api_routes().into_iter().map(|(method, path)| (method.to_string(), path.to_owned())).collect();
    assert_eq!(documented, routed, "documented routes (left) differ from the router's (right)");
    assert!(routed.iter().filter(|(_, path)| path.starts_with("/api/v1/")).count() >= 27);
    // Every schema the paths refer to is in the document.
    let text = doc.to_string();
    for schema in ["SupplierInput", "Supplier", "ErrorBody", "Dependents", "SpofPage", "OfferingDetail"] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "schema {schema} missing");
    }
    assert!(text.contains("#/components/schemas/SupplierKind"));
    h.stop().await
}

#[tokio::test]
async fn supplier_create_read_update_delete() -> TestResult {
    let h = Harness::start().await?;
    let response = h
        .send(
            Method::POST,
            "/api/v1/suppliers",
            &json!({
                "name": "  Acme Cloud ",
                "kind": "cloud-service-provider",
                "country": "de",
                "tier": 1,
                "legal_ids": {"vat": "de 123-456-789"},
                "security_contact": {"email": "psirt@acme.example"},
                "owners": [{"area": "security", "role": "accountable", "person": "Ada", "email": "ada@us.example"}]
            }),
        )
        .await?;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str()?.to_owned();
    let created: Value = response.json().await?;
    let id = id_of(&created);
    assert_eq!(location, format!("/api/v1/suppliers/{id}"));
    assert_eq!(created["name"], "Acme Cloud");
    assert_eq!(created["country"], "DE");
    assert_eq!(created["tier"], 1);
    assert_eq!(created["status"], "prospect");
    assert_eq!(created["data_access"], "none");
    assert_eq!(created["legal_ids"]["vat"], "DE123456789");
    assert_eq!(created["owners"][0]["role"], "accountable");

    let read = h.expect(Method::GET, &location, None, StatusCode::OK).await?;
    assert_eq!(read, created);

    let replaced = h
        .expect(
            Method::PUT,
            &location,
            Some(&json!({"name": "Acme Cloud", "kind": "hosting", "tier": 2, "status": "active"})),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["kind"], "hosting");
    assert_eq!(replaced["tier"], 2);
    assert_eq!(replaced["status"], "active");
    assert_eq!(replaced["owners"], json!([]), "PUT replaces, owners included");
    assert_eq!(replaced["country"], Value::Null);

    h.expect(Method::DELETE, &location, None, StatusCode::NO_CONTENT).await?;
    let gone = h.expect(Method::GET, &location, None, StatusCode::NOT_FOUND).await?;
    assert_error(&gone, "not-found", &[&id]);
    h.expect(Method::DELETE, &location, None, StatusCode::NOT_FOUND).await?;
    h.stop().await
}

#[tokio::test]
async fn supplier_list_filters_and_pages() -> TestResult {
    let h = Harness::start().await?;
    for (name, kind, tier, country) in [
        ("Alpha Hosting", "hosting", 1, "DE"),
        ("Beta Soft", "software-vendor", 2, "US"),
        ("Gamma Soft", "software-vendor", 2, "DE"),
        ("Delta Soft", "software-vendor", 3, "FR"),
        ("Epsilon Telco", "telecommunications", 4, "DE"),
    ] {
        h.create("/api/v1/suppliers", json!({"name": name, "kind": kind, "tier": tier, "country": country})).await?;
    }
    let names = |page: &Value| -> Vec<String> {
        page["items"].as_array().into_iter().flatten().map(|s| s["name"].as_str().unwrap_or("").to_owned()).collect()
    };
    let all = h.expect(Method::GET, "/api/v1/suppliers", None, StatusCode::OK).await?;
    assert_eq!(all["total"], 5);
    assert_eq!(all["offset"], 0);
    assert_eq!(all["limit"], 50);
    assert_eq!(names(&all), ["Alpha Hosting", "Beta Soft", "Delta Soft", "Epsilon Telco", "Gamma Soft"]);

    let soft = h.expect(Method::GET, "/api/v1/suppliers?kind=software-vendor", None, StatusCode::OK).await?;
    assert_eq!(names(&soft), ["Beta Soft", "Delta Soft", "Gamma Soft"]);
    let tier2_de = h.expect(Method::GET, "/api/v1/suppliers?tier=2&country=de", None, StatusCode::OK).await?;
    assert_eq!(names(&tier2_de), ["Gamma Soft"]);
    let q = h.expect(Method::GET, "/api/v1/suppliers?q=SOFT", None, StatusCode::OK).await?;
    assert_eq!(q["total"], 3);

    let page = h.expect(Method::GET, "/api/v1/suppliers?offset=1&limit=2", None, StatusCode::OK).await?;
    assert_eq!(names(&page), ["Beta Soft", "Delta Soft"]);
    assert_eq!((page["total"].as_u64(), page["offset"].as_u64(), page["limit"].as_u64()), (Some(5), Some(1), Some(2)));
    let past_end = h.expect(Method::GET, "/api/v1/suppliers?offset=10", None, StatusCode::OK).await?;
    assert_eq!((names(&past_end).len(), past_end["total"].as_u64()), (0, Some(5)));

    let bad_kind = h.expect(Method::GET, "/api/v1/suppliers?kind=vendor", None, StatusCode::BAD_REQUEST).await?;
    assert_error(&bad_kind, "bad-request", &["kind", "vendor", "software-vendor"]);
    let bad_tier = h.expect(Method::GET, "/api/v1/suppliers?tier=9", None, StatusCode::BAD_REQUEST).await?;
    assert_error(&bad_tier, "bad-request", &["tier"]);
    let bad_limit = h.expect(Method::GET, "/api/v1/suppliers?limit=0", None, StatusCode::BAD_REQUEST).await?;
    assert_error(&bad_limit, "bad-request", &["limit", "1000"]);
    let typo = h.expect(Method::GET, "/api/v1/suppliers?teir=2", None, StatusCode::BAD_REQUEST).await?;
    assert_error(&typo, "bad-request", &["teir"]);
    h.stop().await
}

#[tokio::test]
async fn unknown_ids_and_routes_are_json_404_and_bad_ids_400() -> TestResult {
    let h = Harness::start().await?;
    let unknown = "01890000-0000-7000-8000-000000000000";
    for path in [
        format!("/api/v1/suppliers/{unknown}"),
        format!("/api/v1/offerings/{unknown}"),
        format!("/api/v1/services/{unknown}"),
        format!("/api/v1/suppliers/{unknown}/subcontractors"),
        format!("/api/v1/graph/dependents/{unknown}"),
    ] {
        let body = h.expect(Method::GET, &path, None, StatusCode::NOT_FOUND).await?;
        assert_error(&body, "not-found", &[]);
    }
    let response = h.get("/api/v2/nothing").await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_error(&response.json().await?, "not-found", &["/api/v2/nothing"]);

    let bad_id = h.expect(Method::GET, "/api/v1/suppliers/not-a-uuid", None, StatusCode::BAD_REQUEST).await?;
    assert_error(&bad_id, "bad-request", &["not-a-uuid"]);
    let wrong_method = h.expect(Method::PATCH, "/api/v1/suppliers", None, StatusCode::METHOD_NOT_ALLOWED).await?;
    assert_error(&wrong_method, "method-not-allowed", &["PATCH"]);
    h.stop().await
}

#[tokio::test]
async fn malformed_json_is_400_and_names_the_problem() -> TestResult {
    let h = Harness::start().await?;
    let response = h
        .client
        .post(h.url("/api/v1/suppliers"))
        .header("content-type", "application/json")
        .body("{\"name\": \"Acme\", ")
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_error(&response.json().await?, "bad-request", &["JSON"]);

    let unknown_kind = h
        .expect(
            Method::POST,
            "/api/v1/suppliers",
            Some(&json!({"name": "Acme", "kind": "vendor"})),
            StatusCode::BAD_REQUEST,
        )
        .await?;
    assert_error(&unknown_kind, "bad-request", &["kind", "vendor"]);
    let missing =
        h.expect(Method::POST, "/api/v1/suppliers", Some(&json!({"name": "Acme"})), StatusCode::BAD_REQUEST).await?;
    assert_error(&missing, "bad-request", &["kind"]);
    let typo = h
        .expect(
            Method::POST,
            "/api/v1/suppliers",
            Some(&json!({"name": "Acme", "kind": "hosting", "teir": 1})),
            StatusCode::BAD_REQUEST,
        )
        .await?;
    assert_error(&typo, "bad-request", &["teir"]);
    let not_json = h.client.post(h.url("/api/v1/suppliers")).body("name=Acme").send().await?;
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_error(&not_json.json().await?, "bad-request", &["application/json"]);
    h.stop().await
}

#[tokio::test]
async fn invalid_values_are_422_naming_the_field() -> TestResult {
    let h = Harness::start().await?;
    for (body, field) in [
        (json!({"name": "Acme", "kind": "hosting", "tier": 7}), "tier"),
        (
            json!({"name": "Acme", "kind": "hosting", "security_contact": {"email": "not an address"}}),
            "security_contact_email",
        ),
        (json!({"name": "Acme", "kind": "hosting", "country": "Germany"}), "country"),
        (json!({"name": "Acme", "kind": "hosting", "legal_ids": {"lei": "5493001KJTIIGC8Y1R13"}}), "lei"),
        (json!({"name": "   ", "kind": "hosting"}), "name"),
        (json!({"name": "Acme", "kind": "hosting", "website": "ftp://acme.example"}), "website"),
    ] {
        let error = h.expect(Method::POST, "/api/v1/suppliers", Some(&body), StatusCode::UNPROCESSABLE_ENTITY).await?;
        assert_error(&error, "invalid", &[field]);
        assert_eq!(error["field"], field, "{error}");
    }
    let service = h
        .expect(
            Method::POST,
            "/api/v1/services",
            Some(&json!({"name": "Payroll", "criticality": 0})),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
    assert_eq!(service["field"], "criticality", "{service}");
    let listed = h.expect(Method::GET, "/api/v1/suppliers", None, StatusCode::OK).await?;
    assert_eq!(listed["total"], 0, "nothing invalid was written");
    h.stop().await
}

#[tokio::test]
async fn duplicate_names_are_409() -> TestResult {
    let h = Harness::start().await?;
    let first = h.create("/api/v1/suppliers", supplier("Acme")).await?;
    let conflict = h.expect(Method::POST, "/api/v1/suppliers", Some(&supplier("ACME ")), StatusCode::CONFLICT).await?;
    assert_error(&conflict, "conflict", &[]);
    // Renaming another supplier onto the name conflicts too.
    let second = h.create("/api/v1/suppliers", supplier("Other")).await?;
    let path = format!("/api/v1/suppliers/{}", id_of(&second));
    h.expect(Method::PUT, &path, Some(&supplier("acme")), StatusCode::CONFLICT).await?;
    let offering = json!({"supplier": first["id"], "name": "Acme DB", "kind": "software"});
    h.create("/api/v1/offerings", offering.clone()).await?;
    h.expect(Method::POST, "/api/v1/offerings", Some(&offering), StatusCode::CONFLICT).await?;
    h.stop().await
}

#[tokio::test]
async fn oversized_bodies_are_413() -> TestResult {
    let h = Harness::start_with(ServerConfig { max_body_bytes: 16 * 1024, ..ServerConfig::default() }).await?;
    let body = json!({"name": "Acme", "kind": "hosting", "description": "x".repeat(64 * 1024)});
    let error = h.expect(Method::POST, "/api/v1/suppliers", Some(&body), StatusCode::PAYLOAD_TOO_LARGE).await?;
    assert_error(&error, "payload-too-large", &["16384"]);
    // A body under the limit still goes through.
    h.create("/api/v1/suppliers", json!({"name": "Acme", "kind": "hosting", "description": "x".repeat(1024)})).await?;
    h.stop().await
}

/// ```text
/// Payroll (service) --uses--> Payroll SaaS (offering) --provided-by--> Acme
///                                                       Acme --subcontracts-to--> Bravo
///                                                       Bravo --subcontracts-to--> Cloudco
/// ```
#[tokio::test]
async fn the_graph_sees_writes_made_outside_this_server() -> TestResult {
    // Another writer (the CLI, another instance) shares the database: the server's cached
    // graph must notice through the registry revision, not only through its own writes.
    let store = chainward_store::open("sqlite::memory:").await?;
    let h = Harness::start_on(ServerConfig::default(), Arc::clone(&store)).await?;
    let acme = h.create("/api/v1/suppliers", supplier("Acme")).await?;
    let path = format!("/api/v1/graph/subcontractors/{}", id_of(&acme));
    let before = h.expect(Method::GET, &path, None, StatusCode::OK).await?;
    assert_eq!(before["items"].as_array().map(Vec::len), Some(0), "{before}");
    let outside = store
        .create_supplier(chainward_core::model::SupplierData::named(
            "Outside Co",
            chainward_core::model::SupplierKind::Hosting,
        ))
        .await?;
    store
        .create_subcontract(chainward_core::model::SubcontractData {
            supplier: id_of(&acme).parse()?,
            subcontractor: outside.id,
            scope: "hosting".into(),
            since: None,
            handles_our_data: false,
        })
        .await?;
    let after = h.expect(Method::GET, &path, None, StatusCode::OK).await?;
    assert_eq!(after["items"].as_array().map(Vec::len), Some(1), "{after}");
    h.stop().await
}

#[tokio::test]
async fn graph_dependents_paths_and_subcontractors_follow_the_chain() -> TestResult {
    let h = Harness::start().await?;
    let acme = h.create("/api/v1/suppliers", supplier("Acme")).await?;
    let bravo = h.create("/api/v1/suppliers", supplier("Bravo")).await?;
    let cloudco = h.create("/api/v1/suppliers", supplier("Cloudco")).await?;
    h.create("/api/v1/subcontracts", json!({"supplier": acme["id"], "subcontractor": bravo["id"], "scope": "hosting"}))
        .await?;
    let saas = h
        .create("/api/v1/offerings", json!({"supplier": acme["id"], "name": "Payroll SaaS", "kind": "cloud-service"}))
        .await?;
    let payroll = h
        .create("/api/v1/services", json!({"name": "Payroll", "criticality": 1, "uses": [{"offering": saas["id"]}]}))
        .await?;

    // Before the last link exists Cloudco has no dependents; asking builds the graph.
    let cloudco_path = format!("/api/v1/graph/dependents/{}", id_of(&cloudco));
    let before = h.expect(Method::GET, &cloudco_path, None, StatusCode::OK).await?;
    assert_eq!(before["total"], 0);

    // A write through the API moves the registry revision, so the graph is rebuilt.
    let link = h
        .create(
            "/api/v1/subcontracts",
            json!({"supplier": bravo["id"], "subcontractor": cloudco["id"], "scope": "data centre", "since": "2024-05-31", "handles_our_data": true}),
        )
        .await?;
    assert_eq!(link["since"], "2024-05-31");
    let after = h.expect(Method::GET, &cloudco_path, None, StatusCode::OK).await?;
    assert_eq!(after["origin"], json!({"kind": "supplier", "id": cloudco["id"], "name": "Cloudco"}));
    let reached: Vec<(String, u64)> = after["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| (d["node"]["name"].as_str().unwrap_or("").to_owned(), d["depth"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(
        reached,
        [("Bravo".to_owned(), 1), ("Acme".to_owned(), 2), ("Payroll SaaS".to_owned(), 3), ("Payroll".to_owned(), 4)]
    );

    let services = h.expect(Method::GET, &format!("{cloudco_path}?kind=service"), None, StatusCode::OK).await?;
    assert_eq!(services["total"], 1);
    let path: Vec<(&str, &str)> = services["items"][0]["path"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|step| (step["kind"].as_str().unwrap_or(""), step["name"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        path,
        [
            ("service", "Payroll"),
            ("offering", "Payroll SaaS"),
            ("supplier", "Acme"),
            ("supplier", "Bravo"),
            ("supplier", "Cloudco")
        ]
    );
    assert_eq!(services["items"][0]["path"][0]["id"], payroll["id"]);

    let tree = h
        .expect(Method::GET, &format!("/api/v1/graph/subcontractors/{}?depth=1", id_of(&acme)), None, StatusCode::OK)
        .await?;
    assert_eq!(tree["items"].as_array().map(Vec::len), Some(1));
    let tree =
        h.expect(Method::GET, &format!("/api/v1/graph/subcontractors/{}", id_of(&acme)), None, StatusCode::OK).await?;
    assert_eq!(tree["items"][1]["node"]["name"], "Cloudco");
    assert_eq!(tree["items"][1]["depth"], 2);
    let not_supplier = h
        .expect(Method::GET, &format!("/api/v1/graph/subcontractors/{}", id_of(&saas)), None, StatusCode::BAD_REQUEST)
        .await?;
    assert_error(&not_supplier, "bad-request", &["supplier_id", "offering"]);

    let paths = h
        .expect(
            Method::GET,
            &format!("/api/v1/graph/paths?from={}&to={}", id_of(&payroll), id_of(&cloudco)),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(paths["paths"].as_array().map(Vec::len), Some(1));
    assert_eq!(paths["paths"][0].as_array().map(Vec::len), Some(5));
    assert_eq!(paths["truncated"], false);
    let missing_to = h
        .expect(Method::GET, &format!("/api/v1/graph/paths?from={}", id_of(&payroll)), None, StatusCode::BAD_REQUEST)
        .await?;
    assert_error(&missing_to, "bad-request", &["to"]);

    let concentration = h.expect(Method::GET, "/api/v1/graph/concentration", None, StatusCode::OK).await?;
    // Cloudco carries as many services as Acme, and two suppliers' chains besides.
    assert_eq!(concentration["items"][0]["supplier"]["name"], "Cloudco");
    assert_eq!(concentration["items"][0]["n_services"], 1);
    assert_eq!(concentration["items"][0]["n_upstream_suppliers"], 2);
    assert_eq!(concentration["total"], 3);

    // Deleting the middle supplier cuts the chain.
    h.expect(Method::DELETE, &format!("/api/v1/suppliers/{}", id_of(&bravo)), None, StatusCode::NO_CONTENT).await?;
    let cut = h.expect(Method::GET, &cloudco_path, None, StatusCode::OK).await?;
    assert_eq!(cut["total"], 0);
    h.stop().await
}

/// ```text
/// Payroll --uses--> Payroll SaaS (Acme)                    no alternative
/// Billing --uses--> Bill A (Hostco) | alternative Bill B (Hostco)   Hostco shared
/// ```
#[tokio::test]
async fn spof_lists_offerings_without_alternative_and_shared_suppliers() -> TestResult {
    let h = Harness::start().await?;
    let acme = h.create("/api/v1/suppliers", supplier("Acme")).await?;
    let hostco = h.create("/api/v1/suppliers", supplier("Hostco")).await?;
    let saas = h
        .create("/api/v1/offerings", json!({"supplier": acme["id"], "name": "Payroll SaaS", "kind": "cloud-service"}))
        .await?;
    let bill_a =
        h.create("/api/v1/offerings", json!({"supplier": hostco["id"], "name": "Bill A", "kind": "software"})).await?;
    let bill_b =
        h.create("/api/v1/offerings", json!({"supplier": hostco["id"], "name": "Bill B", "kind": "software"})).await?;
    h.create("/api/v1/services", json!({"name": "Payroll", "criticality": 1, "uses": [{"offering": saas["id"]}]}))
        .await?;
    let billing = h
        .create(
            "/api/v1/services",
            json!({"name": "Billing", "criticality": 2, "uses": [{"offering": bill_a["id"], "purpose": "invoices", "alternatives": [bill_b["id"]]}]}),
        )
        .await?;
    assert_eq!(billing["uses"][0]["alternatives"], json!([bill_b["id"]]));

    let spof = h.expect(Method::GET, "/api/v1/graph/spof", None, StatusCode::OK).await?;
    let found: BTreeSet<(String, String, String)> = spof["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
            (text(&s["service"]["name"]), text(&s["node"]["name"]), text(&s["reason"]))
        })
        .collect();
    assert!(found.contains(&("Payroll".into(), "Payroll SaaS".into(), "no-alternative".into())), "{found:?}");
    assert!(found.contains(&("Billing".into(), "Hostco".into(), "shared-by-all-alternatives".into())), "{found:?}");
    assert!(!found.iter().any(|(service, node, _)| service == "Billing" && node == "Bill A"), "{found:?}");
    assert_eq!(spof["total"].as_u64(), Some(found.len() as u64));
    h.stop().await
}

#[tokio::test]
async fn offerings_releases_and_services_round_trip() -> TestResult {
    let h = Harness::start().await?;
    let acme = h.create("/api/v1/suppliers", supplier("Acme")).await?;
    let db =
        h.create("/api/v1/offerings", json!({"supplier": acme["id"], "name": "Acme DB", "kind": "software"})).await?;
    let db_path = format!("/api/v1/offerings/{}", id_of(&db));
    let v1 = h.create(&format!("{db_path}/releases"), json!({"version": "1.0", "released_on": "2023-01-10"})).await?;
    h.create(&format!("{db_path}/releases"), json!({"version": "2.0", "released_on": "2024-02-20"})).await?;
    let detail = h.expect(Method::GET, &db_path, None, StatusCode::OK).await?;
    assert_eq!(detail["offering"]["name"], "Acme DB");
    assert_eq!(detail["releases"][0]["version"], "2.0", "newest first");
    let releases = h.expect(Method::GET, &format!("{db_path}/releases?limit=1"), None, StatusCode::OK).await?;
    assert_eq!((releases["total"].as_u64(), releases["items"].as_array().map(Vec::len)), (Some(2), Some(1)));
    h.expect(Method::DELETE, &format!("/api/v1/releases/{}", id_of(&v1)), None, StatusCode::NO_CONTENT).await?;
    let bad_date = h
        .expect(
            Method::POST,
            &format!("{db_path}/releases"),
            Some(&json!({"version": "3", "released_on": "soon"})),
            StatusCode::BAD_REQUEST,
        )
        .await?;
    assert_error(&bad_date, "bad-request", &["released_on"]);

    let renamed = h
        .expect(
            Method::PUT,
            &db_path,
            Some(&json!({"supplier": acme["id"], "name": "Acme Database", "kind": "software"})),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(renamed["name"], "Acme Database");
    let listed = h
        .expect(
            Method::GET,
            &format!("/api/v1/offerings?supplier={}&kind=software", id_of(&acme)),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(listed["total"], 1);

    let service = h
        .create(
            "/api/v1/services",
            json!({"name": "CRM", "criticality": 2, "owner_email": "crm@us.example", "uses": [{"offering": db["id"]}]}),
        )
        .await?;
    let service_path = format!("/api/v1/services/{}", id_of(&service));
    let users = h.expect(Method::GET, &format!("/api/v1/services?uses={}", id_of(&db)), None, StatusCode::OK).await?;
    assert_eq!(users["items"][0]["name"], "CRM");
    let updated =
        h.expect(Method::PUT, &service_path, Some(&json!({"name": "CRM", "criticality": 1})), StatusCode::OK).await?;
    assert_eq!((updated["criticality"].as_u64(), updated["uses"].as_array().map(Vec::len)), (Some(1), Some(0)));
    let tier1 = h.expect(Method::GET, "/api/v1/services?criticality=1", None, StatusCode::OK).await?;
    assert_eq!(tier1["total"], 1);
    h.expect(Method::DELETE, &service_path, None, StatusCode::NO_CONTENT).await?;
    h.expect(Method::DELETE, &db_path, None, StatusCode::NO_CONTENT).await?;
    h.expect(Method::GET, &db_path, None, StatusCode::NOT_FOUND).await?;
    h.stop().await
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_registry() -> TestResult {
    let h = Harness::start().await?;
    h.create("/api/v1/suppliers", supplier("Acme")).await?;
    h.get("/api/v1/suppliers").await?;
    h.get("/api/v1/suppliers").await?;
    h.get("/api/v1/suppliers/01890000-0000-7000-8000-000000000000").await?;
    h.get("/no/such/route").await?;
    let response = h.get("/metrics").await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str()?.starts_with("text/plain; version=0.0.4"));
    let text = response.text().await?;
    for line in [
        "chainward_http_requests_total{method=\"POST\",route=\"/api/v1/suppliers\",status=\"201\"} 1",
        "chainward_http_requests_total{method=\"GET\",route=\"/api/v1/suppliers\",status=\"200\"} 2",
        "chainward_http_requests_total{method=\"GET\",route=\"/api/v1/suppliers/{id}\",status=\"404\"} 1",
        "chainward_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
        "chainward_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/suppliers\"} 2",
        "chainward_registry_suppliers 1",
        "chainward_registry_offerings 0",
        "chainward_registry_services 0",
        "chainward_store_up 1",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
    assert!(text.contains("# TYPE chainward_http_requests_total counter"));
    assert!(text.contains("# TYPE chainward_http_request_duration_seconds histogram"));
    assert!(text.contains(&format!("chainward_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"))));
    h.stop().await
}

#[tokio::test]
async fn non_loopback_listen_addresses_are_refused() -> TestResult {
    let store = chainward_store::open("sqlite::memory:").await?;
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.10:8080"] {
        let config = ServerConfig { listen: addr.parse()?, ..ServerConfig::default() };
        match launch(config, Arc::clone(&store)).await {
            Err(error @ ServerError::NotLoopback { .. }) => {
                let message = error.to_string();
                assert!(message.contains(addr), "{message}");
                assert!(message.contains("no admin account exists"), "{message}");
                assert!(message.contains("chainward user add --role admin"), "{message}");
            }
            Err(other) => return Err(format!("{addr}: expected NotLoopback, got {other}").into()),
            Ok(server) => {
                server.shutdown().await?;
                return Err(format!("{addr}: the server started").into());
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn shutdown_stops_the_server() -> TestResult {
    let h = Harness::start().await?;
    let url = h.url("/healthz");
    let client = h.client.clone();
    h.stop().await?;
    assert!(client.get(url).send().await.is_err(), "the port should be closed");
    Ok(())
}

/// Runs `program` with `args`, failing the test with its stderr when it fails.
fn run_tool(program: &str, args: &[&str]) -> Result<std::process::Output, Box<dyn std::error::Error>> {
    let out = std::process::Command::new(program).args(args).output().map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(out)
}

// curl runs as a blocking child process: the server needs threads of its own meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_from_pem_files_serves_https_with_hsts() -> TestResult {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("tls-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir)?;
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let (cert_s, key_s) = (cert.display().to_string(), key.display().to_string());
    run_tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key_s,
            "-out",
            &cert_s,
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
    )?;
    let store = chainward_store::open("sqlite::memory:").await?;
    let tls = Some(chainward_server::TlsFiles { cert: cert.clone(), key: key.clone() });
    let config = ServerConfig { listen: "127.0.0.1:0".parse()?, tls, ..ServerConfig::default() };
    let server = launch(config, store).await?;
    assert!(server.base_url().starts_with("https://"));
    let url = format!("{}/healthz", server.base_url());
    let out = run_tool("curl", &["-sS", "--max-time", "10", "--noproxy", "*", "--cacert", &cert_s, "-D", "-", &url])?;
    let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(text.starts_with("http/1.1 200") || text.starts_with("http/2 200"), "{text}");
    assert!(text.contains("strict-transport-security: max-age=31536000"), "{text}");
    assert!(text.contains("{\"status\":\"ok\"}"), "{text}");
    // Plain HTTP to the TLS port gets no answer from the application.
    let plain = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "5", "--noproxy", "*", &url.replace("https://", "http://")])
        .output()?;
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\"status\":\"ok\""));
    server.shutdown().await?;

    // A missing key file is a clear start-up error.
    let store = chainward_store::open("sqlite::memory:").await?;
    let tls = Some(chainward_server::TlsFiles { cert, key: dir.join("missing.pem") });
    let config = ServerConfig { listen: "127.0.0.1:0".parse()?, tls, ..ServerConfig::default() };
    match launch(config, store).await {
        Err(e @ ServerError::Tls(_)) => assert!(e.to_string().contains("missing.pem"), "{e}"),
        Err(other) => return Err(format!("expected a TLS error, got {other}").into()),
        Ok(server) => {
            server.shutdown().await?;
            return Err("the server started without its key".into());
        }
    }
    Ok(())
}

#[tokio::test]
async fn non_loopback_listening_is_allowed_once_an_admin_exists() -> TestResult {
    let store = chainward_store::open("sqlite::memory:").await?;
    store
        .create_user(chainward_core::access::NewUser {
            username: "root".into(),
            display_name: String::new(),
            email: None,
            role: chainward_core::model::Role::Admin,
            supplier: None,
            password_hash: chainward_server::auth::hash_password("a sound admin passphrase")?,
            must_change_password: false,
        })
        .await?;
    let config = ServerConfig { listen: "0.0.0.0:0".parse()?, ..ServerConfig::default() };
    let server = launch(config, store).await?;
    assert!(server.setup_url().is_none(), "a set-up link was opened although an admin exists");
    // Talk to it over loopback only.
    let url = format!("http://127.0.0.1:{}/healthz", server.addr().port());
    let response = Client::builder().no_proxy().build()?.get(url).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    server.shutdown().await?;
    Ok(())
}
