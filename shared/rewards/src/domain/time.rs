//! Instants: milliseconds since the epoch inside, RFC 3339 UTC with
//! milliseconds outside (`2021-09-24T01:30:16.770Z`), as the reference shows.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn ms(self) -> i64 {
        self.0
    }

    /// Any RFC 3339 date-time (any offset), to the millisecond.
    pub fn parse(text: &str) -> Result<Self, String> {
        let at = OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| {
            format!("\"{text}\" is not an RFC 3339 date-time such as 2030-01-01T00:00:00.000Z")
        })?;
        let ms = at.unix_timestamp_nanos() / 1_000_000;
        i64::try_from(ms)
            .map(Self)
            .map_err(|_| format!("\"{text}\" is out of range"))
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(UtcOffset::UTC);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            at.millisecond()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_any_offset_and_writes_utc_milliseconds() {
        let t = Timestamp::parse("2021-09-24T03:30:16.77+02:00").unwrap();
        assert_eq!(t.to_string(), "2021-09-24T01:30:16.770Z");
        assert_eq!(Timestamp::parse("2021-09-24T01:30:16.770Z"), Ok(t));
        assert!(Timestamp::parse("2021-09-24").is_err());
        assert!(Timestamp::parse("tomorrow").is_err());
    }
}
