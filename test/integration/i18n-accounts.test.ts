/**
 * Accounts, sign-in, privacy and the secretariat's account pages in the reader's language (issue 19):
 * interface text from the catalogues, server messages (English in code) through locales/<lng>/messages.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { createUser, csrfFrom, signIn } from '../helpers/auth.ts';

describe('accounts pages in other languages', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('sign-in and registration in French and Arabic; no English sentence left', async () => {
    const fr = await request(t.app).get('/login').set('Cookie', 'lang=fr').expect(200);
    expect(fr.text).to.include('<h1>Se connecter</h1>').and.include('Adresse électronique').and.include('Mot de passe oublié ?');
    expect(fr.text).to.not.include('Forgot your password?').and.not.include('E-mail address');
    expect(fr.text).to.match(/<title>Se connecter · imas-review<\/title>|<title>.*Se connecter.*<\/title>/);
    const ar = await request(t.app).get('/register').set('Accept-Language', 'ar').expect(200);
    expect(ar.text).to.match(/<html lang="ar" dir="rtl">/);
    expect(ar.text).to.include('التسجيل').and.include('كلمة المرور');
    expect(ar.text).to.not.include('Register to comment on draft standards');
  });

  it('a form with errors in French: translated messages, the input kept', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/register').set('Cookie', 'lang=fr');
    const res = await agent.post('/register').set('Cookie', 'lang=fr').type('form').send({ _csrf: csrfFrom(form.text), name: 'Jeanne Martin', email: 'pas-une-adresse', password: 'short' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include('Saisissez une adresse électronique comme nom@example.org.');
    expect(res.text).to.match(/Utilisez au moins 8 caractères/);
    expect(res.text).to.include('value="Jeanne Martin"').and.include('value="pas-une-adresse"');
    expect(res.text).to.not.include('Enter an e-mail address like');
  });

  it('a wrong password in Russian', async () => {
    const user = await createUser(t.db);
    const agent = request.agent(t.app);
    const form = await agent.get('/login').set('Cookie', 'lang=ru');
    const res = await agent.post('/login').set('Cookie', 'lang=ru').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: 'not the password' }).expect(401);
    expect(res.text).to.include('Неверный адрес электронной почты или пароль.');
  });

  it('the account page and the secretariat’s accounts list in Chinese and Spanish', async () => {
    const user = await createUser(t.db, { role: 'stakeholder' });
    const agent = request.agent(t.app);
    await signIn(agent, user);
    const zh = await agent.get('/account').set('Accept-Language', 'zh-CN').expect(200);
    expect(zh.text).to.include('您的账户').and.include('API 令牌').and.include('利益相关方');
    expect(zh.text).to.not.include('Your details');
    const admin = await createUser(t.db, { role: 'secretariat' });
    const sec = request.agent(t.app);
    await signIn(sec, admin);
    const es = await sec.get('/admin/users').set('Accept-Language', 'es').expect(200);
    expect(es.text).to.include('<h1>Cuentas</h1>').and.include('Nueva cuenta').and.include('secretaría');
  });
});

describe('account mails in the reader’s language (real local SMTP server)', () => {
  // The body as sent: nodemailer writes non-ASCII text as quoted-printable (or base64).
  const bodyOf = (raw: string): string => {
    const [head, ...rest] = raw.split(/\r?\n\r?\n/);
    const body = rest.join('\n\n');
    if (/content-transfer-encoding:\s*base64/i.test(head!)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    const soft = body.replace(/=\r?\n/g, '');
    return Buffer.from(soft.replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  };

  it('registering in French: the verification mail is in French; a password change follows the account’s language', async () => {
    const { startSmtp } = await import('../helpers/mail.ts');
    const smtp = await startSmtp();
    const t = await testApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'http://imas.test' } });
    try {
      const agent = request.agent(t.app);
      const form = await agent.get('/register').set('Cookie', 'lang=fr');
      await agent.post('/register').set('Cookie', 'lang=fr').type('form').send({ _csrf: csrfFrom(form.text), name: 'Jeanne', email: 'jeanne@example.org', organisation: 'ONG', password: 'les démineurs libèrent la terre' }).expect(200);
      const mail = bodyOf((await smtp.next('jeanne@example.org')).raw);
      expect(mail).to.include('Bonjour Jeanne,').and.include('ouvrez ce lien dans les 48 heures');
      expect(mail).to.not.include('Hello');
      // the account chose Russian: the reset mail is in Russian
      await t.db('users').where({ email: 'jeanne@example.org' }).update({ language: 'ru' });
      const again = await agent.get('/forgot-password');
      await agent.post('/forgot-password').type('form').send({ _csrf: csrfFrom(again.text), email: 'jeanne@example.org' }).expect(200);
      const reset = bodyOf((await smtp.next('jeanne@example.org')).raw);
      expect(reset).to.include('Здравствуйте, Jeanne!').and.include('http://imas.test/reset-password?token=');
    } finally {
      await t.close();
      await smtp.close();
    }
  });
});
