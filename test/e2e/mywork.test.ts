import { expect } from 'chai';
import { signedInPage, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';
import { openBallot, secretariat } from '../helpers/ballots.ts';

describe('browser: a Board member signs in, lands on "My work", votes from there, and the ballot leaves the list', function () {
  const b = useBrowser(this);

  it('lands on /me, follows the ballot waiting for their organisation, votes, and finds nothing waiting', async () => {
    const t = b.app;
    const member = await createUser(t.db, { role: 'board', organisation: 'UNDP', email: 'delegate@undp.example', name: 'Delegate UNDP' });
    await createUser(t.db, { role: 'board', organisation: 'UNICEF', email: 'delegate@unicef.example' });
    const ballot = await openBallot(t, await secretariat(t));

    const page = await signedInPage(b.browser, b.base, member.email);
    expect(new URL(page.url()).pathname).to.equal('/me');
    expect(await page.locator('h1').innerText()).to.equal('My work');
    const waiting = page.locator('ul.work-not-voted a');
    expect(await waiting.count()).to.equal(1);
    await waiting.first().click();
    expect(new URL(page.url()).pathname).to.equal(`/ballots/${ballot.id}`);

    await page.getByLabel('Approve', { exact: true }).check();
    await page.getByRole('button', { name: 'Cast the vote' }).click();
    expect(await page.locator('.notice-ok').innerText()).to.contain('Your vote is recorded');

    await page.getByRole('link', { name: 'My work' }).first().click();
    expect(new URL(page.url()).pathname).to.equal('/me');
    expect(await page.locator('ul.work-not-voted').count()).to.equal(0);
    expect(await page.locator('.work-board').innerText()).to.contain('None: your organisation has voted in every open ballot.');
    await page.context().close();
  });
});
