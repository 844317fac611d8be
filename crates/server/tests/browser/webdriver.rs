//! A small W3C WebDriver client for browser tests: it starts a private chromedriver, opens a
//! headless Chromium session and drives it over plain HTTP with reqwest.
//!
//! ```text
//! let browser = Browser::start().await?;
//! browser.goto(&format!("{base}/login")).await?;
//! browser.step("log in", async |b| {
//!     b.find("#username").await?.send_keys("alice").await?;
//!     b.find("button[type=submit]").await?.click().await?;
//!     ensure(b.exists("#logout").await?, "the page after logging in has no logout button")
//! }).await?;
//! browser.quit().await?;
//! ```
//!
//! Every browser has its own chromedriver on a free loopback port, so tests run in
//! parallel. Dropping a [`Browser`] ends its session and stops chromedriver (which closes
//! Chromium), also when the test panics; [`Browser::quit`] does the same and reports errors.
//! Checks inside a [`Browser::step`] use [`ensure`], so that a failure gets a screenshot.

use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::{Client, Method};
use serde::Deserialize;
use serde_json::{Value, json};

/// How long [`Browser::find`] and the other waiting look-ups poll before giving up.
const FIND_TIMEOUT: Duration = Duration::from_secs(5);
/// How often waiting look-ups poll.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How long chromedriver may take to answer `/status` with `ready: true`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long chromedriver may take to close Chromium and exit before it is killed.
const DRIVER_STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// An upper bound for any single WebDriver command, so that a hung browser fails the test
/// instead of hanging it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// The key under which WebDriver returns element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const INSTALL_HINT: &str =
    "browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver";

/// Everything that can go wrong while driving the browser. Each message names the step,
/// command or selector that failed.
#[derive(thiserror::Error)]
pub enum BrowserError {
    /// Chromium or chromedriver is not installed where we look for it.
    #[error("{INSTALL_HINT} ({program} not found at {}; {env_var} overrides the path)", path.display())]
    Missing {
        /// `chromium` or `chromedriver`.
        program: &'static str,
        /// Where it was looked for.
        path: PathBuf,
        /// The environment variable that overrides `path`.
        env_var: &'static str,
    },
    /// chromedriver did not start or did not open a session.
    #[error("could not start the browser: {message} (chromedriver log: {})", log.display())]
    Start {
        /// What went wrong.
        message: String,
        /// chromedriver's output.
        log: PathBuf,
    },
    /// The browser answered a command with a WebDriver error.
    #[error("{command} failed: {error}: {message}")]
    WebDriver {
        /// The command, with its selector or URL.
        command: String,
        /// The WebDriver error code, such as `no such element`.
        error: String,
        /// The browser's explanation (first line only).
        message: String,
    },
    /// The HTTP exchange with chromedriver failed or returned something unexpected.
    #[error("{command} failed: {message}")]
    Protocol {
        /// The command, with its selector or URL.
        command: String,
        /// What went wrong.
        message: String,
    },
    /// No element matched a selector within the waiting time.
    #[error("no element matches `{selector}` after {waited:?}{}", if needle.is_empty() { String::new() } else { format!(" with text containing {needle:?}") })]
    NotFound {
        /// The CSS selector.
        selector: String,
        /// The text the element should contain, or empty.
        needle: String,
        /// How long we polled.
        waited: Duration,
    },
    /// A check made by the test itself failed; see [`ensure`].
    #[error("{0}")]
    Expectation(String),
    /// A named [`Browser::step`] failed; a screenshot shows the page at that moment.
    #[error("step `{step}` failed: {source} (screenshot: {screenshot})")]
    Step {
        /// The step's name.
        step: String,
        /// The screenshot's path, or why there is none.
        screenshot: String,
        /// Why the step failed.
        #[source]
        source: Box<BrowserError>,
    },
    /// A local file could not be written or read.
    #[error("{context}: {source}")]
    Io {
        /// What we were doing.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Tests print errors with `Debug`; the message reads better than the structure.
impl fmt::Debug for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Fails with `message` unless `condition` holds: the way to make a check inside a
/// [`Browser::step`] (an `assert!` would panic before the screenshot is taken).
pub fn ensure(condition: bool, message: impl Into<String>) -> Result<(), BrowserError> {
    if condition { Ok(()) } else { Err(BrowserError::Expectation(message.into())) }
}

/// A cookie as the browser reports it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cookie {
    /// The cookie's name.
    pub name: String,
    /// The cookie's value.
    pub value: String,
    /// The path it is sent for.
    #[serde(default)]
    pub path: Option<String>,
    /// The domain it is sent to.
    #[serde(default)]
    pub domain: Option<String>,
    /// Whether scripts cannot read it.
    #[serde(default)]
    pub http_only: bool,
    /// Whether it is sent over HTTPS only.
    #[serde(default)]
    pub secure: bool,
    /// `Strict`, `Lax` or `None`.
    #[serde(default)]
    pub same_site: Option<String>,
}

/// The HTTP side of one WebDriver session, shared by the browser and its elements.
#[derive(Clone)]
struct Session {
    http: Client,
    /// `http://127.0.0.1:PORT/session/ID`.
    url: String,
}

impl Session {
    /// Sends one command and returns the `value` of the answer.
    async fn command(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        what: &str,
    ) -> Result<Value, BrowserError> {
        send(&self.http, method, &format!("{}{path}", self.url), body, what).await
    }

    async fn find_elements(&self, selector: &str) -> Result<Vec<Element>, BrowserError> {
        let body = json!({ "using": "css selector", "value": selector });
        let what = format!("find `{selector}`");
        let value = self.command(Method::POST, "/elements", Some(body), &what).await?;
        let references = value.as_array().ok_or_else(|| protocol(&what, "the answer is not a list"))?;
        references
            .iter()
            .map(|reference| {
                let id = reference
                    .get(ELEMENT_KEY)
                    .and_then(Value::as_str)
                    .ok_or_else(|| protocol(&what, "no element reference"))?;
                Ok(Element { session: self.clone(), id: id.to_owned(), selector: selector.to_owned() })
            })
            .collect()
    }
}

/// Sends one WebDriver command and unwraps `value`, turning WebDriver errors into
/// [`BrowserError::WebDriver`].
async fn send(
    http: &Client,
    method: Method,
    url: &str,
    body: Option<Value>,
    what: &str,
) -> Result<Value, BrowserError> {
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.map_err(|error| protocol(what, error))?;
    let status = response.status();
    let mut answer: Value = response.json().await.map_err(|error| protocol(what, error))?;
    let value = answer.get_mut("value").map(Value::take).unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(value);
    }
    let error = value.get("error").and_then(Value::as_str).unwrap_or("unknown error").to_owned();
    let message =
        value.get("message").and_then(Value::as_str).unwrap_or_default().lines().next().unwrap_or_default().to_owned();
    Err(BrowserError::WebDriver { command: what.to_owned(), error, message })
}

fn protocol(command: &str, message: impl fmt::Display) -> BrowserError {
    BrowserError::Protocol { command: command.to_owned(), message: message.to_string() }
}

/// A headless Chromium driven by a private chromedriver.
pub struct Browser {
    session: Session,
    session_id: String,
    driver: Child,
    port: u16,
    /// Names screenshots of failed steps; taken from the test's thread name.
    test_name: String,
    /// Whether there is no session to end: before it is created and after it has ended.
    ended: bool,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a headless Chromium session.
    ///
    /// Looks for `/usr/bin/chromium` and `/usr/bin/chromedriver` unless `CHAINWARD_CHROMIUM`
    /// or `CHAINWARD_CHROMEDRIVER` say otherwise.
    pub async fn start() -> Result<Browser, BrowserError> {
        let chromium = program_path("chromium", "CHAINWARD_CHROMIUM", "/usr/bin/chromium")?;
        let chromedriver = program_path("chromedriver", "CHAINWARD_CHROMEDRIVER", "/usr/bin/chromedriver")?;
        let test_name = current_test_name();
        let port = free_port()?;

        let log_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-logs");
        std::fs::create_dir_all(&log_dir).map_err(|source| io_error(&log_dir, "create", source))?;
        let log = log_dir.join(format!("{test_name}-chromedriver.log"));
        let log_file = File::create(&log).map_err(|source| io_error(&log, "create", source))?;
        let log_file_for_stderr = log_file.try_clone().map_err(|source| io_error(&log, "open", source))?;
        // No proxy: the environment's proxy settings must not catch loopback requests.
        let http = Client::builder().no_proxy().timeout(COMMAND_TIMEOUT).build().map_err(|error| {
            BrowserError::Start { message: format!("cannot build an HTTP client: {error}"), log: log.clone() }
        })?;
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_file_for_stderr)
            .spawn()
            .map_err(|error| BrowserError::Start {
                message: format!("cannot run {}: {error}", chromedriver.display()),
                log: log.clone(),
            })?;

        let driver_url = format!("http://127.0.0.1:{port}");
        // From here on the guard kills chromedriver if anything fails.
        let mut browser = Browser {
            session: Session { http: http.clone(), url: String::new() },
            session_id: String::new(),
            driver,
            port,
            test_name,
            ended: true,
        };
        browser.wait_until_ready(&driver_url, &log).await?;

        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--window-size=1280,900",
                            // Tests only talk to loopback servers; a proxy from the
                            // environment must not get in the way.
                            "--no-proxy-server",
                        ],
                    },
                },
            },
        });
        let created = send(&http, Method::POST, &format!("{driver_url}/session"), Some(capabilities), "new session")
            .await
            .map_err(|error| BrowserError::Start { message: error.to_string(), log: log.clone() })?;
        let session_id = created
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| BrowserError::Start { message: "the new session has no id".to_owned(), log: log.clone() })?;
        browser.session.url = format!("{driver_url}/session/{session_id}");
        browser.session_id = session_id.to_owned();
        browser.ended = false;
        Ok(browser)
    }

    /// Polls chromedriver's `/status` until it says it is ready.
    async fn wait_until_ready(&mut self, driver_url: &str, log: &Path) -> Result<(), BrowserError> {
        let started = Instant::now();
        let status_url = format!("{driver_url}/status");
        loop {
            if let Ok(Some(exit)) = self.driver.try_wait() {
                return Err(BrowserError::Start {
                    message: format!("chromedriver exited at start-up with {exit}"),
                    log: log.to_owned(),
                });
            }
            if let Ok(status) = send(&self.session.http, Method::GET, &status_url, None, "status").await
                && status.get("ready").and_then(Value::as_bool) == Some(true)
            {
                return Ok(());
            }
            if started.elapsed() > DRIVER_START_TIMEOUT {
                return Err(BrowserError::Start {
                    message: format!("chromedriver was not ready after {DRIVER_START_TIMEOUT:?}"),
                    log: log.to_owned(),
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&self, url: &str) -> Result<(), BrowserError> {
        self.session.command(Method::POST, "/url", Some(json!({ "url": url })), &format!("go to {url}")).await?;
        Ok(())
    }

    /// The URL of the current page.
    pub async fn current_url(&self) -> Result<String, BrowserError> {
        self.string(Method::GET, "/url", "read the current URL").await
    }

    /// The title of the current page.
    pub async fn title(&self) -> Result<String, BrowserError> {
        self.string(Method::GET, "/title", "read the title").await
    }

    /// The HTML of the current page, as the browser sees it now.
    pub async fn page_source(&self) -> Result<String, BrowserError> {
        self.string(Method::GET, "/source", "read the page source").await
    }

    /// The first element matching the CSS `selector`, waiting up to 5 s for it to appear.
    pub async fn find(&self, selector: &str) -> Result<Element, BrowserError> {
        self.wait_for(selector, "").await
    }

    /// The first element matching the CSS `selector` whose text contains `needle`,
    /// waiting up to 5 s for it to appear: for pages that change after loading.
    pub async fn find_with_text(&self, selector: &str, needle: &str) -> Result<Element, BrowserError> {
        self.wait_for(selector, needle).await
    }

    async fn wait_for(&self, selector: &str, needle: &str) -> Result<Element, BrowserError> {
        let started = Instant::now();
        loop {
            for element in self.session.find_elements(selector).await? {
                // The page may replace the element between finding and reading it.
                if needle.is_empty() || element.text().await.is_ok_and(|text| text.contains(needle)) {
                    return Ok(element);
                }
            }
            if started.elapsed() > FIND_TIMEOUT {
                return Err(BrowserError::NotFound {
                    selector: selector.to_owned(),
                    needle: needle.to_owned(),
                    waited: FIND_TIMEOUT,
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// All elements matching the CSS `selector` now, in document order; no waiting.
    pub async fn find_all(&self, selector: &str) -> Result<Vec<Element>, BrowserError> {
        self.session.find_elements(selector).await
    }

    /// Whether any element matches the CSS `selector` now; no waiting.
    pub async fn exists(&self, selector: &str) -> Result<bool, BrowserError> {
        Ok(!self.session.find_elements(selector).await?.is_empty())
    }

    /// A PNG screenshot of the viewport.
    pub async fn screenshot_png(&self) -> Result<Vec<u8>, BrowserError> {
        let encoded = self.string(Method::GET, "/screenshot", "take a screenshot").await?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|error| protocol("take a screenshot", format!("the screenshot is not base64: {error}")))
    }

    /// Goes back one page in the history.
    pub async fn back(&self) -> Result<(), BrowserError> {
        self.session.command(Method::POST, "/back", Some(json!({})), "go back").await?;
        Ok(())
    }

    /// The cookies visible to the current page.
    pub async fn cookies(&self) -> Result<Vec<Cookie>, BrowserError> {
        let value = self.session.command(Method::GET, "/cookie", None, "read cookies").await?;
        serde_json::from_value(value).map_err(|error| protocol("read cookies", error))
    }

    /// Deletes the cookies of the current page's domain, for example to log out.
    pub async fn delete_all_cookies(&self) -> Result<(), BrowserError> {
        self.session.command(Method::DELETE, "/cookie", None, "delete cookies").await?;
        Ok(())
    }

    /// Runs one named step of a journey. When it fails, a screenshot of the page goes to
    /// `$CARGO_TARGET_TMPDIR/browser-failures/<test>-<step>.png` and the error names the
    /// step and the screenshot.
    pub async fn step<T>(
        &self,
        name: &str,
        body: impl AsyncFnOnce(&Browser) -> Result<T, BrowserError>,
    ) -> Result<T, BrowserError> {
        match body(self).await {
            Ok(value) => Ok(value),
            Err(error) => {
                let screenshot = match self.save_failure_screenshot(name).await {
                    Ok(path) => path.display().to_string(),
                    Err(screenshot_error) => format!("none, {screenshot_error}"),
                };
                Err(BrowserError::Step { step: name.to_owned(), screenshot, source: Box::new(error) })
            }
        }
    }

    async fn save_failure_screenshot(&self, step: &str) -> Result<PathBuf, BrowserError> {
        let png = self.screenshot_png().await?;
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-failures");
        std::fs::create_dir_all(&dir).map_err(|source| io_error(&dir, "create", source))?;
        let path = dir.join(format!("{}-{}.png", self.test_name, file_name_part(step)));
        std::fs::write(&path, png).map_err(|source| io_error(&path, "write", source))?;
        Ok(path)
    }

    /// The process id of this browser's chromedriver, to check that it is gone afterwards.
    pub fn driver_process_id(&self) -> u32 {
        self.driver.id()
    }

    /// Ends the session and stops chromedriver, reporting what went wrong. Returns once
    /// chromedriver has exited, which it does after Chromium has.
    pub async fn quit(mut self) -> Result<(), BrowserError> {
        self.ended = true;
        let ended = self.session.command(Method::DELETE, "", None, "end the session").await;
        let shutdown_url = format!("http://127.0.0.1:{}/shutdown", self.port);
        // chromedriver may close the connection without answering; waiting for it to exit
        // below is what counts.
        let _ = self.session.http.get(shutdown_url).send().await;
        let started = Instant::now();
        while !self.driver_exited() && started.elapsed() < DRIVER_STOP_TIMEOUT {
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        self.kill_driver();
        ended.map(drop)
    }

    async fn string(&self, method: Method, path: &str, what: &str) -> Result<String, BrowserError> {
        let value = self.session.command(method, path, None, what).await?;
        match value {
            Value::String(text) => Ok(text),
            other => Err(protocol(what, format!("expected a string, got {other}"))),
        }
    }

    fn driver_exited(&mut self) -> bool {
        !matches!(self.driver.try_wait(), Ok(None))
    }

    fn kill_driver(&mut self) {
        // chromedriver may already be gone; there is nothing more to do then.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    /// Ends the session and stops chromedriver without async: `Drop` may run while a test
    /// unwinds, where nothing can be awaited. chromedriver closes Chromium when the
    /// session ends and exits after it on `/shutdown`, so no browser process is orphaned.
    fn stop_blocking(&mut self) {
        if !self.ended {
            self.ended = true;
            blocking_request(self.port, "DELETE", &format!("/session/{}", self.session_id));
        }
        blocking_request(self.port, "GET", "/shutdown");
        let started = Instant::now();
        while !self.driver_exited() && started.elapsed() < DRIVER_STOP_TIMEOUT {
            std::thread::sleep(POLL_INTERVAL);
        }
        self.kill_driver();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.stop_blocking();
    }
}

/// Sends one bodyless request to chromedriver and reads the answer, ignoring failures.
fn blocking_request(port: u16, method: &str, path: &str) {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else { return };
    let _ = stream.set_read_timeout(Some(DRIVER_STOP_TIMEOUT));
    let request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_ok() {
        read_http_response(&mut stream);
    }
}

/// An element of the current page, found by a CSS selector.
pub struct Element {
    session: Session,
    id: String,
    selector: String,
}

impl Element {
    /// Clicks the element, for example a submit button or a link.
    pub async fn click(&self) -> Result<(), BrowserError> {
        self.command(Method::POST, "/click", Some(json!({})), "click").await?;
        Ok(())
    }

    /// Types `text` into the element. For `<input type=file>`, `text` is the absolute path
    /// of the file to upload.
    pub async fn send_keys(&self, text: &str) -> Result<(), BrowserError> {
        self.command(Method::POST, "/value", Some(json!({ "text": text })), "type into").await?;
        Ok(())
    }

    /// Empties an input or text area.
    pub async fn clear(&self) -> Result<(), BrowserError> {
        self.command(Method::POST, "/clear", Some(json!({})), "clear").await?;
        Ok(())
    }

    /// The element's visible text.
    pub async fn text(&self) -> Result<String, BrowserError> {
        let value = self.command(Method::GET, "/text", None, "read the text of").await?;
        value.as_str().map(str::to_owned).ok_or_else(|| protocol(&self.describe("read the text of"), "not a string"))
    }

    /// The current value of an input, select or text area (what the user typed, not the
    /// `value` attribute of the HTML).
    pub async fn value(&self) -> Result<String, BrowserError> {
        let value = self.command(Method::GET, "/property/value", None, "read the value of").await?;
        value.as_str().map(str::to_owned).ok_or_else(|| protocol(&self.describe("read the value of"), "not a string"))
    }

    /// The HTML attribute `name` as written in the page, or `None` when the element has none.
    pub async fn attr(&self, name: &str) -> Result<Option<String>, BrowserError> {
        let what = format!("read attribute `{name}` of");
        let value = self.command(Method::GET, &format!("/attribute/{name}"), None, &what).await?;
        Ok(value.as_str().map(str::to_owned))
    }

    async fn command(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        what: &str,
    ) -> Result<Value, BrowserError> {
        let path = format!("/element/{}{path}", self.id);
        self.session.command(method, &path, body, &self.describe(what)).await
    }

    fn describe(&self, what: &str) -> String {
        format!("{what} `{}`", self.selector)
    }
}

/// Reads one HTTP response to its end; chromedriver keeps the connection open after it.
fn read_http_response(stream: &mut TcpStream) {
    let mut response = Vec::new();
    let mut chunk = [0_u8; 4096];
    while let Ok(n_read) = stream.read(&mut chunk) {
        if n_read == 0 {
            return;
        }
        response.extend_from_slice(chunk.get(..n_read).unwrap_or_default());
        let text = String::from_utf8_lossy(&response);
        let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
        let content_length = head
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok());
        if content_length.is_none_or(|length| body.len() >= length) {
            return;
        }
    }
}

/// The program's path from `env_var`, or `default`; an error that says how to install the
/// browser when it is missing.
fn program_path(program: &'static str, env_var: &'static str, default: &str) -> Result<PathBuf, BrowserError> {
    let path = std::env::var_os(env_var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if path.is_file() { Ok(path) } else { Err(BrowserError::Missing { program, path, env_var }) }
}

/// A loopback port that was free a moment ago. Another process may take it before
/// chromedriver does; start-up then fails with chromedriver's log, which says so.
fn free_port() -> Result<u16, BrowserError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|source| BrowserError::Io { context: "find a free port".to_owned(), source })?;
    let port =
        listener.local_addr().map_err(|source| BrowserError::Io { context: "find a free port".to_owned(), source })?;
    Ok(port.port())
}

/// The running test's name: libtest names each test's thread after the test, and
/// `#[tokio::test]` runs the test on that thread.
fn current_test_name() -> String {
    let thread = std::thread::current();
    let name = thread.name().and_then(|name| name.rsplit("::").next()).unwrap_or("browser");
    if name == "main" { "browser".to_owned() } else { file_name_part(name) }
}

/// `text` made safe for a file name: ASCII letters and digits, other runs become `-`.
fn file_name_part(text: &str) -> String {
    let mut part = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_ascii_alphanumeric() || character == '_' {
            part.push(character.to_ascii_lowercase());
        } else if !part.ends_with('-') {
            part.push('-');
        }
    }
    part.trim_matches('-').to_owned()
}

fn io_error(path: &Path, action: &str, source: std::io::Error) -> BrowserError {
    BrowserError::Io { context: format!("cannot {action} {}", path.display()), source }
}
