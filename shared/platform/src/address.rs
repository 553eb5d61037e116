//! Ethereum addresses: matched case-insensitively, always returned lowercase.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid address \"{0}\": expected 0x followed by 40 hexadecimal digits")]
pub struct AddressError(pub String);

/// Checks the shape of an address and returns it lowercase.
pub fn normalize(raw: &str) -> Result<String, AddressError> {
    let hex = raw
        .strip_prefix("0x")
        .or_else(|| raw.strip_prefix("0X"))
        .ok_or_else(|| AddressError(raw.to_string()))?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressError(raw.to_string()));
    }
    Ok(format!("0x{}", hex.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_valid_addresses() {
        assert_eq!(
            normalize("0xE4D3BA99FFDAE47C003F1756C01D8E7EE8FEF7C9").unwrap(),
            "0xe4d3ba99ffdae47c003f1756c01d8e7ee8fef7c9"
        );
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "",
            "0x",
            "e4d3ba99ffdae47c003f1756c01d8e7ee8fef7c9",
            "0xdeadbeef",
            "0xg4d3ba99ffdae47c003f1756c01d8e7ee8fef7c9",
        ] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }
}
