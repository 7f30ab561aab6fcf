import { peopleOn, profilesUsedOn } from '../model/resolve.js';
import type { Diagnostic } from '../diagnostics.js';
import type { AccessModel } from '../model/types.js';
import { compareStrings } from '../text.js';
import { emitAwsAuth } from './aws-auth.js';
import type { OutputFile } from './common.js';
import { emitKubeconfig } from './kubeconfig.js';
import { emitEmployeeRbac, emitProfileClusterRole } from './rbac.js';
import { emitReport } from './report.js';
import { toYaml } from './serialize.js';
import { parallelThreshold, runInWorker } from '../parallel/pool.js';
import { emitTerraform } from './terraform.js';

export const OUTPUT_README = 'README.md';
/**
 * The file that marks a folder as generate's output, with exactly OUTPUT_MARKER_TEXT: generate only
 * ever replaces a folder that holds it (or, written by earlier versions, exactly its own README).
 */
export const OUTPUT_MARKER = '.generated-by-eks-access';
export const OUTPUT_MARKER_TEXT = 'This folder is written by eks-access generate and replaced as a whole on every run.\n';

export const README = `# generated/

Everything in this folder is written by \`eks-access generate\` from the access files. Do not edit it:
the next run overwrites it, and \`eks-access generate --check\` in CI fails on any difference.

- \`clusters/<cluster>/\`: what Argo CD or Flux applies to each cluster (a kustomization, the aws-auth
  ConfigMap, one file per employee with their Roles and bindings, one file per profile ClusterRole).
- \`terraform/<account>/\`: Terraform JSON for IAM users and EKS access entries, per AWS account: a
  module, called from a Terraform root of your own (\`eks-access init\` writes \`terraform/<account>/\`).
  generate never touches Terraform's own files (state, \`.terraform/\`, lock file) wherever they are.
- \`kubeconfigs/<employee>.yaml\`: each person's kubeconfig.
- \`ACCESS.md\`: who can do what, per cluster.
`;

/** A YAML file whose text is still to be written: its objects and header comment. */
interface Pending {
  file: OutputFile;
  objects: object[];
  header: string;
}

/** Below this many employees one thread renders all the YAML: a worker costs more to start than it saves. */
const PARALLEL_RENDER_MIN_EMPLOYEES = 1000;

/**
 * Everything \`generate\` writes, as files in memory: a pure function of the model. Nothing here
 * touches the disk; the writer does.
 */
export function planOutput(model: AccessModel): { files: OutputFile[]; diagnostics: Diagnostic[] } {
  const { files, pending, diagnostics } = planFiles(model);
  renderHere(pending);
  return { files, diagnostics };
}

function renderHere(pending: readonly Pending[]): void {
  for (const p of pending) p.file.content = toYaml(p.objects, p.header);
}

/**
 * planOutput, with the YAML text of a large output rendered on both cores. The worker thread's
 * share is started at once, so the caller can do other work (lint) while it renders; `complete`
 * renders the rest on this thread and waits for the worker's. The files' content is only there
 * once `complete` has resolved.
 */
export function beginPlanOutput(model: AccessModel, workerShare = 0.8): { files: OutputFile[]; diagnostics: Diagnostic[]; complete: () => Promise<void> } {
  if (model.employees.size < parallelThreshold(PARALLEL_RENDER_MIN_EMPLOYEES)) {
    const { files, pending, diagnostics } = planFiles(model);
    return {
      files,
      diagnostics,
      complete: async () => {
        renderHere(pending);
        pending.length = 0;
      },
    };
  }
  // Each cluster's files go to the worker as soon as they are planned: its share of every batch.
  const mine: Pending[] = [];
  const theirs: { batch: Pending[]; rendered: Promise<string[]> }[] = [];
  const { files, diagnostics } = planFiles(model, (batch) => {
    const split = Math.floor(batch.length * (1 - workerShare));
    mine.push(...batch.slice(0, split));
    const sent = batch.slice(split);
    const rendered = runInWorker(
      'render',
      sent.map((p): [object[], string] => [p.objects, p.header]),
    );
    // Observed now, so a caller that gives up (lint errors) leaves no unhandled rejection.
    rendered.catch(() => undefined);
    theirs.push({ batch: sent, rendered });
  });
  return {
    files,
    diagnostics,
    complete: async () => {
      renderHere(mine);
      for (const t of theirs) (await t.rendered).forEach((text, i) => (t.batch[i]!.file.content = text));
      // The objects are text now: let them go.
      mine.length = 0;
      theirs.length = 0;
    },
  };
}

/**
 * The files, with the YAML ones still to render (`pending`). `flush` is handed the files planned so
 * far after each cluster, so their rendering can start while the rest is planned.
 */
function planFiles(model: AccessModel, flush?: (batch: Pending[]) => void): { files: OutputFile[]; pending: Pending[]; diagnostics: Diagnostic[] } {
  let flushed = 0;
  const flushNow = () => {
    if (flush && flushed < pending.length) flush(pending.slice(flushed));
    flushed = pending.length;
  };
  const files: OutputFile[] = [
    { path: OUTPUT_MARKER, content: OUTPUT_MARKER_TEXT },
    { path: OUTPUT_README, content: README },
  ];
  const pending: Pending[] = [];
  const later = (path: string, objects: object[], header: string): OutputFile => {
    const file = { path, content: '' };
    pending.push({ file, objects, header });
    return file;
  };
  const diagnostics: Diagnostic[] = [];
  const clusters = [...model.clusters.values()].sort((a, b) => compareStrings(a.name, b.name));
  const employees = [...model.employees.values()].sort((a, b) => compareStrings(a.name, b.name));
  for (const c of clusters) {
    const base = `clusters/${c.name}`;
    const resources: string[] = [];
    const put = (path: string, objects: object[], header: string) => {
      files.push(later(`${base}/${path}`, objects, header));
      resources.push(path);
    };
    if (c.authentication !== 'access-entries') {
      put(
        'aws-auth.yaml',
        [emitAwsAuth(model, c)],
        `Generated by eks-access from ${c.file} and the employees of ${c.name}; do not edit.\nThe whole kube-system/aws-auth ConfigMap: node mappings first, never prune it.`,
      );
    }
    for (const p of profilesUsedOn(model, c)) {
      put(`profiles/${p.name}.yaml`, [emitProfileClusterRole(p)], `Generated by eks-access from ${p.file}; do not edit.`);
    }
    for (const e of peopleOn(model, c).byName) {
      const objects = emitEmployeeRbac(model, c, e);
      if (objects.length > 0) put(`employees/${e.name}.yaml`, objects, `Generated by eks-access from ${e.file}; do not edit.`);
    }
    files.push(
      later(
        `${base}/kustomization.yaml`,
        [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: resources.sort() }],
        `Generated by eks-access; do not edit. Point an Argo CD Application or a Flux Kustomization at this folder.`,
      ),
    );
    flushNow();
  }
  flushNow();
  files.push(...emitTerraform(model));
  for (const e of employees) {
    const k = emitKubeconfig(model, e);
    diagnostics.push(...k.diagnostics);
    if (k.config)
      files.push(
        later(
          `kubeconfigs/${e.name}.yaml`,
          [k.config],
          `kubeconfig of ${e.name}, generated by eks-access from ${e.file}. Use it with: KUBECONFIG=<this file> kubectl get pods`,
        ),
      );
  }
  files.push({ path: 'ACCESS.md', content: emitReport(model) });
  flushNow();
  files.sort((a, b) => compareStrings(a.path, b.path));
  return { files, pending, diagnostics };
}
