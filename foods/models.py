"""
The food catalog: foods (values per 100 g) and supplement products (values per unit), their named
portions, and nutrient values that each carry their own source. A nutrient with no stored value is
unknown, never zero.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from foods import nutrients
from foods.nutrients import CARBOHYDRATE, ENERGY, FAT, PROTEIN
from foods.units import plain

# Per 100 g or per unit, no food or product holds more than this of anything: a larger number is a
# typing slip (a 5,000,000 IU "softgel").
MAX_AMOUNT_PER_BASIS = Decimal(1_000_000)
# The heaviest portions USDA lists are whole birds and gourds of up to 5.7 kg; a user's own log
# entry has its own, lower limit (tracker.models.MAX_FOOD_GRAMS).
MAX_PORTION_GRAMS = Decimal(10000)
MAX_PORTION_UNITS = Decimal(1000)

# Atwater's general factors (kcal per g of protein, carbohydrate, fat). USDA uses food-specific
# factors and counts alcohol, so a stored energy may stray a little; more than this is flagged.
ATWATER_KCAL_PER_G = {PROTEIN.code: 4, CARBOHYDRATE.code: 4, FAT.code: 9}
ENERGY_TOLERANCE_RATIO = Decimal("0.15")
ENERGY_TOLERANCE_KCAL = Decimal(15)


class Source(models.Model):
    """Where a nutrient value or portion weight comes from."""

    class Kind(models.TextChoices):
        USDA_SR28 = "usda_sr28", "USDA SR28"
        USDA_FDC = "usda_fdc", "USDA FoodData Central"
        PUBLISHED_TABLE = "published_table", "Published table"
        ARTICLE = "article", "Article"
        PRODUCT_LABEL = "product_label", "Product label"
        USER_ENTRY = "user_entry", "User entry"

    key = models.SlugField(max_length=80, unique=True, help_text="A stable short name, e.g. usda-sr28.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    citation = models.TextField()
    url = models.URLField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["citation"]

    def __str__(self):
        return self.citation if len(self.citation) <= 80 else self.citation[:77] + "…"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    usda_group_code = models.CharField(
        max_length=4, unique=True, null=True, blank=True, help_text="SR28 FdGrp_Cd or FDC food_category code."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


# Item's sort keys for the catalog list, kept by foods.rankings.
RANKING_FIELDS = ["rank_k2_mk7_equivalent_ug", "rank_vitamin_d_ug", "typical_portion_factor"]


class ItemQuerySet(models.QuerySet):
    def catalog(self):
        """Items everyone sees: not one user's own."""
        return self.filter(owner=None)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.catalog()
        return self.filter(Q(owner=None) | Q(owner=user))

    def with_nutrients(self, codes=None):
        """Annotate each nutrient (or those in `codes`) as an attribute named by its code.

        An unknown value comes back as None.
        """
        codes = codes or [n.code for n in nutrients.NUTRIENTS]
        # order_by(): the model's default ordering (by item, i.e. by the item's name) would make each
        # lookup join foods_item and sort; there is at most one row anyway.
        amounts = {
            code: Subquery(
                NutrientValue.objects.filter(item=OuterRef("pk"), nutrient=code).order_by().values("amount")[:1]
            )
            for code in codes
        }
        return self.annotate(**amounts)


class Item(models.Model):
    """A food (values per 100 g) or a supplement product (values per unit)."""

    class Kind(models.TextChoices):
        FOOD = "food", "Food"
        SUPPLEMENT = "supplement", "Supplement"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FOOD)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    brand = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_items",
        help_text="Empty for the shared catalog; set for a user's private item.",
    )
    seed_key = models.SlugField(
        max_length=80, unique=True, null=True, blank=True, editable=False,
        help_text="Stable key of an item from the seed catalog (load_catalog).",
    )
    usda_ndb_number = models.CharField(
        "USDA NDB number", max_length=8, unique=True, null=True, blank=True, help_text="SR28 NDB_No."
    )
    fdc_id = models.PositiveIntegerField("FDC id", unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # What the catalog list sorts by, kept by foods.rankings.refresh_rankings from the values and
    # portions: sort keys only (floats), never shown; NULL when unknown, so it sorts last.
    rank_k2_mk7_equivalent_ug = models.FloatField(
        null=True, editable=False, help_text="K2 as MK-7 equivalent per basis (default MK-4 factor)."
    )
    rank_vitamin_d_ug = models.FloatField(null=True, editable=False, help_text="Vitamin D per basis.")
    typical_portion_factor = models.FloatField(
        null=True, editable=False, help_text="How many bases the typical portion holds (grams / 100, or units)."
    )

    objects = ItemQuerySet.as_manager()
    # The ranking columns are derived from values and portions, whose own history is kept.
    history = HistoricalRecords(excluded_fields=RANKING_FIELDS)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="item_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.brand})" if self.brand else self.name

    def save(self, *args, **kwargs):
        # The ranking columns are written by foods.rankings alone: an item read before its values last
        # changed (or made before them, as a form does) would otherwise write back its stale copy.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            skipped = {*RANKING_FIELDS, *self.get_deferred_fields()}
            kwargs["update_fields"] = [
                field.attname for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in skipped
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("foods:detail", args=[self.pk])

    @property
    def is_supplement(self):
        return self.kind == self.Kind.SUPPLEMENT

    @property
    def basis(self):
        """What every nutrient amount of this item is given per: "100g" or "unit"."""
        return "unit" if self.is_supplement else "100g"

    @property
    def basis_label(self):
        return "per unit" if self.is_supplement else "per 100 g"

    def nutrient_amounts(self):
        """{code: amount per basis, or None when unknown} for every nutrient we track."""
        stored = {value.nutrient: value.amount for value in self.nutrient_values.all()}
        return {n.code: stored.get(n.code) for n in nutrients.NUTRIENTS}

    def energy_mismatch(self):
        """A message when stored energy is far from 4/4/9 of the macros, else None."""
        amounts = self.nutrient_amounts()
        return energy_mismatch(amounts)


def energy_mismatch(amounts):
    """Compare energy with Atwater's 4/4/9 of protein, carbohydrate and fat (any unknown: no check)."""
    energy = amounts.get(ENERGY.code)
    macros = {code: amounts.get(code) for code in ATWATER_KCAL_PER_G}
    if energy is None or any(value is None for value in macros.values()):
        return None
    expected = sum(ATWATER_KCAL_PER_G[code] * value for code, value in macros.items())
    difference = abs(energy - expected)
    if difference <= ENERGY_TOLERANCE_KCAL or difference <= ENERGY_TOLERANCE_RATIO * expected:
        return None
    return (
        f"Energy {energy:.0f} kcal is far from the {expected:.0f} kcal that 4/4/9 of protein, "
        f"carbohydrate and fat give. Check the values."
    )


class NutrientValue(models.Model):
    """How much of one nutrient an item holds per its basis, and where that figure comes from."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="nutrient_values")
    nutrient = models.CharField(max_length=32, choices=nutrients.CHOICES)
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_PER_BASIS)],
        help_text="Per 100 g for a food, per unit for a supplement, in the nutrient's unit.",
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="nutrient_values")
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "nutrient"]
        constraints = [
            models.UniqueConstraint(fields=["item", "nutrient"], name="one_value_per_item_nutrient"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MAX_AMOUNT_PER_BASIS),
                name="nutrient_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(nutrient__in=list(nutrients.BY_CODE)), name="nutrient_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.item}: {plain(self.amount)} {self.unit} {nutrients.BY_CODE[self.nutrient].label}"

    @property
    def unit(self):
        return nutrients.BY_CODE[self.nutrient].unit


class Portion(models.Model):
    """A named amount of an item: "1 large egg yolk" = 17 g, or "2 drops" = 2 units."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="portions")
    label = models.CharField(max_length=120)
    grams = models.DecimalField(
        max_digits=9, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(MAX_PORTION_GRAMS)],
        help_text="For foods: the portion's weight in grams.",
    )
    units = models.DecimalField(
        max_digits=9, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(MAX_PORTION_UNITS)],
        help_text="For supplements: how many units (softgels, drops) the portion holds.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="The first portion is the typical one.")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="portions"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "label"], name="portion_label_unique_per_item"),
            models.CheckConstraint(
                condition=(
                    Q(grams__gt=0, grams__lte=MAX_PORTION_GRAMS, units=None)
                    | Q(units__gt=0, units__lte=MAX_PORTION_UNITS, grams=None)
                ),
                name="portion_has_grams_or_units",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.quantity_label})"

    @property
    def quantity_label(self):
        if self.grams is not None:
            return f"{plain(self.grams)} g"
        return f"{plain(self.units)} {'unit' if self.units == 1 else 'units'}"

    def clean(self):
        if self.item_id is None and not Portion.item.is_cached(self):
            return
        if self.item.is_supplement:
            if self.units is None or self.grams is not None:
                raise ValidationError({"units": "A supplement's portion is a number of units, not grams."})
        elif self.grams is None or self.units is not None:
            raise ValidationError({"grams": "A food's portion is a weight in grams."})

    def basis_factor(self):
        """How many bases (100 g or units) this portion holds: multiply per-basis values by it."""
        if self.grams is not None:
            return self.grams / 100
        return self.units
