//! Legacy Hilma write-API notices (JSON).

use crate::{NoticeError, Reading};

pub(crate) fn read(text: &str, file: &str) -> Result<Reading, NoticeError> {
    let _ = text;
    Err(NoticeError::whole(
        file,
        crate::ErrorKind::UnknownFormat("Hilma reader not written yet".into()),
    ))
}
