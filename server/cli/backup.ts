// npm run db:backup [-- FILE]: a consistent copy of the SQLite database, taken while the server runs
// (SQLite's online backup: readers and the writer go on meanwhile).
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.ts';

const url = loadConfig().databaseUrl;
if (!url.startsWith('sqlite:')) {
  console.error('db:backup copies SQLite databases; back up PostgreSQL with pg_dump.');
  process.exit(2);
}
const source = url.replace(/^sqlite:/, '');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const target = process.argv[2] ?? path.join(path.dirname(source), `backup-${stamp}.sqlite3`);
const db = new Database(source, { readonly: true, fileMustExist: true });
try {
  await db.backup(target);
  console.log(`backed up ${source} to ${target}`);
} finally {
  db.close();
}
