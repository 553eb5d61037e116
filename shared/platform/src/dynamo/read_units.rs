//! Read units as DynamoDB bills them, counted from what each call read:
//! the emulator's `ConsumedCapacity` is not real (moto answers 1.0 for a
//! 300 KB Query), and the listing design is judged by this count.
//!
//! Strongly consistent reads cost one unit per 4 KB: a GetItem or each item
//! of a BatchGetItem rounded up on its own (a key that is not found still
//! costs one), a Query page on the sum of its items' sizes (at least one);
//! a Query of a global secondary index (eventually consistent) half that,
//! rounded up.
//! Item sizes follow the documented rules: attribute names count, strings
//! and binaries by their bytes, numbers by about one byte per two
//! significant digits plus one, a list or map 3 bytes plus a byte per
//! element (and its name, for a map).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_dynamodb::types::AttributeValue;

use super::Item;

const UNIT_BYTES: usize = 4096;

/// The size DynamoDB gives an item.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Ss(list) => list.iter().map(String::len).sum(),
        AttributeValue::Ns(list) => list.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(list) => list.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(name, v)| 1 + name.len() + value_size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

fn number_size(number: &str) -> usize {
    let mantissa = number.split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    significant.max(1).div_ceil(2) + 1
}

/// Units of `bytes` read at once, never less than one.
pub fn units(bytes: usize) -> u64 {
    bytes.div_ceil(UNIT_BYTES).max(1) as u64
}

/// A running count of read units, shared by clones of a table.
#[derive(Debug, Clone, Default)]
pub struct ReadMeter(Arc<AtomicU64>);

impl ReadMeter {
    pub fn add(&self, units: u64) {
        self.0.fetch_add(units, Ordering::Relaxed);
    }

    pub fn total(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn sizes_follow_the_documented_rules() {
        let item: Item = HashMap::from([
            ("pk".to_string(), AttributeValue::S("abc".into())),
            ("n".to_string(), AttributeValue::N("12345".into())),
            (
                "m".to_string(),
                AttributeValue::M(HashMap::from([(
                    "k".to_string(),
                    AttributeValue::Bool(true),
                )])),
            ),
        ]);
        // pk 2+3, n 1+(3+1), m 1+(3 + 1+1+1)
        assert_eq!(item_size(&item), 5 + 5 + 7);
        assert_eq!(number_size("-0.00120"), 2);
        assert_eq!(number_size("1e300"), 2);
        assert_eq!(units(0), 1);
        assert_eq!(units(4096), 1);
        assert_eq!(units(4097), 2);
    }
}
