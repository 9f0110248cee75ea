//! The demo data, as a library so that the integration tests walk the same demo that
//! `kumppani demo` serves; the binary in `main.rs` is the command line around it.

pub mod demo;
mod demo_agreements;
pub mod demo_clients;
mod demo_cost_sharing;
pub mod demo_delivery;
mod demo_invoices;
mod demo_procurement;
mod demo_registers;
mod demo_supervision;
pub mod invoice_file;
