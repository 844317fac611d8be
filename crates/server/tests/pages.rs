//! The import, audit, account and admin pages over HTTP, with hostile input: upload names
//! that climb directories, oversized uploads, bad rows, forms without their CSRF token,
//! markup in names; and the audit export re-verified offline.

// Test scaffolding indexes its own fixture tables.
#![allow(clippy::indexing_slicing)]

use chainward_core::audit::{AuditEntry, verify_chain};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

use crate::access::{World, database, login};
use crate::{Harness, TestResult};

const ADMIN: usize = 0;
const ANALYST: usize = 1;
const PROCUREMENT: usize = 2;
const SUPPLIER: usize = 4;

fn upload(w: &World, r: usize, files: Vec<(&str, Vec<u8>)>, mode: &str) -> reqwest::RequestBuilder {
    let (_, csrf) = &w.sessions[r];
    let mut form = Form::new().text("_csrf", csrf.clone());
    for (name, bytes) in files {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    form = form.text("mode", mode.to_owned());
    w.ui(r, Method::POST, "/import").multipart(form)
}

#[tokio::test]
async fn csv_upload_neutralises_names_refuses_oversize_and_reports_bad_rows() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let config =
        chainward_server::ServerConfig { max_upload_bytes: 1 << 20, ..chainward_server::ServerConfig::default() };
    let w = World::start_with(store, config).await?;
    let good =
        b"name,kind,tier,status\nImported One,hosting,2,active\nImported Two,software-vendor,3,prospect\n".to_vec();

    // A name that climbs directories is shown as its last part only, and a dry run writes nothing.
    let r = upload(&w, ANALYST, vec![("../../etc/suppliers.csv", good.clone())], "dry-run").send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await?;
    assert!(body.contains("suppliers.csv") && !body.contains("../"), "{body}");
    assert!(w.store.find_supplier("Imported One").await.is_err(), "a dry run wrote");

    let r = upload(&w, ANALYST, vec![("suppliers.csv", good.clone())], "all-or-nothing").send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(w.store.find_supplier("Imported Two").await.is_ok());

    // One bad row: all-or-nothing writes nothing and names the row; skip-bad writes the rest.
    let bad = b"name,kind,tier,status\nBad One,nonsense,2,active\nGood Three,hosting,2,active\n".to_vec();
    let r = upload(&w, ANALYST, vec![("s.csv", bad.clone())], "all-or-nothing").send().await?;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await?;
    assert!(body.contains("nonsense") && body.contains("s.csv"), "the report does not name the bad value: {body}");
    assert!(w.store.find_supplier("Good Three").await.is_err(), "all-or-nothing wrote a row");
    let r = upload(&w, ANALYST, vec![("s.csv", bad)], "skip-bad").send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(w.store.find_supplier("Good Three").await.is_ok());

    // Over the upload limit: 413, nothing written (the connection may also be cut early).
    let mut big = b"name,kind,tier\n".to_vec();
    while big.len() < 2 << 20 {
        big.extend_from_slice(b"Huge Supplier Row,hosting,2\n");
    }
    match upload(&w, ANALYST, vec![("big.csv", big)], "all-or-nothing").send().await {
        Ok(r) => assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(e) => assert!(e.is_request() || e.is_body(), "unexpected failure: {e}"),
    }
    assert!(w.store.find_supplier("Huge Supplier Row").await.is_err());

    // The CSRF token must come first; a file before it is refused.
    let form =
        Form::new().part("file", Part::bytes(good).file_name("x.csv")).text("_csrf", w.sessions[ANALYST].1.clone());
    let r = w.ui(ANALYST, Method::POST, "/import").multipart(form).send().await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    w.stop().await
}

#[tokio::test]
async fn the_audit_page_verifies_and_the_export_re_verifies_offline() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let r = w.ui(ADMIN, Method::GET, "/audit?verify=1").send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await?.contains("The chain is intact"));
    let r = w.ui(ADMIN, Method::GET, "/audit/export?format=jsonl").send().await?;
    assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"chainward-audit.jsonl\"");
    let text = r.text().await?;
    let entries: Vec<AuditEntry> = text.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    assert!(entries.len() > 10, "{} entries", entries.len());
    assert!(verify_chain(&entries, None).intact());
    // The export carries no secrets.
    for (cookie, csrf) in &w.sessions {
        assert!(!text.contains(cookie.as_str()) && !text.contains(csrf.as_str()));
    }
    assert!(!text.contains("argon2"), "a password hash is in the audit log");
    let r = w.ui(ADMIN, Method::GET, "/audit/export?format=csv").send().await?;
    assert!(r.text().await?.starts_with("seq,at,actor"));
    w.stop().await
}

#[tokio::test]
async fn a_supplier_user_manages_its_own_password_and_tokens() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let r = w.ui(SUPPLIER, Method::GET, "/account").send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await?.contains("Own Co"));
    let r = w
        .post_form(SUPPLIER, "/account/tokens", &[("name", "my script"), ("role", "supplier"), ("expires", "30")])
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await?;
    let secret = body
        .split("class=\"secret\"")
        .nth(1)
        .and_then(|t| t.split('>').nth(1))
        .and_then(|t| t.split('<').next())
        .unwrap_or("")
        .trim()
        .to_owned();
    assert!(secret.starts_with("cw_"), "no secret shown: {body}");
    let api = crate::client_with(&secret)?;
    let me: serde_json::Value = api.get(w.url("/api/v1/me")).send().await?.json().await?;
    assert_eq!(me["supplier"], w.own.0.to_string(), "{me}");
    // A supplier's user cannot mint a token of another role.
    let r = w.post_form(SUPPLIER, "/account/tokens", &[("name", "x"), ("role", "auditor"), ("expires", "30")]).await?;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Password change: the current password is checked.
    let new = [("new_password", "another sound passphrase"), ("new_password_again", "another sound passphrase")];
    let mut wrong = vec![("current_password", "wrong")];
    wrong.extend_from_slice(&new);
    assert_eq!(w.post_form(SUPPLIER, "/account/password", &wrong).await?.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut right = vec![("current_password", "a sound test passphrase")];
    right.extend_from_slice(&new);
    assert_eq!(w.post_form(SUPPLIER, "/account/password", &right).await?.status(), StatusCode::SEE_OTHER);
    // Revoking the token stops it.
    let page = w.ui(SUPPLIER, Method::GET, "/account").send().await?.text().await?;
    let id = page.split("/account/tokens/").nth(1).and_then(|t| t.split('/').next()).unwrap_or("").to_owned();
    let r = w.post_form(SUPPLIER, &format!("/account/tokens/{id}/revoke"), &[]).await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(api.get(w.url("/api/v1/me")).send().await?.status(), StatusCode::UNAUTHORIZED);
    w.stop().await
}

#[tokio::test]
async fn admins_manage_accounts_but_never_remove_the_last_admin() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let r =
        w.post_form(ADMIN, "/admin/users", &[("username", "newbie"), ("role", "supplier"), ("generate", "on")]).await?;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a supplier account without its supplier");
    let r = w
        .post_form(
            ADMIN,
            "/admin/users",
            &[("username", "newbie"), ("display_name", "New Bie"), ("role", "analyst"), ("generate", "on")],
        )
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await?.contains("one-time password"));
    let created = w.store.credentials("newbie").await?.ok_or("newbie was not created")?;
    assert!(created.user.must_change_password);
    let r = w
        .post_form(
            ADMIN,
            "/admin/users",
            &[("username", "NEWBIE"), ("role", "analyst"), ("password", "a sound passphrase 1")],
        )
        .await?;
    assert!(r.text().await?.contains("taken"));

    let admin = w.store.credentials("admin-user").await?.ok_or("no admin")?.user.id.to_string();
    let r =
        w.post_form(ADMIN, &format!("/admin/users/{admin}"), &[("display_name", "Admin"), ("role", "analyst")]).await?;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await?.contains("last enabled admin"));

    let spare = w.spare.to_string();
    let r = w
        .post_form(
            ADMIN,
            &format!("/admin/users/{spare}"),
            &[("display_name", "Spare <b>x</b>"), ("email", "spare@example.com"), ("role", "procurement")],
        )
        .await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = w.post_form(ADMIN, &format!("/admin/users/{spare}/password"), &[]).await?;
    assert!(r.text().await?.contains("class=\"secret\""));
    assert!(w.store.get_user(w.spare).await?.must_change_password);
    let page = w.ui(ADMIN, Method::GET, "/admin/users").send().await?.text().await?;
    assert!(!page.contains("<b>x</b>") && page.contains("Spare &#60;b&#62;x&#60;/b&#62;"), "the name is not escaped");
    w.stop().await
}

#[tokio::test]
async fn search_finds_suppliers_offerings_and_services_by_name() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let page = w.ui(ANALYST, Method::GET, "/search?q=own").send().await?.text().await?;
    assert!(page.contains("Own Co") && page.contains("Own Product"), "{page}");
    assert!(!page.contains("Other Co"));
    let page = w.ui(ANALYST, Method::GET, "/search?q=pay").send().await?.text().await?;
    assert!(page.contains("Payments"), "services are searched for staff");
    let page = w.ui(SUPPLIER, Method::GET, "/search?q=pay").send().await?.text().await?;
    assert!(!page.contains("Payments") && !page.contains(">Services"), "a supplier's user searched our services");
    let page = w.ui(ANALYST, Method::GET, "/search?q=%3Cscript%3E").send().await?.text().await?;
    assert!(!page.contains("<script>") && page.contains("&#60;script&#62;"));
    w.stop().await
}

#[tokio::test]
async fn oversized_forms_are_413_and_svg_labels_are_escaped() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let huge = "x".repeat(3 << 20);
    let r = w.post_form(ADMIN, "/suppliers", &[("name", "Huge"), ("kind", "hosting"), ("description", &huge)]).await?;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(w.store.find_supplier("Huge").await.is_err());

    let evil = "<script>alert(1)</script>&\"'";
    let r = w
        .post_form(
            ADMIN,
            "/suppliers",
            &[("name", evil), ("kind", "hosting"), ("tier", "2"), ("status", "active"), ("data_access", "none")],
        )
        .await?;
    let status = r.status();
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", r.text().await?);
    let created = w.store.find_supplier(evil).await?;
    let svg = w.ui(ADMIN, Method::GET, &format!("/suppliers/{}/chain.svg", created.id)).send().await?;
    assert!(svg.headers()["content-type"].to_str()?.starts_with("image/svg+xml"));
    let text = svg.text().await?;
    assert!(text.contains("<svg") && !text.contains("<script"), "{text}");
    assert!(text.contains("&lt;script&gt;"), "the label is not escaped: {text}");
    w.stop().await
}

#[tokio::test]
async fn login_next_with_a_tab_or_backslash_goes_home() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    // Browsers drop tabs and newlines from URLs: `/\t/evil.example` would be `//evil.example`.
    let hostile = ["/%09/evil.example", "/%0D%0A/evil.example", "/%20/evil.example", "/%5Cevil.example", "//x.example"];
    for next in hostile {
        let r = w.ui(ANALYST, Method::GET, &format!("/login?next={next}")).send().await?;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
    let r = w.ui(ANALYST, Method::GET, "/login?next=/suppliers%3Fq%3Down").send().await?;
    assert_eq!(r.headers()["location"], "/suppliers?q=own");
    // The login page carries only a local `next` on to the form.
    let page = w.plain.get(w.url("/login?next=/%09/evil.example")).send().await?.text().await?;
    assert!(!page.contains("evil.example"), "{page}");
    w.stop().await
}

#[tokio::test]
async fn procurement_cannot_import_internal_services() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let suppliers = b"name,kind,tier,status\nProcured One,hosting,2,active\n".to_vec();
    let services = b"name,criticality,owner,owner_email,rto_hours,description\nShadow Service,1,,,,\n".to_vec();
    let uses = b"service,offering,purpose,alternatives\nPayments,Other Co / Other Product,,\n".to_vec();
    for (files, mode) in [
        (vec![("suppliers.csv", suppliers.clone()), ("services.csv", services.clone())], "all-or-nothing"),
        (vec![("service-uses.csv", uses.clone())], "skip-bad"),
        (vec![("services.csv", services.clone())], "dry-run"),
    ] {
        let r = upload(&w, PROCUREMENT, files, mode).send().await?;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{mode}");
        let body = r.text().await?;
        assert!(body.contains("may not import internal services") && body.contains("procurement"), "{body}");
    }
    // Nothing of the refused batches was written, not even the suppliers beside them.
    assert!(w.store.find_supplier("Procured One").await.is_err(), "a refused import wrote a supplier");
    assert!(w.store.find_service("Shadow Service").await.is_err(), "a refused import created a service");
    let payments = w.store.get_service(w.service).await?;
    assert_eq!(payments.data.uses.len(), 1, "a refused import changed a service's uses");
    // Suppliers alone are procurement's to import; services are an analyst's.
    let r = upload(&w, PROCUREMENT, vec![("suppliers.csv", suppliers)], "all-or-nothing").send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(w.store.find_supplier("Procured One").await.is_ok());
    let r = upload(&w, ANALYST, vec![("services.csv", services)], "all-or-nothing").send().await?;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await?);
    assert!(w.store.find_service("Shadow Service").await.is_ok());
    w.stop().await
}

#[tokio::test]
async fn a_failed_login_for_an_unknown_name_keeps_only_its_digest_in_the_audit_log() -> TestResult {
    use sha2::Digest;
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let base = w.server.base_url();
    // Someone typed their password into the username field.
    let typed = "Hunter2-Secret-Passphrase";
    let r = login(&w.plain, &base, typed, "whatever it is").await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let text = w.ui(ADMIN, Method::GET, "/audit/export?format=jsonl").send().await?.text().await?;
    assert!(!text.to_lowercase().contains(&typed.to_lowercase()), "the typed name is in the audit log");
    let digest = hex::encode(sha2::Sha256::digest(typed.to_lowercase().as_bytes()));
    let entry = text.lines().find(|l| l.contains("login-failed")).ok_or("no login-failed entry")?;
    assert!(entry.contains(&digest[..16]) && entry.contains("username_length"), "{entry}");
    assert!(!entry.contains(&digest[..17]), "more than 16 hex digits: {entry}");
    let csv = w.ui(ADMIN, Method::GET, "/audit/export?format=csv").send().await?.text().await?;
    assert!(!csv.to_lowercase().contains(&typed.to_lowercase()));
    w.stop().await
}

#[tokio::test]
async fn two_concurrent_setups_with_one_token_create_one_admin() -> TestResult {
    let store = chainward_store::open("sqlite::memory:").await?;
    let h = Harness::start_on(chainward_server::ServerConfig::default(), std::sync::Arc::clone(&store)).await?;
    let link = h.server.setup_url().ok_or("no set-up link on an empty registry")?;
    let token = link.split("token=").nth(1).ok_or("no token in the link")?.to_owned();
    let post = |username: &'static str| {
        let form = [
            ("token", token.clone()),
            ("username", username.to_owned()),
            ("display_name", String::new()),
            ("password", "a sound first passphrase".to_owned()),
            ("password_again", "a sound first passphrase".to_owned()),
        ];
        h.client.post(h.url("/setup")).form(&form).send()
    };
    let (a, b) = tokio::join!(post("first-a"), post("first-b"));
    let mut statuses = [a?.status(), b?.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::FORBIDDEN]);
    assert_eq!(store.count_admins().await?, 1, "the set-up link created two admins");
    // The link is closed for good after that.
    let again = post("first-c").await?;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert_eq!(store.count_admins().await?, 1);
    h.stop().await
}

#[tokio::test]
async fn static_files_are_served_without_a_session_lookup() -> TestResult {
    use chainward_core::access::Session;
    use chainward_server::auth::secret;
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let user = w.store.credentials("analyst-user").await?.ok_or("no analyst")?.user.id;
    // Sessions idle longer than the server allows: a lookup would delete them.
    let idle_session = || {
        let cookie = secret::random_hex(32);
        let now = time::OffsetDateTime::now_utc();
        let session = Session {
            id_hash: secret::digest(&cookie),
            user,
            csrf_token: secret::random_hex(32),
            created_at: now - time::Duration::hours(3),
            last_seen_at: now - time::Duration::hours(2),
            expires_at: now + time::Duration::hours(1),
        };
        (cookie, session)
    };
    let (static_cookie, session) = idle_session();
    let static_hash = session.id_hash.clone();
    w.store.create_session(session).await?;
    let (page_cookie, session) = idle_session();
    let page_hash = session.id_hash.clone();
    w.store.create_session(session).await?;
    for path in ["/static/app.css", "/static/app.js"] {
        let r = w.plain.get(w.url(path)).header("cookie", format!("chainward_session={static_cookie}")).send().await?;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let r =
        w.plain.get(w.url("/suppliers")).header("cookie", format!("chainward_session={page_cookie}")).send().await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "an idle session was accepted");
    let day = time::Duration::days(1);
    assert!(w.store.session(&page_hash, day).await?.is_none(), "a page looks the session up (and ends it)");
    assert!(w.store.session(&static_hash, day).await?.is_some(), "a static file looked the session up");
    w.stop().await
}
