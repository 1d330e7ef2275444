from django.shortcuts import get_object_or_404, render

from foods.models import Item


def food_list(request):
    items = Item.objects.visible_to(request.user).select_related("category")[:100]
    return render(request, "foods/food_list.html", {"items": items})


def food_detail(request, pk):
    item = get_object_or_404(Item.objects.visible_to(request.user), pk=pk)
    return render(request, "foods/food_detail.html", {"item": item})
