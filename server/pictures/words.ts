/**
 * The pictures' words in the reader's language: the pure picture modules hold their English tables
 * (TIMELINE_WORDS, AGE_WORDS, HEAT_WORDS, TALLY_WORDS) and take a `Words` function; this one reads the
 * same keys from locales/<lng>/pictures.json (`pictures:<picture>.<key>`). English is the table itself,
 * so an English picture keeps its bytes.
 */
import { isLanguage, t } from '../i18n/index.ts';
import { wordsFrom, type Words } from './svg.ts';

export function pictureWords(lang: string, picture: 'timeline' | 'marks' | 'age' | 'heat' | 'tally', english: Readonly<Record<string, string>>): Words {
  if (!isLanguage(lang) || lang === 'en') return wordsFrom(english);
  return (key, values) => t(lang, `pictures:${picture}.${key}`, values);
}
