//! Translations: nested locale files flattened to `"a.b.c": "text"`.

use std::collections::BTreeMap;

use serde_json::Value;

pub const LOCALES: [&str; 6] = ["en", "es", "fr", "ko", "zh", "ja"];

/// `en-US` -> `en`: only the first two letters count. `None` when unsupported.
pub fn normalize_locale(raw: &str) -> Option<&'static str> {
    let lang = raw.get(..2)?.to_ascii_lowercase();
    if raw.len() > 2 && !raw[2..].starts_with(['-', '_']) {
        return None;
    }
    LOCALES.into_iter().find(|l| *l == lang)
}

/// Flattens nested objects, joining keys with dots; non-string leaves are
/// kept as their JSON text.
pub fn flatten(value: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(value, &mut String::new(), &mut out);
    out
}

fn walk(value: &Value, prefix: &mut String, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let len = prefix.len();
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(key);
                walk(child, prefix, out);
                prefix.truncate(len);
            }
        }
        Value::String(s) => {
            out.insert(prefix.clone(), s.clone());
        }
        other => {
            out.insert(prefix.clone(), other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_with_dots() {
        let nested = serde_json::json!({"activity": {"approve": "A", "clear": {"title": "T"}}, "top": "x", "n": 3});
        let flat = flatten(&nested);
        assert_eq!(flat["activity.approve"], "A");
        assert_eq!(flat["activity.clear.title"], "T");
        assert_eq!(flat["top"], "x");
        assert_eq!(flat["n"], "3");
        assert_eq!(flat.len(), 4);
    }

    #[test]
    fn locales_use_the_first_two_letters() {
        assert_eq!(normalize_locale("en-US"), Some("en"));
        assert_eq!(normalize_locale("ZH"), Some("zh"));
        assert_eq!(normalize_locale("es_AR"), Some("es"));
        assert_eq!(normalize_locale("de"), None);
        assert_eq!(normalize_locale("e"), None);
        assert_eq!(normalize_locale("english"), None);
        assert_eq!(normalize_locale("ñx"), None);
    }
}
