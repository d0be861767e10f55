// Attendance on a phone: each tap saves in the background (JSON) and says
// "Guardado"; without JavaScript the buttons post the form as usual.
(function () {
  "use strict";
  const list = document.querySelector("ul.attendance");
  const status = document.getElementById("attendance-status");
  const texts = document.getElementById("attendance-messages");
  if (!list || !status || !texts) return;
  const url = list.dataset.url;

  function paint(form, present) {
    form.querySelectorAll("button[name=present]").forEach(function (button) {
      const on = (button.value === "1") === present;
      const kind = button.value === "1" ? "success" : "danger";
      button.classList.toggle("btn-" + kind, on);
      button.classList.toggle("btn-outline-" + kind, !on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button[name=present]");
    if (!button) return;
    event.preventDefault();
    const form = button.form;
    const present = button.value === "1";
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const row = form.closest("[data-person]");
    status.textContent = texts.dataset.saving;
    status.className = "small text-muted";
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ person: Number(row.dataset.person), present: present }),
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok || !data.ok) throw new Error(data.error || "");
          paint(form, present);
          status.textContent = texts.dataset.saved;
          status.className = "small text-success fw-semibold";
          row.dataset.saved = present ? "present" : "absent";
        });
      })
      .catch(function (error) {
        status.textContent = error.message || texts.dataset.failed;
        status.className = "small text-danger fw-semibold";
      });
  });
})();
