// npm run audit:verify: walks the audit chain of DATABASE_URL; exits 1 naming the first row that does not match.
import { loadConfig } from '../config.ts';
import { createDb } from '../db.ts';
import { verifyChain } from '../audit/service.ts';

const db = createDb(loadConfig().databaseUrl);
try {
  const r = await verifyChain(db);
  if (r.ok) console.log(`audit chain intact: ${r.count} events`);
  else {
    console.error(`audit chain broken at row ${r.firstBad!.id}: ${r.firstBad!.reason} (${r.count} events before it verify)`);
    process.exitCode = 1;
  }
} finally {
  await db.destroy();
}
