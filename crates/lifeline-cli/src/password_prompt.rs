//! Reading a new password: on a terminal it is typed twice without echo; from a pipe
//! (scripts) it is one line of standard input, so it never appears in the process list or
//! the shell history either way.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use lifeline::Password;

/// How many times a person may type two different passwords before the command gives up.
const TRIES: usize = 3;

/// The new password for `email`, from the terminal (asked twice, without echo) or from one
/// line of standard input.
pub fn read_new_password(email: &str) -> anyhow::Result<Password> {
    let text = if std::io::stdin().is_terminal() {
        ask_twice(
            |prompt| rpassword::prompt_password(prompt),
            &format!("New password for {email}: "),
            |message| eprintln!("{message}"),
        )?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("Failed to read the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Ok(Password::new(text))
}

/// Asks with `prompt` for the password and then for it again, until both agree (at most
/// three times), telling the person through `say` when they differ.
pub fn ask_twice(
    mut prompt: impl FnMut(&str) -> std::io::Result<String>,
    first: &str,
    mut say: impl FnMut(&str),
) -> anyhow::Result<String> {
    for _ in 0..TRIES {
        let password = prompt(first).context("Failed to read the password from the terminal")?;
        let again = prompt("Again, to confirm: ")
            .context("Failed to read the password from the terminal")?;
        if password == again {
            return Ok(password);
        }
        say("The two passwords differ; try again.");
    }
    bail!("the two passwords differed {TRIES} times; nothing was changed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(list: &[&str]) -> impl FnMut(&str) -> std::io::Result<String> + use<> {
        let mut answers: Vec<String> = list.iter().rev().map(|s| (*s).to_owned()).collect();
        move |_| Ok(answers.pop().unwrap_or_default())
    }

    #[test]
    fn the_same_password_twice_is_taken() {
        let password = ask_twice(answers(&["secret one", "secret one"]), "p: ", |_| {});
        assert_eq!(password.unwrap(), "secret one");
    }

    #[test]
    fn a_mismatch_asks_again() {
        let mut said = Vec::new();
        let password = ask_twice(
            answers(&["first", "typo", "second", "second"]),
            "p: ",
            |message| said.push(message.to_owned()),
        );
        assert_eq!(password.unwrap(), "second");
        assert_eq!(said, ["The two passwords differ; try again."]);
    }

    #[test]
    fn three_mismatches_give_up_with_a_clear_error() {
        let password = ask_twice(answers(&["a", "b", "c", "d", "e", "f"]), "p: ", |_| {});
        let error = password.unwrap_err().to_string();
        assert!(error.contains("differed 3 times"), "{error}");
    }
}
