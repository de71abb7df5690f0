"""Live settings: validated on write, stored, used by the next quote without a restart."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from trt_local.core import Catalog, ModelUnavailable
from trt_local.core.jobs import TIMINGS, OutputKind
from trt_local.core.pricing import PriceSettings
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.runtime_settings import OperatorTexts, RuntimeSettings, SettingsError
from trt_local.storage.db import Database
from trt_local.storage.settings import SettingsRepo

from .conftest import MakeUser
from .helpers import FakeClock

PAID = "nano-banana-pro"
CAT = {"prompt": "a cat on a roof"}


async def test_defaults_until_an_admin_changes_something(settings: RuntimeSettings) -> None:
    assert settings.prices == PriceSettings()
    assert (settings.per_user_job_cap, settings.global_job_cap) == (3, 50)
    assert settings.timing(OutputKind.VIDEO) == TIMINGS[OutputKind.VIDEO]


async def test_a_price_change_is_used_by_the_next_quote_and_survives_a_restart(
    generation: GenerationService,
    settings: RuntimeSettings,
    db: Database,
    catalog: Catalog,
    make_user: MakeUser,
) -> None:
    user = await make_user(100)
    before = await generation.quote(user, PAID, CAT)

    await settings.update_prices(markup="4.0")

    after = await generation.quote(user, PAID, CAT)
    assert after.price_minor == 2 * before.price_minor
    reopened = await RuntimeSettings.open(db, catalog)
    assert reopened.prices.markup == Decimal("4.0")


@pytest.mark.parametrize(
    "change",
    [{"markup": "0.5"}, {"currency": "XYZ"}, {"free_per_day": -1}, {"timezone": "Mars/Base"}],
)
async def test_unusable_prices_are_refused_and_nothing_is_stored(
    settings: RuntimeSettings, db: Database, catalog: Catalog, change: dict[str, object]
) -> None:
    with pytest.raises(SettingsError):
        await settings.update_prices(**change)

    assert settings.prices == PriceSettings()
    assert (await RuntimeSettings.open(db, catalog)).prices == PriceSettings()


async def test_caps_and_deadlines_are_validated(settings: RuntimeSettings) -> None:
    with pytest.raises(SettingsError):
        await settings.set_job_caps(per_user=0)
    with pytest.raises(SettingsError):
        await settings.set_deadline(OutputKind.IMAGE, 5)

    await settings.set_job_caps(per_user=5, global_cap=20)
    await settings.set_deadline(OutputKind.IMAGE, 120)

    assert (settings.per_user_job_cap, settings.global_job_cap) == (5, 20)
    assert settings.timing(OutputKind.IMAGE).deadline_s == 120
    await settings.set_deadline(OutputKind.IMAGE, None)
    assert settings.timing(OutputKind.IMAGE) == TIMINGS[OutputKind.IMAGE]


async def test_a_new_deadline_applies_to_the_next_job(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    await settings.set_deadline(OutputKind.IMAGE, 120)
    user = await make_user(101, balance=5000)

    job = await generation.confirm(user=user, chat_id=101, model_id=PAID, values=CAT, ref="d")
    await engine.run_once()  # Kie accepts it: the generation's deadline starts

    running = await generation.get(job.id)
    assert running is not None and running.started_at is not None
    assert running.deadline_at == running.started_at + 120


async def test_switching_models_on_and_off(
    generation: GenerationService,
    settings: RuntimeSettings,
    db: Database,
    catalog: Catalog,
    make_user: MakeUser,
) -> None:
    user = await make_user(102, balance=5000)
    await settings.set_model_enabled(PAID, False)
    with pytest.raises(ModelUnavailable):
        await generation.quote(user, PAID, CAT)

    await settings.set_model_enabled("google/imagen4-fast", True)
    assert (await generation.quote(user, "google/imagen4-fast", CAT)).price_minor == 0

    with pytest.raises(SettingsError):
        await settings.set_model_enabled("mj_txt2img", True)  # its API family is not supported
    with pytest.raises(ModelUnavailable):
        await settings.set_model_enabled("no/such-model", True)

    reopened = await RuntimeSettings.open(db, catalog)
    assert dict(reopened.model_overrides) == {PAID: False, "google/imagen4-fast": True}
    await reopened.set_model_enabled(PAID, None)  # back to the catalog default
    model = reopened.catalog().get(PAID)
    assert model is not None and model.enabled


async def test_a_corrupt_stored_value_falls_back_to_the_default(
    db: Database, catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    await SettingsRepo(db).put("prices", {"markup": "lots"})
    await SettingsRepo(db).put("jobs.per_user_cap", "three")

    with caplog.at_level(logging.WARNING, logger="trt.settings"):
        settings = await RuntimeSettings.open(db, catalog)

    assert settings.prices == PriceSettings()
    assert settings.per_user_job_cap == 3
    assert len(caplog.records) == 2


async def test_operator_texts_default_to_the_config_and_survive_a_reopen(
    db: Database, catalog: Catalog
) -> None:
    config = OperatorTexts(support_contact="@cfg", payment_details="Card 2200", terms_text="")
    settings = await RuntimeSettings.open(db, catalog, config)
    assert settings.operator == config and settings.payment_details == "Card 2200"

    await settings.set_operator(payment_details="  IBAN DE00  ", terms_text="Be nice.")
    await settings.set_operator(manual_payments=False)
    reopened = await RuntimeSettings.open(db, catalog, config)
    assert reopened.operator.payment_details == "IBAN DE00"
    assert reopened.operator.terms_text == "Be nice."
    assert reopened.payment_details == ""  # switched off: nobody is offered a transfer

    await reopened.set_operator(payment_details=None, manual_payments=True)  # back to the config
    assert reopened.payment_details == "Card 2200"
    assert reopened.operator_overridden == frozenset({"terms_text", "manual_payments"})


async def test_operator_changes_are_refused_whole(db: Database, catalog: Catalog) -> None:
    settings = await RuntimeSettings.open(db, catalog)  # no payment details configured
    with pytest.raises(SettingsError, match="manual payments need payment details"):
        await settings.set_operator(manual_payments=True)
    with pytest.raises(SettingsError, match="support_contact must be at most 200 characters"):
        await settings.set_operator(support_contact="x" * 201, terms_text="kept?")
    assert settings.operator == OperatorTexts()
    assert (await RuntimeSettings.open(db, catalog)).operator == OperatorTexts()
