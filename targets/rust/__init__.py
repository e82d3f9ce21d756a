"""The rust target: a Cargo crate per spec, gated by cargo check and cargo test --no-run."""

from .target import RustConfig, RustTarget

__all__ = ["RustConfig", "RustTarget"]
