"""Settings of the money-in side: Stars top-ups, manual transfers, referrals and bonuses.

Pure and validated like :class:`~trt_local.core.pricing.PriceSettings`; the live values are kept
by ``services.runtime_settings`` (key ``money_in``) and edited by admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MAX_TOPUP_MINOR = 10_000_000  # 100 000 in the bot's currency: a typo guard, not a business rule


@dataclass(frozen=True, slots=True)
class MoneyInSettings:
    stars_per_unit: Decimal = Decimal("1.6")  # ⭐ per unit of the bot's currency (per ₽)
    presets_minor: tuple[int, ...] = (5_000, 10_000, 15_000, 50_000)  # 50 / 100 / 150 / 500
    min_topup_minor: int = 5_000  # 50
    max_topup_minor: int = 5_000_000  # 50 000
    transfer_expiry_hours: int = 72  # a pending manual transfer expires after this long
    referral_free: int = 10  # free generations each for the inviter and the invited
    referral_bonus_minor: int = 0  # money instead of (or as well as) free generations
    referral_commission_pct: int = 0  # of the invited user's top-ups, credited to the inviter
    welcome_bonus_minor: int = 0  # money for every new user
    welcome_free: int = 0  # free generations for every new user

    def stars_for(self, amount_minor: int) -> int:
        """Whole Stars for a top-up of ``amount_minor`` (rounded up: never sell below the rate)."""
        stars = Decimal(amount_minor) * self.stars_per_unit / 100
        return int(stars.to_integral_value(rounding="ROUND_CEILING"))

    def validate(self) -> tuple[str, ...]:
        problems: list[str] = []
        if not isinstance(self.stars_per_unit, Decimal) or not (
            self.stars_per_unit.is_finite() and self.stars_per_unit > 0
        ):
            problems.append("stars_per_unit must be a positive decimal number")
        if not 0 < self.min_topup_minor <= self.max_topup_minor <= MAX_TOPUP_MINOR:
            problems.append("top-up limits must satisfy 0 < min <= max <= 100000")
        if not self.presets_minor or any(
            not self.min_topup_minor <= p <= self.max_topup_minor for p in self.presets_minor
        ):
            problems.append("every preset must lie between the minimum and maximum top-up")
        if not 1 <= self.transfer_expiry_hours <= 24 * 30:
            problems.append("transfer_expiry_hours must be from 1 to 720")
        for name in ("referral_free", "welcome_free"):
            if not 0 <= getattr(self, name) <= 1000:
                problems.append(f"{name} must be from 0 to 1000")
        for name in ("referral_bonus_minor", "welcome_bonus_minor"):
            if not 0 <= getattr(self, name) <= MAX_TOPUP_MINOR:
                problems.append(f"{name} must be from 0 to 100000 in minor units")
        if not 0 <= self.referral_commission_pct <= 50:
            problems.append("referral_commission_pct must be from 0 to 50")
        return tuple(problems)
