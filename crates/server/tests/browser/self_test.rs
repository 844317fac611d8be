//! Tests of the WebDriver client itself against a tiny form server started in the test:
//! fill a form, upload a file, read the result, and check that a failed step leaves a
//! screenshot and that no chromedriver outlives its browser.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};

use super::webdriver::{Browser, BrowserError, ensure};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FORM_PAGE: &str = r#"<!doctype html>
<html><head><title>Upload form</title></head>
<body>
  <form method="post" action="/submit" enctype="multipart/form-data">
    <label>Name <input id="name" name="name" type="text"></label>
    <label>File <input id="file" name="file" type="file"></label>
    <button type="submit">Send</button>
  </form>
</body></html>"#;

#[tokio::test]
async fn webdriver_drives_real_chromium() -> TestResult {
    let base = start_form_server().await?;
    let upload = write_upload("parts.csv", "purl,version\npkg:cargo/serde,1.0.0\n")?;
    let browser = Browser::start().await?;

    browser.goto(&format!("{base}/")).await?;
    assert_eq!(browser.title().await?, "Upload form");
    let cookies = browser.cookies().await?;
    let [cookie] = cookies.as_slice() else { panic!("expected one cookie: {cookies:?}") };
    assert_eq!((cookie.name.as_str(), cookie.value.as_str()), ("visitor", "ada"));
    assert_eq!((cookie.path.as_deref(), cookie.domain.as_deref()), (Some("/"), Some("127.0.0.1")));
    assert_eq!((cookie.http_only, cookie.secure, cookie.same_site.as_deref()), (false, false, Some("Lax")));

    let result = browser
        .step("fill and submit the form", async |b| {
            let name = b.find("#name").await?;
            name.send_keys("typo").await?;
            name.clear().await?;
            name.send_keys("Ada Lovelace").await?;
            let typed = name.value().await?;
            ensure(typed == "Ada Lovelace", format!("the name field holds {typed:?}"))?;
            ensure(name.attr("type").await?.as_deref() == Some("text"), "the name field is not a text input")?;
            b.find("#file").await?.send_keys(&upload.display().to_string()).await?;
            b.find("button[type=submit]").await?.click().await?;
            b.find_with_text("#result", "Ada").await?.text().await
        })
        .await?;
    assert_eq!(result, "name=Ada Lovelace; file=parts.csv; 2 lines");
    assert!(browser.current_url().await?.ends_with("/submit"));
    assert!(browser.page_source().await?.contains("pkg:cargo/serde,1.0.0"));
    let lines = browser.find_all("li").await?;
    assert_eq!(lines.len(), 2);
    let mut texts = Vec::new();
    for line in &lines {
        texts.push(line.text().await?);
    }
    assert_eq!(texts, ["purl,version", "pkg:cargo/serde,1.0.0"]);

    assert_eq!(lines[0].attr("no-such-attribute").await?, None);
    // An invalid selector fails at once, without waiting, and names the selector.
    let error = browser.find("[[bad").await.err().ok_or("an invalid selector was accepted")?;
    assert!(error.to_string().starts_with("find `[[bad` failed: invalid selector"), "{error}");

    browser.back().await?;
    assert_eq!(browser.current_url().await?, format!("{base}/"));
    assert!(browser.exists("#name").await?);
    assert!(!browser.exists("#result").await?);
    browser.delete_all_cookies().await?;
    assert!(browser.cookies().await?.is_empty());

    let error = browser
        .step("expect a banner", async |b| ensure(b.exists("#banner").await?, "the form page has no banner"))
        .await
        .expect_err("the step must fail");
    let message = error.to_string();
    assert!(message.starts_with("step `expect a banner` failed: the form page has no banner"), "{message}");
    let BrowserError::Step { screenshot, .. } = error else { panic!("not a step error: {message}") };
    assert!(screenshot.ends_with("browser-failures/webdriver_drives_real_chromium-expect-a-banner.png"), "{message}");
    let png = std::fs::read(&screenshot)?;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{screenshot} is not a PNG");
    // A live screenshot decodes the same way.
    assert!(browser.screenshot_png().await?.starts_with(b"\x89PNG"));

    let driver = browser.driver_process_id();
    browser.quit().await?;
    assert!(!process_is_running(driver), "chromedriver {driver} outlived quit");
    Ok(())
}

#[tokio::test]
async fn dropping_the_browser_stops_chromedriver() -> TestResult {
    let base = start_form_server().await?;
    let browser = Browser::start().await?;
    browser.goto(&format!("{base}/")).await?;
    let driver = browser.driver_process_id();
    drop(browser);
    assert!(!process_is_running(driver), "chromedriver {driver} outlived drop");
    Ok(())
}

/// Serves the form at `/` and echoes a submission at `/submit`; returns the base URL.
async fn start_form_server() -> Result<String, std::io::Error> {
    let router = Router::new().route("/", get(form_page)).route("/submit", post(result_page));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{address}"))
}

async fn form_page() -> impl IntoResponse {
    ([(SET_COOKIE, "visitor=ada; Path=/; SameSite=Lax")], Html(FORM_PAGE))
}

/// Summarises a multipart submission: the name, the file's name and its lines.
async fn result_page(headers: HeaderMap, body: Bytes) -> Html<String> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let body = String::from_utf8_lossy(&body);
    let fields = multipart_fields(content_type, &body);
    let name = fields.iter().find(|field| field.name == "name").map_or("", |field| field.content);
    let file = fields.iter().find(|field| field.name == "file");
    let file_name = file.and_then(|field| field.file_name).unwrap_or_default();
    let lines: Vec<&str> = file.map(|field| field.content.lines().collect()).unwrap_or_default();
    let items: String = lines.iter().map(|line| format!("<li>{}</li>", escape(line))).collect();
    Html(format!(
        "<!doctype html><title>Result</title><h1 id=\"result\">name={}; file={}; {} lines</h1><ul>{items}</ul>",
        escape(name),
        escape(file_name),
        lines.len()
    ))
}

struct Field<'a> {
    name: &'a str,
    file_name: Option<&'a str>,
    content: &'a str,
}

/// A minimal multipart/form-data reader, enough for what Chromium sends for this form.
fn multipart_fields<'a>(content_type: &str, body: &'a str) -> Vec<Field<'a>> {
    let Some((_, boundary)) = content_type.split_once("boundary=") else { return Vec::new() };
    let delimiter = format!("--{boundary}");
    body.split(delimiter.as_str())
        .filter_map(|part| {
            let (head, content) = part.split_once("\r\n\r\n")?;
            Some(Field {
                name: between(head, "; name=\"", "\"")?,
                file_name: between(head, "; filename=\"", "\""),
                content: content.strip_suffix("\r\n").unwrap_or(content),
            })
        })
        .collect()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(start)?;
    rest.split_once(end).map(|(inside, _)| inside)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Writes a file to upload; the browser needs an absolute path.
fn write_upload(name: &str, content: &str) -> Result<PathBuf, std::io::Error> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-self-test");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, content)?;
    Ok(path)
}

/// Whether a process with this id still exists (Linux).
fn process_is_running(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}
