"""Reading PDFs back in tests with poppler (pdftotext, pdftoppm), as a reader would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is missing: install poppler-utils (apt-get install "
                           "poppler-utils); .ci/run does")
    return found


def pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"],
                         check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def pdf_page_images(data: bytes, folder: Path, dpi: int = 50) -> list[Path]:
    path = folder / "doc.pdf"
    path.write_bytes(data)
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-png", str(path),
                    str(folder / "page")], check=True, capture_output=True)
    return sorted(folder.glob("page*.png"))
