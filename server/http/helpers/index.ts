import date from './date.ts';
import eq from './eq.ts';
import plural from './plural.ts';
import number from './number.ts';

export const helpers = { date, eq, plural, number };
