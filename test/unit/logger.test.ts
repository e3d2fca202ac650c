/**
 * A buffered log (server/logger.ts) on a quiet server: a line — a mail written to the log for want of
 * SMTP_URL, the README's way of confirming an address — is written within FLUSH_MS, not when 4 KB more
 * have come.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createLogger, keepFlushing } from '../../server/logger.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the buffered log', () => {
  it('writes a lone line within the flush interval', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-log-'));
    const file = path.join(dir, 'log');
    try {
      const logger = createLogger('info', pino.destination({ dest: file, sync: false, minLength: 4096 }));
      await sleep(50); // the file opened
      logger.info({ mail: { to: 'amina@ngo.example' } }, 'mail');
      await sleep(150);
      expect(fs.readFileSync(file, 'utf8'), 'buffered, as without a timer').to.equal('');
      keepFlushing(logger, 100);
      await sleep(300);
      expect(fs.readFileSync(file, 'utf8')).to.include('amina@ngo.example');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adds no listener while its destination is blocked (a stalled log collector)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-log-'));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // open for reading and writing, so that opening waits for no reader; nothing reads it: once its
    // 64 KB are full, the write under way waits
    const fd = fs.openSync(fifo, 'r+');
    const destination = pino.destination({ dest: fd, sync: false, minLength: 4096 });
    const logger = createLogger('info', destination);
    let reader: fs.ReadStream | undefined;
    try {
      for (let i = 0; i < 200; i++) logger.info({ n: i, text: 'x'.repeat(1000) }, 'line');
      keepFlushing(logger, 10);
      await sleep(300);
      expect(destination.listenerCount('drain'), "'drain' listeners after 30 flushes").to.be.at.most(1);
    } finally {
      // read it all, so that the write under way (in libuv's thread pool) ends
      reader = fs.createReadStream('', { fd: fs.openSync(fifo, 'r') }).on('data', () => {});
      await sleep(100);
      reader.destroy();
      destination.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
