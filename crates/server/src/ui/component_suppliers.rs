//! Component suppliers: the supplier names SBOM components give that match no registered
//! supplier, for review, each with a form that makes the name an alias of a registered
//! supplier (its components then link to it), and the aliases already made.

use std::collections::HashMap;

use askama::Template;
use axum::http::HeaderMap;
use axum::response::Response;
use chainward_core::model::SupplierId;
use chainward_store::{Page, StoreError, SupplierFilter};

use super::suppliers::Link;
use super::{CsrfForm, Frame, PageError, redirect_with_flash, render};
use crate::auth::{Access, Need};

/// Unmatched names listed.
const UNMATCHED_SHOWN: u64 = 500;

/// A supplier name no registered supplier matches.
#[derive(Debug, Clone)]
pub struct UnmatchedRow {
    /// The name as the SBOMs write it.
    pub name: String,
    /// Components naming it.
    pub n_components: u64,
    /// SBOM documents naming it.
    pub n_sboms: u64,
}

/// An alias.
#[derive(Debug, Clone)]
pub struct AliasRow {
    /// The alias.
    pub alias: String,
    /// The registered supplier.
    pub supplier: Link,
}

/// `GET /component-suppliers`.
#[derive(Template)]
#[template(path = "component_suppliers.html")]
pub struct ListPage {
    frame: Frame,
    unmatched: Vec<UnmatchedRow>,
    aliases: Vec<AliasRow>,
    /// Registered supplier names, offered in the alias forms.
    suppliers: Vec<String>,
    can_set: bool,
}

/// `GET /component-suppliers`: the unmatched names and the aliases.
pub async fn list(access: Access, headers: HeaderMap) -> Result<Response, PageError> {
    let store = access.store();
    let unmatched = store.unmatched_suppliers(UNMATCHED_SHOWN).await?;
    let aliases = store.list_supplier_aliases(None).await?;
    let ids: Vec<SupplierId> = aliases.iter().map(|a| a.supplier).collect();
    let names: HashMap<SupplierId, String> = store.supplier_names(&ids).await?;
    let can_set = access.can(Need::SetRequirements);
    let suppliers = if can_set {
        store
            .list_suppliers(&SupplierFilter::default(), Page::FIRST)
            .await?
            .items
            .into_iter()
            .map(|s| s.data.name)
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&ListPage {
        frame: Frame::new(&access, &headers, "Component suppliers", "/component-suppliers"),
        unmatched: unmatched
            .into_iter()
            .map(|u| UnmatchedRow { name: u.name, n_components: u.n_components, n_sboms: u.n_sboms })
            .collect(),
        aliases: aliases
            .into_iter()
            .map(|a| AliasRow {
                supplier: Link {
                    href: format!("/suppliers/{}", a.supplier),
                    label: names.get(&a.supplier).cloned().unwrap_or_else(|| a.supplier.to_string()),
                },
                alias: a.alias,
            })
            .collect(),
        suppliers,
        can_set,
    }))
}

/// The alias form: the name as SBOMs write it, and the registered supplier (its id, name,
/// LEI, DUNS or VAT number).
#[derive(Debug, serde::Deserialize)]
pub struct AliasForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    supplier: String,
}

const BACK: &str = "/component-suppliers";

/// `POST /component-suppliers/aliases`: makes a name an alias of a registered supplier.
pub async fn add_alias(access: Access, CsrfForm(form): CsrfForm<AliasForm>) -> Result<Response, PageError> {
    let store = access.store();
    let name = form.name.trim();
    let reference = form.supplier.trim();
    if name.is_empty() || reference.is_empty() {
        return Ok(redirect_with_flash(BACK, "Alias not added: give the name and the registered supplier.", true));
    }
    let supplier = match store.find_supplier(reference).await {
        Ok(supplier) => supplier,
        Err(StoreError::NotFound { .. }) => {
            let message = format!("Alias not added: no registered supplier \u{201c}{reference}\u{201d}.");
            return Ok(redirect_with_flash(BACK, &message, true));
        }
        Err(e) => return Err(e.into()),
    };
    match store.add_supplier_alias(supplier.id, name).await {
        Ok(alias) => Ok(redirect_with_flash(
            BACK,
            &format!(
                "\u{201c}{}\u{201d} is now an alias of {}; its components link to it.",
                alias.alias, supplier.data.name
            ),
            false,
        )),
        Err(StoreError::Conflict(message)) => {
            Ok(redirect_with_flash(BACK, &format!("Alias not added: {message}."), true))
        }
        Err(StoreError::Invalid(value)) => {
            Ok(redirect_with_flash(BACK, &format!("Alias not added: {}.", value.reason), true))
        }
        Err(e) => Err(e.into()),
    }
}

/// The remove-alias form.
#[derive(Debug, serde::Deserialize)]
pub struct DeleteAliasForm {
    #[serde(default)]
    name: String,
}

/// `POST /component-suppliers/aliases/delete`: removes an alias.
pub async fn delete_alias(access: Access, CsrfForm(form): CsrfForm<DeleteAliasForm>) -> Result<Response, PageError> {
    match access.store().delete_supplier_alias(form.name.trim()).await {
        Ok(()) => Ok(redirect_with_flash(BACK, &format!("Alias \u{201c}{}\u{201d} removed.", form.name.trim()), false)),
        Err(StoreError::NotFound { .. }) => {
            Ok(redirect_with_flash(BACK, &format!("No alias \u{201c}{}\u{201d} to remove.", form.name.trim()), true))
        }
        Err(e) => Err(e.into()),
    }
}
