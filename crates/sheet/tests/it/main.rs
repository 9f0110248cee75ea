//! The one integration-test binary of `sheet`: CSV and XLSX read and written, and a workbook
//! saved by another program (openpyxl) read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod csv;
mod xlsx;
