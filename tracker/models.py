"""
The intake log and its guidance: each user's profile, the guidance profiles (data, editable in the
admin) and the entries people log. The rules that read them live in `tracker/guidance.py`.
"""

import hashlib
import secrets
import zoneinfo
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from foods import nutrients
from foods.models import Item, Portion
from foods.units import plain

MAX_FOOD_GRAMS = Decimal(5000)
MAX_UNITS = Decimal(100)
MAX_PORTION_COUNT = Decimal(100)
MAX_VITAMIN_D_IU = Decimal(1_000_000)
# Free doses are stored in the nutrient's own unit; these are the largest a person could mean.
MAX_DOSE = {
    nutrients.VITAMIN_D.code: MAX_VITAMIN_D_IU / 40,  # µg
    nutrients.K2_MK4.code: Decimal(100_000),  # µg
    nutrients.K2_MK7.code: Decimal(100_000),  # µg
    nutrients.CALCIUM.code: Decimal(10_000),  # mg
}
DOSE_NUTRIENTS = [(code, nutrients.BY_CODE[code].label) for code in MAX_DOSE]


class GuidanceProfile(models.Model):
    """A named source's D-to-K2 pairing rule: brackets on daily vitamin D, or a ratio."""

    class Method(models.TextChoices):
        BRACKETS = "brackets", "Brackets on daily vitamin D"
        RATIO = "ratio", "K2 in proportion to vitamin D"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    source = models.TextField(help_text="Where the rule comes from.")
    method = models.CharField(max_length=10, choices=Method.choices)
    is_default = models.BooleanField(default=False)
    mk4_per_mk7_equivalent = models.DecimalField(
        "MK-4 per MK-7 equivalent",
        max_digits=6,
        decimal_places=2,
        default=nutrients.DEFAULT_MK4_PER_MK7_EQUIVALENT,
        validators=[MinValueValidator(Decimal(1))],
        help_text="How many µg of MK-4 count as 1 µg of MK-7 (article A: 10).",
    )
    k2_ug_per_1000_iu = models.DecimalField(
        "K2 µg per 1,000 IU", max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))], help_text="Ratio profiles only.",
    )
    child_k2_target_ug = models.DecimalField(
        "children's K2 target (µg)", max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="A daily minimum for children, where the source gives one.",
    )
    ratio_advice = models.TextField(blank=True, help_text="Ratio profiles only: the advice shown with the target.")

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_profile"),
            models.CheckConstraint(condition=Q(mk4_per_mk7_equivalent__gte=1), name="mk4_factor_at_least_one"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        return cls.objects.filter(is_default=True).first() or cls.objects.first()


class GuidanceBracket(models.Model):
    """One row of a brackets profile: from this daily vitamin D on, this K2 target applies."""

    profile = models.ForeignKey(GuidanceProfile, on_delete=models.CASCADE, related_name="brackets")
    from_vitamin_d_iu = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    includes_from = models.BooleanField(
        default=True, help_text="Whether exactly this much vitamin D belongs here (1,000 IU does; 2,000 does not)."
    )
    k2_target_min_ug = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Empty: no target for this bracket."
    )
    k2_target_max_ug = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Empty: no upper bound."
    )
    advice = models.TextField()

    class Meta:
        ordering = ["profile", "from_vitamin_d_iu", "includes_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "from_vitamin_d_iu", "includes_from"], name="one_bracket_per_bound"
            ),
            models.CheckConstraint(
                condition=Q(k2_target_max_ug=None) | Q(k2_target_min_ug__lte=models.F("k2_target_max_ug")),
                name="bracket_min_below_max",
            ),
        ]

    def __str__(self):
        word = "from" if self.includes_from else "over"
        return f"{self.profile}: {word} {self.from_vitamin_d_iu:,.0f} IU"

    def admits(self, vitamin_d_iu):
        if self.includes_from:
            return vitamin_d_iu >= self.from_vitamin_d_iu
        return vitamin_d_iu > self.from_vitamin_d_iu


def validate_timezone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"{name!r} is not a time zone we know. Pick one from the list.")


class ProfileQuerySet(models.QuerySet):
    def for_user(self, user):
        """The user's profile, made with the defaults on first use."""
        profile, _ = self.get_or_create(user=user)
        return profile


class Profile(models.Model):
    class VitaminDUnit(models.TextChoices):
        IU = "IU", "IU"
        UG = "ug", "µg"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    vitamin_d_unit = models.CharField(
        "show vitamin D in", max_length=2, choices=VitaminDUnit.choices, default=VitaminDUnit.IU
    )
    guidance_profile = models.ForeignKey(
        GuidanceProfile, on_delete=models.PROTECT, null=True, blank=True,
        help_text="Whose pairing guidance to compare your day with.",
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    takes_warfarin = models.BooleanField("I take warfarin (Coumadin)", default=False)
    kidney_disease = models.BooleanField("I have chronic kidney disease, stage 4–5", default=False)
    pregnant = models.BooleanField("I am pregnant", default=False)
    is_child = models.BooleanField("This log is for a child", default=False)

    objects = ProfileQuerySet.as_manager()

    def __str__(self):
        return f"Profile of {self.user}"

    def today(self):
        """The user's local date now: days in Tandem are the user's own days."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.timezone))

    def effective_guidance_profile(self):
        return self.guidance_profile or GuidanceProfile.default()


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast"
    LUNCH = "lunch", "Lunch"
    DINNER = "dinner", "Dinner"
    SNACK = "snack", "Snacks"


class AmountOfSomething:
    """What an Entry and a Routine share: an amount of an item, or a free dose of one nutrient."""

    @property
    def is_dose(self):
        return self.item_id is None

    @property
    def label(self):
        return self.item.name if self.item_id else nutrients.BY_CODE[self.dose_nutrient].label

    @property
    def quantity_label(self):
        """How the amount reads: "150 g", "2 × 1 large egg yolk", "5000 IU"."""
        quantity = plain(self.quantity)
        if self.quantity_unit == Entry.Unit.PORTION and self.portion_id:
            return f"{quantity} × {self.portion.label}"
        return f"{quantity} {Entry.Unit(self.quantity_unit).label}"


class EntryQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def on(self, day):
        return self.filter(day=day)

    def between(self, first_day, last_day):
        return self.filter(day__gte=first_day, day__lte=last_day)


class Entry(AmountOfSomething, models.Model):
    """
    One thing a person ate or took: an amount of a catalog item, or a free dose of one nutrient.

    For an item, `basis_factor` says how many of the item's bases (100 g, or units) were taken, so a
    total is Σ value × basis_factor, summed by the database. `quantity` and `quantity_unit` keep what
    the person typed ("2" × "1 large egg yolk", "150" g) for display and editing.
    """

    class Unit(models.TextChoices):
        GRAMS = "g", "g"
        PORTION = "portion", "portion"
        UNITS = "unit", "unit"
        IU = "IU", "IU"
        UG = "ug", "µg"
        MG = "mg", "mg"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries")
    day = models.DateField(help_text="The user's local day.")
    time = models.TimeField(null=True, blank=True)
    meal = models.CharField(max_length=10, choices=Meal.choices)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    portion = models.ForeignKey(Portion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    quantity_unit = models.CharField(max_length=8, choices=Unit.choices)
    basis_factor = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    dose_nutrient = models.CharField(max_length=32, choices=DOSE_NUTRIENTS, blank=True)
    dose_amount = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="In the nutrient's stored unit."
    )
    routine = models.ForeignKey(
        "Routine", on_delete=models.SET_NULL, null=True, blank=True, related_name="entries",
        help_text="The routine whose scheduled dose this entry logged.",
    )
    created = models.DateTimeField(auto_now_add=True)
    # What a client sent to log this entry once however often its request arrives (a double click, a retry
    # after a timeout): the add forms' hidden field, the API's Idempotency-Key header. Empty: none was sent.
    idempotency_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["day", "time", "created", "pk"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["user", "day"], name="entry_user_day")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="entry_quantity_positive"),
            models.CheckConstraint(
                condition=(
                    Q(item__isnull=False, basis_factor__gt=0, dose_nutrient="", dose_amount=None)
                    | Q(item=None, basis_factor=None, portion=None, dose_nutrient__in=list(MAX_DOSE), dose_amount__gt=0)
                ),
                name="entry_is_an_item_or_a_dose",
            ),
            # A routine's dose is logged once a day, however many tabs click "Log".
            models.UniqueConstraint(
                fields=["routine", "day"], condition=Q(routine__isnull=False), name="one_entry_per_routine_and_day"
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], condition=~Q(idempotency_key=""),
                name="one_entry_per_idempotency_key",
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.get_meal_display()}: {self.quantity_label} {self.label}"


    def nutrient_amounts(self):
        """{code: amount this entry gave, or None when its item has no value}; a dose gives one nutrient."""
        if self.is_dose:
            return {self.dose_nutrient: self.dose_amount}
        return {
            code: None if amount is None else amount * self.basis_factor
            for code, amount in self.item.nutrient_amounts().items()
        }


WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ALL_WEEKDAYS = 0b1111111
MAX_INTERVAL_DAYS = 366


class RoutineQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def running_on(self, day):
        """Routines that have started, have not ended and are not paused on `day` (due or not)."""
        paused = RoutinePause.objects.filter(routine=models.OuterRef("pk")).covering(day)
        return self.filter(Q(starts_on__lte=day), Q(ends_on=None) | Q(ends_on__gte=day), ~models.Exists(paused))


class Routine(AmountOfSomething, models.Model):
    """
    Something a person takes on a schedule ("my stack"): an amount of an item, or a free dose, in a meal slot.

    The amount is kept as the person typed it, in the same fields as an Entry (`quantity` of
    `quantity_unit`, of `item` or `portion`, or a `dose_nutrient`), so logging it goes through the same
    rules as logging by hand (`tracker.entries.routine_entry`).
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKDAYS = "weekdays", "On chosen weekdays"
        INTERVAL = "interval", "Every N days"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="routines")
    # A portion its item's owner removes leaves the routine without one: logging it then asks for an edit.
    portion = models.ForeignKey(Portion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    quantity_unit = models.CharField(max_length=8, choices=Entry.Unit.choices)
    dose_nutrient = models.CharField(max_length=32, choices=DOSE_NUTRIENTS, blank=True)
    meal = models.CharField(max_length=10, choices=Meal.choices)
    time = models.TimeField(null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    weekdays = models.PositiveSmallIntegerField(
        default=0, help_text="Chosen weekdays as bits: Monday is 1, Tuesday 2, … Sunday 64."
    )
    every_n_days = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_INTERVAL_DAYS)]
    )
    starts_on = models.DateField(help_text="The first scheduled day; every N days counts from here.")
    ends_on = models.DateField(null=True, blank=True, help_text="The last scheduled day; empty: no end.")
    created = models.DateTimeField(auto_now_add=True)

    objects = RoutineQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "time", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="routine_quantity_positive"),
            models.CheckConstraint(
                condition=(
                    Q(item__isnull=False, dose_nutrient="", quantity_unit__in=["g", "portion", "unit"])
                    | Q(item=None, portion=None, dose_nutrient__in=list(MAX_DOSE), quantity_unit__in=["IU", "ug", "mg"])
                ),
                name="routine_is_an_item_or_a_dose",
            ),
            models.CheckConstraint(
                condition=(
                    Q(frequency="daily")
                    | Q(frequency="weekdays", weekdays__gte=1, weekdays__lte=ALL_WEEKDAYS)
                    | Q(frequency="interval", every_n_days__gte=1, every_n_days__lte=MAX_INTERVAL_DAYS)
                ),
                name="routine_schedule_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(ends_on=None) | Q(ends_on__gte=models.F("starts_on")), name="routine_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        return f"{self.label}, {self.quantity_label}, {self.schedule_label}"


    @property
    def weekday_numbers(self):
        """The chosen weekdays as date.weekday() numbers (Monday is 0)."""
        return [number for number in range(7) if self.weekdays & (1 << number)]

    @property
    def schedule_label(self):
        if self.frequency == self.Frequency.WEEKDAYS:
            return "on " + ", ".join(WEEKDAY_NAMES[number][:3] for number in self.weekday_numbers)
        if self.frequency == self.Frequency.INTERVAL and self.every_n_days > 1:
            return f"every {self.every_n_days} days"
        return "every day"

    def is_running_on(self, day):
        """Started, not ended, not paused on `day`. Reads `pauses`: prefetch them for many routines."""
        return (
            self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
            and not any(pause.covers(day) for pause in self.pauses.all())
        )

    @property
    def current_pause(self):
        """The pause not yet resumed, if any."""
        return next((pause for pause in self.pauses.all() if pause.last_day is None), None)

    def is_due_on(self, day):
        """Whether the schedule asks for a dose on `day`."""
        return self.is_running_on(day) and self.frequency_falls_on(day)

    def frequency_falls_on(self, day):
        """Whether the frequency alone asks for a dose on `day`, whatever the dates and pauses say."""
        if self.frequency == self.Frequency.WEEKDAYS:
            return bool(self.weekdays & (1 << day.weekday()))
        if self.frequency == self.Frequency.INTERVAL:
            return (day - self.starts_on).days % self.every_n_days == 0
        return True

    def due_days(self, first_day, last_day):
        """Every day from `first_day` to `last_day` (both included) the schedule asks for a dose."""
        day, days = first_day, []
        while day <= last_day:
            if self.is_due_on(day):
                days.append(day)
            day += timedelta(days=1)
        return days


class RoutinePauseQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(Q(first_day__lte=day), Q(last_day=None) | Q(last_day__gte=day))


class RoutinePause(models.Model):
    """Days a routine was paused: no dose is due, and adherence does not count them as missed."""

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="pauses")
    first_day = models.DateField()
    last_day = models.DateField(null=True, blank=True, help_text="The last paused day; empty: still paused.")

    objects = RoutinePauseQuerySet.as_manager()

    class Meta:
        ordering = ["routine", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day=None) | Q(last_day__gte=models.F("first_day")), name="pause_ends_after_it_starts"
            ),
            models.UniqueConstraint(fields=["routine"], condition=Q(last_day=None), name="one_open_pause_per_routine"),
        ]

    def __str__(self):
        return f"{self.routine} paused from {self.first_day}"

    def covers(self, day):
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class ApiToken(models.Model):
    """
    A key for the JSON API, sent as `Authorization: Bearer <key>`.

    Only a SHA-256 digest of the key is stored, as Django stores passwords hashed: a leaked database
    does not leak working keys. The key itself is shown once, when it is made.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="Where you use it, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to recognise it.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.prefix}… ({self.name or 'API token'})"

    @staticmethod
    def digest_of(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name=""):
        """A new token for `user`, and its key (the only time the key is known)."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.digest_of(key), prefix=key[:8])
        return token, key

    @classmethod
    def user_for_key(cls, key):
        """The user whose token has this key, or None; notes when the token was last used."""
        token = cls.objects.select_related("user").filter(digest=cls.digest_of(key), user__is_active=True).first()
        if token is None:
            return None
        now = timezone.now()
        # To the minute is enough to tell a token in use from a forgotten one, and spares most calls a write.
        if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
            cls.objects.filter(pk=token.pk).update(last_used=now)
        return token.user
