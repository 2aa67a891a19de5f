import type { ToolName } from '../schema/steps';
import type { ToolSpec } from './llmTypes';

/** The tools an LLM step may offer (names fixed by the workflow format), with their argument schemas. */

export const CUSTOMER_STATUSES = ['active', 'at_risk', 'churned'] as const;

export const TOOL_SPECS: Record<ToolName, ToolSpec> = {
  customer_search: {
    name: 'customer_search',
    description: 'Look up customers in the local customers table, by id or by a name/email fragment.',
    parameters: {
      type: 'object',
      properties: {
        customerId: { type: 'string', description: 'Exact customer id, e.g. cus_002' },
        query: { type: 'string', description: 'Part of a name or email (case-insensitive)' },
      },
      additionalProperties: false,
    },
  },
  customer_update: {
    name: 'customer_update',
    description: "Set a customer's status in the local customers table.",
    parameters: {
      type: 'object',
      properties: {
        customerId: { type: 'string', description: 'Exact customer id, e.g. cus_002' },
        status: { type: 'string', enum: [...CUSTOMER_STATUSES] },
        note: { type: 'string', description: 'Why the status changes' },
      },
      required: ['customerId', 'status'],
      additionalProperties: false,
    },
  },
  table_query: {
    name: 'table_query',
    description: 'Read rows of a local table whose fields equal the given values.',
    parameters: {
      type: 'object',
      properties: {
        table: { type: 'string' },
        where: { type: 'object', additionalProperties: true, description: 'Field → exact value' },
        limit: { type: 'integer', minimum: 1, maximum: 500 },
      },
      required: ['table'],
      additionalProperties: false,
    },
  },
  table_update: {
    name: 'table_update',
    description: 'Change fields of the rows of a local table that match `where`.',
    parameters: {
      type: 'object',
      properties: {
        table: { type: 'string' },
        where: { type: 'object', additionalProperties: true },
        set: { type: 'object', additionalProperties: true },
      },
      required: ['table', 'where', 'set'],
      additionalProperties: false,
    },
  },
  http_request: {
    name: 'http_request',
    description: "Send an HTTP request to one of the workflow's allowed hosts.",
    parameters: {
      type: 'object',
      properties: {
        method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        url: { type: 'string', description: 'Full URL, https://host/path' },
        body: { description: 'JSON body' },
      },
      required: ['method', 'url'],
      additionalProperties: false,
    },
  },
};

/** Tools that change something: run under their effect key, exactly once. */
export const WRITE_TOOLS: ReadonlySet<ToolName> = new Set(['customer_update', 'table_update', 'http_request']);
