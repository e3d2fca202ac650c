import { expect } from 'chai';
import { closedMail, passwordChangedMail, resetMail, verificationMail, welcomeMail } from '../../server/mail/accounts.ts';

describe('account mails in the recipient’s language (issue 19)', () => {
  const link = 'https://review.example.org/reset-password?token=a&next=%2Fme';

  it('English when the account names no language, as before', () => {
    expect(resetMail({ name: 'Ana', language: null }, link)).to.deep.equal({
      subject: 'Reset your imas-review password',
      text: `Hello Ana,\n\nTo choose a new password, open this link within one hour. It works once.\n\n${link}\n\nChoosing a new password signs out every session of your account and revokes its API tokens.\nIf you did not ask for this, ignore this message: your password stays as it is.\n`,
    });
    expect(passwordChangedMail({ name: 'Ana' }, 2, 'A', 'F').text).to.contain('your API tokens (2) revoked: make new ones on your account page (A)');
    expect(closedMail({ language: 'xx' }, false, 'former member of X').text).to.match(/^Your imas-review account has been closed by the IMAS secretariat, as asked\./);
  });

  it('in French, Arabic and Chinese for accounts that chose them, links and names kept', () => {
    const fr = verificationMail({ name: 'Anne', language: 'fr' }, link);
    expect(fr.subject).to.equal('Confirmez votre adresse électronique pour imas-review');
    expect(fr.text).to.contain('Bonjour Anne,').and.contain(link);
    expect(welcomeMail({ name: 'Anne', role: 'board', language: 'fr' }, link).text).to.contain('(Comité d’examen)');
    expect(resetMail({ name: 'سارة', language: 'ar' }, link).text).to.contain('مرحباً سارة').and.contain(link);
    expect(closedMail({ language: 'zh' }, true, 'X 的前成员').subject).to.equal('您的 imas-review 账户已关闭');
  });
});
