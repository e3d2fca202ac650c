import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** the first http(s) link in the message */
  link: string | null;
}

/** A real local SMTP server for tests: pass `url` as SMTP_URL; close() it in after(). `port`: listen there again (a server back after an outage). */
export async function startSmtp(opts: { port?: number } = {}) {
  const mails: ReceivedMail[] = [];
  const waiting: Array<{ to: string; resolve: (m: ReceivedMail) => void }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        // quoted-printable soft line breaks and =3D would split links: undo them
        const raw = Buffer.concat(chunks).toString('utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        const mail = { to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw, link: /https?:\/\/[^\s<>"]+/.exec(raw)?.[0] ?? null };
        mails.push(mail);
        for (const w of [...waiting]) {
          if (mail.to.includes(w.to)) {
            waiting.splice(waiting.indexOf(w), 1);
            w.resolve(mail);
          }
        }
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    /** The next mail to `to` (or one already received and not yet taken). */
    next(to: string, timeoutMs = 5000): Promise<ReceivedMail> {
      const addr = to.toLowerCase();
      const i = mails.findIndex((m) => m.to.includes(addr));
      if (i >= 0) return Promise.resolve(mails.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no mail to ${to} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({
          to: addr,
          resolve: (m) => {
            clearTimeout(t);
            mails.splice(mails.indexOf(m), 1);
            resolve(m);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
