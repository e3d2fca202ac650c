// npm run db:backup [-- FILE]: a consistent copy of the database, taken while the server runs.
// SQLite: the online backup API (readers and the writer go on meanwhile), by default beside the file.
// PostgreSQL: pg_dump's custom format (one snapshot while writes go on), by default in data/.
import { loadConfig } from '../config.ts';
import { backup, BackupError, defaultBackupFile } from '../backup/service.ts';

const url = loadConfig().databaseUrl;
const target = process.argv[2] ?? defaultBackupFile(url);
try {
  await backup(url, target);
  console.log(`backed up the database to ${target}`);
} catch (err) {
  console.error(err instanceof BackupError ? err.message : err);
  process.exitCode = 1;
}
