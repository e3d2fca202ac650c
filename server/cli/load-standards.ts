// npm run standards:load: loads standards/ into DATABASE_URL; safe to run again.
import { loadConfig } from '../config.ts';
import { createDb } from '../db.ts';
import { systemClock } from '../clock.ts';
import { loadStandards } from '../standards/loader.ts';
import { loadTranslations } from '../translations/loader.ts';

const config = loadConfig();
const db = createDb(config.databaseUrl);
try {
  await db.migrate.latest();
  const r = await loadStandards(db, systemClock, process.argv[2] ?? config.standardsDir);
  console.log(
    `standards: ${r.standardsAdded} added, ${r.standardsUpdated} updated; versions: ${r.versionsAdded} added, ${r.versionsUnchanged} unchanged; consultations: ${r.consultationsAdded} added`,
  );
  const tr = await loadTranslations(db, systemClock, process.argv[2] ?? config.standardsDir);
  console.log(`translations: ${tr.added} added, ${tr.unchanged} unchanged`);
  for (const e of [...r.errors, ...tr.errors]) console.error(`error: ${e}`);
  if (r.errors.length || tr.errors.length) process.exitCode = 1;
} finally {
  await db.destroy();
}
