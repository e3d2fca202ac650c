/**
 * What the builders of this folder (edition.ts, redline.ts, comments.ts, markdown.ts) share of the
 * `docx` package: the package itself, packing and the heading levels. Every document is built with that
 * package (never XML strings): it escapes the text and writes the parts Word and LibreOffice expect.
 *
 * The package is loaded when the first document is built (`loadDocx`, awaited by each builder before
 * anything else), not at start: it is ~1 MB of code that no other request needs (issue 17, memory of
 * an idle instance). Only ever through this import(), so that there is one copy of it whatever loads
 * this folder (the test runner loads our modules as CommonJS, Node as ES modules).
 */
import type * as D from 'docx';

export type Docx = typeof D;

let lib: Docx | undefined;

/** The docx package, loaded once. */
export async function loadDocx(): Promise<Docx> {
  return (lib ??= await import('docx'));
}

/** The docx package, for the builders' synchronous parts: they run once `loadDocx()` has resolved. */
export function docx(): Docx {
  if (!lib) throw new Error('word/pack.ts: await loadDocx() before building a document');
  return lib;
}

export function pack(doc: D.Document): Promise<Buffer> {
  return docx().Packer.toBuffer(doc);
}

type Level = (typeof D.HeadingLevel)[keyof typeof D.HeadingLevel];

/** Heading 1 for `# 4`, Heading 2 for `## 4.2`, …: Word's navigation pane lists them. */
export function headingLevel(depth: number): Level {
  const { HeadingLevel: H } = docx();
  const levels = [H.HEADING_1, H.HEADING_2, H.HEADING_3, H.HEADING_4, H.HEADING_5, H.HEADING_6] as const;
  return levels[Math.min(Math.max(depth, 1), levels.length) - 1]!;
}
