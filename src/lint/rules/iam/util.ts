/**
 * Helpers shared by the IAM rules: IAM's own wildcard matching, how a user is named in messages,
 * and the two shapes of IAM rule (one that judges each statement of a person's inline policies,
 * one that judges each managed policy attached to a person).
 */
import type { IamStatement, IamUserView, Risk, Rule, RuleMeta } from '../../types.js';

/**
 * Does an IAM pattern (`*`, `?` wildcards; actions compare case-insensitively) match `value`?
 * This is how IAM evaluates Action and Resource elements.
 */
export function iamGlob(pattern: string, value: string, caseInsensitive = true): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, caseInsensitive ? 'i' : '').test(value);
}

/** `*` or `*:*`: every action of every service. */
export function isAllActions(action: string): boolean {
  return /^\*(:\*)?$/.test(action.trim());
}

/** `iam:*`, `eks:*`: every action of one service. Returns the service, lower-cased. */
export function serviceWildcard(action: string): string | undefined {
  const m = /^([a-z0-9-]+):\*+$/i.exec(action.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

export function isAllow(s: IamStatement): boolean {
  return s.effect.toLowerCase() === 'allow';
}

/** An Allow that names what it allows: no NotAction, no NotResource (those are allow-notaction-notresource's). */
export function isPlainAllow(s: IamStatement): boolean {
  return isAllow(s) && s.notActions.length === 0 && s.notResources.length === 0;
}

/** Resource `*` among the statement's resources. */
export function onStarResource(s: IamStatement): boolean {
  return s.resources.some((r) => r.trim() === '*');
}

/** Every action on Resource `*` (whatever the effect). */
export function isStarStar(s: IamStatement): boolean {
  return s.actions.some(isAllActions) && onStarResource(s);
}

/** A Resource element that covers every resource (of the service the action targets). */
export function isAllResources(resource: string): boolean {
  const r = resource.trim();
  if (r === '*') return true;
  // arn:aws:eks:*:*:*, arn:aws:eks:eu-west-1:111122223333:cluster/* and the like: every resource (of a type) in the account.
  const parts = r.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return false;
  const tail = parts.slice(3).join(':');
  return /^[^:]*:[^:]*:([a-z-]+\/)?\*$/i.test(tail) || tail === '*';
}

/** "IAM user /eks-access/alice (employee alice)". */
export function userLabel(u: IamUserView): string {
  return `IAM user ${u.name}${u.employee !== undefined ? ` (employee ${u.employee})` : ''}`;
}

/** The policy's name as an ARN's last segment: `arn:aws:iam::aws:policy/service-role/X` -> X. */
export function managedPolicyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** An AWS managed policy (account `aws`), in any partition; returns its path (`/`, `/service-role/`) and name. */
export function awsManagedPolicy(arn: string): { path: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn.trim());
  return m ? { path: m[1]!, name: m[2]! } : undefined;
}

/**
 * The inline policy eks-access generates for its own IAM users: `eks:DescribeCluster` on exactly
 * the clusters the person has grants on, so that `aws eks update-kubeconfig` works. Judged on its
 * content, not its name, so nothing else passes under that name.
 */
export function isGeneratedDescribePolicy(p: IamUserView['inlinePolicies'][number]): boolean {
  return (
    p.statements.length > 0 &&
    p.statements.every(
      (s) =>
        isPlainAllow(s) &&
        s.actions.length > 0 &&
        s.actions.every((a) => a.toLowerCase() === 'eks:describecluster') &&
        s.resources.length > 0 &&
        s.resources.every((r) => /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9][A-Za-z0-9_-]*$/.test(r)),
    )
  );
}

/** The name and statement id of the inline policy emit/terraform.ts writes for eks-access's IAM users. */
const GENERATED_POLICY = { name: 'eks-access-describe-clusters', sid: 'DescribeOwnClusters' };

/**
 * The policy text IAM measures: as written, or rebuilt from its statements when the input has no
 * text (the access folder's view of the generated policy carries statements only; the rebuilt text
 * is what emit/terraform.ts writes, to the character).
 */
export function policyText(p: IamUserView['inlinePolicies'][number]): string {
  if (p.text.trim() !== '') return p.text;
  const generated = p.name === GENERATED_POLICY.name && isGeneratedDescribePolicy(p);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: p.statements.map((s) => ({
      ...(generated && { Sid: GENERATED_POLICY.sid }),
      Effect: s.effect,
      ...(s.actions.length > 0 && { Action: s.actions }),
      ...(s.notActions.length > 0 && { NotAction: s.notActions }),
      ...(s.resources.length > 0 && { Resource: s.resources }),
      ...(s.notResources.length > 0 && { NotResource: s.notResources }),
    })),
  });
}

/** IAM's size: characters other than white space. */
export function policyCharacters(text: string): number {
  return text.replace(/\s+/g, '').length;
}

type InlinePolicy = IamUserView['inlinePolicies'][number];
type ManagedPolicy = IamUserView['managedPolicies'][number];

/** What a rule finds: a message, and a risk when not the rule's. */
export type IamFinding = string | { message: string; risk?: Risk | undefined };

function reportFor(report: Parameters<Rule['check']>[1], u: IamUserView, at: IamStatement['at'], found: IamFinding): void {
  const { message, risk } = typeof found === 'string' ? { message: found, risk: undefined } : found;
  report({ message, at, ...(risk !== undefined && { risk }), ...(u.employee !== undefined && { employee: u.employee }) });
}

/** A rule that judges every statement of every person's inline policies, and reports at the statement. */
export function statementRule(meta: RuleMeta, judge: (s: IamStatement, p: InlinePolicy, u: IamUserView) => IamFinding | undefined): Rule {
  return {
    meta,
    check(input, report) {
      for (const u of input.iamUsers) {
        for (const p of u.inlinePolicies) {
          for (const s of p.statements) {
            const found = judge(s, p, u);
            if (found !== undefined) reportFor(report, u, s.at, found);
          }
        }
      }
    },
  };
}

/** A rule that judges every managed policy attached to a person, and reports at the attachment. */
export function managedPolicyRule(meta: RuleMeta, judge: (p: ManagedPolicy, u: IamUserView) => IamFinding | undefined): Rule {
  return {
    meta,
    check(input, report) {
      for (const u of input.iamUsers) {
        for (const p of u.managedPolicies) {
          const found = judge(p, u);
          if (found !== undefined) reportFor(report, u, p.at, found);
        }
      }
    },
  };
}
