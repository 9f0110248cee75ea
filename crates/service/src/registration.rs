//! Providers register themselves: a company or an association enters its business ID and the
//! first user, who becomes its signatory and administers the rest. Nobody signed in is needed,
//! as on Hilma; what a new provider can do is limited to its own records until a purchaser admits
//! it.

use crate::admin::system_event;
use crate::{Service, ServiceError, ServiceResult};
use db::organisation;
use domain::audit::{AuditAction, RecordKind};
use domain::org::{OrgKind, OrganisationForm, UserForm};
use domain::validate::FieldErrors;
use uuid::Uuid;

impl Service {
    /// Creates the provider organisation and its signatory in one transaction. Errors of the
    /// user part are named `user_<field>`, since both parts have an e-mail field.
    pub async fn register_provider(
        &self,
        org: &OrganisationForm,
        user: &UserForm,
    ) -> ServiceResult<Uuid> {
        let mut user = user.clone();
        user.roles = vec!["provider_signatory".into()];
        let org_id = Uuid::now_v7();
        let user_id = Uuid::now_v7();
        let mut tx = self.db.begin().await?;
        let r = async {
            let mut errs = FieldErrors::default();
            let kind = OrgKind::parse(org.kind.trim());
            if !kind.is_some_and(OrgKind::is_provider) {
                errs.add("kind", "invalid-choice");
            }
            let org_data = match org.validate() {
                Ok(d) => {
                    if organisation::by_business_id(&mut tx, &d.business_id)
                        .await?
                        .is_some()
                    {
                        errs.add("business_id", "business-id-taken");
                    }
                    Some(d)
                }
                Err(e) => {
                    errs.0.extend(e.0.into_iter().filter(|x| x.field != "kind"));
                    None
                }
            };
            let user_data = match self
                .check_user_form(&mut tx, &user, OrgKind::Company, true, user_id)
                .await
            {
                Ok(d) => Some(d),
                Err(ServiceError::Invalid(e)) => {
                    for x in e.0 {
                        errs.add(&format!("user_{}", x.field), &x.code);
                    }
                    None
                }
                Err(e) => return Err(e),
            };
            let (Some(org_data), Some(user_data)) = (org_data, user_data) else {
                return Err(ServiceError::Invalid(errs));
            };
            if !errs.is_empty() {
                return Err(ServiceError::Invalid(errs));
            }
            organisation::insert(&mut tx, org_id, &org_data, self.now()).await?;
            let mut ev = system_event(AuditAction::Create, RecordKind::Organisation);
            ev.record_id = Some(org_id);
            ev.register_owner = Some(org_id);
            ev.details = format!(
                "self-registration {} {}",
                org_data.kind.code(),
                org_data.business_id
            );
            self.record(&mut tx, ev).await?;
            self.insert_user(&mut tx, user_id, org_id, &user_data, None)
                .await?;
            let mut ev = system_event(AuditAction::Create, RecordKind::User);
            ev.record_id = Some(user_id);
            ev.subject_id = Some(user_id);
            ev.register_owner = Some(org_id);
            ev.details = "self-registration: signatory".into();
            self.record(&mut tx, ev).await?;
            Ok(org_id)
        }
        .await;
        self.finish(tx, r).await
    }
}
