// The real Lifeline binary, configured as the example's README describes.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Child, waitFor } from "./processes.js";

const repositoryRoot = resolve(fileURLToPath(import.meta.url), "../../../../..");

/** The binary under test: `LIFELINE_BIN` (relative to the repository root) or target/debug/lifeline. */
export const lifelineBin = resolve(repositoryRoot, process.env.LIFELINE_BIN ?? "target/debug/lifeline");

/** A fresh Standard Webhooks secret: `whsec_` and base64 of 32 random bytes. */
export function newWebhookSecret() {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** A port that was free a moment ago (Lifeline's links need its port before it starts). */
export async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

export class Lifeline {
  /**
   * Starts `lifeline serve` on `port` with SQLite in a temporary directory,
   * mail to `smtpPort`, the app's origin allow-listed for `next`, and a webhook
   * endpoint at the app; returns once `/healthz` answers.
   */
  static async start({ port, smtpPort, appUrl, webhookSecret }) {
    if (!existsSync(lifelineBin)) {
      throw new Error(`no Lifeline binary at ${lifelineBin}: run \`cargo build -p lifeline-cli\` or set LIFELINE_BIN`);
    }
    const lifeline = new Lifeline();
    lifeline.dir = mkdtempSync(join(tmpdir(), "lifeline-node-host-"));
    lifeline.url = `http://127.0.0.1:${port}`;
    lifeline.config = join(lifeline.dir, "lifeline.toml");
    writeFileSync(
      lifeline.config,
      `[server]
bind = "127.0.0.1:${port}"
public_url = "${lifeline.url}"
workers = 1
shutdown_timeout_secs = 1
redirect_allow_list = ["/account", "${appUrl}"]

[database]
url = "sqlite://${join(lifeline.dir, "lifeline.db")}"

[keys]
dev_keys_file = "${join(lifeline.dir, "dev-keys.toml")}"

[mail]
from_address = "lifeline@example.com"

[mail.transport]
kind = "smtp"
host = "127.0.0.1"
port = ${smtpPort}
tls = "none"
timeout_secs = 5

[mail.worker]
poll_interval_ms = 100

[password]
argon2_memory_kib = 4096
argon2_iterations = 1

[[webhooks.endpoints]]
name = "node-host"
url = "${appUrl}/webhooks/lifeline"
secret = "${webhookSecret}"
events = ["password.changed", "signin.succeeded"]
`,
    );
    lifeline.child = new Child("lifeline", lifelineBin, ["serve"], { env: lifeline.env() });
    try {
      await waitFor("Lifeline's /healthz", 30000, async () => {
        if (lifeline.child.hasExited) {
          throw new Error(`lifeline exited:\n${lifeline.child.output}`);
        }
        const response = await fetch(`${lifeline.url}/healthz`);
        return response.ok;
      });
    } catch (error) {
      await lifeline.stop();
      throw error;
    }
    return lifeline;
  }

  /** The environment every `lifeline` command runs with. */
  env() {
    return { PATH: process.env.PATH, LIFELINE_CONFIG: this.config, NO_COLOR: "1" };
  }

  /** `lifeline users add EMAIL`, the password on standard input. */
  async addUser(email, password) {
    const child = spawn(lifelineBin, ["users", "add", email], {
      env: this.env(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.stdin.end(`${password}\n`);
    const code = await new Promise((done) => child.on("exit", done));
    if (code !== 0) {
      throw new Error(`lifeline users add ${email} exited ${code}:\n${output}`);
    }
  }

  async stop() {
    await this.child?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
