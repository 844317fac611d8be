//! OpenID Connect sign-in against a real provider of our own: a small axum server on
//! 127.0.0.1:0 with discovery, keys, an authorization endpoint that signs in a user fixed by
//! the test at once, and a token endpoint that checks the code and the PKCE verifier and
//! signs ID tokens (RS256). It can be told to misbehave (wrong nonce, wrong audience).
//!
//! ```text
//!   test client ──/login/oidc──▶ chainward ──303──▶ provider /authorize ──303──▶
//!   chainward /login/oidc/callback ──(code, verifier)──▶ provider /token ──ID token──▶ session
//! ```

// Test scaffolding: fixtures fail loudly.
#![allow(clippy::indexing_slicing, clippy::panic)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use chainward_core::access::NewUser;
use chainward_core::model::Role;
use chainward_server::{OidcClaim, OidcConfig, ServerConfig, launch};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{AccessToken, JsonWebKeyId, PrivateSigningKey};
use reqwest::{Client, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;

use crate::{TestResult, run_tool};

type Error = Box<dyn std::error::Error>;

const CLIENT_ID: &str = "chainward-test";
const CLIENT_SECRET: &str = "s3cret-of-the-test";

/// How the provider misbehaves, on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Misbehave {
    #[default]
    No,
    WrongNonce,
    WrongAudience,
}

/// A code handed out by `/authorize`.
struct Grant {
    challenge: String,
    nonce: String,
    redirect_uri: String,
}

#[derive(Default)]
struct ProviderState {
    issuer: String,
    /// The `preferred_username` (and `email`) of whoever "signs in" at the provider.
    user: String,
    email: String,
    misbehave: Misbehave,
    codes: HashMap<String, Grant>,
}

#[derive(Clone)]
struct Provider {
    state: Arc<Mutex<ProviderState>>,
    key: Arc<CoreRsaPrivateSigningKey>,
}

/// A 2048-bit RSA key (PKCS#1 PEM), made once per test run.
fn rsa_pem() -> Result<String, Error> {
    static PEM: OnceLock<String> = OnceLock::new();
    if let Some(pem) = PEM.get() {
        return Ok(pem.clone());
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("oidc-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir)?;
    let (pkcs8, pkcs1) = (dir.join("key.pem"), dir.join("key-rsa.pem"));
    let (pkcs8_s, pkcs1_s) = (pkcs8.display().to_string(), pkcs1.display().to_string());
    run_tool("openssl", &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", &pkcs8_s])?;
    // openidconnect reads PKCS#1 ("BEGIN RSA PRIVATE KEY") only.
    run_tool("openssl", &["rsa", "-in", &pkcs8_s, "-traditional", "-out", &pkcs1_s])?;
    let pem = std::fs::read_to_string(&pkcs1)?;
    Ok(PEM.get_or_init(|| pem).clone())
}

async fn discovery(State(p): State<Provider>) -> Json<Value> {
    let issuer = p.state.lock().unwrap_or_else(PoisonError::into_inner).issuer.clone();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(State(p): State<Provider>) -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![p.key.as_verification_key()]))
}

async fn authorize(State(p): State<Provider>, Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("response_type").map(String::as_str) != Some("code")
        || q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("code_challenge_method").map(String::as_str) != Some("S256")
        || !q.get("scope").is_some_and(|s| s.split(' ').any(|s| s == "openid"))
    {
        return (AxumStatus::BAD_REQUEST, format!("bad authorization request: {q:?}")).into_response();
    }
    let code = uuid::Uuid::now_v7().simple().to_string();
    let redirect_uri = q["redirect_uri"].clone();
    p.state.lock().unwrap_or_else(PoisonError::into_inner).codes.insert(
        code.clone(),
        Grant { challenge: q["code_challenge"].clone(), nonce: q["nonce"].clone(), redirect_uri: redirect_uri.clone() },
    );
    match reqwest::Url::parse_with_params(&redirect_uri, &[("code", code.as_str()), ("state", &q["state"])]) {
        Ok(back) => Redirect::to(back.as_str()).into_response(),
        Err(e) => (AxumStatus::BAD_REQUEST, format!("bad redirect_uri: {e}")).into_response(),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
}

async fn token(State(p): State<Provider>, headers: HeaderMap, Form(form): Form<TokenForm>) -> Response {
    let basic =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(basic.as_str());
    if !authorized {
        return (AxumStatus::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response();
    }
    let mut state = p.state.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(grant) = state.codes.remove(&form.code) else {
        return (AxumStatus::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
    };
    let computed =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(form.code_verifier.as_bytes()));
    if form.grant_type != "authorization_code" || grant.redirect_uri != form.redirect_uri || computed != grant.challenge
    {
        return (AxumStatus::BAD_REQUEST, Json(json!({"error": "invalid_grant", "error_description": "pkce"})))
            .into_response();
    }
    let (nonce, audience) = match state.misbehave {
        Misbehave::No => (grant.nonce, CLIENT_ID.to_owned()),
        Misbehave::WrongNonce => ("another-nonce".to_owned(), CLIENT_ID.to_owned()),
        Misbehave::WrongAudience => (grant.nonce, "another-client".to_owned()),
    };
    let access_token = AccessToken::new("access-token".into());
    match sign_id_token(&state, &p.key, &nonce, &audience, &access_token) {
        Ok(id_token) => Json(json!({
            "access_token": access_token.secret(),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }))
        .into_response(),
        Err(e) => (AxumStatus::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// An ID token for the provider's user, signed RS256, valid for 5 minutes.
fn sign_id_token(
    state: &ProviderState,
    key: &CoreRsaPrivateSigningKey,
    nonce: &str,
    audience: &str,
    access_token: &AccessToken,
) -> Result<String, Error> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims: CoreIdTokenClaims = serde_json::from_value(json!({
        "iss": state.issuer,
        "aud": [audience],
        "exp": now + 300,
        "iat": now,
        "sub": format!("subject-{}", state.user),
        "nonce": nonce,
        "preferred_username": state.user,
        "email": state.email,
        "email_verified": true,
    }))?;
    let id_token =
        CoreIdToken::new(claims, key, CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, Some(access_token), None)?;
    Ok(id_token.to_string())
}

/// Starts the provider; returns its issuer URL and its state.
async fn start_provider() -> Result<(String, Arc<Mutex<ProviderState>>), Error> {
    let key = CoreRsaPrivateSigningKey::from_pem(&rsa_pem()?, Some(JsonWebKeyId::new("test-key".into())))?;
    let state = Arc::new(Mutex::new(ProviderState::default()));
    let provider = Provider { state: Arc::clone(&state), key: Arc::new(key) };
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(provider);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let issuer = format!("http://{}", listener.local_addr()?);
    state.lock().unwrap_or_else(PoisonError::into_inner).issuer = issuer.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((issuer, state))
}

/// chainward with OpenID Connect through the test provider, with two accounts: alice
/// (analyst, alice@example.com) and dora (disabled).
struct World {
    base: String,
    provider: Arc<Mutex<ProviderState>>,
    server: chainward_server::RunningServer,
    store: Arc<dyn chainward_store::Store>,
    client: Client,
}

async fn world(claim: OidcClaim) -> Result<World, Error> {
    let (issuer, provider) = start_provider().await?;
    // The redirect URL names chainward's port, so the port is chosen before launch.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");
    let store = chainward_store::open("sqlite::memory:").await?;
    for (name, email) in [("alice", "alice@example.com"), ("dora", "dora@example.com")] {
        let user = store
            .create_user(NewUser {
                username: name.into(),
                display_name: name.into(),
                email: Some(email.into()),
                role: Role::Analyst,
                supplier: None,
                password_hash: "$argon2id$unusable".into(),
                must_change_password: false,
            })
            .await?;
        if name == "dora" {
            store
                .update_user(user.id, chainward_core::access::UserChange { disabled: Some(true), ..Default::default() })
                .await?;
        }
    }
    let oidc = OidcConfig {
        issuer,
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_url: format!("{base}/login/oidc/callback"),
        claim,
        label: "Sign in with Test SSO".into(),
    };
    let config =
        ServerConfig { listen: format!("127.0.0.1:{port}").parse()?, oidc: Some(oidc), ..ServerConfig::default() };
    let server = launch(config, Arc::clone(&store)).await?;
    let client = Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build()?;
    Ok(World { base, provider, server, store, client })
}

/// The value of cookie `name` in the response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let (pair, _) = v.split_once(';').unwrap_or((v, ""));
        let (n, value) = pair.split_once('=')?;
        (n == name && !value.is_empty()).then(|| value.to_owned())
    })
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

impl World {
    /// Walks the sign-in up to the callback: returns the callback URL the provider sent
    /// the browser to and the sign-in cookie.
    async fn to_callback(&self) -> Result<(String, String), Error> {
        let start = self.client.get(format!("{}/login/oidc?next=/suppliers", self.base)).send().await?;
        assert_eq!(start.status(), StatusCode::SEE_OTHER);
        let set = start.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/login/oidc"), "{set}");
        let key = set_cookie(&start, "chainward_oidc").ok_or("no sign-in cookie")?;
        let to_provider = location(&start);
        assert!(to_provider.contains("code_challenge_method=S256") && to_provider.contains("nonce="), "{to_provider}");
        let at_provider = self.client.get(&to_provider).send().await?;
        assert_eq!(at_provider.status(), StatusCode::SEE_OTHER, "{}", at_provider.text().await?);
        let callback = location(&at_provider);
        assert!(callback.starts_with(&format!("{}/login/oidc/callback?", self.base)), "{callback}");
        Ok((callback, key))
    }

    async fn callback(&self, url: &str, key: &str) -> Result<reqwest::Response, Error> {
        Ok(self.client.get(url).header("cookie", format!("chainward_oidc={key}")).send().await?)
    }

    async fn stop(self) -> TestResult {
        self.server.shutdown().await?;
        Ok(())
    }
}

#[tokio::test]
async fn oidc_sign_in_starts_a_session_for_the_local_account() -> TestResult {
    let w = world(OidcClaim::PreferredUsername).await?;
    w.provider.lock().unwrap_or_else(PoisonError::into_inner).user = "alice".into();
    let login = w.client.get(format!("{}/login", w.base)).send().await?.text().await?;
    assert!(login.contains("Sign in with Test SSO") && login.contains("/login/oidc?next="), "{login}");
    let (callback, key) = w.to_callback().await?;
    let back = w.callback(&callback, &key).await?;
    // A page that moves on by itself (not a redirect), so the browser sends the
    // SameSite=Strict session cookie on the next request.
    assert_eq!(back.status(), StatusCode::OK);
    assert_eq!(back.headers().get("refresh").and_then(|v| v.to_str().ok()), Some("0; url=/suppliers"));
    let session = set_cookie(&back, "chainward_session").ok_or("no session cookie")?;
    let page = w
        .client
        .get(format!("{}/suppliers", w.base))
        .header("cookie", format!("chainward_session={session}"))
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::OK);
    // The sign-in can be finished once only.
    let again = w.callback(&callback, &key).await?;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&again, "chainward_session").is_none());
    // The sign-in is in the audit log as alice's login.
    let audit = w.store.audit_entries(0, 1000).await?;
    assert!(audit.iter().any(|e| e.action == "login" && e.actor == "user:alice"), "{audit:?}");
    w.stop().await
}

#[tokio::test]
async fn oidc_sign_in_by_email_claim() -> TestResult {
    let w = world(OidcClaim::Email).await?;
    {
        let mut p = w.provider.lock().unwrap_or_else(PoisonError::into_inner);
        p.user = "someone-else".into();
        p.email = "ALICE@example.com".into();
    }
    let (callback, key) = w.to_callback().await?;
    let back = w.callback(&callback, &key).await?;
    assert_eq!(back.status(), StatusCode::OK);
    assert!(set_cookie(&back, "chainward_session").is_some());
    w.stop().await
}

#[tokio::test]
async fn oidc_refuses_a_wrong_state() -> TestResult {
    let w = world(OidcClaim::PreferredUsername).await?;
    w.provider.lock().unwrap_or_else(PoisonError::into_inner).user = "alice".into();
    let (callback, key) = w.to_callback().await?;
    let url = reqwest::Url::parse(&callback)?;
    let code = url.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).unwrap_or_default();
    let forged = format!("{}/login/oidc/callback?code={code}&state=forged", w.base);
    let back = w.callback(&forged, &key).await?;
    assert_eq!(back.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&back, "chainward_session").is_none());
    // Without the sign-in cookie (another browser), even the right state is refused.
    let back = w.client.get(&callback).send().await?;
    assert_eq!(back.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&back, "chainward_session").is_none());
    w.stop().await
}

#[tokio::test]
async fn oidc_refuses_unknown_and_disabled_accounts() -> TestResult {
    let w = world(OidcClaim::PreferredUsername).await?;
    for name in ["nobody", "dora"] {
        w.provider.lock().unwrap_or_else(PoisonError::into_inner).user = name.into();
        let (callback, key) = w.to_callback().await?;
        let back = w.callback(&callback, &key).await?;
        assert_eq!(back.status(), StatusCode::FORBIDDEN, "{name}");
        assert!(set_cookie(&back, "chainward_session").is_none());
        let text = back.text().await?;
        assert!(text.contains(&format!("no chainward account for {name}")) && text.contains("ask an admin"), "{text}");
    }
    let audit = w.store.audit_entries(0, 1000).await?;
    let failures: Vec<_> = audit.iter().filter(|e| e.action == "login-failed").collect();
    assert_eq!(failures.len(), 2, "{audit:?}");
    // Without an account the name is kept as a digest only; an account's name stays.
    let text: Vec<String> = failures.iter().map(|e| e.after.clone().unwrap_or_default()).collect();
    assert!(text.iter().all(|t| !t.contains("nobody")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("username_sha256") && t.contains("\"username_length\":6")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("dora")), "{text:?}");
    w.stop().await
}

#[tokio::test]
async fn oidc_refuses_id_tokens_with_a_wrong_nonce_or_audience() -> TestResult {
    let w = world(OidcClaim::PreferredUsername).await?;
    for misbehave in [Misbehave::WrongNonce, Misbehave::WrongAudience] {
        {
            let mut p = w.provider.lock().unwrap_or_else(PoisonError::into_inner);
            p.user = "alice".into();
            p.misbehave = misbehave;
        }
        let (callback, key) = w.to_callback().await?;
        let back = w.callback(&callback, &key).await?;
        assert_eq!(back.status(), StatusCode::UNAUTHORIZED, "{misbehave:?}");
        assert!(set_cookie(&back, "chainward_session").is_none(), "{misbehave:?}");
    }
    w.stop().await
}

#[tokio::test]
async fn without_oidc_its_routes_are_not_found_and_the_button_is_absent() -> TestResult {
    let h = crate::Harness::start().await?;
    for path in ["/login/oidc", "/login/oidc/callback?code=x&state=y"] {
        let response = h.get(path).await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.text().await?.contains("OpenID Connect is not configured"), "{path}");
    }
    let login = h.get("/login").await?.text().await?;
    assert!(!login.contains("/login/oidc"), "{login}");
    h.stop().await
}

#[tokio::test]
async fn an_unreachable_issuer_stops_start_up_with_its_name() -> TestResult {
    let store = chainward_store::open("sqlite::memory:").await?;
    let oidc = OidcConfig {
        issuer: "http://127.0.0.1:9".into(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_url: "http://127.0.0.1:8080/login/oidc/callback".into(),
        claim: OidcClaim::PreferredUsername,
        label: "SSO".into(),
    };
    let config = ServerConfig { listen: "127.0.0.1:0".parse()?, oidc: Some(oidc.clone()), ..ServerConfig::default() };
    let error = launch(config, Arc::clone(&store)).await.err().ok_or("start-up should fail")?.to_string();
    assert!(error.contains("http://127.0.0.1:9"), "{error}");
    // Plain HTTP beyond loopback is refused before anything is asked.
    let oidc = OidcConfig { issuer: "http://sso.example.com".into(), ..oidc };
    let config = ServerConfig { listen: "127.0.0.1:0".parse()?, oidc: Some(oidc), ..ServerConfig::default() };
    let error = launch(config, store).await.err().ok_or("start-up should fail")?.to_string();
    assert!(error.contains("must use https"), "{error}");
    Ok(())
}
