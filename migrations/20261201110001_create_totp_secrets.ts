import type { Knex } from 'knex';

/**
 * A user's authenticator secret for two-factor sign-in: encrypted (server/twofactor/totp.ts), pending
 * until a first code confirms it. last_step is the time step of the last code accepted: a code is good once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('totp_secrets', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.text('secret_encrypted').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('confirmed_at', { useTz: true }).nullable();
    t.integer('last_step').nullable(); // about 6e7 now: fits a 32-bit integer for two thousand years
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('totp_secrets');
}
