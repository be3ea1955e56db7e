//! [`Slapd`]: a throw-away OpenLDAP server for tests, built from nothing in a temporary
//! directory (a TLS CA and a server certificate made with `openssl`, `cn=config` and the
//! seed loaded with `slapadd`, the ppolicy overlay on) and run as a child process on a
//! loopback port. Needs Debian's `slapd` and `ldap-utils` and `openssl`; nothing runs as a
//! service.
//!
//! The server has the people [`ADA`] and [`GRACE`], a service account ([`SERVICE_DN`],
//! `write` access to `userPassword`, so its resets go through the policy) and a password
//! policy: at least 12 characters, none of the last 3 passwords.

mod ldif;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory's suffix.
pub const BASE_DN: &str = "dc=example,dc=org";
/// Where the people are.
pub const PEOPLE: &str = "ou=people,dc=example,dc=org";
/// The root DN (bypasses ACLs and the password policy): for test set-up only.
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=org";
/// The root DN's password.
pub const ADMIN_PASSWORD: &str = "admin-secret";
/// Lifeline's service account.
pub const SERVICE_DN: &str = "cn=lifeline,ou=services,dc=example,dc=org";
/// The service account's password.
pub const SERVICE_PASSWORD: &str = "lifeline-service-secret";

/// A person in the seeded directory.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    /// The entry's `uid`.
    pub uid: &'static str,
    /// The entry's DN.
    pub dn: &'static str,
    /// The entry's `mail`, as stored.
    pub mail: &'static str,
    /// The password the entry starts with.
    pub password: &'static str,
}

/// `uid=ada`, `ada@example.org`.
pub const ADA: Person = Person {
    uid: "ada",
    dn: "uid=ada,ou=people,dc=example,dc=org",
    mail: "ada@example.org",
    password: "ada-initial-password",
};

/// `uid=grace`, with a mixed-case address.
pub const GRACE: Person = Person {
    uid: "grace",
    dn: "uid=grace,ou=people,dc=example,dc=org",
    mail: "Grace.Hopper@Example.org",
    password: "grace-initial-password",
};

/// Why the server could not be built, started or used.
#[derive(Debug, thiserror::Error)]
pub enum SlapdError {
    /// A program failed.
    #[error("{program}: {detail}")]
    Command {
        /// The program.
        program: String,
        /// Its exit status and error output.
        detail: String,
    },
    /// Files in the temporary directory.
    #[error("test server files: {0}")]
    Io(#[from] std::io::Error),
    /// slapd did not come up.
    #[error("slapd did not start: {0}")]
    Start(String),
}

/// A running test server; stopped (killed and reaped) when dropped.
#[derive(Debug)]
pub struct Slapd {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

/// How long slapd may take to answer after it was started.
const START_TIMEOUT: Duration = Duration::from_secs(20);

impl Slapd {
    /// Builds a fresh server and starts it on a free port in 20000–32000 (below the
    /// ephemeral range, so no client socket holds it); the port is tried again at random
    /// when slapd cannot listen on it.
    pub fn start() -> Result<Self, SlapdError> {
        let mut dir = tempfile::Builder::new()
            .prefix("lifeline-slapd-")
            .tempdir()?;
        build(dir.path())?;
        let mut last = String::new();
        for _ in 0..8 {
            let mut slapd = Self {
                dir,
                port: random_port()?,
                child: None,
            };
            match slapd.spawn() {
                Ok(()) => return Ok(slapd),
                Err(SlapdError::Start(reason)) => {
                    last = reason;
                    dir = slapd.take_dir()?;
                }
                Err(other) => return Err(other),
            }
        }
        Err(SlapdError::Start(format!(
            "no free port found; last: {last}"
        )))
    }

    /// Gives the directory back after a failed start (for another port).
    fn take_dir(mut self) -> Result<tempfile::TempDir, SlapdError> {
        self.stop();
        let empty = tempfile::Builder::new()
            .prefix("lifeline-slapd-unused-")
            .tempdir()?;
        Ok(std::mem::replace(&mut self.dir, empty))
    }

    fn spawn(&mut self) -> Result<(), SlapdError> {
        let dir = self.dir.path();
        let listen = format!(
            "ldap://127.0.0.1:{}/ ldaps://127.0.0.1:{}/",
            self.port,
            self.port + 1
        );
        let mut child = Command::new(program("slapd"))
            .arg("-F")
            .arg(dir.join("slapd.d"))
            .args(["-d", "0", "-h", &listen])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| SlapdError::Start(format!("cannot run slapd: {e}")))?;
        let started = Instant::now();
        let addresses =
            [self.port, self.port + 1].map(|port| SocketAddr::from(([127, 0, 0, 1], port)));
        loop {
            if let Some(status) = child.try_wait()? {
                return Err(SlapdError::Start(format!(
                    "slapd exited at once ({status}) on port {} (busy?)",
                    self.port
                )));
            }
            let up = addresses.iter().all(|address| {
                TcpStream::connect_timeout(address, Duration::from_millis(200)).is_ok()
            });
            if up {
                self.child = Some(child);
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SlapdError::Start(format!(
                    "no answer within {START_TIMEOUT:?}"
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server (the data stays for [`Self::restart`]).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the stopped server again on the same port with the same data.
    pub fn restart(&mut self) -> Result<(), SlapdError> {
        self.stop();
        self.spawn()
    }

    /// `ldap://127.0.0.1:PORT` (StartTLS or plain).
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// `ldaps://127.0.0.1:PORT+1`.
    pub fn ldaps_url(&self) -> String {
        format!("ldaps://127.0.0.1:{}", self.port + 1)
    }

    /// The PEM file of the CA that signed the server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls").join("ca.crt")
    }

    /// The `[directory.ldap]` table for this server (StartTLS with [`Self::ca_file`]), as
    /// TOML, for tests that configure Lifeline with it.
    pub fn settings_toml(&self) -> String {
        format!(
            "url = {:?}\nbind_dn = {SERVICE_DN:?}\nbind_password = {SERVICE_PASSWORD:?}\n\
             base_dn = {BASE_DN:?}\nca_file = {:?}\n",
            self.url(),
            self.ca_file().display().to_string()
        )
    }

    /// Whether `ldapwhoami` (ldap-utils, over StartTLS) binds as `dn` with `password`.
    pub fn can_bind(&self, dn: &str, password: &str) -> Result<bool, SlapdError> {
        let output = Command::new(program("ldapwhoami"))
            .args(["-x", "-ZZ", "-H", &self.url(), "-D", dn, "-w", password])
            .env("LDAPTLS_CACERT", self.ca_file())
            .stdin(Stdio::null())
            .output()?;
        if output.status.success() {
            return Ok(true);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("Invalid credentials (49)") {
            return Ok(false);
        }
        Err(SlapdError::Command {
            program: "ldapwhoami".into(),
            detail: stderr.into_owned(),
        })
    }

    /// Applies `ldif` (with `changetype:` lines) as the root DN with `ldapmodify`.
    pub fn modify(&self, ldif: &str) -> Result<(), SlapdError> {
        let mut child = Command::new(program("ldapmodify"))
            .args([
                "-x",
                "-ZZ",
                "-H",
                &self.url(),
                "-D",
                ADMIN_DN,
                "-w",
                ADMIN_PASSWORD,
            ])
            .env("LDAPTLS_CACERT", self.ca_file())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(ldif.as_bytes())?;
        }
        let output = child.wait_with_output()?;
        check("ldapmodify", &output)
    }

    /// The entry's `entryUUID`, read as the root DN with `ldapsearch`.
    pub fn entry_uuid(&self, dn: &str) -> Result<String, SlapdError> {
        let output = Command::new(program("ldapsearch"))
            .args([
                "-LLL",
                "-x",
                "-ZZ",
                "-H",
                &self.url(),
                "-D",
                ADMIN_DN,
                "-w",
                ADMIN_PASSWORD,
            ])
            .args(["-b", dn, "-s", "base", "(objectClass=*)", "entryUUID"])
            .env("LDAPTLS_CACERT", self.ca_file())
            .output()?;
        check("ldapsearch", &output)?;
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .find_map(|line| line.strip_prefix("entryUUID: "))
            .map(str::to_owned)
            .ok_or_else(|| SlapdError::Command {
                program: "ldapsearch".into(),
                detail: format!("no entryUUID for {dn}"),
            })
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether `slapd` is installed (the tests that need it are ignored, with the reason,
/// when it is not and `LIFELINE_REQUIRE_LDAP=1` is unset).
pub fn slapd_installed() -> bool {
    program("slapd").is_file()
}

/// The program's path: `/usr/sbin` is not on every user's `PATH`.
fn program(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(["/usr/sbin", "/usr/bin", "/sbin"].map(|dir| Path::new(dir).join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn random_port() -> Result<u16, SlapdError> {
    let mut bytes = [0u8; 2];
    getrandom::fill(&mut bytes).map_err(|e| SlapdError::Start(format!("random port: {e}")))?;
    // An even port below 32000, and the next one for ldaps.
    Ok(20_000 + (u16::from_le_bytes(bytes) % 6_000) * 2)
}

fn check(program: &str, output: &std::process::Output) -> Result<(), SlapdError> {
    if output.status.success() {
        return Ok(());
    }
    Err(SlapdError::Command {
        program: program.into(),
        detail: format!(
            "{}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    })
}

fn run(program_name: &str, args: &[&str], dir: &Path) -> Result<std::process::Output, SlapdError> {
    let output = Command::new(program(program_name))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| SlapdError::Command {
            program: program_name.into(),
            detail: e.to_string(),
        })?;
    check(program_name, &output)?;
    Ok(output)
}

fn hash(password: &str, dir: &Path) -> Result<String, SlapdError> {
    let output = run("slappasswd", &["-s", password], dir)?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// TLS files, `cn=config` and the seed, all in `dir`.
fn build(dir: &Path) -> Result<(), SlapdError> {
    for sub in ["tls", "slapd.d", "data", "run"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    let tls = dir.join("tls");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-days",
        "3650",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=Lifeline test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run("openssl", &ca, &tls)?;
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    run("openssl", &csr, &tls)?;
    std::fs::write(
        tls.join("server.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )?;
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "3650",
            "-out",
            "server.crt",
            "-extfile",
            "server.ext",
        ],
        &tls,
    )?;

    let config = ldif::config(dir, &hash(ADMIN_PASSWORD, dir)?);
    let mut people = Vec::new();
    for person in [ADA, GRACE] {
        people.push((person.uid, person.mail, hash(person.password, dir)?));
    }
    let people: Vec<(&str, &str, &str)> = people
        .iter()
        .map(|(uid, mail, hash)| (*uid, *mail, hash.as_str()))
        .collect();
    let seed = ldif::seed(&hash(SERVICE_PASSWORD, dir)?, &people);
    std::fs::write(dir.join("config.ldif"), config)?;
    std::fs::write(dir.join("seed.ldif"), seed)?;
    let slapd_d = dir.join("slapd.d").display().to_string();
    run(
        "slapadd",
        &["-n0", "-F", &slapd_d, "-l", "config.ldif"],
        dir,
    )?;
    run("slapadd", &["-n1", "-F", &slapd_d, "-l", "seed.ldif"], dir)?;
    Ok(())
}
