//! Forms as data: each form is a list of fields that one template renders with labels, hints,
//! errors next to the field and an error summary that links to them.

use crate::i18n::Tr;
use domain::locale::Lang;
use domain::org::{OrgKind, OrganisationForm, Role, ServiceUnitForm, UserForm};
use domain::validate::FieldErrors;

#[derive(Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub value: String,
    /// `text`, `email`, `tel`, `password`, `date`, `select` or `checkboxes`.
    pub kind: &'static str,
    pub options: Vec<Opt>,
    pub error: Option<String>,
    pub hint: Option<String>,
    pub required: bool,
    pub autocomplete: &'static str,
}

impl Field {
    pub fn new(t: &Tr, name: &'static str, kind: &'static str, value: &str) -> Field {
        Field::named(
            name.to_owned(),
            t.t(&format!("field-{}", name.replace('_', "-"))),
            kind,
            value,
        )
    }

    /// A field whose name is made at run time (one of several alike, as `p2_price`), with its
    /// label given.
    pub fn named(name: String, label: String, kind: &'static str, value: &str) -> Field {
        Field {
            name,
            label,
            value: value.to_owned(),
            kind,
            options: Vec::new(),
            error: None,
            hint: None,
            required: false,
            autocomplete: "off",
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, t: &Tr, key: &str) -> Self {
        self.hint = Some(t.t(key));
        self
    }

    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = a;
        self
    }

    pub fn options(mut self, opts: Vec<Opt>) -> Self {
        self.options = opts;
        self
    }
}

/// A link from the error summary to the field.
pub struct SummaryItem {
    pub href: String,
    pub text: String,
}

/// Puts each error next to its field and builds the summary. Errors for fields the form does
/// not show go to the summary only.
pub fn attach_errors(t: &Tr, fields: &mut [Field], errs: &FieldErrors) -> Vec<SummaryItem> {
    let mut summary = Vec::new();
    for e in &errs.0 {
        let msg = t.error(&e.code);
        match fields.iter_mut().find(|f| f.name == e.field) {
            Some(f) => {
                if f.error.is_none() {
                    f.error = Some(msg.clone());
                }
                let anchor = if f.kind == "checkboxes" {
                    format!("#f-{}-0", f.name)
                } else {
                    format!("#f-{}", f.name)
                };
                summary.push(SummaryItem {
                    href: anchor,
                    text: format!("{}: {msg}", f.label),
                });
            }
            None => summary.push(SummaryItem {
                href: "#main".into(),
                text: msg,
            }),
        }
    }
    summary
}

/// A urlencoded form body; keeps repeated keys (check boxes), which serde's form decoding drops.
pub struct FormData(Vec<(String, String)>, Vec<u8>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            body.to_vec(),
        )
    }

    /// The form read into a form type of the domain or of a use case by `serde_html_form`
    /// (repeated keys fill a `Vec`, fields the type does not name are ignored). The form types
    /// hold text as typed, so reading cannot fail on a value; a body that is not a form at all
    /// reads as the empty form, which the use case then refuses field by field.
    pub fn read<T: serde::de::DeserializeOwned + Default>(&self) -> T {
        serde_html_form::from_bytes(&self.1).unwrap_or_default()
    }

    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all_pairs(&self) -> Vec<(String, String)> {
        self.0.clone()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

pub fn organisation_fields(t: &Tr, f: &OrganisationForm, creating: bool) -> Vec<Field> {
    let mut fields = Vec::new();
    if creating {
        fields.push(
            Field::new(t, "kind", "select", &f.kind).required().options(
                OrgKind::ALL
                    .into_iter()
                    .map(|k| Opt {
                        value: k.code().into(),
                        label: t.t(&format!("org-kind-{}", k.code())),
                        selected: f.kind == k.code(),
                    })
                    .collect(),
            ),
        );
    }
    fields.extend([
        Field::new(t, "name", "text", &f.name)
            .required()
            .autocomplete("organization"),
        Field::new(t, "business_id", "text", &f.business_id)
            .required()
            .hint(t, "hint-business-id"),
        Field::new(t, "street_address", "text", &f.street_address)
            .required()
            .autocomplete("street-address"),
        Field::new(t, "postal_code", "text", &f.postal_code)
            .required()
            .autocomplete("postal-code"),
        Field::new(t, "city", "text", &f.city)
            .required()
            .autocomplete("address-level2"),
        Field::new(t, "email", "email", &f.email).autocomplete("email"),
        Field::new(t, "phone", "tel", &f.phone).autocomplete("tel"),
    ]);
    fields
}

pub fn language_options(t: &Tr, selected: &[String]) -> Vec<Opt> {
    Lang::ALL
        .into_iter()
        .map(|l| Opt {
            value: l.code().into(),
            label: t.t(&format!("language-{}", l.code())),
            selected: selected.iter().any(|s| s == l.code()),
        })
        .collect()
}

pub fn unit_fields(t: &Tr, f: &ServiceUnitForm) -> Vec<Field> {
    vec![
        Field::new(t, "name", "text", &f.name).required(),
        Field::new(t, "street_address", "text", &f.street_address).required(),
        Field::new(t, "postal_code", "text", &f.postal_code).required(),
        Field::new(t, "city", "text", &f.city).required(),
        Field::new(t, "municipality", "text", &f.municipality).required(),
        Field::new(t, "soteri_number", "text", &f.soteri_number).hint(t, "hint-soteri"),
        Field::new(t, "soteri_registered", "date", &f.soteri_registered)
            .hint(t, "hint-soteri-registered"),
        Field::new(t, "oid", "text", &f.oid).hint(t, "hint-oid"),
        Field::new(t, "languages", "checkboxes", "")
            .required()
            .options(language_options(t, &f.languages)),
        Field::new(t, "served_municipalities", "text", &f.served_municipalities)
            .hint(t, "hint-served-municipalities"),
        Field::new(t, "capacity", "text", &f.capacity).hint(t, "hint-capacity"),
        Field::new(t, "free_capacity", "text", &f.free_capacity),
    ]
}

pub fn user_fields(
    t: &Tr,
    f: &UserForm,
    kind: OrgKind,
    creating: bool,
    units: &[(uuid::Uuid, String)],
) -> Vec<Field> {
    let mut password = Field::new(t, "password", "password", "")
        .autocomplete("new-password")
        .hint(
            t,
            if creating {
                "hint-password"
            } else {
                "hint-password-keep"
            },
        );
    if creating {
        password = password.required();
    }
    let mut fields = vec![
        Field::new(t, "username", "text", &f.username)
            .required()
            .hint(t, "hint-username"),
        Field::new(t, "display_name", "text", &f.display_name)
            .required()
            .autocomplete("name"),
        Field::new(t, "email", "email", &f.email).autocomplete("email"),
        Field::new(t, "language", "select", &f.language)
            .required()
            .options(language_options(t, std::slice::from_ref(&f.language))),
        Field::new(t, "roles", "checkboxes", "").required().options(
            Role::for_kind(kind)
                .map(|r| Opt {
                    value: r.code().into(),
                    label: t.t(&format!("role-{}", r.code())),
                    selected: f.roles.iter().any(|s| s == r.code()),
                })
                .collect(),
        ),
        password,
    ];
    // A purchaser's social workers reach the clients of their team (703/2023 9 §).
    if kind.is_purchaser() {
        fields.insert(
            4,
            Field::new(t, "team", "text", &f.team).hint(t, "hint-team"),
        );
    }
    // A provider user tied to one service unit reaches only its commitments (703/2023 9 §).
    if !kind.is_purchaser() && !units.is_empty() {
        fields.insert(
            4,
            Field::new(t, "unit", "select", &f.unit)
                .hint(t, "hint-user-unit")
                .options(
                    units
                        .iter()
                        .map(|(id, name)| Opt {
                            value: id.to_string(),
                            label: name.clone(),
                            selected: f.unit == id.to_string(),
                        })
                        .collect(),
                ),
        );
    }
    fields
}
