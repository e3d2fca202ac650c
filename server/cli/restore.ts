// npm run db:restore -- FILE [--replace]: brings a backup made by db:backup back into DATABASE_URL.
// Stop the server first. SQLite: the copy is checked, then swapped in by a rename (with --replace the
// file it replaces is kept beside it). PostgreSQL: pg_restore (psql for a plain SQL dump) in one
// transaction into DATABASE_URL, which must be empty unless --replace (its tables are dropped first).
// Then `npm run audit:verify` (with the AUDIT_KEY of the backed-up server) checks the restored chain.
import { loadConfig } from '../config.ts';
import { BackupError, restore } from '../backup/service.ts';

const args = process.argv.slice(2);
const replace = args.includes('--replace');
const files = args.filter((a) => a !== '--replace');
if (files.length !== 1 || files[0]!.startsWith('--')) {
  console.error('usage: npm run db:restore -- FILE [--replace]   (into DATABASE_URL)');
  process.exit(2);
}
try {
  console.log(await restore(loadConfig().databaseUrl, files[0]!, { replace }));
} catch (err) {
  console.error(err instanceof BackupError ? err.message : err);
  process.exitCode = 1;
}
