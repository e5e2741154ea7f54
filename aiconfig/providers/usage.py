"""Token usage as a provider reports it, for one call or summed over several."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def of(cls, prompt: int | None, completion: int | None, total: int | None = None) -> Usage:
        prompt, completion = int(prompt or 0), int(completion or 0)
        return cls(prompt, completion, int(total) if total else prompt + completion)

    def as_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }
