/**
 * What a flow read from a repository is checked against, shared by the fast path (./flow-file) and
 * the positioned one (./flow-positions): the options, the result, the rules (Kestra's, and
 * kestraform's own in ./templatefile) and the wording of a namespace that its place contradicts.
 */
import { checkFlow, type FlowViolation, type KestraMajor } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import { templatePlaceholders } from './templatefile';

export interface FlowCheckOptions {
  kestraMajor: KestraMajor;
  /** The namespace the flow must declare, when its place says (a Kestra layout's folder, a source's namespace). */
  expectedNamespace?: string;
  /** Why it must, and what to do otherwise (default: the namespace folder of Kestra's layout). */
  namespaceExpectation?: NamespaceExpectation;
}

export interface NamespaceExpectation {
  /** What the namespace must equal, e.g. `its folder "company.team"`. */
  because: string;
  hint: string;
}

export interface CheckedFlow {
  id?: string;
  namespace?: string;
  /** Offsets of the id and namespace values, for messages about them. */
  idLine?: number;
  namespaceLine?: number;
  diagnostics: Diagnostic[];
}

/** The flow as js-yaml read it, for placing its problems. */
export interface FastReading {
  violations: FlowViolation[];
  id?: string;
  namespace?: string;
  /** The namespace differs from the folder's. */
  mismatch: boolean;
}

/** The rules a flow read from a repository is held to: Kestra's, and kestraform's own. */
export function repositoryRules(root: unknown, text: string, opts: FlowCheckOptions): FlowViolation[] {
  const violations = checkFlow(root, { kestraMajor: opts.kestraMajor });
  for (const v of templatePlaceholders(root, text)) violations.push(v);
  return violations;
}

/** The mismatch of a flow's namespace with the one its place asks for, in words. */
export function namespaceMismatch(actual: string, opts: FlowCheckOptions): { message: string; hint: string } {
  const expected = opts.expectedNamespace!;
  const e = opts.namespaceExpectation ?? { because: `its folder "${expected}"`, hint: `move the file to ${actual}/flows/ or set \`namespace: ${expected}\`` };
  return { message: `namespace "${actual}" differs from ${e.because}`, hint: e.hint };
}
