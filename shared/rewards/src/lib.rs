//! The Rewards API. Step 5 adds its domain, auth and route families here;
//! today it holds the reward queue, kept out of every LAND function.

pub mod queue;
