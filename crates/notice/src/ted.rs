//! TED XML R2.0.8 and R2.0.9: published `TED_EXPORT` documents and the eSender format.

use crate::xml::Doc;
use crate::{NoticeError, Reading};

/// Root elements of eSender documents that are a form itself (`F02_2014`, `CONTRACT_DEFENCE`, …).
pub(crate) fn is_form_root(name: &str) -> bool {
    let _ = name;
    false
}

pub(crate) fn read_export(doc: &Doc<'_>) -> Result<Reading, NoticeError> {
    Err(NoticeError::whole(
        doc.file(),
        crate::ErrorKind::UnknownFormat("TED reader not written yet".into()),
    ))
}

pub(crate) fn read_esender(doc: &Doc<'_>) -> Result<Reading, NoticeError> {
    read_export(doc)
}
