// npm run user:create -- --email a@b.org --role secretariat [--name "…"] [--organisation "…"]
// The password is read from the PASSWORD environment variable or typed at the prompt (never an argument:
// arguments show in the process list and the shell history). Without one, a link to choose it is mailed.
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { loadConfig } from '../config.ts';
import { createDb } from '../db.ts';
import { systemClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { createMailer } from '../mail/mailer.ts';
import { createUser } from '../accounts/service.ts';
import { createUserSchema, role } from '../users/validation.ts';
import { fieldsOf } from '../http/validation.ts';
import { roleCan } from '../auth/permissions.ts';
import { AppError } from '../errors.ts';
import { loadAuditKey } from '../audit/key.ts';

const { values } = parseArgs({
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, organisation: { type: 'string' }, 'no-password': { type: 'boolean' } },
});
const config = loadConfig();
const logger = createLogger(config.logLevel);
let password = process.env.PASSWORD;
if (password === undefined && !values['no-password'] && process.stdin.isTTY) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  password = (await rl.question('Password (empty: mail a link to choose one): ')) || undefined;
  rl.close();
}
const chosen = role.safeParse(values.role);
const runsTheSite = chosen.success && roleCan(chosen.data, 'accounts.manage');
const parsed = createUserSchema.safeParse({
  email: values.email,
  role: values.role,
  name: values.name ?? values.email?.split('@')[0],
  // The accounts that run the site belong to the IMAS Secretariat unless told otherwise.
  organisation: values.organisation ?? (runsTheSite ? 'IMAS Secretariat' : undefined),
  password,
});
if (!parsed.success) {
  for (const [k, m] of Object.entries(fieldsOf(parsed.error))) console.error(`--${k}: ${m}`);
  console.error('usage: npm run user:create -- --email a@b.org --role secretariat|board|stakeholder [--name "…"] [--organisation "…"]');
  process.exit(2);
}
const db = createDb(config.databaseUrl, { auditKey: loadAuditKey(config, logger, { create: true }) });
const mailer = createMailer(config.smtpUrl, logger);
try {
  await db.migrate.latest();
  const user = await createUser({ db, clock: systemClock, config, mailer, logger }, null, parsed.data);
  console.log(`created ${user.role} account ${user.id} for ${user.email}${parsed.data.password ? '' : ' (a link to choose a password has been mailed)'}`);
} catch (err) {
  if (err instanceof AppError) {
    console.error(err.message);
    process.exitCode = 1;
  } else throw err;
} finally {
  mailer.close();
  await db.destroy();
}
