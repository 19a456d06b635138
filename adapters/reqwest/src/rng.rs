//! The default source of jitter: the operating system's RNG.

use std::convert::Infallible;
use std::time::{SystemTime, UNIX_EPOCH};

use getrandom::SysRng;
use slackhook::rand_core::TryRng;

/// The operating system's RNG as an infallible `rand_core` RNG.
///
/// Jitter only spreads retries apart; it protects no secret. Should the operating system ever
/// fail to answer, a SplitMix64 sequence seeded from the clock takes over instead of panicking in
/// the middle of a delivery.
#[derive(Debug)]
pub(crate) struct OsRng {
    fallback: u64,
}

impl OsRng {
    pub(crate) fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos() as u64);
        Self { fallback: nanos }
    }

    fn splitmix(&mut self) -> u64 {
        self.fallback = self.fallback.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.fallback;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl TryRng for OsRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.try_next_u64()? as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        if SysRng.try_fill_bytes(dst).is_err() {
            for chunk in dst.chunks_mut(8) {
                let word = self.splitmix().to_le_bytes();
                chunk.copy_from_slice(&word[..chunk.len()]);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slackhook::rand_core::Rng;

    #[test]
    fn the_os_rng_gives_varied_values() {
        let mut rng = OsRng::new();
        let draws: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
        assert!(draws.windows(2).any(|pair| pair[0] != pair[1]));
    }

    #[test]
    fn the_fallback_sequence_fills_every_byte() {
        let mut rng = OsRng { fallback: 1 };
        let a = rng.splitmix();
        let b = rng.splitmix();
        assert_ne!(a, b);
    }
}
