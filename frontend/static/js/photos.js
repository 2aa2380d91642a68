// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// Photo viewer: a link around a thumbnail inside any .photos container opens
// the full photo in a modal <dialog> (Esc or × closes it; ←/→ or the buttons
// step through the photos of the same container). Without JS the link still
// opens the photo itself. Photos come from the permission-checked photo view.
let viewer = null;

function button(label, text, testid) {
  const made = Object.assign(document.createElement("button"), { type: "button", textContent: text, className: "lightbox-button" });
  made.setAttribute("aria-label", label);
  made.dataset.testid = testid;
  return made;
}

function buildViewer() {
  const dialog = Object.assign(document.createElement("dialog"), { className: "lightbox" });
  dialog.dataset.testid = "photo-viewer";
  dialog.setAttribute("aria-label", gettext("Photo"));
  const image = document.createElement("img");
  const caption = document.createElement("p");
  caption.className = "lightbox-caption";
  const previous = button(gettext("Previous photo"), "‹", "photo-previous");
  const next = button(gettext("Next photo"), "›", "photo-next");
  const close = button(gettext("Close"), "×", "photo-close");
  dialog.append(close, image, previous, next, caption);
  document.body.append(dialog);
  const state = { links: [], index: 0 };
  const show = (index) => {
    state.index = (index + state.links.length) % state.links.length;
    const link = state.links[state.index];
    const thumbnail = link.querySelector("img");
    image.src = link.href;
    image.alt = thumbnail ? thumbnail.alt : "";
    caption.textContent = `${image.alt} (${state.index + 1}/${state.links.length})`;
    previous.hidden = next.hidden = state.links.length < 2;
  };
  previous.addEventListener("click", () => show(state.index - 1));
  next.addEventListener("click", () => show(state.index + 1));
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); }); // the backdrop
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft") show(state.index - 1);
    if (event.key === "ArrowRight") show(state.index + 1);
  });
  return (links, index) => {
    state.links = links;
    show(index);
    dialog.showModal();
    close.focus();
  };
}

document.addEventListener("click", (event) => {
  const link = event.target.closest(".photos a[href]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  viewer = viewer || buildViewer();
  const links = [...link.closest(".photos").querySelectorAll("a[href]")];
  viewer(links, links.indexOf(link));
});
