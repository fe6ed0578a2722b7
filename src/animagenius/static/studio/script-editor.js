// The script editor: move, delete and add scene cards in the page. The server estimates durations
// (HTMX posts the form on every change) and validates and saves the whole script on Save.
(() => {
  "use strict";
  const form = document.getElementById("script-form");
  if (!form) return;
  const list = document.getElementById("scene-list");
  const template = document.getElementById("new-scene-template");
  const renderButton = document.getElementById("render-video");
  const unsavedNote = document.getElementById("unsaved-note");
  let saving = false;
  let added = 0;

  const cards = () => Array.from(list.querySelectorAll(":scope > .scene-card"));

  function markUnsaved() {
    form.dataset.unsaved = "true";
    if (renderButton) renderButton.disabled = true;
    if (unsavedNote) unsavedNote.hidden = false;
  }

  function renumber() {
    const all = cards();
    all.forEach((card, index) => {
      card.querySelector(".scene-number").textContent = String(index + 1);
      card.querySelector('[data-action="up"]').disabled = index === 0;
      card.querySelector('[data-action="down"]').disabled = index === all.length - 1;
      card.querySelector('[data-action="delete"]').disabled = all.length === 1;
    });
  }

  function newCard() {
    added += 1;
    const key = `new${Date.now().toString(36)}${added}`;
    const holder = document.createElement("ol");
    holder.innerHTML = template.innerHTML.replaceAll("__key__", key);
    return holder.firstElementChild;
  }

  const actions = {
    up(card) {
      if (card.previousElementSibling) list.insertBefore(card, card.previousElementSibling);
    },
    down(card) {
      if (card.nextElementSibling) list.insertBefore(card.nextElementSibling, card);
    },
    delete(card) {
      if (cards().length > 1) card.remove();
    },
    add(card) {
      const fresh = newCard();
      card.after(fresh);
      fresh.querySelector("input[name$='-title']").focus();
    },
  };

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button || !form.contains(button)) return;
    event.preventDefault();
    actions[button.dataset.action](button.closest(".scene-card"));
    renumber();
    markUnsaved();
    form.dispatchEvent(new CustomEvent("script-changed"));  // HTMX asks the server for new estimates
  });

  form.addEventListener("input", markUnsaved);
  form.addEventListener("change", (event) => {
    if (!event.target.matches("[data-visual]")) return;
    const prompt = event.target.closest(".visual-row").querySelector("[data-prompt]");
    prompt.hidden = !["generated", "generated-clip"].includes(event.target.value);
    prompt.querySelector("input").required = !prompt.hidden;
  });
  form.addEventListener("submit", () => { saving = true; });
  document.body.addEventListener("htmx:afterSwap", () => {
    // a render that ends while the page is open frees the Render button again (unless there are edits)
    const status = document.getElementById("job-status");
    const ended = status && ["done", "failed", "cancelled"].includes(status.dataset.status);
    if (ended && renderButton && !form.dataset.unsaved) renderButton.disabled = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (form.dataset.unsaved && !saving) event.preventDefault();
  });
  renumber();
})();
