//! The marketplace web app (marketplace-legacy `webapp/src/lib/api.js` and its
//! sagas, 2018 to 2020): axios `params`, arrays as `name[]=`.

use serde_json::Value;

use super::{BROWSER_ENCODINGS, box_ids};
use crate::common::{Answer, dataset, get, get_accepting, ids};
use land::domain::mortgage::MortgageStatus;
use land::domain::parcel::Parcel;
use std::collections::BTreeSet;

/// `fetchMapInRange(nw, se)` with the viewport of a 1920 x 1080 screen: the
/// browser accepts brotli and gets the whole box compressed; the saga reads
/// `assets.parcels`, `assets.estates` and each asset's `publication`.
#[tokio::test]
async fn web_app_map_viewport_of_a_full_hd_screen_comes_compressed() {
    let uri = "/v1/map?nw=-71,41&se=71,-41";
    let answer = get_accepting(uri, BROWSER_ENCODINGS).await;
    assert_eq!(answer.headers["content-encoding"], "br");
    assert!(
        answer.headers["vary"]
            .to_str()
            .unwrap()
            .contains("accept-encoding")
    );
    let data = answer.data();
    let parcels = data["assets"]["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 11_869);
    assert_eq!(ids(&data["assets"]["parcels"]), box_ids(-71, 71, -41, 41));
    assert!(parcels.iter().any(|p| p["publication"]["status"] == "open"));
    let estates = data["assets"]["estates"].as_array().unwrap();
    assert!(!estates.is_empty());
    assert_eq!(data["total"], 11_869 + estates.len());
    // Compressed tenfold at least, so that it fits a Lambda response.
    let plain_bytes = serde_json::to_vec(&answer.body).unwrap().len();
    assert!(plain_bytes > 5_000_000, "{plain_bytes}");
    assert!(
        answer.wire_bytes * 10 < plain_bytes,
        "{} bytes",
        answer.wire_bytes
    );

    // gzip decodes to the same JSON.
    let gzip = get_accepting(uri, "gzip").await;
    assert_eq!(gzip.headers["content-encoding"], "gzip");
    assert_eq!(gzip.body, answer.body);

    // A client that accepts no compression is told why and what to do.
    let plain = get(uri).await;
    let message = plain.error(400, "response_too_large");
    assert!(message.contains("Accept-Encoding: gzip"), "{message}");
    assert!(message.contains("smaller nw/se box"), "{message}");
}

/// A card preview near the city's south-west edge asks a box that reaches
/// outside: the parcels that exist are answered, in the box order.
#[tokio::test]
async fn web_app_boxes_reaching_outside_the_city_are_cut_to_it() {
    let expected = box_ids(-151, -141, -134, -124);
    assert_eq!(expected.len(), 10 * 11);
    let map = get("/v1/map?nw=-151,-124&se=-141,-134").await;
    assert_eq!(ids(&map.data()["assets"]["parcels"]), expected);
    // The older `fetchParcelsInRange` reads `parcels`.
    let parcels = get("/v1/parcels?nw=-151,-124&se=-141,-134").await;
    assert_eq!(ids(&parcels.data()["parcels"]), expected);
    assert_eq!(parcels.data()["total"], expected.len());
    // The north-east corner, past the edge on both axes.
    let corner = get("/v1/parcels?nw=148,152&se=153,147").await;
    assert_eq!(ids(&corner.data()["parcels"]), box_ids(148, 150, 147, 150));

    // Wholly outside: nothing, not an error.
    let outside = get("/v1/map?nw=151,10&se=170,-10").await;
    assert_eq!(outside.data()["total"], 0);
    assert_eq!(outside.data()["assets"]["parcels"], serde_json::json!([]));
    let outside = get("/v1/parcels?nw=-300,-200&se=-250,-250").await;
    assert_eq!(outside.data()["parcels"], serde_json::json!([]));

    // What stays refused: more than 15,000 parcels of the city, and corners
    // that are not "x,y" integers.
    let message = get_accepting("/v1/map?nw=-100,100&se=100,-100", "gzip")
        .await
        .error(400, "invalid_parameter");
    assert!(
        message.contains("40401 parcels") && message.contains("15000"),
        "{message}"
    );
    get("/v1/map?nw=1.5,2&se=3,4")
        .await
        .error(400, "invalid_parameter");
}

/// `fetchAssets('parcels' | 'estates', options)` of the marketplace page,
/// with axios' parameter order; the saga reads the list, `total` and each
/// asset's `publication`.
#[tokio::test]
async fn web_app_marketplace_page() {
    for tab in ["parcels", "estates"] {
        let uri =
            format!("/v1/{tab}?limit=20&offset=0&sort_by=created_at&sort_order=asc&status=open");
        let answer = get_accepting(&uri, BROWSER_ENCODINGS).await;
        let data = answer.data();
        let rows = data[tab].as_array().unwrap();
        assert_eq!(rows.len(), 20, "{tab}");
        assert!(data["total"].as_u64().unwrap() > 20, "{tab}");
        let created: Vec<i64> = rows
            .iter()
            .map(|a| {
                assert_eq!(a["publication"]["status"], "open", "{tab}");
                a["publication"]["block_time_created_at"].as_i64().unwrap()
            })
            .collect();
        assert!(created.is_sorted(), "{tab}: {created:?}");
    }
}

/// The mortgage saga asks pending, ongoing and paid mortgages: axios sends
/// the array as `status[]=...` (2019), the first version joined it with
/// commas (2018); both read the `data` array.
#[tokio::test]
async fn web_app_mortgages_in_several_statuses() {
    let wanted = [
        MortgageStatus::Pending,
        MortgageStatus::Ongoing,
        MortgageStatus::Paid,
    ];
    let mortgages = &dataset().mortgages;
    // The borrower with the most mortgages in and out of those statuses.
    let borrower = &mortgages
        .iter()
        .max_by_key(|m| {
            let theirs = mortgages.iter().filter(|o| o.borrower == m.borrower);
            let inside = theirs
                .clone()
                .filter(|o| wanted.contains(&o.status))
                .count();
            inside.min(theirs.count() - inside)
        })
        .unwrap()
        .borrower;
    // The unfiltered list, newest first, with the other statuses left out:
    // what the filtered list must be, in the same order.
    let kept = |list: &Answer| -> Vec<String> {
        list.data()
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| ["pending", "ongoing", "paid"].contains(&m["status"].as_str().unwrap()))
            .map(|m| m["tx_hash"].as_str().unwrap().to_string())
            .collect()
    };
    let tx_hashes = |list: &Answer| -> Vec<String> {
        list.data()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["tx_hash"].as_str().unwrap().to_string())
            .collect()
    };
    let all = get(&format!("/v1/addresses/{borrower}/mortgages")).await;
    let expected = kept(&all);
    assert!(
        !expected.is_empty() && expected.len() < all.data().as_array().unwrap().len(),
        "the borrower has mortgages on both sides of the filter"
    );
    for query in [
        "status[]=pending&status[]=ongoing&status[]=paid",
        "status=pending,ongoing,paid",
        "status=pending&status=ongoing&status=paid",
        "status%5B%5D=pending&status%5B%5D=ongoing&status%5B%5D=paid",
    ] {
        let answer = get(&format!("/v1/addresses/{borrower}/mortgages?{query}")).await;
        assert_eq!(tx_hashes(&answer), expected, "{query}");
    }

    // `fetchMortgages(x, y, [...])` on a parcel with mortgages on both sides
    // of the filter.
    let on = &mortgages
        .iter()
        .find(|m| {
            let theirs = mortgages.iter().filter(|o| o.asset_id == m.asset_id);
            let inside = theirs
                .clone()
                .filter(|o| wanted.contains(&o.status))
                .count();
            inside > 0 && inside < theirs.count()
        })
        .expect("a parcel with mortgages in and out of the filter")
        .asset_id;
    let (x, y) = on.split_once(',').unwrap();
    let all = get(&format!("/v1/parcels/{x}/{y}/mortgages")).await;
    let answer = get(&format!(
        "/v1/parcels/{x}/{y}/mortgages?status[]=pending&status[]=ongoing&status[]=paid"
    ))
    .await;
    assert_eq!(tx_hashes(&answer), kept(&all));
}

/// The bids of the profile page, as arrays: any of the statuses matches.
#[tokio::test]
async fn web_app_bids_in_several_statuses() {
    let bids = &dataset().bids;
    let address = &bids
        .iter()
        .max_by_key(|b| bids.iter().filter(|o| o.bidder == b.bidder).count())
        .unwrap()
        .bidder;
    let ids_in = |list: &Answer, statuses: &[&str]| -> Vec<String> {
        list.data()
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| statuses.contains(&b["status"].as_str().unwrap()))
            .map(|b| b["id"].as_str().unwrap().to_string())
            .collect()
    };
    let all = get(&format!("/v1/addresses/{address}/bids")).await;
    let open_or_sold = ids_in(&all, &["open", "sold"]);
    assert!(
        !ids_in(&all, &["sold"]).is_empty()
            && open_or_sold.len() < all.data().as_array().unwrap().len(),
        "the address has bids on both sides of the filter"
    );
    let answer = get(&format!(
        "/v1/addresses/{address}/bids?status[]=open&status[]=sold"
    ))
    .await;
    assert_eq!(ids_in(&answer, &["open", "sold"]), open_or_sold);
    assert_eq!(answer.data().as_array().unwrap().len(), open_or_sold.len());

    // `handleFetchAddress`: bids and their assets with one status; the saga
    // keeps estate bids whose asset's `token_id` it finds, so every asset
    // of an open bid must come, once.
    let open = get(&format!("/v1/addresses/{address}/bids?status=open")).await;
    let bid_assets: BTreeSet<String> = open
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["asset_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!bid_assets.is_empty());
    let assets = get(&format!("/v1/bids/{address}/assets?status=open")).await;
    let got: BTreeSet<String> = assets
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| match a["token_id"].as_str() {
            Some(estate_token) => estate_token.to_string(),
            None => a["id"].as_str().unwrap().to_string(),
        })
        .collect();
    assert_eq!(got, bid_assets);
}

/// `getRoles(address, asset)` calls `asset.approvals_for_all.includes(...)`
/// and `asset.update_managers.includes(...)` on every parcel and estate of
/// the profile page: both must be arrays, filled where the owner set them.
#[tokio::test]
async fn web_app_roles_read_approvals_and_update_managers() {
    for list in ["approvals_for_all", "update_managers"] {
        let granted = |p: &&Parcel| match list {
            "approvals_for_all" => !p.approvals_for_all.is_empty(),
            _ => !p.update_managers.is_empty(),
        };
        let with_list = dataset()
            .parcels
            .iter()
            .find(granted)
            .expect("the generator grants both lists to some owners");
        let answer = get(&format!("/v1/parcels/{}/{}", with_list.x, with_list.y)).await;
        let data = answer.data();
        assert_eq!(
            data["approvals_for_all"],
            serde_json::json!(with_list.approvals_for_all)
        );
        assert_eq!(
            data["update_managers"],
            serde_json::json!(with_list.update_managers)
        );
        assert!(!data[list].as_array().unwrap().is_empty(), "{list}");
    }

    let with_lists = dataset()
        .parcels
        .iter()
        .find(|p| !p.approvals_for_all.is_empty())
        .unwrap();
    // The profile page: every asset of the owner carries the owner's lists.
    let owner = with_lists.owner.as_deref().unwrap();
    let answer = get(&format!("/v1/addresses/{owner}/parcels")).await;
    let owned: Vec<&Value> = answer
        .data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["owner"] == owner)
        .collect();
    assert!(!owned.is_empty());
    for asset in owned {
        assert_eq!(
            asset["approvals_for_all"],
            serde_json::json!(with_lists.approvals_for_all),
            "{asset}"
        );
        assert_eq!(
            asset["update_managers"],
            serde_json::json!(with_lists.update_managers),
            "{asset}"
        );
    }
    let estate = dataset()
        .estates
        .iter()
        .find(|e| !e.approvals_for_all.is_empty())
        .unwrap();
    let answer = get(&format!("/v1/estates/{}", estate.id)).await;
    assert_eq!(
        answer.data()["approvals_for_all"],
        serde_json::json!(estate.approvals_for_all)
    );
    // Nobody approved for an unowned parcel: empty arrays, never null.
    let unowned = dataset()
        .parcels
        .iter()
        .find(|p| p.owner.is_none())
        .unwrap();
    let answer = get(&format!("/v1/parcels/{}/{}", unowned.x, unowned.y)).await;
    assert_eq!(answer.data()["approvals_for_all"], serde_json::json!([]));
    assert_eq!(answer.data()["update_managers"], serde_json::json!([]));
}
