//! LANDRegistry token ids: x in the high 128 bits and y in the low 128 bits,
//! each as 128-bit two's complement.

use ruint::aliases::U256;

use super::coords::{Coord, CoordError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenIdError {
    #[error("Invalid token id \"{0}\": expected a decimal or 0x-prefixed hexadecimal integer")]
    Malformed(String),
    #[error(
        "Invalid token id \"{0}\": the exponential form is only accepted when it denotes an exact integer"
    )]
    Inexact(String),
    #[error("Invalid token id \"{0}\": larger than 256 bits")]
    TooLarge(String),
    #[error(transparent)]
    OutOfCity(#[from] CoordError),
}

/// Encodes a parcel's coordinates into its token id.
pub fn encode(coord: Coord) -> U256 {
    let high = i128::from(coord.x) as u128;
    let low = i128::from(coord.y) as u128;
    (U256::from(high) << 128usize) | U256::from(low)
}

/// The token id as the API prints it: lowercase hex, `0x`, no padding.
pub fn encode_hex(coord: Coord) -> String {
    format!("{:#x}", encode(coord))
}

/// Decodes a token id, sign-extending each half; ids outside the city are errors.
pub fn decode(id: U256) -> Result<Coord, CoordError> {
    let high = (id >> 128usize).to::<u128>() as i128;
    let low = (id & U256::from(u128::MAX)).to::<u128>() as i128;
    match (i64::try_from(high), i64::try_from(low)) {
        (Ok(x), Ok(y)) => Coord::new(x, y),
        // Halves wider than i64 are far outside the city anyway: clamp for the message.
        _ => {
            let clamp = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
            Err(CoordError::OutOfBounds {
                x: clamp(high),
                y: clamp(low),
            })
        }
    }
}

/// Parses a token id in decimal, `0x` hex, or exact exponential notation
/// (`1.5e+3`), the forms found in the API's old data.
pub fn parse(raw: &str) -> Result<U256, TokenIdError> {
    let s = raw.trim();
    let malformed = || TokenIdError::Malformed(raw.to_string());
    if s.is_empty() {
        return Err(malformed());
    }
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed());
        }
        return U256::from_str_radix(hex, 16).map_err(|_| TokenIdError::TooLarge(raw.to_string()));
    }
    if s.contains(['e', 'E']) {
        return parse_exponential(s).ok_or_else(|| TokenIdError::Inexact(raw.to_string()))?;
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    U256::from_str_radix(s, 10).map_err(|_| TokenIdError::TooLarge(raw.to_string()))
}

/// `None` when the mantissa has more fractional digits than the exponent shifts
/// away (the value would not be an integer); `Some(Err)` when it is malformed.
fn parse_exponential(s: &str) -> Option<Result<U256, TokenIdError>> {
    let malformed = || TokenIdError::Malformed(s.to_string());
    let (mantissa, exponent) = s.split_once(['e', 'E'])?;
    let Ok(exponent) = exponent.trim_start_matches('+').parse::<u32>() else {
        return Some(Err(malformed()));
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Err(malformed()));
    }
    let frac_digits = u32::try_from(frac_part.len()).ok()?;
    if frac_digits > exponent {
        // Digits would survive after the decimal point: not an integer.
        let trailing_zeros_only = frac_part[exponent as usize..].bytes().all(|b| b == b'0');
        if !trailing_zeros_only {
            return None;
        }
    }
    let too_large = || TokenIdError::TooLarge(s.to_string());
    let digits: String = format!("{int_part}{frac_part}");
    let (significant, shift) = if frac_digits > exponent {
        (&digits[..int_part.len() + exponent as usize], 0)
    } else {
        (&digits[..], exponent - frac_digits)
    };
    let Ok(value) = U256::from_str_radix(significant, 10) else {
        return Some(Err(too_large()));
    };
    if value.is_zero() {
        return Some(Ok(value));
    }
    // One power, not `shift` multiplications: the exponent comes from the
    // request and may be four billion. A 256-bit value has at most 78 digits.
    let scaled = U256::from(10u8)
        .checked_pow(U256::from(shift))
        .and_then(|factor| value.checked_mul(factor));
    Some(scaled.ok_or_else(too_large))
}

/// Parses and decodes a token id path segment into the parcel it names.
pub fn parse_coord(raw: &str) -> Result<Coord, TokenIdError> {
    Ok(decode(parse(raw)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN_HEX: &str = "0xffffffffffffffffffffffffffffffd0ffffffffffffffffffffffffffffffe3";
    const GOLDEN_DEC: &str =
        "115792089237316195423570985008687907837276713420356456256678977458620023701475";

    #[test]
    fn golden_values_of_the_behaviour_page() {
        let c = Coord { x: -48, y: -29 };
        assert_eq!(encode_hex(c), GOLDEN_HEX);
        assert_eq!(encode(c).to_string(), GOLDEN_DEC);
        assert_eq!(parse_coord(GOLDEN_HEX).unwrap(), c);
        assert_eq!(parse_coord(GOLDEN_DEC).unwrap(), c);
        assert_eq!(encode(Coord { x: 0, y: 0 }), U256::ZERO);
        assert_eq!(encode_hex(Coord { x: 0, y: 0 }), "0x0");
        assert_eq!(
            encode(Coord { x: 1, y: 2 }).to_string(),
            "340282366920938463463374607431768211458"
        );
    }

    #[test]
    fn the_whole_city_round_trips_in_both_notations() {
        for c in Coord::all() {
            let id = encode(c);
            assert_eq!(decode(id).unwrap(), c);
            assert_eq!(parse_coord(&id.to_string()).unwrap(), c);
            assert_eq!(parse_coord(&format!("{id:#x}")).unwrap(), c);
        }
    }

    #[test]
    fn exponential_form_only_when_exact() {
        // 3.40282366920938463463374607431768211458e+38 is exactly (1,2).
        assert_eq!(
            parse_coord("3.40282366920938463463374607431768211458e+38").unwrap(),
            Coord { x: 1, y: 2 }
        );
        assert!(matches!(
            parse(
                "1.1579208923731619542357098500868790784067953708956584089131272353293770581592e+10"
            ),
            Err(TokenIdError::Inexact(_))
        ));
        assert_eq!(parse("1.50e1").unwrap(), U256::from(15u8));
        assert!(matches!(parse("1.5e0"), Err(TokenIdError::Inexact(_))));
        assert!(matches!(parse("1e+x"), Err(TokenIdError::Malformed(_))));
    }

    #[test]
    fn huge_exponents_answer_at_once() {
        assert_eq!(parse("0e4294967295"), Ok(U256::ZERO));
        assert_eq!(parse("0.000e4294967295"), Ok(U256::ZERO));
        assert_eq!(
            parse("1e4294967295"),
            Err(TokenIdError::TooLarge("1e4294967295".into()))
        );
        assert_eq!(parse("1e78"), Err(TokenIdError::TooLarge("1e78".into())));
        assert_eq!(parse("1e77"), Ok(U256::from(10u8).pow(U256::from(77u8))));
        assert_eq!(parse_coord("0e4294967295"), Ok(Coord { x: 0, y: 0 }));
    }

    #[test]
    fn rejects_garbage_and_ids_outside_the_city() {
        for bad in ["", "abc", "0x", "0xzz", "-1", "12.5", "1 2"] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
        assert!(matches!(
            parse(&"1".repeat(80)),
            Err(TokenIdError::TooLarge(_))
        ));
        let outside = encode(Coord { x: 150, y: 150 }) + U256::from(1u8);
        assert!(matches!(
            parse_coord(&outside.to_string()),
            Err(TokenIdError::OutOfCity(CoordError::OutOfBounds {
                x: 150,
                y: 151
            }))
        ));
    }
}
