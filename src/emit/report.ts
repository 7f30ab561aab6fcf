import { identityMappings, peopleOn } from '../model/resolve.js';
import type { AccessModel, Cluster, Employee, Grant, PolicyRule } from '../model/types.js';
import { codeSpan, compareStrings, markdownText } from '../text.js';
import { earliest } from './common.js';
import { bundleForCluster, userInfoFor } from '../rbac/access-bundle.js';
import { bindingAppliesIn, policyAppliesIn, policyHolds, rulesAllow, rulesOf, subjectMatches, type Bundle, type UserInfo } from '../rbac/engine.js';
import type { GraphBinding, GraphPolicy } from '../rbac/graph.js';
import type { ResourceRequest } from '../rbac/match.js';

/** The questions reviewers ask first, answered by the RBAC engine for every person. */
const CAPABILITIES: { title: string; requests: ResourceRequest[] }[] = [
  {
    title: 'read Secrets',
    requests: [
      { verb: 'get', group: '', resource: 'secrets' },
      { verb: 'list', group: '', resource: 'secrets' },
    ],
  },
  { title: 'exec into pods', requests: [{ verb: 'create', group: '', resource: 'pods', subresource: 'exec' }] },
  {
    title: 'change workloads',
    requests: [
      { verb: 'patch', group: 'apps', resource: 'deployments' },
      { verb: 'create', group: '', resource: 'pods' },
    ],
  },
  { title: 'change RBAC', requests: [{ verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' }] },
  { title: 'everything', requests: [{ verb: '*', group: '*', resource: '*' }] },
];

/**
 * Which capabilities a list of rules allows, one bit per entry of CAPABILITIES. Whether a rule allows a
 * request does not depend on the namespace, so this is asked of the engine once per distinct list of
 * rules on a cluster (the same ClusterRole is bound by many people) and kept.
 */
function capabilityMasks(): (rules: readonly PolicyRule[]) => number {
  const byList = new Map<readonly PolicyRule[], number>();
  // Each person's own Role has its own list, often the same rules as someone else's: also kept by content.
  const byContent = new Map<string, number>();
  return (rules) => {
    let mask = byList.get(rules);
    if (mask === undefined) {
      const content = JSON.stringify(rules);
      mask = byContent.get(content);
      if (mask === undefined) {
        mask = 0;
        for (let i = 0; i < CAPABILITIES.length; i++) if (CAPABILITIES[i]!.requests.some((r) => rulesAllow(rules, r))) mask |= 1 << i;
        byContent.set(content, mask);
      }
      byList.set(rules, mask);
    }
    return mask;
  };
}

/**
 * One cell per capability: "all namespaces" when a request of it is allowed cluster-wide, else the
 * namespaces (of `namespaces`) where one is. The same decisions as `authorize` over the person's
 * bindings and policies: each applies where the engine says, and allows what its rules allow.
 */
function capabilityCells(
  bundle: Bundle,
  who: UserInfo,
  bindings: readonly GraphBinding[],
  policies: readonly GraphPolicy[],
  namespaces: readonly string[],
  masks: (rules: readonly PolicyRule[]) => number,
): string[] {
  // What each binding and policy of the person allows is found once; what applies cluster-wide goes
  // into `everywhere`, the rest is kept to ask namespace by namespace.
  let everywhere = 0;
  const scopedBindings: { binding: GraphBinding; mask: number }[] = [];
  const scopedPolicies: { policy: GraphPolicy; mask: number }[] = [];
  for (const b of bindings) {
    if (!b.subjects.some((s) => subjectMatches(s, who, b.namespace))) continue;
    const mask = masks(rulesOf(bundle, b));
    if (mask === 0) continue;
    if (bindingAppliesIn(b, undefined)) everywhere |= mask;
    else scopedBindings.push({ binding: b, mask });
  }
  for (const p of policies) {
    if (!policyHolds(p, who)) continue;
    const mask = masks(p.rules);
    if (mask === 0) continue;
    if (policyAppliesIn(p, undefined)) everywhere |= mask;
    else scopedPolicies.push({ policy: p, mask });
  }
  // Whatever applies cluster-wide also applies in each namespace, but those capabilities already read "all namespaces".
  // A scoped binding is a RoleBinding, applying in its own namespace only; a scoped policy applies in
  // the namespaces it names, a trailing * matching a prefix: kept by namespace, so that each namespace
  // costs a lookup, not a pass over the person's bindings (thousands when a grant names thousands).
  const byNamespace = new Map<string, number>();
  const add = (ns: string, mask: number) => byNamespace.set(ns, (byNamespace.get(ns) ?? 0) | mask);
  const prefixes: { prefix: string; mask: number }[] = [];
  for (const h of scopedBindings) add(h.binding.namespace!, h.mask);
  for (const a of scopedPolicies) {
    for (const n of a.policy.namespaces!) {
      if (n.endsWith('*')) prefixes.push({ prefix: n.slice(0, -1), mask: a.mask });
      else add(n, a.mask);
    }
  }
  const inNamespace = namespaces.map((ns) => {
    let mask = byNamespace.get(ns) ?? 0;
    for (const p of prefixes) if (ns.startsWith(p.prefix)) mask |= p.mask;
    return mask;
  });
  return CAPABILITIES.map((_, i) => {
    const bit = 1 << i;
    if (everywhere & bit) return 'all namespaces';
    const where = namespaces.filter((_, n) => inNamespace[n]! & bit);
    return where.length === 0 ? '—' : where.map(md).join(', ');
  });
}

const MODE: Record<Cluster['authentication'], string> = {
  'aws-auth': 'aws-auth ConfigMap',
  'access-entries': 'access entries',
  both: 'access entries and aws-auth',
};

/**
 * A value of the access files in a table cell: escaped (markdownText), so that no pipe, line break,
 * HTML comment, link or mention leaves it; `code`: in a code span.
 */
const md = markdownText;
const code = (text: string) => codeSpan(text, { cell: true });

function describeRules(rules: readonly PolicyRule[]): string {
  return rules
    .map((r) => {
      const what = r.nonResourceURLs
        ? r.nonResourceURLs.map(md).join(', ')
        : (r.resources ?? [])
            .map((res) => {
              const groups = (r.apiGroups ?? []).filter((g) => g !== '');
              return md(groups.length > 0 ? `${res}.${groups.join('/')}` : res);
            })
            .join(', ');
      const names = r.resourceNames ? ` named ${r.resourceNames.map(md).join(', ')}` : '';
      return `${r.verbs.map(md).join(', ')} ${what}${names}`;
    })
    .join('; ');
}

/** What a grant gives and where, in Markdown (the values escaped). */
function describeGrant(model: AccessModel, g: Grant): { what: string; where: string } {
  switch (g.kind) {
    case 'level':
      return { what: g.level === 'admin' ? '**cluster-admin** (level admin)' : 'view (level read-only)', where: 'whole cluster' };
    case 'profile': {
      const p = model.profiles.get(g.profile);
      const what = `profile ${code(g.profile)}${p?.builtin ? ' (built-in)' : ''}`;
      return { what, where: g.scope === 'cluster' ? 'whole cluster' : g.namespaces.map(md).join(', ') };
    }
    case 'rules':
      return { what: `rules: ${describeRules(g.rules)}`, where: g.namespaces.map(md).join(', ') };
    case 'groups':
      return { what: `groups: ${g.groups.map(code).join(', ')}`, where: 'wherever the groups are bound' };
    case 'accessPolicy':
      return { what: `EKS access policy ${md(g.accessPolicy)}`, where: g.namespaces ? g.namespaces.map(md).join(', ') : 'whole cluster' };
  }
}

/** How a person signs in, in Markdown (the values escaped). */
function identityText(e: Employee): string {
  switch (e.identity.kind) {
    case 'iamUser':
      return `IAM user ${md(e.identity.userName)} (created here)`;
    case 'iamUserArn':
      return `IAM user ${md(e.identity.arn)}`;
    case 'role':
      return `role ${md(e.identity.arn.replace(/^.*\//, ''))} as ${md(e.identity.sessionName)}`;
  }
}

/** The Markdown access report: per cluster, who can do what, where and until when. */
export function emitReport(model: AccessModel): string {
  const lines = ['# Access report', '', 'Generated by eks-access from the access files; do not edit. Each row is one grant.', ''];
  const clusters = [...model.clusters.values()].sort((a, b) => compareStrings(a.name, b.name));
  // The first three cells of a person's rows, the same on every cluster.
  const whoCells = new Map<Employee, string>();
  const whoCellsOf = (e: Employee) => {
    let text = whoCells.get(e);
    if (text === undefined) whoCells.set(e, (text = `| ${md(e.name)} | ${code(e.kubernetesUser)} | ${identityText(e)} |`));
    return text;
  };
  for (const c of clusters) {
    const { byName: people, grantsByName } = peopleOn(model, c);
    lines.push(
      `## ${md(c.name)}`,
      '',
      `Account ${md(c.accountId)}, ${md(c.region)}, authentication through ${MODE[c.authentication]}. ${people.length} ${people.length === 1 ? 'person' : 'people'}.`,
      '',
    );
    if (people.length === 0) {
      lines.push('Nobody has access through eks-access.', '');
      continue;
    }
    lines.push('| employee | Kubernetes user | signs in as | access | where | expires | reason |', '|---|---|---|---|---|---|---|');
    for (const [i, e] of people.entries()) {
      for (const g of grantsByName[i]!) {
        const { what, where } = describeGrant(model, g);
        const expires = earliest([g.expires, e.expires]) ?? 'never';
        const reason = g.reason ?? e.reason ?? '';
        lines.push(`${whoCellsOf(e)} ${what} | ${where} | ${md(expires)} | ${md(reason)} |`);
      }
    }
    lines.push('');
    // The same answers as `eks-access can-i`, from the objects generate writes and the access policies.
    const bundle = bundleForCluster(model, c);
    const byUser = new Map<string, GraphBinding[]>();
    for (const b of bundle.bindings) for (const s of b.subjects) if (s.kind === 'User') append(byUser, s.name, b);
    const policiesByUser = new Map<string, GraphPolicy[]>();
    for (const p of bundle.policies) if (p.user !== undefined) append(policiesByUser, p.user, p);
    const masks = capabilityMasks();
    lines.push('What each person can do (answered like `eks-access can-i`; groups bound outside eks-access not included):', '');
    lines.push(`| employee | ${CAPABILITIES.map((cap) => cap.title).join(' | ')} |`, `|---|${CAPABILITIES.map(() => '---').join('|')}|`);
    const mappings = identityMappings(model, c);
    // The cluster's namespaces that some grant of a person names, in the cluster's order: marked by
    // position, then read back in order (a namespace listed twice in the cluster counts at each place).
    const positions = new Map<string, number[]>();
    c.namespaces.forEach((ns, i) => append(positions, ns, i));
    const marked = new Uint8Array(c.namespaces.length);
    const grantedNamespaces = (grants: readonly Grant[]): string[] => {
      let first = c.namespaces.length;
      let last = -1;
      for (const g of grants) {
        if (!('namespaces' in g) || !g.namespaces) continue;
        for (const ns of g.namespaces) {
          for (const i of positions.get(ns) ?? NONE) {
            marked[i] = 1;
            if (i < first) first = i;
            if (i > last) last = i;
          }
        }
      }
      const out: string[] = [];
      for (let i = first; i <= last; i++) {
        if (marked[i]) out.push(c.namespaces[i]!);
        marked[i] = 0;
      }
      return out;
    };
    for (const [i, e] of people.entries()) {
      const who = userInfoFor(model, c, e, mappings);
      if (who.groups.includes('system:masters')) {
        lines.push(`| ${md(e.name)} | ${CAPABILITIES.map(() => 'all namespaces (system:masters)').join(' | ')} |`);
        continue;
      }
      const namespaces = grantedNamespaces(grantsByName[i]!);
      const cells = capabilityCells(bundle, who, byUser.get(e.kubernetesUser) ?? [], policiesByUser.get(e.kubernetesUser) ?? [], namespaces, masks);
      lines.push(`| ${md(e.name)} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const NONE: readonly number[] = [];

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
