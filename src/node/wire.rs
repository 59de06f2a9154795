//! Sizes of bincode 2 (standard configuration) encodings, computed without
//! encoding: what a link carries for a message.

/// Bytes of an unsigned integer in bincode's variable-length encoding: one
/// byte below 251, else a marker byte and 2, 4 or 8 bytes.
pub fn varint_len(x: u64) -> u64 {
    if x < 251 {
        1
    } else if x <= u64::from(u16::MAX) {
        3
    } else if x <= u64::from(u32::MAX) {
        5
    } else {
        9
    }
}

/// Bytes of a sequence of `n` fixed-width elements of `width` bytes: its
/// length as a varint, then the elements.
pub fn vec_len(n: u64, width: u64) -> u64 {
    varint_len(n) + n * width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_match_bincode() {
        for x in [
            0u64,
            1,
            250,
            251,
            252,
            65535,
            65536,
            1 << 32,
            (1 << 32) - 1,
            u64::MAX,
        ] {
            let enc = bincode::encode_to_vec(x, bincode::config::standard()).unwrap();
            assert_eq!(varint_len(x), enc.len() as u64, "{x}");
        }
        let v: Vec<f32> = vec![0.5; 300];
        let enc = bincode::serde::encode_to_vec(&v, bincode::config::standard()).unwrap();
        assert_eq!(vec_len(300, 4), enc.len() as u64);
    }
}
