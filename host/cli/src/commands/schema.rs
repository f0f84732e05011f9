//! `ocpolicy schema`: the JSON Schema of a document, generated from the types.

use anyhow::Result;
use clap::Args;

use super::Outcome;
use ocpolicy_rules::schema;

fn documents_help() -> String {
    let mut s = String::from("Documents:\n");
    for (name, what) in schema::DOCUMENTS {
        s.push_str(&format!("  {name:<20} {what}\n"));
    }
    s.push_str("\nExample:\n  ocpolicy schema eligibility > eligibility.schema.json");
    s
}

/// `ocpolicy schema <document>`.
#[derive(Args)]
#[command(after_help = documents_help())]
pub struct SchemaCommand {
    /// Which document.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(schema::DOCUMENTS.iter().map(|(n, _)| *n)))]
    pub document: String,
}

impl SchemaCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let Some(s) = schema::for_document(&self.document) else {
            anyhow::bail!("no schema for `{}`", self.document);
        };
        outln!("{}", serde_json::to_string_pretty(&s)?);
        Ok(Outcome::Allowed)
    }
}
