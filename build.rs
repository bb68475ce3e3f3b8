//! Links the `mizan` binary as a position-dependent executable on Linux. As a PIE its 100 MB
//! (polars' tables and vtables among them) carry about 125,000 relocations that the loader
//! applies, page by page, at every start: 5–6 ms before `main`, more than `mizan conlleval`
//! takes for a 15 MB file. Linked at a fixed address it starts in about 2 ms. Libraries,
//! tests and users' own binaries (examples/custom-extractor) are not affected.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let gnu_or_musl = std::env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|env| env == "gnu" || env == "musl");
    if linux && gnu_or_musl {
        println!("cargo:rustc-link-arg-bin=mizan=-no-pie");
    }
}
