//! Translations of the marketplace, flattened to dotted keys. The locale
//! files are compiled in: they are static assets, not data that changes.

mod routes;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::translations;

macro_rules! locale_file {
    ($name:literal) => {
        include_str!(concat!(
            "../../../../data/genesis-city/locales/",
            $name,
            ".json"
        ))
    };
}

fn source(locale: &str) -> Option<&'static str> {
    Some(match locale {
        "en" => locale_file!("en"),
        "es" => locale_file!("es"),
        "fr" => locale_file!("fr"),
        "ko" => locale_file!("ko"),
        "zh" => locale_file!("zh"),
        "ja" => locale_file!("ja"),
        _ => return None,
    })
}

/// The flat translations of a supported locale (`en`, `en-US`, ...).
pub fn flat(locale: &str) -> Option<&'static BTreeMap<String, String>> {
    static CACHE: [OnceLock<BTreeMap<String, String>>; translations::LOCALES.len()] =
        [const { OnceLock::new() }; translations::LOCALES.len()];
    let locale = translations::normalize_locale(locale)?;
    let slot = translations::LOCALES.iter().position(|l| *l == locale)?;
    Some(CACHE[slot].get_or_init(|| {
        let nested = source(locale)
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(serde_json::Value::Null);
        translations::flatten(&nested)
    }))
}

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new().routes(routes!(routes::translations))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bundled_locale_parses_and_is_flat() {
        for locale in crate::domain::translations::LOCALES {
            let flat = super::flat(locale).unwrap();
            assert!(flat.len() > 100, "{locale}: {}", flat.len());
            assert!(flat.contains_key("activity.approve"), "{locale}");
        }
    }
}
