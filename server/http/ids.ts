import { z } from 'zod';

/**
 * A database row id or version number from the outside: a whole number within PostgreSQL's
 * `integer`, so a huge value is a 400 here instead of an out-of-range error (a 500) in SQL.
 */
export const RowId = z.number().int().min(1, 'ids are positive whole numbers').max(2_147_483_647, 'no such id');
/** The same, from a URL path or query string. */
export const RowIdParam = z.coerce.number().int().min(1, 'ids are positive whole numbers').max(2_147_483_647, 'no such id');
