"""
The pages where the work on a response is done: one response's page with the writing, sign-off,
deletion and review of its updates, chasing from it, and each person's home page with what they
must do next. They bring `responses`, `evidence` and `deadlines` together, so they sit above all
three (docs/architecture.md).
"""
