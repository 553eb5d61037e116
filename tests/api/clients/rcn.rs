//! rcn-loans' Decentraland cosigner provider
//! (`decentraland-cosigner-provider.ts`): Angular `HttpClient`, raw commas.

use crate::common::{NOW, dataset, get};

/// `getParcelInfo(x, y)` asks a one-parcel box and reads `parcels[0]`: its
/// `id` ("x,y", split on the comma), `auction_price`, `owner`,
/// `district_id`, `tags.proximity` and `publication.status`.
#[tokio::test]
async fn rcn_cosigner_parcel_info_and_districts() {
    let near_road = dataset()
        .parcels
        .iter()
        .find(|p| {
            p.owner.is_some()
                && p.tags.proximity.is_some()
                && p.x < 0
                && dataset().publications.iter().any(|publication| {
                    publication.asset_id == p.id && publication.expires_at >= NOW
                })
        })
        .unwrap();
    let at = format!("{},{}", near_road.x, near_road.y);
    let answer = get(&format!("/v1/parcels?nw={at}&se={at}")).await;
    let first = &answer.data()["parcels"][0];
    assert_eq!(first["id"], at);
    assert_eq!(first["x"], near_road.x);
    assert_eq!(first["y"], near_road.y);
    assert_eq!(first["owner"], near_road.owner.as_deref().unwrap());
    assert!(first["tags"]["proximity"].is_object(), "{first}");
    assert!(first.get("auction_price").is_some() && first.get("district_id").is_some());
    assert!(first["publication"]["status"].is_string(), "{first}");
    let single = get(&format!("/v1/parcels/{}/{}", near_road.x, near_road.y)).await;
    assert_eq!(first["publication"], single.data()["publication"]);
    let districts = get("/v1/districts").await;
    let first = &districts.data()[0];
    for field in ["id", "name", "description", "link"] {
        assert!(first.get(field).is_some(), "district without {field}");
    }
}
