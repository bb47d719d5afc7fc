//! Every `carprice` command in the GitHub workflows (and in the local rehearsal of the deploy) is a
//! real subcommand with real flags: each invocation found in `.github/workflows/*.yml` and
//! `scripts/rehearse-release.sh` is parsed with the CLI's own parser.

use std::path::PathBuf;

use clap::Parser;

use crate::args::Cli;

/// The shell scripts of a workflow's `run:` steps, single-line or block (`run: |`).
fn run_scripts(yaml: &str) -> Vec<String> {
    let mut scripts = Vec::new();
    let mut lines = yaml.lines().peekable();
    while let Some(line) = lines.next() {
        let content = line.trim_start().trim_start_matches("- ");
        let Some(value) = content.strip_prefix("run:") else {
            continue;
        };
        let value = value.trim();
        if !value.starts_with('|') && !value.starts_with('>') {
            scripts.push(value.to_string());
            continue;
        }
        let key_indent = line.len() - content.len();
        let mut block = String::new();
        while let Some(next) = lines.peek() {
            let indent = next.len() - next.trim_start().len();
            if !next.trim().is_empty() && indent <= key_indent {
                break;
            }
            block.push_str(next.trim_start());
            block.push('\n');
            lines.next();
        }
        scripts.push(block);
    }
    scripts
}

/// `carprice` invocations in a shell script: one per command, line continuations joined,
/// GitHub expressions (`${{ … }}`) replaced by a placeholder, the command cut at the first shell
/// operator or redirection.
fn invocations(text: &str) -> Vec<Vec<String>> {
    let joined = text.replace("\\\n", " ");
    let mut found = Vec::new();
    for line in joined.lines() {
        let line = without_expressions(line);
        let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '-');
        if line.starts_with('#') {
            continue;
        }
        let words = shell_words(line);
        for (start, word) in words.iter().enumerate() {
            let is_carprice = word == "carprice" || word.ends_with("/carprice");
            let in_command_position = start == 0
                || matches!(
                    words[start - 1].as_str(),
                    ";" | "&&" | "||" | "|" | "if" | "then" | "do" | "else" | "!"
                );
            if is_carprice && in_command_position {
                let command = words[start..]
                    .iter()
                    .take_while(|w| {
                        !matches!(w.as_str(), ";" | "&&" | "||" | "|" | ")") && !is_redirection(w)
                    })
                    .cloned()
                    .collect();
                found.push(command);
            }
        }
    }
    found
}

/// Whether a shell word is a redirection, alone or glued to its target: `>`, `>>file`,
/// `2>&1`, `2>/dev/null`, `<input`, `&>log`.
fn is_redirection(word: &str) -> bool {
    let operator = word.trim_start_matches(|c: char| c.is_ascii_digit());
    operator.starts_with('>') || operator.starts_with('<') || operator.starts_with("&>")
}

fn without_expressions(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        out.push_str("EXPR");
        rest = rest[start..]
            .find("}}")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out
}

/// Splits on whitespace, honouring single and double quotes; an unquoted `;` is a word of its own
/// (enough for workflow `run:` lines and the rehearsal script).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() || c == ';' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                if c == ';' {
                    words.push(";".to_string());
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn every_carprice_command_in_the_workflows_parses() {
    let dir = repo_root().join(".github/workflows");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the workflows folder exists") {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for script in run_scripts(&text) {
            checked += check_invocations(&path, &script);
        }
    }
    assert!(
        checked >= 8,
        "expected the deploy steps in the workflows, found {checked} carprice commands"
    );
}

#[test]
fn every_carprice_command_in_the_rehearsal_parses() {
    let path = repo_root().join("scripts/rehearse-release.sh");
    let checked = check_invocations(&path, &std::fs::read_to_string(&path).unwrap());
    assert!(checked >= 8, "found only {checked} carprice commands");
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Parses every invocation in a shell script with the CLI's parser; returns how many there were.
fn check_invocations(path: &std::path::Path, script: &str) -> usize {
    let found = invocations(script);
    for words in &found {
        // The deploy passes the container through the environment (CARPRICE_CONTAINER_URL).
        let container = needs_container(words).then(|| {
            [
                "--container".to_string(),
                "https://a.blob.core.windows.net/m".into(),
            ]
        });
        let args = std::iter::once("carprice".to_string())
            .chain(words[1..].iter().cloned())
            .chain(container.into_iter().flatten());
        if let Err(error) = Cli::try_parse_from(args) {
            if is_shell_variable_value(&error) {
                continue;
            }
            panic!(
                "{}: `{}` is not a valid carprice command:\n{error}",
                path.display(),
                words.join(" ")
            );
        }
    }
    found.len()
}

/// Whether clap refused only a value that is a shell variable (`--mode "$MODE"`): its value is
/// known when the workflow runs, and the command checks it then.
fn is_shell_variable_value(error: &clap::Error) -> bool {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) && matches!(
        error.get(ContextKind::InvalidValue),
        Some(ContextValue::String(value)) if value.starts_with('$')
    )
}

/// Whether a command reads the container (and gives no `--container` itself).
fn needs_container(words: &[String]) -> bool {
    let uses_blob = matches!(
        words.get(1).map(String::as_str),
        Some("publish" | "fetch" | "promote" | "rollback" | "rollout" | "status")
    );
    uses_blob
        && !words
            .iter()
            .any(|w| w == "--container" || w.starts_with("--container="))
}

#[test]
fn a_shell_variable_passes_only_where_a_value_goes() {
    let parse = |line: &str| {
        Cli::try_parse_from(shell_words(line)).map_err(|e| is_shell_variable_value(&e))
    };
    let container = "--container https://a.blob.core.windows.net/m";
    assert_eq!(
        parse(&format!(
            "carprice rollout --version 1.1.0 --mode $MODE --percent $PERCENT {container}"
        ))
        .err(),
        Some(true)
    );
    assert_eq!(
        parse(&format!(
            "carprice rollout --version 1.1.0 --mode blue {container}"
        ))
        .err(),
        Some(false)
    );
    assert_eq!(
        parse(&format!("carprice rollout --nonsense $X {container}")).err(),
        Some(false)
    );
}

#[test]
fn only_run_steps_are_read() {
    let yaml = "      - uses: actions/upload-artifact@v4\n        with:\n          name: carprice\n      - run: carprice status\n      - name: x\n        run: |\n          a\n          b \\\n            c\n        env:\n          X: carprice\n";
    assert_eq!(run_scripts(yaml), ["carprice status", "a\nb \\\nc\n"]);
}

#[test]
fn invocations_are_found_through_continuations_expressions_and_operators() {
    let text = "  ./target/release/carprice fetch --version ${{ steps.s.outputs.live }} \\\n    --out production && echo ok\n  # carprice nonsense\n  carprice status >> \"$GITHUB_OUTPUT\"\n  chmod +x bin/carprice && bin/carprice validate --model m\n";
    let found = invocations(text);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(
        found[0][1..],
        ["fetch", "--version", "EXPR", "--out", "production"]
    );
    assert_eq!(found[1][1..], ["status"]);
    assert_eq!(found[2][1..], ["validate", "--model", "m"]);
}

#[test]
fn a_redirection_glued_to_its_file_was_read_as_an_argument() {
    let text = "carprice rollout --check --config c.toml >\"$WORK/check.log\" 2>&1 || s=$?\n\
                carprice status 2>/dev/null\ncarprice predict --cars - <cars.csv &>out.log\n";
    let found = invocations(text);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0][1..], ["rollout", "--check", "--config", "c.toml"]);
    assert_eq!(found[1][1..], ["status"]);
    assert_eq!(found[2][1..], ["predict", "--cars", "-"]);
}

#[test]
fn a_misspelt_flag_is_caught() {
    let words = &invocations("carprice gate --candidat x")[0];
    assert!(Cli::try_parse_from(words).is_err());
}
