//! `/v1/translations/{locale}`.

use crate::common::get;

#[tokio::test]
async fn flat_translations_for_every_locale() {
    for locale in ["en", "es", "fr", "ko", "zh", "ja"] {
        let answer = get(&format!("/v1/translations/{locale}")).await;
        let data = answer.data().as_object().unwrap();
        assert!(data.len() > 100, "{locale}");
        assert!(data.values().all(|v| v.is_string()), "{locale} is flat");
    }
    let en = get("/v1/translations/en").await;
    assert_eq!(
        en.data()["activity.approve"],
        "You can start by approving some MANA on your {settings_link}"
    );
    assert_eq!(
        en.data()["activity.clear.title"],
        "Delete transaction history"
    );
}

#[tokio::test]
async fn only_the_first_two_letters_count() {
    assert_eq!(
        get("/v1/translations/en-US").await.body,
        get("/v1/translations/en").await.body
    );
    assert_eq!(
        get("/v1/translations/ES_ar").await.body,
        get("/v1/translations/es").await.body
    );
}

#[tokio::test]
async fn unknown_locales_are_404() {
    let message = get("/v1/translations/de").await.error(404, "not_found");
    assert!(message.contains("\"de\""), "{message}");
    get("/v1/translations/x").await.error(404, "not_found");
}
