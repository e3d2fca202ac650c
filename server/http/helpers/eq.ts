/** {{#if (eq a b)}} */
export default (a: unknown, b: unknown): boolean => a === b;
