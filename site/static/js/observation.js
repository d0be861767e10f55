// The observation record on a tablet: every change of an item saves in the
// background, and nothing is lost when the network drops.
//
// Each change is first written to localStorage (key: record uuid + item), then
// sent. A change leaves localStorage only when the server accepted it (200) or
// refused it for good (400: the message is shown at the item). Unsent changes
// are retried when the browser comes back online and every few seconds, and a
// page opened again re-applies and resends what it finds stored.
//
// Without JavaScript the page still works: "Guardar todo" posts the whole form.
(() => {
  const form = document.getElementById("observation-form");
  if (!form) return;
  const text = form.dataset;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const globalState = document.getElementById("capture-state");
  const prefix = `atiende:observation:${text.record}:`;
  const RETRY_MS = 4000;
  const TYPING_MS = 600;
  let missing = Number(text.missing || 0);
  let sending = false;
  let again = false;
  let offline = false;
  let closed = false;

  const storage = (() => {
    try {
      const probe = `${prefix}probe`;
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      // Private mode or storage disabled: keep the changes in memory instead.
      const memory = new Map();
      return {
        getItem: (key) => (memory.has(key) ? memory.get(key) : null),
        setItem: (key, value) => memory.set(key, String(value)),
        removeItem: (key) => memory.delete(key),
        key: (index) => Array.from(memory.keys())[index] ?? null,
        get length() {
          return memory.size;
        },
      };
    }
  })();

  const itemBox = (id) => form.querySelector(`[data-item="${CSS.escape(id)}"]`);

  function pendingKeys() {
    const keys = [];
    for (let index = 0; index < storage.length; index += 1) {
      const key = storage.key(index);
      if (key && key.startsWith(prefix)) keys.push(key);
    }
    return keys;
  }

  function valuesOf(box) {
    const chosen = box.querySelector("input[type=radio]:checked");
    return {
      item: box.dataset.item,
      outcome: chosen ? chosen.value : "",
      reason: box.querySelector("[name^='reason-']").value,
      note: box.querySelector("[name^='note-']").value,
    };
  }

  function apply(box, values) {
    box.querySelectorAll("input[type=radio]").forEach((radio) => {
      radio.checked = radio.value === values.outcome;
    });
    box.querySelector("[name^='reason-']").value = values.reason || "";
    box.querySelector("[name^='note-']").value = values.note || "";
    showReason(box);
  }

  function showReason(box) {
    const chosen = box.querySelector("input[type=radio]:checked");
    box.querySelector("[data-reason]").classList.toggle("d-none", !chosen || chosen.value !== "na");
  }

  function setItemState(box, message, kind) {
    const state = box.querySelector("[data-save-state]");
    state.textContent = message;
    state.className = `small mb-0 mt-2 ${kind === "saved" ? "text-success" : kind === "error" ? "text-danger" : "text-muted"}`;
    box.classList.toggle("saved", kind === "saved");
    box.classList.toggle("pending", kind === "pending");
    box.classList.toggle("failed", kind === "error");
  }

  function setMissing(count) {
    missing = count;
    document.querySelectorAll("[data-sign-form]").forEach((el) => el.classList.toggle("d-none", missing > 0));
    document.querySelectorAll("[data-sign-missing]").forEach((el) => el.classList.toggle("d-none", missing === 0));
  }

  function updateGlobal() {
    const count = pendingKeys().length;
    let message;
    if (closed) message = text.msgFrozen;
    else if (offline && count) message = text.msgOffline.replace("%(count)s", count);
    else if (count || sending) message = text.msgSaving;
    else if (missing) message = text.msgMissing.replace("%(count)s", missing);
    else message = text.msgAllSaved;
    globalState.textContent = message;
    globalState.dataset.pending = String(count);
    globalState.dataset.offline = offline && count ? "true" : "false";
  }

  function remember(box) {
    const values = valuesOf(box);
    if (!values.outcome) {
      setItemState(box, text.msgChoose, "pending");
      return;
    }
    if (values.outcome === "na" && !values.reason.trim()) {
      setItemState(box, text.msgReason, "pending");
      return;
    }
    storage.setItem(prefix + values.item, JSON.stringify(values));
    setItemState(box, offline ? text.msgPending : text.msgSaving, "pending");
    updateGlobal();
    flush();
  }

  function closeRecord(message) {
    closed = true;
    pendingKeys().forEach((key) => storage.removeItem(key));
    form.querySelectorAll("input, button, textarea").forEach((el) => {
      el.disabled = true;
    });
    const alert = document.createElement("div");
    alert.className = "alert alert-warning";
    alert.setAttribute("role", "alert");
    alert.textContent = message || text.msgFrozen;
    form.prepend(alert);
  }

  // Send every stored change, one at a time. A network failure stops the round
  // (the rest would fail too) and leaves everything stored for the next one.
  async function flush() {
    if (closed) return;
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    again = false;
    try {
      for (const key of pendingKeys()) {
        const body = storage.getItem(key);
        if (body === null) continue;
        const values = JSON.parse(body);
        const box = itemBox(values.item);
        let response;
        let data = {};
        try {
          response = await fetch(text.saveUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
            body,
          });
          data = await response.json().catch(() => ({}));
        } catch (error) {
          offline = true;
          if (box) setItemState(box, text.msgPending, "pending");
          break;
        }
        const accepted = response.ok && Boolean(data.saved_at);
        if (response.status >= 500 || [403, 429].includes(response.status) || (response.ok && !accepted)) {
          // The server could not take it now, or the session ended (a sign-in
          // page instead of an answer): keep the change and try again later.
          offline = true;
          if (box) setItemState(box, text.msgPending, "pending");
          break;
        }
        offline = false;
        const current = storage.getItem(key);
        if (accepted) {
          if (current === body) storage.removeItem(key);
          if (box && current === body) setItemState(box, data.message || text.msgSaved, "saved");
          if (typeof data.missing === "number") setMissing(data.missing);
        } else if (response.status === 409) {
          closeRecord(data.error);
          break;
        } else {
          if (current === body) storage.removeItem(key);
          if (box) setItemState(box, data.error || text.msgChoose, "error");
        }
        updateGlobal();
      }
    } finally {
      sending = false;
      updateGlobal();
    }
    if (again && !offline) flush();
  }

  // Radios save at once; text fields once typing pauses (and on leaving them).
  const typing = new Map();
  form.addEventListener("change", (event) => {
    const box = event.target.closest("[data-item]");
    if (!box) return;
    showReason(box);
    clearTimeout(typing.get(box));
    remember(box);
  });
  form.addEventListener("input", (event) => {
    const box = event.target.closest("[data-item]");
    if (!box || event.target.type === "radio") return;
    clearTimeout(typing.get(box));
    typing.set(box, setTimeout(() => remember(box), TYPING_MS));
  });

  window.addEventListener("online", () => {
    offline = false;
    flush();
  });
  window.addEventListener("offline", () => {
    offline = true;
    updateGlobal();
  });
  window.setInterval(() => {
    if (pendingKeys().length) flush();
  }, RETRY_MS);
  // On load: re-apply what was left unsent (this or an earlier visit) and send it.
  form.querySelectorAll("[data-item]").forEach(showReason);
  pendingKeys().forEach((key) => {
    let values;
    try {
      values = JSON.parse(storage.getItem(key));
    } catch (error) {
      values = {};
    }
    const box = values && itemBox(String(values.item));
    if (!box) {
      storage.removeItem(key);
      return;
    }
    apply(box, values);
    setItemState(box, text.msgPending, "pending");
  });
  setMissing(missing);
  updateGlobal();
  flush();
})();
