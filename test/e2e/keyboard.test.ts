/**
 * Keyboard only, in Arabic (issue 19 item 3): a stakeholder comments on a clause of the draft under
 * consultation and a board member casts a vote, with Tab, Shift+Tab, Enter, Space and typing — no
 * mouse, no click, no filling of fields by the test — and each result is checked in the page. Every
 * control reached shows where the focus is (WCAG 2.4.7).
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { useBrowser } from '../helpers/browser.ts';
import { createUser, TEST_PASSWORD, type TestUser } from '../helpers/auth.ts';
import { openBallot, secretariat } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

/** Whether the focused element matches `selector`. */
const focusedIs = (page: Page, selector: string) => page.evaluate((s) => !!document.activeElement && document.activeElement.matches(s), selector);

/** Presses Tab (or Shift+Tab) until the focus is on `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, opts: { back?: boolean; max?: number } = {}): Promise<number> {
  const max = opts.max ?? 120;
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    if (await focusedIs(page, selector)) {
      await expectFocusShown(page);
      return i;
    }
  }
  throw new Error(`${opts.back ? 'Shift+Tab' : 'Tab'} never reached ${selector} in ${max} presses`);
}

/** The focused element is drawn with a focus indicator (an outline or a ring). */
async function expectFocusShown(page: Page): Promise<void> {
  const s = await page.evaluate(() => {
    const e = document.activeElement!;
    const c = getComputedStyle(e);
    return { tag: e.tagName, outline: `${c.outlineStyle} ${c.outlineWidth}`, shadow: c.boxShadow };
  });
  expect(s.outline.startsWith('none') && s.shadow === 'none', `focus shown on ${s.tag} (outline ${s.outline})`).to.equal(false);
}

describe('browser: keyboard only, in Arabic — a comment on a clause, a vote', function () {
  const b = useBrowser(this);
  let stakeholder: TestUser;
  let member: TestUser;
  let ballot = 0;
  let consultation = 0;

  before(async () => {
    if (!b.app) return;
    stakeholder = await createUser(b.app.db, { role: 'stakeholder', organisation: 'مركز الأعمال المتعلقة بالألغام', name: 'ليلى حداد' });
    member = await createUser(b.app.db, { role: 'board', organisation: 'GICHD', name: 'Delegate GICHD' });
    ballot = (await openBallot(b.app, await secretariat(b.app))).id;
    consultation = await sampleConsultationId(b.app.db);
  });

  async function arabicPage(): Promise<Page> {
    const context = await b.browser.newContext({ javaScriptEnabled: false, locale: 'ar' });
    await context.addCookies([{ name: 'lang', value: 'ar', url: b.base }]);
    return context.newPage();
  }

  /** Signs in with the keyboard: Tab to each field, type, Enter. */
  async function signIn(page: Page, user: TestUser): Promise<void> {
    await page.goto(`${b.base}/login`);
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    await tabTo(page, 'form[action="/login"] input[name="email"]');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    expect(await focusedIs(page, 'form[action="/login"] input[name="password"]')).to.equal(true);
    await page.keyboard.type(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).to.not.equal('/login');
  }

  it('a stakeholder comments on clause 7.4', async () => {
    const page = await arabicPage();
    await signIn(page, stakeholder);
    await page.goto(`${b.base}/consultations/${consultation}`);
    // the draft's contents lead to the clause: Enter follows the link and moves the focus there
    await tabTo(page, 'nav a[href="#clause-7.4"]', { max: 200 });
    await page.keyboard.press('Enter');
    // the jump to a fragment is a same-document navigation that may commit after the key press returns
    await page.waitForURL(/#clause-7\.4$/, { timeout: 5000 });
    expect(new URL(page.url()).hash).to.equal('#clause-7.4');
    const form = 'details.comment-form:has(input[name="clause"][value="7.4"])';
    await tabTo(page, `${form} > summary`, { max: 10 });
    await page.keyboard.press('Enter'); // opens the form
    expect(await page.locator(form).getAttribute('open')).to.not.equal(null);
    await tabTo(page, `${form} input[name="paragraph"]`, { max: 3 });
    await page.keyboard.type('الفقرة 2');
    // Tab enters the group of radio buttons at its first (or chosen) one; Space chooses it
    await tabTo(page, `${form} input[name="type"]`, { max: 6 });
    const type = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
    await page.keyboard.press('Space');
    expect(await page.locator(`${form} input[name="type"][value="${type}"]`).isChecked()).to.equal(true);
    await tabTo(page, `${form} textarea[name="comment"]`, { max: 6 });
    await page.keyboard.type('ينبغي تحديد عرض المنطقة العازلة بالأمتار.');
    await tabTo(page, `${form} textarea[name="proposed_change"]`, { max: 2 });
    await page.keyboard.type('منطقة عازلة لا تقل عن 50 مترًا.');
    await tabTo(page, `${form} button[type="submit"]`, { max: 2 });
    // back to the comment (Shift+Tab twice), and forward again to the button
    await tabTo(page, `${form} textarea[name="comment"]`, { back: true, max: 2 });
    await tabTo(page, `${form} button[type="submit"]`, { max: 2 });
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    // the receipt: the comment as saved, on clause 7.4, of the type chosen
    expect(new URL(page.url()).pathname).to.match(/^\/comments\/\d+$/);
    const text = await page.locator('main').innerText();
    expect(text).to.contain('ينبغي تحديد عرض المنطقة العازلة بالأمتار.');
    expect(text).to.contain('منطقة عازلة لا تقل عن 50 مترًا.');
    expect(text).to.contain('7.4');
    const saved = await b.app.db('comments').where({ author_id: stakeholder.id }).first('clause_ref', 'type', 'paragraph');
    expect(saved).to.include({ clause_ref: '7.4', type, paragraph: 'الفقرة 2' });
    await page.context().close();
  });

  it('a board member casts a vote', async () => {
    const page = await arabicPage();
    await signIn(page, member);
    await page.goto(`${b.base}/ballots/${ballot}`);
    await tabTo(page, '.vote-form input[name="position"]', { max: 300 });
    // Tab enters the group of radio buttons at its first; Space chooses it
    const first = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
    await page.keyboard.press('Space');
    expect(await page.locator(`.vote-form input[name="position"][value="${first}"]`).isChecked()).to.equal(true);
    await tabTo(page, '.vote-form textarea[name="reason"]', { max: 3 });
    await page.keyboard.type('النص جاهز للنشر.');
    await tabTo(page, '.vote-form button[type="submit"]', { max: 2 });
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    // the page says the vote is recorded, with the organisation's position
    expect(await page.locator('.notice-ok').count()).to.be.greaterThan(0);
    const own = await b.app.db('votes').where({ ballot_id: ballot }).first('position', 'reason');
    expect(own).to.include({ position: first, reason: 'النص جاهز للنشر.' });
    expect(await page.locator('.vote-form input[name="position"]:checked').getAttribute('value')).to.equal(first);
    await page.context().close();
  });
});
