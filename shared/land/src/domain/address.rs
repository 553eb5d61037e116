//! Ethereum addresses: the platform's one parser, shared with the Rewards API.

pub use platform::address::{AddressError, normalize};
