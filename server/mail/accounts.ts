/**
 * The mails about an account itself (confirming the address, choosing or resetting a password, a
 * registration with a known address, a changed password, a closed account), in the recipient's
 * language (users.language; English when none): locales/<lng>/notifications.json, `account.*`.
 * Pure: the values in, the subject and text out.
 */
import { isLanguage, t } from '../i18n/index.ts';

type Mail = { subject: string; text: string };
const langOf = (user: { language?: string | null }): string => (isLanguage(user.language) ? user.language : 'en');
const mail = (lng: string, kind: string, text: string, values: Record<string, unknown>): Mail => ({
  subject: t(lng, `notifications:account.${kind}.subject`),
  text: t(lng, `notifications:account.${kind}.${text}`, values),
});

type Recipient = { name: string; language?: string | null };

export const verificationMail = (u: Recipient, link: string): Mail => mail(langOf(u), 'verify', 'text', { name: u.name, link });
export const welcomeMail = (u: Recipient & { role: string }, link: string): Mail =>
  mail(langOf(u), 'welcome', 'text', { name: u.name, link, role: t(langOf(u), `notifications:account.roles.${u.role}`) });
export const resetMail = (u: Recipient, link: string): Mail => mail(langOf(u), 'reset', 'text', { name: u.name, link });
export const alreadyRegisteredMail = (u: Recipient, link: string): Mail => mail(langOf(u), 'already', 'text', { name: u.name, link });
export const passwordChangedMail = (u: Recipient, tokensRevoked: number, account: string, forgot: string): Mail =>
  mail(langOf(u), 'passwordChanged', tokensRevoked ? 'textTokens' : 'text', { name: u.name, tokens: tokensRevoked, account, forgot });
export const closedMail = (u: { language?: string | null }, self: boolean, former: string): Mail =>
  mail(langOf(u), 'closed', self ? 'textSelf' : 'textSecretariat', { former });
