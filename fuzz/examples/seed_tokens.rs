//! Writes the token seeds of `fuzz/corpus/token_parse` and `fuzz/corpus/token_verify`:
//! for every purpose and key id, a valid token minted under the foreign key (well formed,
//! wrong MAC for the fuzzers' ring), plus malformed variants of it.
//!
//! Run from the repository root: `cargo run --manifest-path fuzz/Cargo.toml --example seed_tokens`.
//! The output is deterministic, so re-running it changes nothing unless the format changed.

use std::fs;
use std::path::Path;

use lifeline_fuzz::{KEY_IDS, NOW, SliceRandom, foreign_ring};
use token_core::{DEFAULT_RESET_LIFETIME, PREFIX_LEN, Purpose, TokenClaims, mint};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let claims = TokenClaims::expiring_in(42, 7, NOW, DEFAULT_RESET_LIFETIME);
    let mut seeds = Vec::new();
    for purpose in Purpose::ALL {
        for key_id in KEY_IDS {
            let secret = [key_id; 16];
            let minted = mint(
                &foreign_ring(key_id),
                purpose,
                claims,
                &mut SliceRandom::new(&secret),
            )?;
            let text = minted.token.expose_secret().to_owned();
            seeds.push((format!("{}_key{key_id}", purpose.as_str()), text));
        }
    }
    let reset = seeds[0].1.clone();
    let body = &reset[PREFIX_LEN..];
    let variants = [
        ("truncated", reset[..reset.len() - 1].to_owned()),
        ("one_extra", format!("{reset}A")),
        ("unknown_prefix", format!("lx1_{body}")),
        ("next_generation_prefix", format!("lr2_{body}")),
        ("relabelled_as_magic_link", format!("lm1_{body}")),
        ("standard_base64", reset.replace('-', "+").replace('_', "/")),
        ("padding", format!("{}=", &reset[..reset.len() - 1])),
        ("space_inside", format!("{} {}", &reset[..40], &reset[41..])),
        ("prefix_only", "lr1_".to_owned()),
    ];
    seeds.extend(variants.map(|(name, text)| (name.to_owned(), text)));
    for target in ["token_parse", "token_verify"] {
        let dir = corpus.join(target);
        fs::create_dir_all(&dir)?;
        for (name, text) in &seeds {
            fs::write(dir.join(name), text)?;
        }
    }
    println!(
        "wrote {} seeds to each of {}",
        seeds.len(),
        corpus.display()
    );
    Ok(())
}
