//! Invariants of the code's shape (ARCHITECTURE.md "Invariants"), stated as what is absent and
//! checked by reading the sources, the way rust-analyzer's tidy test does.
// A check that meets the unexpected should stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Each source file as (top-level module, path relative to src/, text without comments).
fn files() -> Vec<(String, String, String)> {
    let mut paths = Vec::new();
    sources(&src(), &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string();
            let text = fs::read_to_string(&p).unwrap();
            (top, rel, code_only(&text))
        })
        .collect()
}

/// The text without comments and string literals, so that prose and messages may name anything.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push_str("\"\"");
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            // A char literal such as '"' must not open a string.
            '\'' if text_is_char_literal(&mut chars) => out.push_str("' '"),
            c => out.push(c),
        }
    }
    out
}

/// After a `'`: consumes a char literal (`'x'`, `'\\n'`) and says so; a lifetime is left alone.
fn text_is_char_literal(chars: &mut std::iter::Peekable<std::str::Chars>) -> bool {
    let mut ahead = chars.clone();
    let ok = match ahead.next() {
        Some('\\') => {
            ahead.next();
            ahead.find(|&c| c == '\'').is_some()
        }
        Some(_) => ahead.next() == Some('\''),
        None => false,
    };
    if ok {
        *chars = ahead;
    }
    ok
}

/// The top-level modules each one names through `crate::…` (use lists included).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (top, _, text) in files() {
        let deps = graph.entry(top.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + 7..];
            let names: Vec<&str> = if let Some(list) = rest.strip_prefix('{') {
                let end = list.find('}').unwrap_or(list.len());
                list[..end]
                    .split(',')
                    .map(|s| s.trim().split("::").next().unwrap_or(""))
                    .collect()
            } else {
                vec![rest
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or("")]
            };
            for n in names {
                let n = n.trim();
                if !n.is_empty() && n != top {
                    deps.insert(n.to_string());
                }
            }
        }
    }
    graph
}

/// Whether `to` can be reached from `from` in `graph`.
fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for d in graph.get(&m).into_iter().flatten() {
            if d == to {
                return true;
            }
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    false
}

#[test]
fn no_cycle_between_top_level_modules() {
    let graph = module_graph();
    let mut cycles = Vec::new();
    for (m, deps) in &graph {
        for d in deps {
            if reaches(&graph, d, m) {
                cycles.push(format!("{m} -> {d}"));
            }
        }
    }
    assert!(cycles.is_empty(), "edges on a cycle: {cycles:#?}");
}

/// Files that name the crate `name` (as a path or in `use`), outside the folders allowed to.
fn naming(name: &str, allowed: &[&str]) -> Vec<String> {
    let word = |text: &str| {
        text.match_indices(name).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + name.len()..].chars().next();
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !ident(before) && !ident(after) && text[i + name.len()..].starts_with("::")
        })
    };
    files()
        .into_iter()
        .filter(|(top, _, text)| !allowed.contains(&top.as_str()) && word(text))
        .map(|(_, rel, _)| rel)
        .collect()
}

#[test]
fn only_the_store_names_redb() {
    assert_eq!(naming("redb", &["store"]), Vec::<String>::new());
    // Inside the store, only the engine's folder: the repositories are written over the
    // engine trait, so that a second engine changes nothing above it.
    let above_engine: Vec<String> = naming("redb", &[])
        .into_iter()
        .filter(|rel| rel.starts_with("store/") && !rel.starts_with("store/redb_engine/"))
        .collect();
    assert_eq!(above_engine, Vec::<String>::new());
}

#[test]
fn only_the_transport_and_the_federation_client_name_hyper() {
    for name in ["hyper", "smol_hyper", "http_body_util", "futures_rustls"] {
        let named = naming(name, &["http"]);
        let outside: Vec<&String> = named
            .iter()
            .filter(|rel| *rel != "federation/client.rs")
            .collect();
        assert_eq!(outside, Vec::<&String>::new(), "{name}");
    }
}

#[test]
fn only_mail_and_federation_connect_to_other_hosts() {
    assert_eq!(naming("lettre", &["mail"]), Vec::<String>::new());
    let connecting: Vec<String> = files()
        .into_iter()
        .filter(|(top, _, text)| {
            top != "mail"
                && top != "federation"
                && ["TcpStream::connect", "ureq::", "net::resolve"]
                    .iter()
                    .any(|c| text.contains(c))
        })
        .map(|(_, rel, _)| rel)
        .collect();
    assert_eq!(connecting, Vec::<String>::new());
}

#[test]
fn nothing_outside_the_store_knows_the_tables() {
    let knowing: Vec<String> = files()
        .into_iter()
        .filter(|(top, _, text)| top != "store" && text.contains("Table"))
        .map(|(_, rel, _)| rel)
        .collect();
    assert_eq!(knowing, Vec::<String>::new());
}

/// Each source file's code lines before its tests, comments left out, with their path.
fn lines_before_tests() -> Vec<(String, String)> {
    let mut paths = Vec::new();
    sources(&src(), &mut paths);
    let mut out = Vec::new();
    for p in paths {
        let rel = p
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = fs::read_to_string(&p).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            out.push((rel.clone(), line.to_string()));
        }
    }
    out
}

#[test]
fn private_fields_are_typed_not_filtered_by_name() {
    // The stored names of private fields (`"_uuid"`, `"_passwordHash"`, …) are known to
    // `records.rs` alone; the reserved-name rule for input is `sanitize::reserved` alone.
    let named: Vec<String> = lines_before_tests()
        .into_iter()
        .filter(|(rel, line)| {
            let stripped = line.replace("\"_csrf\"", "").replace("\"__\"", "");
            rel != "records.rs" && stripped.contains("\"_")
        })
        .map(|(rel, line)| format!("{rel}: {}", line.trim()))
        .collect();
    assert_eq!(named, Vec::<String>::new());
    let filtering: Vec<String> = lines_before_tests()
        .into_iter()
        .filter(|(rel, line)| {
            rel != "social/sanitize.rs"
                && (line.contains("starts_with('_')") || line.contains("starts_with(\"_\")"))
        })
        .map(|(rel, line)| format!("{rel}: {}", line.trim()))
        .collect();
    assert_eq!(filtering, Vec::<String>::new());
}

#[test]
fn only_the_principal_reads_credentials() {
    // Adapters ask `principal` for a policy. The OAuth endpoints read their own parameters,
    // and the upload admission checks a file's sender before its body is read.
    let reading: Vec<String> = lines_before_tests()
        .into_iter()
        .filter(|(rel, line)| {
            // Federation writes the Authorization headers of its own outgoing requests.
            let own = rel.starts_with("principal/")
                || rel.starts_with("oauth/")
                || rel.starts_with("federation/");
            let reads = line.contains("\"authorization\"")
                || line.contains("session::current")
                || (line.contains("verify::check") && rel != "routes/uploads.rs");
            !own && reads
        })
        .map(|(rel, line)| format!("{rel}: {}", line.trim()))
        .collect();
    assert_eq!(reading, Vec::<String>::new());
}

#[test]
fn the_domain_queues_federation_work_and_never_calls_it() {
    // Use cases (core) may wait for another server (the spam check); the domain may not.
    let graph = module_graph();
    for m in ["social", "store", "jobs"] {
        assert!(!graph[m].contains("federation"), "{m} names federation");
    }
}

#[test]
fn the_api_and_the_web_ui_never_import_each_other() {
    let graph = module_graph();
    for (a, b) in [("api", "web"), ("web", "api")] {
        assert!(!graph[a].contains(b), "{a} names {b}");
    }
}

/// The code map of ARCHITECTURE.md: every `src/…` path it names.
fn code_map() -> BTreeSet<String> {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let map = doc.split("## Code map").nth(1).expect("a Code map section");
    let map = map.split("\n## ").next().unwrap();
    map.match_indices("`src/")
        .map(|(i, _)| {
            let rest = &map[i + 5..];
            rest[..rest.find('`').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn the_code_map_names_every_module_and_nothing_else() {
    let map = code_map();
    let mut entries: Vec<String> = fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect();
    entries.sort();
    let missing: Vec<&String> = entries.iter().filter(|e| !map.contains(*e)).collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map lacks {missing:?}"
    );
    let stale: Vec<&String> = map.iter().filter(|m| !src().join(m).exists()).collect();
    assert!(
        stale.is_empty(),
        "ARCHITECTURE.md's code map names what is gone: {stale:?}"
    );
}
