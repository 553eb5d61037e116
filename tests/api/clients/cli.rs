//! decentraland/cli (`src/lib/API.ts`, called by `Decentraland.ts`): plain
//! `fetch`, no status check.

use crate::common::{dataset, get, ids};
use serde_json::Value;
use std::collections::BTreeSet;

/// `getParcelInfo({x, y})`: one `GET /parcels/x/y`, reading `data.owner`,
/// `data.estate_id` and `data.data.{name, description}`.
#[tokio::test]
async fn cli_get_parcel_info() {
    let named = dataset()
        .parcels
        .iter()
        .find(|p| p.data.name.is_some() && p.owner.is_some())
        .unwrap();
    let answer = get(&format!("/v1/parcels/{}/{}", named.x, named.y)).await;
    let data = answer.data();
    assert_eq!(data["owner"], named.owner.as_deref().unwrap());
    assert_eq!(data["estate_id"], Value::Null);
    assert_eq!(data["data"]["name"], named.data.name.as_deref().unwrap());
    assert_eq!(
        data["data"]["description"],
        named.data.description.as_deref().unwrap()
    );
    // `getEstateIdOfLand` of a parcel in an estate.
    let in_estate = dataset()
        .parcels
        .iter()
        .find(|p| p.estate_id.is_some())
        .unwrap();
    let answer = get(&format!("/v1/parcels/{}/{}", in_estate.x, in_estate.y)).await;
    assert_eq!(
        answer.data()["estate_id"],
        in_estate.estate_id.as_deref().unwrap()
    );
}

/// `getEstateInfo(id)`: one `GET /estates/:id`, reading `data.owner`,
/// `data.data.{name, description}` and `data.data.parcels[].{x, y}`; then
/// `getLandOf` / `getEstatesOf` of its owner.
#[tokio::test]
async fn cli_get_estate_info_and_address_assets() {
    let estate = dataset()
        .estates
        .iter()
        .find(|e| !e.is_dissolved())
        .unwrap();
    let answer = get(&format!("/v1/estates/{}", estate.id)).await;
    let data = answer.data();
    assert_eq!(data["owner"], estate.owner);
    assert_eq!(data["data"]["name"], estate.data.name);
    assert_eq!(data["data"]["description"], estate.data.description);
    let parcels: BTreeSet<(i64, i64)> = data["data"]["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["x"].as_i64().unwrap(), p["y"].as_i64().unwrap()))
        .collect();
    let expected: BTreeSet<(i64, i64)> = estate
        .data
        .parcels
        .iter()
        .map(|p| (i64::from(p.x), i64::from(p.y)))
        .collect();
    assert_eq!(parcels, expected);

    // `getLandOf(owner)` maps `data[].{x, y}`: the estate's parcels are
    // among the owner's (they carry the estate's owner).
    let land = get(&format!("/v1/addresses/{}/parcels", estate.owner)).await;
    let owned: BTreeSet<(i64, i64)> = land
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["x"].as_i64().unwrap(), p["y"].as_i64().unwrap()))
        .collect();
    assert!(owned.is_superset(&expected));
    let estates = get(&format!("/v1/addresses/{}/estates", estate.owner)).await;
    assert!(ids(estates.data()).contains(&estate.id));
}
