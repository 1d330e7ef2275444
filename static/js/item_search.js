// The entry form's search box: as the user types, list matching items (tracker:item_search) under it;
// picking one selects it in the item select and fills the portion select with its portions.
// Without this script the same box is a plain GET search that refills those selects on reload.
(function () {
  "use strict";

  var box = document.getElementById("item-search-box");
  var list = document.getElementById("item-suggestions");
  var itemSelect = document.getElementById("id_item");
  var portionSelect = document.getElementById("id_portion");
  if (!box || !list || !itemSelect || !portionSelect || !window.fetch) {
    return;
  }

  var MIN_LETTERS = 2;
  var DELAY_MS = 200;
  var timer = null;
  var latest = 0;
  // Portions by item id, first from the options the server rendered, then from search results.
  var portionsByItem = {};

  Array.prototype.forEach.call(portionSelect.querySelectorAll("option[data-item]"), function (option) {
    var itemId = option.getAttribute("data-item");
    (portionsByItem[itemId] = portionsByItem[itemId] || []).push({ id: option.value, text: option.textContent });
  });

  function amountText(number, unit) {
    return String(Number(number)) + " " + unit;
  }

  function portionText(portion) {
    var amount = portion.grams !== null ? amountText(portion.grams, "g") : amountText(portion.units, "units");
    return portion.label + " (" + amount + ")";
  }

  function showPortionsOf(itemId) {
    var chosen = portionSelect.value;
    var portions = portionsByItem[itemId] || [];
    portionSelect.textContent = "";
    portionSelect.appendChild(new Option("—", ""));
    portions.forEach(function (portion) {
      var option = new Option(portion.text, portion.id, false, portion.id === chosen);
      option.setAttribute("data-item", itemId);
      portionSelect.appendChild(option);
    });
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    box.setAttribute("aria-expanded", "false");
  }

  function pick(item) {
    var id = String(item.id);
    portionsByItem[id] = item.portions.map(function (portion) {
      return { id: String(portion.id), text: portionText(portion) };
    });
    var option = itemSelect.querySelector('option[value="' + id + '"]');
    if (!option) {
      option = new Option(item.brand ? item.name + " (" + item.brand + ")" : item.name, id);
      itemSelect.appendChild(option);
    }
    itemSelect.value = id;
    showPortionsOf(id);
    box.value = item.name;
    close();
    var amount = document.getElementById("id_grams") || document.getElementById("id_units");
    if (amount) {
      amount.focus();
    }
  }

  function render(items) {
    list.textContent = "";
    if (!items.length) {
      var none = document.createElement("div");
      none.className = "list-group-item small text-body-secondary";
      none.textContent = "Nothing matches: try fewer letters.";
      list.appendChild(none);
    }
    items.forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action";
      button.setAttribute("data-item-id", item.id);
      button.textContent = item.name;
      var details = [item.brand, item.own ? "yours" : ""].filter(Boolean).join(" · ");
      if (details) {
        var small = document.createElement("span");
        small.className = "small text-body-secondary ms-2";
        small.textContent = details;
        button.appendChild(small);
      }
      button.addEventListener("click", function () {
        pick(item);
      });
      list.appendChild(button);
    });
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
  }

  function search() {
    var query = box.value.trim();
    if (query.length < MIN_LETTERS) {
      close();
      return;
    }
    var asked = ++latest;
    var url = box.getAttribute("data-search-url") + "?" + new URLSearchParams({
      q: query,
      kind: box.getAttribute("data-kind") || "",
    });
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("search answered " + response.status);
        }
        return response.json();
      })
      .then(function (items) {
        if (asked === latest) {
          render(items);
        }
      })
      .catch(function () {
        if (asked === latest) {
          close();  // the Find button still works
        }
      });
  }

  function buttons() {
    return Array.prototype.slice.call(list.querySelectorAll("button"));
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, DELAY_MS);
  });

  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden && buttons().length) {
      event.preventDefault();
      buttons()[0].focus();
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && !list.hidden && buttons().length === 1) {
      event.preventDefault();
      buttons()[0].click();
    }
  });

  list.addEventListener("keydown", function (event) {
    var all = buttons();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < all.length - 1) {
      event.preventDefault();
      all[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? all[at - 1] : box).focus();
    } else if (event.key === "Escape") {
      close();
      box.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== box) {
      close();
    }
  });

  itemSelect.addEventListener("change", function () {
    showPortionsOf(itemSelect.value);
  });

  if (itemSelect.value) {
    showPortionsOf(itemSelect.value);
  }
})();
