// Knex CLI settings: `node --import tsx node_modules/knex/bin/cli.js migrate:status`.
import { loadConfig } from './server/config.ts';
import { knexConfig } from './server/db.ts';

const config = loadConfig();
export default {
  development: knexConfig(config.databaseUrl),
  test: knexConfig(config.databaseUrl),
  production: knexConfig(config.databaseUrl),
};
