"""The verdict of a call: the operator's scorecard, the virtual client's fidelity, the cost.

Pure: no AWS, no network. ``evaluate(facts, script, scorecard, judge, pricing)`` is the entry
point; the input models live in ``facts``, the scorecard spec in ``scorecard``, the output models
in ``result``. docs/verdict.md describes the rules and the formula.
"""
