//! Amounts are stored as f64 but printed the way the reference prints them:
//! whole numbers without a trailing `.0` (`"price": 39500`).

use serde::Serializer;

pub fn compact<S: Serializer>(value: &f64, s: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        s.serialize_i64(*value as i64)
    } else {
        s.serialize_f64(*value)
    }
}

pub fn compact_opt<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => compact(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct Price {
        #[serde(serialize_with = "super::compact")]
        a: f64,
        #[serde(serialize_with = "super::compact_opt")]
        b: Option<f64>,
    }

    #[test]
    fn whole_numbers_print_without_fraction() {
        let json = serde_json::to_string(&Price {
            a: 39500.0,
            b: Some(1.5),
        })
        .unwrap();
        assert_eq!(json, r#"{"a":39500,"b":1.5}"#);
        let json = serde_json::to_string(&Price { a: -2.0, b: None }).unwrap();
        assert_eq!(json, r#"{"a":-2,"b":null}"#);
    }
}
