"""The pure domain of TRT Local: catalog, pricing and quotes, money, job states, input checks.

Imports nothing outside the standard library (no telegram, textual, httpx, aiosqlite), so every
layer can use it and it can be tested without I/O.
"""

from trt_local.core.catalog import default_catalog, load_catalog
from trt_local.core.categories import CATEGORIES, Category, category_by_id, category_by_key
from trt_local.core.errors import (
    AmountError,
    AmountErrorCode,
    DomainError,
    InputError,
    InputErrorCode,
    InsufficientFunds,
    InvalidTransition,
    JobLimitReached,
    ModelUnavailable,
    QuotaExceeded,
)
from trt_local.core.inputs import InputSpec, InputType, wizard_order
from trt_local.core.jobs import (
    TERMINAL,
    JobStatus,
    JobTiming,
    OutputKind,
    can_transition,
    next_poll_delay,
    poll_delay_for,
    timing_for,
    transition,
)
from trt_local.core.model_spec import Catalog, DisabledReason, ModelSpec, model_key
from trt_local.core.money import format_money, parse_amount
from trt_local.core.pricing import (
    CreditEstimate,
    PriceSettings,
    Quote,
    QuoteBasis,
    credits_for,
    credits_to_minor,
    local_day,
    quote,
)
from trt_local.core.pricing_rule import Confidence, PriceCase, PricingRule, PricingUnit
from trt_local.core.validation import (
    append_media,
    build_kie_input,
    check_media_duration,
    validate_value,
)

__all__ = [
    "CATEGORIES",
    "TERMINAL",
    "AmountError",
    "AmountErrorCode",
    "Catalog",
    "Category",
    "Confidence",
    "CreditEstimate",
    "DisabledReason",
    "DomainError",
    "InputError",
    "InputErrorCode",
    "InputSpec",
    "InputType",
    "InsufficientFunds",
    "InvalidTransition",
    "JobLimitReached",
    "JobStatus",
    "JobTiming",
    "ModelSpec",
    "ModelUnavailable",
    "OutputKind",
    "PriceCase",
    "PriceSettings",
    "PricingRule",
    "PricingUnit",
    "QuotaExceeded",
    "Quote",
    "QuoteBasis",
    "append_media",
    "build_kie_input",
    "can_transition",
    "category_by_id",
    "category_by_key",
    "check_media_duration",
    "credits_for",
    "credits_to_minor",
    "default_catalog",
    "format_money",
    "load_catalog",
    "local_day",
    "model_key",
    "next_poll_delay",
    "parse_amount",
    "poll_delay_for",
    "quote",
    "timing_for",
    "transition",
    "validate_value",
    "wizard_order",
]
