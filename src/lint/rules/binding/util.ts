/**
 * Helpers of the binding rules: the bindings a person wrote (not the platform's defaults), and
 * the words findings use for them.
 */
import { compareStrings } from '../../../text.js';
import { placeKey, type Source } from '../../../diagnostics.js';
import type { BindingObject, Grant, Report, Risk, Rule, RuleContext, RuleMeta, Subject } from '../../types.js';

/**
 * Bindings the input defines; Kubernetes and EKS defaults (`builtin`) are not the user's to fix.
 * Asked by every binding rule: worked out once per lint run.
 */
export function customBindings(context: RuleContext): BindingObject[] {
  return context.once(customBindings, () => context.input.bindings.filter((b) => !b.builtin));
}

/** "ClusterRoleBinding ops" or "RoleBinding payments/ops". */
export function bindingName(b: Pick<BindingObject, 'kind' | 'name' | 'namespace'>): string {
  return `${b.kind} ${b.namespace !== undefined ? `${b.namespace}/` : ''}${b.name}`;
}

/** The `object` of a finding: `ClusterRoleBinding/ops`, `RoleBinding/payments/ops`. */
function bindingObject(b: Pick<BindingObject, 'kind' | 'name' | 'namespace'>): string {
  return `${b.kind}/${b.namespace !== undefined ? `${b.namespace}/` : ''}${b.name}`;
}

/** "Group devs", "User alice", "ServiceAccount ci/deployer". */
export function subjectName(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? ''}/${s.name}` : `${s.kind} ${s.name}`;
}

/** Who a binding is for: the employee in the access folder, else its subjects. */
export function whom(b: BindingObject): string {
  if (b.employee !== undefined) return `employee ${b.employee}`;
  return b.subjects.length > 0 ? b.subjects.map(subjectName).join(', ') : 'no subject';
}

/** "ClusterRole edit", "Role payments/reader". */
export function roleRefName(b: BindingObject): string {
  return b.roleRef.kind === 'Role' && b.namespace !== undefined ? `Role ${b.namespace}/${b.roleRef.name}` : `${b.roleRef.kind} ${b.roleRef.name}`;
}

/**
 * Bindings that one place in the input creates, together: in the access folder one grant line
 * makes a RoleBinding per namespace, which should be one finding, not one per namespace.
 */
export interface BindingGroup {
  first: BindingObject;
  bindings: BindingObject[];
  /** Namespaces of the RoleBindings, sorted; empty for a ClusterRoleBinding. */
  namespaces: string[];
}

export function groupBindings(bindings: readonly BindingObject[]): BindingGroup[] {
  const groups = new Map<string, BindingGroup>();
  // The namespaces of each group as a set: a grant line over thousands of namespaces is one group.
  const seen = new Map<string, Set<string>>();
  for (const b of bindings) {
    const key = [placeKey(b.at), b.cluster, b.kind, b.name, b.roleRef.kind, b.roleRef.name, b.employee ?? '', b.subjects.map(subjectName).join(',')].join('|');
    const g = groups.get(key);
    if (g) {
      g.bindings.push(b);
      const namespaces = seen.get(key)!;
      if (b.namespace !== undefined && !namespaces.has(b.namespace)) {
        namespaces.add(b.namespace);
        g.namespaces.push(b.namespace);
      }
    } else {
      groups.set(key, { first: b, bindings: [b], namespaces: b.namespace !== undefined ? [b.namespace] : [] });
      seen.set(key, new Set(b.namespace !== undefined ? [b.namespace] : []));
    }
  }
  for (const g of groups.values()) g.namespaces.sort(compareStrings);
  return [...groups.values()];
}

/** "in payments, web on prod", "cluster-wide on prod" (no cluster in manifests mode). */
export function scopeOf(g: BindingGroup): string {
  const on = g.first.cluster ? ` on ${g.first.cluster}` : '';
  return g.namespaces.length > 0 ? `in ${g.namespaces.join(', ')}${on}` : `cluster-wide${on}`;
}

/** Reports a finding about a binding (or a group of them), at the binding. */
export function reportBinding(report: (r: Report) => void, g: BindingGroup, message: string, risk?: Risk, misread = false): void {
  const b = g.first;
  report({
    message,
    at: b.at,
    ...(risk !== undefined && { risk }),
    ...(misread && { misread: true }),
    // Time-boxed when every binding of the group ends: the severity model reads it.
    ...(g.bindings.every((x) => x.expires !== undefined) && {
      expires: g.bindings
        .map((x) => x.expires!)
        .sort()
        .pop()!,
    }),
    ...(b.employee !== undefined && { employee: b.employee }),
    cluster: b.cluster,
    ...(g.namespaces.length === 1 && { namespace: g.namespaces[0]! }),
    ...(g.bindings.length === 1 && { object: bindingObject(b) }),
  });
}

/** Reports a finding about one subject of a binding, at the subject. */
function reportSubject(report: (r: Report) => void, b: BindingObject, s: BindingObject['subjects'][number], message: string, risk?: Risk): void {
  report({
    message,
    at: s.at,
    ...(risk !== undefined && { risk }),
    ...(b.employee !== undefined && { employee: b.employee }),
    cluster: b.cluster,
    ...(b.namespace !== undefined && { namespace: b.namespace }),
    ...(b.expires !== undefined && { expires: b.expires }),
    object: bindingObject(b),
  });
}

/**
 * A rule about whom bindings bind: it reports, at the subject, every subject of the bindings the
 * input defines (`customBindings`) for which `message` returns a message.
 */
export function subjectRule(meta: RuleMeta, message: (b: BindingObject, s: BindingObject['subjects'][number]) => string | undefined): Rule {
  return {
    meta,
    check(input, report, context) {
      for (const b of customBindings(context)) {
        for (const s of b.subjects) {
          const text = message(b, s);
          if (text !== undefined) reportSubject(report, b, s, text);
        }
      }
    },
  };
}

/** The first grant written at `at` (the same Source object) for `employee`, through an index built once per lint run. */
export function grantAt(context: RuleContext, at: Source, employee: string | undefined): Grant | undefined {
  const byPlace = context.once(grantAt, () => {
    const out = new Map<Source, Map<string | undefined, Grant>>();
    for (const g of context.input.grants) {
      let byEmployee = out.get(g.at);
      if (!byEmployee) out.set(g.at, (byEmployee = new Map()));
      if (!byEmployee.has(g.employee)) byEmployee.set(g.employee, g);
    }
    return out;
  });
  return byPlace.get(at)?.get(employee);
}
