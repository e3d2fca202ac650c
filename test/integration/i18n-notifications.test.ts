/**
 * Notices in the reader's language (issue 19): the mail goes out in the recipient's language
 * (users.language; English when none), footer and unsubscribe link included; the settings and
 * unsubscribe pages follow the page's language, and a refused choice is explained in it.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, csrfFrom } from '../helpers/auth.ts';
import { secretariat, type Member } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { startSmtp, type ReceivedMail } from '../helpers/mail.ts';
import { createLogger } from '../../server/logger.ts';
import { createMailer } from '../../server/mail/mailer.ts';
import { OutboxWorker } from '../../server/notifications/worker.ts';
import { unsubscribeToken } from '../../server/notifications/service.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const PUBLIC = 'http://imas.test';
const logger = createLogger('silent');

/** Quoted-printable undone (the helper already joined soft breaks and =3D), as UTF-8. */
const qp = (s: string) => Buffer.from(s.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
/** The body of a received mail, decoded. */
const bodyOf = (m: ReceivedMail) => qp(m.raw.slice(m.raw.indexOf('\r\n\r\n') + 4));
/**
 * The Subject header, its RFC 2047 encoded words decoded. (The mail helper has joined quoted-printable
 * soft breaks, which also eats the "=" and line end after an encoded word: each word ends at its "?".)
 */
function subjectOf(m: ReceivedMail): string {
  const at = m.raw.search(/^Subject: /m) + 'Subject: '.length;
  const rest = m.raw.slice(at);
  if (!rest.startsWith('=?')) return rest.slice(0, rest.indexOf('\r\n'));
  const words = /^(?:=\?UTF-8\?[QB]\?[^?]*\?=?(?:\r\n)?[ \t]*)+/i.exec(rest)![0];
  return [...words.matchAll(/=\?UTF-8\?([QB])\?([^?]*)\?/gi)].map(([, enc, text]) =>
    enc!.toUpperCase() === 'B' ? Buffer.from(text!, 'base64').toString('utf8') : qp(text!.replace(/_/g, ' '))).join('');
}

async function tick(t: App, url: string) {
  const mailer = createMailer(url, logger);
  try {
    await new OutboxWorker({ db: t.db, clock: t.clock, config: t.config, logger, mailer }).tick();
  } finally {
    mailer.close();
  }
}

describe('i18n: notices by e-mail in the recipient’s language', () => {
  let t: App;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let sec: Member;
  before(async () => {
    smtp = await startSmtp();
    t = await testApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: PUBLIC } });
    sec = await secretariat(t);
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  async function disposedMailOf(language: string | null) {
    const { user, auth } = await bearerFor(t, 'stakeholder');
    await t.db('users').where({ id: user.id }).update({ language });
    const cid = await sampleConsultationId(t.db);
    const c = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...auth).send({ clause: null, type: 'general', comment: 'The scope is too narrow.' });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    await request(t.app).patch(`/api/v1/comments/${c.body.id}`).set(...sec.auth).send({ disposition: 'partially_accepted', response: 'Le champ est fixé par le groupe de pilotage.' }).expect(200);
    await tick(t, smtp.url);
    return { mail: await smtp.next(user.email), user, commentId: c.body.id as number };
  }

  it('a French-speaking user’s mail is in French: subject, text, disposition, footer; the links are the same', async () => {
    const { mail, commentId } = await disposedMailOf('fr');
    expect(subjectOf(mail)).to.match(/^Votre observation C-\d+-\d+ sur IMAS 07\.11 : partiellement acceptée$/);
    const body = bodyOf(mail);
    expect(body).to.contain('Le secrétariat a enregistré une décision sur votre observation');
    expect(body).to.contain('Réponse : Le champ est fixé par le groupe de pilotage.');
    expect(body).to.contain(`${PUBLIC}/comments/${commentId}`);
    expect(body).to.contain('Vous recevez ce message en raison de votre compte sur imas-review.');
    expect(body).to.match(new RegExp(`Se désabonner de tous ces courriels : ${PUBLIC}/unsubscribe/\\d+\\.[A-Za-z0-9_-]{43}`));
    expect(body).to.contain(`${PUBLIC}/account/notifications`);
    for (const english of ['Your comment', 'The secretariat recorded', 'Response:', 'You receive this because', 'Unsubscribe from all these mails']) expect(body + subjectOf(mail)).not.to.contain(english);
  });

  it('an Arabic-speaking user’s mail is in Arabic; with no language chosen, English as before', async () => {
    const ar = await disposedMailOf('ar');
    expect(subjectOf(ar.mail)).to.match(/^تعليقك C-\d+-\d+ على IMAS 07\.11: مقبول جزئياً$/);
    expect(bodyOf(ar.mail)).to.contain('إلغاء الاشتراك في جميع هذه الرسائل');
    const en = await disposedMailOf(null);
    expect(subjectOf(en.mail)).to.match(/^Your comment C-\d+-\d+ on IMAS 07\.11: partially accepted$/);
    expect(bodyOf(en.mail)).to.contain('The secretariat recorded a disposition of your comment').and.contain('Unsubscribe from all these mails: ');
  });

  it('the settings page in French: the choices, a refused choice explained in French with the form kept, the saved notice', async () => {
    const { user } = await bearerFor(t, 'stakeholder');
    const { agent } = await agentFor(t, user);
    const page = await agent.get('/account/notifications').set('Accept-Language', 'fr').expect(200);
    expect(page.text).to.contain('<h1>Avis par courrier électronique</h1>').and.contain('Un récapitulatif par jour (chaque matin, 06:00 UTC)');
    expect(page.text).not.to.contain('Each notice as it happens');
    expect(page.text).not.to.contain('Back to your account');
    const bad = await agent.post('/account/notifications').set('Accept-Language', 'fr').type('form').send({ _csrf: csrfFrom(page.text), mode: 'weekly' }).expect(422);
    expect(bad.text).to.contain('Choisissez des courriels immédiats, un récapitulatif quotidien ou aucun courriel.');
    expect(bad.text).not.to.contain('Choose immediate mails');
    const saved = await agent.post('/account/notifications').set('Accept-Language', 'fr').type('form').send({ _csrf: csrfFrom(page.text), mode: 'digest' }).expect(303);
    const after = await agent.get(saved.headers.location!).set('Accept-Language', 'fr').expect(200);
    expect(after.text).to.contain('Votre choix d’avis est enregistré.');
    expect(after.text).to.match(/value="digest" checked/);
  });

  it('the unsubscribe page and its answer in Arabic', async () => {
    const { user } = await bearerFor(t, 'stakeholder');
    const token = unsubscribeToken(t.config.sessionSecret, user.id);
    const page = await request(t.app).get(`/unsubscribe/${token}`).set('Accept-Language', 'ar').expect(200);
    expect(page.text).to.contain('هل تريد إلغاء الاشتراك في رسائل imas-review؟').and.contain('<button type="submit">إلغاء الاشتراك</button>');
    expect(page.text).not.to.contain('You will receive no more notices');
    const done = await request(t.app).post(`/unsubscribe/${token}`).set('Accept-Language', 'ar').type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(done.text).to.contain('لن تتلقى بعد الآن أي إشعارات بالبريد الإلكتروني من imas-review.');
    const forged = await request(t.app).get(`/unsubscribe/${user.id}.xyz`).set('Accept-Language', 'fr').expect(400);
    expect(forged.status).to.equal(400);
  });
});
