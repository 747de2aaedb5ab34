"""What the pipeline offers a prompt: its agents, the template variables each one renders with, and
the options each agent accepts (typed in `_options`).

A prompt version written for an agent may use any of that agent's variables and no other. A pipeline
is checked against this contract before its first case runs, so a prompt change that names a
variable the agent does not provide, or a manifest with a misspelt option, costs one clear line, not
a run of failed cases.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import RegistryError
from app.pipeline._options import pipeline_options
from app.registry import TEMPLATE_ROLES, Pipeline, PromptVersion

# Every text below is pseudonymised before it is rendered; none carries a contact detail.
AGENT_VARIABLES: dict[str, dict[str, str]] = {
    "jd_analyst": {"jd": "the job description (injected lines removed)"},
    "evidence_mapper": {},  # rules only: it takes no prompt
    "writer": {
        "line": "the bullet to rewrite (scope: line)",
        "lines": "the entry's bullets to rewrite, a list (scope: section)",
        "role": "'<position> at <employer>' of the entry the bullet belongs to",
        "terms": "the JD requirements this bullet evidences, a list",
        "jd": "the job description",
    },
    "summary_writer": {
        "summary": "the resume's summary",
        "title": "the resume's headline (basics.label)",
        "terms": "the JD requirements the resume evidences, a list",
        "jd": "the job description",
    },
    "fact_checker": {"original": "the source line", "rewrite": "the writer's rewrite"},
}


def template_variables(prompt: PromptVersion) -> dict[str, set[str]]:
    """The variables each template of `prompt` reads, by role."""
    from jinja2 import Environment, TemplateSyntaxError, meta

    env = Environment()
    found: dict[str, set[str]] = {}
    for role in TEMPLATE_ROLES:
        try:
            found[role] = set(meta.find_undeclared_variables(env.parse(prompt.template_source(role))))
        except TemplateSyntaxError as exc:
            raise RegistryError(f"prompt {prompt.ref} {role}.j2 line {exc.lineno}: {exc.message}") from exc
    return found


def check_pipeline_contract(pipeline: Pipeline, prompts_root: Path) -> None:
    """Raise RegistryError, in one line, at the first unknown agent, invalid option or template
    variable the pipeline lacks."""
    for agent in pipeline.agents:
        if agent not in AGENT_VARIABLES:
            known = ", ".join(AGENT_VARIABLES)
            raise RegistryError(f"pipeline {pipeline.label}: unknown agent {agent!r} (agents: {known})")
    pipeline_options(pipeline)
    for agent, spec in pipeline.agents.items():
        if spec.prompt_ref is None:
            continue
        offered = AGENT_VARIABLES[agent]
        if not offered:
            raise RegistryError(
                f"pipeline {pipeline.label}: agent {agent!r} runs on rules and takes no prompt"
            )
        prompt = pipeline.prompt(prompts_root, agent)
        for role, used in template_variables(prompt).items():
            unknown = sorted(used - offered.keys())
            if unknown:
                raise RegistryError(
                    f"prompt {prompt.ref} {role}.j2 uses {{{{ {unknown[0]} }}}}, which agent {agent!r} "
                    f"does not provide (it provides: {', '.join(sorted(offered))})"
                )
