/**
 * The claim-file grammar: claimed/<stem>.<stage>.<owner>.claim, built from the item stem
 * (naming.ts), the stage names (layout.ts) and the owner tag (identity.ts).
 */
import { STEM_PATTERN } from '../naming.js';
import { STAGE_PATTERN, type Stage } from './layout.js';
import { ownerTag, OWNER_PATTERN, type WorkerIdentity } from './identity.js';

export function claimFileName(stem: string, stage: Stage, identity: Pick<WorkerIdentity, 'host' | 'pid' | 'token'>): string {
  return `${stem}.${stage}.${ownerTag(identity)}.claim`;
}

export interface ParsedClaim {
  stem: string;
  stage: Stage;
  host: string;
  pid: number;
  token: string;
}

const CLAIM_RE = new RegExp(`^(${STEM_PATTERN})\\.(${STAGE_PATTERN})\\.${OWNER_PATTERN}\\.claim$`);

export function parseClaimFileName(name: string): ParsedClaim | undefined {
  const match = CLAIM_RE.exec(name);
  if (!match) return undefined;
  return { stem: match[1]!, stage: match[2] as Stage, host: match[3]!, pid: Number(match[4]), token: match[5]! };
}
