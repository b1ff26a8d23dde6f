//! uniffi's binding generator, built from the same uniffi version as the library's scaffolding.
//! `mobile/test.sh` runs it; see `mobile/README.md`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
