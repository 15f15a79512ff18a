import { fieldRows, resolveSchema, rulesOf, typeName, type OpenApiDocument, type OperationEntry } from '../utils/openapi.ts';
import { ApiFieldTable } from './api-field-table.tsx';
import { CodeBlock } from './code-block.tsx';
import { Described } from './described.tsx';

const reasons: Record<string, string> = {
  '200': 'OK',
  '400': 'Bad Request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not Found',
  '409': 'Conflict',
  '413': 'Content Too Large',
  '429': 'Too Many Requests',
  '500': 'Internal Server Error',
  '503': 'Service Unavailable',
};

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** One endpoint of the reference: parameters, request bodies, the answer, and every error. */
export function ApiOperation({ doc, entry, baseUrl }: { doc: OpenApiDocument; entry: OperationEntry; baseUrl: string }) {
  const { operation } = entry;
  const body = operation.requestBody;
  const responses = Object.entries(operation.responses);
  const successes = responses.filter(([status]) => Number(status) < 400);
  const errors = responses.filter(([status]) => Number(status) >= 400);
  const errorSchema = errors[0]?.[1].content?.['application/json']?.schema;
  return (
    <section className="panel api-op" aria-labelledby={`op-${operation.operationId}`} data-testid={`operation-${operation.operationId}`}>
      <h2 id={`op-${operation.operationId}`} className="api-op__title">
        <span className="api-op__method">{entry.method}</span>
        <code className="api-op__path">
          {baseUrl}
          {entry.path}
        </code>
      </h2>
      <p>
        <strong>{operation.summary}.</strong> <Described text={operation.description} />
      </p>

      <h3>Parameters</h3>
      <div className="table-wrap">
        <table className="table api-fields">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">In</th>
              <th scope="col">Type</th>
              <th scope="col">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {operation.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td>
                  <code className="api-fields__name">{p.name}</code>
                  {p.required ? <span className="api-fields__required">required</span> : null}
                </td>
                <td>{p.in}</td>
                <td className="api-fields__type">
                  {typeName(doc, p.schema)}
                  {rulesOf(p.schema).length > 0 ? <span className="table__sub">{rulesOf(p.schema).join(' · ')}</span> : null}
                </td>
                <td>
                  <Described text={p.description} />
                  {p.example !== undefined ? <span className="table__sub">Example: {String(p.example)}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {body ? (
        <>
          <h3>Request body</h3>
          <p>
            <Described text={body.description} />
          </p>
          {Object.entries(body.content).map(([type, media]) => (
            <div key={type} className="api-op__media">
              <h4>
                <code>{type}</code>
              </h4>
              {resolveSchema(doc, media.schema).description ? (
                <p className="muted">
                  <Described text={resolveSchema(doc, media.schema).description} />
                </p>
              ) : null}
              <ApiFieldTable rows={fieldRows(doc, media.schema)} caption={`Fields of a ${type} request`} />
              {Object.entries(media.examples ?? {}).map(([name, example]) => (
                <div key={name}>
                  <p className="api-op__example-title">Example: {example.summary}</p>
                  <CodeBlock code={json(example.value)} label={`${example.summary} example`} />
                </div>
              ))}
            </div>
          ))}
        </>
      ) : null}

      {successes.map(([status, response]) => {
        const media = response.content?.['application/json'];
        return (
          <div key={status}>
            <h3>
              Response <span className="badge">{`${status} ${reasons[status] ?? ''}`}</span>
            </h3>
            <p>
              <Described text={response.description} />
            </p>
            {media ? <ApiFieldTable rows={fieldRows(doc, media.schema)} caption="Fields of the response" /> : null}
            {Object.values(media?.examples ?? {}).map((example) => (
              <CodeBlock key={example.summary} code={json(example.value)} label={`${example.summary} response`} />
            ))}
          </div>
        );
      })}

      {errors.length > 0 ? (
        <>
          <h3>Errors</h3>
          <p>Every error has the same body; branch on its code, not on the message.</p>
          {errorSchema ? <ApiFieldTable rows={fieldRows(doc, errorSchema)} caption="Fields of an error" /> : null}
          <h4>By status</h4>
          <div className="table-wrap">
            <table className="table api-errors" data-testid="api-errors">
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Code</th>
                  <th scope="col">When</th>
                  <th scope="col">Example message</th>
                </tr>
              </thead>
              <tbody>
                {errors.map(([status, response]) => {
                  const example = Object.values(response.content?.['application/json']?.examples ?? {})[0]?.value as { error?: { code?: string; message?: string } } | undefined;
                  return (
                    <tr key={status}>
                      <td className="nowrap">
                        <strong>{status}</strong> <span className="muted">{reasons[status]}</span>
                      </td>
                      <td className="nowrap">
                        <code>{example?.error?.code}</code>
                      </td>
                      <td>
                        <Described text={response.description} />
                        {response.headers ? <span className="table__sub">Headers: {Object.keys(response.headers).join(', ')}</span> : null}
                      </td>
                      <td className="api-errors__message">{example?.error?.message}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
