//! The OpenAPI 3.1 document of the JSON API, built from the table of operations below so that
//! the document and the routes are reviewed side by side. A test checks that every operation
//! listed here answers on the router. The answers' schemas are generated (schemars, JSON Schema
//! 2020-12, which OpenAPI 3.1 uses) from the view types in `crate::api_view` that the handlers
//! serialise, so the document says what is sent.

use crate::api_view as view;
use schemars::generate::{Contract, SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

/// One operation: method, path, summary, request schema, success status and response schema.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<&'static str>,
    pub status: u16,
    pub response: Option<Value>,
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// A generator that files each view type's schema under `#/components/schemas/`, as what is
/// serialised (not what would be read).
fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.contract = Contract::Serialize;
            s.meta_schema = None;
        })
        .into_generator()
}

/// The schema of a view type, as a reference to its component.
fn view<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

/// A list of a view type.
fn views<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    json!({ "type": "array", "items": view::<T>(g) })
}

pub fn operations() -> Vec<Op> {
    table(&mut generator())
}

fn table(g: &mut SchemaGenerator) -> Vec<Op> {
    let op = |method, path, summary, request, status, response| Op {
        method,
        path,
        summary,
        request,
        status,
        response,
    };
    vec![
        op(
            "get",
            "/api/v1/ocds",
            "Public, without sign-in: every purchaser's procurements, admissions, call-offs and \
             payments as an OCDS 1.1 release package; call-offs and payments only as cells of \
             five clients or more",
            None,
            200,
            Some(json!({
                "$ref": "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
            })),
        ),
        op(
            "get",
            "/api/v1/session",
            "The signed-in user and the CSRF token for unsafe calls",
            None,
            200,
            Some(view::<view::SessionView>(g)),
        ),
        op(
            "get",
            "/api/v1/organisations",
            "The organisation register",
            None,
            200,
            Some(views::<view::OrganisationView>(g)),
        ),
        op(
            "post",
            "/api/v1/organisations",
            "Create an organisation (purchaser admin)",
            Some("OrganisationInput"),
            201,
            Some(view::<view::Created>(g)),
        ),
        op(
            "get",
            "/api/v1/organisations/{id}",
            "An organisation and the service units the caller may see",
            None,
            200,
            Some(view::<view::OrganisationDetail>(g)),
        ),
        op(
            "put",
            "/api/v1/organisations/{id}",
            "Update an organisation (its own administrator)",
            Some("OrganisationInput"),
            204,
            None,
        ),
        op(
            "post",
            "/api/v1/organisations/{id}/active",
            "Deactivate or reactivate an organisation",
            Some("Active"),
            204,
            None,
        ),
        op(
            "get",
            "/api/v1/organisations/{id}/users",
            "The organisation's users (its own administrator); logged",
            None,
            200,
            Some(views::<view::UserView>(g)),
        ),
        op(
            "post",
            "/api/v1/organisations/{id}/users",
            "Create a user (its own administrator)",
            Some("UserInput"),
            201,
            Some(view::<view::Created>(g)),
        ),
        op(
            "get",
            "/api/v1/organisations/{id}/units",
            "A provider's service units",
            None,
            200,
            Some(views::<view::UnitView>(g)),
        ),
        op(
            "post",
            "/api/v1/organisations/{id}/units",
            "Create a service unit (provider signatory or service manager)",
            Some("ServiceUnitInput"),
            201,
            Some(view::<view::Created>(g)),
        ),
        op(
            "get",
            "/api/v1/units/{id}",
            "A service unit",
            None,
            200,
            Some(view::<view::UnitView>(g)),
        ),
        op(
            "put",
            "/api/v1/units/{id}",
            "Update a service unit",
            Some("ServiceUnitInput"),
            204,
            None,
        ),
        op(
            "post",
            "/api/v1/units/{id}/active",
            "Deactivate or reactivate a service unit",
            Some("Active"),
            204,
            None,
        ),
        op(
            "get",
            "/api/v1/users/{id}",
            "A user and the history of their rights; logged",
            None,
            200,
            Some(view::<view::UserDetail>(g)),
        ),
        op(
            "put",
            "/api/v1/users/{id}",
            "Update a user; roles given replace the old ones and each change is recorded",
            Some("UserInput"),
            204,
            None,
        ),
        op(
            "post",
            "/api/v1/users/{id}/active",
            "Deactivate or reactivate a user; deactivation ends their sessions",
            Some("Active"),
            204,
            None,
        ),
        op(
            "get",
            "/api/v1/audit",
            "Search the access log of the caller's organisation (auditor); the search is logged",
            None,
            200,
            Some(views::<view::AuditEntryView>(g)),
        ),
        op(
            "get",
            "/api/v1/procurements",
            "Procurements with their lot counts (public to everyone signed in)",
            None,
            200,
            Some(views::<view::ProcurementListItem>(g)),
        ),
        op(
            "get",
            "/api/v1/procurements/{id}",
            "A procurement with its lots, service descriptions and requirement rules",
            None,
            200,
            Some(view::<view::ProcurementDetail>(g)),
        ),
        op(
            "get",
            "/api/v1/lots/{id}",
            "A lot with its requirements, admitted providers and framework order",
            None,
            200,
            Some(view::<view::LotDetail>(g)),
        ),
        op(
            "post",
            "/api/v1/lots/{id}/applications",
            "Start a draft application of the caller's organisation to a lot",
            None,
            201,
            Some(view::<view::Created>(g)),
        ),
        op(
            "get",
            "/api/v1/applications",
            "The caller's applications (provider), or those to the caller's procurements (purchaser)",
            None,
            200,
            Some(views::<view::ApplicationListItem>(g)),
        ),
        op(
            "get",
            "/api/v1/applications/{id}",
            "An application with its roster and the rule-by-rule evaluation",
            None,
            200,
            Some(view::<view::ApplicationDetail>(g)),
        ),
        op(
            "put",
            "/api/v1/applications/{id}",
            "Save a draft: unit, roster (staff ids), price in euros, employees, note",
            Some("ApplicationInput"),
            204,
            None,
        ),
        op(
            "post",
            "/api/v1/applications/{id}/step",
            "submit, withdraw (provider); start_review, ask_info, admit, reject (purchaser)",
            Some("StepInput"),
            200,
            Some(view::<view::StepDone>(g)),
        ),
        op(
            "get",
            "/api/v1/register",
            "Search admitted providers' units: q (stemmed words), lot, municipality, language, free",
            None,
            200,
            Some(views::<view::RegisterItem>(g)),
        ),
        op(
            "get",
            "/api/v1/clients/{id}",
            "A client: minimal data for a provider with an accepted commitment in its period; the record (identity code masked) for the purchaser's social workers",
            None,
            200,
            Some(view::<view::ClientAnswer>(g)),
        ),
        op(
            "get",
            "/api/v1/commitments",
            "Payment commitments the caller's organisation sent or received",
            None,
            200,
            Some(views::<view::CommitmentView>(g)),
        ),
        op(
            "post",
            "/api/v1/visits",
            "Visits in bulk (at most 5000 rows): {visits: [{id, commitment, date, start, end, kind, status, workers, participants, place, description}]}. Idempotent by the provider's own id; one result per row (created, unchanged, updated, refused with errors) and the checks' flags",
            Some("VisitBatch"),
            200,
            Some(view::<view::VisitResults>(g)),
        ),
        op(
            "get",
            "/api/v1/visits",
            "A commitment's visits for a month (commitment=MS-…, month=YYYY-MM) with confirmations, totals and the monthly report",
            None,
            200,
            Some(view::<view::MonthView>(g)),
        ),
        op(
            "post",
            "/api/v1/invoices",
            "An e-invoice or credit note as the body (Finvoice 3.0, 2.x or 1.3, or Peppol BIS Billing 3.0 UBL; UTF-8 or ISO-8859-15; at most 16 MB). Linked to the payment commitments whose numbers it gives (buyer reference, order reference or lines), or kept aside with the reason; 201 when kept, 422 with the reason when refused (unreadable, a duplicate, another seller's). An invoice must never name a client: one carrying a personal identity code is kept aside with the code overwritten",
            Some("EInvoiceXml"),
            201,
            Some(view::<view::InvoiceReceipt>(g)),
        ),
        op(
            "get",
            "/api/v1/invoice-exports",
            "The purchaser's exports of approved invoices to accounts payable, newest first (a controller)",
            None,
            200,
            Some(views::<view::InvoiceExportView>(g)),
        ),
        op(
            "post",
            "/api/v1/invoice-exports",
            "Exports every approved invoice not yet exported, numbered; the answer carries the CSV (a row per invoice line with cost centre, budget line, account and VAT code). 422 invoice-export-empty when there is none",
            None,
            201,
            Some(view::<view::InvoiceExportView>(g)),
        ),
        op(
            "get",
            "/api/v1/invoices",
            "The invoices the caller's organisation sent (a provider) or received (a purchaser's controller), newest first",
            None,
            200,
            Some(views::<view::InvoiceView>(g)),
        ),
    ]
}

fn strings(names: &[&str]) -> Value {
    let mut m = Map::new();
    for n in names {
        m.insert((*n).to_owned(), json!({ "type": "string" }));
    }
    Value::Object(m)
}

fn schemas() -> Value {
    let roles = json!({ "type": "array", "items": { "type": "string", "enum": domain::org::Role::ALL.iter().map(|r| r.code()).collect::<Vec<_>>() } });
    let langs = json!({ "type": "string", "enum": ["fi", "sv", "en"] });
    let org_fields = [
        "name",
        "business_id",
        "street_address",
        "postal_code",
        "city",
        "email",
        "phone",
    ];
    let mut org_input = strings(&org_fields);
    org_input["kind"] = json!({ "type": "string", "enum": domain::org::OrgKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>() });
    let unit_fields = [
        "name",
        "street_address",
        "postal_code",
        "city",
        "municipality",
        "soteri_number",
        "oid",
    ];
    let mut unit_input = strings(&unit_fields);
    unit_input["soteri_registered"] = json!({ "type": "string", "format": "date" });
    unit_input["languages"] = json!({ "type": "array", "items": langs });
    let mut user_input = strings(&["username", "display_name", "email", "password"]);
    user_input["language"] = langs;
    user_input["roles"] = roles;
    let visit_row = json!({ "type": "object", "required": ["commitment", "date", "start", "end", "kind", "workers"], "properties": {
        "id": { "type": "string", "maxLength": 100, "description": "The provider's own id of the visit: the same id again changes nothing or corrects the visit" },
        "commitment": { "type": "string", "description": "The payment commitment's number, e.g. MS-2026-0000017" },
        "date": { "type": "string", "format": "date" },
        "start": { "type": "string", "description": "hh:mm" },
        "end": { "type": "string", "description": "hh:mm, after start" },
        "kind": { "type": "string", "enum": domain::visit::VisitKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>() },
        "status": { "type": "string", "enum": domain::visit::VisitStatus::ALL.iter().map(|k| k.code()).collect::<Vec<_>>(), "default": "done" },
        "workers": { "type": "array", "items": { "type": "string", "format": "uuid" }, "description": "Staff register ids of the provider" },
        "participants": { "type": "integer", "minimum": 1, "maximum": 100, "default": 1 },
        "place": { "type": "string" },
        "description": { "type": "string" }
    } });
    json!({
        "OrganisationInput": { "type": "object", "required": ["kind", "name", "business_id", "street_address", "postal_code", "city"], "properties": org_input },
        "ServiceUnitInput": { "type": "object", "required": ["name", "street_address", "postal_code", "city", "municipality", "languages"], "properties": unit_input },
        "UserInput": { "type": "object", "required": ["username", "display_name", "roles"], "properties": user_input },
        "Active": { "type": "object", "required": ["active"], "properties": { "active": { "type": "boolean" } } },
        "ApplicationInput": { "type": "object", "properties": { "unit_id": { "type": "string", "format": "uuid" }, "roster": { "type": "array", "items": { "type": "string", "format": "uuid" } }, "price": { "type": "string", "description": "Euros as written, e.g. 80,00" }, "employees": { "type": "string" }, "note": { "type": "string" } } },
        "StepInput": { "type": "object", "required": ["step"], "properties": { "step": { "type": "string", "enum": ["submit", "withdraw", "start_review", "ask_info", "admit", "reject"] }, "note": { "type": "string" }, "quality_points": { "type": "string" }, "extend": { "type": "boolean" } } },
        "VisitBatch": { "type": "object", "required": ["visits"], "properties": { "visits": { "type": "array", "maxItems": 5000, "items": visit_row } } },
        "EInvoiceXml": { "type": "string", "description": "The e-invoice file as it is: a Finvoice or UBL Invoice/CreditNote document" },
        "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": {
            "code": { "type": "string", "description": "Stable error code" },
            "message": { "type": "string", "description": "The code's message in the caller's language" },
            "fields": { "type": "array", "items": { "type": "object", "properties": { "field": { "type": "string" }, "code": { "type": "string" }, "message": { "type": "string" } } } }
        } } } }
    })
}

pub fn document() -> Value {
    let mut g = generator();
    let ops = table(&mut g);
    let mut components = schemas();
    for (name, schema) in g.take_definitions(true) {
        components[name] = schema;
    }
    let mut paths = Map::new();
    for o in ops {
        let mut operation = json!({
            "summary": o.summary,
            "responses": {
                o.status.to_string(): match &o.response {
                    Some(s) => json!({ "description": "OK", "content": { "application/json": { "schema": s } } }),
                    None => json!({ "description": "Done" }),
                },
                "401": { "description": "Not signed in", "content": { "application/json": { "schema": r("Error") } } },
                "403": { "description": "Refused by the access policy or the CSRF guard; logged", "content": { "application/json": { "schema": r("Error") } } },
                "404": { "description": "No such record", "content": { "application/json": { "schema": r("Error") } } },
                "422": { "description": "Invalid input, one entry per field", "content": { "application/json": { "schema": r("Error") } } }
            }
        });
        if o.path.contains("{id}") {
            operation["parameters"] = json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }]);
        }
        if let Some(req) = o.request {
            // An e-invoice is sent as it is, not wrapped in JSON.
            let media = if req == "EInvoiceXml" {
                "application/xml"
            } else {
                "application/json"
            };
            operation["requestBody"] =
                json!({ "required": true, "content": { media: { "schema": r(req) } } });
        }
        if o.method != "get" {
            operation["parameters"] = {
                let mut p = operation["parameters"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                p.push(json!({ "name": "X-CSRF-Token", "in": "header", "required": true, "schema": { "type": "string" } }));
                Value::Array(p)
            };
        }
        let entry = paths
            .entry(o.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[o.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Kumppani API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Organisations, service units, users, the access log, procurements, lots, applications and the provider register. Authenticate with the session cookie from signing in; send the CSRF token from /api/v1/session in X-CSRF-Token on unsafe calls. A provider's own system sends instead an API key from /api-keys as `Authorization: Bearer kpk_…`; it may do only the key's operations (visits.write, visits.read, commitments.read, invoices.write) and needs no CSRF token."
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE }, "apiKey": { "type": "http", "scheme": "bearer" } }
        },
        "security": [{ "session": [] }]
    })
}
