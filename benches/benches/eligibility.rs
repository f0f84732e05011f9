//! Eligibility decisions: native against the component (warm), and a fresh
//! instance per call against a warm one. Prints the ratios at the end.
//!
//!     cargo bench -p ocpolicy-benches
//!
//! Every pair is measured in the same run, side by side, so the ratios hold on
//! a noisy shared machine even when the absolute numbers drift.

// A benchmark binary: failing loudly on a broken set-up is the right thing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use ocpolicy_benches::{corpus, demo, mean_ns};
use ocpolicy_rules::TenantSnapshot;
use ocpolicy_runtime::{Options, Rules};

fn benches(c: &mut Criterion) {
    let rules = Rules::new().expect("compiling the rules component");
    let cases = corpus().expect("loading the corpus");
    let ((tenant_n, tenant_c), requests) = demo().expect("loading the demo tenant");

    // 1. A warm snapshot: the tenant indexed once, requests decided against
    //    it (the server's and the bulk CLI's hot path). Uploads are measured
    //    apart: they are dominated by numbering-plan lookups.
    let (uploads, typical): (Vec<_>, Vec<_>) = requests.iter().cloned().partition(|(n, _)| {
        matches!(
            n,
            ocpolicy_rules::types::EligibilityRequest::UploadNumbers(_)
        )
    });
    let snap_n = TenantSnapshot::new(tenant_n.clone()).unwrap();
    let mut inst = rules.instance().unwrap();
    let snap_c = inst.snapshot(&tenant_c).unwrap().unwrap();
    // Warm the numbering plan once, as a long-lived worker would have.
    for (_, c) in &requests {
        inst.check(&snap_c, c).unwrap().unwrap();
    }
    let mut g = c.benchmark_group("snapshot");
    g.throughput(Throughput::Elements(typical.len() as u64));
    g.bench_function("native", |b| {
        b.iter(|| {
            for (n, _) in &typical {
                black_box(snap_n.check(black_box(n)).unwrap());
            }
        })
    });
    g.bench_function("component", |b| {
        b.iter(|| {
            for (_, c) in &typical {
                black_box(inst.check(&snap_c, black_box(c)).unwrap().unwrap());
            }
        })
    });
    // The floor under one call per request: as many near-empty calls (the
    // emergency numbers of a country there are none for: a two-letter string
    // in, `none` out), to tell the fixed cost of crossing the boundary from
    // the rules' own work.
    g.bench_function("component-floor", |b| {
        b.iter(|| {
            for _ in &typical {
                black_box(inst.emergency_numbers(black_box("ZZ")).unwrap());
            }
        })
    });
    // The same requests, 64 times over, in one `check-all` call.
    let many_n: Vec<_> = typical
        .iter()
        .cycle()
        .take(typical.len() * 64)
        .map(|(n, _)| n.clone())
        .collect();
    let many_c: Vec<_> = typical
        .iter()
        .cycle()
        .take(typical.len() * 64)
        .map(|(_, c)| c.clone())
        .collect();
    g.throughput(Throughput::Elements(many_n.len() as u64));
    g.bench_function("native-all", |b| {
        b.iter(|| black_box(snap_n.check_all(black_box(&many_n))))
    });
    g.bench_function("component-all", |b| {
        b.iter(|| black_box(inst.check_all(&snap_c, black_box(&many_c)).unwrap()))
    });
    g.finish();

    let mut g = c.benchmark_group("upload");
    g.throughput(Throughput::Elements(uploads.len() as u64));
    g.bench_function("native", |b| {
        b.iter(|| {
            for (n, _) in &uploads {
                black_box(snap_n.check(black_box(n)).unwrap());
            }
        })
    });
    g.bench_function("component", |b| {
        b.iter(|| {
            for (_, c) in &uploads {
                black_box(inst.check(&snap_c, black_box(c)).unwrap().unwrap());
            }
        })
    });
    g.finish();

    // 1b. The cost of the per-call deadline: two fresh instances, one from an
    //    engine with epoch interruption and one without, warmed identically
    //    (an instance's history, its heap and its regex caches, moves timings
    //    by tens of percent, so neither may reuse an instance from above).
    let with_deadline = Rules::with_options(Options {
        deadline: true,
        ..Options::default()
    })
    .unwrap();
    let mut pairs = Vec::new();
    for r in [&rules, &with_deadline] {
        let mut i = r.instance().unwrap();
        let s = i.snapshot(&tenant_c).unwrap().unwrap();
        for (_, c) in &requests {
            i.check(&s, c).unwrap().unwrap();
        }
        pairs.push((i, s));
    }
    let mut g = c.benchmark_group("deadline");
    for (name, group) in [("typical", &typical), ("upload", &uploads)] {
        for ((inst, snap), label) in pairs.iter_mut().zip(["off", "on"]) {
            g.bench_function(format!("{name}-{label}"), |b| {
                b.iter(|| {
                    for (_, c) in group.iter() {
                        black_box(inst.check(snap, black_box(c)).unwrap().unwrap());
                    }
                })
            });
        }
    }
    g.finish();

    // 2. The whole corpus as self-contained checks: each call carries (and, in
    //    the component, copies across the boundary) its tenant.
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("native", |b| {
        b.iter(|| {
            for (n, _) in &cases {
                black_box(ocpolicy_rules::eligibility::evaluate(black_box(n.clone())).unwrap());
            }
        })
    });
    for (_, c) in &cases {
        inst.evaluate(c).unwrap().unwrap();
    }
    g.bench_function("component", |b| {
        b.iter(|| {
            for (_, c) in &cases {
                black_box(inst.evaluate(black_box(c)).unwrap().unwrap());
            }
        })
    });
    g.finish();

    // 3. A fresh store and instance per call against a warm, reused instance,
    //    on the baseline E0 (no numbering-plan lookup, which would add ~200 ms
    //    to every fresh instance).
    let e0 = &cases
        .iter()
        .find(|(n, _)| {
            n.tenant.numbers.len() == 1
                && matches!(
                    n.request,
                    ocpolicy_rules::types::EligibilityRequest::AssignNumber(_)
                )
        })
        .unwrap()
        .1;
    let mut g = c.benchmark_group("instance");
    g.bench_function("warm", |b| {
        b.iter(|| black_box(inst.evaluate(black_box(e0)).unwrap().unwrap()))
    });
    g.bench_function("fresh", |b| {
        b.iter(|| {
            let mut fresh = rules.instance().unwrap();
            black_box(fresh.evaluate(black_box(e0)).unwrap().unwrap())
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();

    let (typical, uploads) = demo()
        .map(|(_, r)| {
            let up = r
                .iter()
                .filter(|(n, _)| {
                    matches!(
                        n,
                        ocpolicy_rules::types::EligibilityRequest::UploadNumbers(_)
                    )
                })
                .count();
            ((r.len() - up) as f64, up as f64)
        })
        .unwrap_or((1.0, 1.0));
    let cases = corpus().map(|c| c.len()).unwrap_or(1) as f64;
    println!("\nsummary (means of this run):");
    if let (Some(n), Some(c)) = (
        mean_ns("snapshot", "native"),
        mean_ns("snapshot", "component"),
    ) {
        println!(
            "  snapshot, one call per request:  native {:.2} µs/decision, component {:.2} µs/decision, component/native = {:.2}x",
            n / typical / 1000.0,
            c / typical / 1000.0,
            c / n
        );
    }
    if let (Some(n), Some(c), Some(f)) = (
        mean_ns("snapshot", "native"),
        mean_ns("snapshot", "component"),
        mean_ns("snapshot", "component-floor"),
    ) {
        println!(
            "    of which a near-empty call costs {:.2} µs; the rest, {:.2} µs, is {:.2}x native",
            f / typical / 1000.0,
            (c - f) / typical / 1000.0,
            (c - f) / n
        );
    }
    if let (Some(n), Some(c)) = (
        mean_ns("snapshot", "native-all"),
        mean_ns("snapshot", "component-all"),
    ) {
        let k = typical * 64.0;
        println!(
            "  snapshot, check-all of {k}:       native {:.2} µs/decision, component {:.2} µs/decision, component/native = {:.2}x",
            n / k / 1000.0,
            c / k / 1000.0,
            c / n
        );
    }
    if let (Some(n), Some(c)) = (mean_ns("upload", "native"), mean_ns("upload", "component")) {
        println!(
            "  upload (numbering-plan lookups): native {:.2} µs/decision, component {:.2} µs/decision, component/native = {:.2}x",
            n / uploads / 1000.0,
            c / uploads / 1000.0,
            c / n
        );
    }
    if let (Some(n), Some(c)) = (mean_ns("corpus", "native"), mean_ns("corpus", "component")) {
        println!(
            "  corpus, evaluate (tenant copied per call): native {:.2} µs/decision, component {:.2} µs/decision, component/native = {:.2}x",
            n / cases / 1000.0,
            c / cases / 1000.0,
            c / n
        );
    }
    for what in ["typical", "upload"] {
        if let (Some(on), Some(off)) = (
            mean_ns("deadline", &format!("{what}-on")),
            mean_ns("deadline", &format!("{what}-off")),
        ) {
            println!(
                "  deadline on/off, {what}: {:.2}x ({:.2} µs vs {:.2} µs per group)",
                on / off,
                on / 1000.0,
                off / 1000.0
            );
        }
    }
    if let (Some(w), Some(f)) = (mean_ns("instance", "warm"), mean_ns("instance", "fresh")) {
        println!(
            "  instance: warm {:.2} µs/call, fresh {:.2} µs/call, fresh/warm = {:.1}x",
            w / 1000.0,
            f / 1000.0,
            f / w
        );
    }
}
