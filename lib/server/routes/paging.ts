/** Paged searches: `page` from 1, `size`, and PHP-style `filters[namespace][EQUALS|PREFIX]=`. */
import { badRequest } from '../errors';

export function pageOf<T>(query: URLSearchParams, rows: T[]): { results: T[]; total: number } {
  const page = Number(query.get('page') ?? '1');
  const size = Number(query.get('size') ?? '10');
  if (!Number.isInteger(page) || page < 1) throw badRequest(`page must be a whole number from 1, not ${query.get('page')}`);
  if (!Number.isInteger(size) || size < 1) throw badRequest(`size must be a positive whole number, not ${query.get('size')}`);
  return { results: rows.slice((page - 1) * size, page * size), total: rows.length };
}

export function namespaceFilter(query: URLSearchParams): (ns: string) => boolean {
  const eq = query.get('filters[namespace][EQUALS]') ?? query.get('filters[namespace][EQ]');
  const prefix = query.get('filters[namespace][PREFIX]') ?? query.get('filters[namespace][STARTS_WITH]');
  if (eq !== null) return (ns) => ns === eq;
  if (prefix !== null) return (ns) => ns === prefix || ns.startsWith(prefix + '.');
  return () => true;
}
