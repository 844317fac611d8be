//! The registry pages (dashboard, suppliers, offerings, services) end to end: every page
//! renders for the roles that may see it, forms that fail come back with the user's input
//! and the failure beside the field (422), forms that work redirect with a notice, and a
//! supplier's staff see only their own company.

use reqwest::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};

use crate::TestResult;
use crate::access::{World, database};

const ADMIN: usize = 0;
const AUDITOR: usize = 3;
const SUPPLIER: usize = 4;

async fn page(world: &World, role: usize, path: &str) -> Result<(StatusCode, String), Box<dyn std::error::Error>> {
    let response = world.ui(role, Method::GET, path).send().await?;
    Ok((response.status(), response.text().await?))
}

fn flash(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("chainward_flash="))
        .unwrap_or("")
        .to_owned()
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

#[tokio::test]
async fn every_registry_page_renders_for_staff() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let world = World::start(store).await?;
    let (own, own_offering, _) = world.own;
    let service = world.service;
    for path in [
        "/".to_owned(),
        "/suppliers".to_owned(),
        "/suppliers?q=own&kind=software-vendor&status=active&tier=2&country=de".to_owned(),
        "/suppliers/new".to_owned(),
        format!("/suppliers/{own}"),
        format!("/suppliers/{own}/edit"),
        "/offerings".to_owned(),
        format!("/offerings?supplier={own}&kind=software"),
        format!("/offerings/{own_offering}"),
        "/services".to_owned(),
        "/services?criticality=1".to_owned(),
        "/services/new".to_owned(),
        format!("/services/{service}"),
    ] {
        let (status, body) = page(&world, ADMIN, &path).await?;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body.contains("</html>"), "{path}: {body}");
    }
    let (_, dashboard) = page(&world, ADMIN, "/").await?;
    assert!(dashboard.contains("Single points of failure") && dashboard.contains("Own Product"), "{dashboard}");
    let (_, supplier) = page(&world, AUDITOR, &format!("/suppliers/{own}")).await?;
    assert!(supplier.contains("Other Co") && supplier.contains("chain.svg") && supplier.contains("Payments"));
    assert!(!supplier.contains("Add a subcontractor") && !supplier.contains("Delete supplier"), "auditors only read");
    for path in [format!("/suppliers/{own}/chain.svg"), format!("/services/{service}/dependencies.svg")] {
        let response = world.ui(ADMIN, Method::GET, &path).send().await?;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let kind = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(kind.starts_with("image/svg+xml"), "{path}: {kind}");
        assert!(response.text().await?.contains("<svg"), "{path}");
    }
    for (path, status) in [
        ("/suppliers?tier=9".to_owned(), StatusCode::BAD_REQUEST),
        ("/suppliers/not-an-id".to_owned(), StatusCode::NOT_FOUND),
        (format!("/suppliers/{}", uuid::Uuid::now_v7()), StatusCode::NOT_FOUND),
        (format!("/offerings/{}", uuid::Uuid::now_v7()), StatusCode::NOT_FOUND),
        (format!("/services/{}/dependencies.svg", uuid::Uuid::now_v7()), StatusCode::NOT_FOUND),
    ] {
        assert_eq!(page(&world, ADMIN, &path).await?.0, status, "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn supplier_staff_see_only_their_company_and_its_profile_form() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let world = World::start(store).await?;
    let (own, _, _) = world.own;
    let (other, other_offering, _) = world.other;
    let response = world.ui(SUPPLIER, Method::GET, "/").send().await?;
    assert_eq!((response.status(), location(&response)), (StatusCode::SEE_OTHER, format!("/suppliers/{own}")));
    let (status, list) = page(&world, SUPPLIER, "/suppliers").await?;
    assert!(status == StatusCode::OK && list.contains("Own Co") && !list.contains("Other Co"), "{list}");
    let (_, mine) = page(&world, SUPPLIER, &format!("/suppliers/{own}")).await?;
    assert!(!mine.contains("Other Co") && !mine.contains("chain.svg") && !mine.contains("Payments"), "{mine}");
    assert_eq!(page(&world, SUPPLIER, &format!("/suppliers/{other}")).await?.0, StatusCode::NOT_FOUND);
    assert_eq!(page(&world, SUPPLIER, &format!("/offerings/{other_offering}")).await?.0, StatusCode::NOT_FOUND);
    let (_, form) = page(&world, SUPPLIER, &format!("/suppliers/{own}/edit")).await?;
    assert!(form.contains("name=\"website\"") && !form.contains("name=\"tier\""), "{form}");
    for legal in ["lei", "duns", "vat", "other_id"] {
        assert!(!form.contains(&format!("name=\"{legal}\"")), "the profile form offers {legal}: {form}");
    }
    let before = world.store.get_supplier(own).await?.data.legal_ids;
    let saved = world
        .post_form(
            SUPPLIER,
            &format!("/suppliers/{own}"),
            &[("website", "https://own.example"), ("tier", "4"), ("vat", "DE999999999"), ("other_id", "HRB 9")],
        )
        .await?;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = world.store.get_supplier(own).await?;
    assert_eq!(stored.data.website.as_deref(), Some("https://own.example"));
    assert_eq!(stored.data.tier.get(), 2, "a supplier's staff cannot change our assessment");
    assert_eq!(stored.data.legal_ids, before, "a supplier's staff changed the legal identifiers");
    Ok(())
}

#[tokio::test]
async fn supplier_forms_keep_the_input_and_say_what_is_wrong() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let world = World::start(store).await?;
    let form = [
        ("name", "<b>Acme</b> & Co"),
        ("kind", "hosting"),
        ("tier", "1"),
        ("status", "active"),
        ("data_access", "confidential"),
        ("country", "Germany"),
        ("lei", "nonsense"),
        ("security_contact_email", "not-an-address"),
    ];
    let failed = world.post_form(ADMIN, "/suppliers", &form).await?;
    assert_eq!(failed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = failed.text().await?;
    assert!(
        body.contains("value=\"&#60;b&#62;Acme&#60;/b&#62; &#38; Co\"") || body.contains("&lt;b&gt;Acme"),
        "{body}"
    );
    assert!(!body.contains("<b>Acme</b>"), "typed text is escaped");
    for id in ["country-error", "lei-error", "security_contact_email-error"] {
        assert!(body.contains(id), "{id}: {body}");
    }
    let mut good = form.to_vec();
    good.retain(|(k, _)| !matches!(*k, "country" | "lei" | "security_contact_email"));
    good.extend([("country", "de"), ("owner_area", "security"), ("owner_role", "accountable")]);
    good.extend([("owner_person", "Ann"), ("owner_email", "ann@example.org")]);
    let created = world.post_form(ADMIN, "/suppliers", &good).await?;
    assert_eq!(created.status(), StatusCode::SEE_OTHER, "{:?}", created.text().await);
    assert!(flash(&created).contains("created"), "{}", flash(&created));
    let at = location(&created);
    let (_, shown) = page(&world, ADMIN, &at).await?;
    assert!(shown.contains("Ann") && shown.contains("DE") && !shown.contains("<b>Acme"), "{shown}");
    let again = world.post_form(ADMIN, "/suppliers", &good).await?;
    assert_eq!(again.status(), StatusCode::CONFLICT, "a taken name is a conflict shown on the form");

    // Subcontracting by name, then removing the link.
    let id = at.trim_start_matches("/suppliers/");
    let linked = world
        .post_form(ADMIN, &format!("{at}/subcontractors"), &[("subcontractor", "own co"), ("scope", "racks")])
        .await?;
    assert!(flash(&linked).contains("subcontractor") && !flash(&linked).contains("%21"), "{}", flash(&linked));
    let unknown = world.post_form(ADMIN, &format!("{at}/subcontractors"), &[("subcontractor", "Nobody")]).await?;
    assert!(flash(&unknown).contains("%21"), "an error notice: {}", flash(&unknown));
    let link = world.store.list_subcontracts(Some(id.parse()?)).await?;
    let link = link.first().ok_or("the link was not made")?;
    let removed = world.post_form(ADMIN, &format!("/subcontracts/{}/delete", link.id), &[("back", id)]).await?;
    assert_eq!(location(&removed), format!("/suppliers/{id}#subcontractors"));
    let deleted = world.post_form(ADMIN, &format!("{at}/delete"), &[]).await?;
    assert_eq!((deleted.status(), location(&deleted)), (StatusCode::SEE_OTHER, "/suppliers".to_owned()));
    Ok(())
}

#[tokio::test]
async fn offerings_releases_and_services_round_trip_through_their_forms() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let world = World::start(store).await?;
    let (own, _, _) = world.own;
    let own_s = own.to_string();
    let bad = world.post_form(ADMIN, "/offerings", &[("supplier", &own_s), ("name", ""), ("kind", "software")]).await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await?.contains("name-error"));
    let made = world
        .post_form(ADMIN, "/offerings", &[("supplier", &own_s), ("name", "Own Cloud"), ("kind", "cloud-service")])
        .await?;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let at = location(&made);
    let release =
        world.post_form(ADMIN, &format!("{at}/releases"), &[("version", "2.1"), ("released_on", "2024-05-31")]).await?;
    assert!(!flash(&release).contains("%21"), "{}", flash(&release));
    let bad_date =
        world.post_form(ADMIN, &format!("{at}/releases"), &[("version", "2.2"), ("released_on", "31/05/2024")]).await?;
    assert!(flash(&bad_date).contains("%21"), "{}", flash(&bad_date));
    let (_, shown) = page(&world, ADMIN, &at).await?;
    assert!(shown.contains("2.1") && shown.contains("2024-05-31"), "{shown}");
    let renamed = world.post_form(ADMIN, &at, &[("name", "Own Cloud 2"), ("kind", "hosting")]).await?;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);

    let unknown = world
        .post_form(
            ADMIN,
            "/services",
            &[("name", "Shop"), ("criticality", "2"), ("uses", "Own Cloud 2\nNo Such Thing")],
        )
        .await?;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = unknown.text().await?;
    assert!(body.contains("line 2") && body.contains("No Such Thing"), "{body}");
    let service = world
        .post_form(
            ADMIN,
            "/services",
            &[
                ("name", "Shop"),
                ("criticality", "2"),
                ("rto_hours", "8"),
                ("uses", "Own Cloud 2 | checkout | Other Product"),
            ],
        )
        .await?;
    assert_eq!(service.status(), StatusCode::SEE_OTHER, "{:?}", service.text().await);
    let (_, shown) = page(&world, ADMIN, &location(&service)).await?;
    assert!(shown.contains("Own Cloud 2") && shown.contains("checkout") && shown.contains("Other Product"), "{shown}");
    let gone = world.post_form(ADMIN, &format!("{}/delete", location(&service)), &[]).await?;
    assert_eq!(location(&gone), "/services");
    let gone = world.post_form(ADMIN, &format!("{at}/delete"), &[]).await?;
    assert_eq!(location(&gone), format!("/suppliers/{own}#offerings"));
    Ok(())
}
