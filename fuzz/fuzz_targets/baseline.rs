//! Fuzz target: reading baselines and configurations (JSON, YAML, TOML) never panics, and a
//! baseline that reads can check any configuration that reads.

#![no_main]

use chainward_formats::baseline::{read_baseline, read_config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let baseline = read_baseline(data);
    for hint in [Some("json"), Some("yaml"), Some("toml"), None] {
        if let (Ok(baseline), Ok(config)) = (&baseline, read_config(data, hint)) {
            let _ = chainward_core::baseline::check(baseline, &config);
        }
    }
});
