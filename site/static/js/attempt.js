// The attempt page and its summary: save each answer and flag as it changes,
// keep the question navigator and the countdown up to date, confirm before
// submitting.
//
// Without JavaScript the page still works: "Guardar respuestas" posts the whole
// form (answers and flags), "Enviar intento" posts it to the submit URL, and the
// deadline is shown as a clock time. The server owns the clock: this script only
// displays the remaining seconds it was given, and the server refuses late
// answers itself.
(() => {
  const form = document.getElementById("attempt-form") || document.getElementById("summary-form");
  if (!form) return;
  const text = form.dataset;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const alertBox = document.getElementById("attempt-alert");
  const submitButton = form.querySelector("[data-submit-attempt]");
  let closed = false;
  let timer = null;
  let submitting = false;

  // The answer of one question, in the tokens the form uses. Every widget
  // follows its section's data-answer-shape (see assessments/question_types):
  // "one" posts one value, "list" every value chosen, "parts" one value per
  // control that has a data-token.
  function answerOf(section) {
    const fieldset = section.querySelector("[data-answer]");
    const controls = Array.from(fieldset.querySelectorAll("input[name], select[name], textarea[name]"));
    const shape = section.dataset.answerShape;
    if (shape === "parts") {
      const answer = {};
      controls
        .filter((control) => control.dataset.token !== undefined)
        .forEach((control) => {
          answer[control.dataset.token] = control.value;
        });
      return answer;
    }
    const chosen = controls.filter((control) =>
      control.type === "checkbox" || control.type === "radio" ? control.checked : control.value !== "",
    );
    if (shape === "list") return chosen.map((control) => control.value);
    return chosen.length ? chosen[0].value : null;
  }

  function isAnswered(answer) {
    if (answer === null || answer === "") return false;
    if (Array.isArray(answer)) return answer.length > 0;
    return Object.values(answer).some((value) => value !== "");
  }

  // A widget whose parts each hold a different value (an ordering) is saved only
  // when every part has a value (or none has).
  const distinct = (section) => section.dataset.distinctParts !== undefined;

  function partsIncomplete(answer) {
    const values = Object.values(answer);
    const filled = values.filter((value) => value !== "");
    return filled.length > 0 && (filled.length < values.length || new Set(filled).size < filled.length);
  }

  function setState(section, message, kind) {
    const state = section.querySelector("[data-save-state]");
    state.textContent = message;
    state.classList.remove("text-success", "text-danger", "text-muted");
    state.classList.add(kind === "saved" ? "text-success" : kind === "error" ? "text-danger" : "text-muted");
  }

  const navLink = (section) => document.querySelector(`[data-nav-position="${section.dataset.position}"]`);

  function updateNavigator(section, answered) {
    const link = navLink(section);
    if (link) link.classList.toggle("answered", answered);
    const answeredCount = document.querySelectorAll(".question-nav a.answered").length;
    document.querySelectorAll("[data-answered-count]").forEach((count) => {
      count.textContent = answeredCount;
    });
  }

  function updateFlag(section, flagged) {
    const link = navLink(section);
    if (!link) return;
    link.classList.toggle("flagged", flagged);
    link.querySelector("[data-flag-text]").hidden = !flagged;
  }

  function closeAttempt(data) {
    closed = true;
    if (timer) clearInterval(timer);
    form.querySelectorAll("input, select, button").forEach((el) => {
      el.disabled = true;
    });
    const alert = document.createElement("div");
    alert.className = "alert alert-warning";
    alert.append(document.createTextNode(data.error + " "));
    if (data.result_url) {
      const link = document.createElement("a");
      link.href = data.result_url;
      link.className = "alert-link";
      link.textContent = text.msgResult;
      alert.append(link);
    }
    alertBox.replaceChildren(alert);
    alertBox.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // Saves go one at a time, in order, and a question waiting in the queue is
  // saved once with its answer at that moment: quick changes (a matching's
  // selects, an ordering's swaps) make one request, not a burst.
  let queue = Promise.resolve();
  const waiting = new Set();

  // A flag is saved on its own (it never waits for an answer's queue).
  async function saveFlag(section, checkbox) {
    if (closed) return;
    const flagged = checkbox.checked;
    updateFlag(section, flagged);
    try {
      const response = await post({ position: Number(section.dataset.position), flagged });
      const data = await response.json();
      if (response.status === 409) closeAttempt(data);
      else if (!response.ok) setState(section, data.error, "error");
    } catch (error) {
      setState(section, text.msgNetwork, "error");
    }
  }

  const post = (body) =>
    fetch(text.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrf,
      },
      body: JSON.stringify(body),
    });

  function save(section) {
    if (closed) return;
    const answer = answerOf(section);
    if (distinct(section) && partsIncomplete(answer)) {
      setState(section, text.msgIncomplete, "pending");
      return;
    }
    setState(section, text.msgSaving, "pending");
    if (waiting.has(section)) return;
    waiting.add(section);
    queue = queue.then(() => {
      waiting.delete(section);
      return send(section);
    });
  }

  async function send(section) {
    if (closed) return;
    const answer = answerOf(section);
    if (distinct(section) && partsIncomplete(answer)) {
      setState(section, text.msgIncomplete, "pending");
      return;
    }
    // Only the latest save of a question may update its state.
    const ticket = String(Number(section.dataset.ticket || 0) + 1);
    section.dataset.ticket = ticket;
    try {
      const response = await post({ position: Number(section.dataset.position), answer });
      const data = await response.json();
      if (section.dataset.ticket !== ticket) return;
      if (response.ok) {
        setState(section, data.message, "saved");
        updateNavigator(section, data.answered);
      } else if (response.status === 409) {
        closeAttempt(data);
      } else {
        setState(section, data.error, "error");
      }
    } catch (error) {
      if (section.dataset.ticket === ticket) setState(section, text.msgNetwork, "error");
    }
  }

  // Distinct parts (an ordering): choosing a value another part holds swaps the two.
  function swapPlaces(select) {
    const section = select.closest("[data-question]");
    const previous = select.dataset.previous || "";
    if (select.value !== "") {
      section.querySelectorAll("select[data-token]").forEach((other) => {
        if (other !== select && other.value === select.value) {
          other.value = previous;
          other.dataset.previous = previous;
        }
      });
    }
    select.dataset.previous = select.value;
  }

  form.querySelectorAll("[data-distinct-parts] select[data-token]").forEach((select) => {
    select.dataset.previous = select.value;
  });

  form.addEventListener("change", (event) => {
    const section = event.target.closest("[data-question]");
    if (!section) return;
    if (event.target.matches("[data-flag]")) {
      saveFlag(section, event.target);
      return;
    }
    if (distinct(section) && event.target.matches("select[data-token]")) swapPlaces(event.target);
    save(section);
  });

  // The questions still unanswered: every position of the navigator on the
  // attempt page (one question per page shows only one section), the list the
  // server gave on the summary page.
  function unansweredPositions() {
    if (text.unanswered !== undefined) return text.unanswered ? text.unanswered.split(", ") : [];
    return Array.from(document.querySelectorAll(".question-nav a:not(.answered)")).map(
      (link) => link.dataset.navPosition,
    );
  }

  form.addEventListener("submit", (event) => {
    if (submitting) {
      // A second click while the first submit is on its way sends nothing.
      event.preventDefault();
      return;
    }
    if (event.submitter !== submitButton) return;
    const unanswered = unansweredPositions();
    let message = text.msgConfirm;
    if (unanswered.length) message = `${text.msgConfirmUnanswered} ${unanswered.join(", ")}.\n\n${message}`;
    if (!window.confirm(message)) {
      event.preventDefault();
      return;
    }
    submitting = true;
  });

  // In the drawer (small screens), choosing a question closes the drawer.
  const drawer = document.getElementById("attempt-navigator");
  if (drawer && window.bootstrap) {
    drawer.querySelectorAll(".question-nav a").forEach((link) => {
      link.addEventListener("click", () => {
        const instance = window.bootstrap.Offcanvas.getInstance(drawer);
        if (instance) instance.hide();
      });
    });
  }

  // Countdown from the seconds the server gave; at zero, hand the attempt in.
  // Screen readers hear it at 5 minutes and at 1 minute only (a polite live
  // region), never every second.
  const countdown = document.querySelector("[data-countdown]");
  if (countdown) {
    const outputs = document.querySelectorAll("[data-countdown-text]");
    const clocks = document.querySelectorAll(".attempt-timer");
    const announcer = document.querySelector("[data-timer-announce]");
    const endsAt = Date.now() + Number(countdown.dataset.remainingSeconds) * 1000;
    const pad = (n) => String(n).padStart(2, "0");
    let last = Number(countdown.dataset.remainingSeconds);
    const announce = (left) => {
      if (!announcer) return;
      if (last > 300 && left <= 300 && left > 60) announcer.textContent = announcer.dataset.msgFive;
      if (last > 60 && left <= 60 && left > 0) announcer.textContent = announcer.dataset.msgOne;
    };
    const tick = () => {
      const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      const hours = Math.floor(left / 3600);
      const minutes = Math.floor((left % 3600) / 60);
      const seconds = left % 60;
      const shown = hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
      outputs.forEach((output) => {
        output.textContent = shown;
      });
      clocks.forEach((clock) => clock.classList.toggle("low", left <= 60));
      announce(left);
      last = left;
      if (left === 0 && !closed && !submitting) {
        clearInterval(timer);
        submitting = true;
        const alert = document.createElement("div");
        alert.className = "alert alert-warning";
        alert.textContent = text.msgTimeUp;
        alertBox.replaceChildren(alert);
        form.action = text.autoSubmitUrl;
        form.submit();
      }
    };
    tick();
    timer = setInterval(tick, 1000);
  }
})();
