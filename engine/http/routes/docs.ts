import { openApiDocument } from '../openapi.ts';
import type { RouteTable } from '../route-table.ts';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A readable page from the same OpenAPI document: one section per tag, each endpoint with its body schema. */
function page(doc: ReturnType<typeof openApiDocument>): string {
  const paths = doc.paths as Record<string, Record<string, { summary: string; tags: string[]; requestBody?: { content: Record<string, { schema: unknown }> }; 'x-access'?: string }>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = op.requestBody ? `<details><summary>request body</summary><pre>${escape(JSON.stringify(op.requestBody.content['application/json']!.schema, null, 2))}</pre></details>` : '';
      const html = `<section><h3><code>${method.toUpperCase()} ${escape(path)}</code></h3><p>${escape(op.summary)}</p><p class="auth">${escape(op['x-access'] ? `Needs ${op['x-access']}.` : 'Public.')}</p>${body}</section>`;
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const info = doc.info as { title: string; version: string; description: string };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}h3{margin:1.2rem 0 .2rem}pre{background:#f5f5f5;padding:.6rem;overflow:auto}.auth{color:#666;font-size:13px}</style></head>
<body><h1>${escape(info.title)} <small>${escape(info.version)}</small></h1><p>${escape(info.description)}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${[...byTag].map(([tag, items]) => `<h2>${escape(tag)}</h2>${items.join('\n')}`).join('\n')}</body></html>`;
}

export function docRoutes(t: RouteTable, version: string): void {
  // Built lazily: the document covers every route, including ones added after this call.
  const doc = () => openApiDocument(t, { version });
  t.add({ method: 'get', path: '/api/openapi.json', tag: 'docs', summary: 'This API as an OpenAPI 3.1 document', access: 'ingest', handler: () => doc() });
  t.add({
    method: 'get',
    path: '/api/docs',
    tag: 'docs',
    summary: 'This API as a readable page',
    access: 'ingest',
    handler: ({ res }) => {
      res.type('html').send(page(doc()));
      return undefined;
    },
  });
}
