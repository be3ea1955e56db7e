// A real SMTP server on 127.0.0.1 that keeps every mail it receives.

import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

import { waitFor } from "./processes.js";

export class SmtpSink {
  /** @type {Array<{to: string, subject: string, text: string}>} */
  mails = [];

  /** Starts listening on a free port. */
  static async start() {
    const sink = new SmtpSink();
    sink.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            sink.mails.push({
              to: parsed.to?.text ?? "",
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise((resolve, reject) => {
      sink.server.once("error", reject);
      sink.server.listen(0, "127.0.0.1", resolve);
    });
    sink.port = sink.server.server.address().port;
    return sink;
  }

  /**
   * Waits for a mail to `to` whose text holds a link starting with `prefix`;
   * returns that link.
   */
  async waitForLink(to, prefix, timeoutMs = 20000) {
    const pattern = new RegExp(`${escapeRegExp(prefix)}[^\\s<>"]*`);
    return waitFor(`a mail to ${to} with a link ${prefix}…`, timeoutMs, () => {
      for (const mail of this.mails) {
        const found = mail.to.includes(to) && mail.text.match(pattern);
        if (found) {
          return found[0];
        }
      }
      return undefined;
    });
  }

  async stop() {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
