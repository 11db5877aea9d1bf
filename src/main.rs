use std::process::ExitCode;

use clap::Parser;

// Why not the system allocator: under glibc's malloc the cost of an
// allocation grew with the repository (malloc's own functions went from 6%
// of a check's samples at SCALE 1 to 25% at SCALE 32, where it took 41x the
// time of SCALE 1 for 32x the source); under mimalloc it stays flat (29x).
// tree-sitter keeps C's malloc: given mimalloc too, it was no faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options (v3 `mi_option_e` in its `mimalloc.h`): commit arena
/// memory as it is used, and return freed pages at once, so that peak
/// memory follows what the run holds (72 MB instead of 135 MB at SCALE 8).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Set before the first allocation, when mimalloc makes its first arena:
/// a constructor, run before `main` and before the runtime allocates.
#[used]
#[cfg_attr(target_os = "linux", link_section = ".init_array")]
#[cfg_attr(target_os = "macos", link_section = "__DATA,__mod_init_func")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

extern "C" fn tune_allocator() {
    // SAFETY: setting an option is a plain store mimalloc reads on use.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

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
