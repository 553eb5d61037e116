//! Plain types and rules of the LAND API: no AWS type, no HTTP type, no I/O.

pub mod address;
pub mod bid;
pub mod coords;
pub mod district;
pub mod listing;
pub mod map;
pub mod mortgage;
pub mod num;
pub mod parcel;
pub mod proximity;
pub mod publication;
pub mod status;
pub mod token_id;
pub mod translations;
