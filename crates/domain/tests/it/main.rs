//! The one integration-test binary of `domain`.

mod access;
mod agreement;
mod application;
mod calendar;
mod checkpoint;
mod client;
mod codes;
mod cost_sharing;
mod delivery;
mod demo_data;
mod forecast;
mod ident;
mod locale;
mod metadata;
mod money;
mod processing;
mod requirement;
mod retention;
mod search;
mod settlement;
mod staff;
mod supervision;
mod threshold;
mod version;
mod visit;
