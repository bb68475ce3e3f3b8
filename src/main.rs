//! The `mizan` binary: mizan's command line with the built-in extractor kinds. Everything
//! lives in the library; a user's own binary calls `mizan::cli::main_with` with its kinds added.

fn main() -> std::process::ExitCode {
    mizan::cli::main()
}
