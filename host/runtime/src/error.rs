//! What can go wrong in the runtime: the component trapped, could not be
//! compiled or instantiated, or the compile cache could not be written.
//! Bad input is never one of these: a check answers it as an
//! [`InputError`](crate::types::InputError) inside `Ok`.

/// A runtime failure. Each variant keeps its cause as the error's source.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// wasmtime failed while doing `context`: a trap in a call (a bug in the
    /// rules, or the call's deadline or memory limit), or compiling or
    /// instantiating the component.
    #[error("{context}")]
    Wasm {
        /// What was being done (`the rules component trapped in \`check\``).
        context: &'static str,
        /// wasmtime's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The compile cache's directory could not be written.
    #[error("the compile cache in `{dir}` could not be written")]
    Cache {
        /// The cache directory.
        dir: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The rules component's catalogue is not this host's: a violation names
    /// its rule by position (`rule-violation`), so host and component must be
    /// built from the same rules (a bug in the build if it happens).
    #[error("the rules component's rule catalogue does not match this host's: {0}")]
    Catalogue(String),
    /// A value could not be converted between the component's types and the
    /// core's (they are generated from one WIT, so this is a bug).
    #[error("converting between the component's and the core's types")]
    Convert(#[source] serde_json::Error),
}

impl Error {
    /// `map_err` for a wasmtime result: the error, with what was being done.
    pub fn wasm(context: &'static str) -> impl FnOnce(wasmtime::Error) -> Error {
        move |e| Error::Wasm {
            context,
            source: e.into(),
        }
    }
}

/// The runtime's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
