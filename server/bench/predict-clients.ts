/**
 * Prediction API clients in a process of their own (bench:load starts it), so their work does not
 * slow the process that times the annotators' broadcasts. Argument: a JSON object with url, key,
 * connections, seconds and texts; prints autocannon's result as JSON on stdout.
 */
import autocannon from 'autocannon';

const { url, key, connections, seconds, texts } = JSON.parse(process.argv[2]!) as { url: string; key: string; connections: number; seconds: number; texts: string[] };
let n = 0;
const result = await autocannon({
  url,
  connections,
  duration: seconds,
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  // Every request a different text, so the server's embedding cache does not answer for it.
  requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ inputs: [{ text: `${texts[n % texts.length]} (${(n++).toString(36)})` }] }) }) }],
});
process.stdout.write(JSON.stringify(result));
