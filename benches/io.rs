//! Import/export codec benchmark: 100,000 contacts through xlsx, CSV and vCard, each phase in
//! its own process so that its peak RSS (VmHWM) is its own; then openpyxl on the same file.
//!
//! `cargo bench --bench io` (ROWS=... to change the size). Results: docs/PERFORMANCE-io.md.

use contactpro::io::{self, Format};
use contactpro::model::{Address, Contact, ContactFields, ContactId, GroupId, Limits, Timestamp, UserRef};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn rows() -> usize {
    std::env::var("ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join("contactpro-io-bench");
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

const FIRST: [&str; 8] = ["Clément", "Zoë", "Ana", "John", "Léa", "Kenji", "Åsa", "Ali"];
const LAST: [&str; 8] = ["Dupont", "O'Brien", "García", "Smith", "Martin", "Tanaka", "Öberg", "Khan"];
const CITY: [&str; 5] = ["Paris", "Besançon", "Zürich", "Madrid", "Tokyo"];

/// A realistic contact: every column filled, two groups, a short note.
fn contact(i: usize) -> Contact {
    let (f, l) = (FIRST[i % 8], LAST[(i / 8) % 8]);
    let fields = ContactFields {
        full_name: format!("{f} {l} {i}"),
        given_name: f.to_owned(),
        family_name: l.to_owned(),
        job_title: ["Sales Manager", "Directeur général", "Engineer", "CTO"][i % 4].to_owned(),
        email: format!("user{i}@example.com"),
        mobile: format!("+33 6 {:02} {:02} {:02} {:02}", i % 100, (i / 100) % 100, (i / 10_000) % 100, i % 97),
        phone: format!("+33 1 {:08}", i),
        website: format!("https://example.com/{i}"),
        linkedin: format!("https://www.linkedin.com/in/user{i}"),
        facebook: String::new(),
        x: if i.is_multiple_of(3) { format!("https://x.com/user{i}") } else { String::new() },
        company: format!("Company {}", i % 500),
        department: ["Sales", "R&D", "Finance", "Support"][i % 4].to_owned(),
        address: Address {
            street: format!("{} rue de la Paix", i % 200),
            city: CITY[i % 5].to_owned(),
            postal_code: format!("{:05}", i % 99_999),
            state: String::new(),
            country: "France".to_owned(),
        },
        notes: if i.is_multiple_of(10) { format!("Met at the fair, line 1\nline 2, note {i}") } else { String::new() },
        groups: vec![GroupId::from_u128(1 + (i % 20) as u128), GroupId::from_u128(100)],
    };
    Contact {
        id: ContactId::from_u128(i as u128 + 1),
        fields,
        created_at: Timestamp(1_700_000_000_000),
        created_by: UserRef::default(),
        updated_at: Timestamp(1_700_000_000_000),
        updated_by: UserRef::default(),
        version: 1,
    }
}

fn group_name(g: GroupId) -> Option<String> {
    Some(if g.as_u128() == 100 { "Everyone".to_owned() } else { format!("Group {}", g.as_u128()) })
}

/// The contacts as the server streams them from the store: generated on the fly, so the RSS
/// of an export phase is the codec's, not the test data's.
fn stream() -> impl Iterator<Item = Contact> {
    (0..rows()).map(contact)
}

fn vm_hwm_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// User + system CPU time of this process: wall time is noisy on a shared 2-core machine.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest.split_whitespace().skip(11).take(2).filter_map(|v| v.parse().ok()).collect();
    f.iter().sum::<f64>() / 100.0
}

fn path(ext: &str) -> PathBuf {
    dir().join(format!("contacts-{}.{ext}", rows()))
}

/// Run one phase in this process and print `name seconds peak_mb detail`.
fn phase(name: &str) {
    let t = Instant::now();
    let detail = match name {
        "write_xlsx" => {
            let bytes = io::write_xlsx(&mut stream(), &group_name);
            std::fs::write(path("xlsx"), &bytes).expect("write");
            format!("{:.1} MB file", bytes.len() as f64 / 1e6)
        }
        "write_csv" | "write_vcf" => {
            let ext = &name[6..];
            let file = std::fs::File::create(path(ext)).expect("create");
            let mut out = std::io::BufWriter::new(file);
            if ext == "csv" {
                io::write_csv(&mut out, &mut stream(), &group_name).expect("csv");
            } else {
                io::write_vcard(&mut out, &mut stream(), &group_name).expect("vcf");
            }
            drop(out);
            format!("{:.1} MB file", std::fs::metadata(path(ext)).map(|m| m.len()).unwrap_or(0) as f64 / 1e6)
        }
        "parse_xlsx" | "parse_csv" | "parse_vcf" => {
            let ext = &name[6..];
            let format = match ext {
                "xlsx" => Format::Xlsx,
                "csv" => Format::Csv,
                _ => Format::Vcard,
            };
            let bytes = std::fs::read(path(ext)).expect("run the write phases first");
            let parsed = io::parse(format, &bytes, rows()).expect("parse");
            // What the server does next: validate every row.
            let limits = Limits::default();
            let valid = parsed.rows.into_iter().filter(|r| r.input.clone().into_fields(&limits).is_ok()).count();
            assert_eq!(valid, rows(), "every generated row is valid");
            format!("{valid} rows parsed and validated")
        }
        "xlsx_over_limit" => {
            // A 1,000,000-row sheet (two columns, so it passes the size guard) against a
            // 100,000-row limit: refused after reading the limit, not the whole file.
            let bytes = std::fs::read(dir().join("million.xlsx")).expect("million.xlsx");
            match io::parse(Format::Xlsx, &bytes, 100_000) {
                Err(io::ImportError::TooManyRows { max }) => format!("TooManyRows {{ max: {max} }}"),
                other => panic!("expected TooManyRows, got {:?}", other.map(|p| p.rows.len())),
            }
        }
        "make_million" => {
            // Name and e-mail only: ~120 bytes of sheet XML a row, under the 200 MB sheet guard,
            // so it is the row limit that refuses it.
            let mut minimal = (0..1_000_000).map(|i| {
                let mut c = contact(i);
                c.fields = ContactFields {
                    full_name: format!("Name {i}"),
                    email: format!("u{i}@example.com"),
                    ..Default::default()
                };
                c
            });
            let bytes = io::write_xlsx(&mut minimal, &group_name);
            std::fs::write(dir().join("million.xlsx"), &bytes).expect("write");
            format!("{:.1} MB file (setup, not a measurement)", bytes.len() as f64 / 1e6)
        }
        other => panic!("unknown phase {other}"),
    };
    println!("{name} {:.3} {:.3} {:.0} {detail}", t.elapsed().as_secs_f64(), cpu_secs(), vm_hwm_mb());
}

fn run(args: &[&str]) -> String {
    let out = Command::new(std::env::current_exe().expect("exe")).args(args).output().expect("spawn");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--phase") {
        return phase(&args[i + 1]);
    }
    let n = rows();
    println!("contactpro io codecs, {n} rows, {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!("{:<16} {:>9} {:>9} {:>12}  detail", "phase", "wall s", "CPU s", "peak RSS MB");
    let phases = [
        "write_xlsx",
        "write_csv",
        "write_vcf",
        "parse_xlsx",
        "parse_csv",
        "parse_vcf",
        "make_million",
        "xlsx_over_limit",
    ];
    for p in phases {
        let line = run(&["--phase", p]);
        let p: Vec<&str> = line.splitn(5, ' ').collect();
        let at = |i: usize| p.get(i).copied().unwrap_or("");
        println!("{:<16} {:>9} {:>9} {:>12}  {}", at(0), at(1), at(2), at(3), at(4));
    }
    // The same file through openpyxl, the widely used baseline.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/io_openpyxl.py");
    match Command::new("python3").arg(script).arg(path("xlsx")).arg(n.to_string()).output() {
        Ok(o) if o.status.success() => print!("{}", String::from_utf8_lossy(&o.stdout)),
        Ok(o) => println!("openpyxl baseline skipped: {}", String::from_utf8_lossy(&o.stderr).trim()),
        Err(e) => println!("openpyxl baseline skipped: {e}"),
    }
}
