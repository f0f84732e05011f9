//! Emergency location resolution against LIS tables of 10, 1,000 and 100,000
//! entries, native and through the component (snapshot resource built once,
//! resolved per call). Resolution is indexed (hash maps for BSSIDs, chassis
//! and ports, wildcard BSSIDs by prefix, prefix tries for subnets and trusted
//! IPs), so the time per call must stay flat as the table grows. Prints the
//! 100k/1k ratio for each engine at the end.
//!
//!     cargo bench -p ocpolicy-benches --bench emergency
//!
//! Every size is measured in the same run, side by side.

// A benchmark binary: failing loudly on a broken set-up is the right thing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use ocpolicy_benches::{mean_ns, root};
use ocpolicy_rules::{emergency::EmergencySnapshot, json, types as core};
use ocpolicy_runtime::{Rules, types as wt};
use serde_json::{Value, json};

const SIZES: [usize; 3] = [10, 1_000, 100_000];

fn mac(i: usize, salt: u8) -> String {
    let b = (i as u32).to_be_bytes();
    format!(
        "{:02X}-{:02X}-{:02X}-{:02X}-{:02X}-{:02X}",
        salt, 0x10, b[0], b[1], b[2], b[3]
    )
}

/// A configuration with `n` LIS entries, a quarter each of WAPs (every 8th a
/// wildcard), switches, ports and subnets, over 64 locations under one
/// address, plus 64 trusted IP ranges.
fn config(n: usize) -> Value {
    let mut cfg: Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/examples/emergency-config.json")).unwrap(),
    )
    .unwrap();
    let locations: Vec<Value> = (0..64)
        .map(|l| json!({"location_id": format!("B{l}"), "civic_address_id": "A1", "place": format!("Floor {l}")}))
        .collect();
    cfg["tenant"]["locations"]
        .as_array_mut()
        .unwrap()
        .extend(locations);
    let (mut waps, mut switches, mut ports, mut subnets) = (vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let loc = format!("B{}", i % 64);
        match i % 4 {
            0 if (i / 4) % 8 == 7 => {
                // 00-AA-xx-xx-xx-x*: one character wildcard.
                let m = mac(i, 0x00).replacen("00-10", "00-AA", 1);
                let wild = format!("{}*", &m[..m.len() - 1]);
                waps.push(json!({"bssid": wild, "location_id": loc}));
            }
            0 => waps.push(json!({"bssid": mac(i, 0x00), "location_id": loc})),
            1 => switches.push(json!({"chassis_id": mac(i, 0x02), "location_id": loc})),
            2 => ports.push(json!({"chassis_id": mac(i, 0x04), "port_id": format!("{}", i % 48), "location_id": loc})),
            _ => {
                // 10.x.y.0/24 networks, one per entry.
                let k = i / 4;
                subnets.push(json!({"subnet": format!("10.{}.{}.0", (k >> 8) & 0xff, k & 0xff), "prefix_length": 24, "location_id": loc}));
            }
        }
    }
    cfg["lis"] = json!({"waps": waps, "switches": switches, "ports": ports, "subnets": subnets});
    let trusted: Vec<Value> = (0..64)
        .map(|t| json!({"ip_address": format!("198.51.{t}.0"), "mask_bits": 24}))
        .chain([json!({"ip_address": "203.0.113.0", "mask_bits": 24})])
        .collect();
    cfg["trusted_ips"] = json!(trusted);
    cfg
}

/// One context per match path, each hitting an entry in the middle of the
/// table (or, for the miss, matching nothing and falling back to static).
fn contexts(n: usize) -> Vec<Value> {
    let pick = |kind: usize| {
        // The middle entry of that kind.
        let k = (n / 4).max(1) / 2;
        4 * k + kind
    };
    let wap = pick(0);
    let port = pick(2);
    let switch = pick(1);
    let subnet = pick(3) / 4;
    let base = json!({"user": "alice@contoso.com", "client_type": "Windows"});
    let with = |extra: Value| {
        let mut v = base.clone();
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    vec![
        with(json!({"bssid": mac(wap, 0x00), "external_ip": "203.0.113.9"})),
        with(json!({"chassis_id": mac(port, 0x04), "port_id": format!("{}", port % 48)})),
        with(json!({"chassis_id": mac(switch, 0x02), "port_id": "99"})),
        with(
            json!({"external_ip": "203.0.113.9", "internal_ip": format!("10.{}.{}.77", (subnet >> 8) & 0xff, subnet & 0xff), "prefix_length": 24}),
        ),
        with(
            json!({"bssid": "77-77-77-77-77-77", "external_ip": "203.0.113.9", "internal_ip": "172.16.0.5", "prefix_length": 16}),
        ),
    ]
}

fn benches(c: &mut Criterion) {
    let rules = Rules::new().expect("compiling the rules component");
    let mut inst = rules.instance().unwrap();
    let mut g = c.benchmark_group("resolve");
    for n in SIZES {
        let cfg = serde_json::to_vec(&config(n)).unwrap();
        let ctxs: Vec<(core::NetworkContext, wt::NetworkContext)> = contexts(n)
            .iter()
            .map(|v| {
                let b = serde_json::to_vec(v).unwrap();
                (json::from_slice(&b).unwrap(), json::from_slice(&b).unwrap())
            })
            .collect();
        let native = EmergencySnapshot::new(json::from_slice(&cfg).unwrap()).unwrap();
        let comp_cfg: wt::EmergencyConfig = json::from_slice(&cfg).unwrap();
        let snap = inst.emergency_snapshot(&comp_cfg).unwrap().unwrap();
        // The benchmark is only honest if each context resolves as intended:
        // the four hits dynamically, the miss to the static fallback.
        for (i, (nc, cc)) in ctxs.iter().enumerate() {
            let r = native.resolve(nc).unwrap();
            let want = if i < 4 { "Dynamic" } else { "StaticAddress" };
            assert_eq!(
                serde_json::to_value(r.source).unwrap(),
                want,
                "n={n} context {i}: {r:?}"
            );
            let rc = inst.emergency_snapshot_resolve(&snap, cc).unwrap().unwrap();
            assert_eq!(
                serde_json::to_value(&r).unwrap(),
                serde_json::to_value(&rc).unwrap(),
                "n={n} context {i}: native and component differ"
            );
        }
        g.throughput(Throughput::Elements(ctxs.len() as u64));
        g.bench_with_input(BenchmarkId::new("native", n), &ctxs, |b, ctxs| {
            b.iter(|| {
                for (nc, _) in ctxs {
                    black_box(native.resolve(black_box(nc)).unwrap());
                }
            })
        });
        g.bench_with_input(BenchmarkId::new("component", n), &ctxs, |b, ctxs| {
            b.iter(|| {
                for (_, cc) in ctxs {
                    black_box(
                        inst.emergency_snapshot_resolve(&snap, black_box(cc))
                            .unwrap()
                            .unwrap(),
                    );
                }
            })
        });
        inst.drop_emergency_snapshot(snap).unwrap();
    }
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    let per_call = contexts(10).len() as f64;
    println!("\nsummary (means of this run, µs per resolution):");
    for id in ["native", "component"] {
        let m: Vec<Option<f64>> = SIZES
            .iter()
            .map(|&n| mean_ns("resolve", &format!("{id}/{n}")))
            .collect();
        if let [Some(a), Some(b), Some(z)] = m[..] {
            println!(
                "  {id:<9}  10: {:.2}  1k: {:.2}  100k: {:.2}   100k/1k = {:.2}x (flat means < 2x)",
                a / per_call / 1000.0,
                b / per_call / 1000.0,
                z / per_call / 1000.0,
                z / b
            );
        }
    }
}
