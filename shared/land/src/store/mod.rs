//! Storage: the records every store holds and the adapters of the family
//! ports (each family declares its port next to its routes).

pub mod dataset;
pub mod dynamo;
pub mod embedded;

pub use dataset::{LandDataset, Record};
