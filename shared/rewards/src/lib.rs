//! The Rewards API as a library: the domain, its secrets, one folder per
//! route family (`campaigns`, `rewards` with assignment, `captcha`), the store port with its SQLite and
//! DynamoDB adapters, and the reward queue. It knows nothing of LAND.

pub mod app;
pub mod campaigns;
pub mod captcha;
pub mod catalyst;
pub mod config;
pub mod domain;
pub mod http;
pub mod outbox;
pub mod queue;
pub mod rewards;
pub mod secrets;
pub mod send;
pub mod store;

pub use config::{Config, ConfigError};
pub use http::RewardsState;
