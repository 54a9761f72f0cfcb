/work/main/json-derive/target/debug/deps/stagecraft_json_derive-32c1865ef0119b79.d: src/lib.rs Cargo.toml

/work/main/json-derive/target/debug/deps/libstagecraft_json_derive-32c1865ef0119b79.rmeta: src/lib.rs Cargo.toml

src/lib.rs:
Cargo.toml:

# env-dep:CLIPPY_ARGS=
# env-dep:CLIPPY_CONF_DIR
