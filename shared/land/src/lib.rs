//! The LAND API (and, later, the Rewards API) as a library: the domain, the
//! ports each route family needs, the adapters, and one axum router per
//! route family. The Lambda entry points and the local server only wire
//! these together.

pub mod app;
pub mod bids;
pub mod config;
pub mod districts;
pub mod domain;
pub mod estates;
pub mod http;
pub mod map;
pub mod mortgages;
pub mod parcels;
pub mod publications;
pub mod queue;
pub mod seed;
pub mod store;
pub mod telemetry;
pub mod translations;
