// The default theme is embedded with `include_dir!`, which cannot tell cargo
// about files added to the folder; this makes any change under themes/
// rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=themes");
}
