/** The usage report as text for a terminal and as Markdown for an issue or pull request. */
import { compareStrings, markdownText, printable } from '../text.js';
import type { GrantStatus, GrantUsage, Permission, UsageReport } from './usage.js';

const STATUS_ORDER: Record<GrantStatus, number> = { unused: 0, 'partly-used': 1, used: 2 };
const NO_TEAM = '(no team)';
/** How many permissions a line lists before it says how many more there are. */
const LIST_LIMIT = 8;

/** `get pods/log in payments`, `list deployments.apps`, `get /healthz`, `every verb on every resource of every API group`. */
function permissionText(p: Permission): string {
  const verb = p.verb === '*' ? 'every verb on' : p.verb;
  if (p.resource.startsWith('/')) return `${verb} ${p.resource === '/*' ? 'every non-resource URL' : p.resource}`;
  const resource =
    p.resource === '*'
      ? p.subresource !== undefined
        ? `the ${p.subresource} subresource of every resource`
        : 'every resource'
      : `${p.resource}${p.subresource !== undefined ? `/${p.subresource}` : ''}`;
  const group = p.group === '*' ? ' of every API group' : p.group === '' ? '' : p.resource === '*' ? ` of API group ${p.group}` : `.${p.group}`;
  return `${verb} ${resource}${group}${p.namespace !== undefined ? ` in ${p.namespace}` : ''}`;
}

function listText(list: readonly Permission[]): string {
  const shown = list.slice(0, LIST_LIMIT).map(permissionText).join(', ');
  return list.length > LIST_LIMIT ? `${shown} and ${list.length - LIST_LIMIT} more` : shown;
}

/** Kubernetes' and EKS's own components: usernames under `system:` and `eks:`. */
function isSystemUser(username: string): boolean {
  return username.startsWith('system:') || username.startsWith('eks:');
}

function byTeam(grants: readonly GrantUsage[]): [string, GrantUsage[]][] {
  const teams = new Map<string, GrantUsage[]>();
  for (const g of grants) {
    const team = g.team ?? NO_TEAM;
    const list = teams.get(team);
    if (list) list.push(g);
    else teams.set(team, [g]);
  }
  for (const list of teams.values())
    list.sort(
      (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || compareStrings(a.employee, b.employee) || compareStrings(a.file, b.file) || a.line - b.line,
    );
  return [...teams].sort(([a], [b]) => (a === NO_TEAM ? 1 : 0) - (b === NO_TEAM ? 1 : 0) || compareStrings(a, b));
}

function headline(r: UsageReport): string {
  const count = (s: GrantStatus) => r.grants.filter((g) => g.status === s).length;
  const denied = r.denied.reduce((n, d) => n + d.count, 0);
  return `${r.events} event(s); ${r.grants.length} grant(s): ${count('unused')} unused, ${count('partly-used')} partly used, ${count('used')} used; ${denied} denied request(s); ${r.unattributed.length} username(s) not in the access folder`;
}

export function renderUsageText(r: UsageReport): string {
  const out = [`usage on ${r.cluster} from ${r.since} to ${r.until}: ${headline(r)}`];
  for (const [team, grants] of byTeam(r.grants)) {
    out.push('', `team ${printable(team)}`);
    for (const g of grants) {
      out.push(`  ${g.status.padEnd(12)} ${printable(g.employee)}: ${printable(g.grant)}  ${printable(g.file)}:${g.line}`);
      if (g.used.length > 0) out.push(`      used (${g.requests} request(s)): ${printable(listText(g.used))}`);
      if (g.unused.length > 0) out.push(`      unused: ${printable(listText(g.unused))}`);
      out.push(`      ${printable(g.suggestion)}`);
    }
  }
  if (r.denied.length > 0) {
    out.push('', 'denied');
    for (const d of r.denied) out.push(`  ${printable(d.employee)}: ${printable(permissionText(d))} (${d.count})`);
  }
  if (r.unexplained?.length) {
    out.push('', 'allowed, but by no grant in the access folder');
    for (const d of r.unexplained) out.push(`  ${printable(d.employee)}: ${printable(permissionText(d))} (${d.count})`);
  }
  const people = r.unattributed.filter((u) => !isSystemUser(u.username));
  const system = r.unattributed.filter((u) => isSystemUser(u.username));
  if (people.length > 0) {
    out.push('', 'not in the access folder');
    for (const u of people) out.push(`  ${printable(u.username)} (${u.events} event(s))`);
  }
  if (system.length > 0) out.push('', `system components: ${system.length} username(s), ${system.reduce((n, u) => n + u.events, 0)} event(s)`);
  return out.join('\n') + '\n';
}

/** A table cell: inline Markdown, never a line break or a `|` that ends the cell. */
const cell = (text: string) => markdownText(text);

export function renderUsageMarkdown(r: UsageReport): string {
  const out = [`## EKS access usage on ${cell(r.cluster)}, ${r.since} to ${r.until}`, '', `${headline(r)}.`];
  for (const [team, grants] of byTeam(r.grants)) {
    out.push('', `### Team ${cell(team)}`, '', '| Status | Employee | Grant | Where | Used | Unused | Suggestion |', '|---|---|---|---|---|---|---|');
    for (const g of grants) {
      const used = g.used.length > 0 ? `${cell(listText(g.used))} (${g.requests} request(s))` : '';
      out.push(
        `| ${g.status} | ${cell(g.employee)} | ${cell(g.grant)} | ${cell(`${g.file}:${g.line}`)} | ${used} | ${cell(listText(g.unused))} | ${cell(g.suggestion)} |`,
      );
    }
  }
  const table = (title: string, rows: { employee: string; count: number }[] & Permission[]) => {
    out.push('', `### ${title}`, '', '| Employee | Request | Count |', '|---|---|---|');
    for (const d of rows) out.push(`| ${cell(d.employee)} | ${cell(permissionText(d))} | ${d.count} |`);
  };
  if (r.denied.length > 0) table('Denied requests', r.denied);
  if (r.unexplained?.length) table('Allowed, but by no grant in the access folder', r.unexplained);
  const people = r.unattributed.filter((u) => !isSystemUser(u.username));
  const system = r.unattributed.filter((u) => isSystemUser(u.username));
  if (people.length > 0) {
    out.push('', '### Usernames not in the access folder', '', '| Username | Events |', '|---|---|');
    for (const u of people) out.push(`| ${cell(u.username)} | ${u.events} |`);
  }
  if (system.length > 0)
    out.push('', `System components (\`system:\` and \`eks:\` usernames): ${system.length}, with ${system.reduce((n, u) => n + u.events, 0)} event(s).`);
  return out.join('\n') + '\n';
}
