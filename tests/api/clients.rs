//! The LAND API as its real clients call it: each test sends the exact URL a
//! client sends (query encoding and headers included) and checks the fields
//! that client reads. The clients: the marketplace web app
//! (marketplace-legacy `webapp/src/lib/api.js` and its sagas, 2018 to 2020),
//! decentraland/cli (`src/lib/API.ts`), decentraland-gatsby (`Land.ts`),
//! rcn-loans' Decentraland cosigner provider, and the Unity explorer's map
//! thumbnails (`MapUtils.GetMarketPlaceThumbnailUrl`, `MapChunk`).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::png::fetch;
use crate::common::{app, dataset, get, get_accepting, ids};
use land::domain::mortgage::MortgageStatus;
use land::domain::parcel::Parcel;

/// What Chrome and Firefox send.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// The parcel ids of a box, as the reference orders them: x ascending, then y
/// descending, cut to the city.
fn box_ids(min_x: i32, max_x: i32, min_y: i32, max_y: i32) -> Vec<String> {
    (min_x.max(-150)..=max_x.min(150))
        .flat_map(|x| {
            (min_y.max(-150)..=max_y.min(150))
                .rev()
                .map(move |y| format!("{x},{y}"))
        })
        .collect()
}

// --- The marketplace web app -------------------------------------------

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
    assert!(parcels.iter().all(|p| p.get("publication").is_some()));
    let estates = data["assets"]["estates"].as_array().unwrap();
    assert!(!estates.is_empty());
    assert_eq!(data["total"], 11_869 + estates.len());
    // Compressed tenfold at least, so that it fits a Lambda response.
    assert!(
        answer.wire_bytes * 10 < 5_000_000,
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
    let expected: Vec<&str> = mortgages
        .iter()
        .filter(|m| &m.borrower == borrower && wanted.contains(&m.status))
        .map(|m| m.tx_hash.as_str())
        .collect();
    assert!(
        !expected.is_empty()
            && expected.len() < mortgages.iter().filter(|m| &m.borrower == borrower).count(),
        "the borrower has mortgages on both sides of the filter"
    );
    for query in [
        "status[]=pending&status[]=ongoing&status[]=paid",
        "status=pending,ongoing,paid",
        "status=pending&status=ongoing&status=paid",
        "status%5B%5D=pending&status%5B%5D=ongoing&status%5B%5D=paid",
    ] {
        let answer = get(&format!("/v1/addresses/{borrower}/mortgages?{query}")).await;
        let got: Vec<&str> = answer
            .data()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["tx_hash"].as_str().unwrap())
            .collect();
        let mut sorted = got.clone();
        sorted.sort_unstable();
        let mut want = expected.clone();
        want.sort_unstable();
        assert_eq!(sorted, want, "{query}");
    }

    // `fetchMortgages(x, y, [...])` on the parcel with the most mortgages.
    let on = &mortgages
        .iter()
        .max_by_key(|m| {
            mortgages
                .iter()
                .filter(|o| o.asset_id == m.asset_id)
                .count()
        })
        .unwrap()
        .asset_id;
    let (x, y) = on.split_once(',').unwrap();
    let answer = get(&format!(
        "/v1/parcels/{x}/{y}/mortgages?status[]=pending&status[]=ongoing&status[]=paid"
    ))
    .await;
    let expected = mortgages
        .iter()
        .filter(|m| &m.asset_id == on && wanted.contains(&m.status))
        .count();
    assert_eq!(answer.data().as_array().unwrap().len(), expected);
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
    let count = |statuses: &[&str]| {
        bids.iter()
            .filter(|b| &b.bidder == address || &b.seller == address)
            .filter(|b| {
                statuses.contains(&serde_json::to_value(b.status).unwrap().as_str().unwrap())
            })
            .count()
    };
    let answer = get(&format!(
        "/v1/addresses/{address}/bids?status[]=open&status[]=sold"
    ))
    .await;
    let got = answer.data().as_array().unwrap();
    assert_eq!(got.len(), count(&["open", "sold"]));
    assert!(
        count(&["open", "sold"]) > count(&["open"]),
        "the filter is checked"
    );
    assert!(
        got.iter()
            .all(|b| b["status"] == "open" || b["status"] == "sold")
    );
    // `handleFetchAddress`: bids and bid assets with one status; the saga
    // keeps estate bids whose asset's `token_id` it finds.
    let open = get(&format!("/v1/addresses/{address}/bids?status=open")).await;
    assert_eq!(open.data().as_array().unwrap().len(), count(&["open"]));
    let assets = get(&format!("/v1/bids/{address}/assets?status=open")).await;
    for asset in assets.data().as_array().unwrap() {
        assert!(
            asset["token_id"].is_string() || asset["x"].is_number(),
            "{asset}"
        );
    }
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
    let owner = with_lists.owner.as_deref().unwrap();
    for kind in ["parcels", "estates"] {
        let answer = get(&format!("/v1/addresses/{owner}/{kind}")).await;
        for asset in answer.data().as_array().unwrap() {
            for list in ["approvals_for_all", "update_managers"] {
                assert!(asset[list].is_array(), "{kind} without {list}: {asset}");
            }
        }
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

// --- decentraland/cli ----------------------------------------------------

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

    let land = get(&format!("/v1/addresses/{}/parcels", estate.owner)).await;
    for p in land.data().as_array().unwrap() {
        assert!(p["x"].is_i64() && p["y"].is_i64(), "{p}");
    }
    let estates = get(&format!("/v1/addresses/{}/estates", estate.owner)).await;
    assert!(ids(estates.data()).contains(&estate.id));
}

// --- decentraland-gatsby -------------------------------------------------

/// `getParcels(options)` sends both the camelCase and the snake_case sort
/// keys (URLSearchParams, in object order); the camelCase ones are unknown
/// and ignored.
#[tokio::test]
async fn gatsby_get_parcels_with_both_key_spellings() {
    let answer = get(
        "/v1/parcels?status=open&sortBy=price&sortOrder=desc&limit=10&offset=0&sort_by=price&sort_order=desc",
    )
    .await;
    let data = answer.data();
    let prices: Vec<f64> = data["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["publication"]["price"].as_f64().unwrap())
        .collect();
    assert_eq!(prices.len(), 10);
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "{prices:?}");
}

/// `getMapContent(nw, se)` percent-encodes the commas; `getImage(...)` does
/// the same for `center` and the `;` of `selected`.
#[tokio::test]
async fn gatsby_map_content_and_image_with_encoded_commas() {
    let answer = get("/v1/map?nw=-10%2C10&se=10%2C-10").await;
    assert_eq!(
        ids(&answer.data()["assets"]["parcels"]),
        box_ids(-10, 10, -10, 10)
    );
    let picture = fetch(
        &app().await,
        "/v1/map.png?width=500&height=500&size=10&center=20%2C21&selected=20%2C20%3B20%2C21&publications=true",
        None,
    )
    .await
    .pixmap();
    assert_eq!((picture.width(), picture.height()), (500, 500));
}

// --- rcn-loans' cosigner provider ----------------------------------------

/// `getParcelInfo(x, y)` asks a one-parcel box and reads `parcels[0]`: its
/// `id` ("x,y", split on the comma), `auction_price`, `owner`,
/// `district_id`, `tags.proximity` and `publication.status`.
#[tokio::test]
async fn rcn_cosigner_parcel_info_and_districts() {
    let near_road = dataset()
        .parcels
        .iter()
        .find(|p| p.owner.is_some() && p.tags.proximity.is_some() && p.x < 0)
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
    assert!(first["publication"].is_null() || first["publication"]["status"].is_string());
    let districts = get("/v1/districts").await;
    let first = &districts.data()[0];
    for field in ["id", "name", "description", "link"] {
        assert!(first.get(field).is_some(), "district without {field}");
    }
}

// --- The Unity explorer --------------------------------------------------

/// `GetMarketPlaceThumbnailUrl(parcels, 196, 143, 50)`: one parcel asks
/// `size=50`, over the reference's 40, and gets the picture at size 40; a
/// wide estate in the land panel asks `size=0` and gets it at 5.
#[tokio::test]
async fn unity_marketplace_thumbnails_with_sizes_out_of_range() {
    let app = app().await;
    let single = fetch(
        &app,
        "/v1/map.png?width=196&height=143&size=50&center=10,20&selected=10,20",
        None,
    )
    .await;
    let clamped = fetch(
        &app,
        "/v1/map.png?width=196&height=143&size=40&center=10,20&selected=10,20",
        None,
    )
    .await;
    assert_eq!(single.pixmap(), clamped.pixmap());
    let estate = fetch(
        &app,
        "/v1/map.png?width=100&height=100&size=0&center=0,0&selected=-1,-1;0,-1;-1,0;0,0",
        None,
    )
    .await
    .pixmap();
    assert_eq!((estate.width(), estate.height()), (100, 100));
    // `MapChunk`: the minimap's 1020 x 1020 chunks at 20 pixels a parcel.
    let chunk = fetch(
        &app,
        "/v1/map.png?center=0,0&width=1020&height=1020&size=20",
        None,
    )
    .await
    .pixmap();
    assert_eq!((chunk.width(), chunk.height()), (1020, 1020));
    // A dashboard sends `width=auto`: malformed, still a 400 naming it.
    let auto = get("/v1/map.png?width=auto&height=auto&size=15").await;
    let message = auto.error(400, "invalid_parameter");
    assert!(message.contains("width"), "{message}");
}

#[test]
fn box_ids_follow_the_reference_order() {
    assert_eq!(box_ids(0, 1, 0, 1), ["0,1", "0,0", "1,1", "1,0"]);
    assert_eq!(box_ids(149, 152, -150, -150), ["149,-150", "150,-150"]);
}
