//! Pure types and rules of Kumppani: identifiers that parse on construction, money, the working-day
//! calendar, organisations and roles, the access policy and audit events. No I/O, no async.

pub mod access;
pub mod agreement;
pub mod api_key;
pub mod application;
pub mod audit;
pub mod calendar;
pub mod checkpoint;
pub mod client;
pub mod codes;
pub mod commitment;
pub mod correction;
pub mod cost_sharing;
pub mod delivery;
pub mod evidence;
pub mod forecast;
pub mod ident;
pub mod invoice;
pub mod locale;
pub mod log_request;
pub mod money;
pub mod org;
pub mod processing;
pub mod procurement;
pub mod register;
pub mod requirement;
pub mod scorecard;
pub mod search;
pub mod settlement;
pub mod staff;
pub mod supervision;
pub mod time;
pub mod validate;
pub mod visit;
pub mod volume_report;
pub mod work_money;
