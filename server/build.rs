//! Embeds the web portal's built pages (`ui/portal/build`, made by `npm --prefix ui run build:portal`)
//! in the binary: writes `$OUT_DIR/portal_assets.rs`, a table of `include_bytes!` entries. When the
//! folder is missing the table is empty and the server answers `/` with how to build the pages
//! (ADR 0021). `TOKHAI_PORTAL_DIR` names another folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=TOKHAI_PORTAL_DIR");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = std::env::var_os("TOKHAI_PORTAL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../ui/portal/build"));
    // A missing path would make cargo rerun this script (and rebuild the crate) on every build: watch the
    // portal's source folder until the build folder exists, then the build folder itself.
    let watched = if dir.is_dir() {
        dir.clone()
    } else {
        manifest.join("../ui/portal")
    };
    println!("cargo:rerun-if-changed={}", watched.display());

    let mut files = Vec::new();
    if dir.is_dir() {
        collect(&dir, &dir, &mut files);
    }
    files.sort();
    let mut out = String::from("/// The portal's files: path (no leading slash), content.\n");
    out.push_str("pub(crate) static ASSETS: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("portal_assets.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
        std::process::exit(1);
    }
}

/// Every file under `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let abs = path.canonicalize().unwrap_or(path.clone());
            out.push((rel, abs.to_string_lossy().into_owned()));
        }
    }
}
