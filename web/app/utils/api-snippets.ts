/** Copy-ready calls of the prediction API for one project, on the server the browser reached. */
export interface SnippetTarget {
  origin: string;
  projectId: number;
  dataType: 'text' | 'image';
}

export interface Snippet {
  id: 'curl' | 'typescript';
  title: string;
  code: string;
}

/** The environment variable the snippets read the key from, so it never lands in shell history or code. */
export const KEY_VARIABLE = 'SIFT_API_KEY';

export function predictUrl({ origin, projectId }: SnippetTarget, query = ''): string {
  return `${origin}/api/v1/projects/${projectId}/predict${query}`;
}

function curlSnippet(target: SnippetTarget): string {
  const head = [`curl -X POST "${predictUrl(target)}"`, `  -H "Authorization: Bearer $${KEY_VARIABLE}"`];
  if (target.dataType === 'image') return [...head, '  -F "file=@photo.jpg"', '  -F "file=@another.png"'].join(' \\\n');
  return [...head, '  -H "Content-Type: application/json"', `  -d '{"inputs": [{"text": "First text to label"}, {"text": "Second text"}]}'`].join(' \\\n');
}

function typescriptSnippet(target: SnippetTarget): string {
  const image = target.dataType === 'image';
  return [
    ...(image ? ["import { readFile } from 'node:fs/promises';", ''] : []),
    'interface Prediction {',
    '  label: string | null; // null when it abstained below ?threshold=',
    '  confidence: number;',
    '  probabilities: Record<string, number>;',
    '  abstained?: true;',
    '}',
    '',
    `export async function predict(${image ? 'paths: string[]' : 'texts: string[]'}): Promise<Prediction[]> {`,
    ...(image ? ["  const inputs = await Promise.all(paths.map(async (p) => ({ image: (await readFile(p)).toString('base64') })));"] : []),
    `  const res = await fetch('${predictUrl(target)}', {`,
    "    method: 'POST',",
    `    headers: { Authorization: \`Bearer \${process.env.${KEY_VARIABLE}}\`, 'Content-Type': 'application/json' },`,
    `    body: JSON.stringify({ inputs${image ? '' : ': texts.map((text) => ({ text }))'} }),`,
    '  });',
    '  if (!res.ok) {',
    '    const { error } = (await res.json()) as { error: { code: string; message: string } };',
    '    throw new Error(`prediction failed (${res.status} ${error.code}): ${error.message}`);',
    '  }',
    '  const body = (await res.json()) as { modelVersion: number; predictions: Prediction[] };',
    '  return body.predictions;',
    '}',
    '',
    image ? "console.log(await predict(['photo.jpg']));" : "console.log(await predict(['First text to label', 'Second text']));",
  ].join('\n');
}

/** curl and TypeScript (Node 18+ `fetch`) calls, with texts or images as the project takes. */
export function predictSnippets(target: SnippetTarget): Snippet[] {
  return [
    { id: 'curl', title: 'curl', code: curlSnippet(target) },
    { id: 'typescript', title: 'TypeScript', code: typescriptSnippet(target) },
  ];
}
