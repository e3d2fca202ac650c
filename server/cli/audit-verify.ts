// npm run audit:verify [-- --head N:HASH …]: checks the audit chain of DATABASE_URL with AUDIT_KEY (in
// development the key file beside the database) and against known heads; exits 1 naming the problem.
import { loadConfig } from '../config.ts';
import { createDb } from '../db.ts';
import { createLogger } from '../logger.ts';
import { loadAuditKey } from '../audit/key.ts';
import { verifyCommand } from '../audit/verify-command.ts';

const config = loadConfig();
// Only reads the development key file: a key made now could verify nothing.
const auditKey = loadAuditKey(config, createLogger('error'), { create: false });
const db = createDb(config.databaseUrl, { auditKey });
try {
  const { code, lines } = await verifyCommand(db, process.argv.slice(2), auditKey);
  for (const line of lines) (code === 0 ? console.log : console.error)(line);
  process.exitCode = code;
} finally {
  await db.destroy();
}
