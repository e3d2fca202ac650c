/**
 * Accessibility beyond the public pages (issue 19 item 3): axe-core in chromium on every page of every
 * role — anonymous, stakeholder, board member, secretariat — and on one page with errors per kind of
 * form, with no violation tagged wcag2a, wcag2aa, wcag21a or wcag21aa.
 *
 * The pages are the app's GET routes (walked, so a new page is checked by itself), each with its path
 * parameters taken from objects made here; a route whose parameter has no value here fails the suite
 * until it is given one or listed in NOT_PAGES with the reason.
 *
 * `npm test` checks English and Arabic, to stay short in CI (the whole walk in both was some 280 of the
 * suite's 580 s): every page of every role in English and as an anonymous reader in Arabic, and a
 * signed-in role's first page in Arabic; a page goes through axe only where its markup has kinds of
 * element not yet checked in either language (a page a second role, or the other language, shows the same
 * way is not run again; Arabic's own — right to left, text marked as English — are kinds of their own),
 * and each walk's first page whatever it holds; the forms submitted empty in English. `npm run a11y` checks every page of every role in the six languages
 * (A11Y_LANGS=en,fr,es,ar,ru,zh A11Y_ALL=1). The language is the `lang` cookie (and Accept-Language).
 */
import { expect } from 'chai';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useBrowser } from '../helpers/browser.ts';
import { axeViolations, describeViolations } from '../helpers/axe.ts';
import { bearerFor, currentCode, TEST_PASSWORD, type TestUser } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { chair, propose } from '../helpers/proposals.ts';
import { walkRoutes } from '../helpers/routes.ts';
import { unsubscribeToken } from '../../server/notifications/service.ts';
import { loadConfig } from '../../server/config.ts';

const LANGS = (process.env.A11Y_LANGS ?? 'en,ar').split(',').map((s) => s.trim()).filter(Boolean);
const EVERY_PAGE = process.env.A11Y_ALL === '1';
const PARALLEL = Number(process.env.A11Y_PARALLEL ?? 2);
const ROLES = ['anonymous', 'stakeholder', 'board', 'secretariat'] as const;
type Role = (typeof ROLES)[number];

/** GET routes that are not pages a person reads, and why. */
const NOT_PAGES: Array<[RegExp, string]> = [
  [/^\/(healthz|readyz)$/, 'health checks for the load balancer (plain text)'],
  [/\.(docx|csv|xlsx|atom)$/, 'downloads and feeds, not HTML'],
  [/^\/account\/export$|\/export$/, 'a JSON download of the personal data'],
  [/^\/language\/:lang$/, 'the language switcher’s links: set the lang cookie and redirect back, no page of their own'],
];

/** Routes that redirect or answer only in the middle of a flow: checked in that flow instead. */
const IN_A_FLOW: Record<string, string> = {
  '/login/code': 'the second step of the secretariat’s sign-in (checked when the secretariat signs in)',
};

describe('browser: accessibility of every page (axe-core, WCAG 2.1 A and AA)', function () {
  const b = useBrowser(this);
  // generous: a loaded machine runs axe many times slower (CI, quiet, takes a fraction of it)
  this.timeout(EVERY_PAGE ? 3_600_000 : 900_000);
  const users = {} as Record<Exclude<Role, 'anonymous'>, TestUser>;
  const values = {} as Record<string, string>;
  let urls: string[] = [];
  const checked = new Map<string, number>(); // lang → pages run through axe
  const formsSeen = new Map<string, { role: Role; url: string; index: number }>(); // 'POST /route' → where a form of that kind is
  const formsChecked: string[] = [];
  const acceptedEmpty: string[] = [];
  const seen = new Set<string>(); // kinds of element already checked, in any language

  before(async function () {
    if (!b.app) return;
    const t = b.app;
    // who: a stakeholder, a board member of the Board (GICHD), the secretariat (two-factor sign-in)
    const sec: Member = await secretariat(t);
    const board = await boardOf(t, ['GICHD', 'UNDP']);
    const stakeholderAuth = await bearerFor(t, 'stakeholder', { organisation: 'Mine Action Operator' });
    users.secretariat = sec.user;
    users.board = board.GICHD!.user;
    users.stakeholder = stakeholderAuth.user;
    // what: an open ballot on the draft (UNDP has voted, GICHD not yet: the vote form shows), comments on
    // the sample consultation, a proposal, the Board's chair
    const ballot = await openBallot(t, sec);
    expect((await vote(t, board.UNDP!, ballot.id, 'approve')).status).to.equal(200);
    const consultation = await sampleConsultationId(t.db);
    let comment = 0;
    for (const clause of ['4.1', '7.4', null]) {
      const res = await request(t.app).post(`/api/v1/consultations/${consultation}/comments`).set(...stakeholderAuth.auth).send({ clause, type: 'technical', comment: `A comment on ${clause ?? 'the whole draft'}.` });
      expect(res.status, res.text).to.equal(201);
      comment = res.body.id;
    }
    const proposal = await propose(t, board.GICHD!);
    await chair(t, 'UNOPS');
    const membership = await t.db('board_memberships').first('id');
    const chairRow = await t.db('board_chairs').first('id');
    Object.assign(values, {
      ref: '07.11',
      n: '4',
      date: '2020-06-01',
      range: '2..4',
      token: unsubscribeToken(loadConfig({ NODE_ENV: 'test' }).sessionSecret, users.stakeholder.id),
      'id:consultations': String(consultation),
      'id:comments': String(comment),
      'id:ballots': String(ballot.id),
      'id:users': String(users.stakeholder.id),
      'id:organisations': String(users.board.organisation_id),
      'id:proposals': String(proposal.id),
      'id:memberships': String(membership.id),
      'id:chairs': String(chairRow.id),
    });
    urls = pageUrls();
  });

  /** The app's pages: every GET route but the API, downloads and flow steps, with its parameters put in. */
  function pageUrls(): string[] {
    const out: string[] = [];
    const missing: string[] = [];
    for (const r of walkRoutes(b.app.app)) {
      if (r.method !== 'GET' || r.path.startsWith('/api/') || r.path === '/api') continue;
      if (NOT_PAGES.some(([re]) => re.test(r.path)) || IN_A_FLOW[r.path]) continue;
      // a translation's pages: the sample's (Arabic, of version 2), pushed below
      if (/\/translations\/:lang/.test(r.path)) continue;
      const url = r.path.replace(/:(\w+)/g, (_m, name: string, offset: number) => {
        const before = r.path.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
        const v = values[name === 'id' ? `id:${before}` : name];
        if (v === undefined) missing.push(`${r.path} (:${name})`);
        return encodeURIComponent(v ?? '');
      });
      if (!out.includes(url)) out.push(url);
    }
    // one route, two kinds of page: the current edition's own page beside the draft's (n = 4); the diff side by side, every clause
    out.push('/standards/07.11/versions/3', '/standards/07.11/diff/2..4?view=side-by-side&changes=all');
    out.push('/standards/07.11/versions/2/translations/ar', '/standards/07.11/versions/2/translations/ar/side-by-side', '/standards/07.11/translations/ar');
    expect(missing, 'pages with a path parameter this suite has no value for: give it one, or list the route in NOT_PAGES').to.deep.equal([]);
    return out;
  }

  async function newContext(browser: Browser, lang: string): Promise<BrowserContext> {
    // bypassCSP: the app's Content-Security-Policy allows no inline script, and axe is injected as one
    const context = await browser.newContext({ bypassCSP: true, locale: lang, extraHTTPHeaders: { 'Accept-Language': lang } });
    await context.addCookies([{ name: 'lang', value: lang, url: b.base }]);
    return context;
  }

  /**
   * The kinds of element of a page, each with its parent's: tag, classes, role, type, dir, lang, the
   * aria-* attributes it has, and whether it holds text of its own. axe judges elements by these (and
   * colour contrast by the element in its parent), so a page made only of kinds already checked adds
   * nothing in CI. (A string: tsx would wrap named inner functions in a helper the page does not have.)
   */
  const kindsOf = (page: Page) =>
    page.evaluate<string[]>(`(() => {
      function kind(e) {
        const attrs = [...e.attributes].filter((a) => a.name === 'role' || a.name === 'type' || a.name === 'dir' || a.name === 'lang' || a.name.startsWith('aria-')).map((a) => a.name + (a.name === 'role' || a.name === 'type' || a.name === 'dir' || a.name === 'lang' ? '=' + a.value : '')).sort().join(',');
        const text = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) ? '#' : '';
        return e.tagName + '.' + [...e.classList].sort().join('.') + '[' + attrs + ']' + text;
      }
      const out = new Set();
      for (const e of document.querySelectorAll('body *')) out.add((e.parentElement ? kind(e.parentElement) : '') + '>' + kind(e));
      return [...out];
    })()`);

  /** `always`: checked even when made of kinds already checked (a role's first page in a language: the page's language itself is judged). */
  async function check(page: Page, lang: string, where: string, problems: string[], always = false): Promise<void> {
    if (!EVERY_PAGE) {
      const news = (await kindsOf(page)).filter((k) => !seen.has(k));
      if (!news.length && !always) return;
      news.forEach((k) => seen.add(k));
    }
    checked.set(lang, (checked.get(lang) ?? 0) + 1);
    const started = Date.now();
    problems.push(...describeViolations(`[${lang}] ${where}`, await axeViolations(page)));
    if (process.env.A11Y_VERBOSE) console.log(`    ${Date.now() - started} ms ${lang} ${where}`);
  }

  async function signIn(page: Page, role: Exclude<Role, 'anonymous'>, lang: string, problems: string[]): Promise<void> {
    const user = users[role];
    await page.goto(`${b.base}/login`);
    await page.locator('form[action="/login"] input[name="email"]').fill(user.email);
    await page.locator('form[action="/login"] input[name="password"]').fill(TEST_PASSWORD);
    await page.locator('form[action="/login"] button[type="submit"]').click();
    if (new URL(page.url()).pathname === '/login/code') {
      await check(page, lang, `${role} /login/code`, problems);
      await page.locator('form[action="/login/code"] input[name="code"]').fill(await currentCode(user.email));
      await page.locator('form[action="/login/code"] button[type="submit"]').click();
    }
    expect(new URL(page.url()).pathname, `${role} signed in`).to.not.equal('/login');
  }

  /** Records the POST forms of the page a person fills in (text, files), by the route they post to. */
  async function noteForms(page: Page, role: Role, url: string): Promise<void> {
    const forms = await page.$$eval('form', (fs) =>
      fs.map((f, index) => ({
        index,
        method: (f.getAttribute('method') ?? 'get').toLowerCase(),
        action: new URL(f.getAttribute('action') ?? '', location.href).pathname,
        fillable: [...f.querySelectorAll('textarea, input')].some((e) => e instanceof HTMLTextAreaElement || ['text', 'email', 'password', 'number', 'date', 'datetime-local', 'url', 'file', 'tel', 'search', ''].includes(e.getAttribute('type') ?? '')),
      })),
    );
    for (const f of forms) {
      if (f.method !== 'post' || !f.fillable) continue;
      const route = walkRoutes(b.app.app).find((r) => r.method === 'POST' && new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`).test(f.action));
      const key = `POST ${route?.path ?? f.action}`;
      if (!formsSeen.has(key)) formsSeen.set(key, { role, url, index: f.index });
    }
  }

  /** Runs `f` on each item, `n` at a time (the languages of one role side by side: chromium and the app on both cores). */
  async function inTurn<T>(items: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
      while (queue.length) await f(queue.shift()!);
    }));
  }

  async function everyPage(role: Role, lang: string, problems: string[]): Promise<void> {
    const context = await newContext(b.browser, lang);
    const page = await context.newPage();
    if (role !== 'anonymous') await signIn(page, role, lang, problems);
    let first = true;
    // in npm test a signed-in role's walk in a language after the first is its first page only: its
    // pages are the first language's in structure, and the anonymous walk covers the language's own
    const firstOnly = !EVERY_PAGE && lang !== LANGS[0] && role !== 'anonymous';
    for (const url of urls) {
      if (firstOnly && !first) break;
      if (role !== 'anonymous' && /^\/(login|register|forgot-password|reset-password|verify-email)$/.test(url)) continue; // the anonymous reader's pages
      const res = await page.goto(`${b.base}${url}`);
      if (!res || !/html/.test(res.headers()['content-type'] ?? '')) continue;
      if (res.status() >= 500) problems.push(`[${lang}] ${role} ${url}: status ${res.status()}`);
      await check(page, lang, `${role} ${url} (${res.status()})`, problems, first);
      first = false;
      if (lang === LANGS[0]) await noteForms(page, role, url);
    }
    await context.close();
  }

  async function formsWithErrors(lang: string, problems: string[]): Promise<void> {
    const contexts = new Map<Role, Page>();
    for (const [key, where] of formsSeen) {
      let page = contexts.get(where.role);
      if (!page) {
        page = await (await newContext(b.browser, lang)).newPage();
        if (where.role !== 'anonymous') await signIn(page, where.role, lang, problems);
        contexts.set(where.role, page);
      }
      await page.goto(`${b.base}${where.url}`);
      const form = page.locator('form').nth(where.index);
      if (!(await form.count())) continue; // gone since (a state changed by an earlier form)
      await form.evaluate((f: HTMLFormElement) => {
        f.noValidate = true;
        for (const e of f.querySelectorAll('textarea, input')) {
          const input = e as HTMLInputElement;
          if (e instanceof HTMLTextAreaElement || !['hidden', 'checkbox', 'radio', 'submit', 'button'].includes(input.type)) input.value = '';
        }
      });
      const [res] = await Promise.all([page.waitForNavigation(), form.evaluate((f: HTMLFormElement) => f.requestSubmit())]);
      const status = res?.status() ?? 0;
      if (status >= 500) problems.push(`[${lang}] ${key} submitted empty: status ${status}`);
      // a form whose every field may be empty has no page with errors: its result page is checked, and it is named at the end
      if (status < 400 && lang === LANGS[0]) acceptedEmpty.push(key);
      formsChecked.push(`[${lang}] ${key} → ${status}`);
      await check(page, lang, `${where.role} ${key} submitted empty (${status})`, problems);
    }
    for (const p of contexts.values()) await p.context().close();
  }

  it(`every page as an anonymous reader, a stakeholder, a board member and the secretariat (${LANGS.join(', ')})`, async function () {
    const problems: string[] = [];
    // every role and language two at a time (chromium and the app on both cores), the longest walks first
    const walks = LANGS.flatMap((lang) => ROLES.map((role) => ({ role, lang })));
    await inTurn(walks, PARALLEL, ({ role, lang }) => everyPage(role, lang, problems));
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  const formLangs = EVERY_PAGE ? LANGS : LANGS.slice(0, 1);
  it(`a page with the errors of each kind of form, submitted empty (${formLangs.join(', ')})`, async function () {
    const problems: string[] = [];
    await inTurn(formLangs, PARALLEL, (lang) => formsWithErrors(lang, problems));
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  after(function () {
    if (!b.app) return;
    console.log(`\n  axe: ${urls.length} pages × ${ROLES.length} roles, ${formsSeen.size} kinds of form with errors; run through axe: ${[...checked].map(([l, n]) => `${l} ${n}`).join(', ')}`);
    if (acceptedEmpty.length) console.log(`  forms that took an empty submission (no errors to show): ${acceptedEmpty.join(', ')}`);
    if (process.env.A11Y_VERBOSE) console.log(formsChecked.join('\n'));
  });
});
