//! `/v1/bids...`, bids on parcels and estates, and bid assets.

use std::collections::BTreeSet;

use crate::common::{dataset, get};
use land::domain::bid::BidStatus;
use land::domain::publication::AssetType;

const BOOKKEEPING: [&str; 5] = [
    "block_number",
    "block_time_created_at",
    "block_time_updated_at",
    "created_at",
    "updated_at",
];

#[tokio::test]
async fn one_bid_with_every_field() {
    let bid = &dataset().bids[0];
    let answer = get(&format!("/v1/bids/{}", bid.id)).await;
    let data = answer.data();
    for key in [
        "id",
        "token_address",
        "token_id",
        "bidder",
        "seller",
        "price",
        "expires_at",
        "fingerprint",
        "status",
        "asset_id",
        "asset_type",
    ]
    .iter()
    .chain(BOOKKEEPING.iter())
    {
        assert!(data.get(*key).is_some(), "missing {key}");
    }
    assert!(
        data["expires_at"].is_string(),
        "expires_at is a string as in the reference"
    );
    assert!(data["block_time_created_at"].is_string());
    get("/v1/bids/0x1234").await.error(404, "not_found");
}

#[tokio::test]
async fn bids_of_an_address_as_bidder_or_seller_with_status() {
    let address = &dataset().bids[0].bidder;
    let expected = dataset()
        .bids
        .iter()
        .filter(|b| &b.bidder == address || &b.seller == address)
        .count();
    let answer = get(&format!("/v1/addresses/{address}/bids")).await;
    let all = answer.data().as_array().unwrap();
    assert_eq!(all.len(), expected);
    let open = get(&format!("/v1/addresses/{address}/bids?status=open")).await;
    let open = open.data().as_array().unwrap();
    assert_eq!(
        open.len(),
        dataset()
            .bids
            .iter()
            .filter(
                |b| (&b.bidder == address || &b.seller == address) && b.status == BidStatus::Open
            )
            .count()
    );
    assert!(open.iter().all(|b| b["status"] == "open"));
    get(&format!("/v1/addresses/{address}/bids?status=expired"))
        .await
        .error(400, "invalid_parameter");
}

#[tokio::test]
async fn bids_on_a_parcel_sanitized_by_default_newest_first() {
    // The parcel with the most bids, so that the order is really checked.
    let on_parcels = || {
        dataset()
            .bids
            .iter()
            .filter(|b| b.asset_type == AssetType::Parcel)
    };
    let bid = on_parcels()
        .max_by_key(|b| on_parcels().filter(|o| o.asset_id == b.asset_id).count())
        .unwrap();
    let (x, y) = bid.asset_id.split_once(',').unwrap();
    let answer = get(&format!("/v1/parcels/{x}/{y}/bids")).await;
    let bids = answer.data().as_array().unwrap();
    assert!(bids.iter().any(|b| b["id"] == bid.id.as_str()));
    for b in bids {
        for key in BOOKKEEPING {
            assert!(b.get(key).is_none(), "{key} must be sanitized away");
        }
        assert_eq!(b["asset_id"], bid.asset_id.as_str());
    }
    let full = get(&format!("/v1/parcels/{x}/{y}/bids?sanitize=false")).await;
    let full = full.data().as_array().unwrap();
    let times: Vec<i64> = full
        .iter()
        .map(|b| {
            b["block_time_created_at"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(times.len() >= 2, "a parcel with several bids: {times:?}");
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let only = get(&format!(
        "/v1/parcels/{x}/{y}/bids?bidder={}",
        bid.bidder.to_uppercase().replacen("0X", "0x", 1)
    ))
    .await;
    let mut got: Vec<&str> = only
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    let mut expected: Vec<&str> = on_parcels()
        .filter(|b| b.asset_id == bid.asset_id && b.bidder == bid.bidder)
        .map(|b| b.id.as_str())
        .collect();
    got.sort_unstable();
    expected.sort_unstable();
    assert!(got.contains(&bid.id.as_str()));
    assert_eq!(got, expected, "exactly the bidder's bids on the parcel");
    get(&format!("/v1/parcels/{x}/{y}/bids?sanitize=maybe"))
        .await
        .error(400, "invalid_parameter");
    get(&format!("/v1/parcels/{x}/{y}/bids?bidder=bob"))
        .await
        .error(400, "invalid_parameter");
    get("/v1/parcels/500/0/bids")
        .await
        .error(400, "invalid_parameter");
}

#[tokio::test]
async fn bids_on_an_estate_filtered_by_status() {
    let bid = dataset()
        .bids
        .iter()
        .find(|b| b.asset_type == AssetType::Estate)
        .unwrap();
    let status = serde_json::to_value(bid.status).unwrap();
    let answer = get(&format!(
        "/v1/estates/{}/bids?status={}",
        bid.asset_id,
        status.as_str().unwrap()
    ))
    .await;
    let bids = answer.data().as_array().unwrap();
    assert!(bids.iter().any(|b| b["id"] == bid.id.as_str()));
    assert!(
        bids.iter()
            .all(|b| b["status"] == status && b["asset_type"] == "estate")
    );
    // Like every per-asset route, an estate that does not exist is a 404.
    let message = get("/v1/estates/999999/bids").await.error(404, "not_found");
    assert_eq!(message, "Estate with id 999999 not found");
}

#[tokio::test]
async fn bid_assets_are_parcels_and_estates_without_duplicates() {
    let address = &dataset().bids[0].bidder;
    let expected: BTreeSet<String> = dataset()
        .bids
        .iter()
        .filter(|b| &b.bidder == address || &b.seller == address)
        .map(|b| b.asset_id.clone())
        .collect();
    let answer = get(&format!("/v1/bids/{address}/assets")).await;
    let assets = answer.data().as_array().unwrap();
    let got: Vec<String> = assets
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let unique: BTreeSet<String> = got.iter().cloned().collect();
    assert_eq!(got.len(), unique.len());
    assert_eq!(unique, expected);
    for asset in assets {
        // Parcels carry coordinates, estates carry their parcels.
        assert!(asset.get("x").is_some() || asset["data"].get("parcels").is_some());
    }
}
