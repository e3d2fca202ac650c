/**
 * The one way the pictures write SVG (design.md §10: data in, markup out). Every piece of markup is
 * a `Markup` made here: text and attribute values go through `esc`, so no string of the data reaches
 * the page unescaped — a plain string is not a Markup and the type checker refuses it as a child.
 */
export type Markup = string & { readonly __markup: unique symbol };

// Characters XML 1.0 does not allow at all (a title could hold one): dropped, or the picture would not parse.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text or an attribute value, escaped for XML and HTML alike. */
export function esc(s: string | number): string {
  return String(s)
    .replace(NOT_XML, '')
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const text = (s: string | number): Markup => esc(s) as Markup;

export type Attrs = Record<string, string | number | null | undefined | false>;

/** Coordinates with at most two decimals: small pages, and the same bytes for the same data. */
export const num = (x: number): number => Math.round(x * 100) / 100;

/** An element; attributes that are null, undefined or false are left out. */
export function tag(name: string, attrs: Attrs = {}, ...children: Markup[]): Markup {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== null && v !== undefined && v !== false)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? num(v) : v as string)}"`)
    .join('');
  return (children.length ? `<${name}${a}>${children.join('')}</${name}>` : `<${name}${a}/>`) as Markup;
}

export const join = (parts: Markup[]): Markup => parts.join('') as Markup;

export interface Frame {
  /** unique on the page: the title's and description's ids derive from it */
  id: string;
  title: string;
  desc: string;
  width: number;
  height: number;
  className: string;
  /**
   * A picture without links is an image to assistive technology (role="img"); one whose marks are
   * links is a group, so that each link keeps its name and can be reached (role="img" would hide them).
   */
  linked: boolean;
}

/** The <svg> itself: title and description first (its text alternative), then the body. */
export function picture(f: Frame, ...body: Markup[]): Markup {
  const t = `${f.id}-title`;
  const d = `${f.id}-desc`;
  return tag(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      id: f.id,
      class: `picture ${f.className}`,
      viewBox: `0 0 ${num(f.width)} ${num(f.height)}`,
      width: f.width,
      height: f.height,
      role: f.linked ? 'group' : 'img',
      'aria-labelledby': t,
      'aria-describedby': d,
      'font-family': 'system-ui, sans-serif',
    },
    tag('title', { id: t }, text(f.title)),
    tag('desc', { id: d }, text(f.desc)),
    ...body,
  );
}

/** A link inside the picture: its <title> is both its tooltip and its name for assistive technology (SVG-AAM). */
export function link(href: string, name: string, ...children: Markup[]): Markup {
  return tag('a', { href }, tag('title', {}, text(name)), ...children);
}

/** A UTC day or time as a number of days since 1970, for the time axes. */
export const dayNumber = (day: string): number => Date.parse(day.length === 10 ? `${day}T00:00:00.000Z` : day) / 86_400_000;

/**
 * The words of a picture (titles, descriptions, lane names) by key, with values put in: each picture
 * module holds its English table and uses it unless given another language's (server/pictures/words.ts
 * reads those from locales/<lng>/pictures.json). Keys ending in _one/_other are plural forms.
 */
export type Words = (key: string, values?: Record<string, string | number>) => string;

/** A table's own words: `{{name}}` filled in, the plural form picked by `count` (English's two). */
export function wordsFrom(table: Readonly<Record<string, string>>): Words {
  return (key, values = {}) => {
    const template = table[key] ?? table[`${key}_${values.count === 1 ? 'one' : 'other'}`] ?? key;
    return template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
  };
}
