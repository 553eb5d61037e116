//! `/v1/parcels/{x}/{y}/publications` and `/v1/publications/{txHash}`.

use crate::common::{NOW, dataset, get};
use land::domain::publication::{AssetType, StatusFilter};

#[tokio::test]
async fn every_publication_of_a_parcel_newest_first() {
    let data = dataset();
    // A parcel with a history of more than one publication.
    let asset_id = data
        .publications
        .iter()
        .filter(|p| p.asset_type == AssetType::Parcel)
        .map(|p| &p.asset_id)
        .find(|id| {
            data.publications
                .iter()
                .filter(|p| &p.asset_id == *id && p.asset_type == AssetType::Parcel)
                .count()
                > 1
        })
        .unwrap();
    let (x, y) = asset_id.split_once(',').unwrap();
    let answer = get(&format!("/v1/parcels/{x}/{y}/publications")).await;
    let rows = answer.data().as_array().unwrap();
    assert_eq!(
        rows.len(),
        data.publications
            .iter()
            .filter(|p| &p.asset_id == asset_id && p.asset_type == AssetType::Parcel)
            .count()
    );
    let created: Vec<i64> = rows
        .iter()
        .map(|r| r["block_time_created_at"].as_i64().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] > w[1]), "{created:?}");
    for (name, filter) in [
        ("sold", StatusFilter::Sold),
        ("cancelled", StatusFilter::Cancelled),
        ("open", StatusFilter::Open),
        ("expired", StatusFilter::Expired),
    ] {
        let filtered = get(&format!("/v1/parcels/{x}/{y}/publications?status={name}")).await;
        let expected = data
            .publications
            .iter()
            .filter(|p| {
                &p.asset_id == asset_id
                    && p.asset_type == AssetType::Parcel
                    && filter.matches(p, NOW)
            })
            .count();
        assert_eq!(
            filtered.data().as_array().unwrap().len(),
            expected,
            "{name}"
        );
    }
    get(&format!("/v1/parcels/{x}/{y}/publications?status=nope"))
        .await
        .error(400, "invalid_parameter");
}

#[tokio::test]
async fn one_publication_by_tx_hash() {
    let p = &dataset().publications[0];
    let answer = get(&format!(
        "/v1/publications/{}",
        p.tx_hash.to_uppercase().replacen("0X", "0x", 1)
    ))
    .await;
    let data = answer.data();
    for key in [
        "tx_hash",
        "tx_status",
        "owner",
        "price",
        "status",
        "buyer",
        "contract_id",
        "block_number",
        "expires_at",
        "block_time_created_at",
        "block_time_updated_at",
        "asset_type",
        "asset_id",
        "marketplace_address",
    ] {
        assert!(data.get(key).is_some(), "missing {key}");
    }
    assert_eq!(data["tx_hash"], p.tx_hash.as_str());
    assert!(
        data["expires_at"].is_i64(),
        "nested publication numbers are numbers"
    );
    let message = get("/v1/publications/0xabc").await.error(404, "not_found");
    assert!(message.contains("0xabc"));
}
