//! The public symbol book: CN(0, 1) symbols that the BS, the CC and the RAPs
//! share (Sec. IV); a frame's symbols are indices into it.

use crate::linalg::{C64, CMat, cn};
use crate::rng::{STREAM_BOOK, stream};
use rand::{Rng, RngExt};

/// The public set of CN(0, 1) symbols; a frame's symbols are indices into it.
#[derive(Debug, Clone)]
pub struct SymbolBook {
    symbols: Vec<C64>,
}

impl SymbolBook {
    /// `size` symbols drawn from the run's book stream.
    pub fn new(seed: u64, size: usize) -> Self {
        let mut rng = stream(seed, &[STREAM_BOOK]);
        SymbolBook {
            symbols: (0..size).map(|_| cn(&mut rng, 1.0)).collect(),
        }
    }

    /// A selection of `count` indices drawn from `rng` (the frame's
    /// `STREAM_SYMBOLS` stream: the BS draws it, and anyone who knows the
    /// seed can draw it again).
    pub fn select(&self, rng: &mut impl Rng, count: usize) -> Vec<u16> {
        (0..count)
            .map(|_| rng.random_range(0..self.symbols.len()) as u16)
            .collect()
    }

    /// The symbol matrix S (`beams x l`, column-major) for `indices`.
    pub fn symbols(&self, indices: &[u16], beams: usize) -> CMat {
        CMat::from_iterator(
            beams,
            indices.len() / beams,
            indices.iter().map(|&i| self.symbols[i as usize]),
        )
    }
}
