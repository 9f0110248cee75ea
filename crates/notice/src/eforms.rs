//! eForms UBL notices.

use crate::xml::Doc;
use crate::{NoticeError, Reading};

/// Root elements of eForms notices.
pub(crate) fn is_root(name: &str) -> bool {
    matches!(
        name,
        "ContractNotice"
            | "PriorInformationNotice"
            | "ContractAwardNotice"
            | "BusinessRegistrationInformationNotice"
    )
}

pub(crate) fn read(doc: &Doc<'_>) -> Result<Reading, NoticeError> {
    let _ = doc;
    Err(NoticeError::whole(
        doc.file(),
        crate::ErrorKind::UnknownFormat("eForms reader not written yet".into()),
    ))
}
