/**
 * Another process holding SQLite's write lock, for the busy-database tests and bench/faults/dblock.ts.
 * holdLock(file) forks this file, which opens the database with better-sqlite3, runs BEGIN IMMEDIATE
 * and answers once the lock is held; it lets go when told (or after `maxMs`) and answers again.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export interface HeldLock {
  /** lets go of the lock; resolves once it is released */
  release(): Promise<void>;
  /** resolves when the lock has been released (when told, or after maxMs) */
  released: Promise<void>;
  isReleased(): boolean;
}

export function holdLock(file: string, maxMs = 20_000): Promise<HeldLock> {
  const child = fork(fileURLToPath(import.meta.url), [file, String(maxMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let done = false;
  const released = new Promise<void>((resolve) => {
    child.on('message', (m) => {
      if (m === 'released') {
        done = true;
        resolve();
      }
    });
    child.once('exit', () => {
      done = true;
      resolve();
    });
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m) => {
      if (m === 'held') {
        resolve({
          release: () => {
            if (!done) child.send('release');
            return released;
          },
          released,
          isReleased: () => done,
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before holding the lock`)));
  });
}

// Run as the child: node --import tsx test/helpers/hold-lock.ts <file> <maxMs>
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const [file, maxMs] = process.argv.slice(2);
  const db = new Database(file!);
  db.exec('BEGIN IMMEDIATE');
  process.send('held');
  const release = () => {
    if (!db.open) return;
    db.exec('ROLLBACK');
    db.close();
    process.send!('released', () => process.exit(0));
  };
  const timer = setTimeout(release, Number(maxMs));
  process.on('message', (m) => {
    if (m === 'release') {
      clearTimeout(timer);
      release();
    }
  });
}
