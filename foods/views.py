from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from foods.catalog_search import SORTS, CatalogFilters, catalog_page
from foods.food_facts import food_facts, items_for_food_page
from foods.models import Category, Item


@require_GET
def food_list(request):
    filters = CatalogFilters.from_params(request.GET)
    page = catalog_page(request.user, filters, request.GET.get("page"))
    ctx = {
        "page": page,
        "filters": filters,
        "categories": Category.objects.all(),
        "kinds": Item.Kind.choices,
        "sorts": SORTS,
    }
    return render(request, "foods/food_list.html", ctx)


@require_GET
def food_detail(request, pk):
    item = get_object_or_404(items_for_food_page(request.user), pk=pk)
    return render(request, "foods/food_detail.html", {"item": item, "facts": food_facts(item)})
