"""Helper of bench/lcb-agreement.ts (run with Debian's python3: it needs numpy and tqdm for the peer).

  python3 bench/lcb_agreement.py corpus OUT_DIR
      expand bench/corpus/lcb/ into OUT_DIR/problems.jsonl (LiveCodeBench rows) and
      OUT_DIR/samples.jsonl ({question_id, code, name}); expected outputs come from each problem's
      reference (stdin: its `solve`; functional: the tests as written).
  python3 bench/lcb_agreement.py peer PEER_DIR OUT_DIR [WORKERS [samples|samples_quick]]
      grade OUT_DIR/samples.jsonl with lcb_runner (PEER_DIR: a LiveCodeBench checkout) exactly as
      its codegen_metrics path does (check_correctness, timeout 6, pass = every result > 0), into
      OUT_DIR/peer-<which>.jsonl; prints the samples/s.
"""
import json
import os
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor

SLOW = {"sleep", "busy_loop", "exc_swallowed_timeout"}  # the 6 s programs, left out of the speed runs
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "corpus", "lcb"))


def _indent(text, n):
    return textwrap.indent(text, " " * n)


def _stdin_programs(problems, templates):
    names = sorted(problems)
    out, turn = [], 0
    for tname, (template, spread) in templates.items():
        for k in range(min(spread, len(names))):
            pid = names[(turn + k) % len(names)]
            solve = "def solve(data):\n" + _indent(problems[pid]["solve"], 4)
            out.append((pid, tname, template.replace("{solve}", solve)))
        turn += spread
    return out


def _functional_programs(problems, templates, extra):
    names = sorted(problems)
    out, turn = [], 0
    for tname, (template, spread) in templates.items():
        for k in range(min(spread, len(names))):
            pid = names[(turn + k) % len(names)]
            p = problems[pid]
            code = (template.replace("{func}", p["func"]).replace("{params}", p["params"])
                    .replace("{body4}", _indent(p["body"], 4)).replace("{body2}", _indent(p["body"], 12))
                    .replace("{body}", _indent(p["body"], 8)))
            out.append((pid, tname, code))
        turn += spread
    for pid, programs in extra.items():
        for tname, code in programs.items():
            out.append((pid, tname, code))
    return out


def _row(pid, kind, tests, func=None):
    cases = [{"input": i, "output": o, "testtype": kind} for i, o in tests]
    return {"question_id": pid, "question_title": pid, "question_content": f"passk lcb corpus problem {pid}",
            "platform": "passk-corpus", "contest_id": "passk", "contest_date": "2026-01-01T00:00:00",
            "difficulty": "easy", "starter_code": "",
            "metadata": json.dumps({"func_name": func} if func else {}),
            "public_test_cases": json.dumps(cases[:1]), "private_test_cases": json.dumps(cases[1:])}


def corpus(out_dir):
    import problems as P
    import programs as T
    os.makedirs(out_dir, exist_ok=True)
    rows, tests = [], {}
    for pid, p in sorted(P.STDIN.items()):
        ns = {}
        exec("def solve(data):\n" + _indent(p["solve"], 4), ns)
        tests[pid] = [(i, ns["solve"](i) + "\n") for i in p["inputs"]]
        rows.append(_row(pid, "stdin", tests[pid]))
    for pid, p in sorted(P.FUNCTIONAL.items()):
        tests[pid] = p["tests"]
        rows.append(_row(pid, "functional", p["tests"], p["func"]))
    samples = (_stdin_programs(P.STDIN, T.STDIN_TEMPLATES)
               + _functional_programs(P.FUNCTIONAL, T.FUNCTIONAL_TEMPLATES, T.FUNCTIONAL_EXTRA))
    with open(os.path.join(out_dir, "problems.jsonl"), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    with open(os.path.join(out_dir, "samples.jsonl"), "w") as f:
        for pid, name, code in samples:
            f.write(json.dumps({"question_id": pid, "name": f"{pid}/{name}", "code": code}) + "\n")
    with open(os.path.join(out_dir, "samples_quick.jsonl"), "w") as f:  # for the speed comparison
        for pid, name, code in samples:
            if name not in SLOW:
                f.write(json.dumps({"question_id": pid, "name": f"{pid}/{name}", "code": code}) + "\n")
    with open(os.path.join(out_dir, "tests.json"), "w") as f:
        json.dump({pid: {"tests": t, "fn_name": P.FUNCTIONAL.get(pid, {}).get("func")} for pid, t in tests.items()}, f)
    print(f"{len(rows)} problems, {len(samples)} programs")


def _grade(args):
    peer, sample, code = args
    sys.path.insert(0, peer)
    from lcb_runner.evaluation.compute_code_generation_metrics import check_correctness
    try:
        res, meta = check_correctness(sample, code, 6, debug=False)
    except Exception as e:  # as evaluate_generations_by_problem: the sample stays [-2] (e.g. os._exit: no metadata)
        res, meta = [-2], {"error": repr(e), "error_code": -5, "error_message": "TestRunnerError"}
    res = [bool(r) if type(r).__name__ == "bool_" else r for r in res]
    return all(r is True or (not isinstance(r, bool) and r > 0) for r in res), res, meta


def peer(peer_dir, out_dir, workers, which="samples"):
    with open(os.path.join(out_dir, "tests.json")) as f:
        tests = json.load(f)
    with open(os.path.join(out_dir, f"{which}.jsonl")) as f:
        samples = [json.loads(line) for line in f]
    jobs = []
    for s in samples:
        t = tests[s["question_id"]]
        io = {"inputs": [i for i, _ in t["tests"]], "outputs": [o for _, o in t["tests"]]}
        if t["fn_name"]:
            io["fn_name"] = t["fn_name"]
        jobs.append((peer_dir, {"input_output": json.dumps(io)}, s["code"]))
    start = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_grade, jobs))
    seconds = time.monotonic() - start
    with open(os.path.join(out_dir, f"peer-{which}.jsonl"), "w") as f:
        for s, (passed, res, meta) in zip(samples, results):
            f.write(json.dumps({"name": s["name"], "passed": passed, "results": res, "metadata": meta}, default=str) + "\n")
    sys.stderr.write(json.dumps({"peer_seconds": round(seconds, 2), "samples": len(samples),
                                 "samples_per_s": round(len(samples) / seconds, 2)}) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "corpus":
        corpus(sys.argv[2])
    else:
        peer(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 2, *sys.argv[5:6])
