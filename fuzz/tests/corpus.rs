//! Replays every committed corpus file through its target on stable Rust, so that a regression
//! on any input the fuzzer ever kept fails `cargo test`, without nightly or libFuzzer.

use std::path::Path;

#[test]
fn every_corpus_file_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut replayed = 0;

    for (name, target) in slackhook_fuzz::TARGETS {
        let dir = root.join(name);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("corpus for {name} at {}: {e}", dir.display()));
        let mut count = 0;
        for entry in entries {
            let path = entry.expect("readable directory entry").path();
            let data = std::fs::read(&path).expect("readable corpus file");
            target(&data);
            count += 1;
        }
        assert!(count > 0, "the corpus of {name} is empty");
        replayed += count;
    }

    assert!(replayed >= slackhook_fuzz::TARGETS.len());
}
