import { describe, expect, it } from 'vitest';
import { isJsonFile, parseWorkflow, workflowFileName } from './workflowFile';

describe('workflow files', () => {
  it('names the download after the worker', () => {
    expect(workflowFileName('sales')).toBe('sales.json');
    expect(workflowFileName('My flow / 2')).toBe('My-flow-2.json');
    expect(workflowFileName('  ')).toBe('workflow.json');
  });

  it('reads a workflow document and refuses other JSON', () => {
    expect(parseWorkflow('{"schema_version": 1, "nodes": [], "edges": []}')).toEqual({ schema_version: 1, nodes: [], edges: [] });
    expect(parseWorkflow('{"rows": [1, 2]}')).toBeNull();
    expect(parseWorkflow('[1]')).toBeNull();
    expect(parseWorkflow('nope')).toBeNull();
  });

  it('knows a .json file', () => {
    expect(isJsonFile({ name: 'a.JSON', type: '' })).toBe(true);
    expect(isJsonFile({ name: 'a.csv', type: 'text/csv' })).toBe(false);
  });
});
