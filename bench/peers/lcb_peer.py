"""Grade a samples file with lcb_runner's own code path (bench/peers; docs/benchmarks.md, "Side by side").

Usage: python3 lcb_peer.py LCB_DIR PROBLEMS.jsonl SAMPLES.jsonl OUT.json WORKERS TIMEOUT

Calls lcb_runner.evaluation.codegen_metrics exactly as lcb_runner's runner does (scenario_router.get_metrics:
one evaluation sample per problem built like CodeGenerationProblem.get_evaluation_sample, public then
private tests; the generations of each problem in a list; num_process_evaluate = WORKERS, timeout =
TIMEOUT). Every problem must have the same number of samples (codegen_metrics asserts it). Writes
{"inner_s", "results": [[per-test results] per input row], "metadata": [...]} to OUT.json and prints
"inner_s=<seconds>" on stdout. The private tests must be plain JSON (the bench writes them so).
"""
import json
import sys
import time


def main() -> None:
    lcb_dir, problems_path, samples_path, out_path = sys.argv[1:5]
    workers, timeout = int(sys.argv[5]), int(sys.argv[6])
    sys.path.insert(0, lcb_dir)
    from lcb_runner.evaluation import codegen_metrics  # as lcb_runner.runner.scenario_router imports it

    with open(problems_path) as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    order = [row["question_id"] for row in rows]
    eval_samples = []
    for row in rows:
        tests = json.loads(row["public_test_cases"]) + json.loads(row["private_test_cases"])
        fn_name = json.loads(row["metadata"]).get("func_name", None)
        eval_samples.append({"input_output": json.dumps({
            "inputs": [t["input"] for t in tests], "outputs": [t["output"] for t in tests], "fn_name": fn_name})})
    by_problem = {qid: [] for qid in order}
    where = []  # (problem index, generation index) of each input row
    with open(samples_path) as handle:
        for line in handle:
            if line.strip():
                sample = json.loads(line)
                where.append((order.index(sample["question_id"]), len(by_problem[sample["question_id"]])))
                by_problem[sample["question_id"]].append(sample["code"])
    generations = [by_problem[qid] for qid in order]
    start = time.perf_counter()
    metrics, results, metadata = codegen_metrics(eval_samples, generations, k_list=[1],
                                                 num_process_evaluate=workers, timeout=timeout)
    inner = time.perf_counter() - start
    out = {"inner_s": inner, "pass@1": metrics["pass@1"],
           "results": [results[p][g] for p, g in where], "metadata": [metadata[p][g] for p, g in where]}
    with open(out_path, "w") as handle:
        json.dump(out, handle, default=lambda value: bool(value) if hasattr(value, "dtype") else str(value))
    print(f"inner_s={inner}", flush=True)


if __name__ == "__main__":
    main()
