//! Clients of the purchaser's social services: people with identity codes, their guardians, the
//! family as a unit, turvakielto, and what a provider may see of them.

use crate::ident::PersonalIdentityCode;
use crate::locale::Lang;
use crate::validate::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A client as stored, without the identity code, which lives in its own column so that it can
/// be found by exact match and is never part of a document that is copied around.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    /// The masked code (`010190-****`), the only form that is shown.
    pub masked_code: String,
    pub home_municipality: String,
    pub language: Lang,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    /// Turvakielto (Population Information Act 661/2009, 36 §): address and contact data are
    /// hidden from everyone who does not need them, everywhere.
    pub turvakielto: bool,
    /// Guardians, themselves clients of the register.
    #[serde(default)]
    pub guardians: Vec<Uuid>,
    /// The family the client belongs to, where the service is for the family.
    pub family: Option<Uuid>,
    /// The responsible social worker (a user of the purchaser).
    pub responsible_worker: Option<Uuid>,
    /// The team responsible for the client: the registering worker's. A county worker of
    /// another team opens the client only with a reason ([`crate::access::tie`]).
    #[serde(default)]
    pub team: String,
    /// Palvelutehtävä of the client relationship, e.g. "lastensuojelun avohuolto".
    #[serde(default)]
    pub service_task: String,
    #[serde(default)]
    pub legal_basis: String,
    /// When the client's matter was closed: the trigger of most retention periods
    /// ([`crate::retention`]).
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
    /// The date of death, once known (later from the population register): the trigger of the
    /// child welfare period.
    #[serde(default)]
    pub died_on: Option<NaiveDate>,
}

impl Client {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Age in whole years on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        day.years_since(self.birth_date).unwrap_or(0)
    }
}

/// What a provider's users see of a client while a commitment links them: enough to deliver
/// the service, and under turvakielto not even the address.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinimalClient {
    pub name: String,
    pub age: u32,
    pub language: Lang,
    pub home_municipality: String,
    /// `None` under turvakielto.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub guardians: Vec<String>,
}

impl MinimalClient {
    pub fn of(c: &Client, guardians: &[Client], today: NaiveDate) -> MinimalClient {
        let hidden = c.turvakielto;
        MinimalClient {
            name: c.name(),
            age: c.age_on(today),
            language: c.language,
            home_municipality: c.home_municipality.clone(),
            address: if hidden { None } else { address_line(c) },
            phone: (!hidden && !c.phone.is_empty()).then(|| c.phone.clone()),
            guardians: guardians.iter().map(Client::name).collect(),
        }
    }
}

/// What the purchaser's social workers are shown of a client, on the page and in the API
/// alike: one type, so that turvakielto is applied where the data leaves, once. Under
/// turvakielto neither the address nor the phone is shown, of the client or of a guardian; a
/// guardian's contact data is hidden too when the child's is, since they usually live together.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientCard {
    pub name: String,
    pub masked_code: String,
    pub age: u32,
    pub home_municipality: String,
    pub language: Lang,
    pub turvakielto: bool,
    /// `None` under turvakielto, or when none is recorded.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub service_task: String,
    pub legal_basis: String,
    pub guardians: Vec<GuardianCard>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardianCard {
    pub id: Uuid,
    pub name: String,
    pub masked_code: String,
    pub address: Option<String>,
    pub phone: Option<String>,
}

impl ClientCard {
    pub fn of(c: &Client, guardians: &[(Uuid, Client)], today: NaiveDate) -> ClientCard {
        let contact = |p: &Client, hidden: bool| {
            if hidden {
                (None, None)
            } else {
                (
                    address_line(p),
                    Some(p.phone.trim().to_owned()).filter(|s| !s.is_empty()),
                )
            }
        };
        let (address, phone) = contact(c, c.turvakielto);
        ClientCard {
            name: c.name(),
            masked_code: c.masked_code.clone(),
            age: c.age_on(today),
            home_municipality: c.home_municipality.clone(),
            language: c.language,
            turvakielto: c.turvakielto,
            address,
            phone,
            service_task: c.service_task.clone(),
            legal_basis: c.legal_basis.clone(),
            guardians: guardians
                .iter()
                .map(|(id, g)| {
                    let (address, phone) = contact(g, g.turvakielto || c.turvakielto);
                    GuardianCard {
                        id: *id,
                        name: g.name(),
                        masked_code: g.masked_code.clone(),
                        address,
                        phone,
                    }
                })
                .collect(),
        }
    }
}

/// The address on one line, or `None` when none is recorded.
fn address_line(c: &Client) -> Option<String> {
    let town = [c.postal_code.trim(), c.city.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let parts: Vec<&str> = [c.street_address.trim(), town.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A family as a unit of service.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    pub name: String,
    pub members: Vec<Uuid>,
}

/// The client form as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ClientForm {
    pub identity_code: String,
    pub first_name: String,
    pub last_name: String,
    pub home_municipality: String,
    pub language: String,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    /// "yes" when turvakielto applies.
    pub turvakielto: String,
    pub service_task: String,
    pub legal_basis: String,
}

impl ClientForm {
    /// Checks the form; the parsed identity code comes back beside the record.
    pub fn validate(&self) -> Result<(PersonalIdentityCode, Client), FieldErrors> {
        let mut e = FieldErrors::default();
        let code = match PersonalIdentityCode::parse(&self.identity_code) {
            Ok(c) => Some(c),
            Err(err) => {
                e.add("identity_code", err.code());
                None
            }
        };
        let first_name = e.required("first_name", &self.first_name, 100);
        let last_name = e.required("last_name", &self.last_name, 100);
        let home_municipality = e.required("home_municipality", &self.home_municipality, 100);
        let language = match Lang::parse(&self.language) {
            Some(l) if !self.language.trim().is_empty() => l,
            _ => {
                e.add("language", "language-unknown");
                Lang::Fi
            }
        };
        let street_address = e.optional("street_address", &self.street_address, 200);
        let postal_code = if self.postal_code.trim().is_empty() {
            String::new()
        } else {
            e.postal_code("postal_code", &self.postal_code)
        };
        let city = e.optional("city", &self.city, 100);
        let phone = e.optional("phone", &self.phone, 40);
        match code {
            Some(code) if e.is_empty() => {
                let client = Client {
                    first_name,
                    last_name,
                    birth_date: code.birth_date(),
                    masked_code: code.masked(),
                    home_municipality,
                    language,
                    street_address,
                    postal_code,
                    city,
                    phone,
                    turvakielto: self.turvakielto == "yes",
                    guardians: Vec::new(),
                    family: None,
                    responsible_worker: None,
                    team: String::new(),
                    service_task: self.service_task.trim().to_owned(),
                    legal_basis: self.legal_basis.trim().to_owned(),
                    closed_on: None,
                    died_on: None,
                };
                Ok((code, client))
            }
            _ => Err(e),
        }
    }
}

/// What an earlier version of a client's record is shown with: the dates the retention period
/// follows from. The rest of an earlier version (names, addresses) is not shown again, so that
/// turvakielto and data minimisation need no second rule for versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct EndDates {
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
    #[serde(default)]
    pub died_on: Option<NaiveDate>,
}

/// The social worker records that the client's matter was closed, or the date of death.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub closed_on: String,
    #[serde(default)]
    pub died_on: String,
}

impl EndForm {
    /// The two dates (either may be empty, which clears it), neither in the future nor before
    /// the client's birth.
    pub fn read(
        &self,
        birth: NaiveDate,
        today: NaiveDate,
    ) -> Result<(Option<NaiveDate>, Option<NaiveDate>), FieldErrors> {
        let mut e = FieldErrors::default();
        let mut date = |field: &str, s: &str| {
            if s.trim().is_empty() {
                return None;
            }
            match crate::staff::parse_date(s) {
                None => {
                    e.add(field, "date-format");
                    None
                }
                Some(d) if d > today => {
                    e.add(field, "date-in-future");
                    None
                }
                Some(d) if d < birth => {
                    e.add(field, "date-before-birth");
                    None
                }
                d => d,
            }
        };
        let closed = date("closed_on", &self.closed_on);
        let died = date("died_on", &self.died_on);
        if e.is_empty() {
            Ok((closed, died))
        } else {
            Err(e)
        }
    }
}
