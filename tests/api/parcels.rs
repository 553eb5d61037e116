//! `/v1/parcels...` and `/v1/addresses/{address}/parcels`.

use std::collections::BTreeSet;

use crate::common::{NOW, dataset, get, ids};
use land::domain::publication::{AssetType, PublicationStatus, StatusFilter};
use serde_json::Value;

/// Parcels with at least one publication matching the filter, from the raw data.
fn expected_listed(status: StatusFilter) -> BTreeSet<String> {
    dataset()
        .publications
        .iter()
        .filter(|p| p.asset_type == AssetType::Parcel && status.matches(p, NOW))
        .map(|p| p.asset_id.clone())
        .collect()
}

fn an_owner_with_parcels() -> String {
    dataset()
        .parcels
        .iter()
        .find_map(|p| p.owner.clone())
        .unwrap()
}

#[tokio::test]
async fn one_parcel_by_coordinates_with_the_reference_shape() {
    let answer = get("/v1/parcels/-48/-29").await;
    let parcel = answer.data();
    let keys: Vec<&str> = parcel
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "id",
        "x",
        "y",
        "auction_price",
        "district_id",
        "owner",
        "data",
        "auction_owner",
        "tags",
        "last_transferred_at",
        "in_estate",
        "publication",
    ] {
        assert!(keys.contains(&key), "missing {key} in {parcel}");
    }
    assert_eq!(parcel["id"], "-48,-29");
    assert_eq!(
        (parcel["x"].as_i64(), parcel["y"].as_i64()),
        (Some(-48), Some(-29))
    );
    assert!(parcel["last_transferred_at"].is_null() || parcel["last_transferred_at"].is_string());
}

#[tokio::test]
async fn a_district_parcel_has_its_district_and_no_proximity() {
    let parcel = get("/v1/parcels/0/-1").await;
    let parcel = parcel.data();
    assert_eq!(
        parcel["district_id"],
        "55327350-d9f0-4cae-b0f3-8745a0431099"
    );
    assert_eq!(parcel["tags"], serde_json::json!({}));
}

#[tokio::test]
async fn proximity_tags_name_the_nearest_road() {
    // A parcel outside the districts right next to a road parcel.
    let data = dataset();
    let road = "f77140f9-c7b4-4787-89c9-9fa0e219b079";
    let next_to_road =
        data.parcels
            .iter()
            .find(|p| {
                p.district_id.is_none()
                    && data.parcels.iter().any(|q| {
                        q.district_id.as_deref() == Some(road) && q.y == p.y && q.x == p.x + 1
                    })
            })
            .unwrap();
    let answer = get(&format!(
        "/v1/parcels/{}/{}",
        next_to_road.x, next_to_road.y
    ))
    .await;
    let tag = &answer.data()["tags"]["proximity"]["road"];
    assert_eq!(tag["district_id"], road);
    assert_eq!(tag["distance"], 0);
}

#[tokio::test]
async fn a_parcel_shows_its_current_publication() {
    let listed = expected_listed(StatusFilter::Open);
    let id = listed.iter().next().unwrap();
    let (x, y) = id.split_once(',').unwrap();
    let answer = get(&format!("/v1/parcels/{x}/{y}")).await;
    let publication = &answer.data()["publication"];
    assert_eq!(publication["asset_id"], id.as_str());
    assert_eq!(publication["status"], "open");
    assert!(publication["expires_at"].as_i64().unwrap() >= NOW);
    assert!(publication["price"].is_number());
}

#[tokio::test]
async fn by_token_id_in_decimal_hex_and_exact_exponential_form() {
    for token in [
        "115792089237316195423570985008687907837276713420356456256678977458620023701475",
        "0xffffffffffffffffffffffffffffffd0ffffffffffffffffffffffffffffffe3",
        "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE3",
    ] {
        let answer = get(&format!("/v1/parcels/{token}")).await;
        assert_eq!(answer.data()["id"], "-48,-29", "{token}");
    }
    let answer = get("/v1/parcels/3.40282366920938463463374607431768211458e+38").await;
    assert_eq!(answer.data()["id"], "1,2");
    let answer = get("/v1/parcels/0").await;
    assert_eq!(answer.data()["id"], "0,0");
    // Zero times ten to any power is zero: answered at once. This took 13 s
    // when the exponent counted multiplications; 5 s is a hang, not a timing.
    // (The handler is CPU-bound: a timer could not interrupt it, so the
    // elapsed time is checked after the answer.)
    let at_once = |uri: &'static str| async move {
        let started = std::time::Instant::now();
        let answer = get(uri).await;
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{uri} took {:?}",
            started.elapsed()
        );
        answer
    };
    let answer = at_once("/v1/parcels/0e4294967295").await;
    assert_eq!(answer.data()["id"], "0,0");
    let message = at_once("/v1/parcels/1e4294967295")
        .await
        .error(400, "invalid_parameter");
    assert!(message.contains("larger than 256 bits"), "{message}");
}

#[tokio::test]
async fn bad_token_ids_are_400() {
    let message = get("/v1/parcels/1.1579208923731619542357098500868790784067953708956584089131272353293770581592e+10").await.error(400, "invalid_parameter");
    assert!(message.contains("exact integer"), "{message}");
    let message = get("/v1/parcels/banana")
        .await
        .error(400, "invalid_parameter");
    assert!(message.contains("banana"), "{message}");
    // (151, 0) is outside the city.
    let message = get("/v1/parcels/0x9700000000000000000000000000000000")
        .await
        .error(400, "invalid_parameter");
    assert!(
        message.starts_with("Coords (151, 0) are out of bounds"),
        "{message}"
    );
}

#[tokio::test]
async fn encoded_id_matches_the_golden_value() {
    let answer = get("/v1/parcels/-48/-29/encodedId").await;
    assert_eq!(
        answer.data()["encoded_id"],
        "0xffffffffffffffffffffffffffffffd0ffffffffffffffffffffffffffffffe3"
    );
    assert_eq!(
        get("/v1/parcels/0/0/encodedId").await.data()["encoded_id"],
        "0x0"
    );
    assert_eq!(
        get("/v1/parcels/1/2/encodedId").await.data()["encoded_id"],
        "0x100000000000000000000000000000002"
    );
}

#[tokio::test]
async fn coordinates_are_checked() {
    let message = get("/v1/parcels/151/0")
        .await
        .error(400, "invalid_parameter");
    assert_eq!(
        message,
        "Coords (151, 0) are out of bounds: {\"minX\":-150,\"minY\":-150,\"maxX\":150,\"maxY\":150}"
    );
    let message = get("/v1/parcels/1.5/0/encodedId")
        .await
        .error(400, "invalid_parameter");
    assert_eq!(message, "Invalid coordinate \"x\" must be an integer");
    let message = get("/v1/parcels/0/abc")
        .await
        .error(400, "invalid_parameter");
    assert_eq!(message, "Invalid coordinate \"y\" must be an integer");
}

#[tokio::test]
async fn the_default_listing_is_open_parcels_newest_first() {
    let answer = get("/v1/parcels").await;
    let data = answer.data();
    let expected = expected_listed(StatusFilter::Open);
    assert_eq!(data["total"].as_u64().unwrap() as usize, expected.len());
    let parcels = data["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 20);
    let created: Vec<i64> = parcels
        .iter()
        .map(|p| p["publication"]["block_time_created_at"].as_i64().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "{created:?}");
    for p in parcels {
        assert_eq!(p["publication"]["status"], "open");
        assert!(p["publication"]["expires_at"].as_i64().unwrap() >= NOW);
        assert!(expected.contains(p["id"].as_str().unwrap()));
    }
}

fn key_of(parcel: &Value, sort_by: &str) -> f64 {
    let p = &parcel["publication"];
    match sort_by {
        "price" => p["price"].as_f64().unwrap(),
        "created_at" => p["block_time_created_at"].as_f64().unwrap(),
        "block_time_updated_at" => p["block_time_updated_at"]
            .as_f64()
            .or(p["block_time_created_at"].as_f64())
            .unwrap(),
        "expires_at" => p["expires_at"].as_f64().unwrap(),
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn every_sort_order_in_both_directions() {
    for (sort_by, default_asc) in [
        ("price", true),
        ("created_at", false),
        ("block_time_updated_at", false),
        ("expires_at", true),
    ] {
        for (order, asc) in [
            ("", default_asc),
            ("&sort_order=asc", true),
            ("&sort_order=desc", false),
        ] {
            let answer = get(&format!(
                "/v1/parcels?status=sold&sort_by={sort_by}{order}&limit=100"
            ))
            .await;
            let keys: Vec<f64> = answer.data()["parcels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| key_of(p, sort_by))
                .collect();
            assert!(keys.len() > 10, "{sort_by}");
            let sorted = keys
                .windows(2)
                .all(|w| if asc { w[0] <= w[1] } else { w[0] >= w[1] });
            assert!(sorted, "{sort_by}{order}: {keys:?}");
        }
    }
}

#[tokio::test]
async fn pages_are_stable_and_cover_every_match_once() {
    let total = get("/v1/parcels?sort_by=price").await.data()["total"]
        .as_u64()
        .unwrap() as usize;
    let mut seen = Vec::new();
    let mut offset = 0;
    while offset < total {
        let answer = get(&format!(
            "/v1/parcels?sort_by=price&limit=100&offset={offset}"
        ))
        .await;
        seen.extend(ids(&answer.data()["parcels"]));
        offset += 100;
    }
    let unique: BTreeSet<_> = seen.iter().cloned().collect();
    assert_eq!(seen.len(), total);
    assert_eq!(unique.len(), total);
    assert_eq!(unique, expected_listed(StatusFilter::Open));
    // The same page twice is the same page.
    let a = get("/v1/parcels?sort_by=price&limit=13&offset=26").await;
    let b = get("/v1/parcels?sort_by=price&limit=13&offset=26").await;
    assert_eq!(a.body, b.body);
    // Past the end: empty page, same total.
    let past = get(&format!("/v1/parcels?offset={}", total + 5)).await;
    assert_eq!(past.data()["parcels"].as_array().unwrap().len(), 0);
    assert_eq!(past.data()["total"].as_u64().unwrap() as usize, total);
}

#[tokio::test]
async fn every_status_filter() {
    for (query, filter, status) in [
        ("sold", StatusFilter::Sold, "sold"),
        ("cancelled", StatusFilter::Cancelled, "cancelled"),
        ("expired", StatusFilter::Expired, "open"),
        (
            "fingerprintChanged",
            StatusFilter::FingerprintChanged,
            "fingerprintChanged",
        ),
    ] {
        let answer = get(&format!("/v1/parcels?status={query}&limit=100")).await;
        let data = answer.data();
        assert_eq!(
            data["total"].as_u64().unwrap() as usize,
            expected_listed(filter).len(),
            "{query}"
        );
        assert!(data["total"].as_u64().unwrap() > 0, "{query}");
        for p in data["parcels"].as_array().unwrap() {
            assert_eq!(p["publication"]["status"], status, "{query}");
            if query == "expired" {
                assert!(p["publication"]["expires_at"].as_i64().unwrap() < NOW);
            }
        }
    }
    let _ = PublicationStatus::Open;
}

/// Every row of a listing, page by page.
async fn every_row(kind: &str, query: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    loop {
        let answer = get(&format!(
            "/v1/{kind}?{query}&limit=100&offset={}",
            rows.len()
        ))
        .await;
        let data = answer.data();
        let page = data[kind].as_array().unwrap();
        rows.extend(page.iter().cloned());
        if page.is_empty() || rows.len() >= data["total"].as_u64().unwrap() as usize {
            return rows;
        }
    }
}

/// Several statuses list every asset with a publication in any of them,
/// once, with its newest matching publication: the one-status lists merged,
/// in the listing's order (newest first by default).
#[tokio::test]
async fn several_statuses_list_each_matching_asset_once_with_its_newest_match() {
    let newer = |a: &Value, b: &Value| {
        let key = |r: &Value| {
            let p = &r["publication"];
            let tx = p["tx_hash"].as_str().unwrap().to_string();
            (
                p["block_time_created_at"].as_i64().unwrap(),
                std::cmp::Reverse(tx),
            )
        };
        key(a) > key(b)
    };
    // Two partitions on DynamoDB, and the two halves of one; the open parcels
    // are left out to keep the pass short (each page reads whole partitions).
    for (kind, [first, second]) in [
        ("parcels", ["sold", "cancelled"]),
        ("estates", ["sold", "cancelled"]),
        ("estates", ["open", "expired"]),
    ] {
        let mut newest: std::collections::BTreeMap<String, Value> = Default::default();
        for status in [first, second] {
            let rows = every_row(kind, &format!("status={status}")).await;
            assert!(!rows.is_empty(), "{kind} {status}");
            for row in rows {
                let id = row["id"].as_str().unwrap().to_string();
                if newest.get(&id).is_none_or(|kept| newer(&row, kept)) {
                    newest.insert(id, row);
                }
            }
        }
        let both = every_row(kind, &format!("status={first}&status={second}")).await;
        assert_eq!(both.len(), newest.len(), "{kind} {first}+{second}");
        for row in &both {
            let id = row["id"].as_str().unwrap();
            assert_eq!(
                row["publication"]["tx_hash"], newest[id]["publication"]["tx_hash"],
                "{kind} {id}"
            );
        }
        let created: Vec<i64> = both
            .iter()
            .map(|r| r["publication"]["block_time_created_at"].as_i64().unwrap())
            .collect();
        assert!(created.is_sorted_by(|a, b| a >= b), "{kind}: newest first");
    }
}

#[tokio::test]
async fn limit_is_clamped_and_bad_listing_parameters_are_400() {
    assert_eq!(
        get("/v1/parcels?limit=0").await.data()["parcels"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get("/v1/parcels?limit=1000").await.data()["parcels"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
    for (query, name) in [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("offset=-5", "offset"),
        ("offset=1.5", "offset"),
        ("status=bogus", "status"),
        ("sort_by=height", "sort_by"),
        ("sort_order=up", "sort_order"),
    ] {
        let message = get(&format!("/v1/parcels?{query}"))
            .await
            .error(400, "invalid_parameter");
        assert!(
            message.contains(&format!("\"{name}\"")),
            "{query}: {message}"
        );
    }
}

#[tokio::test]
async fn a_box_lists_every_parcel_x_ascending_then_y_descending() {
    let answer = get("/v1/parcels?nw=-10,10&se=10,-10").await;
    let data = answer.data();
    assert_eq!(data["total"], 441);
    let got = ids(&data["parcels"]);
    assert_eq!(got.len(), 441);
    assert_eq!(&got[..3], ["-10,10", "-10,9", "-10,8"]);
    assert_eq!(got.last().unwrap(), "10,-10");
    let message = get("/v1/parcels?nw=-10,10")
        .await
        .error(400, "missing_parameter");
    assert_eq!(message, "Both \"nw\" and \"se\" are required query params");
    let message = get("/v1/parcels?nw=-150,150&se=150,-150")
        .await
        .error(400, "invalid_parameter");
    assert!(message.contains("90601"), "{message}");
    let message = get("/v1/parcels?nw=a,b&se=0,0")
        .await
        .error(400, "invalid_parameter");
    assert!(message.contains("\"nw\""), "{message}");
}

#[tokio::test]
async fn parcels_of_an_address_in_any_case() {
    let owner = an_owner_with_parcels();
    let expected: BTreeSet<String> = dataset()
        .parcels
        .iter()
        .filter(|p| {
            [&p.owner, &p.operator, &p.update_operator]
                .into_iter()
                .any(|a| a.as_deref() == Some(owner.as_str()))
        })
        .map(|p| p.id.clone())
        .collect();
    let answer = get(&format!(
        "/v1/addresses/{}/parcels",
        owner.to_uppercase().replace("0X", "0x")
    ))
    .await;
    let got: BTreeSet<String> = ids(answer.data()).into_iter().collect();
    assert_eq!(got, expected);
    assert!(!got.is_empty());

    // An owner of a sold parcel: the status filter keeps exactly their
    // parcels with a sold publication, each showing it.
    let sold_ids = expected_listed(StatusFilter::Sold);
    let seller = dataset()
        .parcels
        .iter()
        .filter(|p| sold_ids.contains(&p.id))
        .find_map(|p| p.owner.clone())
        .expect("the generated city has a sold parcel with an owner");
    let expected: BTreeSet<String> = dataset()
        .parcels
        .iter()
        .filter(|p| {
            sold_ids.contains(&p.id)
                && [&p.owner, &p.operator, &p.update_operator]
                    .into_iter()
                    .any(|a| a.as_deref() == Some(seller.as_str()))
        })
        .map(|p| p.id.clone())
        .collect();
    let sold = get(&format!("/v1/addresses/{seller}/parcels?status=sold")).await;
    let rows = sold.data().as_array().unwrap();
    assert!(!rows.is_empty());
    assert_eq!(
        ids(sold.data()).into_iter().collect::<BTreeSet<_>>(),
        expected
    );
    for p in rows {
        assert_eq!(p["publication"]["status"], "sold");
    }
    let message = get("/v1/addresses/0xdeadbeef/parcels")
        .await
        .error(400, "invalid_parameter");
    assert!(message.contains("0xdeadbeef"), "{message}");
    let nobody = get("/v1/addresses/0x0000000000000000000000000000000000000009/parcels").await;
    assert_eq!(nobody.data(), &serde_json::json!([]));
}
