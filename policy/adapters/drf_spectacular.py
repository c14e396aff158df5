"""drf-spectacular's `AutoSchema._get_parameters` and `_get_response_bodies`: the one place each
operation's parameters and response bodies are final, with no public hook after them.

policy.api.schema and policy.api.schema_responses override the two public-named hooks below instead."""

from drf_spectacular.openapi import AutoSchema


class AdaptedAutoSchema(AutoSchema):
    def adjust_parameters(self, parameters):
        """The operation's parameters (OpenAPI dicts), to change in place or replace."""
        return parameters

    def adjust_response_bodies(self, responses, direction):
        """{status code: response} of the operation, to change in place or replace."""
        return responses

    def _get_parameters(self):
        return self.adjust_parameters(super()._get_parameters())

    def _get_response_bodies(self, direction="response"):
        return self.adjust_response_bodies(super()._get_response_bodies(direction), direction)
