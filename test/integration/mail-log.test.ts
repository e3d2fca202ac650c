import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { expect } from 'chai';
import { createLogger } from '../../server/logger.ts';
import { createMailer } from '../../server/mail/mailer.ts';

describe('mail without SMTP_URL: written to the log', () => {
  it('reaches the log at once, though the log is buffered (a fresh clone: the link to confirm an address)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'imas-mail-')), 'server.log');
    const fd = fs.openSync(file, 'w');
    // the destination server/logger.ts uses for stdout: async, written in 4 KB chunks
    const dest = pino.destination({ dest: fd, sync: false, minLength: 4096 });
    const mailer = createMailer(undefined, createLogger('info', dest));
    await mailer.send({ to: 'ana@example.org', subject: 'Confirm your e-mail address', text: 'open http://imas.test/verify-email?token=abc' });
    let text = '';
    for (let i = 0; i < 50 && !text.includes('verify-email?token=abc'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      text = fs.readFileSync(file, 'utf8');
    }
    expect(text).to.contain('verify-email?token=abc');
    dest.end();
  });
});
