/**
 * A catalogue's shape: every leaf as `path: kind` (string, or a function and its parameter
 * count). Two catalogues agree when their shapes are equal; the unit tests and the build's check
 * (scripts/check-catalogues.ts) compare every locale's with English's.
 */
export function catalogueShape(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return [`${path}: string`];
  if (typeof value === 'function') return [`${path}: function(${value.length})`];
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => catalogueShape(child, `${path}.${key}`));
  }
  return [`${path}: ${typeof value}`];
}
