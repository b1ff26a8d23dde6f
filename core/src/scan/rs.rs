//! Reed-Solomon error correction over GF(256) (QR: primitive polynomial 0x11d, generator roots
//! alpha^0 .. alpha^(n-1)), and the block structure of each version and level (ISO/IEC 18004 table 9).

/// Exponent and logarithm tables of GF(256).
struct Gf {
    exp: [u8; 512],
    log: [u8; 256],
}

#[allow(clippy::indexing_slicing)] // Compile-time table construction; an out-of-range index fails the build.
const GF: Gf = {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11d;
        }
        i += 1;
    }
    while i < 512 {
        exp[i] = exp[i - 255];
        i += 1;
    }
    Gf { exp, log }
};

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    pow_alpha(usize::from(log(a)) + usize::from(log(b)))
}

fn div(a: u8, b: u8) -> Option<u8> {
    if b == 0 {
        return None;
    }
    if a == 0 {
        return Some(0);
    }
    Some(pow_alpha(usize::from(log(a)) + 255 - usize::from(log(b))))
}

fn pow_alpha(e: usize) -> u8 {
    GF.exp.get(e % 255).copied().unwrap_or(0)
}

fn log(a: u8) -> u8 {
    GF.log.get(usize::from(a)).copied().unwrap_or(0)
}

/// Evaluates a polynomial given lowest degree first.
fn eval_low(p: &[u8], x: u8) -> u8 {
    p.iter().rev().fold(0u8, |acc, &c| mul(acc, x) ^ c)
}

/// Corrects one block in place (`block` = data then parity codewords, first byte highest degree).
/// Returns the number of corrected codewords, or `None` if the block is beyond repair.
pub(crate) fn correct(block: &mut [u8], npar: usize) -> Option<usize> {
    let n = block.len();
    if npar == 0 || npar >= n || n > 255 {
        return None;
    }
    // Syndromes S_j = r(alpha^j).
    let synd: Vec<u8> = (0..npar)
        .map(|j| block.iter().fold(0u8, |acc, &c| mul(acc, pow_alpha(j)) ^ c))
        .collect();
    if synd.iter().all(|&s| s == 0) {
        return Some(0);
    }
    // Berlekamp-Massey: error locator Lambda (lowest degree first).
    let mut lambda = vec![1u8];
    let mut prev = vec![1u8];
    let (mut l, mut m, mut b) = (0usize, 1usize, 1u8);
    for k in 0..npar {
        let mut d = *synd.get(k)?;
        for i in 1..=l {
            d ^= mul(*lambda.get(i).unwrap_or(&0), *synd.get(k.checked_sub(i)?)?);
        }
        if d == 0 {
            m += 1;
            continue;
        }
        let coef = div(d, b)?;
        let mut next = lambda.clone();
        if next.len() < prev.len() + m {
            next.resize(prev.len() + m, 0);
        }
        for (i, &p) in prev.iter().enumerate() {
            if let Some(c) = next.get_mut(i + m) {
                *c ^= mul(coef, p);
            }
        }
        if 2 * l <= k {
            l = k + 1 - l;
            prev = std::mem::replace(&mut lambda, next);
            b = d;
            m = 1;
        } else {
            lambda = next;
            m += 1;
        }
    }
    if l == 0 || 2 * l > npar {
        return None;
    }
    // Omega = S * Lambda mod x^npar.
    let mut omega = vec![0u8; npar];
    for (i, &s) in synd.iter().enumerate() {
        for (j, &c) in lambda.iter().enumerate() {
            if let Some(o) = omega.get_mut(i + j) {
                *o ^= mul(s, c);
            }
        }
    }
    // Formal derivative of Lambda: odd-degree terms.
    let deriv: Vec<u8> = lambda
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, &c)| if i % 2 == 1 { c } else { 0 })
        .collect();
    // Chien search over positions; position p (degree) sits at index n-1-p.
    let mut fixed = 0;
    for p in 0..n {
        let x_inv = pow_alpha(255 - p % 255);
        if eval_low(&lambda, x_inv) != 0 {
            continue;
        }
        let denom = eval_low(&deriv, x_inv);
        let mag = mul(pow_alpha(p), div(eval_low(&omega, x_inv), denom)?);
        let c = block.get_mut(n - 1 - p)?;
        *c ^= mag;
        fixed += 1;
    }
    if fixed != l {
        return None;
    }
    let ok = (0..npar).all(|j| block.iter().fold(0u8, |acc, &c| mul(acc, pow_alpha(j)) ^ c) == 0);
    ok.then_some(fixed)
}

/// Parity codewords per block, by version (1..=40) and level (L, M, Q, H).
const EC_PER_BLOCK: [[u8; 4]; 40] = [
    [7, 10, 13, 17],
    [10, 16, 22, 28],
    [15, 26, 18, 22],
    [20, 18, 26, 16],
    [26, 24, 18, 22],
    [18, 16, 24, 28],
    [20, 18, 18, 26],
    [24, 22, 22, 26],
    [30, 22, 20, 24],
    [18, 26, 24, 28],
    [20, 30, 28, 24],
    [24, 22, 26, 28],
    [26, 22, 24, 22],
    [30, 24, 20, 24],
    [22, 24, 30, 24],
    [24, 28, 24, 30],
    [28, 28, 28, 28],
    [30, 26, 28, 28],
    [28, 26, 26, 26],
    [28, 26, 30, 28],
    [28, 26, 28, 30],
    [28, 28, 30, 24],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [26, 28, 30, 30],
    [28, 28, 28, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
    [30, 28, 30, 30],
];

/// Number of blocks, by version and level (L, M, Q, H).
const BLOCKS: [[u8; 4]; 40] = [
    [1, 1, 1, 1],
    [1, 1, 1, 1],
    [1, 1, 2, 2],
    [1, 2, 2, 4],
    [1, 2, 4, 4],
    [2, 4, 4, 4],
    [2, 4, 6, 5],
    [2, 4, 6, 6],
    [2, 5, 8, 8],
    [4, 5, 8, 8],
    [4, 5, 8, 11],
    [4, 8, 10, 11],
    [4, 9, 12, 16],
    [4, 9, 16, 16],
    [6, 10, 12, 18],
    [6, 10, 17, 16],
    [6, 11, 16, 19],
    [6, 13, 18, 21],
    [7, 14, 21, 25],
    [8, 16, 20, 25],
    [8, 17, 23, 25],
    [9, 17, 23, 34],
    [9, 18, 25, 30],
    [10, 20, 27, 32],
    [12, 21, 29, 35],
    [12, 23, 34, 37],
    [12, 25, 34, 40],
    [13, 26, 35, 42],
    [14, 28, 38, 45],
    [15, 29, 40, 48],
    [16, 31, 43, 51],
    [17, 33, 45, 54],
    [18, 35, 48, 57],
    [19, 37, 51, 60],
    [19, 38, 53, 63],
    [20, 40, 56, 66],
    [21, 43, 59, 70],
    [22, 45, 62, 74],
    [24, 47, 65, 77],
    [25, 49, 68, 81],
];

/// Total codewords of a version: data modules / 8.
pub(crate) fn total_codewords(version: usize) -> usize {
    let v = version;
    let mut modules = (16 * v + 128) * v + 64;
    if v >= 2 {
        let n = v / 7 + 2;
        modules -= (25 * n - 10) * n - 55;
        if v >= 7 {
            modules -= 36;
        }
    }
    modules / 8
}

/// De-interleaves and corrects the codewords of a symbol; returns the data codewords in order.
/// `level` indexes L, M, Q, H as 0..=3.
pub(crate) fn correct_codewords(raw: &[u8], version: usize, level: usize) -> Option<Vec<u8>> {
    let row = version.checked_sub(1)?;
    let ec = usize::from(*EC_PER_BLOCK.get(row)?.get(level)?);
    let nblocks = usize::from(*BLOCKS.get(row)?.get(level)?);
    let total = total_codewords(version);
    if raw.len() < total || nblocks == 0 {
        return None;
    }
    let short_len = total / nblocks;
    let num_short = nblocks - total % nblocks;
    let short_data = short_len.checked_sub(ec)?;
    let mut blocks: Vec<Vec<u8>> = (0..nblocks)
        .map(|i| Vec::with_capacity(short_len + usize::from(i >= num_short)))
        .collect();
    let mut k = 0;
    for i in 0..=short_data {
        for (j, b) in blocks.iter_mut().enumerate() {
            if i < short_data || j >= num_short {
                b.push(*raw.get(k)?);
                k += 1;
            }
        }
    }
    for _ in 0..ec {
        for b in &mut blocks {
            b.push(*raw.get(k)?);
            k += 1;
        }
    }
    let mut data = Vec::with_capacity(total - ec * nblocks);
    for mut b in blocks {
        correct(&mut b, ec)?;
        let d = b.len() - ec;
        data.extend_from_slice(b.get(..d)?);
    }
    Some(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Systematic RS encoding for the test: parity = remainder of data * x^npar by the generator.
    fn encode(data: &[u8], npar: usize) -> Vec<u8> {
        let mut g = vec![1u8];
        for i in 0..npar {
            let mut ng = vec![0u8; g.len() + 1];
            for (j, &c) in g.iter().enumerate() {
                ng[j] ^= c;
                ng[j + 1] ^= mul(c, pow_alpha(i));
            }
            g = ng;
        }
        let mut rem = data.to_vec();
        rem.resize(data.len() + npar, 0);
        for i in 0..data.len() {
            let c = rem[i];
            if c != 0 {
                for (j, &gc) in g.iter().enumerate() {
                    rem[i + j] ^= mul(gc, c);
                }
            }
        }
        let mut out = data.to_vec();
        out.extend_from_slice(&rem[data.len()..]);
        out
    }

    #[test]
    fn corrects_up_to_half_the_parity() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(29)).collect();
        let clean = encode(&data, 16);
        let mut b = clean.clone();
        assert_eq!(correct(&mut b, 16), Some(0));
        for (k, pos) in [3usize, 17, 30, 41, 44, 50, 51, 55].iter().enumerate() {
            b[*pos] ^= (k as u8 + 1).wrapping_mul(37);
        }
        assert_eq!(correct(&mut b, 16), Some(8));
        assert_eq!(b, clean);
        let mut bad = clean.clone();
        for pos in 0..9 {
            bad[pos * 5] ^= 0x5a;
        }
        assert_ne!(correct(&mut bad, 16), Some(9));
    }

    #[test]
    fn codeword_totals() {
        assert_eq!(total_codewords(1), 26);
        assert_eq!(total_codewords(7), 196);
        assert_eq!(total_codewords(40), 3706);
    }
}
