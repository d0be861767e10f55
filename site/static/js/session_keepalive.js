// Keeps the session alive while a page that must not be cut short is open (the
// attempt page, while its clock runs): an element with data-session-keepalive
// gives the URL to ping and, in data-session-keepalive-seconds, how often (a
// fraction of the idle limit). With data-remaining-seconds on the same element,
// the pings stop once that time is up, so a forgotten page does not keep a
// shared workstation signed in for ever.
(() => {
  const element = document.querySelector("[data-session-keepalive]");
  if (!element) return;
  const url = element.dataset.sessionKeepalive;
  // (setInterval takes at most 2^31 - 1 ms; beyond, it would fire at once.)
  const every = Math.min(Number(element.dataset.sessionKeepaliveSeconds) * 1000, 2 ** 31 - 1);
  if (!url || !(every > 0)) return;
  const remaining = Number(element.dataset.remainingSeconds);
  const stopAt = remaining >= 0 ? Date.now() + remaining * 1000 : Infinity;
  const timer = setInterval(() => {
    if (Date.now() > stopAt) {
      clearInterval(timer);
      return;
    }
    fetch(url, { credentials: "same-origin", cache: "no-store" }).catch(() => {});
  }, every);
})();
