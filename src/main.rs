use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = retrace::cli::Cli::parse();
    match retrace::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Rule errors already read `FILE:LINE:COL: message`.
            match e.downcast_ref::<retrace::rules::RuleError>() {
                Some(rule) => eprintln!("{rule}"),
                None => eprintln!("retrace: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}
