//! Look-ups for start-up code (the demo): a lot's order, a commitment period within the lot's
//! procurement, and a commitment's provider. They read without an actor and are not logged.

use crate::{ServiceError, ServiceResult};
use chrono::NaiveDate;
use db::doc::{self, Doc, Table};
use domain::commitment::Commitment;
use domain::procurement::{Lot, Procurement};
use uuid::Uuid;

impl crate::Setup {
    /// The lot's order as application ids, for start-up code (the demo).
    pub async fn demo_lot_order(&self, lot: Uuid) -> ServiceResult<Vec<Uuid>> {
        let mut tx = self.db.begin_read().await?;
        let order = self.lot_order(&mut tx, lot).await?;
        tx.rollback().await?;
        Ok(order.into_iter().map(|o| o.application).collect())
    }

    /// A period of about four months within the lot's procurement: from `day` where it still
    /// runs, else its last months (the demo).
    pub async fn demo_commitment_period(
        &self,
        lot: Uuid,
        day: NaiveDate,
    ) -> ServiceResult<(NaiveDate, NaiveDate)> {
        let mut tx = self.db.begin_read().await?;
        let l: Option<Doc<Lot>> = doc::get(&mut tx, Table::Lots, lot).await?;
        let p: Option<Doc<Procurement>> = match l.and_then(|l| l.parent_id) {
            Some(pid) => doc::get(&mut tx, Table::Procurements, pid).await?,
            None => None,
        };
        tx.rollback().await?;
        let p = p.ok_or(ServiceError::NotFound)?;
        let end = p.data.ends_with_options();
        let span = chrono::Days::new(120);
        if p.data.starts_on <= day && day <= end {
            Ok((day, (day + span).min(end)))
        } else {
            let start = (end - span).max(p.data.starts_on);
            Ok((start, end))
        }
    }

    /// The provider a commitment was sent to, for start-up code (the demo).
    pub async fn demo_commitment_provider(&self, id: Uuid) -> ServiceResult<Uuid> {
        let mut tx = self.db.begin_read().await?;
        let c: Option<Doc<Commitment>> = doc::get(&mut tx, Table::Commitments, id).await?;
        tx.rollback().await?;
        c.map(|c| c.data.provider).ok_or(ServiceError::NotFound)
    }
}
