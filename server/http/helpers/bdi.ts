import Handlebars from 'handlebars';

/**
 * {{bdi value}} → <bdi>value</bdi>, escaped. Text that users typed (names, organisations, comments,
 * reasons) may hold bidi controls such as U+202E; a <bdi> isolates it so it cannot reorder the page's
 * own text around it. Nothing for an empty value, so optional fields leave no empty element.
 */
export default (v: unknown): Handlebars.SafeString | string => {
  if (v == null || v === '' || typeof v === 'object') return '';
  return new Handlebars.SafeString(`<bdi>${Handlebars.escapeExpression(String(v))}</bdi>`);
};
