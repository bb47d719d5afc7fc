//! Printing macros that never panic: `println!` and `eprintln!` panic when their stream is closed
//! or full (`carprice … | head`, `2>&1 | head`, `2>/dev/full`); these return or drop the error.
//! And [`counted`], the count of a noun as messages write it.

/// `println!` that returns the write's error instead of panicking on it, so that a reader that
/// stops early (`carprice gate … | head -1`, a closed pipe) ends the command quietly in `main`.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `print!` that returns the write's error, as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `eprintln!` that drops the line when standard error cannot take it (a closed pipe, a full
/// disk) instead of panicking: the command goes on, writes its output and ends with the exit code
/// it would have had; only its messages are lost.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprint!` that drops the text when standard error cannot take it, as [`errln!`].
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `n` and `noun`, plural unless `n` is 1: "1 row", "0 rows", "12 quotes".
pub fn counted(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
