//! `ocpolicy component`: look inside the embedded rules component.

use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

use super::Outcome;
use ocpolicy_runtime::Rules;
use ocpolicy_runtime::artifacts::{EXAMPLE_PLUGIN_OWN_RANGES, RULES_COMPONENT};

/// What to show.
#[derive(Subcommand)]
pub enum ComponentCommand {
    /// Print the component's WIT, decoded from its own type information.
    Wit,
    /// List the component's imports and exports (a policy imports nothing).
    Interface,
    /// Write the component's bytes to a file (for `wasm-tools`, `jco`, ...).
    Save {
        /// Where to write it.
        path: PathBuf,
        /// Write the example operator plugin (`guest/plugins/own-ranges`, world
        /// `rule-plugin`) instead of the rules component.
        #[arg(long)]
        example_plugin: bool,
    },
}

impl ComponentCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        match self {
            ComponentCommand::Wit => {
                let decoded = wit_component::decode(RULES_COMPONENT)
                    .context("decoding the rules component")?;
                let mut printer = wit_component::WitPrinter::default();
                let root = decoded.package();
                let nested: Vec<_> = decoded
                    .resolve()
                    .packages
                    .iter()
                    .map(|(id, _)| id)
                    .filter(|id| *id != root)
                    .collect();
                printer.print(decoded.resolve(), root, &nested)?;
                out!("{}", printer.output);
            }
            ComponentCommand::Interface => {
                let rules = Rules::new()?;
                let (imports, exports) = ocpolicy_runtime::component_interface(&rules);
                outln!("imports ({}):", imports.len());
                for i in &imports {
                    outln!("  {i}");
                }
                outln!("exports ({}):", exports.len());
                for e in &exports {
                    outln!("  {e}");
                }
                outln!("size: {} bytes", RULES_COMPONENT.len());
            }
            ComponentCommand::Save {
                path,
                example_plugin,
            } => {
                let bytes = if example_plugin {
                    EXAMPLE_PLUGIN_OWN_RANGES
                } else {
                    RULES_COMPONENT
                };
                std::fs::write(&path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
            }
        }
        Ok(Outcome::Allowed)
    }
}
