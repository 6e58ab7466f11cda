/**
 * Diagnostics are data: a stable code (tests and the UI key on it), a severity, one readable
 * sentence, and where: node, port, parameter field or edge.
 */
export type DiagnosticCode =
  | 'unknown-node-type'
  | 'invalid-param'
  | 'duplicate-id'
  | 'dangling-edge'
  | 'unknown-port'
  | 'port-occupied'
  | 'too-few-inputs'
  | 'missing-input'
  | 'cycle'
  | 'unreachable-node'
  | 'no-input'
  | 'no-loss'
  | 'multiple-losses'
  | 'multiple-inputs'
  | 'shape-mismatch'
  | 'softmax-missing'
  | 'too-many-parameters'
  | 'too-much-memory';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  nodeId?: string;
  port?: string;
  field?: string;
  edgeId?: string;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** `node "dense1", field units: units must be at most 16384`: for logs and the CLI. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [
    d.nodeId !== undefined ? `node "${d.nodeId}"` : undefined,
    d.port !== undefined ? `port "${d.port}"` : undefined,
    d.field !== undefined ? `field "${d.field}"` : undefined,
    d.edgeId !== undefined ? `edge "${d.edgeId}"` : undefined,
  ].filter(Boolean);
  return `${d.severity}${where.length ? ` (${where.join(', ')})` : ''}: ${d.message} [${d.code}]`;
}
