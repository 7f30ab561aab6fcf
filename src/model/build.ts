import { isUnknownPlatformRole } from '../rbac/builtin.js';
import { diagnostic, lineText, placeText, positionOf, type Diagnostic, type Source } from '../diagnostics.js';
import { locate, type LoadedDocument, type PathSegment } from '../load/load.js';
import type { Kind } from '../schema/schemas.js';
import { didYouMean, resetSuggestBudget } from '../text.js';
import {
  BUILTIN_PROFILES,
  PERSON_ACCESS_POLICIES,
  parseIamArn,
  reservedPrefix,
  roleKubernetesUser,
  iamUserKey,
  partitionOf,
  stripRolePath,
  TAG_VALUE_CHARACTERS,
} from './identity.js';
import { unknownPolicyRules } from '../lint/policy-check.js';
import type { AccessModel, Cluster, Employee, Grant, Identity, LintPolicy, PolicyRule } from './types.js';
import { namespaceSet } from './namespaces.js';

export interface ValidDocument {
  d: LoadedDocument;
  kind: Kind;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/* Plain shapes of schema-valid documents. */
interface RawCluster {
  name: string;
  accountId: string;
  region: string;
  authentication: Cluster['authentication'];
  environment?: Cluster['environment'];
  namespaces: string[];
  endpoint?: string;
  certificateAuthorityData?: string;
  awsProfile?: string;
  awsAuth?: {
    requireNodeMapping?: boolean;
    mapRoles?: { rolearn: string; username: string; groups?: string[] }[];
    mapUsers?: { userarn: string; username: string; groups?: string[] }[];
  };
}
interface RawProfile {
  name: string;
  description: string;
  clusterRole?: string;
  rules?: PolicyRule[];
}
interface RawGrant {
  cluster?: string;
  clusters?: string[];
  expires?: string;
  reason?: string;
  level?: 'admin' | 'read-only';
  profile?: string;
  scope?: 'cluster';
  namespaces?: string[];
  rules?: PolicyRule[];
  groups?: string[];
  accessPolicy?: string;
}
interface RawEmployee {
  name: string;
  email: string;
  team?: string;
  expires?: string;
  reason?: string;
  identity: { iamUser?: string; iamUserArn?: string; role?: { arn: string; sessionName?: string } };
  access: RawGrant[];
}
interface RawLintPolicy {
  rules?: Record<string, 'error' | 'warning' | 'off'>;
  timeBoxDays?: number;
  waivers?: { rule: string; employee?: string; file?: string; reason: string; expires: string }[];
}

/**
 * Builds the access model from schema-valid documents and runs the checks that need more than one
 * document: unique names, references that resolve, identities that map cleanly.
 */
export function buildModel(
  docs: readonly ValidDocument[],
  /** Names of Cluster/Profile documents that failed the schema: references to them are not reported again. */
  broken: ReadonlySet<string> = new Set(),
): { model: AccessModel; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  resetSuggestBudget();
  const error = (at: Source, message: string, ruleId = 'reference') => diagnostics.push(diagnostic(at, message, ruleId));
  const warn = (at: Source, message: string, ruleId = 'reference') => diagnostics.push(diagnostic(at, message, ruleId, 'warning'));
  const where = (d: LoadedDocument, path: PathSegment[], key = false) => locate(d, path, key);
  const model: AccessModel = { clusters: new Map(), profiles: new Map(), employees: new Map() };

  const documentsPerFile = new Map<string, number>();
  for (const { d } of docs) documentsPerFile.set(d.file, (documentsPerFile.get(d.file) ?? 0) + 1);

  for (const [name, description] of Object.entries(BUILTIN_PROFILES)) {
    model.profiles.set(name, { name, description, builtin: true, clusterRole: name });
  }

  const unique = <T extends { at?: Source }>(map: Map<string, T>, name: string, at: Source, kind: string): boolean => {
    const existing = map.get(name);
    if (!existing) return true;
    if (!existing.at) error(at, `${kind} "${name}" is built in; choose another name`, 'duplicate-name');
    else error(at, `duplicate ${kind} name "${name}"; also defined at ${placeText(existing.at)}`, 'duplicate-name');
    return false;
  };

  // Clusters and profiles first: employees refer to them.
  for (const { d, kind } of docs) {
    if (kind === 'Cluster') {
      const raw = d.data as RawCluster;
      const at = where(d, ['name']);
      if (!unique(model.clusters, raw.name, at, 'cluster')) continue;
      const cluster: Cluster = {
        name: raw.name,
        accountId: raw.accountId,
        region: raw.region,
        authentication: raw.authentication,
        environment: raw.environment ?? 'production',
        namespaces: raw.namespaces,
        ...(raw.endpoint !== undefined && { endpoint: raw.endpoint }),
        ...(raw.awsProfile !== undefined && { awsProfile: raw.awsProfile }),
        ...(raw.certificateAuthorityData !== undefined && { certificateAuthorityData: raw.certificateAuthorityData.replace(/\s+/g, '') }),
        awsAuth: {
          requireNodeMapping: raw.awsAuth?.requireNodeMapping ?? true,
          mapRoles: (raw.awsAuth?.mapRoles ?? []).map((m, i) => ({ ...m, at: where(d, ['awsAuth', 'mapRoles', i]) })),
          mapUsers: (raw.awsAuth?.mapUsers ?? []).map((m, i) => ({ ...m, at: where(d, ['awsAuth', 'mapUsers', i]) })),
        },
        file: d.file,
        at,
      };
      checkPreservedMappings(cluster, d, error, warn);
      model.clusters.set(raw.name, cluster);
    } else if (kind === 'Profile') {
      const raw = d.data as RawProfile;
      const at = where(d, ['name']);
      if (!unique(model.profiles, raw.name, at, 'profile')) continue;
      if (raw.rules) checkRules(raw.rules, d, ['rules'], false, error);
      if (raw.clusterRole !== undefined && isUnknownPlatformRole('ClusterRole', raw.clusterRole)) {
        error(
          where(d, ['clusterRole']),
          `profile "${raw.name}" binds ClusterRole "${raw.clusterRole}", a name Kubernetes and EKS keep for roles of their own that is not one of the Kubernetes defaults eks-access knows: what it holds (and what the platform may later put in it) cannot be reviewed. Bind a default role, or write the rules in the profile`,
        );
      }
      model.profiles.set(raw.name, {
        name: raw.name,
        description: raw.description,
        builtin: false,
        ...(raw.clusterRole !== undefined && { clusterRole: raw.clusterRole }),
        ...(raw.rules !== undefined && { rules: raw.rules, rulesAt: raw.rules.map((_, i) => where(d, ['rules', i])) }),
        file: d.file,
        at,
      });
    } else if (kind === 'LintPolicy') {
      const raw = d.data as RawLintPolicy;
      const at = where(d, []);
      if ((documentsPerFile.get(d.file) ?? 0) > 1) {
        // What the linter lets through is decided here: it must be a file a reviewer (and a
        // CODEOWNERS entry) sees as the policy, never a document tucked into someone's access file.
        error(
          at,
          `a LintPolicy must be the only document in its file: it decides what the linter lets through, so it needs a file of its own that CODEOWNERS can protect (init protects access/policy.yaml). Move it to access/policy.yaml`,
        );
        continue;
      }
      if (model.lintPolicy) {
        error(at, `only one LintPolicy is allowed; another is at ${placeText(model.lintPolicy.at)}`, 'duplicate-name');
        continue;
      }
      const policy: LintPolicy = {
        rules: raw.rules ?? {},
        ...(raw.timeBoxDays !== undefined && { timeBoxDays: raw.timeBoxDays }),
        waivers: (raw.waivers ?? []).map((w, i) => ({ ...w, at: where(d, ['waivers', i]) })),
        file: d.file,
        at,
      };
      diagnostics.push(...unknownPolicyRules(policy.rules, (key) => where(d, ['rules', key], true)));
      model.lintPolicy = policy;
    }
  }

  const usersSeen = new Map<string, { employee: string; at: Source }>();
  const iamUsersSeen = new Map<string, { employee: string; at: Source }>();
  for (const { d, kind } of docs) {
    if (kind !== 'Employee') continue;
    const raw = d.data as RawEmployee;
    const at = where(d, ['name']);
    if (!unique(model.employees, raw.name, at, 'employee')) continue;
    const identity = buildIdentity(raw, d, error);
    if (!identity) continue;
    const kubernetesUser = identity.kind === 'role' ? roleKubernetesUser(identity.sessionName) : raw.name;
    const reserved = reservedPrefix(kubernetesUser);
    if (reserved) error(identity.at, `Kubernetes username "${kubernetesUser}" starts with the reserved prefix "${reserved}"`, 'identity');
    const prior = usersSeen.get(kubernetesUser);
    if (prior) {
      error(
        identity.at,
        `employee "${raw.name}" would get the same Kubernetes username "${kubernetesUser}" as employee "${prior.employee}" (${placeText(prior.at)}); give each person their own session name`,
        'identity',
      );
    } else usersSeen.set(kubernetesUser, { employee: raw.name, at: identity.at });
    const grants: Grant[] = [];
    raw.access.forEach((g, index) => {
      const grant = buildGrant(g, index, d, model, identity, broken, error, warn);
      if (grant) grants.push(grant);
    });
    // One person per IAM user, compared as IAM does: user names are unique per account, case
    // insensitively, whatever the path; a created user and an existing user's ARN can be the same.
    const accounts = new Set<string>();
    for (const g of grants)
      for (const c of g.clusters) {
        const cluster = model.clusters.get(c);
        if (cluster) accounts.add(cluster.accountId);
      }
    const iamKeys =
      identity.kind === 'iamUser'
        ? [...accounts].map((a) => `${a}:${identity.userName.toLowerCase()}`)
        : identity.kind === 'iamUserArn'
          ? [iamUserKey(identity.arn) ?? `arn:${identity.arn.toLowerCase()}`]
          : [];
    if (identity.kind === 'iamUser') iamKeys.push(`name:${identity.userName.toLowerCase()}`);
    for (const iamKey of iamKeys) {
      const other = iamUsersSeen.get(iamKey);
      if (other && other.employee !== raw.name) {
        error(
          identity.at,
          `employee "${raw.name}" uses the same IAM user as employee "${other.employee}" (${placeText(other.at)}); an IAM user is one person (IAM compares user names per account, case-insensitively)`,
          'identity',
        );
        break;
      } else if (!other) iamUsersSeen.set(iamKey, { employee: raw.name, at: identity.at });
    }
    // The partition of an identity's ARN is that of every cluster it is granted on.
    const arnOf = identity.kind === 'iamUserArn' || identity.kind === 'role' ? identity.arn : undefined;
    const partition = arnOf === undefined ? undefined : /^arn:([^:]*):/.exec(arnOf)?.[1];
    if (partition !== undefined) {
      for (const c of new Set(grants.flatMap((g) => g.clusters))) {
        const cluster = model.clusters.get(c);
        if (cluster && partitionOf(cluster.region) !== partition) {
          error(
            identity.at,
            `ARN partition "${partition}" differs from that of cluster "${c}" (region ${cluster.region} is in partition "${partitionOf(cluster.region)}"); the cluster would never match this identity`,
            'identity',
          );
          break;
        }
      }
    }
    // Tag values AWS accepts (the IAM users eks-access creates are tagged with email and team).
    // A team is free text elsewhere (reports), so its tag is written with what AWS refuses replaced.
    if (identity.kind === 'iamUser')
      for (const field of ['email'] as const) {
        const value = raw[field];
        if (value !== undefined && !TAG_VALUE.test(value)) {
          error(
            where(d, [field]),
            `${field} ${JSON.stringify(value)} cannot be an AWS tag value (at most 256 letters, digits, spaces and _ . : / = + - @)`,
            'schema',
          );
        }
      }
    if (raw.name !== d.file.replace(/^.*\//, '').replace(/\.ya?ml$/, '') && documentsPerFile.get(d.file) === 1) {
      warn(at, `employee "${raw.name}" is in a file named ${d.file.replace(/^.*\//, '')}; name the file ${raw.name}.yaml so reviewers find it`, 'file-name');
    }
    const employee: Employee = {
      name: raw.name,
      email: raw.email,
      ...(raw.team !== undefined && { team: raw.team }),
      identity,
      kubernetesUser,
      ...(raw.expires !== undefined && { expires: raw.expires, expiresAt: where(d, ['expires']) }),
      ...(raw.reason !== undefined && { reason: raw.reason }),
      grants,
      file: d.file,
      at,
    };
    model.employees.set(raw.name, employee);
  }

  checkSharedRoles(model, error);
  checkMappingCollisions(model, error);
  if (model.lintPolicy) {
    for (const w of model.lintPolicy.waivers) {
      if (w.employee !== undefined && !model.employees.has(w.employee)) {
        error(w.at, `waiver names unknown employee "${w.employee}"${didYouMean(w.employee, model.employees.keys())}`);
      }
    }
  }
  return { model, diagnostics };
}

type Report = (at: Source, message: string, ruleId?: string) => void;

/** What AWS accepts as a tag value. */
const TAG_VALUE = new RegExp(`^[${TAG_VALUE_CHARACTERS}]{0,256}$`, 'u');

function buildIdentity(raw: RawEmployee, d: LoadedDocument, error: Report): Identity | undefined {
  const { identity } = raw;
  if (identity.iamUser !== undefined) return { kind: 'iamUser', userName: identity.iamUser, at: locate(d, ['identity', 'iamUser']) };
  if (identity.iamUserArn !== undefined) return { kind: 'iamUserArn', arn: identity.iamUserArn, at: locate(d, ['identity', 'iamUserArn']) };
  const role = identity.role!;
  const at = locate(d, ['identity', 'role']);
  const sessionName = role.sessionName ?? raw.email;
  if (!SESSION_NAME.test(sessionName)) {
    error(
      at,
      `email "${raw.email}" is not a valid role session name (2-64 characters from letters, digits and + = , . @ _ -); set identity.role.sessionName`,
      'identity',
    );
    return undefined;
  }
  return { kind: 'role', arn: role.arn, sessionName, at };
}

function buildGrant(
  g: RawGrant,
  index: number,
  d: LoadedDocument,
  model: AccessModel,
  identity: Identity,
  broken: ReadonlySet<string>,
  error: Report,
  warn: Report,
): Grant | undefined {
  const base = ['access', index] as PathSegment[];
  const at = locate(d, base);
  const clusterNames = g.clusters ?? (g.cluster !== undefined ? [g.cluster] : []);
  let ok = true;
  const clusters: Cluster[] = [];
  clusterNames.forEach((name, i) => {
    const c = model.clusters.get(name);
    if (c) clusters.push(c);
    else {
      ok = false;
      if (broken.has(`Cluster/${name}`)) return;
      const path = g.clusters ? [...base, 'clusters', i] : [...base, 'cluster'];
      error(
        locate(d, path),
        `unknown cluster "${name}"${didYouMean(name, model.clusters.keys()) || `; known clusters: ${[...model.clusters.keys()].sort().join(', ') || 'none'}`}`,
      );
    }
  });
  if (g.namespaces) {
    g.namespaces.forEach((ns, i) => {
      for (const c of clusters) {
        if (!namespaceSet(c).has(ns)) {
          ok = false;
          error(locate(d, [...base, 'namespaces', i]), `namespace "${ns}" is not listed by cluster "${c.name}" (${c.file})${didYouMean(ns, c.namespaces)}`);
        }
      }
    });
  }
  const common = {
    clusters: clusterNames,
    index,
    at,
    ...(g.expires !== undefined && { expires: g.expires }),
    ...(g.reason !== undefined && { reason: g.reason }),
  };
  if (g.level !== undefined) return ok ? { ...common, kind: 'level', level: g.level } : undefined;
  if (g.profile !== undefined) {
    const profile = model.profiles.get(g.profile);
    if (!profile) {
      if (broken.has(`Profile/${g.profile}`)) return undefined;
      error(
        locate(d, [...base, 'profile']),
        `unknown profile "${g.profile}"${didYouMean(g.profile, model.profiles.keys()) || `; known profiles: ${[...model.profiles.keys()].sort().join(', ')}`}`,
      );
      return undefined;
    }
    if (g.namespaces && profile.rules?.some((r) => r.nonResourceURLs)) {
      warn(locate(d, [...base, 'profile']), `profile "${g.profile}" has nonResourceURLs rules, which do nothing in namespaces; use scope: cluster for them`);
    }
    if (!ok) return undefined;
    return g.scope === 'cluster'
      ? { ...common, kind: 'profile', profile: g.profile, scope: 'cluster' }
      : { ...common, kind: 'profile', profile: g.profile, scope: 'namespaces', namespaces: g.namespaces! };
  }
  if (g.rules !== undefined) {
    if (!checkRules(g.rules, d, [...base, 'rules'], true, error)) ok = false;
    const rulesAt = g.rules.map((_, i) => locate(d, [...base, 'rules', i]));
    return ok ? { ...common, kind: 'rules', rules: g.rules, rulesAt, namespaces: g.namespaces! } : undefined;
  }
  if (g.groups !== undefined) {
    for (const c of clusters) {
      if (c.authentication === 'aws-auth') continue;
      g.groups.forEach((group, i) => {
        if (group.startsWith('system:')) {
          ok = false;
          const hint = group === 'system:masters' ? '; use accessPolicy: AmazonEKSClusterAdminPolicy (or level: admin) instead' : '';
          error(
            locate(d, [...base, 'groups', i]),
            `group "${group}" cannot be used on cluster "${c.name}": EKS access entries refuse groups starting with "system:"${hint}`,
          );
        }
      });
    }
    if (identity.kind === 'role') {
      warn(at, `groups on a role identity apply to everyone who assumes ${identity.arn}, not only to this person`);
    }
    return ok ? { ...common, kind: 'groups', groups: g.groups } : undefined;
  }
  if (g.accessPolicy !== undefined) {
    for (const c of clusters) {
      if (c.authentication === 'aws-auth') {
        ok = false;
        error(
          locate(d, [...base, 'accessPolicy']),
          `accessPolicy needs access entries, but cluster "${c.name}" uses authentication: aws-auth; use a profile, or switch the cluster to both`,
        );
      }
    }
    if (!(PERSON_ACCESS_POLICIES as readonly string[]).includes(g.accessPolicy)) {
      warn(
        locate(d, [...base, 'accessPolicy']),
        `"${g.accessPolicy}" is not one of the EKS access policies meant for people (${PERSON_ACCESS_POLICIES.join(', ')})${didYouMean(g.accessPolicy, PERSON_ACCESS_POLICIES)}`,
      );
    }
    if (identity.kind === 'role') {
      warn(at, `an access policy on a role identity applies to everyone who assumes ${identity.arn}, not only to this person`);
    }
    return ok ? { ...common, kind: 'accessPolicy', accessPolicy: g.accessPolicy, ...(g.namespaces && { namespaces: g.namespaces }) } : undefined;
  }
  return undefined;
}

/** Checks the shape Kubernetes' own RBAC validation requires of each rule. */
function checkRules(rules: readonly PolicyRule[], d: LoadedDocument, base: PathSegment[], namespaced: boolean, error: Report): boolean {
  let ok = true;
  rules.forEach((r, i) => {
    const at = locate(d, [...base, i]);
    if (r.resources && r.nonResourceURLs) {
      ok = false;
      error(at, 'a rule has either resources or nonResourceURLs, not both; split it in two', 'rule-shape');
    }
    if (r.resources && !r.apiGroups) {
      ok = false;
      error(at, 'a rule with resources needs apiGroups (use [""] for the core group: pods, services, secrets...)', 'rule-shape');
    }
    if (r.nonResourceURLs && (r.apiGroups || r.resourceNames)) {
      ok = false;
      error(at, 'a nonResourceURLs rule cannot have apiGroups or resourceNames', 'rule-shape');
    }
    if (namespaced && r.nonResourceURLs) {
      ok = false;
      error(at, 'nonResourceURLs only apply cluster-wide; a namespaced grant cannot use them (use a profile with scope: cluster)', 'rule-shape');
    }
  });
  return ok;
}

function checkPreservedMappings(c: Cluster, d: LoadedDocument, error: Report, warn: Report): void {
  const seen = new Map<string, Source>();
  c.awsAuth.mapRoles.forEach((m, i) => {
    const key = m.rolearn.toLowerCase();
    const p = parseIamArn(m.rolearn);
    if (p && p.path !== '/') {
      error(
        locate(d, ['awsAuth', 'mapRoles', i, 'rolearn']),
        `aws-auth role ARNs must not include a path: the authenticator only sees role/${p.name}, so this entry never matches; write ${stripRolePath(m.rolearn)}`,
        'aws-auth',
      );
    }
    const prior = seen.get(key);
    if (prior)
      error(
        m.at,
        `duplicate aws-auth mapping for ${m.rolearn} (also at line ${positionOf(prior).line}); the authenticator keeps only the last one`,
        'aws-auth',
      );
    seen.set(key, m.at);
  });
  c.awsAuth.mapUsers.forEach((m) => {
    const prior = seen.get(m.userarn);
    if (prior)
      error(
        m.at,
        `duplicate aws-auth mapping for ${m.userarn} (also at line ${positionOf(prior).line}); the authenticator keeps only the last one`,
        'aws-auth',
      );
    seen.set(m.userarn, m.at);
  });
  if (c.authentication !== 'access-entries' && c.awsAuth.requireNodeMapping) {
    const nodes = c.awsAuth.mapRoles.some((m) => (m.groups ?? []).includes('system:nodes'));
    if (!nodes) {
      error(
        c.at,
        `cluster "${c.name}" uses aws-auth but awsAuth.mapRoles maps no node role (groups: [system:bootstrappers, system:nodes]); applying it would lock every node out. Add the node group roles, or set awsAuth.requireNodeMapping: false if no node authenticates through aws-auth`,
        'aws-auth-lockout',
      );
    }
  } else if (c.authentication === 'access-entries' && (c.awsAuth.mapRoles.length > 0 || c.awsAuth.mapUsers.length > 0)) {
    warn(locate(d, ['awsAuth']), `cluster "${c.name}" uses authentication: access-entries, which ignores aws-auth; these entries have no effect`, 'aws-auth');
  }
}

/** People sharing one role must agree on nothing but must not collide; a role maps once per cluster. */
function checkSharedRoles(model: AccessModel, error: Report): void {
  // In aws-auth two roles that differ only by path are the same mapping.
  const byStripped = new Map<string, { arn: string; employee: Employee }>();
  for (const e of model.employees.values()) {
    if (e.identity.kind !== 'role') continue;
    const key = stripRolePath(e.identity.arn).toLowerCase();
    const prior = byStripped.get(key);
    // IAM role names are unique per account whatever their case or path, so these are one role:
    // spelled two ways, aws-auth would map it twice and Terraform would create two access entries
    // for one principal (the second fails to apply).
    if (prior && prior.arn !== e.identity.arn) {
      error(
        e.identity.at,
        `role ${e.identity.arn} and ${prior.arn} (employee "${prior.employee.name}") are the same IAM role: role names are unique per account whatever their case or path, and aws-auth matches roles without their path. Write the ARN exactly as ${prior.arn} in every file`,
        'identity',
      );
    } else if (!prior) byStripped.set(key, { arn: e.identity.arn, employee: e });
  }
}

/** An employee's role or user must not also be a preserved aws-auth entry: the last entry would win. */
function checkMappingCollisions(model: AccessModel, error: Report): void {
  for (const e of model.employees.values()) {
    for (const name of new Set(e.grants.flatMap((g) => g.clusters))) {
      const c = model.clusters.get(name);
      if (!c || c.authentication === 'access-entries') continue;
      const id = e.identity;
      const clash =
        id.kind === 'role'
          ? c.awsAuth.mapRoles.find((m) => stripRolePath(m.rolearn).toLowerCase() === stripRolePath(id.arn).toLowerCase())
          : id.kind === 'iamUserArn'
            ? c.awsAuth.mapUsers.find((m) => (iamUserKey(m.userarn) ?? m.userarn.toLowerCase()) === (iamUserKey(id.arn) ?? id.arn.toLowerCase()))
            : c.awsAuth.mapUsers.find((m) => iamUserKey(m.userarn) === `${c.accountId}:${id.userName.toLowerCase()}`);
      if (clash) {
        error(
          id.at,
          `employee "${e.name}" maps the same IAM identity as the preserved aws-auth entry at ${lineText(clash.at)} of cluster "${c.name}"; the authenticator would keep only one of them`,
          'identity',
        );
      }
    }
  }
}
