/**
 * What produced a run's numbers, stamped into plan.json, every combined file, summary.json,
 * run_summary.json and the report's header: passk's version and commit, the extraction rule, the
 * grading mode, the grader version and the evaluators' interpreter (path, version, numpy).
 */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { passkVersion } from './version.js';

/** `lcb` (lcb_runner's semantics), `judge` (passk's stricter judge, today's default), `human-eval`. */
export type GradingMode = 'lcb' | 'judge' | 'human-eval';

export interface InterpreterInfo {
  /** Real path of the interpreter (`sys.executable`, symlinks resolved). */
  path: string;
  /** `3.11.2` */
  version: string;
  /** Versions of the packages that can change a verdict; null when not installed. */
  packages: Record<string, string | null>;
}

export interface Provenance {
  passk_version: string;
  passk_commit: string;
  /** `lcb_strict`: LiveCodeBench's rule exactly (`--strict-extraction`); `lcb_with_fallbacks`: passk's default. */
  extraction_rule: 'lcb_strict' | 'lcb_with_fallbacks';
  grading: GradingMode;
  grader_version: string;
  /** The interpreter `passk run` starts its evaluators with; null when it could not be asked. */
  interpreter: InterpreterInfo | null;
}

export const provenanceSchema = {
  type: 'object',
  required: ['passk_version', 'passk_commit', 'extraction_rule', 'grading', 'grader_version', 'interpreter'],
  properties: {
    passk_version: { type: 'string' },
    passk_commit: { type: 'string' },
    extraction_rule: { type: 'string' },
    grading: { type: 'string' },
    grader_version: { type: 'string' },
    interpreter: {
      type: ['object', 'null'],
      required: ['path', 'version', 'packages'],
      properties: { path: { type: 'string' }, version: { type: 'string' }, packages: { type: 'object', additionalProperties: { type: ['string', 'null'] } } },
    },
  },
  additionalProperties: true,
} as const;

/** Packages whose version can change a verdict (numpy values compare and print differently across versions). */
export const VERDICT_PACKAGES = ['numpy'] as const;

export function extractionRule(strict: boolean | undefined): Provenance['extraction_rule'] {
  return strict ? 'lcb_strict' : 'lcb_with_fallbacks';
}

/** The grading mode of a plan or grader options; absent (older plans, before `--grading`) is `judge`. */
export function gradingOf(source: { grading?: unknown } | undefined): GradingMode {
  const g = source?.grading;
  return g === 'lcb' || g === 'human-eval' || g === 'judge' ? g : 'judge';
}

/**
 * The probe's Python. A package's version is read from the name of its `<name>-<version>.dist-info` or
 * `.egg-info` directory on sys.path, where importlib.metadata finds it, without importing
 * importlib.metadata (≈ 50 ms of CPU in every `passk evaluate`); importlib.metadata answers whenever
 * that is not clear-cut (a zip on the path, two candidates in one directory, a name without a version
 * or with a suffix, a file). A directory whose name and METADATA disagree (pip never writes one) gives
 * the name's version. Checked equal to importlib.metadata.version on every installed package
 * of four interpreters (test/packages/probe.test.ts checks the installed ones of the tests' python3).
 */
const PROBE = [
  'import sys, json, os',
  'def slow(n):',
  '    from importlib import metadata',
  '    try:',
  '        return metadata.version(n)',
  '    except Exception:',
  '        return None',
  'def v(n):',
  '    key = n.lower().replace("-", "_").replace(".", "_")',
  '    for p in sys.path:',
  '        try:',
  '            entries = os.listdir(p or ".")',
  '        except NotADirectoryError:',
  '            return slow(n)',
  '        except OSError:',
  '            continue',
  '        hits = []',
  '        for e in entries:',
  '            if e.lower().endswith((".dist-info", ".egg-info")):',
  '                name, sep, ver = e.rsplit(".", 1)[0].partition("-")',
  '                if name.lower().replace("-", "_").replace(".", "_") == key:',
  '                    hits.append((e, ver if sep and ver and "-" not in ver else ""))',
  '        if len(hits) == 1 and hits[0][1] and os.path.isdir(os.path.join(p or ".", hits[0][0])):',
  '            return hits[0][1]',
  '        if hits:',
  '            return slow(n)',
  '    return None',
  'if sys.argv[1:] == ["--all"]:',
  '    from importlib import metadata',
  '    names = sorted({d.metadata["Name"] for d in metadata.distributions()})',
  '    print(json.dumps([[n, v(n), slow(n)] for n in names]))',
  'else:',
  `    print(json.dumps({"path": sys.executable, "venv": sys.prefix != sys.base_prefix, "version": sys.version.split()[0], "packages": {n: v(n) for n in ${JSON.stringify([...VERDICT_PACKAGES])}}}))`,
].join('\n');

/** The probe's Python source (tests run it with `--all` to compare it with importlib.metadata). */
export const INTERPRETER_PROBE = PROBE;

const probes = new Map<string, Promise<InterpreterInfo | null>>();

/** Ask `command` (default python3) for its path, version and the verdict packages; null if it cannot run. Memoised. */
export function probeInterpreter(command = 'python3'): Promise<InterpreterInfo | null> {
  let p = probes.get(command);
  if (!p) {
    p = new Promise((resolve) => {
      execFile(command, ['-c', PROBE], { timeout: 30_000 }, (error, stdout) => {
        if (error) return resolve(null);
        try {
          const { venv, ...info } = JSON.parse(stdout) as InterpreterInfo & { venv?: boolean };
          realpath(info.path).then((real) => {
            // Probing the real path gives the same answer unless sys.executable is a venv's symlink (the
            // venv's site-packages are found from the link's place): `passk evaluate` asks for both.
            if ((real === info.path || venv === false) && !probes.has(real)) probes.set(real, Promise.resolve({ ...info, path: real }));
            resolve({ ...info, path: real });
          }, () => resolve(info));
        } catch {
          resolve(null);
        }
      });
    });
    probes.set(command, p);
  }
  return p;
}

/** Provenance for a new plan: this process's passk, the given rule, mode, grader version and interpreter. */
export function makeProvenance(o: { strictExtraction?: boolean; grading?: unknown; graderVersion: string; interpreter: InterpreterInfo | null }): Provenance {
  const v = passkVersion();
  return {
    passk_version: v.version,
    passk_commit: v.commit,
    extraction_rule: extractionRule(o.strictExtraction),
    grading: gradingOf({ grading: o.grading }),
    grader_version: o.graderVersion,
    interpreter: o.interpreter,
  };
}

/**
 * A plan's provenance as the result files carry it. Plans written before it was recorded get what the
 * plan itself says (rule, mode) and 'unknown' for the rest; the plan's own `grading` field wins.
 */
export function provenanceOf(plan: { provenance?: Provenance; strict_extraction?: boolean; grading?: unknown }): Provenance {
  const base: Provenance = plan.provenance ?? {
    passk_version: 'unknown',
    passk_commit: 'unknown',
    extraction_rule: extractionRule(plan.strict_extraction),
    grading: 'judge',
    grader_version: 'unknown',
    interpreter: null,
  };
  return { ...base, grading: plan.grading !== undefined ? gradingOf(plan) : base.grading };
}

/** One line for headers and terminals: `passk 0.1.0 (abc1234) · extraction lcb_with_fallbacks · grading judge (passk-forkserver-3) · python 3.11.2 /usr/bin/python3.11, numpy 1.26.4`. */
export function provenanceLine(p: Provenance): string {
  const commit = p.passk_commit === 'unknown' ? 'commit unknown' : p.passk_commit.slice(0, 12);
  const py = p.interpreter
    ? `python ${p.interpreter.version} ${p.interpreter.path}${Object.entries(p.interpreter.packages).map(([k, v]) => `, ${k} ${v ?? 'not installed'}`).join('')}`
    : 'python unknown';
  return `passk ${p.passk_version} (${commit}) · extraction ${p.extraction_rule} · grading ${p.grading} (grader ${p.grader_version}) · ${py}`;
}
