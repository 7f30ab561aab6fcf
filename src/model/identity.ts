/**
 * How IAM identities become Kubernetes users: the one place that knows the authenticator's rules
 * (aws-iam-authenticator and EKS access entries), so bindings match real requests.
 */

/**
 * The username template for every role mapping. EKS access entries require a `:` somewhere before
 * `{{SessionName}}`, and aws-auth accepts the same template, so both authentication modes give a
 * person the same Kubernetes username and the same RBAC bindings apply.
 */
export const ROLE_USERNAME_PREFIX = 'session:';
export const ROLE_USERNAME_TEMPLATE = `${ROLE_USERNAME_PREFIX}{{SessionName}}`;

/** Prefixes EKS refuses in access-entry usernames; `system:` is also Kubernetes' own. */
const RESERVED_USERNAME_PREFIXES = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'] as const;

/** IAM path under which users this repository creates live, so they are easy to tell apart. */
export const IAM_USER_PATH = '/eks-access/';

/** What the authenticator renders for `{{SessionName}}`: `@` becomes `-` (`{{SessionNameRaw}}` keeps it). */
export function renderSessionName(sessionName: string): string {
  return sessionName.replace(/@/g, '-');
}

export function roleKubernetesUser(sessionName: string): string {
  return ROLE_USERNAME_PREFIX + renderSessionName(sessionName);
}

export function reservedPrefix(username: string): string | undefined {
  const lower = username.toLowerCase();
  return RESERVED_USERNAME_PREFIXES.find((p) => lower.startsWith(p));
}

/** The AWS partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

export interface ParsedArn {
  partition: string;
  accountId: string;
  /** `user` or `role`. */
  type: string;
  /** The path between the type and the name, `/` when there is none. */
  path: string;
  name: string;
}

const IAM_ARN = /^arn:([a-z-]+):iam::(\d{12}):(user|role)(\/(?:.*\/)?)?([^/]+)$/;

export function parseIamArn(arn: string): ParsedArn | undefined {
  const m = IAM_ARN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, accountId: m[2]!, type: m[3]!, path: m[4] ?? '/', name: m[5]! };
}

/**
 * The role ARN as aws-auth must map it: without its path. The authenticator canonicalises the caller's
 * `assumed-role/<name>/<session>` ARN to `role/<name>`, so a mapping that keeps the path never matches.
 */
export function stripRolePath(arn: string): string {
  const p = parseIamArn(arn);
  return p && p.type === 'role' ? `arn:${p.partition}:iam::${p.accountId}:role/${p.name}` : arn;
}

/** The characters AWS accepts in a tag value (at most 256 of them), as a regular-expression class body. */
export const TAG_VALUE_CHARACTERS = String.raw`\p{L}\p{Z}\p{N}_.:/=+\-@`;

/** An IAM user ARN as IAM tells users apart: account and name, case-insensitively, path ignored. */
export function iamUserKey(arn: string): string | undefined {
  const p = parseIamArn(arn);
  return p && p.type === 'user' ? `${p.accountId}:${p.name.toLowerCase()}` : undefined;
}

export function iamUserArn(partition: string, accountId: string, userName: string): string {
  return `arn:${partition}:iam::${accountId}:user${IAM_USER_PATH}${userName}`;
}

export function clusterArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:eks:${region}:${accountId}:cluster/${name}`;
}

/** EKS access policies meant for people; others (node, auto-mode, networking...) are for services. */
export const PERSON_ACCESS_POLICIES = [
  'AmazonEKSAdminPolicy',
  'AmazonEKSAdminViewPolicy',
  'AmazonEKSClusterAdminPolicy',
  'AmazonEKSEditPolicy',
  'AmazonEKSSecretReaderPolicy',
  'AmazonEKSViewPolicy',
] as const;

export function accessPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

/** The Kubernetes default ClusterRoles, usable as profiles without a file. */
export const BUILTIN_PROFILES: Record<string, string> = {
  view: 'read-only access to most objects in a namespace; no Secrets, no RBAC',
  edit: 'read and write most objects in a namespace, including Secrets; no RBAC',
  admin: 'everything in a namespace, including Roles and RoleBindings',
  'cluster-admin': 'everything, everywhere (superuser)',
};
