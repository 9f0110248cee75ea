//! Organisations and the roles their users hold.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What kind of organisation this is. Purchasers order services; providers deliver them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A wellbeing services county (hyvinvointialue), or Helsinki.
    County,
    Municipality,
    Company,
    Ngo,
    /// A public body's own production that sells to a purchaser under an internal agreement
    /// (a municipal enterprise, liikelaitos, or the city's production side in a
    /// purchaser–provider model, as in seed 003). A provider like the others.
    PublicProducer,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] = [
        OrgKind::County,
        OrgKind::Municipality,
        OrgKind::Company,
        OrgKind::Ngo,
        OrgKind::PublicProducer,
    ];

    pub fn is_purchaser(self) -> bool {
        matches!(self, OrgKind::County | OrgKind::Municipality)
    }

    pub fn is_provider(self) -> bool {
        !self.is_purchaser()
    }

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::County => "county",
            OrgKind::Municipality => "municipality",
            OrgKind::Company => "company",
            OrgKind::Ngo => "ngo",
            OrgKind::PublicProducer => "public_producer",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A role a user holds in their own organisation. Purchaser roles exist only in purchaser
/// organisations and provider roles only in provider organisations.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PurchaserAdmin,
    ProcurementSpecialist,
    SocialWorker,
    LeadingSocialWorker,
    Controller,
    Auditor,
    ProviderSignatory,
    ServiceManager,
    Worker,
    /// A client or guardian with an account in the purchaser's register of people (local for
    /// now; Suomi.fi identification later). Sees and confirms only their own or their
    /// children's visits. Given from the client's page, never through the user form.
    ClientOrGuardian,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::PurchaserAdmin,
        Role::ProcurementSpecialist,
        Role::SocialWorker,
        Role::LeadingSocialWorker,
        Role::Controller,
        Role::Auditor,
        Role::ProviderSignatory,
        Role::ServiceManager,
        Role::Worker,
        Role::ClientOrGuardian,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::PurchaserAdmin => "purchaser_admin",
            Role::ProcurementSpecialist => "procurement_specialist",
            Role::SocialWorker => "social_worker",
            Role::LeadingSocialWorker => "leading_social_worker",
            Role::Controller => "controller",
            Role::Auditor => "auditor",
            Role::ProviderSignatory => "provider_signatory",
            Role::ServiceManager => "service_manager",
            Role::Worker => "worker",
            Role::ClientOrGuardian => "client_or_guardian",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn is_purchaser_role(self) -> bool {
        matches!(
            self,
            Role::PurchaserAdmin
                | Role::ProcurementSpecialist
                | Role::SocialWorker
                | Role::LeadingSocialWorker
                | Role::Controller
                | Role::Auditor
        )
    }

    /// Whether a user of an organisation of `kind` may hold this role.
    pub fn fits(self, kind: OrgKind) -> bool {
        // Person accounts are tied to a person of the register, so the user form never grants it.
        self != Role::ClientOrGuardian && self.is_purchaser_role() == kind.is_purchaser()
    }

    /// The roles a user of an organisation of `kind` may hold.
    pub fn for_kind(kind: OrgKind) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| r.fits(kind))
    }
}

/// The signed-in person on whose behalf a use case runs. Built by the service layer from the
/// session; never from request data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub org_id: Uuid,
    pub org_kind: OrgKind,
    pub roles: Vec<Role>,
    /// For a client's or guardian's account: the person in the purchaser's client register.
    pub person: Option<Uuid>,
    /// For a provider system calling with an API key: the operations the key allows. The key
    /// acts as the provider's worker would, within these only.
    pub key: Option<Vec<crate::api_key::Operation>>,
    /// The team the user works in (a purchaser's social work team); empty for none. A county
    /// worker's access to clients follows the team (703/2023 9 §: access by task).
    pub team: String,
    /// For a provider's user: the service unit they work in. A commitment names the unit that
    /// serves it, and such a user reaches only the commitments of that unit, their delivery
    /// and their clients (703/2023 9 §). None: every unit of the organisation (the signatory,
    /// a manager of several units, a provider system's key).
    pub unit: Option<Uuid>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The administrator role of the actor's own organisation: purchaser admin in a purchaser
    /// organisation, the signatory in a provider organisation.
    pub fn is_org_admin(&self) -> bool {
        if self.org_kind.is_purchaser() {
            self.has(Role::PurchaserAdmin)
        } else {
            self.has(Role::ProviderSignatory)
        }
    }
}

use crate::ident::BusinessId;
use crate::locale::Lang;
use crate::validate::FieldErrors;
use chrono::{DateTime, NaiveDate, Utc};

/// A purchaser or provider organisation as stored.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: Uuid,
    pub kind: OrgKind,
    pub name: String,
    pub business_id: BusinessId,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub email: String,
    pub phone: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of an organisation as a person or an API client gives them, before checking.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OrganisationForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub business_id: String,
    #[serde(default)]
    pub street_address: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// Checked organisation details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationData {
    pub kind: OrgKind,
    pub name: String,
    pub business_id: BusinessId,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub email: String,
    pub phone: String,
}

impl OrganisationForm {
    pub fn validate(&self) -> Result<OrganisationData, FieldErrors> {
        let mut errs = FieldErrors::default();
        let kind = OrgKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.add("kind", "org-kind-unknown");
        }
        let name = errs.required("name", &self.name, 200);
        let business_id = match BusinessId::parse(&self.business_id) {
            Ok(b) => Some(b),
            Err(e) => {
                errs.add("business_id", e.code());
                None
            }
        };
        let street_address = errs.required("street_address", &self.street_address, 200);
        let postal_code = errs.postal_code("postal_code", &self.postal_code);
        let city = errs.required("city", &self.city, 100);
        let email = errs.email("email", &self.email, false);
        let phone = errs.optional("phone", &self.phone, 40);
        match (kind, business_id, errs.is_empty()) {
            (Some(kind), Some(business_id), true) => Ok(OrganisationData {
                kind,
                name,
                business_id,
                street_address,
                postal_code,
                city,
                email,
                phone,
            }),
            _ => Err(errs),
        }
    }
}

impl From<&Organisation> for OrganisationForm {
    fn from(o: &Organisation) -> Self {
        OrganisationForm {
            kind: o.kind.code().into(),
            name: o.name.clone(),
            business_id: o.business_id.to_string(),
            street_address: o.street_address.clone(),
            postal_code: o.postal_code.clone(),
            city: o.city.clone(),
            email: o.email.clone(),
            phone: o.phone.clone(),
        }
    }
}

/// A provider's service unit (palveluyksikkö) as stored.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceUnit {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    /// The municipality the unit is in, by name.
    pub municipality: String,
    /// The unit's number in Soteri, Valvira's register of social and health services.
    pub soteri_number: String,
    /// The day Soteri registered the unit.
    pub soteri_registered: Option<NaiveDate>,
    /// The service-unit OID of the national SOTE organisation register (1.2.246.10.…).
    pub oid: String,
    pub languages: Vec<Lang>,
    /// Municipalities the unit serves, by name.
    pub served_municipalities: Vec<String>,
    /// Clients the unit can take at once, and how many more it can take now.
    pub capacity: Option<i64>,
    pub free_capacity: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ServiceUnitForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub street_address: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub soteri_number: String,
    /// The day of registration, `YYYY-MM-DD` or `d.m.yyyy`.
    #[serde(default)]
    pub soteri_registered: String,
    #[serde(default)]
    pub oid: String,
    /// Municipality names, separated by commas or new lines.
    #[serde(default)]
    pub served_municipalities: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub free_capacity: String,
    /// Language codes, e.g. `["fi", "sv"]`.
    #[serde(default)]
    pub languages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUnitData {
    pub name: String,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub municipality: String,
    pub soteri_number: String,
    pub soteri_registered: Option<NaiveDate>,
    pub oid: String,
    pub languages: Vec<Lang>,
    pub served_municipalities: Vec<String>,
    pub capacity: Option<i64>,
    pub free_capacity: Option<i64>,
}

impl ServiceUnitForm {
    pub fn validate(&self) -> Result<ServiceUnitData, FieldErrors> {
        let mut errs = FieldErrors::default();
        let name = errs.required("name", &self.name, 200);
        let street_address = errs.required("street_address", &self.street_address, 200);
        let postal_code = errs.postal_code("postal_code", &self.postal_code);
        let city = errs.required("city", &self.city, 100);
        let municipality = errs.required("municipality", &self.municipality, 100);
        let soteri_number = errs.optional("soteri_number", &self.soteri_number, 40);
        if !soteri_number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errs.add("soteri_number", "soteri-format");
        }
        // The number and the day go together: one without the other is no registration.
        let soteri_registered = match self.soteri_registered.trim() {
            "" => None,
            s => {
                let d = crate::staff::parse_date(s);
                if d.is_none() {
                    errs.add("soteri_registered", "date-format");
                }
                d
            }
        };
        if soteri_registered.is_some() && soteri_number.is_empty() {
            errs.add("soteri_number", "soteri-incomplete");
        }
        if !soteri_number.is_empty()
            && soteri_registered.is_none()
            && errs.get("soteri_registered").is_none()
        {
            errs.add("soteri_registered", "soteri-incomplete");
        }
        let oid = errs.optional("oid", &self.oid, 100);
        if !oid.is_empty() && !is_oid(&oid) {
            errs.add("oid", "oid-format");
        }
        let mut languages = Vec::new();
        for l in &self.languages {
            match Lang::parse(l) {
                Some(l) if !languages.contains(&l) => languages.push(l),
                Some(_) => {}
                None => errs.add("languages", "language-unknown"),
            }
        }
        if languages.is_empty() && errs.get("languages").is_none() {
            errs.add("languages", "required");
        }
        let served_municipalities: Vec<String> = self
            .served_municipalities
            .split([',', '\n'])
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect();
        let count = |errs: &mut FieldErrors, field: &str, v: &str| match v.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=100_000).contains(&n) => Some(n),
                _ => {
                    errs.add(field, "number-format");
                    None
                }
            },
        };
        let capacity = count(&mut errs, "capacity", &self.capacity);
        let free_capacity = count(&mut errs, "free_capacity", &self.free_capacity);
        if let (Some(c), Some(f)) = (capacity, free_capacity) {
            if f > c {
                errs.add("free_capacity", "free-over-capacity");
            }
        }
        if errs.is_empty() {
            Ok(ServiceUnitData {
                name,
                street_address,
                postal_code,
                city,
                municipality,
                soteri_number,
                soteri_registered,
                oid,
                languages,
                served_municipalities,
                capacity,
                free_capacity,
            })
        } else {
            Err(errs)
        }
    }
}

impl ServiceUnit {
    /// Whether the unit is in Soteri on `day`: its number, and a registration day no later
    /// (Act on the Supervision of Social and Health Care 741/2023, 5 §: a private provider's
    /// unit may not produce the service before it is registered). Admission and a payment
    /// commitment ask this.
    pub fn registered_in_soteri(&self, day: NaiveDate) -> bool {
        !self.soteri_number.trim().is_empty() && self.soteri_registered.is_some_and(|d| d <= day)
    }
}

impl From<&ServiceUnit> for ServiceUnitForm {
    fn from(u: &ServiceUnit) -> Self {
        ServiceUnitForm {
            name: u.name.clone(),
            street_address: u.street_address.clone(),
            postal_code: u.postal_code.clone(),
            city: u.city.clone(),
            municipality: u.municipality.clone(),
            soteri_number: u.soteri_number.clone(),
            soteri_registered: u
                .soteri_registered
                .map(|d| d.to_string())
                .unwrap_or_default(),
            oid: u.oid.clone(),
            languages: u.languages.iter().map(|l| l.code().to_owned()).collect(),
            served_municipalities: u.served_municipalities.join(", "),
            capacity: u.capacity.map(|c| c.to_string()).unwrap_or_default(),
            free_capacity: u.free_capacity.map(|c| c.to_string()).unwrap_or_default(),
        }
    }
}

/// An ISO object identifier: dot-separated decimal arcs, such as `1.2.246.10.12345678.10.1`.
pub fn is_oid(s: &str) -> bool {
    let arcs: Vec<&str> = s.split('.').collect();
    arcs.len() >= 2
        && arcs
            .iter()
            .all(|a| !a.is_empty() && a.len() <= 20 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// A user account as others see it (never the password hash).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub language: Lang,
    pub active: bool,
    pub roles: Vec<Role>,
    /// For a client's or guardian's account: the person in the client register.
    pub person_id: Option<Uuid>,
    /// The user's team; empty for none.
    pub team: String,
    /// A provider user's service unit; none for every unit of the organisation.
    pub unit: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// Required when creating; when editing, empty keeps the old password.
    #[serde(default)]
    pub password: String,
    /// The social work team, as the organisation names its teams.
    #[serde(default)]
    pub team: String,
    /// A provider user's service unit (its id); empty for every unit.
    #[serde(default)]
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub language: Lang,
    pub roles: Vec<Role>,
    pub password: Option<String>,
    pub team: String,
    /// Checked against the organisation's own units by the use case.
    pub unit: Option<Uuid>,
}

pub const MIN_PASSWORD_LEN: usize = 12;

/// A user name as stored (trimmed, lower case); 3–64 of a–z, digits and `. - _ @`.
pub fn check_username(errs: &mut FieldErrors, raw: &str) -> String {
    let username = raw.trim().to_lowercase();
    if username.is_empty() {
        errs.add("username", "required");
    } else if username.len() < 3
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
    {
        errs.add("username", "username-format");
    }
    username
}

impl UserForm {
    /// Checks the form for a user of an organisation of `kind`; `creating` makes the password
    /// required.
    pub fn validate(&self, kind: OrgKind, creating: bool) -> Result<UserData, FieldErrors> {
        let mut errs = FieldErrors::default();
        let username = check_username(&mut errs, &self.username);
        let display_name = errs.required("display_name", &self.display_name, 200);
        let email = errs.email("email", &self.email, false);
        let team = errs.optional("team", &self.team, 80);
        let unit = match self.unit.trim() {
            "" => None,
            u => match Uuid::parse_str(u) {
                Ok(id) if !kind.is_purchaser() => Some(id),
                _ => {
                    errs.add("unit", "invalid-choice");
                    None
                }
            },
        };
        let language = if self.language.trim().is_empty() {
            Lang::Fi
        } else {
            Lang::parse(&self.language).unwrap_or_else(|| {
                errs.add("language", "language-unknown");
                Lang::Fi
            })
        };
        let mut roles = Vec::new();
        for r in &self.roles {
            match Role::parse(r.trim()) {
                Some(role) if role.fits(kind) => {
                    if !roles.contains(&role) {
                        roles.push(role);
                    }
                }
                Some(_) => errs.add("roles", "role-wrong-organisation-kind"),
                None => errs.add("roles", "role-unknown"),
            }
        }
        if roles.is_empty() && errs.get("roles").is_none() {
            errs.add("roles", "roles-required");
        }
        roles.sort();
        let password = if self.password.is_empty() {
            if creating {
                errs.add("password", "required");
            }
            None
        } else if self.password.chars().count() < MIN_PASSWORD_LEN {
            errs.add("password", "password-too-short");
            None
        } else {
            Some(self.password.clone())
        };
        if errs.is_empty() {
            Ok(UserData {
                username,
                display_name,
                email,
                language,
                roles,
                password,
                team,
                unit,
            })
        } else {
            Err(errs)
        }
    }
}

impl From<&User> for UserForm {
    fn from(u: &User) -> Self {
        UserForm {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            language: u.language.code().into(),
            roles: u.roles.iter().map(|r| r.code().to_owned()).collect(),
            password: String::new(),
            team: u.team.clone(),
            unit: u.unit.map(|u| u.to_string()).unwrap_or_default(),
        }
    }
}

/// One grant or revocation in the register of users and rights.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleChange {
    pub user_id: Uuid,
    pub role: Role,
    pub granted: bool,
    pub changed_by: Option<Uuid>,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// The grants and revocations that take a user from `old` roles to `new` roles.
pub fn role_diff(old: &[Role], new: &[Role]) -> Vec<(Role, bool)> {
    let mut out: Vec<(Role, bool)> = new
        .iter()
        .filter(|r| !old.contains(r))
        .map(|r| (*r, true))
        .collect();
    out.extend(old.iter().filter(|r| !new.contains(r)).map(|r| (*r, false)));
    out
}
