import { z } from 'zod';
import { MODES, type Mode } from './messages.ts';

/** The user's choice of notices by mail: the account page's form and PUT /api/v1/me/notifications. */
export const settingsSchema = z.object({
  mode: z.enum(MODES as [Mode, ...Mode[]], { error: 'Choose immediate mails, a daily digest or none.' }),
});
export type SettingsInput = z.infer<typeof settingsSchema>;
