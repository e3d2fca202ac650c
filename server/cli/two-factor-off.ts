// npm run user:two-factor-off -- --email a@b.org
// For an account whose owner lost both their authenticator and their recovery codes (the last secretariat
// account, say, which no one else can reset from the desk): they sign in with the password alone, and a
// secretariat account is asked to enrol again at once. Audited.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createDb } from '../db.ts';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { findUserByEmail } from '../accounts/repo.ts';
import { resetFor } from '../twofactor/service.ts';
import { requiresTwoFactor } from '../twofactor/totp.ts';
import { AppError } from '../errors.ts';

const { values } = parseArgs({ options: { email: { type: 'string' } } });
if (!values.email) {
  console.error('usage: npm run user:two-factor-off -- --email a@b.org');
  process.exit(2);
}
const config = loadConfig();
const db = createDb(config.databaseUrl);
try {
  await db.migrate.latest();
  const user = await findUserByEmail(db, values.email);
  if (!user) {
    console.error(`no account for ${values.email}`);
    process.exitCode = 1;
  } else {
    await resetFor({ db, clock: systemClock, config, logger: createLogger(config.logLevel) }, null, user.id);
    console.log(`two-factor sign-in is off for ${user.email}${requiresTwoFactor(user.role) ? ': they enrol again at their next sign-in' : ''}`);
  }
} catch (err) {
  if (err instanceof AppError) {
    console.error(err.message);
    process.exitCode = 1;
  } else throw err;
} finally {
  await db.destroy();
}
