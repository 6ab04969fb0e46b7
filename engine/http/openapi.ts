import { z } from 'zod';
import type { Access, RouteTable } from './route-table.ts';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (s: z.ZodType): JsonSchema => {
  // Requests are documented as the caller writes them (input side), minus the draft marker OpenAPI 3.1 does not want.
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

const responseSchema = (s: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } },
};

const SECURITY: Record<Exclude<Access, 'public'>, string> = {
  ingest: 'any API key (track or admin scope) or a session',
  builder: 'an admin API key or a session',
  admin: 'an admin API key or an admin user session',
};

/** OpenAPI 3.1 from the route table: the schemas that validate requests are the ones documented. */
export function openApiDocument(table: RouteTable, info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of table.routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const q = jsonSchema(r.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) params.push({ name, in: 'query', required: (q.required ?? []).includes(name), schema } as never);
    }
    const body = r.docBody ?? r.body;
    paths[path] ??= {};
    paths[path]![r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body) } } } } : {}),
      ...(r.access === 'public' ? { security: [] } : { security: [{ bearer: [] }, { session: [] }], 'x-access': SECURITY[r.access] }),
      responses: {
        [String(r.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: r.response ? responseSchema(r.response) : { type: 'object' } } } },
        '4XX': { description: "The caller's mistake; `field` names the offending input", content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Foresight API',
      version: info.version,
      description:
        'Tracking (identify, track, orders, batch), customers, journeys, segments and privacy. Errors are always `{ "error": { "code", "message", "field"? } }`. ' +
        'Authenticate with `Authorization: Bearer <API key>` or the builder session cookie; cookie requests that change state must send `X-CSRF-Token`.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API key: `track` scope for ingestion only, `admin` for everything' },
        session: { type: 'apiKey', in: 'cookie', name: 'foresight_session' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
