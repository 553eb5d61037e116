//! The `status` filter of a request: a route takes it several times
//! (`status=a&status=b`, or `status[]=a&status[]=b` as axios sends it, both
//! read by the query parser), or comma-separated (`status=a,b`, as the 2018
//! marketplace web app sends it), and any of the given statuses matches. An
//! empty value is not a status (a 400, as the OpenAPI description says).

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _, IntoDeserializer};

/// The statuses a request asks for, each once, in the order given (so at most
/// as many as the status type has: what bounds a store's work per status).
/// Empty means the caller gave none: the route applies its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnyOf<S>(Vec<S>);

impl<S> Default for AnyOf<S> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<S: Copy + PartialEq> AnyOf<S> {
    pub fn new(statuses: impl IntoIterator<Item = S>) -> Self {
        let mut unique = Vec::new();
        for s in statuses {
            if !unique.contains(&s) {
                unique.push(s);
            }
        }
        Self(unique)
    }

    /// The filter, or `default` alone when none was given.
    pub fn or_if_empty(self, default: S) -> Self {
        if self.0.is_empty() {
            Self(vec![default])
        } else {
            self
        }
    }

    /// True when the caller gave no status.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a row in `status` passes: any status given matches, and no
    /// status given lets everything through.
    pub fn allows(&self, status: S) -> bool {
        self.0.is_empty() || self.0.contains(&status)
    }

    pub fn iter(&self) -> impl Iterator<Item = S> + '_ {
        self.0.iter().copied()
    }
}

impl<S: Copy + PartialEq> From<S> for AnyOf<S> {
    fn from(status: S) -> Self {
        Self(vec![status])
    }
}

impl<'de, S: DeserializeOwned + Copy + PartialEq> Deserialize<'de> for AnyOf<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let given = Vec::<String>::deserialize(deserializer)?;
        let mut statuses = Vec::with_capacity(given.len());
        for one in given.iter().flat_map(|value| value.split(',')) {
            let de: serde::de::value::StrDeserializer<'_, D::Error> = one.into_deserializer();
            statuses.push(S::deserialize(de).map_err(D::Error::custom)?);
        }
        Ok(Self::new(statuses))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Light {
        Red,
        Green,
    }

    fn read(values: &[&str]) -> Result<AnyOf<Light>, serde::de::value::Error> {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        AnyOf::deserialize(serde::de::value::SeqDeserializer::new(values.into_iter()))
    }

    #[test]
    fn reads_repeated_and_comma_separated_values() {
        assert_eq!(
            read(&["red", "green"]).unwrap(),
            AnyOf::new([Light::Red, Light::Green])
        );
        assert_eq!(
            read(&["green,red"]).unwrap(),
            AnyOf::new([Light::Green, Light::Red])
        );
        assert!(read(&[""]).is_err());
        assert!(read(&["red,"]).is_err());
        assert!(read(&[]).unwrap().is_empty());
        let err = read(&["red", "blue"]).unwrap_err().to_string();
        assert!(err.contains("blue") && err.contains("green"), "{err}");
    }

    #[test]
    fn empty_allows_everything_and_takes_a_default() {
        let none = AnyOf::<u8>::default();
        assert!(none.allows(3));
        assert_eq!(none.or_if_empty(1).iter().collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn any_given_status_matches_and_duplicates_collapse() {
        let some = AnyOf::new([2u8, 5, 2]);
        assert!(some.allows(2) && some.allows(5) && !some.allows(3));
        assert_eq!(
            some.clone().or_if_empty(1).iter().collect::<Vec<_>>(),
            [2, 5]
        );
    }
}
