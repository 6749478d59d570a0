import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { openApiDocument } from '../../lambdas/handlers/api/openapi-document.js';

type Json = Record<string, unknown>;

/** The id the document is registered under in ajv; its schemas are compiled as `DOC_ID#/json/pointer`. */
const DOC_ID = 'urn:stmails:openapi';
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

export interface DocumentedOperation {
  method: string;
  path: string;
  operation: Json;
}

function pointer(...segments: string[]): string {
  return segments.map((s) => `/${encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath || '(root)';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)})`
      : e.keyword === 'enum'
        ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
        : '';
  return `  ${where} ${e.message ?? e.keyword}${extra} [${e.schemaPath}]`;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Validates requests and real responses against an OpenAPI 3.1 document with ajv (JSON Schema 2020-12,
 * strict, formats on). Every failure throws an Error that lists what did not match.
 */
export class OpenApiValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Json = openApiDocument()) {
    this.ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    // ajv-formats is CommonJS: under NodeNext its default import is the module, the plugin its `default`.
    formats.default(this.ajv);
    // The whole document as one schema resource, so `#/components/schemas/...` refs resolve inside it.
    // Its top-level OpenAPI fields become annotations; the schemas within are compiled (strictly) on use.
    for (const keyword of Object.keys(doc)) this.ajv.addKeyword({ keyword });
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
  }

  /** Every operation in the document, as `{method: 'GET', path: '/api/bounces', operation}`. */
  operations(): DocumentedOperation[] {
    const out: DocumentedOperation[] = [];
    for (const [path, item] of Object.entries((this.doc.paths ?? {}) as Record<string, Json>)) {
      for (const method of HTTP_METHODS) {
        const operation = item[method] as Json | undefined;
        if (operation) out.push({ method: method.toUpperCase(), path, operation });
      }
    }
    return out;
  }

  operation(method: string, path: string): Json {
    const op = (this.doc.paths as Record<string, Json> | undefined)?.[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${path} is not documented`);
    return op as Json;
  }

  /** Follows a local `$ref` (one level at a time) to the object and its JSON pointer. */
  private deref(node: Json, at: string): { node: Json; at: string } {
    let current = node;
    let where = at;
    for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
      const ref = current.$ref as string;
      if (!ref.startsWith('#/')) throw new Error(`${where}: only local $refs are supported (${ref})`);
      const parts = ref
        .slice(2)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      let target: unknown = this.doc;
      for (const p of parts) target = (target as Json | undefined)?.[p];
      if (!target || typeof target !== 'object') throw new Error(`${where}: $ref ${ref} resolves to nothing`);
      current = target as Json;
      where = pointer(...parts);
    }
    return { node: current, at: where };
  }

  private validator(schemaPointer: string): ValidateFunction {
    const cached = this.compiled.get(schemaPointer);
    if (cached) return cached;
    const validate = this.ajv.compile({ $ref: `${DOC_ID}#${schemaPointer}` });
    this.compiled.set(schemaPointer, validate);
    return validate;
  }

  private check(schemaPointer: string, value: unknown, what: string): void {
    const validate = this.validator(schemaPointer);
    if (!validate(value)) {
      const lines = (validate.errors ?? []).map(describeError);
      throw new Error(
        `${what} does not match the OpenAPI document:\n${lines.join('\n')}\nvalue: ${JSON.stringify(value)?.slice(0, 2000)}`,
      );
    }
  }

  private response(method: string, path: string, status: number): { node: Json; at: string } {
    const responses = this.operation(method, path).responses as Json | undefined;
    const entry = responses?.[String(status)] as Json | undefined;
    if (!entry) {
      const documented = Object.keys(responses ?? {}).join(', ');
      throw new Error(
        `${method} ${path} answered ${status}, which is not documented (documented: ${documented})`,
      );
    }
    return this.deref(entry, pointer('paths', path, method.toLowerCase(), 'responses', String(status)));
  }

  /** Checks a real response's status, content type and body against the operation's documented response. */
  validateResponse(
    method: string,
    path: string,
    status: number,
    contentType: string | undefined,
    body: unknown,
  ) {
    const { node, at } = this.response(method, path, status);
    const type = mediaType(contentType);
    const content = (node.content ?? {}) as Json;
    if (!content[type]) {
      const documented = Object.keys(content).join(', ') || 'none';
      throw new Error(
        `${method} ${path} ${status} answered Content-Type ${JSON.stringify(contentType)}, not documented (documented: ${documented})`,
      );
    }
    this.check(
      `${at}${pointer('content', type, 'schema')}`,
      body,
      `${method} ${path} ${status} ${type} body`,
    );
  }

  /** Checks a real response's headers: every documented required header present, every present one valid. */
  validateResponseHeaders(method: string, path: string, status: number, headers: Record<string, string>) {
    const { node, at } = this.response(method, path, status);
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    for (const [name, raw] of Object.entries((node.headers ?? {}) as Record<string, Json>)) {
      const header = this.deref(raw, `${at}${pointer('headers', name)}`);
      const value = lower.get(name.toLowerCase());
      if (value === undefined) {
        if (header.node.required === true)
          throw new Error(`${method} ${path} ${status}: required header ${name} is missing`);
        continue;
      }
      this.check(`${header.at}${pointer('schema')}`, value, `${method} ${path} ${status} header ${name}`);
    }
  }

  /** Checks a request body against the operation's documented request body. */
  validateRequest(method: string, path: string, contentType: string, body: unknown) {
    const op = this.operation(method, path);
    if (!op.requestBody) throw new Error(`${method} ${path} documents no request body`);
    const { node, at } = this.deref(
      op.requestBody as Json,
      pointer('paths', path, method.toLowerCase(), 'requestBody'),
    );
    const type = mediaType(contentType);
    if (!(node.content as Json | undefined)?.[type])
      throw new Error(`${method} ${path} documents no request body of type ${type}`);
    this.check(`${at}${pointer('content', type, 'schema')}`, body, `${method} ${path} request body`);
  }

  /** Compiles `#/components/schemas/{name}`: ajv's strict mode refuses unknown keywords and bad types. */
  validateSchemaByName(name: string): ValidateFunction {
    return this.validator(pointer('components', 'schemas', name));
  }

  /** The schema of a documented parameter, resolved, for checks of the parameter list itself. */
  parameters(method: string, path: string): Json[] {
    const op = this.operation(method, path);
    return ((op.parameters ?? []) as Json[]).map(
      (p, i) => this.deref(p, pointer('paths', path, method.toLowerCase(), 'parameters', String(i))).node,
    );
  }
}

let shared: OpenApiValidator | undefined;

/** The served document's validator (one per test file). */
export function openApiValidator(): OpenApiValidator {
  shared ??= new OpenApiValidator();
  return shared;
}

/** Throws, listing ajv's errors, unless the response matches the served document for this operation. */
export function validateResponse(
  method: string,
  path: string,
  status: number,
  contentType: string | undefined,
  body: unknown,
): void {
  openApiValidator().validateResponse(method, path, status, contentType, body);
}
