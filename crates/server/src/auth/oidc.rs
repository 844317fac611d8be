//! OpenID Connect sign-in: the provider proves who someone is, the local account (found by
//! the configured ID-token claim) says what they may do.
//!
//! The provider's metadata and keys are discovered at start-up. A sign-in keeps its PKCE
//! verifier, `state` and `nonce` in memory on this server instance, keyed by a random value
//! in a short-lived cookie; entries expire after 10 minutes and their number is bounded, so
//! nobody can fill the memory by starting sign-ins. The ID token is checked for signature
//! (the provider's published keys), issuer, audience, expiry and nonce.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};

use super::secret;

/// How long a started sign-in may take at the provider.
const PENDING_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// At most this many sign-ins wait for their callback at once.
const MAX_PENDING: usize = 10_000;
/// The bound on every request to the provider (discovery, keys, code exchange).
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// Keys are fetched again after an unknown signature at most this often.
const REFRESH_INTERVAL: Duration = Duration::from_secs(60);

/// Which ID-token claim names the local account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OidcClaim {
    /// `preferred_username`, matched against the username (regardless of case).
    #[default]
    PreferredUsername,
    /// `email`, matched against the account's e-mail address (regardless of case); refused
    /// when the provider says the address is not verified.
    Email,
}

impl OidcClaim {
    /// The claim's name in the ID token.
    pub fn name(self) -> &'static str {
        match self {
            OidcClaim::PreferredUsername => "preferred_username",
            OidcClaim::Email => "email",
        }
    }
}

impl std::str::FromStr for OidcClaim {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "preferred_username" => Ok(OidcClaim::PreferredUsername),
            "email" => Ok(OidcClaim::Email),
            other => Err(format!("unknown claim {other:?}: use preferred_username or email")),
        }
    }
}

/// How to reach the OpenID Connect provider.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// The issuer URL (HTTPS; plain HTTP only on a loopback address).
    pub issuer: String,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret at the provider.
    pub client_secret: String,
    /// `/login/oidc/callback` of this server as the provider (and the browser) sees it.
    pub redirect_url: String,
    /// Which ID-token claim names the local account.
    pub claim: OidcClaim,
    /// The text of the sign-in button.
    pub label: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .field("redirect_url", &self.redirect_url)
            .field("claim", &self.claim)
            .field("label", &self.label)
            .finish()
    }
}

/// Why OpenID Connect could not be set up or a sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The configuration is not usable.
    #[error("OpenID Connect configuration: {0}")]
    Config(String),
    /// The provider's metadata could not be read at start-up.
    #[error(
        "cannot read the OpenID Connect metadata of {issuer}: {reason}; check --oidc-issuer and that the provider is reachable"
    )]
    Discovery {
        /// The configured issuer.
        issuer: String,
        /// What went wrong.
        reason: String,
    },
    /// The code could not be exchanged for tokens.
    #[error("the provider refused the sign-in: {0}")]
    Exchange(String),
    /// The ID token is not acceptable.
    #[error("the provider's ID token is not acceptable: {0}")]
    IdToken(String),
    /// The ID token does not carry the configured claim (or an unverified e-mail address).
    #[error("the ID token does not name an account: {0}")]
    Claim(String),
}

/// The HTTP errors of the provider client.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The request failed.
    #[error(transparent)]
    Request(#[from] reqwest::Error),
    /// The response could not be built.
    #[error(transparent)]
    Response(#[from] axum::http::Error),
}

/// Our reqwest client, through openidconnect's HTTP client trait. It follows no redirects
/// (openidconnect's advice against request forgery) and gives up after [`PROVIDER_TIMEOUT`].
#[derive(Debug, Clone)]
pub struct ProviderHttp(reqwest::Client);

impl<'c> AsyncHttpClient<'c> for ProviderHttp {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.0.execute(reqwest::Request::try_from(request)?).await?;
            let mut builder = axum::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            Ok(builder.body(response.bytes().await?.to_vec())?)
        })
    }
}

type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// A sign-in waiting for the provider to send the browser back.
pub struct Pending {
    state: CsrfToken,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    /// Where to go after sign-in.
    pub next: String,
    started: Instant,
}

/// The configured provider and the sign-ins in progress.
pub struct Oidc {
    config: OidcConfig,
    http: ProviderHttp,
    client: Mutex<(Arc<Client>, Instant)>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc").field("config", &self.config).finish_non_exhaustive()
    }
}

/// Whether `url` names a loopback host (where plain HTTP is acceptable, for tests and
/// development).
fn is_loopback(url: &openidconnect::url::Url) -> bool {
    match url.host() {
        Some(openidconnect::url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(openidconnect::url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(openidconnect::url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl Oidc {
    /// Checks the configuration and reads the provider's metadata and keys.
    pub async fn discover(config: OidcConfig) -> Result<Oidc, OidcError> {
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| OidcError::Config(format!("the issuer {:?} is not a URL: {e}", config.issuer)))?;
        if issuer.url().scheme() != "https" && !(issuer.url().scheme() == "http" && is_loopback(issuer.url())) {
            return Err(OidcError::Config(format!(
                "the issuer {} must use https (plain http only on a loopback address)",
                config.issuer
            )));
        }
        RedirectUrl::new(config.redirect_url.clone())
            .map_err(|e| OidcError::Config(format!("the redirect URL {:?} is not a URL: {e}", config.redirect_url)))?;
        if config.client_id.is_empty() {
            return Err(OidcError::Config("the client id is empty".into()));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| OidcError::Config(format!("cannot build the HTTP client: {e}")))?;
        let http = ProviderHttp(http);
        let client = Self::client(&config, &http).await?;
        Ok(Oidc { config, http, client: Mutex::new((Arc::new(client), Instant::now())), pending: Mutex::default() })
    }

    async fn client(config: &OidcConfig, http: &ProviderHttp) -> Result<Client, OidcError> {
        let failed = |reason: String| OidcError::Discovery { issuer: config.issuer.clone(), reason };
        let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|e| failed(e.to_string()))?;
        let metadata = tokio::time::timeout(2 * PROVIDER_TIMEOUT, CoreProviderMetadata::discover_async(issuer, http))
            .await
            .map_err(|_| failed("no answer in time".into()))?
            .map_err(|e| failed(error_chain(&e)))?;
        let redirect = RedirectUrl::new(config.redirect_url.clone()).map_err(|e| failed(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(config.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// The configured issuer.
    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    /// The text of the sign-in button.
    pub fn label(&self) -> &str {
        &self.config.label
    }

    /// The configured claim.
    pub fn claim(&self) -> OidcClaim {
        self.config.claim
    }

    fn current(&self) -> Option<Arc<Client>> {
        self.client.lock().ok().map(|c| Arc::clone(&c.0))
    }

    /// Starts a sign-in: returns the key for the cookie and the provider's URL to send the
    /// browser to. When [`MAX_PENDING`] sign-ins are waiting, the oldest is dropped, so
    /// nobody can lock others out by starting sign-ins. `None` only when the provider's
    /// client or the table is unusable.
    pub fn begin(&self, next: String) -> Option<(String, String)> {
        let client = self.current()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new(match self.config.claim {
                OidcClaim::PreferredUsername => "profile".into(),
                OidcClaim::Email => "email".into(),
            }))
            .set_pkce_challenge(challenge)
            .url();
        let key = secret::random_hex(32);
        let mut pending = self.pending.lock().ok()?;
        let now = Instant::now();
        make_room(&mut pending, now, MAX_PENDING);
        pending.insert(key.clone(), Pending { state, nonce, verifier, next, started: now });
        Some((key, url.to_string()))
    }

    /// Takes the sign-in a cookie names (it can be finished once), if it has not expired.
    pub fn take(&self, key: &str) -> Option<Pending> {
        let pending = self.pending.lock().ok()?.remove(key)?;
        (pending.started.elapsed() < PENDING_LIFETIME).then_some(pending)
    }

    /// Whether `state` is the one the sign-in sent (compared in constant time).
    pub fn state_matches(pending: &Pending, state: &str) -> bool {
        secret::same(pending.state.secret(), state)
    }

    /// Exchanges the code (with the PKCE verifier), verifies the ID token and returns the
    /// value of the configured claim.
    pub async fn finish(&self, pending: Pending, code: String) -> Result<String, OidcError> {
        let client = self.current().ok_or_else(|| OidcError::Exchange("the client is unavailable".into()))?;
        let request =
            client.exchange_code(AuthorizationCode::new(code)).map_err(|e| OidcError::Exchange(e.to_string()))?;
        let tokens = request
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(error_chain(&e)))?;
        let id_token = tokens.id_token().ok_or_else(|| OidcError::IdToken("the provider sent none".into()))?;
        let claims = match id_token.claims(&client.id_token_verifier(), &pending.nonce) {
            Ok(claims) => claims.clone(),
            // The provider may have rotated its keys since they were read: read them again
            // (not more than once a minute) and try once more.
            Err(ClaimsVerificationError::SignatureVerification(_)) if self.refresh().await => {
                let client = self.current().ok_or_else(|| OidcError::IdToken("the client is unavailable".into()))?;
                id_token
                    .claims(&client.id_token_verifier(), &pending.nonce)
                    .map_err(|e| OidcError::IdToken(e.to_string()))?
                    .clone()
            }
            Err(e) => return Err(OidcError::IdToken(e.to_string())),
        };
        match self.config.claim {
            OidcClaim::PreferredUsername => claims
                .preferred_username()
                .map(|u| u.as_str().to_owned())
                .ok_or_else(|| OidcError::Claim("no preferred_username claim".into())),
            OidcClaim::Email => {
                if claims.email_verified() == Some(false) {
                    return Err(OidcError::Claim("the provider says the e-mail address is not verified".into()));
                }
                claims.email().map(|e| e.as_str().to_owned()).ok_or_else(|| OidcError::Claim("no email claim".into()))
            }
        }
    }

    /// Reads the metadata and keys again, unless that was done within [`REFRESH_INTERVAL`].
    async fn refresh(&self) -> bool {
        let recent = self.client.lock().map(|c| c.1.elapsed() < REFRESH_INTERVAL).unwrap_or(true);
        if recent {
            return false;
        }
        match Self::client(&self.config, &self.http).await {
            Ok(client) => {
                if let Ok(mut slot) = self.client.lock() {
                    *slot = (Arc::new(client), Instant::now());
                }
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the OpenID Connect keys again");
                if let Ok(mut slot) = self.client.lock() {
                    slot.1 = Instant::now();
                }
                false
            }
        }
    }
}

/// An error with its causes, for logs.
/// Drops expired sign-ins, then the oldest ones until one more fits under `max`.
fn make_room(pending: &mut HashMap<String, Pending>, now: Instant, max: usize) {
    pending.retain(|_, p| now.duration_since(p.started) < PENDING_LIFETIME);
    while pending.len() >= max.max(1) {
        let Some(oldest) = pending.iter().min_by_key(|(_, p)| p.started).map(|(k, _)| k.clone()) else { break };
        pending.remove(&oldest);
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(started: Instant) -> Pending {
        Pending {
            state: CsrfToken::new("state".into()),
            nonce: Nonce::new("nonce".into()),
            verifier: PkceCodeVerifier::new("verifier".into()),
            next: "/".into(),
            started,
        }
    }

    #[test]
    fn a_full_table_drops_expired_then_the_oldest_sign_ins() {
        let now = Instant::now();
        let Some(long_ago) = now.checked_sub(PENDING_LIFETIME + Duration::from_secs(1)) else { return };
        let mut table = HashMap::new();
        table.insert("expired".to_owned(), pending(long_ago));
        for i in 0..3u64 {
            table.insert(format!("k{i}"), pending(now - Duration::from_secs(30 - i)));
        }
        // Not full once the expired one is gone: nothing live is dropped.
        make_room(&mut table, now, 4);
        assert_eq!(table.len(), 3);
        assert!(!table.contains_key("expired"));
        // Full: the oldest live sign-in makes way, the newer ones stay.
        make_room(&mut table, now, 3);
        assert_eq!(table.len(), 2);
        assert!(!table.contains_key("k0") && table.contains_key("k1") && table.contains_key("k2"));
        // Flooding never refuses: the table stays at its bound.
        for i in 0..100u64 {
            make_room(&mut table, now, 3);
            table.insert(format!("flood{i}"), pending(now));
        }
        assert_eq!(table.len(), 3);
    }

    #[test]
    fn claims_parse_and_issuers_need_https_beyond_loopback() {
        assert_eq!("email".parse::<OidcClaim>(), Ok(OidcClaim::Email));
        assert_eq!("preferred_username".parse::<OidcClaim>(), Ok(OidcClaim::PreferredUsername));
        assert!("sub".parse::<OidcClaim>().is_err());
        for (url, loopback) in [
            ("http://127.0.0.1:8080", true),
            ("http://localhost", true),
            ("http://[::1]:1", true),
            ("http://example.com", false),
            ("http://10.0.0.1", false),
        ] {
            let url = openidconnect::url::Url::parse(url).unwrap();
            assert_eq!(is_loopback(&url), loopback, "{url}");
        }
    }
}
