//! `supplier`, `offering` and `service` commands: the registry by hand.

use std::sync::Arc;

use anyhow::{Context, Result};
use chainward_core::model::*;
use chainward_store::{OfferingFilter, Page, ServiceFilter, Store, SupplierFilter};
use serde::Serialize;
use time::Date;

use crate::Outcome;
use crate::args::{Format, OfferingCommand, PageArgs, ServiceCommand, SupplierCommand, SupplierFields};
use crate::output::{Table, opt, print};

fn page(p: &PageArgs) -> Page {
    Page { offset: p.offset, limit: p.limit.min(Page::MAX_LIMIT) }
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(field: &str, raw: &str) -> Result<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw.trim(), format).with_context(|| format!("{field}: {raw:?} is not a date like 2026-11-28"))
}

fn apply_fields(data: &mut SupplierData, f: SupplierFields) -> Result<()> {
    if let Some(v) = f.tier {
        data.tier = v;
    }
    if let Some(v) = f.status {
        data.status = v;
    }
    if let Some(v) = f.data_access {
        data.data_access = v;
    }
    if let Some(v) = f.country {
        data.country = Some(v.parse()?);
    }
    if f.lei.is_some() {
        data.legal_ids.lei = f.lei;
    }
    if f.duns.is_some() {
        data.legal_ids.duns = f.duns;
    }
    if f.vat.is_some() {
        data.legal_ids.vat = f.vat;
    }
    if f.website.is_some() {
        data.website = f.website;
    }
    if f.description.is_some() {
        data.description = f.description;
    }
    if f.security_email.is_some() {
        data.security_contact.email = f.security_email;
    }
    if f.incident_email.is_some() {
        data.incident_contact.email = f.incident_email;
    }
    Ok(())
}

fn supplier_table(suppliers: &[Supplier]) -> String {
    let mut t = Table::new(&["name", "kind", "tier", "status", "data access", "country", "id"]);
    for s in suppliers {
        let d = &s.data;
        t.row(vec![
            d.name.clone(),
            d.kind.to_string(),
            d.tier.to_string(),
            d.status.to_string(),
            d.data_access.to_string(),
            opt(&d.country),
            s.id.to_string(),
        ]);
    }
    t.render()
}

/// A list page as JSON: the rows and the total.
#[derive(Serialize)]
struct Listed<'a, T> {
    items: &'a [T],
    total: u64,
    offset: u64,
    limit: u64,
}

/// A supplier with what hangs on it, for `supplier show`.
#[derive(Serialize)]
struct SupplierDetail {
    #[serde(flatten)]
    supplier: Supplier,
    offerings: Vec<Offering>,
    subcontractors: Vec<LinkView>,
    subcontracted_by: Vec<LinkView>,
}

#[derive(Serialize)]
struct LinkView {
    id: SubcontractId,
    supplier: String,
    scope: String,
    since: Option<Date>,
    handles_our_data: bool,
}

/// Runs a `supplier` command.
pub async fn supplier(store: Arc<dyn Store>, format: Format, command: SupplierCommand) -> Result<Outcome> {
    match command {
        SupplierCommand::Add { name, kind, fields } => {
            let mut data = SupplierData::named(name, kind);
            apply_fields(&mut data, fields)?;
            let s = store.create_supplier(data).await?;
            print(format, &s, || format!("created supplier {} ({})\n", s.data.name, s.id))?;
        }
        SupplierCommand::Update { supplier, kind, name, fields } => {
            let current = store.find_supplier(&supplier).await?;
            let mut data = current.data.clone();
            if let Some(k) = kind {
                data.kind = k;
            }
            if let Some(n) = name {
                data.name = n;
            }
            apply_fields(&mut data, fields)?;
            let s = store.update_supplier(current.id, data).await?;
            let changed = s.updated_at != current.updated_at;
            print(format, &s, || {
                format!("{} supplier {} ({})\n", if changed { "updated" } else { "unchanged:" }, s.data.name, s.id)
            })?;
        }
        SupplierCommand::List(a) => {
            let filter = SupplierFilter {
                q: a.q,
                kind: a.kind,
                status: a.status,
                tier: a.tier,
                country: a.country.map(|c| c.parse()).transpose()?,
            };
            let p = page(&a.page);
            let found = store.list_suppliers(&filter, p).await?;
            let listed = Listed { items: &found.items, total: found.total, offset: p.offset, limit: p.limit };
            print(format, &listed, || supplier_table(&found.items))?;
        }
        SupplierCommand::Show { supplier } => {
            let s = store.find_supplier(&supplier).await?;
            let offerings = store
                .list_offerings(&OfferingFilter { supplier: Some(s.id), ..OfferingFilter::default() }, Page::FIRST)
                .await?
                .items;
            let links = store.list_subcontracts(Some(s.id)).await?;
            let mut subcontractors = Vec::new();
            let mut subcontracted_by = Vec::new();
            for l in links {
                let (other, list) = if l.data.supplier == s.id {
                    (l.data.subcontractor, &mut subcontractors)
                } else {
                    (l.data.supplier, &mut subcontracted_by)
                };
                let name = store.get_supplier(other).await.map(|o| o.data.name).unwrap_or_else(|_| other.to_string());
                list.push(LinkView {
                    id: l.id,
                    supplier: name,
                    scope: l.data.scope,
                    since: l.data.since,
                    handles_our_data: l.data.handles_our_data,
                });
            }
            let detail = SupplierDetail { supplier: s, offerings, subcontractors, subcontracted_by };
            print(format, &detail, || show_supplier(&detail))?;
        }
        SupplierCommand::Delete { supplier } => {
            let s = store.find_supplier(&supplier).await?;
            store.delete_supplier(s.id).await?;
            print(format, &serde_json::json!({ "deleted": s.id }), || format!("deleted supplier {}\n", s.data.name))?;
        }
        SupplierCommand::Link { supplier, subcontractor, scope, since, handles_our_data } => {
            let a = store.find_supplier(&supplier).await?;
            let b = store.find_supplier(&subcontractor).await?;
            let since = since.map(|d| parse_date("since", &d)).transpose()?;
            let link = store
                .create_subcontract(SubcontractData {
                    supplier: a.id,
                    subcontractor: b.id,
                    scope,
                    since,
                    handles_our_data,
                })
                .await?;
            print(format, &link, || format!("{} subcontracts to {} ({})\n", a.data.name, b.data.name, link.id))?;
        }
        SupplierCommand::Unlink { supplier, subcontractor } => {
            let a = store.find_supplier(&supplier).await?;
            let b = store.find_supplier(&subcontractor).await?;
            let links = store.list_subcontracts(Some(a.id)).await?;
            let Some(link) = links.iter().find(|l| l.data.supplier == a.id && l.data.subcontractor == b.id) else {
                anyhow::bail!("{} does not subcontract to {}", a.data.name, b.data.name);
            };
            store.delete_subcontract(link.id).await?;
            print(format, &serde_json::json!({ "deleted": link.id }), || {
                format!("{} no longer subcontracts to {}\n", a.data.name, b.data.name)
            })?;
        }
        SupplierCommand::Import(args) => {
            return crate::csv::import(store, format, args, &crate::csv::SUPPLIER_TABLES).await;
        }
        SupplierCommand::Export(args) => {
            return crate::csv::export(store, args.output, crate::csv::supplier_table(args.table)).await;
        }
    }
    Ok(Outcome::Ok)
}

fn show_supplier(d: &SupplierDetail) -> String {
    let s = &d.supplier.data;
    let ids = &s.legal_ids;
    let contact = |c: &Contact| {
        [c.name.as_deref(), c.email.as_deref(), c.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ")
    };
    let mut out = format!(
        "{}\n  id            {}\n  kind          {}\n  tier          {}\n  status        {}\n  data access   {}\n  country       {}\n  LEI / DUNS / VAT / other  {} / {} / {} / {}\n  website       {}\n  security      {}\n  incidents     {}\n  account       {}\n",
        s.name,
        d.supplier.id,
        s.kind,
        s.tier,
        s.status,
        s.data_access,
        opt(&s.country),
        opt(&ids.lei),
        opt(&ids.duns),
        opt(&ids.vat),
        opt(&ids.other),
        opt(&s.website),
        contact(&s.security_contact),
        contact(&s.incident_contact),
        contact(&s.account_contact),
    );
    if let Some(desc) = &s.description {
        out.push_str(&format!("  description   {desc}\n"));
    }
    out.push_str("owners\n");
    for o in &s.owners {
        out.push_str(&format!("  {:<14} {:<12} {} <{}>\n", o.area.as_str(), o.role.as_str(), o.person, o.email));
    }
    out.push_str("offerings\n");
    for o in &d.offerings {
        out.push_str(&format!("  {} ({})\n", o.data.name, o.data.kind));
    }
    out.push_str("subcontractors\n");
    for l in &d.subcontractors {
        out.push_str(&format!(
            "  {}: {}{}\n",
            l.supplier,
            l.scope,
            if l.handles_our_data { " [handles our data]" } else { "" }
        ));
    }
    out.push_str("subcontractor of\n");
    for l in &d.subcontracted_by {
        out.push_str(&format!("  {}: {}\n", l.supplier, l.scope));
    }
    out
}

/// An offering with its releases and users, for `offering show`.
#[derive(Serialize)]
struct OfferingDetail {
    #[serde(flatten)]
    offering: Offering,
    supplier_name: String,
    releases: Vec<Release>,
    used_by: Vec<String>,
}

/// Runs an `offering` command.
pub async fn offering(store: Arc<dyn Store>, format: Format, command: OfferingCommand) -> Result<Outcome> {
    match command {
        OfferingCommand::Add { name, supplier, kind, description } => {
            let s = store.find_supplier(&supplier).await?;
            let o = store.create_offering(OfferingData { supplier: s.id, name, kind, description }).await?;
            print(format, &o, || format!("created offering {} of {} ({})\n", o.data.name, s.data.name, o.id))?;
        }
        OfferingCommand::Update { offering, name, supplier, kind, description } => {
            let current = store.find_offering(&offering).await?;
            let mut data = current.data.clone();
            if let Some(n) = name {
                data.name = n;
            }
            if let Some(s) = supplier {
                data.supplier = store.find_supplier(&s).await?.id;
            }
            if let Some(k) = kind {
                data.kind = k;
            }
            if description.is_some() {
                data.description = description;
            }
            let o = store.update_offering(current.id, data).await?;
            let changed = o.updated_at != current.updated_at;
            print(format, &o, || {
                format!("{} offering {} ({})\n", if changed { "updated" } else { "unchanged:" }, o.data.name, o.id)
            })?;
        }
        OfferingCommand::List { q, supplier, kind, page: p } => {
            let supplier = match supplier {
                Some(s) => Some(store.find_supplier(&s).await?.id),
                None => None,
            };
            let p = page(&p);
            let found = store.list_offerings(&OfferingFilter { q, supplier, kind }, p).await?;
            let mut names = std::collections::HashMap::new();
            for o in &found.items {
                if let std::collections::hash_map::Entry::Vacant(e) = names.entry(o.data.supplier) {
                    e.insert(store.get_supplier(o.data.supplier).await.map(|s| s.data.name).unwrap_or_default());
                }
            }
            let listed = Listed { items: &found.items, total: found.total, offset: p.offset, limit: p.limit };
            print(format, &listed, || {
                let mut t = Table::new(&["name", "kind", "supplier", "id"]);
                for o in &found.items {
                    let supplier = names.get(&o.data.supplier).cloned().unwrap_or_default();
                    t.row(vec![o.data.name.clone(), o.data.kind.to_string(), supplier, o.id.to_string()]);
                }
                t.render()
            })?;
        }
        OfferingCommand::Show { offering } => {
            let o = store.find_offering(&offering).await?;
            let supplier_name = store.get_supplier(o.data.supplier).await?.data.name;
            let releases = store.list_releases(o.id).await?;
            let used_by = store
                .list_services(&ServiceFilter { uses: Some(o.id), ..ServiceFilter::default() }, Page::FIRST)
                .await?
                .items
                .into_iter()
                .map(|s| s.data.name)
                .collect();
            let d = OfferingDetail { offering: o, supplier_name, releases, used_by };
            print(format, &d, || {
                let mut out = format!(
                    "{}\n  id        {}\n  kind      {}\n  supplier  {}\n",
                    d.offering.data.name, d.offering.id, d.offering.data.kind, d.supplier_name
                );
                out.push_str("releases\n");
                for r in &d.releases {
                    out.push_str(&format!("  {} {}\n", r.data.version, opt(&r.data.released_on)));
                }
                out.push_str("used by\n");
                for s in &d.used_by {
                    out.push_str(&format!("  {s}\n"));
                }
                out
            })?;
        }
        OfferingCommand::Delete { offering } => {
            let o = store.find_offering(&offering).await?;
            store.delete_offering(o.id).await?;
            print(format, &serde_json::json!({ "deleted": o.id }), || format!("deleted offering {}\n", o.data.name))?;
        }
        OfferingCommand::Release { offering, release: version, date } => {
            let o = store.find_offering(&offering).await?;
            let released_on = date.map(|d| parse_date("date", &d)).transpose()?;
            let r = store.create_release(ReleaseData { offering: o.id, version, released_on }).await?;
            print(format, &r, || format!("recorded {} {} ({})\n", o.data.name, r.data.version, r.id))?;
        }
        OfferingCommand::Import(args) => {
            return crate::csv::import(store, format, args, &crate::csv::OFFERING_TABLES).await;
        }
        OfferingCommand::Export(args) => {
            return crate::csv::export(store, args.output, crate::csv::offering_table(args.table)).await;
        }
    }
    Ok(Outcome::Ok)
}

/// Parses `--uses "Offering=Alt one|Alt two"`.
async fn parse_use(store: &dyn Store, spec: &str) -> Result<ServiceUse> {
    let (primary, alternatives) = match spec.split_once('=') {
        Some((p, alts)) => (p, alts.split('|').map(str::trim).filter(|a| !a.is_empty()).collect::<Vec<_>>()),
        None => (spec, Vec::new()),
    };
    let offering = store.find_offering(primary.trim()).await?.id;
    let mut alt_ids = Vec::new();
    for a in alternatives {
        alt_ids.push(store.find_offering(a).await?.id);
    }
    Ok(ServiceUse { offering, purpose: None, alternatives: alt_ids })
}

/// A service with the names of what it uses, for `service show`.
#[derive(Serialize)]
struct ServiceDetail {
    #[serde(flatten)]
    service: Service,
    uses_named: Vec<UseView>,
}

#[derive(Serialize)]
struct UseView {
    offering: String,
    supplier: String,
    alternatives: Vec<String>,
}

/// Runs a `service` command.
pub async fn service(store: Arc<dyn Store>, format: Format, command: ServiceCommand) -> Result<Outcome> {
    match command {
        ServiceCommand::Add { name, criticality, owner, owner_email, rto_hours, uses } => {
            let mut parsed = Vec::new();
            for u in &uses {
                parsed.push(parse_use(store.as_ref(), u).await?);
            }
            let data =
                ServiceData { name, owner, owner_email, rto_hours, criticality, description: None, uses: parsed };
            let s = store.create_service(data).await?;
            print(format, &s, || format!("created service {} ({})\n", s.data.name, s.id))?;
        }
        ServiceCommand::Update { service, name, criticality, owner, owner_email, rto_hours, uses } => {
            let current = store.find_service(&service).await?;
            let mut data = current.data.clone();
            if let Some(n) = name {
                data.name = n;
            }
            if let Some(c) = criticality {
                data.criticality = c;
            }
            if owner.is_some() {
                data.owner = owner;
            }
            if owner_email.is_some() {
                data.owner_email = owner_email;
            }
            if rto_hours.is_some() {
                data.rto_hours = rto_hours;
            }
            if !uses.is_empty() {
                let mut parsed = Vec::new();
                for u in &uses {
                    parsed.push(parse_use(store.as_ref(), u).await?);
                }
                data.uses = parsed;
            }
            let s = store.update_service(current.id, data).await?;
            let changed = s.updated_at != current.updated_at;
            print(format, &s, || {
                format!("{} service {} ({})\n", if changed { "updated" } else { "unchanged:" }, s.data.name, s.id)
            })?;
        }
        ServiceCommand::List { q, criticality, uses, page: p } => {
            let uses = match uses {
                Some(o) => Some(store.find_offering(&o).await?.id),
                None => None,
            };
            let p = page(&p);
            let found = store.list_services(&ServiceFilter { q, criticality, uses }, p).await?;
            let listed = Listed { items: &found.items, total: found.total, offset: p.offset, limit: p.limit };
            print(format, &listed, || {
                let mut t = Table::new(&["name", "criticality", "rto hours", "owner", "uses", "id"]);
                for s in &found.items {
                    t.row(vec![
                        s.data.name.clone(),
                        s.data.criticality.to_string(),
                        opt(&s.data.rto_hours),
                        opt(&s.data.owner),
                        s.data.uses.len().to_string(),
                        s.id.to_string(),
                    ]);
                }
                t.render()
            })?;
        }
        ServiceCommand::Show { service } => {
            let s = store.find_service(&service).await?;
            let mut uses_named = Vec::new();
            for u in &s.data.uses {
                let o = store.get_offering(u.offering).await?;
                let supplier = store.get_supplier(o.data.supplier).await?.data.name;
                let mut alternatives = Vec::new();
                for a in &u.alternatives {
                    alternatives.push(store.get_offering(*a).await?.data.name);
                }
                uses_named.push(UseView { offering: o.data.name, supplier, alternatives });
            }
            let d = ServiceDetail { service: s, uses_named };
            print(format, &d, || {
                let s = &d.service.data;
                let mut out = format!(
                    "{}\n  id            {}\n  criticality   {}\n  RTO hours     {}\n  owner         {} {}\nuses\n",
                    s.name,
                    d.service.id,
                    s.criticality,
                    opt(&s.rto_hours),
                    opt(&s.owner),
                    s.owner_email.as_deref().map(|e| format!("<{e}>")).unwrap_or_default()
                );
                for u in &d.uses_named {
                    out.push_str(&format!("  {} from {}", u.offering, u.supplier));
                    if u.alternatives.is_empty() {
                        out.push_str(" (no alternative)\n");
                    } else {
                        out.push_str(&format!(" (alternatives: {})\n", u.alternatives.join(", ")));
                    }
                }
                out
            })?;
        }
        ServiceCommand::Delete { service } => {
            let s = store.find_service(&service).await?;
            store.delete_service(s.id).await?;
            print(format, &serde_json::json!({ "deleted": s.id }), || format!("deleted service {}\n", s.data.name))?;
        }
        ServiceCommand::Import(args) => {
            return crate::csv::import(store, format, args, &crate::csv::SERVICE_TABLES).await;
        }
        ServiceCommand::Export(args) => {
            return crate::csv::export(store, args.output, crate::csv::service_table(args.table)).await;
        }
    }
    Ok(Outcome::Ok)
}
