import type { Rule } from '../../types.js';
import { describeMapping, OncePerPlace } from './util.js';

/**
 * A group that no binding names grants nothing today, but it is a loaded gun: whoever later creates
 * a binding for that name (perhaps for another team) hands its permissions to this identity too.
 * Only with `--manifests`, where the bindings are visible: in the access folder, `groups:` is the
 * escape hatch for bindings eks-access does not manage. `system:` and `eks:` groups are bound by the
 * platform.
 */
export const danglingGroup: Rule = {
  meta: {
    id: 'dangling-group',
    code: 'AUTH012',
    description: 'Disallow mapping identities into groups that no binding references',
    severity: 'info',
    risk: 'low',
    category: 'identity',
  },
  check(input, report, context) {
    if (input.mode !== 'manifests') return;
    const bound = new Set(input.bindings.flatMap((b) => b.subjects.filter((s) => s.kind === 'Group').map((s) => s.name)));
    const found = new OncePerPlace<{ group: string; whom: string }>();
    for (const m of input.identities) {
      for (const g of m.groups) {
        if (g.name.startsWith('system:') || g.name.startsWith('eks:') || bound.has(g.name)) continue;
        found.add(g.at, m.cluster, { group: g.name, whom: describeMapping(m) }, g.name);
      }
    }
    found.reportEach(
      report,
      context,
      (value) =>
        `${value.whom} is mapped into the group ${value.group}, which no RoleBinding or ClusterRoleBinding in the input names: it grants nothing here, and whoever later binds that name hands its permissions to this identity too. Remove the group, or add the binding it is meant for (ignore this if that binding lives elsewhere)`,
    );
  },
};
