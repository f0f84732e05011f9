//! The built component's shape.

use ocpolicy_runtime::RULES_COMPONENT;

#[test]
fn the_rules_component_imports_nothing() {
    let (imports, exports) = ocpolicy_runtime::component_interface(crate::rules());
    assert!(
        imports.is_empty(),
        "the rules component imports {imports:?}"
    );
    assert_eq!(
        exports,
        vec![
            "ocpolicy:rules/types@0.3.1".to_string(),
            "ocpolicy:rules/eligibility@0.3.1".to_string(),
            "ocpolicy:rules/emergency@0.3.1".to_string(),
            "ocpolicy:rules/conferencing@0.3.1".to_string()
        ]
    );
}

#[test]
fn the_component_carries_the_typed_wit_package() {
    let decoded = wit_component::decode(RULES_COMPONENT).unwrap_or_else(|e| panic!("{e:#}"));
    let resolve = decoded.resolve();
    let pkg = resolve
        .packages
        .iter()
        .find(|(_, p)| p.name.to_string() == "ocpolicy:rules@0.3.1")
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("no ocpolicy:rules@0.3.1 in the component"));
    let types = pkg
        .interfaces
        .get("types")
        .copied()
        .unwrap_or_else(|| panic!("no `types` interface"));
    let iface = &resolve.interfaces[types];
    for record in [
        "violation",
        "decision",
        "phone-number",
        "account",
        "tenant-operator",
        "civic-address",
        "assign-number",
    ] {
        let id = iface
            .types
            .get(record)
            .copied()
            .unwrap_or_else(|| panic!("no type `{record}`"));
        assert!(
            matches!(resolve.types[id].kind, wit_parser::TypeDefKind::Record(_)),
            "`{record}` is not a record"
        );
    }
    let request = iface
        .types
        .get("eligibility-request")
        .copied()
        .unwrap_or_else(|| panic!("no eligibility-request"));
    assert!(matches!(
        resolve.types[request].kind,
        wit_parser::TypeDefKind::Variant(_)
    ));
}

#[test]
fn the_wit_folder_parses_and_declares_both_worlds() {
    let mut resolve = wit_parser::Resolve::default();
    let (pkg, _) = resolve
        .push_dir(crate::root().join("wit"))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let package = &resolve.packages[pkg];
    assert_eq!(package.name.to_string(), "ocpolicy:rules@0.3.1");
    for world in ["rules", "rule-plugin"] {
        assert!(package.worlds.contains_key(world), "no world `{world}`");
    }
    // Every item carries documentation (it flows into the generated bindings).
    for (name, id) in &package.interfaces {
        let iface = &resolve.interfaces[*id];
        assert!(
            iface.docs.contents.is_some(),
            "interface `{name}` has no docs"
        );
        for (tname, tid) in &iface.types {
            if matches!(resolve.types[*tid].kind, wit_parser::TypeDefKind::Type(_)) {
                continue; // a `use` of a type documented where it is defined
            }
            assert!(
                resolve.types[*tid].docs.contents.is_some(),
                "type `{name}.{tname}` has no docs"
            );
        }
        for (fname, f) in &iface.functions {
            assert!(
                f.docs.contents.is_some(),
                "function `{name}.{fname}` has no docs"
            );
        }
    }
}

#[test]
fn a_snapshot_answers_like_a_full_check_and_can_be_dropped() {
    let rules = crate::rules();
    let mut instance = rules.instance().unwrap_or_else(|e| panic!("{e:#}"));
    let tenant: ocpolicy_runtime::types::Tenant = ocpolicy_rules::json::from_slice(
        &std::fs::read(crate::root().join("tests/examples/tenant.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let snapshot = instance
        .snapshot(&tenant)
        .unwrap_or_else(|e| panic!("{e:#}"))
        .unwrap_or_else(|e| panic!("{}", e.message));
    for name in ["assign-number", "assign-number-denied", "release-number"] {
        let bytes =
            std::fs::read(crate::root().join(format!("tests/examples/requests/{name}.json")))
                .unwrap_or_default();
        let request: ocpolicy_runtime::types::EligibilityRequest =
            ocpolicy_rules::json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let via_snapshot = instance
            .check(&snapshot, &request)
            .unwrap_or_else(|e| panic!("{e:#}"));
        let check = ocpolicy_runtime::types::EligibilityCheck {
            tenant: tenant.clone(),
            request,
        };
        let via_check = instance
            .evaluate(&check)
            .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(via_snapshot, via_check, "{name}");
    }
    instance
        .drop_snapshot(snapshot)
        .unwrap_or_else(|e| panic!("{e:#}"));
}

#[test]
fn ambiguous_tenants_are_refused_with_the_field_path() {
    let mut instance = crate::rules()
        .instance()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let mut tenant: ocpolicy_runtime::types::Tenant = ocpolicy_rules::json::from_slice(
        &std::fs::read(crate::root().join("tests/examples/tenant.json")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut dup = tenant.numbers[0].clone();
    dup.telephone_number = dup.telephone_number.trim_start_matches('+').to_string();
    tenant.numbers.push(dup);
    let err = match instance
        .snapshot(&tenant)
        .unwrap_or_else(|e| panic!("{e:#}"))
    {
        Ok(_) => panic!("a duplicate number was accepted"),
        Err(e) => e,
    };
    assert_eq!(
        err.path,
        format!(
            "tenant.numbers[{}].telephone_number",
            tenant.numbers.len() - 1
        )
    );
    assert!(err.message.contains("duplicate"), "{}", err.message);
}

#[test]
fn every_call_gets_a_full_deadline_however_old_the_instance() {
    // Its own engine: advancing the epoch here must not touch other tests' calls.
    let options = ocpolicy_runtime::Options {
        deadline: true,
        ..ocpolicy_runtime::Options::default()
    };
    let rules = ocpolicy_runtime::Rules::with_options(options).unwrap_or_else(|e| panic!("{e:#}"));
    let mut instance = rules.instance().unwrap_or_else(|e| panic!("{e:#}"));
    let check: ocpolicy_runtime::types::EligibilityCheck = ocpolicy_rules::json::from_slice(
        &std::fs::read(crate::root().join("tests/examples/assign-number.check.json"))
            .unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Age the instance past several deadlines, as a long-lived worker's would be.
    for _ in 0..ocpolicy_runtime::CALL_DEADLINE_TICKS * 3 {
        rules.engine().increment_epoch();
    }
    let decision = instance
        .evaluate(&check)
        .unwrap_or_else(|e| panic!("a fresh call trapped: {e:#}"));
    assert!(decision.map(|d| d.allowed).unwrap_or(false));
}
