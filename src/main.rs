use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = retrace::cli::Cli::parse();
    match retrace::run(cli) {
        Ok(code) => code,
        // The reader went away (`retrace diff | head`): nothing is wrong,
        // and nothing more can be said, as ripgrep does.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Rule errors already read `FILE:LINE:COL: message`.
            match e.downcast_ref::<retrace::config::RuleError>() {
                Some(rule) => eprintln!("{rule}"),
                None => eprintln!("retrace: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
