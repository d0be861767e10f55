// Tables wider than the screen scroll inside .table-responsive: such a box must
// be reachable by keyboard (WCAG 2.1.1), so while it scrolls it gets tabindex 0
// and the region role, named by its table's caption or by the script tag's
// data-table-label (a translated "scrollable table").
(() => {
  "use strict";
  const fallbackLabel = document.currentScript?.dataset.tableLabel || "";
  const boxes = document.querySelectorAll(".table-responsive");
  if (!boxes.length) return;
  const update = () => {
    boxes.forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollRegion = "";
        box.setAttribute("role", "region");
        const caption = box.querySelector("caption");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : fallbackLabel);
      } else if (!scrolls && "scrollRegion" in box.dataset) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  };
  update();
  window.addEventListener("resize", update);
})();
