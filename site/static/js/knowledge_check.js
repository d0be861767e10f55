// Knowledge checks: send the choice to the server and show its feedback in place.
// Without JavaScript the form posts normally and the page comes back with feedback.
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
