/** {{number 12345}} → 12,345 */
export default (n: number): string => (typeof n === 'number' ? n.toLocaleString('en-GB') : '');
