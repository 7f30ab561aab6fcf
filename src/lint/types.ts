import type { Source } from '../diagnostics.js';
import type { AccessModel, PolicyRule } from '../model/types.js';

/** How dangerous a finding is; independent of `severity`, which decides whether CI fails. */
export type Risk = 'critical' | 'high' | 'medium' | 'low';
export type LintSeverity = 'error' | 'warning' | 'info';
type RuleCategory = 'identity' | 'binding' | 'rbac' | 'access-entry' | 'iam' | 'process';

export interface RuleMeta {
  /** Stable kebab-case id, also the file name and the docs page name: `no-system-masters`. */
  id: string;
  /** The catalogue code, a stable alias: `AUTH001`. */
  code: string;
  /** One line starting with Disallow / Require / Enforce. */
  description: string;
  severity: LintSeverity;
  risk: Risk;
  category: RuleCategory;
}

export type { Subject } from '../rbac/graph.js';
import type { GraphBinding, GraphRole, Subject } from '../rbac/graph.js';
import type { BoundRole } from '../model/resolve.js';

/** Where a granted rule is defined: a role as the resolved model names it (BoundRole), or one read from manifests. */
type RoleRef = BoundRole;

/**
 * One PolicyRule granted to one subject in one scope, with the path that grants it: bindings
 * followed to their roles, aggregated ClusterRoles resolved, access policies expanded.
 */
export interface Grant {
  /** The cluster name (access folder) or the manifest bundle (`--manifests`). */
  cluster: string;
  subject: Subject;
  /** The person, in the access folder. */
  employee?: string;
  /** Undefined: cluster-wide. */
  namespace?: string;
  rule: PolicyRule;
  role: RoleRef;
  /** The binding (or access-policy association) that grants it; undefined in access mode. */
  binding?: { kind: string; name: string; namespace?: string };
  /** Where to report: the grant in the access file, or the binding in a manifest. */
  at: Source;
  /** The rule's own definition, when known (a profile, a Role in a manifest). */
  ruleAt?: Source;
  expires?: string;
}

/** A role mapping of aws-auth or an access entry, as the authenticator or EKS sees it. */
export interface IdentityMapping {
  cluster: string;
  via: 'aws-auth' | 'access-entry';
  kind: 'role' | 'user' | 'account';
  /** As written (for accounts: the account id). */
  arn: string;
  /** For aws-auth entries, the list the entry is written in (the kind follows the ARN). */
  section?: 'mapRoles' | 'mapUsers' | 'mapAccounts';
  username?: string;
  groups: { name: string; at: Source }[];
  at: Source;
  employee?: string;
  /** Every employee who signs in through this mapping (roles are shared). */
  employees: string[];
  /** Kept verbatim: a cluster file's awsAuth entry or an existing ConfigMap's, not a person's. */
  preserved: boolean;
}

/** One aws-auth ConfigMap as a whole, for checks that need all of it (lockout). */
export interface AwsAuthView {
  cluster: string;
  at: Source;
  /** Something in mapRoles carries the node groups. */
  hasNodeMapping: boolean;
  /** The cluster says no node authenticates through aws-auth. */
  nodeMappingNotRequired: boolean;
  /** Top-level data keys that the authenticator would ignore (wrong case, unknown). */
  ignoredKeys: { key: string; at: Source }[];
  /** Entries the authenticator would drop (or keep with a field skipped: `kept`), with why; `wholeSection` when it reads none of a section. */
  invalidEntries: { reason: string; at: Source; wholeSection?: boolean; kept?: boolean; refused?: boolean }[];
}

export interface AccessPolicyGrant {
  cluster: string;
  principalArn: string;
  policy: string;
  /** Undefined: cluster scope. */
  namespaces?: string[];
  at: Source;
  employee?: string;
}

/** A Role or ClusterRole as given or generated, for checks on the object itself. */
export interface RoleObject extends Pick<GraphRole, 'kind' | 'name' | 'namespace' | 'labels' | 'aggregationRule'> {
  cluster: string;
  /** The role's rules, each at its place. */
  rules: { rule: PolicyRule; at: Source }[];
  at: Source;
  builtin: boolean;
  /** Named like a platform object (system:, eks:, kubeadm:), whatever its content: what import skips. */
  platformName?: boolean;
  /** Bound by some binding in the input. */
  bound: boolean;
}

/** A binding as given or generated, for checks on subjects and roleRefs. */
export interface BindingObject extends Pick<GraphBinding, 'kind' | 'name' | 'namespace'> {
  cluster: string;
  roleRef: Pick<GraphBinding['roleRef'], 'kind' | 'name'>;
  /** The subjects, ServiceAccounts' namespace defaulted to the binding's, each at its place. */
  subjects: (Subject & { at: Source })[];
  at: Source;
  builtin: boolean;
  /** Named like a platform object (system:, eks:, kubeadm:), whatever its content: what import skips. */
  platformName?: boolean;
  employee?: string;
  /** The date the grant behind it ends (access folder only). */
  expires?: string;
  /** The roleRef resolves to a role in the input or a known default. */
  roleFound: boolean;
}

/** An IAM policy statement attached to a person, from Terraform JSON. */
export interface IamStatement {
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  hasCondition: boolean;
  at: Source;
}

export interface IamUserView {
  /** Terraform resource address or IAM user name. */
  name: string;
  employee?: string;
  at: Source;
  /** Managed policies attached (ARNs). */
  managedPolicies: { arn: string; at: Source }[];
  inlinePolicies: { name: string; text: string; statements: IamStatement[]; at: Source }[];
}

/** Everything the rules look at, the same shape for the access folder and for `--manifests`. */
export interface LintInput {
  mode: 'access' | 'manifests';
  /** YYYY-MM-DD, the day the lint runs (injectable for tests). */
  today: string;
  model?: AccessModel;
  grants: Grant[];
  identities: IdentityMapping[];
  awsAuth: AwsAuthView[];
  accessPolicies: AccessPolicyGrant[];
  roles: RoleObject[];
  bindings: BindingObject[];
  iamUsers: IamUserView[];
}

/** What a rule reports; the runner adds the rule's id, severity and risk. */
export interface Report {
  message: string;
  at: Source;
  /** Overrides the rule's default risk for this finding (e.g. lower with resourceNames). */
  risk?: Risk;
  /**
   * Overrides the severity the model gives this finding (only for process rules, whose severity is
   * not a matter of risk); a LintPolicy override still wins.
   */
  severity?: LintSeverity;
  /** The cluster would not do what the file says (refuses or ignores it): an error whatever the risk. */
  misread?: boolean;
  /** The grant or binding reported, as text output heads it: who, where, through what. */
  grant?: string;
  /** The date the reported grant ends (the latest of its grants'), when every grant of it ends. */
  expires?: string;
  employee?: string;
  cluster?: string;
  namespace?: string;
  /** `Kind/name` or `Kind/namespace/name` of the object concerned. */
  object?: string;
}

/**
 * What the runner gives every rule for one lint run, as ESLint gives a rule its context: the input,
 * and values worked out once per run and shared by the rules that ask for them.
 */
export interface RuleContext {
  readonly input: LintInput;
  /** `compute()`, run the first time `key` is asked for in this lint run. Keys are module constants. */
  once<T>(key: object, compute: () => T): T;
}

export interface Rule {
  meta: RuleMeta;
  check(input: LintInput, report: (r: Report) => void, context: RuleContext): void;
}

interface Waived {
  reason: string;
  expires: string;
  at: Source;
}

export interface Finding extends Source {
  ruleId: string;
  code: string;
  severity: LintSeverity;
  risk: Risk;
  message: string;
  employee?: string;
  cluster?: string;
  namespace?: string;
  object?: string;
  /** The grant or binding the finding is about (who, where, through what): text output's heading. */
  grant?: string;
  /** Present when a waiver accepts the finding: it stays visible but no longer fails. */
  waived?: Waived;
}
