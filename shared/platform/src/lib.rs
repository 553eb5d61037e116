//! What both APIs share and no route family owns: the HTTP envelope and
//! error type, the extractors and layers, signed requests (signed fetch), the
//! rate limits, the store error, the clock, telemetry, AWS configuration and the generic
//! DynamoDB helpers.
//!
//! This crate knows no family: it depends on neither LAND nor Rewards.

pub mod address;
pub mod aws;
pub mod clock;
pub mod dynamo;
pub mod http;
pub mod rate_limit;
pub mod signed_fetch;
pub mod store;
pub mod telemetry;
