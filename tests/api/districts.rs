//! `/v1/districts`, `/v1/districts/{id}`, `/v1/addresses/{address}/contributions`.

use crate::common::get;

#[tokio::test]
async fn all_42_districts_with_the_reference_fields() {
    let answer = get("/v1/districts").await;
    let districts = answer.data().as_array().unwrap();
    assert_eq!(districts.len(), 42);
    let dragon = districts
        .iter()
        .find(|d| d["id"] == "106f1557-4a92-41a4-9f18-40fcb90b4031")
        .unwrap();
    assert_eq!(
        dragon,
        &serde_json::json!({
            "id": "106f1557-4a92-41a4-9f18-40fcb90b4031",
            "name": "Dragon City",
            "description": "A perfect combination of China’s ancient culture and Western modernization, a reflection of both the Eastern and Western civilizations.",
            "link": "https://github.com/decentraland/districts/issues/30",
            "public": true,
            "parcel_count": "6485",
            "center": "105,-89"
        })
    );
}

#[tokio::test]
async fn one_district_or_404() {
    let answer = get("/v1/districts/219ac351-e6ce-4e17-8b84-eb008afddf69").await;
    assert_eq!(answer.data()["name"], "AETHERIAN project");
    assert_eq!(answer.data()["parcel_count"], "10005");
    assert_eq!(answer.data()["center"], "106,105");
    get("/v1/districts/nope").await.error(404, "not_found");
}

#[tokio::test]
async fn contributions_summed_per_district() {
    let answer =
        get("/v1/addresses/0x0069E55468BF889925A7A85E8A1945FBC75267F5/contributions").await;
    let rows = answer.data().as_array().unwrap();
    assert!(rows.len() >= 3);
    let aetheria = rows
        .iter()
        .find(|r| r["district_id"] == "219ac351-e6ce-4e17-8b84-eb008afddf69")
        .unwrap();
    // The source lists this pair twice with 5 parcels each.
    assert_eq!(aetheria["land_count"], "10");
    assert_eq!(
        aetheria["address"],
        "0x0069e55468bf889925a7a85e8a1945fbc75267f5"
    );
    assert!(rows.iter().all(|r| r["land_count"].is_string()));
    assert_eq!(
        get("/v1/addresses/0x0000000000000000000000000000000000000001/contributions")
            .await
            .data(),
        &serde_json::json!([])
    );
}
