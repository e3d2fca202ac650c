/**
 * The catalogues (issue 19 item 5): every key of English, the reference, in every language, with the
 * same values to put in and every plural form the language needs; every key a view or the code asks for
 * exists; the server messages' translations likewise.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { chooseLanguage, fromAcceptLanguage, languageCookie, LANGUAGES, localesDir, readCatalogues, t } from '../../server/i18n/index.ts';
import { localise, messagePattern, readMessageCatalogues } from '../../server/i18n/messages.ts';
import { messages as consultationMessages } from '../../server/consultations/messages.ts';
import { messages as organisationMessages } from '../../server/organisations/service.ts';
import { canPublish } from '../../server/publication/rules.ts';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]))].sort();

function walk(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name), ext) : e.name.endsWith(ext) ? [path.join(dir, e.name)] : []));
}

describe('i18n catalogues', () => {
  const cats = readCatalogues();
  const en = cats.en!;

  for (const lng of LANGUAGES.filter((l) => l !== 'en')) {
    it(`${lng}: every English key, with the same values and the plural forms ${lng} needs`, () => {
      const missing: string[] = [];
      const wrong: string[] = [];
      const needed = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
      for (const [ns, catalogue] of Object.entries(en)) {
        const mine = flatten((cats[lng]![ns] ?? {}) as Record<string, unknown>);
        for (const [key, text] of flatten(catalogue as Record<string, unknown>)) {
          const base = key.replace(PLURAL, '');
          if (PLURAL.test(key)) {
            for (const cat of needed) {
              const k = `${base}_${cat}`;
              if (!mine.has(k)) missing.push(`${ns}:${k}`);
              else if (placeholders(mine.get(k)!).some((p) => !placeholders(text).includes(p) && p !== 'count')) wrong.push(`${ns}:${k}`);
            }
            continue;
          }
          if (!mine.has(key)) missing.push(`${ns}:${key}`);
          else if (placeholders(mine.get(key)!).join() !== placeholders(text).join()) wrong.push(`${ns}:${key} (${placeholders(text).join()} vs ${placeholders(mine.get(key)!).join()})`);
        }
        for (const key of mine.keys()) {
          const base = key.replace(PLURAL, '');
          const enKeys = flatten(catalogue as Record<string, unknown>);
          if (!enKeys.has(key) && !enKeys.has(`${base}_other`) && !enKeys.has(`${base}_one`)) wrong.push(`${ns}:${key} is not in English`);
        }
      }
      for (const ns of Object.keys(cats[lng]!)) if (!en[ns]) wrong.push(`${lng}/${ns}.json has no English file`);
      expect(missing, 'keys missing').to.deep.equal([]);
      expect(wrong, 'keys with other values to put in, or unknown').to.deep.equal([]);
    });
  }

  it('every key the views and the code ask for exists in English', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const asked = new Set<string>();
    for (const f of walk(path.join(root, 'views'), '.hbs')) for (const m of fs.readFileSync(f, 'utf8').matchAll(/\{\{\{?(?:t|tHtml)\s+"([^"]+)"/g)) asked.add(m[1]!);
    for (const f of walk(path.join(root, 'server'), '.ts')) for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\(\s*[\w.]+\s*,\s*'([a-z-]+:[\w.-]+)'/g)) asked.add(m[1]!);
    const missing = [...asked].filter((k) => {
      const [ns, key] = k.split(':') as [string, string];
      const flat = flatten((en[ns] ?? {}) as Record<string, unknown>);
      return !flat.has(key) && !flat.has(`${key}_other`) && !flat.has(`${key}_one`);
    });
    expect(asked.size).to.be.greaterThan(10);
    expect(missing).to.deep.equal([]);
  });

  it('server messages: every English message in every language, with the same values', () => {
    const msgs = readMessageCatalogues();
    const problems: string[] = [];
    for (const lng of LANGUAGES.filter((l) => l !== 'en')) {
      for (const [k] of msgs.en) {
        const v = msgs[lng].get(k);
        if (v === undefined) problems.push(`${lng}: ${k}`);
        else if (placeholders(v).join() !== placeholders(k).join()) problems.push(`${lng}: values differ in ${k}`);
      }
    }
    for (const [k, v] of msgs.en) if (k !== v) problems.push(`en: "${k}" must map to itself`);
    expect(problems).to.deep.equal([]);
  });

  it('server messages: each message is translated in one catalogue only (a message two areas share goes in common.json)', () => {
    // the files are merged, so a second translation of one message would silently replace the first
    const twice: string[] = [];
    for (const lng of LANGUAGES) {
      const dir = path.join(localesDir, lng, 'messages');
      const seen = new Map<string, string>();
      for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
        for (const k of Object.keys(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as object)) {
          if (seen.has(k)) twice.push(`${lng}: "${k}" in ${seen.get(k)} and ${f}`);
          seen.set(k, f);
        }
      }
    }
    expect(twice).to.deep.equal([]);
  });
});

describe('i18n: choosing and using a language', () => {
  it('Accept-Language: the highest q of ours, a region matching its language, others ignored', () => {
    expect(fromAcceptLanguage('de-DE, fr-CA;q=0.8, ar;q=0.9')).to.equal('ar');
    expect(fromAcceptLanguage('zh-Hant-TW')).to.equal('zh');
    expect(fromAcceptLanguage('de, it;q=0.5')).to.equal(undefined);
    expect(fromAcceptLanguage('ru;q=0, es;q=0.1')).to.equal('es');
    expect(fromAcceptLanguage(undefined)).to.equal(undefined);
  });

  it('the choice on this device, then the account, then the browser, then English', () => {
    expect(chooseLanguage({ cookie: 'fr', account: 'ru', acceptLanguage: 'es' })).to.equal('fr');
    expect(chooseLanguage({ cookie: 'xx', account: 'ru', acceptLanguage: 'es' })).to.equal('ru');
    expect(chooseLanguage({ account: null, acceptLanguage: 'es-MX' })).to.equal('es');
    expect(chooseLanguage({})).to.equal('en');
    expect(languageCookie('sid=abc; lang=ar; x=1')).to.equal('ar');
    expect(languageCookie('xlang=ar')).to.equal(undefined);
  });

  it('t() falls back to English and plural forms follow the language', () => {
    expect(t('fr', 'common:nav.standards')).to.equal('Normes');
    expect(t('fr', 'common:no.such.key')).to.equal('no.such.key');
  });

  it('messages: values are taken out for the lookup and put back in the translation', () => {
    expect(messagePattern('Use at most 5,000 characters for "IMAS 07.11".')).to.deep.equal({ key: 'Use at most {{n0}} characters for "{{q0}}".', values: ['5,000', '"IMAS 07.11"'] });
    expect(localise('en', 'Anything at all.')).to.equal('Anything at all.');
    expect(localise('fr', 'A message nobody translated.')).to.equal('A message nobody translated.');
  });

  it('messages: designations of every kind and English long dates are values; English is left as it is', () => {
    expect(messagePattern('TNMA 12.10/01 has no version 3.').key).to.equal('{{d0}} has no version {{n0}}.');
    expect(messagePattern('T&EP 07.31/01/2022 is withdrawn: it takes no new drafts.').key).to.equal('{{d0}} is withdrawn: it takes no new drafts.');
    expect(messagePattern('See IMAS 07.11.').key).to.equal('See {{d0}}.');
    expect(messagePattern('Closed on 30 June 2027 23:59 UTC; opened 1 October 2026, 00:00 UTC; on 2 May 2026.').key).to.equal('Closed on {{t0}}; opened {{t1}}; on {{t2}}.');
    // an ISO date stays numbers: it is the form examples are written in ("for example 2027-03-31")
    expect(messagePattern('for example 2027-03-31').key).to.equal('for example {{n0}}-{{n1}}-{{n2}}');
    const closed = consultationMessages.notOpen({ state: 'closed', opens_at: '2026-10-01T00:00:00.000Z', closes_at: '2027-06-30T23:59:59.000Z' });
    expect(localise('en', closed)).to.equal(closed);
    expect(localise('fr', closed)).to.equal('Cette consultation a été close le 30 juin 2027, 23:59 UTC : les observations ne peuvent plus être soumises, modifiées ni retirées.');
    expect(localise('ar', consultationMessages.notOpen({ state: 'scheduled', opens_at: '2026-10-01T00:00:00.000Z', closes_at: '2027-06-30T23:59:59.000Z' }))).to.equal('لم تُفتح هذه المشاورة بعد: تُتلقى التعليقات اعتباراً من 1 أكتوبر 2026, 00:00 UTC.');
    expect(localise('fr', 'TNMA 12.10/01 has no version 3.')).to.equal('TNMA 12.10/01 n’a pas de version 3.');
  });

  it('messages: a name in quotes is kept, a version label in quotes is translated, a reason after a colon is translated by itself', () => {
    expect(localise('fr', organisationMessages.unconfirmedOnBoard('Mines Advisory Group'))).to.equal('« Mines Advisory Group » n’est pas encore confirmée : confirmez-la (ou fusionnez-la avec une autre) avant qu’elle ne siège au Comité d’examen.');
    expect(localise('ar', organisationMessages.notOfOrganisation('Amina Diallo', 'GICHD'))).to.equal('«Amina Diallo» ليس حساباً تابعاً لـ «GICHD».');
    expect(localise('fr', consultationMessages.notDraft('Edition 2 Amendment 1'))).to.equal('« Édition 2, amendement 1 » n’est pas un projet : seuls les projets sont soumis à consultation.');
    const verdict = canPublish({ id: 1, n: 4, state: 'approved' } as never, { version_id: 1, cancelled_at: null, result: 'no_quorum' } as never);
    const message = `"Draft version 4" cannot be published: ${verdict.ok ? '' : verdict.reason}`;
    expect(localise('fr', message)).to.equal(`« Projet, version 4 » ne peut pas être publiée : ${localise('fr', verdict.ok ? '' : verdict.reason)}`);
    expect(localise('fr', message)).not.to.match(/without a quorum|Draft version/);
    expect(localise('ar', message)).to.match(/^لا يمكن نشر «المشروع، النسخة 4»: /);
  });
});
