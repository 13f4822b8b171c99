// Names Django's autocomplete boxes (select2) for assistive technology. select2 names its box
// only by the choice shown in it, so an empty box had no name at all (axe's
// aria-input-field-name): the box is named by the field's label and then its choice. Loaded by
// templates/admin/base_site.html; the CSP allows it (a file of our own, no inline script).
"use strict";

function nameAutocompleteBoxes() {
  for (const box of document.querySelectorAll(".select2-selection[aria-labelledby]")) {
    const shown = box.getAttribute("aria-labelledby").split(" ").pop();
    const selectId = shown.replace(/^select2-/, "").replace(/-container$/, "");
    const select = document.getElementById(selectId);
    const label = document.querySelector(`label[for="${selectId}"]`);
    // The choice shown is in a read-only textbox of its own, which needs the name too.
    const choice = document.getElementById(shown);
    if (label) {
      label.id = label.id || `${selectId}-label`;
      box.setAttribute("aria-labelledby", `${label.id} ${shown}`);
      choice?.setAttribute("aria-labelledby", `${label.id} ${shown}`);
    } else if (select && select.getAttribute("aria-label")) {
      // An inline row's box: its column heading is no label (imhs.admin.mixins.LabelledTabularInline).
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", select.getAttribute("aria-label"));
      choice?.setAttribute("aria-label", select.getAttribute("aria-label"));
    }
  }
}

// After Django's autocomplete.js has made the boxes (its jQuery ready handler was registered
// first, so runs first); pages without autocomplete boxes have no jQuery and nothing to do.
window.django?.jQuery?.(nameAutocompleteBoxes);
// A new inline row's box is made when Django adds the row.
document.addEventListener("formset:added", () => setTimeout(nameAutocompleteBoxes));
