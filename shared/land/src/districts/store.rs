//! What the districts family needs from storage.

use async_trait::async_trait;

use crate::domain::district::{Contribution, District};
use platform::store::StoreResult;

#[async_trait]
pub trait DistrictStore: Send + Sync {
    async fn districts(&self) -> StoreResult<Vec<District>>;
    async fn district(&self, id: &str) -> StoreResult<Option<District>>;
    /// LAND the address contributed, summed per district.
    async fn contributions_of(&self, address: &str) -> StoreResult<Vec<Contribution>>;
}
