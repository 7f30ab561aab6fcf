/**
 * The pure half of `eks-access drift`: generated objects against the objects read from a cluster, as
 * a drift report. No I/O here; the fetching layer (fetch.ts) hands in plain objects.
 *
 * Before comparing, both sides lose what the API server (or the tool applying the folder) sets by
 * itself: uid, resourceVersion, creationTimestamp, managedFields, generation, selfLink, deletion
 * fields, status, the kubectl last-applied annotation and the tracking labels/annotations Argo CD and
 * Flux add, and the rules of aggregated ClusterRoles (the controller fills those in). Empty lists and
 * maps equal absent ones (the API server drops them).
 */
import { createTwoFilesPatch } from 'diff';
import { toYaml } from '../emit/serialize.js';
import { compareStrings } from '../text.js';
import { effectiveEntries, mappingKey, readAwsAuth, type AwsAuthSection } from '../rbac/aws-auth.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'eks-access';

/** A Kubernetes object as plain JSON data. */
export type KubeObject = Record<string, unknown>;

/** An object of generated/, with the file it came from (as shown to users). */
export interface GeneratedObject {
  object: KubeObject;
  file: string;
}

interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

interface MissingObject extends ObjectRef {
  file: string;
}

interface ChangedObject extends ObjectRef {
  file: string;
  /** Unified diff from the cluster's object (`-`) to the generated one (`+`), both as normalized YAML. */
  diff: string;
}

/** One aws-auth mapping as the authenticator reads it. */
export interface AwsAuthMapping {
  section: AwsAuthSection;
  /** rolearn / userarn, or the account id for mapAccounts. */
  arn: string;
  username?: string;
  groups: string[];
}

export interface AwsAuthDrift {
  /** On the cluster, not in generated/: added by hand (or by another tool). */
  onlyOnCluster: AwsAuthMapping[];
  /** In generated/, not on the cluster. */
  onlyGenerated: AwsAuthMapping[];
  /** The same principal mapped differently. */
  different: { cluster: AwsAuthMapping; generated: AwsAuthMapping }[];
  /** What the authenticator ignores or drops in the cluster's ConfigMap (a YAML error drops a whole section). */
  problems: string[];
}

export interface DriftReport {
  /** Objects compared and found equal. */
  same: number;
  missing: MissingObject[];
  extra: ObjectRef[];
  changed: ChangedObject[];
  /** Present when both sides have an aws-auth ConfigMap. */
  awsAuth?: AwsAuthDrift;
  /** Generated objects of kinds drift does not read from the cluster (not compared). */
  skipped: MissingObject[];
}

/** The kinds drift reads from the cluster, by API group. */
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const COMPARED_KINDS: Record<string, string> = {
  ClusterRole: RBAC_GROUP,
  ClusterRoleBinding: RBAC_GROUP,
  Role: RBAC_GROUP,
  RoleBinding: RBAC_GROUP,
  ConfigMap: '',
};
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding']);

/** metadata fields the API server sets. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'managedFields',
  'generation',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];
/** Annotations and labels set by the tools that apply generated/, not by eks-access. Ignored unless generated/ sets them. */
const TOOL_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'argocd.argoproj.io/tracking-id'];
const TOOL_LABELS = ['kustomize.toolkit.fluxcd.io/name', 'kustomize.toolkit.fluxcd.io/namespace', 'app.kubernetes.io/instance'];

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function apiGroupOf(apiVersion: unknown): string {
  const v = text(apiVersion) ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

function refOf(o: KubeObject): ObjectRef {
  const kind = text(o.kind) ?? '';
  const m = record(o.metadata);
  const namespace = CLUSTER_SCOPED.has(kind) ? undefined : (text(m.namespace) ?? 'default');
  return { kind, name: text(m.name) ?? '', ...(namespace !== undefined && { namespace }) };
}

function keyOf(o: KubeObject): string {
  const r = refOf(o);
  return `${apiGroupOf(o.apiVersion)}|${r.kind}|${r.namespace ?? ''}|${r.name}`;
}

/** `Role my-namespace/eks-access:alice`, `ClusterRole eks-access:profile:dev`. */
function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace !== undefined ? `${r.namespace}/` : ''}${r.name}`;
}

function isManaged(o: KubeObject): boolean {
  return record(record(o.metadata).labels)[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

function isAwsAuth(o: KubeObject): boolean {
  const r = refOf(o);
  return r.kind === 'ConfigMap' && r.namespace === 'kube-system' && r.name === 'aws-auth' && apiGroupOf(o.apiVersion) === '';
}

/**
 * A deep copy without `undefined`, `null`, empty lists and empty maps as map values (the API server
 * omits them); list items are kept, so an empty rule stays visible.
 */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' ? prune(v) : v));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      const p = prune(v);
      if (Array.isArray(p) && p.length === 0) continue;
      if (p !== null && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
      out[k] = p;
    }
    return out;
  }
  return value;
}

/**
 * The object without what the server or the applying tool sets. `reference` is the generated side
 * (by default the object itself): the labels and annotations it sets itself are never dropped.
 */
export function normalize(o: KubeObject, reference: KubeObject = o): KubeObject {
  const copy = JSON.parse(JSON.stringify(o)) as KubeObject;
  delete copy.status;
  const m = record(copy.metadata);
  for (const k of SERVER_METADATA) delete m[k];
  const refMeta = record(reference.metadata);
  const dropKeys = (field: 'labels' | 'annotations', keys: readonly string[]) => {
    const map = record(m[field]);
    const keep = record(refMeta[field]);
    for (const k of keys) if (!(k in keep)) delete map[k];
  };
  dropKeys('annotations', TOOL_ANNOTATIONS);
  dropKeys('labels', TOOL_LABELS);
  if (copy.kind === 'ClusterRole' && (copy.aggregationRule !== undefined || reference.aggregationRule !== undefined)) delete copy.rules;
  return prune(copy) as KubeObject;
}

function yamlOf(o: KubeObject): string {
  return toYaml([o]);
}

/* ---------- aws-auth ---------- */

/** The effective mappings of an aws-auth ConfigMap and what the authenticator ignores or drops in it. */
export function parseAwsAuth(configMap: KubeObject): { mappings: AwsAuthMapping[]; problems: string[] } {
  const read = readAwsAuth(configMap.data);
  const problems = [
    ...(read.invalid !== undefined ? [read.invalid] : []),
    ...read.ignoredKeys.map((key) => `data.${key} is ignored by the authenticator (the key is case-sensitive)`),
    ...read.problems.map((p) => p.reason),
  ];
  const mappings: AwsAuthMapping[] = effectiveEntries(read.entries).map((e) => ({
    section: e.section,
    arn: e.arn,
    ...(e.username !== undefined && { username: e.username }),
    groups: e.groups.map((g) => g.name),
  }));
  const accounts = new Set(read.accounts.map((a) => a.id));
  for (const id of accounts) mappings.push({ section: 'mapAccounts', arn: id, groups: [] });
  return { mappings, problems };
}

function sameMapping(a: AwsAuthMapping, b: AwsAuthMapping): boolean {
  const groups = (m: AwsAuthMapping) => [...m.groups].sort(compareStrings).join('\n');
  return a.username === b.username && groups(a) === groups(b);
}

/** `arn:aws:iam::111122223333:role/admins -> admin [system:masters]`; mapAccounts as `account 111122223333`. */
export function describeMapping(m: AwsAuthMapping): string {
  if (m.section === 'mapAccounts') return `account ${m.arn}`;
  return `${m.arn} -> ${m.username ?? '(ARN as username)'} [${m.groups.join(', ')}]`;
}

function compareMappings(a: AwsAuthMapping, b: AwsAuthMapping): number {
  return compareStrings(a.section, b.section) || compareStrings(a.arn.toLowerCase(), b.arn.toLowerCase()) || compareStrings(a.arn, b.arn);
}

/** Mapping by mapping: what the cluster's aws-auth has that generated/ does not, and the reverse. */
export function compareAwsAuth(generated: KubeObject, live: KubeObject): AwsAuthDrift {
  const g = parseAwsAuth(generated);
  const l = parseAwsAuth(live);
  const generatedByKey = new Map(g.mappings.map((m) => [mappingKey(m), m]));
  const liveByKey = new Map(l.mappings.map((m) => [mappingKey(m), m]));
  const onlyOnCluster = l.mappings.filter((m) => !generatedByKey.has(mappingKey(m))).sort(compareMappings);
  const onlyGenerated = g.mappings.filter((m) => !liveByKey.has(mappingKey(m))).sort(compareMappings);
  const different = g.mappings
    .flatMap((gm) => {
      const lm = liveByKey.get(mappingKey(gm));
      return lm && !sameMapping(gm, lm) ? [{ cluster: lm, generated: gm }] : [];
    })
    .sort((a, b) => compareMappings(a.generated, b.generated));
  return { onlyOnCluster, onlyGenerated, different, problems: l.problems };
}

/* ---------- objects ---------- */

function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return compareStrings(a.kind, b.kind) || compareStrings(a.namespace ?? '', b.namespace ?? '') || compareStrings(a.name, b.name);
}

/**
 * Compares the objects of generated/clusters/<c> with the objects read from the cluster. A live
 * object is extra when generated/ does not have it and it carries the managed-by label; any live
 * object generated/ has is compared whatever its labels (aws-auth is read by name).
 */
export function compareObjects(generated: readonly GeneratedObject[], live: readonly KubeObject[], options: { clusterLabel?: string } = {}): DriftReport {
  const clusterLabel = options.clusterLabel ?? 'cluster';
  const liveByKey = new Map<string, KubeObject>();
  for (const o of live) liveByKey.set(keyOf(o), o);
  const report: DriftReport = { same: 0, missing: [], extra: [], changed: [], skipped: [] };
  const seen = new Set<string>();
  for (const { object, file } of generated) {
    const ref = refOf(object);
    const key = keyOf(object);
    if (COMPARED_KINDS[ref.kind] !== apiGroupOf(object.apiVersion) || (ref.kind === 'ConfigMap' && !isAwsAuth(object))) {
      report.skipped.push({ ...ref, file });
      continue;
    }
    seen.add(key);
    const other = liveByKey.get(key);
    if (!other) {
      report.missing.push({ ...ref, file });
      continue;
    }
    const want = normalize(object);
    const have = normalize(other, object);
    const wantYaml = yamlOf(want);
    const haveYaml = yamlOf(have);
    if (isAwsAuth(object)) report.awsAuth = compareAwsAuth(object, other);
    if (wantYaml === haveYaml) {
      report.same++;
      continue;
    }
    const title = describeRef(ref);
    const diff = createTwoFilesPatch(`${clusterLabel}: ${title}`, `${file}: ${title}`, haveYaml, wantYaml, '', '', { context: 3 })
      .replace(/^=+\n/m, '')
      .replace(/^((?:---|\+\+\+) .*)\t$/gm, '$1');
    report.changed.push({ ...ref, file, diff });
  }
  for (const o of live) {
    const key = keyOf(o);
    if (seen.has(key) || !isManaged(o)) continue;
    seen.add(key);
    report.extra.push(refOf(o));
  }
  report.missing.sort(compareRefs);
  report.extra.sort(compareRefs);
  report.changed.sort(compareRefs);
  return report;
}

function awsAuthDrifts(a: AwsAuthDrift | undefined): boolean {
  return a !== undefined && (a.onlyOnCluster.length > 0 || a.onlyGenerated.length > 0 || a.different.length > 0 || a.problems.length > 0);
}

export function hasDrift(r: DriftReport): boolean {
  return r.missing.length > 0 || r.extra.length > 0 || r.changed.length > 0 || awsAuthDrifts(r.awsAuth);
}

/* ---------- output ---------- */

export interface ReportContext {
  cluster: string;
  context: string;
  /** generated/clusters/<cluster>, as shown to users. */
  folder: string;
}

export function formatDriftText(r: DriftReport, c: ReportContext): string {
  const lines: string[] = [];
  const a = r.awsAuth;
  if (!hasDrift(r)) {
    lines.push(`cluster ${c.cluster} (context ${c.context}) matches ${c.folder}: ${r.same} object(s) the same`);
  } else {
    const parts = [`${r.missing.length} missing`, `${r.extra.length} extra`, `${r.changed.length} changed`];
    if (a && awsAuthDrifts(a))
      parts.push(`aws-auth: ${a.onlyOnCluster.length} mapping(s) added on the cluster, ${a.onlyGenerated.length} missing, ${a.different.length} different`);
    lines.push(`cluster ${c.cluster} (context ${c.context}) has drifted from ${c.folder}: ${parts.join(', ')}`);
    if (r.missing.length > 0) {
      lines.push('', 'missing (in generated/, not on the cluster):');
      for (const m of r.missing) lines.push(`  ${describeRef(m).padEnd(60)} ${m.file}`);
    }
    if (r.extra.length > 0) {
      lines.push('', `extra (labelled ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} on the cluster, not in generated/; left behind):`);
      for (const m of r.extra) lines.push(`  ${describeRef(m)}`);
    }
    if (a && awsAuthDrifts(a)) {
      lines.push('', 'aws-auth (kube-system/aws-auth), mapping by mapping:');
      for (const m of a.onlyOnCluster) lines.push(`  on the cluster, not in generated/ (added by hand): ${m.section} ${describeMapping(m)}`);
      for (const m of a.onlyGenerated) lines.push(`  in generated/, not on the cluster: ${m.section} ${describeMapping(m)}`);
      for (const d of a.different)
        lines.push(`  mapped differently: ${d.cluster.section} ${describeMapping(d.cluster)} on the cluster; generated/ has ${describeMapping(d.generated)}`);
      for (const p of a.problems) lines.push(`  on the cluster: ${p}`);
    }
    if (r.changed.length > 0) {
      lines.push('', 'changed (- on the cluster, + in generated/):');
      for (const m of r.changed) lines.push(`  ${describeRef(m).padEnd(60)} ${m.file}`);
      for (const m of r.changed) lines.push('', m.diff.trimEnd());
    }
  }
  for (const s of r.skipped) lines.push(`note: ${describeRef(s)} in ${s.file} is not compared (drift reads only RBAC objects and aws-auth)`);
  return lines.join('\n') + '\n';
}

export function formatDriftJson(r: DriftReport, c: ReportContext): string {
  const out = {
    cluster: c.cluster,
    context: c.context,
    folder: c.folder,
    inSync: !hasDrift(r),
    same: r.same,
    missing: r.missing,
    extra: r.extra,
    changed: r.changed,
    ...(r.awsAuth && { awsAuth: r.awsAuth }),
    ...(r.skipped.length > 0 && { skipped: r.skipped }),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
