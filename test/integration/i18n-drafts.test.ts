/**
 * The secretariat's draft pages in the reader's language (issue 19): the catalogue, a standard's page,
 * the new-draft form with a refused text and its preview, the withdrawal confirmation.
 */
import { expect } from 'chai';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

describe('i18n: drafts', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('the catalogue in Spanish; a standard refused with the messages in Spanish and the input kept', async () => {
    const { agent } = await agentFor(t, 'secretariat');
    const list = await agent.get('/admin/standards').set('Accept-Language', 'es').expect(200);
    expect(list.text).to.contain('<h1>Gestionar el catálogo</h1>').and.contain('Añadir la norma').and.contain('Edición vigente');
    expect(list.text).not.to.contain('Manage the catalogue');
    const bad = await agent.post('/admin/standards').set('Accept-Language', 'es').type('form').send({ _csrf: csrfOf(list.text), type: 'IMAS', number: '', title: 'Título provisional' }).expect(422);
    expect(bad.text).to.contain('Introduzca el número.').and.contain('value="Título provisional"');
    expect(bad.text).not.to.contain('Enter the number.');
  });

  it('a new draft in French: the form, a text with problems, the preview, the saved notice and next steps', async () => {
    const { agent } = await agentFor(t, 'secretariat');
    const form = await agent.get('/admin/standards/07.11/drafts/new').set('Accept-Language', 'fr').expect(200);
    expect(form.text).to.contain('<h1>Nouveau projet</h1>').and.contain('Vérifier le texte').and.contain('Ou téléverser un fichier');
    expect(form.text).not.to.contain('Check the text');
    const empty = await agent.post('/admin/standards/07.11/drafts/preview').set('Accept-Language', 'fr').field('_csrf', csrfOf(form.text)).field('text', ' ').field('based_on', '4').field('label', 'Mon libellé').expect(422);
    expect(empty.text).to.contain('Collez le texte, ou choisissez un fichier .md ou .docx.').and.contain('value="Mon libellé"');
    const preview = await agent.post('/admin/standards/07.11/drafts/preview').set('Accept-Language', 'fr').field('_csrf', csrfOf(form.text)).field('text', '# 1 Scope\n\nThis.\n\n## 1.1 More\n\nText.').field('based_on', '4').field('label', '').expect(200);
    expect(preview.text).to.contain('<h2 id="preview-title">Aperçu</h2>').and.contain('2 articles, 6 mots').and.contain('Enregistrer ce projet');
    const saved = await agent.post('/admin/standards/07.11/drafts').type('form').send({ _csrf: csrfOf(form.text), text: '# 1 Scope\n\nThis.', based_on: '4', label: '' }).expect(303);
    const page = await agent.get(saved.headers.location!).set('Accept-Language', 'fr').expect(200);
    // the label the draft was given by default ("Draft version N") in French too
    expect(page.text).to.match(/IMAS 07\.11 version \d+, Projet, version \d+, est enregistrée comme projet\. Étapes suivantes :/);
    expect(page.text).to.contain('Ouvrir une consultation sur celle-ci').and.contain('<th scope="col">État</th>').and.contain('<td>publié</td>');
    expect(page.text).not.to.contain('Open a consultation on it');
  });

  it('the withdrawal confirmation in Arabic, the date in Arabic', async () => {
    const { agent } = await agentFor(t, 'secretariat');
    const page = await agent.get('/admin/standards/08.10').expect(200);
    const confirm = await agent.post('/admin/standards/08.10/withdraw').set('Accept-Language', 'ar').type('form').send({ _csrf: csrfOf(page.text), date: '2027-01-31', replaced_by: '' }).expect(200);
    expect(confirm.text).to.contain('هل تريد سحب IMAS 08.10؟').and.contain('31 يناير 2027').and.contain('لا يمكن التراجع عن هذا الإجراء');
    expect(confirm.text).not.to.contain('This cannot be undone');
  });
});
