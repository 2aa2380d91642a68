// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// 即报即处 on a report already sent: the photo(s) after and a note go to the device queue
// (offline_queue.js, kind "self_handle" with the report's id), which closes the case through
// POST /api/cases/<id>/self-handle/ now, or when the network returns.
import { enqueue } from "./offline_queue.js";
import { previewPhotos, shrinkPhoto } from "./worker_photos.js";
import { sendAndTell, startWorkerPage, USER } from "./worker.js";

const form = document.getElementById("fixed-form");
if (form) {
  const photo = document.getElementById("fixed-photo");
  previewPhotos(photo, document.getElementById("fixed-preview"));
  form.addEventListener("change", () => { document.getElementById("fixed-error").textContent = ""; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = document.getElementById("fixed-note").value.trim();
    const error = document.getElementById("fixed-error");
    error.textContent = !photo.files.length ? gettext("Take a photo after first.")
      : !note ? gettext("Say what you did first.") : "";
    if (error.textContent) return;
    form.querySelector("button").disabled = true;
    const record = await enqueue({
      user: USER, kind: "self_handle", eventId: Number(form.dataset.event), fields: {}, fix: { note },
      label: `${gettext("Fixed on the spot")}: ${form.dataset.label}`,
      after: await Promise.all([...photo.files].map((file) => shrinkPhoto(file))),
    });
    const { saved, text } = await sendAndTell(record);
    form.replaceWith(Object.assign(document.createElement("p"), { textContent: text, className: "chosen" }));
    if (saved.status === "sent") document.getElementById("fixed-title").dataset.status = "closed";
  });
}

startWorkerPage({ receipts: document.getElementById("receipts") });
