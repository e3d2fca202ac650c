// npm run migrate [-- latest|rollback|rollback-all|status]: the schema of DATABASE_URL.
import { loadConfig } from '../config.ts';
import { createDb } from '../db.ts';

const cmd = process.argv[2] ?? 'latest';
const db = createDb(loadConfig().databaseUrl);
try {
  if (cmd === 'latest') {
    const [, done] = await db.migrate.latest();
    console.log(done.length ? `applied: ${done.join(', ')}` : 'already up to date');
  } else if (cmd === 'rollback' || cmd === 'rollback-all') {
    const [, done] = await db.migrate.rollback(undefined, cmd === 'rollback-all');
    console.log(done.length ? `rolled back: ${done.join(', ')}` : 'nothing to roll back');
  } else if (cmd === 'status') {
    const [done, pending] = await db.migrate.list();
    console.log(`applied ${done.length}, pending ${pending.length}`);
  } else {
    console.error('usage: npm run migrate -- latest|rollback|rollback-all|status');
    process.exitCode = 2;
  }
} finally {
  await db.destroy();
}
