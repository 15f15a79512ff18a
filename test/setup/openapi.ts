/** The `$ref`s of an OpenAPI document that name no schema in its components (should be none). */
export function unresolvedRefs(doc: { components: { schemas: Record<string, unknown> } }): string[] {
  return refsIn(doc).filter((ref) => doc.components.schemas[ref.replace('#/components/schemas/', '')] === undefined);
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
  return [];
}
