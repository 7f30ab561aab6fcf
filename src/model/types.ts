import type { Source } from '../diagnostics.js';

export type AuthenticationMode = 'aws-auth' | 'access-entries' | 'both';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

interface AwsAuthRoleMapping {
  rolearn: string;
  username: string;
  groups?: string[];
  at: Source;
}

interface AwsAuthUserMapping {
  userarn: string;
  username: string;
  groups?: string[];
  at: Source;
}

export type ClusterEnvironment = 'production' | 'staging' | 'development';

export interface Cluster {
  name: string;
  accountId: string;
  region: string;
  authentication: AuthenticationMode;
  /** What the cluster runs; the linter's severity model uses it. Default production. */
  environment: ClusterEnvironment;
  namespaces: string[];
  endpoint?: string;
  certificateAuthorityData?: string;
  /** The AWS CLI profile kubeconfig contexts use (AWS_PROFILE); see awsProfileOf for the default. */
  awsProfile?: string;
  /** Preserved aws-auth entries (node groups, Fargate, break-glass), verbatim and in file order. */
  awsAuth: { mapRoles: AwsAuthRoleMapping[]; mapUsers: AwsAuthUserMapping[]; requireNodeMapping: boolean };
  file: string;
  at: Source;
}

export interface Profile {
  name: string;
  description: string;
  /** Built-in profiles (`view`, `edit`, `admin`, `cluster-admin`) have no file. */
  builtin: boolean;
  /** An existing ClusterRole, or undefined when the profile has rules (a generated ClusterRole). */
  clusterRole?: string;
  rules?: PolicyRule[];
  /** Where each of `rules` is written. */
  rulesAt?: Source[];
  file?: string;
  at?: Source;
}

export type Identity =
  | { kind: 'iamUser'; userName: string; at: Source }
  | { kind: 'iamUserArn'; arn: string; at: Source }
  | { kind: 'role'; arn: string; sessionName: string; at: Source };

interface GrantBase {
  clusters: string[];
  expires?: string;
  reason?: string;
  /** 0-based position in the employee's `access` list. */
  index: number;
  at: Source;
}

export type Grant = GrantBase &
  (
    | { kind: 'level'; level: 'admin' | 'read-only' }
    | { kind: 'profile'; profile: string; scope: 'cluster' }
    | { kind: 'profile'; profile: string; scope: 'namespaces'; namespaces: string[] }
    | { kind: 'rules'; rules: PolicyRule[]; rulesAt: Source[]; namespaces: string[] }
    | { kind: 'groups'; groups: string[] }
    | { kind: 'accessPolicy'; accessPolicy: string; namespaces?: string[] }
  );

export interface Employee {
  name: string;
  email: string;
  team?: string;
  identity: Identity;
  /** The Kubernetes username the authenticator gives this person's requests. */
  kubernetesUser: string;
  expires?: string;
  /** Where the top-level `expires` is written. */
  expiresAt?: Source;
  reason?: string;
  grants: Grant[];
  file: string;
  at: Source;
}

type RuleSeverity = 'error' | 'warning' | 'off';

export interface Waiver {
  rule: string;
  employee?: string;
  file?: string;
  reason: string;
  expires: string;
  at: Source;
}

export interface LintPolicy {
  rules: Record<string, RuleSeverity>;
  /** A high-risk grant expiring within this many days is a warning (default 30). */
  timeBoxDays?: number;
  waivers: Waiver[];
  file: string;
  at: Source;
}

/** The whole access folder, validated and cross-checked. Every node keeps where it came from. */
export interface AccessModel {
  clusters: Map<string, Cluster>;
  profiles: Map<string, Profile>;
  employees: Map<string, Employee>;
  lintPolicy?: LintPolicy;
}
