import { titleCase } from './descriptor.js';
import type { ApiType } from './org-data.js';

/**
 * A small but valid inline API definition of the given type, so API pages have
 * something real to render.
 *
 * @example
 * apiDefinition({ name: 'playback-api', type: 'openapi', resource: 'sessions', description: '...' });
 */
export function apiDefinition(api: { name: string; type: ApiType; resource: string; description: string }): string {
  const title = titleCase(api.name).replace(/\bApi\b/, 'API');
  if (api.type === 'openapi') {
    return [
      'openapi: 3.0.3',
      'info:',
      `  title: ${title}`,
      '  version: 1.0.0',
      `  description: ${api.description}`,
      'paths:',
      `  /${api.resource}:`,
      '    get:',
      `      summary: List ${api.resource}`,
      '      responses:',
      "        '200':",
      '          description: A page of results.',
      `  /${api.resource}/{id}:`,
      '    get:',
      `      summary: Get one of ${api.resource} by id`,
      '      parameters:',
      '        - { name: id, in: path, required: true, schema: { type: string } }',
      '      responses:',
      "        '200':",
      '          description: Found.',
      "        '404':",
      '          description: Not found.',
      '',
    ].join('\n');
  }
  if (api.type === 'grpc') {
    const service = api.resource;
    return [
      'syntax = "proto3";',
      '',
      `package cadence.${api.name.replace(/-/g, '_')}.v1;`,
      '',
      `// ${api.description}`,
      `service ${service}Service {`,
      `  rpc Get${service} (Get${service}Request) returns (Get${service}Response);`,
      '}',
      '',
      `message Get${service}Request {`,
      '  string user_id = 1;',
      '  int32 limit = 2;',
      '}',
      '',
      `message Get${service}Response {`,
      '  repeated string ids = 1;',
      '}',
      '',
    ].join('\n');
  }
  return [
    'asyncapi: 2.6.0',
    'info:',
    `  title: ${title}`,
    '  version: 1.0.0',
    `  description: ${api.description}`,
    'channels:',
    `  ${api.resource}.v1:`,
    '    subscribe:',
    '      message:',
    '        payload:',
    '          type: object',
    '          properties:',
    '            userId: { type: string }',
    '            trackId: { type: string }',
    '            occurredAt: { type: string, format: date-time }',
    '',
  ].join('\n');
}
