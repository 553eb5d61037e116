//! A captcha challenge: a short answer a person reads from a picture.

use rand::Rng;

use super::claim::CAPTCHA_LENGTH;
use super::time::Timestamp;

/// Letters and digits with no look-alike in the set: no 0/O/D/Q, 1/I/L,
/// 2/Z, 5/S, 6/G/b, 8/B.
pub const ALPHABET: &[u8] = b"ACEFHJKMNPRTUVWXY3479";

/// How long a captcha can be answered.
pub const LIFETIME_MS: i64 = 5 * 60 * 1000;

#[derive(Clone, PartialEq, Eq)]
pub struct Captcha {
    pub id: String,
    /// Upper case.
    pub answer: String,
    pub expires_at: Timestamp,
}

/// Without the answer.
impl std::fmt::Debug for Captcha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Captcha")
            .field("id", &self.id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A fresh random answer.
pub fn random_answer() -> String {
    let mut rng = rand::rng();
    (0..CAPTCHA_LENGTH)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

impl Captcha {
    /// Whether `given` answers it at `now` (any letter case).
    pub fn passes(&self, given: &str, now: Timestamp) -> bool {
        now <= self.expires_at && given.trim().eq_ignore_ascii_case(&self.answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_use_the_alphabet_and_compare_in_any_case() {
        let answer = random_answer();
        assert_eq!(answer.len(), CAPTCHA_LENGTH);
        assert!(answer.bytes().all(|b| ALPHABET.contains(&b)));
        let captcha = Captcha {
            id: "c".into(),
            answer: "ACE347".into(),
            expires_at: Timestamp(1_000),
        };
        assert!(captcha.passes("ace347", Timestamp(1_000)));
        assert!(!captcha.passes("ace347", Timestamp(1_001)));
        assert!(!captcha.passes("ACE348", Timestamp(0)));
    }
}
