// Progressive enhancement only: the site works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("search-form");
  if (form) {
    // Facet checkboxes apply at once; the "Apply filters" button is for visitors without JavaScript.
    form.querySelectorAll(".facet input[type=checkbox]").forEach((box) => {
      box.addEventListener("change", () => {
        form.querySelectorAll("input").forEach((input) => { if (!input.value) input.disabled = true; });
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
  // A paragraph's ¶ link also copies its full address, ready to paste into a draft.
  document.querySelectorAll("a.anchor").forEach((a) => {
    a.title = "Link to this paragraph (copied when clicked)";
    a.addEventListener("click", () => {
      if (navigator.clipboard) navigator.clipboard.writeText(a.href).catch(() => {});
    });
  });
  // Copy buttons for citations.
  document.querySelectorAll("[data-copy]").forEach((el) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = el.dataset.copyLabel || "Copy";
    button.addEventListener("click", async () => {
      const text = el.dataset.copy || el.textContent.trim();
      try { await navigator.clipboard.writeText(text); button.textContent = "Copied"; }
      catch (e) { button.textContent = "Copy failed"; }
      setTimeout(() => { button.textContent = el.dataset.copyLabel || "Copy"; }, 1500);
    });
    el.after(button);
  });
});
