//! The LAND API as a library: the domain, one folder per route family (its
//! handlers, its store port), the adapters of those ports, and the map.
//! The Lambda entry points and the local server only wire these together.
//! It knows nothing of the Rewards API.

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
pub mod store;
pub mod translations;

pub use app::{LandBackend, LandStore};
pub use config::{Config, ConfigError};
