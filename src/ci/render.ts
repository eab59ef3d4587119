// A CI document as YAML text, with its header comment. Pure.
import { stringify } from 'yaml';
import { githubWorkflow } from './github.js';
import { gitlabPipeline } from './gitlab.js';
import type { CiProject } from './project.js';

export type CiSystem = 'github' | 'gitlab';

/** Where each system looks for its file, relative to the repository root. */
export const DEFAULT_PATHS: Record<CiSystem, string> = {
  github: '.github/workflows/airlock.yml', gitlab: '.gitlab-ci.yml',
};

/** The workflow (GitHub) or pipeline (GitLab) file for a project. */
export function renderCi(system: CiSystem, p: CiProject): string {
  const { comment, doc } = system === 'github' ? githubWorkflow(p) : gitlabPipeline(p);
  return `${comment}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
