import date from './date.ts';
import eq from './eq.ts';
import plural from './plural.ts';
import number from './number.ts';
import datetime from './datetime.ts';
import versionName from './version-name.ts';
import bdi from './bdi.ts';
import isolate from './isolate.ts';
import can from './can.ts';
import { t, tHtml, msg, concat } from './t.ts';
import feedLang from './feed-lang.ts';

export const helpers = { date, datetime, eq, plural, number, versionName, bdi, isolate, can, t, tHtml, msg, concat, feedLang };
