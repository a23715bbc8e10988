"""Builds the application once: settings, the main window, background loading, the start-up report."""

from __future__ import annotations

import json
import sys
import threading
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.logs import setup_logging
from app.core.settings import load_settings, resolve_content_root


class UiBlockMeter:
    """Measures how long the UI thread is blocked: a 10 ms timer that should fire every 10 ms."""

    INTERVAL_MS = 10

    def __init__(self):
        self.max_block_ms = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Begin measuring."""
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_block_ms = max(self.max_block_ms, (now - self._last) * 1000 - self.INTERVAL_MS)
        self._last = now


def _warm_up() -> None:
    try:
        from app.core.text.segment import segmenter

        segmenter()
    except Exception:
        pass


def run_app(content: str | None = None, startup_report: bool = False, started: float | None = None) -> int:
    """Open the main window on `content` (or the configured/bundled content root) and run the event loop."""
    started = time.perf_counter() if started is None else started
    # The segmenter's dictionary loads in native code that holds the GIL for ~0.5 s: do it while Qt
    # starts and the window is built, not later while the agent types.
    warm = threading.Thread(target=_warm_up, name="zhida-warm-up", daemon=True)
    warm.start()
    # While a loader thread runs Python, the UI thread waits up to one switch interval each time it
    # takes the GIL back (after every Qt call). 5 ms × hundreds of calls is a visible stutter; 0.5 ms is not.
    sys.setswitchinterval(0.0005)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("知答 Zhida")
    app.setOrganizationName("zhida")
    setup_logging()
    settings, warning = load_settings()
    root = resolve_content_root(content)

    from app.ui.main_window import MainWindow

    meter = UiBlockMeter()
    window = MainWindow(root, settings)
    window.show()
    app.processEvents()
    window.repaint()  # "on screen" means painted: the first paint rasterizes the CJK glyphs
    shown_s = time.perf_counter() - started
    warm.join(timeout=2.0)
    meter.start()
    if warning:
        window.statusBar().showMessage(warning, 10000)
    if not root.is_dir():
        window.status_label.setText(f"知识库文件夹不存在:{root}(请在设置中选择)")
    else:
        window.start_loading()
        window.setup_sync()
    if startup_report:

        def report() -> None:
            ready_s = time.perf_counter() - started
            # Keep measuring briefly after ready: the first search and render must not block either.
            window.search_box.setText("退款")

            def finish() -> None:
                if window.workspace is None and not window.results.results_model.rowCount():
                    QTimer.singleShot(200, finish)  # measure until the first results are on screen
                    return
                print(
                    json.dumps(
                        {
                            "window_shown_s": round(shown_s, 3),
                            "search_ready_s": round(ready_s, 3),
                            "max_ui_block_ms": round(meter.max_block_ms, 1),
                        }
                    )
                )
                app.quit()

            QTimer.singleShot(600, finish)

        window.search_ready.connect(report)
        QTimer.singleShot(120_000, app.quit)
    return app.exec()
