import type { Transporter } from 'nodemailer';
import { flushLogger, type Logger } from '../logger.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** extra headers, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058) */
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  /** Closes pooled connections (at shutdown and at the end of a test). */
  close(): void;
}

export const FROM = 'imas-review <no-reply@imas-review.invalid>';

/**
 * Mails go through nodemailer to SMTP_URL; with none set (a fresh clone, development) they are written
 * to the log instead, so that links can still be followed.
 */
export function createMailer(smtpUrl: string | undefined, logger: Logger): Mailer {
  if (!smtpUrl) {
    return {
      async send(mail) {
        logger.info({ mail: { to: mail.to, subject: mail.subject, text: mail.text, ...(mail.headers ? { headers: mail.headers } : {}) } }, 'mail (no SMTP_URL set: written to the log)');
        // The log is buffered (server/logger.ts): without a flush the link waits there until 4 KB of
        // other lines follow, and whoever just registered finds nothing to follow.
        flushLogger(logger);
      },
      close() {},
    };
  }
  // Timeouts well inside the outbox's claim lease (server/notifications/worker.ts): a send that hangs
  // fails and is retried by the same worker, instead of outliving its lease and being sent by another.
  // nodemailer is loaded on the first mail, not at start: most requests send none, and it is ~0.65 MB
  // of code held by every instance (issue 17, memory under load).
  let transport: Promise<Transporter> | undefined;
  const transportOf = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 }),
    ));
  return {
    async send(mail) {
      await (await transportOf()).sendMail({ from: FROM, ...mail });
    },
    close() {
      void transport?.then((t) => t.close(), () => undefined);
    },
  };
}
