// Rendering thousands of pages allocates and frees many small strings and
// template values from several threads at once; mimalloc keeps that off the
// critical path (the system allocator spent a third of `build` in malloc/free).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    hindsight::cli::main()
}
