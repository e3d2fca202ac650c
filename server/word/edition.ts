/**
 * A clean edition in Word: a published version of a standard, its clauses as Word headings (the
 * navigation pane lists them) and their bodies from Markdown, with the designation, edition, dates and
 * the "uncontrolled when printed" warning in every page's header.
 */
import type * as D from 'docx';
import { AUTHOR, titleOf, xmlSafe } from './common.ts';
import { headingLevel, loadDocx, pack } from './pack.ts';
import { markdownBlocks } from './markdown.ts';

export interface EditionInput {
  designation: string;
  title: string;
  /** "Edition 2", "Edition 2, Amendment 1" */
  editionLabel: string;
  /** UTC days, or null */
  publishedOn: string | null;
  inForceFrom: string | null;
  /** the last day in force, when superseded */
  inForceTo: string | null;
  /** where the current edition is read online */
  url: string;
  /** sample texts carry "sample text, not the official standard" */
  sample: boolean;
  summary: string | null;
  clauses: readonly { ref: string; heading: string; text: string; depth: number }[];
}

export const messages = {
  uncontrolled: 'Uncontrolled when printed — check the current edition online',
  sample: 'Sample text, not the official standard.',
} as const;

/** "Published 3 November 2025 · in force from 16 January 2026": the dates line of the header. */
export function datesLine(input: Pick<EditionInput, 'publishedOn' | 'inForceFrom' | 'inForceTo'>): string {
  const parts: string[] = [];
  if (input.publishedOn) parts.push(`Published ${longDay(input.publishedOn)}`);
  if (input.inForceFrom) parts.push(`in force from ${longDay(input.inForceFrom)}${input.inForceTo ? ` to ${longDay(input.inForceTo)}` : ''}`);
  return parts.join(' · ');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
function longDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : day;
}

export async function buildEdition(input: EditionInput): Promise<Buffer> {
  const { AlignmentType, Document, Footer, Header, HeadingLevel, PageNumber, Paragraph, TextRun } = await loadDocx();
  const dates = datesLine(input);
  const header = new Header({
    children: [
      new Paragraph({ children: [new TextRun({ text: xmlSafe(`${input.designation} — ${input.editionLabel}`), bold: true }), ...(dates ? [new TextRun({ text: xmlSafe(dates), break: 1 })] : [])] }),
      new Paragraph({ children: [new TextRun({ text: xmlSafe(`${messages.uncontrolled}: ${input.url}`), italics: true })] }),
    ],
  });
  const front: D.Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(xmlSafe(`${input.designation} ${input.title}`))] }),
    new Paragraph({ children: [new TextRun({ text: xmlSafe(input.editionLabel), bold: true })] }),
  ];
  if (dates) front.push(new Paragraph(xmlSafe(dates)));
  if (input.sample) front.push(new Paragraph({ children: [new TextRun({ text: messages.sample, bold: true })] }));
  if (input.summary) front.push(new Paragraph({ children: [new TextRun({ text: xmlSafe(input.summary), italics: true })] }));
  const body = input.clauses.flatMap((c) => [new Paragraph({ heading: headingLevel(c.depth), children: [new TextRun(xmlSafe(titleOf(c.ref, c.heading)))] }), ...markdownBlocks(c.text)]);
  const doc = new Document({
    creator: AUTHOR,
    title: `${input.designation} ${input.title} — ${input.editionLabel}`,
    sections: [
      {
        headers: { default: header },
        footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })] })] }) },
        children: [...front, ...body],
      },
    ],
  });
  return pack(doc);
}
