// Knowledge checks: shuffle the options on every visit, send the choice to the
// server and show its feedback in place. Without JavaScript the form posts
// normally and the page comes back with feedback.
//
// The shuffle happens here, in the browser, so that the lesson body stays one
// cached fragment for everyone (courses caches rendered lesson bodies); each
// option keeps its value (its index in the block), which is what the server
// checks, so the order shown never matters to it.
function shuffleOptions(fieldset) {
  const options = Array.from(fieldset.querySelectorAll(":scope > .form-check"));
  for (let i = options.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [options[i], options[j]] = [options[j], options[i]];
  }
  options.forEach((option) => fieldset.append(option));
}

document.querySelectorAll("[data-knowledge-check] fieldset").forEach(shuffleOptions);

document.querySelectorAll("[data-knowledge-check] form").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = form.querySelector(".kc-feedback");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      const alert = document.createElement("div");
      if (!response.ok) {
        alert.className = "alert alert-danger mb-0";
        alert.textContent = data.error;
      } else {
        alert.className = "alert mb-0 " + (data.correct ? "alert-success" : "alert-warning");
        const strong = document.createElement("strong");
        strong.textContent = data.correct ? form.dataset.correct || "¡Correcto! " : form.dataset.wrong || "No es correcto. ";
        alert.append(strong, document.createTextNode(data.feedback));
      }
      box.replaceChildren(alert);
    } catch (error) {
      form.submit();
    }
  });
});
