// Root hooks of `npm run test:pg` (.mocharc.pg.json): the one PostgreSQL server of the run ends with it.
import { stopSharedPostgres } from './postgres.ts';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopSharedPostgres();
  },
};
