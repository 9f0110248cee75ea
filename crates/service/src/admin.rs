//! Administering organisations, their service units and their users, with the register of users
//! and rights.

use crate::auth::event;
use crate::gate::Target;
use crate::{password, Service, ServiceError, ServiceResult, Setup};
use db::{organisation, unit, user, Tx};
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, AuditEvent, RecordKind};
use domain::org::{
    Actor, Organisation, OrganisationForm, RoleChange, ServiceUnit, ServiceUnitForm, User, UserForm,
};
use domain::validate::FieldErrors;
use uuid::Uuid;

/// An organisation with what the actor may see of it.
#[derive(Debug, Clone)]
pub struct OrganisationView {
    pub organisation: Organisation,
    pub units: Vec<ServiceUnit>,
    /// `None` when the actor may not see the organisation's users.
    pub users: Option<Vec<User>>,
    /// What the actor may do here, from the policy.
    pub may_update: bool,
    pub may_list_units: bool,
    pub may_create_units: bool,
}

#[derive(Debug, Clone)]
pub struct UserView {
    pub user: User,
    pub organisation: Organisation,
    pub history: Vec<RoleChange>,
    /// Whether the actor may change it through the user form.
    pub may_update: bool,
}

impl Service {
    // ---- organisations ------------------------------------------------------------------

    /// The organisation register. Names and business IDs are public; no access-log row.
    pub async fn organisations(&self, actor: &Actor) -> ServiceResult<Vec<Organisation>> {
        let _ = actor;
        let mut tx = self.db.begin_read().await?;
        let list = organisation::list(&mut tx).await?;
        tx.rollback().await?;
        Ok(list)
    }

    pub async fn organisation(&self, actor: &Actor, id: Uuid) -> ServiceResult<OrganisationView> {
        let mut tx = self.db.begin_read().await?;
        let r = self.organisation_in(&mut tx, actor, id).await;
        self.finish(tx, r).await
    }

    /// The service units a provider user may be tied to on the user form: the organisation's
    /// own, to whoever may list them; none for a purchaser.
    pub async fn unit_choices(
        &self,
        actor: &Actor,
        org_id: Uuid,
    ) -> ServiceResult<Vec<(Uuid, String)>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let Some(org) = organisation::get(&mut tx, org_id).await? else {
                return Ok(Vec::new());
            };
            let res = Resource::ServiceUnits {
                org_id,
                org_kind: org.kind,
            };
            if !org.kind.is_provider() || self.policy(actor, Action::List, res).is_err() {
                return Ok(Vec::new());
            }
            Ok(unit::list_for(&mut tx, org_id)
                .await?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect())
        }
        .await;
        self.finish(tx, r).await
    }

    async fn organisation_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<OrganisationView> {
        let org = organisation::get(tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let units = if self
            .policy(
                actor,
                Action::List,
                Resource::ServiceUnits {
                    org_id: id,
                    org_kind: org.kind,
                },
            )
            .is_ok()
        {
            unit::list_for(tx, id).await?
        } else {
            Vec::new()
        };
        let users = if self
            .policy(actor, Action::List, Resource::Users { org_id: id })
            .is_ok()
        {
            let users = user::list_for(tx, id).await?;
            let mut ev = event(Some(actor), AuditAction::List, RecordKind::User);
            ev.register_owner = Some(id);
            ev.details = format!("users of organisation {id}: {} shown", users.len());
            ev.subjects = users.iter().map(|u| u.id).collect();
            self.record(tx, ev).await?;
            Some(users)
        } else {
            None
        };
        let units_res = Resource::ServiceUnits {
            org_id: id,
            org_kind: org.kind,
        };
        Ok(OrganisationView {
            may_update: self.may(actor, Action::Update, Resource::Organisation { org_id: id }),
            may_list_units: org.kind.is_provider() && self.may(actor, Action::List, units_res),
            may_create_units: org.kind.is_provider() && self.may(actor, Action::Create, units_res),
            organisation: org,
            units,
            users,
        })
    }

    pub async fn create_organisation(
        &self,
        actor: &Actor,
        form: &OrganisationForm,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = Target {
            kind: RecordKind::Organisation,
            id: Some(id),
            owner: Some(id),
            subject: None,
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Organisations,
                AuditAction::Create,
                &t,
            )
            .await?;
            let data = form.validate().map_err(ServiceError::Invalid)?;
            if organisation::by_business_id(&mut tx, &data.business_id)
                .await?
                .is_some()
            {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "business_id",
                    "business-id-taken",
                )));
            }
            organisation::insert(&mut tx, id, &data, self.now()).await?;
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.details = format!("{} {}", data.kind.code(), data.business_id);
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    pub async fn update_organisation(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &OrganisationForm,
    ) -> ServiceResult<()> {
        let t = Target {
            kind: RecordKind::Organisation,
            id: Some(id),
            owner: Some(id),
            subject: None,
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            let org = organisation::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            self.authorize(
                &mut tx,
                actor,
                Action::Update,
                Resource::Organisation { org_id: id },
                AuditAction::Update,
                &t,
            )
            .await?;
            // The kind is fixed at creation: a form cannot turn a provider into a purchaser.
            let mut form = form.clone();
            form.kind = org.kind.code().to_owned();
            let data = form.validate().map_err(ServiceError::Invalid)?;
            if let Some(other) = organisation::by_business_id(&mut tx, &data.business_id).await? {
                if other.id != id {
                    return Err(ServiceError::Invalid(FieldErrors::single(
                        "business_id",
                        "business-id-taken",
                    )));
                }
            }
            organisation::update(&mut tx, id, &data, self.now()).await?;
            self.record(&mut tx, self.ev(actor, AuditAction::Update, &t))
                .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, Some(&t))
            .await
    }

    pub async fn set_organisation_active(
        &self,
        actor: &Actor,
        id: Uuid,
        active: bool,
    ) -> ServiceResult<()> {
        let t = Target {
            kind: RecordKind::Organisation,
            id: Some(id),
            owner: Some(id),
            subject: None,
        };
        let action = if active {
            AuditAction::Update
        } else {
            AuditAction::Deactivate
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            organisation::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            self.authorize(
                &mut tx,
                actor,
                Action::Deactivate,
                Resource::Organisation { org_id: id },
                action,
                &t,
            )
            .await?;
            organisation::set_active(&mut tx, id, active, self.now()).await?;
            let mut ev = self.ev(actor, action, &t);
            ev.details = if active { "reactivated" } else { "deactivated" }.into();
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }

    // ---- service units ------------------------------------------------------------------

    pub async fn service_unit(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<(ServiceUnit, Organisation)> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let u = unit::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let org = organisation::get(&mut tx, u.organisation_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = Target {
                kind: RecordKind::ServiceUnit,
                id: Some(id),
                owner: Some(org.id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Resource::ServiceUnit {
                    org_id: org.id,
                    org_kind: org.kind,
                },
                AuditAction::Read,
                &t,
            )
            .await?;
            Ok((u, org))
        }
        .await;
        self.finish(tx, r).await
    }

    pub async fn create_service_unit(
        &self,
        actor: &Actor,
        org_id: Uuid,
        form: &ServiceUnitForm,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = Target {
            kind: RecordKind::ServiceUnit,
            id: Some(id),
            owner: Some(org_id),
            subject: None,
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            let org = organisation::get(&mut tx, org_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::ServiceUnits {
                    org_id,
                    org_kind: org.kind,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            let data = form.validate().map_err(ServiceError::Invalid)?;
            unit::insert(&mut tx, id, org_id, &data, self.now()).await?;
            self.record(&mut tx, self.ev(actor, AuditAction::Create, &t))
                .await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    pub async fn update_service_unit(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &ServiceUnitForm,
    ) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let u = unit::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let org = organisation::get(&mut tx, u.organisation_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = target.insert(Target {
                kind: RecordKind::ServiceUnit,
                id: Some(id),
                owner: Some(org.id),
                subject: None,
            });
            self.authorize(
                &mut tx,
                actor,
                Action::Update,
                Resource::ServiceUnit {
                    org_id: org.id,
                    org_kind: org.kind,
                },
                AuditAction::Update,
                t,
            )
            .await?;
            let data = form.validate().map_err(ServiceError::Invalid)?;
            unit::update(&mut tx, id, &data, self.now()).await?;
            self.record(&mut tx, self.ev(actor, AuditAction::Update, t))
                .await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    pub async fn set_service_unit_active(
        &self,
        actor: &Actor,
        id: Uuid,
        active: bool,
    ) -> ServiceResult<()> {
        let action = if active {
            AuditAction::Update
        } else {
            AuditAction::Deactivate
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            let u = unit::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let org = organisation::get(&mut tx, u.organisation_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = Target {
                kind: RecordKind::ServiceUnit,
                id: Some(id),
                owner: Some(org.id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Deactivate,
                Resource::ServiceUnit {
                    org_id: org.id,
                    org_kind: org.kind,
                },
                action,
                &t,
            )
            .await?;
            unit::set_active(&mut tx, id, active, self.now()).await?;
            self.record(&mut tx, self.ev(actor, action, &t)).await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }

    // ---- users --------------------------------------------------------------------------

    /// The users of an organisation; a list view of protected records, so it is logged.
    pub async fn users(&self, actor: &Actor, org_id: Uuid) -> ServiceResult<Vec<User>> {
        let t = Target {
            kind: RecordKind::User,
            id: None,
            owner: Some(org_id),
            subject: None,
        };
        let mut tx = self.db.begin_read().await?;
        let r = async {
            organisation::get(&mut tx, org_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            self.authorize(
                &mut tx,
                actor,
                Action::List,
                Resource::Users { org_id },
                AuditAction::List,
                &t,
            )
            .await?;
            let users = user::list_for(&mut tx, org_id).await?;
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.details = format!("users of organisation {org_id}: {} shown", users.len());
            ev.subjects = users.iter().map(|u| u.id).collect();
            self.record(&mut tx, ev).await?;
            Ok(users)
        }
        .await;
        self.finish(tx, r).await
    }

    pub async fn user(&self, actor: &Actor, id: Uuid) -> ServiceResult<UserView> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let u = user::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = Target {
                kind: RecordKind::User,
                id: Some(id),
                owner: Some(u.organisation_id),
                subject: Some(id),
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Resource::User {
                    org_id: u.organisation_id,
                    user_id: id,
                    family_account: u.person_id.is_some(),
                },
                AuditAction::Read,
                &t,
            )
            .await?;
            let org = organisation::get(&mut tx, u.organisation_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let history = user::role_history(&mut tx, id).await?;
            self.record(&mut tx, self.ev(actor, AuditAction::Read, &t))
                .await?;
            let may_update = self.may(
                actor,
                Action::Update,
                Resource::User {
                    org_id: u.organisation_id,
                    user_id: id,
                    family_account: u.person_id.is_some(),
                },
            );
            Ok(UserView {
                user: u,
                organisation: org,
                history,
                may_update,
            })
        }
        .await;
        self.finish(tx, r).await
    }

    pub async fn create_user(
        &self,
        actor: &Actor,
        org_id: Uuid,
        form: &UserForm,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let t = Target {
            kind: RecordKind::User,
            id: Some(id),
            owner: Some(org_id),
            subject: Some(id),
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            let org = organisation::get(&mut tx, org_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            self.authorize(
                &mut tx,
                actor,
                Action::Create,
                Resource::Users { org_id },
                AuditAction::Create,
                &t,
            )
            .await?;
            let data = self
                .check_user_form(&mut tx, form, org.kind, true, id)
                .await?;
            self.insert_user(&mut tx, id, org_id, &data, Some(actor.user_id))
                .await?;
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.details = format!(
                "roles: {}",
                data.roles
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// Checks a user form, including whether the user name is free, so that every problem is
    /// reported at once.
    pub(crate) async fn check_user_form(
        &self,
        tx: &mut Tx,
        form: &UserForm,
        kind: domain::org::OrgKind,
        creating: bool,
        id: Uuid,
    ) -> ServiceResult<domain::org::UserData> {
        let checked = form.validate(kind, creating);
        let mut errs = checked.as_ref().err().cloned().unwrap_or_default();
        let username = form.username.trim().to_lowercase();
        if errs.get("username").is_none() && !username.is_empty() {
            if let Some(other) = user::id_by_username(tx, &username).await? {
                if other != id {
                    errs.0.insert(
                        0,
                        domain::validate::FieldError {
                            field: "username".into(),
                            code: "username-taken".into(),
                        },
                    );
                }
            }
        }
        match checked {
            Ok(data) if errs.is_empty() => Ok(data),
            _ => Err(ServiceError::Invalid(errs)),
        }
    }

    pub(crate) async fn insert_user(
        &self,
        tx: &mut Tx,
        id: Uuid,
        org_id: Uuid,
        data: &domain::org::UserData,
        by: Option<Uuid>,
    ) -> ServiceResult<()> {
        if user::id_by_username(tx, &data.username).await?.is_some() {
            return Err(ServiceError::Invalid(FieldErrors::single(
                "username",
                "username-taken",
            )));
        }
        let hash = password::hash(data.password.as_deref().unwrap_or_default())?;
        user::insert(
            tx,
            &user::NewUser {
                id,
                organisation_id: org_id,
                username: &data.username,
                display_name: &data.display_name,
                email: &data.email,
                language: data.language,
                password_hash: &hash,
            },
            self.now(),
        )
        .await?;
        user::set_roles(tx, id, &data.roles, by, self.now()).await?;
        if !data.team.is_empty() {
            user::set_team(tx, id, &data.team).await?;
        }
        if data.unit.is_some() {
            self.own_unit(tx, org_id, data.unit).await?;
            user::set_unit(tx, id, data.unit).await?;
        }
        Ok(())
    }

    /// A user's unit must be one of the organisation's own.
    async fn own_unit(&self, tx: &mut Tx, org_id: Uuid, unit: Option<Uuid>) -> ServiceResult<()> {
        let Some(unit) = unit else {
            return Ok(());
        };
        match db::unit::get(tx, unit).await? {
            Some(u) if u.organisation_id == org_id => Ok(()),
            _ => Err(ServiceError::Invalid(FieldErrors::single(
                "unit",
                "invalid-choice",
            ))),
        }
    }

    pub async fn update_user(&self, actor: &Actor, id: Uuid, form: &UserForm) -> ServiceResult<()> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let u = user::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = target.insert(Target {
                kind: RecordKind::User,
                id: Some(id),
                owner: Some(u.organisation_id),
                subject: Some(id),
            });
            self.authorize(
                &mut tx,
                actor,
                Action::Update,
                Resource::User {
                    org_id: u.organisation_id,
                    user_id: id,
                    family_account: u.person_id.is_some(),
                },
                AuditAction::Update,
                t,
            )
            .await?;
            let org = organisation::get(&mut tx, u.organisation_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let data = self
                .check_user_form(&mut tx, form, org.kind, false, id)
                .await?;
            // An administrator may not take their own administrator role away and so lock the
            // organisation out of its own administration.
            if id == actor.user_id
                && !data.roles.iter().any(|r| {
                    actor.roles.contains(r)
                        && matches!(
                            r,
                            domain::org::Role::PurchaserAdmin
                                | domain::org::Role::ProviderSignatory
                        )
                })
            {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "roles",
                    "role-own-admin",
                )));
            }
            user::update_profile(
                &mut tx,
                id,
                &data.username,
                &data.display_name,
                &data.email,
                data.language,
                self.now(),
            )
            .await?;
            if let Some(p) = &data.password {
                user::set_password(&mut tx, id, &password::hash(p)?, self.now()).await?;
            }
            let diff =
                user::set_roles(&mut tx, id, &data.roles, Some(actor.user_id), self.now()).await?;
            let mut ev = self.ev(actor, AuditAction::Update, t);
            let mut details: Vec<String> = diff
                .iter()
                .map(|(r, g)| format!("{}{}", if *g { "+" } else { "-" }, r.code()))
                .collect();
            if data.password.is_some() {
                details.push("password set".into());
            }
            // The team decides which clients the user reaches by task (703/2023 9 §), so its
            // change is in the log with the rights.
            if data.team != u.team {
                user::set_team(&mut tx, id, &data.team).await?;
                details.push(format!("team: {} -> {}", u.team, data.team));
            }
            // Likewise a provider user's unit, which decides the commitments they reach.
            if data.unit != u.unit {
                self.own_unit(&mut tx, u.organisation_id, data.unit).await?;
                user::set_unit(&mut tx, id, data.unit).await?;
                let text = |x: Option<Uuid>| x.map(|x| x.to_string()).unwrap_or_default();
                details.push(format!("unit: {} -> {}", text(u.unit), text(data.unit)));
            }
            ev.details = details.join(", ");
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Deactivates (or reactivates) an account. Deactivation ends its sessions at once and keeps
    /// the account and its history: the register of users and rights must show who had access.
    pub async fn set_user_active(
        &self,
        actor: &Actor,
        id: Uuid,
        active: bool,
    ) -> ServiceResult<()> {
        let action = if active {
            AuditAction::Update
        } else {
            AuditAction::Deactivate
        };
        let mut tx = self.db.begin().await?;
        let r = async {
            let u = user::get(&mut tx, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let t = Target {
                kind: RecordKind::User,
                id: Some(id),
                owner: Some(u.organisation_id),
                subject: Some(id),
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Deactivate,
                Resource::User {
                    org_id: u.organisation_id,
                    user_id: id,
                    family_account: u.person_id.is_some(),
                },
                action,
                &t,
            )
            .await?;
            if !active && id == actor.user_id {
                return Err(ServiceError::Invalid(FieldErrors::single(
                    "active",
                    "deactivate-self",
                )));
            }
            user::set_active(&mut tx, id, active, self.now()).await?;
            if !active {
                db::session::delete_for_user(&mut tx, id).await?;
            }
            let mut ev = self.ev(actor, action, &t);
            ev.details = if active { "reactivated" } else { "deactivated" }.into();
            self.record(&mut tx, ev).await?;
            Ok(())
        }
        .await;
        self.finish(tx, r).await
    }
}

// ---- set-up by the operator (command line, demo) -----------------------------------------

impl Setup {
    /// Creates an organisation on the operator's authority, outside any user's rights: for the
    /// first organisation of a deployment and for the demo. Logged with the actor "system".
    pub async fn bootstrap_organisation(&self, form: &OrganisationForm) -> ServiceResult<Uuid> {
        let data = form.validate().map_err(ServiceError::Invalid)?;
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        if organisation::by_business_id(&mut tx, &data.business_id)
            .await?
            .is_some()
        {
            tx.rollback().await?;
            return Err(ServiceError::Invalid(FieldErrors::single(
                "business_id",
                "business-id-taken",
            )));
        }
        organisation::insert(&mut tx, id, &data, self.now()).await?;
        let mut ev = system_event(AuditAction::Create, RecordKind::Organisation);
        ev.record_id = Some(id);
        ev.register_owner = Some(id);
        ev.details = format!("{} {}", data.kind.code(), data.business_id);
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a user on the operator's authority; see [`Setup::bootstrap_organisation`].
    pub async fn bootstrap_user(&self, org_id: Uuid, form: &UserForm) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let r = async {
            let org = organisation::get(&mut tx, org_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let data = form
                .validate(org.kind, true)
                .map_err(ServiceError::Invalid)?;
            self.insert_user(&mut tx, id, org_id, &data, None).await?;
            let mut ev = system_event(AuditAction::Create, RecordKind::User);
            ev.record_id = Some(id);
            ev.subject_id = Some(id);
            ev.register_owner = Some(org_id);
            self.record(&mut tx, ev).await?;
            Ok(id)
        }
        .await;
        self.finish(tx, r).await
    }
}

pub(crate) fn system_event(action: AuditAction, kind: RecordKind) -> AuditEvent {
    let mut ev = event(None, action, kind);
    ev.actor_name = "system".into();
    ev
}

impl Service {
    /// Organisation names by id, for showing log entries and lists. Public register data.
    pub async fn organisation_names(
        &self,
    ) -> ServiceResult<std::collections::HashMap<Uuid, String>> {
        let mut tx = self.db.begin_read().await?;
        let list = organisation::list(&mut tx).await?;
        tx.rollback().await?;
        Ok(list.into_iter().map(|o| (o.id, o.name)).collect())
    }

    /// The id behind a user name, for the auditor's filter. Reveals no more than the log does.
    pub async fn user_id_by_username(&self, username: &str) -> ServiceResult<Option<Uuid>> {
        let mut tx = self.db.begin_read().await?;
        let id = user::id_by_username(&mut tx, &username.trim().to_lowercase()).await?;
        tx.rollback().await?;
        Ok(id)
    }
}

impl Setup {
    /// Creates a service unit on the operator's authority; see [`Setup::bootstrap_organisation`].
    pub async fn bootstrap_service_unit(
        &self,
        org_id: Uuid,
        form: &ServiceUnitForm,
    ) -> ServiceResult<Uuid> {
        let data = form.validate().map_err(ServiceError::Invalid)?;
        let id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        unit::insert(&mut tx, id, org_id, &data, self.now()).await?;
        let mut ev = system_event(AuditAction::Create, RecordKind::ServiceUnit);
        ev.record_id = Some(id);
        ev.register_owner = Some(org_id);
        self.record(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(id)
    }
}
