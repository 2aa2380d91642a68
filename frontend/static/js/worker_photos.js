// Photos shrunk on the phone before they are queued: a phone camera's 5 MB
// photo takes a minute on a slow link; at most MAX_BYTES (1 MB) it takes seconds.
// Drawn on a canvas (the orientation of the photo applied, its metadata such as
// the GPS tags left behind) and written as JPEG, smaller until it fits.
export const MAX_BYTES = 1000000;
const MAX_SIDE = 2048; // px, long side: still sharp on a case page, a fraction of a camera's 4000+
const QUALITIES = [0.85, 0.75, 0.65, 0.55];

const jpegName = (name) => `${(name || "photo").replace(/\.[^.]*$/, "")}.jpg`;

function canvasBlob(canvas, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

// Returns a File of at most maxBytes, or the original when it is already a small JPEG (nothing to gain).
// A file the browser cannot decode is returned unchanged: the server's photo policy gives the reason.
export async function shrinkPhoto(file, maxBytes = MAX_BYTES) {
  if (file.size <= maxBytes && file.type === "image/jpeg") return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (error) {
    return file;
  }
  let scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  for (;;) {
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of QUALITIES) {
      const blob = await canvasBlob(canvas, quality);
      if (blob && blob.size <= maxBytes) {
        bitmap.close();
        return new File([blob], jpegName(file.name), { type: "image/jpeg" });
      }
    }
    scale *= 0.75; // still too big at the lowest quality: fewer pixels
  }
}

// Thumbnails of the photos chosen in a file input, shown in `box` as they are picked.
export function previewPhotos(input, box) {
  input.addEventListener("change", () => {
    box.replaceChildren(...[...input.files].map((file) =>
      Object.assign(document.createElement("img"), { src: URL.createObjectURL(file), alt: file.name })));
  });
}
