import JSZip from 'jszip';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';

/** Reading the .docx files of server/word/ back, as Word's review pane would. */

export async function partOf(buf: Buffer, name = 'word/document.xml'): Promise<string> {
  const zip = await JSZip.loadAsync(buf);
  const part = zip.file(name);
  if (!part) throw new Error(`no ${name} in the .docx`);
  return part.async('string');
}

export interface ReviewedRun {
  kind: 'plain' | 'ins' | 'del';
  text: string;
}

export interface ReviewedPara {
  style: string | null;
  mark: 'plain' | 'ins' | 'del';
  runs: ReviewedRun[];
}

const el = (n: unknown): n is Element => (n as Element).type === 'tag';

/** The body's paragraphs: each run's text and whether it sits in a w:ins or w:del, and its paragraph mark's. */
export function paragraphsOf(xml: string): ReviewedPara[] {
  const dom = parseDocument(xml, { xmlMode: true, decodeEntities: true });
  const body = DomUtils.findOne((e) => e.name === 'w:body', dom.children, true);
  if (!body) throw new Error('no w:body');
  const paras = DomUtils.findAll((e) => e.name === 'w:p', body.children).filter((p) => !DomUtils.findOne((e) => e.name === 'w:p', p.children, true));
  return paras.map((p) => {
    const pPr = p.children.find((c) => el(c) && c.name === 'w:pPr') as Element | undefined;
    const style = pPr && DomUtils.findOne((e) => e.name === 'w:pStyle', pPr.children, false);
    const rPr = pPr && (pPr.children.find((c) => el(c) && c.name === 'w:rPr') as Element | undefined);
    const markIns = rPr && rPr.children.some((c) => el(c) && c.name === 'w:ins');
    const markDel = rPr && rPr.children.some((c) => el(c) && c.name === 'w:del');
    const runs: ReviewedRun[] = [];
    const walk = (nodes: unknown[], kind: ReviewedRun['kind']) => {
      for (const n of nodes) {
        if (!el(n) || n.name === 'w:pPr' || n.name === 'w:rPr') continue;
        if (n.name === 'w:ins') walk(n.children, 'ins');
        else if (n.name === 'w:del') walk(n.children, 'del');
        else if (n.name === 'w:t' || n.name === 'w:delText') runs.push({ kind, text: DomUtils.textContent(n) });
        else if (n.name === 'w:tab') runs.push({ kind, text: '\t' });
        else walk(n.children, kind);
      }
    };
    walk(p.children, 'plain');
    return { style: style ? (style.attribs['w:val'] ?? null) : null, mark: markIns ? 'ins' : markDel ? 'del' : 'plain', runs };
  });
}

/**
 * The document's text with every tracked change accepted (`accept`) or rejected: the runs of the other
 * kind dropped, and a paragraph whose mark goes joined to the next one. Paragraphs are joined by "\n".
 */
export function reviewed(paras: readonly ReviewedPara[], how: 'accept' | 'reject'): string {
  const drop = how === 'accept' ? 'del' : 'ins';
  let s = '';
  paras.forEach((p, i) => {
    for (const r of p.runs) if (r.kind !== drop) s += r.text;
    if (i < paras.length - 1 && p.mark !== drop) s += '\n';
  });
  return s;
}
