// Child processes that are stopped when the test process ends, however it ends.

import { spawn } from "node:child_process";

const running = new Set();
process.on("exit", () => {
  for (const child of running) {
    child.kill("SIGKILL");
  }
});

/** A started process whose output is kept, for failure messages. */
export class Child {
  constructor(name, command, args, options = {}) {
    this.name = name;
    this.output = "";
    this.process = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    running.add(this.process);
    this.exited = new Promise((resolve) => {
      this.process.on("exit", (code, signal) => {
        running.delete(this.process);
        resolve({ code, signal });
      });
      this.process.on("error", (error) => {
        this.output += `\n${error}`;
        running.delete(this.process);
        resolve({ code: null, signal: null, error });
      });
    });
    for (const stream of [this.process.stdout, this.process.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        this.output += chunk;
      });
    }
  }

  /** Whether the process has exited. */
  get hasExited() {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** Waits until the output matches `pattern`; returns the match. */
  async waitForOutput(pattern, timeoutMs = 15000) {
    return waitFor(`${this.name} to print ${pattern}`, timeoutMs, () => {
      if (this.hasExited) {
        throw new Error(`${this.name} exited:\n${this.output}`);
      }
      return this.output.match(pattern);
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async stop() {
    if (this.hasExited) {
      return;
    }
    this.process.kill("SIGTERM");
    const timer = setTimeout(() => this.process.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Polls `probe` (sync or async) every 50 ms until it returns a truthy value,
 * which is returned; fails after `timeoutMs` naming what was awaited.
 */
export async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
    } catch (error) {
      if (/exited/.test(error.message)) {
        throw error;
      }
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
