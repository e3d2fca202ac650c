/**
 * What the builders of this folder (edition.ts, redline.ts, comments.ts) share of the `docx` package:
 * packing and the heading levels. Every document is built with that package (never XML strings): it
 * escapes the text and writes the parts Word and LibreOffice expect. The builders are loaded on the
 * first document asked for (service.ts, api.ts), not at start: the package is ~1 MB of code that no
 * other request needs (issue 17, memory of an idle instance).
 */
import { HeadingLevel, Packer, type Document } from 'docx';

export function pack(doc: Document): Promise<Buffer> {
  return Packer.toBuffer(doc);
}

const LEVELS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6] as const;

/** Heading 1 for `# 4`, Heading 2 for `## 4.2`, …: Word's navigation pane lists them. */
export function headingLevel(depth: number): (typeof LEVELS)[number] {
  return LEVELS[Math.min(Math.max(depth, 1), LEVELS.length) - 1]!;
}
