// Progressive enhancement only: the site works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("search-form");
  if (form) {
    // Facet checkboxes apply at once; the "Apply filters" button is for visitors without JavaScript.
    form.querySelectorAll(".facet input[type=checkbox]").forEach((box) => {
      box.addEventListener("change", () => {
        form.querySelectorAll("input").forEach((input) => { if (!input.value) input.disabled = true; });
        // The new page opens at its results heading, focused: the new count is read out, results are next.
        form.action = form.getAttribute("action").split("#")[0] + "#results-heading";
        form.submit();
      });
    });
    // Filter a long facet list as you type; Enter searches all values on the server.
    form.querySelectorAll(".facet-filter input").forEach((input) => {
      input.addEventListener("input", () => {
        const needle = input.value.toLowerCase();
        input.closest("fieldset").querySelectorAll("li").forEach((li) => {
          li.hidden = needle !== "" && !li.textContent.toLowerCase().includes(needle);
        });
      });
    });
    form.addEventListener("submit", () => {
      form.querySelectorAll("input").forEach((input) => { if (!input.value) input.disabled = true; });
    });
  }
  // Arriving from a changed filter (a facet, a chip, the histogram): focus the results heading itself.
  const heading = document.getElementById("results-heading");
  if (heading && window.location.hash === "#results-heading") heading.focus();
  // A paragraph's ¶ link also copies its full address, ready to paste into a draft.
  document.querySelectorAll("a.anchor").forEach((a) => {
    a.title = "Link to this paragraph (copied when clicked)";
    a.addEventListener("click", () => {
      if (navigator.clipboard) navigator.clipboard.writeText(a.href).catch(() => {});
    });
  });
  // Copy buttons for citations: each copies exactly the text shown beside it, and says which text.
  document.querySelectorAll("[data-copy]").forEach((el) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    const label = el.dataset.copyLabel || "Copy";
    button.textContent = "Copy";
    if (el.dataset.copyLabel) button.setAttribute("aria-label", label);
    button.addEventListener("click", async () => {
      const text = el.textContent.trim().replace(/\s+/g, " ");
      try { await navigator.clipboard.writeText(text); button.textContent = "Copied"; }
      catch (e) { button.textContent = "Copy failed"; }
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
    el.after(button);
  });
});
