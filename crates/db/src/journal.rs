//! Group commit of the access log's rows for reads.
//!
//! A read of client data must be in the access log before the page that shows it is sent
//! (Client Data Act 703/2023, 10 §), and the log is one hash chain, so its rows are appended one
//! writer at a time. Appending each read's row in a write transaction of its own would put every
//! page behind the one write lock. Instead a read transaction keeps its rows aside
//! ([`crate::Tx`]), and on commit hands them here: the first reader to arrive writes, in one
//! transaction, the rows of every reader that is waiting by then; those who arrive while it
//! writes are written together in the next turn. Each reader returns only once its own rows are
//! committed, or with the error that stopped them.

use crate::{Db, DbError, Result};
use chrono::{DateTime, Utc};
use domain::audit::AuditEvent;
use std::sync::{Mutex, PoisonError};
use tokio::sync::oneshot;

/// One row to append: the event and when it happened.
pub(crate) type Row = (AuditEvent, DateTime<Utc>);

type Answer = std::result::Result<(), String>;

struct Waiting {
    rows: Vec<Row>,
    done: oneshot::Sender<Answer>,
}

#[derive(Default)]
pub(crate) struct Journal {
    /// Rows handed in and not yet taken by a writer.
    queue: Mutex<Vec<Waiting>>,
    /// Held by the one reader writing a batch.
    turn: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").finish_non_exhaustive()
    }
}

impl Journal {
    /// Appends `rows` to the log, with those of every reader waiting at the same time, and
    /// returns once they are committed.
    pub(crate) async fn write(&self, db: &Db, rows: Vec<Row>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let (done, mut answer) = oneshot::channel();
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Waiting { rows, done });
        let turn = self.turn.lock().await;
        // A writer before us answers everyone it took before it lets the next one in: our rows
        // were either written in its batch, or are still waiting in the queue.
        match answer.try_recv() {
            Ok(r) => return r.map_err(DbError::Journal),
            Err(oneshot::error::TryRecvError::Closed) => {
                return Err(DbError::Journal(
                    "the writer stopped before answering".into(),
                ))
            }
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let mut batch =
            std::mem::take(&mut *self.queue.lock().unwrap_or_else(PoisonError::into_inner));
        let rows: Vec<Row> = batch.iter_mut().flat_map(|w| w.rows.drain(..)).collect();
        let written = async {
            let mut tx = db.begin().await?;
            crate::audit::append_rows(&mut tx, rows).await?;
            // The connection's own commit: a write transaction has nothing deferred.
            tx.conn.commit().await
        }
        .await;
        let shared: Answer = written.as_ref().map(|_| ()).map_err(ToString::to_string);
        for w in batch {
            // A reader that went away no longer needs its answer; its rows are written anyway.
            let _ = w.done.send(shared.clone());
        }
        drop(turn);
        match answer.await {
            Ok(r) => r.map_err(DbError::Journal),
            Err(_) => Err(DbError::Journal(
                "the writer stopped before answering".into(),
            )),
        }
    }
}
