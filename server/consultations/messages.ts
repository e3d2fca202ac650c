import { longDate } from '../time.ts';
import type { WindowState } from '../window.ts';

const utc = (s: string) => `${longDate(s)} ${s.slice(11, 16)} UTC`;

/** What consultations and comments say to people, in one table for the lifecycle, the comments and the write queue. */
export const messages = {
  noConsultation: 'There is no such consultation.',
  noComment: 'There is no such comment.',
  noStandard: (ref: string) => `There is no standard "${ref}" in the catalogue.`,
  noVersion: (d: string, n: number) => `${d} has no version ${n}.`,
  notDraft: (label: string) => `"${label}" is not a draft: only drafts are put out for consultation.`,
  oneAtATime: (id: number) => `This draft already has a consultation that has not closed (C-${id}): extend or cancel it instead of opening another.`,
  closesBeforeOpens: 'The closing date must be after the opening date.',
  closesInPast: 'The closing date is in the past.',
  notOpen: (c: { state: WindowState; opens_at: string; closes_at: string }) =>
    c.state === 'scheduled'
      ? `This consultation is not open yet: comments are accepted from ${utc(c.opens_at)}.`
      : c.state === 'cancelled'
        ? 'This consultation was cancelled: it takes no comments.'
        : `This consultation closed on ${utc(c.closes_at)}: comments can no longer be submitted, changed or withdrawn.`,
  reportLater: (closes: string) => `The comments of this consultation are published in its report after the close (${utc(closes)}). Sign in to see them while it is open.`,
  onBehalfOnly: 'Only the secretariat can enter a comment on behalf of an organisation.',
  notYours: 'Only the person who submitted this comment can change or withdraw it.',
  disposed: 'The secretariat has recorded a disposition on this comment: it can no longer be changed or withdrawn.',
  withdrawn: 'This comment was withdrawn.',
  disposeNotYet: 'Dispositions are recorded once the consultation has opened.',
  responseNeeded: 'Explain the disposition: a response is needed when a comment is rejected or partially accepted.',
  chooseDisposition: 'Choose a disposition to go with the response.',
  nothingToChange: 'Send at least one field to change.',
  notLater: (n: number, from: number) => `Version ${n} is not a later draft based on version ${from}: comments can only be followed onto drafts descended from the one they were made on.`,
  sheetRows: (n: number) => `${n} row${n === 1 ? '' : 's'} of the sheet cannot be taken as ${n === 1 ? 'it is' : 'they are'}; nothing was imported. Correct the sheet and upload it again.`,
} as const;
