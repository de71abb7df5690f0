"""The catalog's families and the client's family adapters are the same set."""

from trt_local.core.model_spec import SUPPORTED_ENDPOINTS
from trt_local.kie.families import family_names
from trt_local.kie.sandbox_families import SANDBOX_FAMILIES


def test_every_supported_endpoint_has_a_client_adapter_and_a_sandbox_encoding() -> None:
    # A catalog model marked supported must be runnable end to end, and the demo must run it offline.
    assert family_names() == SUPPORTED_ENDPOINTS
    assert set(SANDBOX_FAMILIES) == set(SUPPORTED_ENDPOINTS)
