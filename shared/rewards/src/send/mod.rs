//! Sending rewards: the sender takes assigned rewards from the queue and
//! mints them on chain with `issueTokens`, exactly once (see `docs/sender.md`).
//! The chain port is here; its ethers adapter is the `chain` crate.

pub mod chain;
pub mod sender;
pub mod store;
pub mod worker;

pub use sender::{Progress, SendError, Sender, SenderConfig};
pub use store::{Attempt, Outgoing, Pending, RewardMove, SendStore};
