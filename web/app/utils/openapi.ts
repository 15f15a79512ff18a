import type { OpenApiDocument, OperationObject, SchemaObject } from '#server/predict/openapi.ts';

export type { OpenApiDocument, OperationObject, SchemaObject };

/** One row of a field table: `inputs[].text`, its type, whether it must be sent, and its rules. */
export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  /** For a field of one alternative of a `oneOf`: which one (it is required only there). */
  alternative?: string;
  description: string;
  rules: string[];
}

/** One operation of the document, with where it lives. */
export interface OperationEntry {
  method: string;
  path: string;
  operation: OperationObject;
}

/** Follows a local `$ref` (`#/components/schemas/X`); anything else comes back unchanged. */
export function resolveSchema(doc: OpenApiDocument, schema: SchemaObject): SchemaObject {
  const name = schema.$ref?.replace('#/components/schemas/', '');
  return name !== undefined && doc.components.schemas[name] ? doc.components.schemas[name] : schema;
}

/** "string", "integer", "string or null", "array of objects", "TextInput or ImageInput". */
export function typeName(doc: OpenApiDocument, schema: SchemaObject): string {
  if (schema.$ref) return schema.$ref.replace('#/components/schemas/', '');
  if (schema.oneOf) return schema.oneOf.map((s) => typeName(doc, s)).join(' or ');
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (schema.type === 'array' && schema.items) return `array of ${typeName(doc, schema.items)}`;
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    return `map of label → ${typeName(doc, schema.additionalProperties)}`;
  }
  if (schema.format === 'binary') return 'file';
  return schema.type ?? 'any';
}

/** The limits of a schema in words: "1–64 items", "at most 20,000 characters", "0 to 1", "base64". */
export function rulesOf(schema: SchemaObject): string[] {
  const n = (x: number) => x.toLocaleString('en');
  const rules: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) rules.push(`${n(min)}–${n(max)}${unit}`);
    else if (max !== undefined) rules.push(`at most ${n(max)}${unit}`);
    else if (min !== undefined) rules.push(`at least ${n(min)}${unit}`);
  };
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.minLength === 1 && schema.maxLength === undefined) rules.push('not empty');
  else range(schema.minLength, schema.maxLength, ' characters');
  if (schema.minimum !== undefined && schema.maximum !== undefined) rules.push(`${n(schema.minimum)} to ${n(schema.maximum)}`);
  else if (schema.minimum !== undefined) rules.push(`≥ ${n(schema.minimum)}`);
  if (schema.const !== undefined) rules.push(`always ${JSON.stringify(schema.const)}`);
  if (schema.enum) rules.push(`one of ${schema.enum.join(', ')}`);
  if (schema.contentEncoding) rules.push(schema.contentEncoding);
  if (schema.contentMediaType) rules.push(schema.contentMediaType);
  return rules;
}

/**
 * The fields of an object schema as flat rows, nested objects and arrays of objects spelled as
 * `error.code` and `inputs[].text`. Alternatives (`oneOf`) are listed one after the other.
 */
export function fieldRows(doc: OpenApiDocument, schema: SchemaObject, prefix = '', depth = 0): FieldRow[] {
  const resolved = resolveSchema(doc, schema);
  if (depth > 4) return [];
  if (resolved.oneOf) {
    return resolved.oneOf.flatMap((s) => fieldRows(doc, s, prefix, depth + 1).map((row) => ({ ...row, alternative: row.alternative ?? typeName(doc, s) })));
  }
  if (resolved.type === 'array' && resolved.items) return fieldRows(doc, resolved.items, `${prefix}[]`, depth + 1);
  const rows: FieldRow[] = [];
  for (const [name, child] of Object.entries(resolved.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const inner = resolveSchema(doc, child);
    rows.push({ path, type: typeName(doc, child), required: resolved.required?.includes(name) ?? false, description: inner.description ?? '', rules: rulesOf(inner) });
    const item = inner.type === 'array' && inner.items ? resolveSchema(doc, inner.items) : undefined;
    if (inner.properties || item?.properties || item?.oneOf) rows.push(...fieldRows(doc, inner, path, depth + 1));
  }
  return rows;
}

/** Every operation, in document order. */
export function operationsOf(doc: OpenApiDocument): OperationEntry[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, operation]) => (operation ? [{ method: method.toUpperCase(), path, operation }] : [])),
  );
}

/** Loose shape check for what the loader fetched: enough to render, not a validator. */
export function isOpenApiDocument(value: unknown): value is OpenApiDocument {
  const doc = value as Partial<OpenApiDocument> | null;
  return typeof doc === 'object' && doc !== null && typeof doc.openapi === 'string' && typeof doc.paths === 'object' && typeof doc.components?.schemas === 'object';
}
