/**
 * eks-access as a library (package.json `main`): what the command line does, as functions.
 *
 *   const loaded = await loadAccess('access');             // validate: read, schema, references
 *   if (!loaded.model) throw ...;                           //   (loaded.diagnostics says why)
 *   const { findings } = await lintAccess('access');        // lint
 *   const plan = planOutput(withoutExpired(loaded.model, todayUtc()).model);
 *   await writeOutput('generated', plan.files, { inputs: ['access'] });   // generate
 *   authorize(bundleForCluster(loaded.model, cluster), who, request);     // can-i
 *
 * Nothing here prints, exits or reads process.argv; problems in the input are diagnostics or
 * findings, wrong arguments UsageErrors, failed writes WriteErrors.
 */

export { VERSION } from './version.js';

// Diagnostics: the problems of reading, validating and generating, each at a file:line:column.
export { formatDiagnostic, hasErrors, sortDiagnostics, UsageError, type Diagnostic, type Severity, type Source } from './diagnostics.js';

// Load, validate and build the model.
export { buildAccess, loadAccess, type LoadedAccess } from './pipeline.js';
export { findExpired, withoutExpired } from './model/expiry.js';
export type { AccessModel, AuthenticationMode, Cluster, Employee, Grant, LintPolicy, PolicyRule, Profile, Waiver } from './model/types.js';

// Lint.
export { diagnosticsAsFindings, lintAccess, lintModel, todayUtc, type LintResult } from './lint/index.js';
export { lintManifests, type ManifestsResult } from './lint/manifests.js';
export { failing, lint, type LintOptions } from './lint/run.js';
export { RULES } from './lint/rules/index.js';
export type { Finding, LintInput, LintSeverity, Risk, Rule, RuleMeta } from './lint/types.js';
export { FINDING_FORMATS, formatFindings, type FindingFormat } from './report/format.js';

// Generate: plan the output folder, then write it (or compare it, as generate --check does).
export { beginPlanOutput, planOutput } from './emit/plan.js';
export type { OutputFile } from './emit/common.js';
export {
  addFiles,
  checkOutputFolder,
  compareOutput,
  compareWithFolder,
  patchOf,
  readTree,
  writeOutput,
  WriteError,
  type Change,
  type WriteOptions,
} from './write/writer.js';

// can-i and who-can: the offline authorizer, over the access folder's RBAC or over manifests.
export { authorize, bundleOf, makeBundle, whoCan, type Bundle, type Decision, type Holder, type Request, type UserInfo } from './rbac/engine.js';
export { graphFromDocuments, graphFromModel, type AuthzGraph, type GraphBinding, type GraphPolicy, type GraphRole, type Subject } from './rbac/graph.js';
export { bundleForCluster, userInfoFor } from './rbac/access-bundle.js';
export { clusterOf, resolveWho, targetForCluster, targetForManifests, type QueryTarget, type Who } from './rbac/query.js';
export { describeRequest, parseRequest, prepareRequest, type RequestArgs } from './rbac/request.js';
