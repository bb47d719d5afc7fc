//! Ordering keys to find repeats in `n log n`, without the standard library's sort: its code
//! (several KB of WebAssembly) would be downloaded by the web app for this one use.

/// Positions of `keys` in key order, equal keys in position order, so repeats end up side by
/// side, first occurrence first. A heapsort: `n log n` comparisons whatever the input.
pub(crate) fn sorted_positions(keys: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    let n = order.len();
    for root in (0..n / 2).rev() {
        sift_down(keys, &mut order, root, n);
    }
    for end in (1..n).rev() {
        order.swap(0, end);
        sift_down(keys, &mut order, 0, end);
    }
    order
}

/// Restores the max-heap below `root` in `order[..end]` (by key, then position).
fn sift_down(keys: &[&str], order: &mut [usize], mut root: usize, end: usize) {
    let before = |a: usize, b: usize| (keys[a], a) < (keys[b], b);
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && before(order[child], order[child + 1]) {
            child += 1;
        }
        if !before(order[root], order[child]) {
            return;
        }
        order.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_key_then_position() {
        let keys = ["b", "a", "c", "a", "", "b", "é"];
        assert_eq!(sorted_positions(&keys), [4, 1, 3, 0, 5, 2, 6]);
        assert_eq!(sorted_positions(&[]), Vec::<usize>::new());
    }

    #[test]
    fn agrees_with_a_stable_sort() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for length in 0..200 {
            let keys: Vec<String> = (0..length)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    format!("k{}", state % 37)
                })
                .collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let mut expected: Vec<usize> = (0..length).collect();
            expected.sort_by_key(|&i| keys[i]);
            assert_eq!(sorted_positions(&keys), expected, "{keys:?}");
        }
    }
}
