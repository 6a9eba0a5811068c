use std::process::ExitCode;

use clap::Parser;

mod cli;

// mimalloc: smaller per-allocation overhead than glibc's malloc for the many
// small strings and vectors of a large event set, and faster under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    cli::init_logging(args.verbose, args.quiet);
    match cli::run(args) {
        Ok(code) => code,
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", cli::message(&err));
            ExitCode::from(2)
        }
    }
}
