//! Signed-fetch verification cost: `cargo bench --bench signed_fetch`.
//! Prints the median time to verify a three-link chain (two signature
//! recoveries) and a two-link chain (one), and to sign each.

use std::time::{Duration, Instant};

use platform::signed_fetch::{Wallet, header_map, sign, verify};

const NOW: i64 = 1_780_272_000_000;
const RUNS: usize = 2_000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn main() {
    let wallet = Wallet::random();
    for (chain, ephemeral) in [("3-link chain", true), ("2-link chain", false)] {
        let mut signing = Vec::with_capacity(RUNS);
        let mut verifying = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            let headers = sign(&wallet, "POST", "/api/rewards", "{}", NOW, ephemeral);
            signing.push(started.elapsed());
            let headers = header_map(&headers);
            let started = Instant::now();
            let signer = verify(&headers, "POST", "/api/rewards", NOW).unwrap();
            verifying.push(started.elapsed());
            assert_eq!(signer.address, wallet.address());
        }
        println!(
            "{chain}: verify {:.1} µs, sign {:.1} µs (medians of {RUNS})",
            median(verifying).as_secs_f64() * 1e6,
            median(signing).as_secs_f64() * 1e6
        );
    }
}
